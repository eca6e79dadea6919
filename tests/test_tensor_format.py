"""msgrad.tensor_format against strings printed by real MindSpore 2.10.0 (numpy 1.26)."""
import numpy as np
import pytest

from msgrad.tensor_format import tensor_repr, tensor_str

# (numpy expression, MindSpore dtype name, repr(Tensor(array)) from MindSpore 2.10.0)
REPR_CASES = [
    ('np.array(2.5, np.float32)', 'Float32',
     'Tensor(shape=[], dtype=Float32, value= 2.5)'),
    ('np.array(3.0, np.float32)', 'Float32',
     'Tensor(shape=[], dtype=Float32, value= 3)'),
    ('np.array(1e-5, np.float32)', 'Float32',
     'Tensor(shape=[], dtype=Float32, value= 1e-05)'),
    ('np.array(123456.0, np.float32)', 'Float32',
     'Tensor(shape=[], dtype=Float32, value= 123456)'),
    ('np.array(1234567.0, np.float64)', 'Float64',
     'Tensor(shape=[], dtype=Float64, value= 1.23457e+06)'),
    ('np.array(0.1, np.float16)', 'Float16',
     'Tensor(shape=[], dtype=Float16, value= 0.0999756)'),
    ('np.array(-0.0, np.float32)', 'Float32',
     'Tensor(shape=[], dtype=Float32, value= -0)'),
    ('np.array(-np.nan, np.float64)', 'Float64',
     'Tensor(shape=[], dtype=Float64, value= -nan)'),
    ('np.array(-3, np.int64)', 'Int64',
     'Tensor(shape=[], dtype=Int64, value= -3)'),
    ('np.array(200, np.uint8)', 'UInt8',
     'Tensor(shape=[], dtype=UInt8, value= 200)'),
    ('np.array(True)', 'Bool',
     'Tensor(shape=[], dtype=Bool, value= True)'),
    ('np.array([0.0], np.float32)', 'Float32',
     'Tensor(shape=[1], dtype=Float32, value= [ 0.00000000e+00])'),
    ('np.arange(3, dtype=np.float32) * np.float32(0.1)', 'Float32',
     'Tensor(shape=[3], dtype=Float32, value= [ 0.00000000e+00,  1.00000001e-01,  2.00000003e-01])'),
    ('np.arange(12, dtype=np.float32)', 'Float32',
     'Tensor(shape=[12], dtype=Float32, value= [ 0.00000000e+00,  1.00000000e+00,  2.00000000e+00,  3.00000000e+00,  4.00000000e+00,  5.00000000e+00,  6.00000000e+00,  7.00000000e+00,  8.00000000e+00,  9.00000000e+00,  1.00000000e+01,  1.10000000e+01\n ])'),
    ('np.arange(13, dtype=np.float32)', 'Float32',
     'Tensor(shape=[13], dtype=Float32, value= [ 0.00000000e+00,  1.00000000e+00,  2.00000000e+00,  3.00000000e+00,  4.00000000e+00,  5.00000000e+00,  6.00000000e+00,  7.00000000e+00,  8.00000000e+00,  9.00000000e+00,  1.00000000e+01,  1.10000000e+01, \n  1.20000000e+01])'),
    ('np.array([np.nan, -np.nan, np.inf, -np.inf, 1.5], np.float32)', 'Float32',
     'Tensor(shape=[5], dtype=Float32, value= [            nan,            -nan,             inf,            -inf,  1.50000000e+00])'),
    ('np.array([0.1, 1.5, 2.0], np.float16)', 'Float16',
     'Tensor(shape=[3], dtype=Float16, value= [ 9.9976e-02,  1.5000e+00,  2.0000e+00])'),
    ('np.array([np.inf, -np.nan, 65504, -0.0], np.float16)', 'Float16',
     'Tensor(shape=[4], dtype=Float16, value= [        inf,        -nan,  6.5504e+04, -0.0000e+00])'),
    ('np.array([1e300, -1e-300, 5e-324], np.float64)', 'Float64',
     'Tensor(shape=[3], dtype=Float64, value= [1.00000000e+300, -1.00000000e-300, 4.94065646e-324])'),
    ('np.arange(13, dtype=np.int32)', 'Int32',
     'Tensor(shape=[13], dtype=Int32, value= [ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12])'),
    ('np.arange(24, dtype=np.int64)', 'Int64',
     'Tensor(shape=[24], dtype=Int64, value= [ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23\n ])'),
    ('-np.arange(25, dtype=np.int64)', 'Int64',
     'Tensor(shape=[25], dtype=Int64, value= [  0,  -1,  -2,  -3,  -4,  -5,  -6,  -7,  -8,  -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20, -21, -22, -23, \n -24])'),
    ('np.array([-128, 5, 127], np.int8)', 'Int8',
     'Tensor(shape=[3], dtype=Int8, value= [-128,    5,  127])'),
    ('np.arange(13) % 2 == 0', 'Bool',
     'Tensor(shape=[13], dtype=Bool, value= [ True, False,  True, False,  True, False,  True, False,  True, False,  True, False, \n  True])'),
    ('np.arange(1001, dtype=np.float32)', 'Float32',
     'Tensor(shape=[1001], dtype=Float32, value= [ 0.00000000e+00,  1.00000000e+00,  2.00000000e+00 ...  9.98000000e+02,  9.99000000e+02,  1.00000000e+03])'),
    ('np.arange(2000, dtype=np.int32)', 'Int32',
     'Tensor(shape=[2000], dtype=Int32, value= [   0,    1,    2 ... 1997, 1998, 1999])'),
    ('np.array([[1, 2], [3, 4]], np.uint8)', 'UInt8',
     'Tensor(shape=[2, 2], dtype=UInt8, value=\n[[1, 2],\n [3, 4]])'),
    ('np.array([[True, False], [False, True]])', 'Bool',
     'Tensor(shape=[2, 2], dtype=Bool, value=\n[[ True, False],\n [False,  True]])'),
    ('np.arange(6, dtype=np.float32).reshape(2, 3) * np.float32(0.5)', 'Float32',
     'Tensor(shape=[2, 3], dtype=Float32, value=\n[[ 0.00000000e+00,  5.00000000e-01,  1.00000000e+00],\n [ 1.50000000e+00,  2.00000000e+00,  2.50000000e+00]])'),
    ('np.arange(8, dtype=np.float32).reshape(2, 2, 2)', 'Float32',
     'Tensor(shape=[2, 2, 2], dtype=Float32, value=\n[[[ 0.00000000e+00,  1.00000000e+00],\n  [ 2.00000000e+00,  3.00000000e+00]],\n [[ 4.00000000e+00,  5.00000000e+00],\n  [ 6.00000000e+00,  7.00000000e+00]]])'),
    ('np.arange(14, dtype=np.float32).reshape(7, 2)', 'Float32',
     'Tensor(shape=[7, 2], dtype=Float32, value=\n[[ 0.00000000e+00,  1.00000000e+00],\n [ 2.00000000e+00,  3.00000000e+00],\n [ 4.00000000e+00,  5.00000000e+00],\n ...\n [ 8.00000000e+00,  9.00000000e+00],\n [ 1.00000000e+01,  1.10000000e+01],\n [ 1.20000000e+01,  1.30000000e+01]])'),
    ('np.arange(16, dtype=np.float32).reshape(2, 8)', 'Float32',
     'Tensor(shape=[2, 8], dtype=Float32, value=\n[[ 0.00000000e+00,  1.00000000e+00,  2.00000000e+00 ...  5.00000000e+00,  6.00000000e+00,  7.00000000e+00],\n [ 8.00000000e+00,  9.00000000e+00,  1.00000000e+01 ...  1.30000000e+01,  1.40000000e+01,  1.50000000e+01]])'),
    ('np.arange(112, dtype=np.int16).reshape(8, 2, 7)', 'Int16',
     'Tensor(shape=[8, 2, 7], dtype=Int16, value=\n[[[  0,   1,   2 ...   4,   5,   6],\n  [  7,   8,   9 ...  11,  12,  13]],\n [[ 14,  15,  16 ...  18,  19,  20],\n  [ 21,  22,  23 ...  25,  26,  27]],\n [[ 28,  29,  30 ...  32,  33,  34],\n  [ 35,  36,  37 ...  39,  40,  41]],\n ...\n [[ 70,  71,  72 ...  74,  75,  76],\n  [ 77,  78,  79 ...  81,  82,  83]],\n [[ 84,  85,  86 ...  88,  89,  90],\n  [ 91,  92,  93 ...  95,  96,  97]],\n [[ 98,  99, 100 ... 102, 103, 104],\n  [105, 106, 107 ... 109, 110, 111]]])'),
    ('np.arange(56, dtype=np.int64).reshape(8, 1, 1, 7) - 20', 'Int64',
     'Tensor(shape=[8, 1, 1, 7], dtype=Int64, value=\n[[[[-20, -19, -18 ... -16, -15, -14]]],\n [[[-13, -12, -11 ...  -9,  -8,  -7]]],\n [[[ -6,  -5,  -4 ...  -2,  -1,   0]]],\n ...\n [[[ 15,  16,  17 ...  19,  20,  21]]],\n [[[ 22,  23,  24 ...  26,  27,  28]]],\n [[[ 29,  30,  31 ...  33,  34,  35]]]])'),
    ('np.zeros((0,), np.float32)', 'Float32',
     'Tensor(shape=[0], dtype=Float32, value= )'),
    ('np.zeros((2, 0), np.float32)', 'Float32',
     'Tensor(shape=[2, 0], dtype=Float32, value=\n)'),
    ('np.zeros((0,), np.int32)', 'Int32',
     'Tensor(shape=[0], dtype=Int32, value= )'),
]

