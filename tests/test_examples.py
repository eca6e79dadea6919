"""The examples run, and do what they say."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "examples"))

import rnn  # noqa: E402


def test_the_rnn_example_learns_its_running_sum():
    _, grad_fn, first, last = rnn.train(iterations=200)
    assert last < first / 4
    assert "for t in reversed(range(trips)):" in grad_fn.source
