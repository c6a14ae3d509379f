# -*- test-case-name: examples.test_timeouts_example -*-
"""
A test helper shared by the example suites: a service that refuses a number
of attempts before it answers.
"""

from __future__ import annotations

import attrs
from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.interfaces import IReactorTime


@attrs.define
class FlakyService:
    """
    A service that refuses a number of attempts, then answers ``"OK"``.

    :ivar clock: The clock whose time each attempt records.
    :ivar failures: How many attempts fail before one succeeds.
    :ivar attemptTimes: When each attempt was made.
    """

    clock: IReactorTime
    failures: int
    attemptTimes: list[float] = attrs.Factory(list)

    def __call__(self) -> Deferred[str]:
        """
        Make one attempt: fail with ``ConnectionRefusedError`` while
        ``failures`` attempts have not yet been made, then succeed.
        """
        self.attemptTimes.append(self.clock.seconds())
        if len(self.attemptTimes) <= self.failures:
            return fail(ConnectionRefusedError())
        return succeed("OK")
