"""A modest fuzzing run in every `make test`; `make fuzz` runs a long campaign (tests/fuzz.py)."""
from hypothesis import HealthCheck, given, settings

from fuzz import cases, check


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_random_programs_differentiate_correctly(case):
    source, inputs = case
    try:
        check(source, inputs)
    except Exception as error:
        raise AssertionError(f"program:\n{source}") from error
