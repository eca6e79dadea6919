"""Tensor construction and dtypes, Parameter naming, Cell registration and context, as in
MindSpore 2.10."""
import numpy as np
import pytest

import msgrad as ms
from msgrad import Parameter, ParameterTuple, Tensor, nn, ops


@pytest.mark.parametrize("value, dtype", [
    ([1, 2], ms.int64), ([1.0, 2.0], ms.float32), (2.0, ms.float32), (3, ms.int64), (True, ms.bool_),
    (np.array([1.0]), ms.float64), (np.array([1]), ms.int64), (np.array([1], np.int32), ms.int32),
    (Tensor([1.0], ms.float16), ms.float16),
])
def test_tensor_default_dtypes(value, dtype):
    assert Tensor(value).dtype == dtype


def test_tensor_properties_and_conversions():
    t = Tensor(np.zeros((2, 3)), dtype=ms.float32)
    assert (t.shape, t.ndim, t.size, str(t.dtype)) == ((2, 3), 2, 6, "Float32")
    assert t.asnumpy().dtype == np.float32 and np.asarray(t).shape == (2, 3)
    assert Tensor(t).dtype == ms.float32 and Tensor(t, ms.float64).dtype == ms.float64
    assert float(Tensor([2.5])) == 2.5 and Tensor(7).item() == 7


def test_tensor_does_not_alias_its_source():
    a = np.ones(2)
    t = Tensor(a)
    a[0] = 5.0
    assert t.asnumpy().tolist() == [1.0, 1.0]


def test_tensor_arithmetic_and_printing():
    x = Tensor([1.0, 2.0], ms.float32)
    y = (2 * x + 1) / x - x ** 2 @ Tensor([1.0, 1.0], ms.float32)
    assert y.dtype == ms.float32
    assert str(-x) == "[-1. -2.]"
    assert repr(x) == "Tensor(shape=[2], dtype=Float32, value= [ 1.00000000e+00,  2.00000000e+00])"
    assert f"{x}" == "[1. 2.]"
    assert repr(Tensor(3.0, ms.float32)) == "Tensor(shape=[], dtype=Float32, value= 3)"
    assert isinstance(np.exp(x), Tensor) and isinstance(np.sum(x), Tensor)


def test_tensor_methods_match_mindspore_spellings():
    x = Tensor(np.arange(6).reshape(2, 3), ms.float32)
    assert x.sum().asnumpy() == 15 and x.sum(axis=1, keepdims=True).shape == (2, 1)
    assert x.sum(dim=1, keepdim=True).shape == (2, 1)
    assert x.mean(axis=0, keep_dims=True).shape == (1, 3)
    assert x.reshape(3, 2).shape == x.reshape((3, 2)).shape == x.reshape([3, 2]).shape == (3, 2)
    assert x.T.shape == x.transpose(1, 0).shape == x.transpose((1, 0)).shape == (3, 2)
    assert x.view(3, 2).shape == x.view((3, 2)).shape == (3, 2) and x.view(-1).shape == (6,)
    assert x.expand_as(Tensor(np.zeros((4, 2, 3)))).shape == (4, 2, 3)


def test_ops_ones_and_zeros_as_mindspore():
    assert ops.ones((2, 3)).dtype == ms.float32 and ops.ones(3).shape == (3,)
    np.testing.assert_array_equal(ops.ones([2, 2]).asnumpy(), [[1, 1], [1, 1]])
    assert ops.zeros(2, ms.int32).dtype == ms.int32
    np.testing.assert_array_equal(ops.zeros((1, 2)).asnumpy(), [[0, 0]])


def test_parameter_repr_and_names():
    p = Parameter(Tensor([1.0], ms.float32), name='w')
    assert repr(p) == str(p) == "Parameter (name=w, shape=(1,), dtype=Float32, requires_grad=True)"
    assert Parameter(Tensor([1.0])).name.startswith("Parameter#")


class Inner(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor([1.0], ms.float32), name='w')
        self.v = Parameter(Tensor([2.0], ms.float32))


class Outer(nn.Cell):
    def __init__(self):
        super().__init__()
        self.inner = Inner()
        self.b = Parameter(Tensor([3.0], ms.float32), name='b')


