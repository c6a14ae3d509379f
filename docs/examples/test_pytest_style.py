# -*- test-case-name: examples.test_pytest_page -*-
"""
Plain pytest tests that use twistedtesting's pytest plugin: the global
random module seeded for each test, and the plugin's fixtures.  The pytest
page includes them; ``test_pytest_page`` runs them with pytest.
"""

from __future__ import annotations

import random

from twisted.internet.defer import Deferred
from twisted.protocols.basic import LineReceiver

from twistedtesting import ChunkedTransport, Clock, RandomChunks, assertTimesOut, seed


class Lines(LineReceiver):
    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def lineReceived(self, line: bytes) -> None:
        self.lines.append(line)


def test_globalRandomIsSeeded(twistedtesting_seed: int) -> None:
    """
    The global random module is seeded with the test's seed.
    """
    assert random.random() == random.Random(twistedtesting_seed).random()


def test_randomChunks(twistedtesting_random: random.Random) -> None:
    """
    Every line arrives, however the network cuts the bytes; the cuts come
    from the test's seed.
    """
    protocol = Lines()
    transport = ChunkedTransport(protocol, RandomChunks(1, 4, twistedtesting_random))
    transport.peer.feed(b"one\r\ntwo\r\n")
    assert protocol.lines == [b"one", b"two"]


def test_timeout(twistedtesting_clock: Clock) -> None:
    """
    A 30-second timeout fires at its exact second of virtual time.
    """
    d: Deferred[None] = Deferred()
    d.addTimeout(30, twistedtesting_clock)
    assertTimesOut(d, twistedtesting_clock, 30)


@seed(1234)
def test_pinned(twistedtesting_seed: int) -> None:
    """
    ``@seed`` pins a plain test's seed too.
    """
    assert twistedtesting_seed == 1234
    assert random.random() == 0.9664535356921388
