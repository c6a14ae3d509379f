# -*- test-case-name: twistedtesting.test.test_timeouts -*-
"""
Drive a clock to test timeouts: advance exactly as far as something needs,
and check that a timeout fires at exactly its time, in virtual time.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
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
    Move ``clock`` to exactly ``time``, running what is due by then and
    nothing due after.
    """
    if isinstance(clock, Clock):
        clock.advanceTo(time)
        return
    advance: Callable[[float], None] = clock.advance  # type: ignore[attr-defined]
    # Advance at least once, if only by 0, for the calls due now.  A clock
    # such as task.Clock adds the amount to its time, and now + (time - now)
    # can fall one unit in the last place short of time (never past it: the
    # rounding is to nearest, ties to even); a second step, then exact,
    # covers that.
    for _ in range(2):
        advance(max(time - clock.seconds(), 0.0))
        if clock.seconds() >= time:
            return


_DECIMALS = Context(prec=40)  # enough for 16 decimals of a float below 2**53
_ROUNDINGS = (ROUND_HALF_EVEN, ROUND_FLOOR, ROUND_CEILING)


def _elapsed(start: float, now: float, expected: float) -> float:
    """
    The virtual seconds from ``start`` to ``now``, as results and messages
    give them: ``expected`` if ``start + expected`` is ``now``, or else the
    number with the fewest decimals that, added to ``start`` as
    ``callLater`` adds a delay, gives ``now``.  Never ``now - start`` as
    such, which has float noise: ``130.7 - 100.7`` is
    ``29.999999999999986``, where a clock that read 100.7 and was advanced
    30 seconds reads 130.7.
    """
    if start + expected == now:
        return expected
    elapsed = now - start
    # The subtraction can round to a number that does not give now back;
    # its neighbour does.  The numbers that give now back are one range, so
    # for each number of decimals, the one nearest elapsed on either side
    # is in it if any is.
    for _ in range(3):
        total = start + elapsed
        if total == now or abs(elapsed) >= 2**53:
            break
        elapsed = math.nextafter(elapsed, math.inf if total < now else -math.inf)
    else:
        return now - start
    exact = Decimal(elapsed)
    for decimals in range(17 if abs(elapsed) < 2**53 else 0):
        step = Decimal(1).scaleb(-decimals)
        for rounding in _ROUNDINGS:
            rounded = exact.quantize(step, rounding=rounding, context=_DECIMALS)
            candidate = float(rounded)
            if start + candidate == now:
                return candidate
    return elapsed


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
        held already: exactly ``limit`` if the condition came true at the
        limit, and otherwise the number with the fewest decimals that, added
        to the clock's time at the start, gives its time now (so ``30.0``,
        not ``now - start``'s ``29.999999999999986``, for a clock that read
        ``100.7`` and reads ``130.7``).
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
            at = _elapsed(start, theClock.seconds(), seconds)
            raise failureException(
                f"would wait forever: the condition does not hold at t={at!r} "
                "and nothing is scheduled that could change it"
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
    return _elapsed(start, theClock.seconds(), seconds)


# A callable that returns a Deferred also returns an object, so the first
# overload overlaps the second; the first that matches wins, as meant.
@overload
def assertTimesOut(  # type: ignore[overload-overlap]
    operation: Deferred[Any] | Callable[[], Deferred[Any]],
    clock: IReactorTime,
    seconds: float,
    expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    *,
    failureException: type[BaseException] = ...,
) -> Failure: ...


@overload
def assertTimesOut(
    operation: Callable[[], object],
    clock: IReactorTime,
    seconds: float,
    expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    *,
    failureException: type[BaseException] = ...,
) -> float: ...


def assertTimesOut(
    operation: Deferred[Any] | Callable[[], Deferred[Any]] | Callable[[], object],
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

    The clock is advanced from one scheduled call to the next, and the
    operation is done before ``seconds`` if the clock reads less than its
    time at the start plus ``seconds``, whatever that time was.  Times in
    messages (``t=...``) are seconds since the check began, given without
    float noise: the number with the fewest decimals that, added to the
    start time, gives the clock's time (``t=30.0`` on a clock that went from
    ``100.7`` to ``130.7``, not ``t=29.999999999999986``).

    The operation is one of:

    - a Deferred: it must have no result before ``seconds`` have passed and
      fail with one of ``expected`` at ``seconds``;
    - a callable taking no arguments that returns such a Deferred: it is
      called once, to start the operation;
    - a callable taking no arguments that returns a truth value, for a
      timeout whose effect is not a Deferred (an idle connection dropped,
      say, as ``lambda: transport.disconnecting``, which a real transport
      sets to ``1``): it is called at the start and after each step, and its
      result must be false until ``seconds`` have passed and true at
      ``seconds``.  Any truth value will do, except ``None`` from the first
      call, which is taken for a callable that forgot to return its
      Deferred.

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
        not logged as unhandled); for a condition, the virtual time at which
        it became true, which is ``seconds``.
    :raises AssertionError: Or ``failureException`` if given, with what
        happened and when: "fired early at t=12.0 with ...", "still pending
        at t=30.0 ...", "failed with ValueError instead of TimeoutError ...".
    :raises TypeError: If ``operation`` or ``clock`` is of the wrong kind, or
        the callable returns ``None`` or an awaitable (such as a coroutine)
        at its first call.
    :raises ValueError: If ``seconds`` is negative, NaN or infinite.
    """
    __tracebackhide__ = True  # pytest shows the caller's line instead
    theClock = _checkClock(clock)
    timeout = checkSeconds(seconds, "seconds")
    if isinstance(expected, type):
        expected = (expected,)
    start = theClock.seconds()
    if isinstance(operation, Deferred):
        return _checkDeferred(
            operation, theClock, start, timeout, expected, failureException
        )
    if not callable(operation):
        raise TypeError(
            "operation must be a Deferred or a callable taking no arguments, "
            f"not {operation!r}"
        )
    started = operation()
    if isinstance(started, Deferred):
        return _checkDeferred(
            started, theClock, start, timeout, expected, failureException
        )
    _checkTruthValue(operation, started)
    if started:
        raise failureException(
            "the condition was already true at t=0.0, before any time passed"
        )
    return _checkCondition(operation, theClock, start, timeout, failureException)


def _checkTruthValue(operation: object, started: object) -> None:
    """
    Refuse what the first call of an operation returned if it is neither a
    Deferred nor a truth value that can be meant as a condition.
    """
    if started is None:
        raise TypeError(
            f"operation {operation!r} returned None; it must return a "
            "Deferred (the operation) or a truth value other than None (the "
            "condition).  Did it forget to return its Deferred?"
        )
    if inspect.isawaitable(started):
        if inspect.iscoroutine(started):
            started.close()  # it never runs: no "never awaited" warning
        raise TypeError(
            f"operation {operation!r} returned {started!r}, which is not a "
            "Deferred; wrap a coroutine with Deferred.fromCoroutine()"
        )


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
    now = clock.seconds()
    at = _elapsed(start, now, timeout)
    if not results:
        raise failureException(
            f"still pending at t={at!r}, when it should have timed out after "
            f"{timeout!r} seconds; {_pendingCalls(clock)}"
        )
    result = results[0]
    if now < start + timeout:
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
    condition: Callable[[], object],
    clock: IReactorTime,
    start: float,
    timeout: float,
    failureException: type[BaseException],
) -> float:
    __tracebackhide__ = True
    for _ in _steps(clock, start, timeout):
        if condition():
            at = _elapsed(start, clock.seconds(), timeout)
            raise failureException(
                f"happened early at t={at!r}, before the timeout of {timeout!r} seconds"
            )
    at = _elapsed(start, clock.seconds(), timeout)
    if not condition():
        raise failureException(
            f"still false at t={at!r}, when the timeout of {timeout!r} seconds "
            f"should have made it true; {_pendingCalls(clock)}"
        )
    return at
