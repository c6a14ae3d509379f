# -*- test-case-name: twistedtesting.test.test_hypothesissupport -*-
"""
Hypothesis for the property tests, with settings that let C{trial -j -u}
run them again on new instances, or, when it is not installed, stand-ins
that skip those tests with a clear reason.

The wheel ships this test suite so that C{trial twistedtesting} can check an
installation, and a plain installation (without the C{test} extra) has no
Hypothesis: importing it directly would make C{test_clock} and
C{test_chunkedproperties} import errors, and hide every other test of
those modules.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

HYPOTHESIS_SKIP: str | None = (
    None
    if importlib.util.find_spec("hypothesis") is not None
    else "Hypothesis is not installed; these property tests need it: "
    "pip install 'twistedtesting[test]' (or pip install hypothesis)"
)


class SkippingStrategies:
    """
    Stands in for C{hypothesis.strategies}: every strategy, and everything
    done with one (C{.map(sorted)}), is this object again.
    """

    def __getattr__(self, name: str) -> SkippingStrategies:
        return self

    def __call__(self, *args: object, **kwargs: object) -> SkippingStrategies:
        return self


def skippingGiven(*args: object, **kwargs: object) -> Callable[[_F], _F]:
    """
    Stands in for C{hypothesis.given}: marks the test skipped (trial's
    C{skip} attribute, which pytest honours for trial tests too), with
    L{HYPOTHESIS_SKIP} as the reason.
    """

    def skip(test: _F) -> _F:
        test.skip = HYPOTHESIS_SKIP or "Hypothesis is not installed"  # type: ignore[attr-defined]
        return test

    return skip


def skippingSettings(*args: object, **kwargs: object) -> Callable[[_F], _F]:
    """
    Stands in for C{hypothesis.settings}: changes nothing.
    """
    return lambda test: test


if TYPE_CHECKING or HYPOTHESIS_SKIP is None:
    from hypothesis import HealthCheck, given
    from hypothesis import settings as _settings
    from hypothesis import strategies as st

    def settings(**kwargs: Any) -> _settings:
        """
        C{hypothesis.settings}, with the health check of a test method
        called on different instances of its class turned off (unless
        C{suppress_health_check} is given): C{trial -j} makes a new instance
        of each test for every run of C{trial -u}, and a worker that runs
        the same property test twice would fail it.  The property tests
        keep no state on the instance between examples.
        """
        kwargs.setdefault("suppress_health_check", [HealthCheck.differing_executors])
        return _settings(**kwargs)

else:
    given = skippingGiven
    settings = skippingSettings
    st = SkippingStrategies()

__all__ = ["HYPOTHESIS_SKIP", "given", "settings", "st"]
