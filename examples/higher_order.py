"""Second and third derivatives, the way MindSpore's tutorial writes them: a GradNet whose
construct calls GradOperation, nested. msgrad generates the inner gradient as plain numpy code,
then differentiates that code like any other; this prints the generated second-order code.

    python examples/higher_order.py
"""
import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = ms.Parameter(ms.Tensor(np.array([3.0, 4.0], np.float32)), name='w')

    def construct(self, x):
        return self.w * ops.sin(x) * x


class GradNet(nn.Cell):
    def __init__(self, net):
        super().__init__()
        self.net = net
        self.grad_op = ops.GradOperation()

    def construct(self, x):
        return self.grad_op(self.net)(x)


def main():
    x = ms.Tensor(np.array([0.5, 2.0], np.float32))
    net = Net()
    first, second, third = GradNet(net), GradNet(GradNet(net)), GradNet(GradNet(GradNet(net)))
    print("f'(x)   =", first(x))
    print("f''(x)  =", second(x))
    print("f'''(x) =", third(x))
    weights = ms.ParameterTuple(net.trainable_params())
    mixed = ops.GradOperation(get_by_list=True)(first, weights)
    print("d/dw f'(x) =", mixed(x))
    print("\nThe generated code of f'' (the adjoint of f's generated adjoint):\n")
    print(ops.GradOperation()(GradNet(net)).source)


if __name__ == "__main__":
    main()