# (numpy expression, str(Tensor(array)) from MindSpore 2.10.0)
STR_CASES = [
    ('np.array(2.5, np.float32)',
     '2.5'),
    ('np.array(-0.0, np.float32)',
     '-0.0'),
    ('np.array(65504, np.float16)',
     '65500.0'),
    ('np.array([np.nan, -np.nan, np.inf, 1.5], np.float32)',
     '[nan nan inf 1.5]'),
    ('np.array([1e6, 2e6, 3.5e6], np.float32)',
     '[1000000. 2000000. 3500000.]'),
    ('np.array([1000.0, 2000.0], np.float16)',
     '[1000. 2000.]'),
    ('np.arange(8, dtype=np.float32).reshape(2, 2, 2)',
     '[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]'),
    ('np.arange(2000, dtype=np.float32)',
     '[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]'),
    ('np.array([[True, False], [False, True]])',
     '[[ True False]\n [False  True]]'),
    ('np.zeros((2, 0), np.float32)',
     '[]'),
]


@pytest.mark.parametrize("expr, dtype_name, expected", REPR_CASES, ids=[c[0] for c in REPR_CASES])
def test_repr_matches_mindspore(expr, dtype_name, expected):
    with np.errstate(invalid="ignore"):
        array = eval(expr)
    assert tensor_repr(array, dtype_name) == expected


@pytest.mark.parametrize("expr, expected", STR_CASES, ids=[c[0] for c in STR_CASES])
def test_str_matches_mindspore(expr, expected):
    with np.errstate(invalid="ignore"):
        array = eval(expr)
    assert tensor_str(array) == expected


def test_str_leaves_print_options_alone():
    before = np.get_printoptions()
    tensor_str(np.array([65504.0], np.float16))
    assert np.get_printoptions() == before


def test_non_contiguous_input():
    a = np.arange(6, dtype=np.int32).reshape(2, 3).T
    assert tensor_repr(a, "Int32") == "Tensor(shape=[3, 2], dtype=Int32, value=\n[[0, 3],\n [1, 4],\n [2, 5]])"
    assert tensor_str(a) == "[[0 3]\n [1 4]\n [2 5]]"