class Outer2(nn.Cell):
    def __init__(self):
        super().__init__()
        self.c = Parameter(Tensor([4.0], ms.float32), name='c')
        self.o = Outer()


@pytest.mark.parametrize("cell, names", [
    (Inner, ['w', 'v']), (Outer, ['b', 'inner.w', 'inner.v']),
    (Outer2, ['c', 'o.b', 'o.inner.w', 'o.inner.v']),
])
def test_nested_cells_name_parameters_with_their_paths(cell, names):
    net = cell()
    assert [p.name for p in net.trainable_params()] == names
    assert [n for n, _ in net.parameters_and_names()] == names
    assert [p.name for p in net.get_parameters()] == names


def test_custom_name_is_replaced_by_the_path_when_nested():
    class Named(nn.Cell):
        def __init__(self):
            super().__init__()
            self.w = Parameter(Tensor([1.0], ms.float32), name='custom')

    class Top(nn.Cell):
        def __init__(self):
            super().__init__()
            self.sub = Named()

    assert Named().w.name == 'custom'
    assert [n for n, _ in Named().parameters_and_names()] == ['w']
    assert Top().sub.w.name == 'sub.w'


def test_requires_grad_false_is_left_out_of_trainable_params():
    class Frozen(nn.Cell):
        def __init__(self):
            super().__init__()
            self.a = Parameter(Tensor([1.0]), name='a', requires_grad=False)
            self.b = Parameter(Tensor([1.0]), name='b')

    net = Frozen()
    assert [p.name for p in net.get_parameters()] == ['a', 'b']
    assert [p.name for p in net.trainable_params()] == ['b']
    assert [p.name for p in net.untrainable_params()] == ['a']


def test_parameter_tuple():
    pt = ParameterTuple(Outer().trainable_params())
    assert isinstance(pt, tuple) and len(pt) == 3
    with pytest.raises(ValueError, match="its name 'z' already exists"):
        ParameterTuple([Parameter(Tensor([1.0]), name='z'), Parameter(Tensor([1.0]), name='z')])
    with pytest.raises(TypeError):
        ParameterTuple([Tensor([1.0])])


def test_missing_attribute_message():
    with pytest.raises(AttributeError, match="The 'Inner' object has no attribute 'missing'."):
        Inner().missing


def test_context_keys_and_seed():
    assert ms.get_context("mode") == ms.PYNATIVE_MODE == 1 and ms.GRAPH_MODE == 0
    assert ms.get_context("device_target") == "CPU"
    ms.set_context(mode=ms.GRAPH_MODE, device_target="CPU")
    try:
        assert ms.get_context("mode") == 0
    finally:
        ms.set_context(mode=ms.PYNATIVE_MODE)
    with pytest.raises(ValueError, match="keyword argument foo is not recognized"):
        ms.set_context(foo=1)
    ms.set_seed(3)
    assert ms.get_seed() == 3


@pytest.mark.parametrize("make, dtype", [  # what MindSpore 2.10 gives, from a real run
    (lambda f, i: f * 2.5, ms.float32), (lambda f, i: i * 2.5, ms.float32), (lambda f, i: i * 2, ms.int32),
    (lambda f, i: i + f, ms.float32), (lambda f, i: Tensor([1.0], ms.float16) + f, ms.float32),
    (lambda f, i: i + Tensor([1], ms.int64), ms.int64), (lambda f, i: Tensor([True]) + i, ms.int32),
    (lambda f, i: f * True, ms.float32), (lambda f, i: i / i, ms.float32),
    (lambda f, i: Tensor([1], ms.uint8) + Tensor([1], ms.int8), ms.int16),
    (lambda f, i: Tensor([1.0], ms.float64) + f, ms.float64), (lambda f, i: Tensor([1.0], ms.float16) * 2.5, ms.float16),
    (lambda f, i: Tensor([1], ms.int64) * 2.5, ms.float32), (lambda f, i: Tensor([True]) + Tensor([True]), ms.bool_),
    (lambda f, i: 2.5 * i, ms.float32), (lambda f, i: 1 - f, ms.float32),
    (lambda f, i: i.astype(ms.float64), ms.float64),
])
def test_mindspores_type_promotion(make, dtype):
    assert make(Tensor([1.0], ms.float32), Tensor([3], ms.int32)).dtype == dtype
