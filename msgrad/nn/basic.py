"""Basic layers, as MindSpore spells them: `nn.Dense`, `nn.Flatten`, `nn.Dropout`, `nn.Embedding`.

Each construct is written with msgrad.ops, so msgrad differentiates a layer like any user Cell:
a call `self.dense(x)` becomes a forward/backward pair generated from `Dense.construct`."""
import math

from .. import dtype as mstype, ops
from ..common.initializer import HeUniform, Uniform, initializer
from ..ops.operations import Primitive
from ..tensor import Parameter, Tensor
from .activation import get_activation
from .cell import Cell


class Dense(Cell):
    """outputs = activation(x @ weight.T + bias), with weight (out_channels, in_channels) and bias
    (out_channels,); x may have any number of leading axes. By default weight is drawn from
    HeUniform(sqrt(5)) and bias from Uniform(1 / sqrt(in_channels)), as in MindSpore."""

    def __init__(self, in_channels, out_channels, weight_init=None, bias_init=None, has_bias=True,
                 activation=None, dtype=mstype.float32):
        super().__init__()
        self.in_channels = check_positive_int("Dense", "in_channels", in_channels)
        self.out_channels = check_positive_int("Dense", "out_channels", out_channels)
        self.has_bias = check_bool("Dense", "has_bias", has_bias)
        if isinstance(weight_init, Tensor) and weight_init.shape != (out_channels, in_channels):
            raise ValueError(f"For 'Dense', weight init shape error. The ndim of 'weight_init' must be equal to 2, "
                             f"and the first dim must be equal to 'out_channels', and the second dim must be "
                             f"equal to 'in_channels'. But got 'weight_init': {weight_init}, 'out_channels': "
                             f"{out_channels}, 'in_channels': {in_channels}.")
        if weight_init is None:
            weight_init = HeUniform(math.sqrt(5))
        self.weight = Parameter(initializer(weight_init, [out_channels, in_channels], dtype=dtype), name="weight")
        self.bias = None
        if self.has_bias:
            if isinstance(bias_init, Tensor) and bias_init.shape != (out_channels,):
                raise ValueError(f"For 'Dense', bias init shape error. The ndim of 'bias_init' must be equal to 1, "
                                 f"and the first dim must be equal to 'out_channels'. But got 'bias_init': "
                                 f"{bias_init}, 'out_channels': {out_channels}.")
            if bias_init is None:
                bias_init = Uniform(scale=1 / math.sqrt(in_channels))
            self.bias = Parameter(initializer(bias_init, [out_channels], dtype=dtype), name="bias")
        self.activation = get_activation(activation) if isinstance(activation, str) else activation
        if activation is not None and not isinstance(self.activation, (Cell, Primitive)):
            raise TypeError(f"For 'Dense', the 'activation' must be str or Cell or Primitive, but got "
                            f"{type(activation).__name__}.")
        self.activation_flag = self.activation is not None

    def construct(self, x):
        x = ops.matmul(x, self.weight.T)
        if self.has_bias:
            x = x + self.bias
        if self.activation_flag:
            x = self.activation(x)
        return x


class Flatten(Cell):
    """The axes from start_dim to end_dim merged into one: (N, C, H, W) -> (N, C * H * W)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def construct(self, x):
        return ops.flatten(x, start_dim=self.start_dim, end_dim=self.end_dim)


class Dropout(Cell):
    """In training (`set_train()`), each element zeroed with probability p and the rest scaled by
    1 / (1 - p); otherwise the identity. `keep_prob` (deprecated in MindSpore) is 1 - p. The
    masks come from msgrad's seeded generator (`ms.set_seed`)."""

    def __init__(self, keep_prob=0.5, p=None, dtype=mstype.float32):
        super().__init__()
        if p is None:
            if not isinstance(keep_prob, float):
                raise TypeError(f"For 'Dropout', the type of 'keep_prob' should be 'float', but got type "
                                f"'{type(keep_prob).__name__}'.")
            if not 0 < keep_prob <= 1:
                raise ValueError(f"For 'Dropout', the 'keep_prob' must be a number in range (0, 1], "
                                 f"but got {keep_prob}.")
            p = 1.0 - keep_prob
        else:
            if isinstance(p, bool) or not isinstance(p, (float, int)):
                raise TypeError(f"For 'Dropout', the type of 'p' must be float or int, but got {type(p).__name__}.")
            if not 0 <= p < 1:
                raise ValueError(f"For 'Dropout', the 'p' must be a number in range [0, 1), but got {p}.")
            keep_prob = 1.0 - p
        self.p, self.keep_prob = p, keep_prob

    def construct(self, x):
        return ops.dropout(x, self.p, self.training)


class Embedding(Cell):
    """Rows of `embedding_table` (vocab_size, embedding_size) picked by integer ids of any shape:
    the output is ids.shape + (embedding_size,). With `use_one_hot`, a product of one-hot rows
    with the table instead (the same numbers). `padding_idx`'s row starts as zeros."""

    def __init__(self, vocab_size, embedding_size, use_one_hot=False, embedding_table="normal",
                 dtype=mstype.float32, padding_idx=None):
        super().__init__()
        self.vocab_size = check_int("Embedding", "vocab_size", vocab_size)
        self.embedding_size = check_int("Embedding", "embedding_size", embedding_size)
        self.use_one_hot = check_bool("Embedding", "use_one_hot", use_one_hot)
        self.dtype = dtype
        table = initializer(embedding_table, [vocab_size, embedding_size])
        self.padding_idx = padding_idx
        if padding_idx is not None:
            if not (isinstance(padding_idx, int) and 0 <= padding_idx < vocab_size):
                raise ValueError(f"For 'Embedding', the 'padding_idx' must be in range [0, {vocab_size}), "
                                 f"but got {padding_idx}.")
            table = table.asnumpy().copy()
            table[padding_idx] = 0
        self.embedding_table = Parameter(table, name="embedding_table")
        self.on_value = Tensor(1.0, dtype)
        self.off_value = Tensor(0.0, dtype)

    def construct(self, ids):
        if self.use_one_hot:
            one_hot_ids = ops.one_hot(ids, self.vocab_size, self.on_value, self.off_value)
            return ops.matmul(one_hot_ids, self.embedding_table)
        return ops.gather(self.embedding_table, ids, 0)


# -- checking arguments, with MindSpore's messages ------------------------------------------------
def check_int(cls_name, arg_name, value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"For '{cls_name}', the type of '{arg_name}' must be int, but got "
                        f"{type(value).__name__}.")
    return value


def check_positive_int(cls_name, arg_name, value):
    if check_int(cls_name, arg_name, value) <= 0:
        raise ValueError(f"For '{cls_name}', the '{arg_name}' must be a positive int, but got {value}.")
    return value


def check_bool(cls_name, arg_name, value):
    if not isinstance(value, bool):
        raise TypeError(f"For '{cls_name}', the type of '{arg_name}' must be bool, but got "
                        f"{type(value).__name__}.")
    return value
