"""The generated source of small programs, pinned: a change to generated code shows in review.
Run with MSGRAD_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change."""
import os
import pathlib

import numpy as np
import pytest

import msgrad as ms
from msgrad import ops

from golden.programs import Gate, Linear, Recurrent, TwoLayer

GOLDEN = pathlib.Path(__file__).parent / "golden"


def _linear():
    net = Linear()
    grad_fn = ops.GradOperation(get_by_list=True)(net, ms.ParameterTuple(net.trainable_params()))
    grad_fn(ms.Tensor([100.0], ms.float32))
    return grad_fn.source


def _two_layer():
    net = TwoLayer()
    grad_fn = ops.GradOperation(get_all=True, get_by_list=True, sens_param=True)(
        net, ms.ParameterTuple(net.trainable_params()))
    x, target = ms.Tensor(np.ones((5, 3), np.float32)), ms.Tensor(np.zeros((5, 2), np.float32))
    grad_fn(x, target, (ms.Tensor(1.0, ms.float32), ms.Tensor(np.ones((5, 2), np.float32))))
    return grad_fn.source


def _recurrent():
    net = Recurrent()
    grad_fn = ops.GradOperation(get_all=True, get_by_list=True)(net, ms.ParameterTuple(net.trainable_params()))
    grad_fn(ms.Tensor(np.ones((5, 3), np.float32)), ms.Tensor(np.zeros(4, np.float32)))
    return grad_fn.source


def _gate():
    net = Gate()
    grad_fn = ops.GradOperation(get_by_list=True)(net, net.w)
    grad_fn(ms.Tensor([1.0, -2.0, 0.5], ms.float32))
    return grad_fn.source


@pytest.mark.parametrize("name, make", [("linear", _linear), ("two_layer", _two_layer),
                                        ("recurrent", _recurrent), ("gate", _gate)])
def test_generated_source_is_unchanged(name, make):
    path = GOLDEN / f"{name}.adjoint.py"
    source = make()
    if os.environ.get("MSGRAD_UPDATE_GOLDEN"):
        path.write_text(source)
    assert source == path.read_text()


def test_generated_source_is_deterministic_across_processes():
    import subprocess
    import sys
    code = "import test_golden as t; print(t._two_layer())"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=pathlib.Path(__file__).parent).stdout for _ in range(2)}
    assert len(runs) == 1 and runs.pop().startswith("# msgrad adjoint of TwoLayer.construct")
