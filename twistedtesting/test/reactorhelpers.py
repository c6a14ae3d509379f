# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
The global reactor as the tests of real connections use it: its state,
turns of it (never sleeps), a Deferred's failure, and the base class of
test mixins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import (
    IReactorTCP,
    IReactorTime,
)
from twisted.internet.task import deferLater
from twisted.trial import unittest as trial

from twistedtesting import TestCase

reactor = cast(IReactorTCP, _reactor)


reactorTime = cast(IReactorTime, _reactor)


_E = TypeVar("_E", bound=BaseException)


async def failureOf(deferred: Deferred[Any], exceptionType: type[_E]) -> _E:
    """
    Wait for C{deferred} to fail with C{exceptionType}.

    :returns: The exception.
    :raises trial.FailTest: If C{deferred} succeeds.
    """
    try:
        result = await deferred
    except exceptionType as error:
        return error
    raise trial.FailTest(
        f"expected {exceptionType.__name__}, but the Deferred fired with {result!r}"
    )


@attrs.frozen
class ReactorState:
    """
    What the reactor is watching and has scheduled, besides its own readers
    (which it adds when it starts running) and trial's timeout of the
    running test (which trial schedules once the test method has started);
    a test helper.
    """

    readers: frozenset[object]
    writers: frozenset[object]
    delayedCalls: frozenset[object]

    @classmethod
    def now(cls) -> ReactorState:
        """
        :returns: The global reactor's state now.
        """
        core: Any = _reactor
        internal = set(getattr(core, "_internalReaders", ()))
        return cls(
            frozenset(set(core.getReaders()) - internal),
            frozenset(core.getWriters()),
            frozenset(
                call
                for call in core.getDelayedCalls()
                if not getattr(call.func, "__module__", "").startswith("twisted.trial")
            ),
        )


async def reactorTurns(count: int = 3) -> None:
    """
    Let the reactor run C{count} iterations (not a sleep: each is one pass
    over the I/O that is ready), enough for a connection asked to close to
    have closed, if nothing holds it open.
    """
    for _ in range(count):
        await deferLater(reactorTime, 0, lambda: None)


async def reactorUntil(condition: Callable[[], bool], limit: int = 1000) -> None:
    """
    Let the reactor run until C{condition} holds, at most C{limit}
    iterations (not a sleep).

    :raises AssertionError: If it still does not hold.
    """
    for _ in range(limit):
        if condition():
            return
        await deferLater(reactorTime, 0, lambda: None)
    raise AssertionError(f"{condition} did not hold after {limit} reactor turns")


if TYPE_CHECKING:
    MixinBase = TestCase
    """
    The base of a mixin of tests: L{TestCase} for the type checker, which
    then knows its methods; C{object} at run time, so that only the
    concrete classes that mix it with L{TestCase} are collected.
    """
else:
    MixinBase = object
