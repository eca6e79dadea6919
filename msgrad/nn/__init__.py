"""Networks: `nn.Cell`, the Cells that hold Cells, and MindSpore's layers and losses."""
from .cell import Cell
from .container import CellList, SequentialCell
from .activation import (ReLU, ReLU6, LeakyReLU, ELU, Sigmoid, SiLU, Tanh, Softmax, LogSoftmax, GELU, Softmin,
                         Mish, SeLU, CELU, Hardtanh, HSigmoid, HSwish, LogSigmoid, Softsign, Tanhshrink,
                         SoftShrink, HShrink, Identity, get_activation)
from .basic import Dense, Flatten, Dropout, Embedding
from .conv import Conv1d, Conv2d, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .loss import (LossBase, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, SoftmaxCrossEntropyWithLogits,
                   CrossEntropyLoss, BCEWithLogitsLoss)
