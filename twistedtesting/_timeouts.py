# -*- test-case-name: twistedtesting.test.test_timeouts -*-
"""
Drive a clock to test timeouts: advance exactly as far as something needs,
and check that a timeout fires at exactly its time, in virtual time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, overload

from twisted.internet import defer, error
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.python.failure import Failure

from twistedtesting._clock import Clock, checkSeconds

DEFAULT_TIMEOUT_EXCEPTIONS: tuple[type[BaseException], ...] = (
    defer.TimeoutError,
    error.TimeoutError,
    defer.CancelledError,
)
"""
What :func:`assertTimesOut` expects a timed-out Deferred to fail with unless
told otherwise: Twisted's two ``TimeoutError`` classes (the one that
``Deferred.addTimeout`` raises and the one of ``twisted.internet.error``) and
``CancelledError``.
"""

Condition: TypeAlias = "Deferred[Any] | Callable[[], object]"


class WaitError(AssertionError):
    """
    :func:`advanceUntil` could not make its condition hold: nothing was left
    scheduled, or the limit passed first.
    """


def _checkClock(clock: object) -> IReactorTime:
    if not IReactorTime.providedBy(clock) or not callable(
        getattr(clock, "advance", None)
    ):
        raise TypeError(
            "clock must provide IReactorTime and have an advance() method, "
            f"like twistedtesting.Clock or twisted.internet.task.Clock; got "
            f"{clock!r}"
        )
    return clock


def _nextCallTime(clock: IReactorTime) -> float | None:
    """
    When the clock's soonest pending call is due, or ``None``.
    """
    if isinstance(clock, Clock):
        return clock.nextCallTime()
    times = [call.getTime() for call in clock.getDelayedCalls() if call.active()]
    return min(times) if times else None


def _advanceTo(clock: IReactorTime, time: float) -> None:
    """
    Move ``clock`` to exactly ``time``, running what is due by then.
    """
    if isinstance(clock, Clock):
        clock.advanceTo(time)
        return
    advance: Callable[[float], None] = clock.advance  # type: ignore[attr-defined]
    # now + (time - now) can fall one unit in the last place short of time;
    # a second, exact, step covers it.
    for _ in range(2):
        if clock.seconds() >= time:
            return
        advance(time - clock.seconds())


def _pendingCalls(clock: IReactorTime) -> str:
    calls = [call for call in clock.getDelayedCalls() if call.active()]
    if not calls:
        return "nothing was scheduled"
    shown = ", ".join(repr(call) for call in calls[:5])
    more = f" and {len(calls) - 5} more" if len(calls) > 5 else ""
    return f"still scheduled: {shown}{more}"


def _conditionCheck(condition: object) -> Callable[[], bool]:
    """
    Turn a condition into a function that says whether it holds.
    """
    if isinstance(condition, Deferred):
        deferred = condition
        return lambda: bool(deferred.called) and not deferred.paused
    if callable(condition):
        return lambda: bool(condition())
    raise TypeError(
        "condition must be a Deferred or a callable taking no arguments, "
        f"not {condition!r}"
    )


def advanceUntil(
    clock: IReactorTime,
    condition: Condition,
    limit: float,
    *,
    failureException: type[BaseException] = WaitError,
) -> float:
    """
    Advance ``clock`` from one scheduled call to the next until
    ``condition`` holds, and return how much virtual time that took.

    The clock moves to each pending call's due time in turn, never in fixed
    steps and never past the call after which the condition holds, so the
    returned time is exact.

    :param clock: A :class:`twistedtesting.Clock` or a
        :class:`twisted.internet.task.Clock`.
    :param condition: A Deferred (the condition holds once it has a result)
        or a callable taking no arguments that returns whether it holds.
    :param limit: The most virtual seconds to advance.
    :param failureException: What to raise when the condition cannot be
        made to hold (a test case passes its ``failureException``).
    :returns: The virtual seconds that passed, ``0.0`` if the condition
        held already.
    :raises WaitError: Or ``failureException`` if given: at once, with
        "would wait forever", when nothing is left scheduled and the
        condition does not hold; or, after advancing exactly ``limit``
        seconds, with what was still scheduled.
    :raises TypeError: If ``clock`` or ``condition`` is of the wrong kind.
    :raises ValueError: If ``limit`` is negative, NaN or infinite.
    """
    __tracebackhide__ = True  # pytest shows the caller's line instead
    theClock = _checkClock(clock)
    holds = _conditionCheck(condition)
    seconds = checkSeconds(limit, "limit")
    start = theClock.seconds()
    deadline = start + seconds
    while not holds():
        due = _nextCallTime(theClock)
        if due is None:
            raise failureException(
                f"would wait forever: the condition does not hold at "
                f"t={theClock.seconds() - start!r} and nothing is scheduled "
                "that could change it"
            )
        if due > deadline:
            _advanceTo(theClock, deadline)
            if holds():
                break
            raise failureException(
                f"the condition still did not hold when the limit of {seconds!r} "
                f"seconds passed; {_pendingCalls(theClock)}"
            )
        _advanceTo(theClock, due)
    return theClock.seconds() - start


@overload
def assertTimesOut(
    operation: Deferred[Any] | Callable[[], Deferred[Any]],
    clock: IReactorTime,
    seconds: float,
    expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    *,
    failureException: type[BaseException] = ...,
) -> Failure: ...


@overload
def assertTimesOut(
    operation: Callable[[], bool],
    clock: IReactorTime,
    seconds: float,
    expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    *,
    failureException: type[BaseException] = ...,
) -> float: ...


def assertTimesOut(
    operation: Deferred[Any] | Callable[[], Deferred[Any]] | Callable[[], bool],
    clock: IReactorTime,
    seconds: float,
    expected: type[BaseException]
    | tuple[type[BaseException], ...] = DEFAULT_TIMEOUT_EXCEPTIONS,
    *,
    failureException: type[BaseException] = AssertionError,
) -> Failure | float:
    """
    Check that an operation times out after exactly ``seconds`` of virtual
    time, and nothing happens before.

    The clock is advanced from one scheduled call to the next; times in
    messages (``t=...``) are seconds since the check began.

    The operation is one of:

    - a Deferred: it must have no result before ``seconds`` have passed and
      fail with one of ``expected`` at ``seconds``;
    - a callable taking no arguments that returns such a Deferred: it is
      called once, to start the operation;
    - a callable taking no arguments that returns a ``bool``, for a timeout
      whose effect is not a Deferred (an idle connection dropped, say): it is
      called after each step and must return false until ``seconds`` have
      passed and true at ``seconds``.

    :param operation: A Deferred, a callable that starts one, or a callable
        that says whether the timeout has happened, as described above.
    :param clock: The clock the operation schedules its timeout on: a
        :class:`twistedtesting.Clock` or :class:`twisted.internet.task.Clock`.
    :param seconds: The timeout the operation should have.
    :param expected: The exception class or classes the Deferred should fail
        with; by default :data:`DEFAULT_TIMEOUT_EXCEPTIONS`.
    :param failureException: What to raise when the check fails (a test
        case passes its ``failureException``).
    :returns: For a Deferred, the failure it failed with (handled, so it is
        not logged as unhandled); for a condition, the exact virtual time at
        which it became true, which is ``seconds``.
    :raises AssertionError: Or ``failureException`` if given, with what
        happened and when: "fired early at t=12.0 with ...", "still pending
        at t=30.0 ...", "failed with ValueError instead of TimeoutError ...".
    :raises TypeError: If ``operation`` or ``clock`` is of the wrong kind, or
        the callable returns neither a Deferred nor a ``bool``.
    :raises ValueError: If ``seconds`` is negative, NaN or infinite.
    """
    __tracebackhide__ = True  # pytest shows the caller's line instead
    theClock = _checkClock(clock)
    timeout = checkSeconds(seconds, "seconds")
    if isinstance(expected, type):
        expected = (expected,)
    start = theClock.seconds()
    if isinstance(operation, Deferred):
        outcome: Deferred[Any] | Callable[[], bool] = operation
    elif callable(operation):
        started = operation()
        if isinstance(started, Deferred):
            outcome = started
        elif isinstance(started, bool):
            if started:
                raise failureException(
                    "the condition was already true at t=0.0, before any time passed"
                )
            outcome = operation  # type: ignore[assignment]
        else:
            raise TypeError(
                f"operation {operation!r} returned {started!r}; it must return "
                "a Deferred (the operation) or a bool (the condition)"
            )
    else:
        raise TypeError(
            "operation must be a Deferred or a callable taking no arguments, "
            f"not {operation!r}"
        )
    if isinstance(outcome, Deferred):
        return _checkDeferred(
            outcome, theClock, start, timeout, expected, failureException
        )
    return _checkCondition(outcome, theClock, start, timeout, failureException)


def _steps(clock: IReactorTime, start: float, timeout: float) -> Any:
    """
    Advance ``clock`` through each pending call due before ``start +
    timeout``, yielding after each step, then to ``start + timeout``.
    """
    deadline = start + timeout
    while True:
        due = _nextCallTime(clock)
        if due is None or due >= deadline:
            break
        _advanceTo(clock, due)
        yield
    _advanceTo(clock, deadline)


def _names(expected: tuple[type[BaseException], ...]) -> str:
    """
    Name the exception classes, with their module's last part where two
    share a name (Twisted has two TimeoutErrors).
    """
    short = [e.__name__ for e in expected]
    return " or ".join(
        f"{e.__module__.rpartition('.')[2]}.{e.__name__}"
        if short.count(e.__name__) > 1
        else e.__name__
        for e in expected
    )


def _checkDeferred(
    deferred: Deferred[Any],
    clock: IReactorTime,
    start: float,
    timeout: float,
    expected: tuple[type[BaseException], ...],
    failureException: type[BaseException],
) -> Failure:
    __tracebackhide__ = True
    # Take the result out of the Deferred: it is reported here or returned,
    # never left to be logged as unhandled.
    results: list[object] = []
    deferred.addBoth(results.append)

    if not results:
        for _ in _steps(clock, start, timeout):
            if results:
                break
    at = clock.seconds() - start
    if not results:
        raise failureException(
            f"still pending at t={at!r}, when it should have timed out after "
            f"{timeout!r} seconds; {_pendingCalls(clock)}"
        )
    result = results[0]
    if at < timeout:
        raise failureException(
            f"fired early at t={at!r} with {_describe(result)}, before its "
            f"timeout of {timeout!r} seconds"
        )

    if not isinstance(result, Failure):
        raise failureException(
            f"succeeded at t={at!r} with {result!r} instead of failing with "
            f"{_names(expected)}"
        )
    if not result.check(*expected):
        raise failureException(
            f"failed with {_describe(result)} instead of {_names(expected)} at t={at!r}"
        )
    return result


def _describe(result: object) -> str:
    if isinstance(result, Failure):
        name = result.type.__name__ if result.type is not None else "?"
        return f"{name}: {result.getErrorMessage()}"
    return f"result {result!r}"


def _checkCondition(
    condition: Callable[[], bool],
    clock: IReactorTime,
    start: float,
    timeout: float,
    failureException: type[BaseException],
) -> float:
    __tracebackhide__ = True
    for _ in _steps(clock, start, timeout):
        if condition():
            raise failureException(
                f"happened early at t={clock.seconds() - start!r}, before the "
                f"timeout of {timeout!r} seconds"
            )
    at = clock.seconds() - start
    if not condition():
        raise failureException(
            f"still false at t={at!r}, when the timeout of {timeout!r} seconds "
            f"should have made it true; {_pendingCalls(clock)}"
        )
    return at
