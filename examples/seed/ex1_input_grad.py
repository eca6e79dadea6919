import numpy as np
import msgrad.nn as nn
import msgrad as ms
import msgrad.ops as ops
from msgrad import Tensor


class Net(nn.Cell):
    def __init__(self):
        super(Net, self).__init__()
        self.w = ms.Parameter(np.array([6.0]), name='w')
        self.b = ms.Parameter(np.array([1.0]), name='b')

    def construct(self, x):
        f = self.w * x + self.b
        return f


class GradNet(nn.Cell):
    def __init__(self, net):
        super(GradNet, self).__init__()
        self.net = net
        self.grad_op = ops.GradOperation()

    def construct(self, x):
        gradient_function = self.grad_op(self.net)
        return gradient_function(x)


x = Tensor([100], dtype=ms.float32)
output = GradNet(Net())(x)
print(output)
