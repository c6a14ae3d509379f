# -*- test-case-name: twistedtesting.test.test_teardown -*-
"""
Tests for L{twistedtesting._teardown}: the teardown's own logic, with fake
transports and ports and a L{Clock}, and L{twistedtesting.DisconnectTimeout}.
"""

from __future__ import annotations

from typing import Any, cast

from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import ITransport
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure

from twistedtesting import Clock, DisconnectTimeout, SynchronousTestCase
from twistedtesting._observe import ObservedConnection
from twistedtesting._teardown import ClosingConnection, Teardown
from twistedtesting.test.fakes import NoAbortTransport
from twistedtesting.test.recorders import NamedRecorder


class TeardownTests(SynchronousTestCase):
    """
    L{Teardown} and L{ClosingConnection}, with records of connections that
    the tests connect and lose themselves.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.teardown = Teardown(self.clock, 2.0)

    def closing(
        self, name: str, label: str, labelNamesProtocol: bool = False
    ) -> ClosingConnection:
        """
        Make a L{ClosingConnection} of a L{NamedRecorder} called C{name},
        not connected yet, and give it to the teardown.
        """
        connection = ClosingConnection(
            label,
            ObservedConnection(NamedRecorder(name)),
            labelNamesProtocol=labelNamesProtocol,
        )
        self.teardown.addConnection(connection)
        return connection

    def heldBack(
        self, transport: ITransport
    ) -> tuple[Deferred[None], ClosingConnection, ClosingConnection]:
        """
        Start a teardown of two connections, the second held back by
        C{startAfter()} until the first goes, which it never does.

        :param transport: The held-back connection's transport.
        :returns: The teardown's Deferred, the first connection and the
            held-back one.
        """
        first = self.closing("first", "the first connection")
        held = self.closing("held", "the held connection")
        first.record.connected(StringTransport())
        held.record.connected(transport)
        held.startAfter(first)
        return self.teardown.run(), first, held

    def test_heldBackAborted(self) -> None:
        """
        A connection held back by C{startAfter()} behind one that never
        goes is aborted without C{loseConnection()} having been called, and
        the error says that, not how long ago C{loseConnection()} was.
        """
        disconnecting, first, held = self.heldBack(StringTransport())
        self.assertFalse(held.record.transport.disconnecting)
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(
            str(error),
            f"disconnect() gave up: the first connection (<first> on "
            f"{first.record.transport!r}) was still connected 2 s after "
            "loseConnection() and 2 s after abortConnection(); the held "
            f"connection (<held> on {held.record.transport!r}) was still "
            "connected 2 s after abortConnection() (loseConnection() was never "
            "called: it waited for the first connection to go first)",
        )
        self.assertEqual(error.stuck, ("the first connection", "the held connection"))

    def test_heldBackNoAbortConnection(self) -> None:
        """
        A connection held back by C{startAfter()} behind one that never
        goes, whose transport has no C{abortConnection()}, is reported as
        never having been given C{loseConnection()}.
        """
        disconnecting, _, held = self.heldBack(cast(ITransport, NoAbortTransport()))
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(
            str(error).split("; ")[1],
            "the held connection (<held> on <NoAbortTransport>) was still "
            "connected 4 s after the teardown began (loseConnection() was "
            "never called: it waited for the first connection to go first), "
            "and its transport has no abortConnection()",
        )
        self.assertFalse(cast(Any, held.record.transport).disconnecting)

    def test_heldBackStartsOnceOtherGoes(self) -> None:
        """
        A connection held back by C{startAfter()} is asked to close as soon
        as the other one has gone, and the teardown then waits for it.
        """
        disconnecting, first, held = self.heldBack(StringTransport())
        self.assertFalse(held.record.transport.disconnecting)
        first.record.lost(Failure(ConnectionDone()))
        self.assertTrue(held.record.transport.disconnecting)
        self.assertNoResult(disconnecting)
        held.record.lost(Failure(ConnectionDone()))
        self.assertIsNone(self.successResultOf(disconnecting))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_loseWhenMade(self) -> None:
        """
        A connection that has not connected when the teardown starts is
        asked to close as soon as it connects.
        """
        connection = self.closing("late", "the late connection")
        disconnecting = self.teardown.run()
        transport = StringTransport()
        connection.record.connected(transport)
        self.assertTrue(transport.disconnecting)
        connection.record.lost(Failure(ConnectionDone()))
        self.assertIsNone(self.successResultOf(disconnecting))

    def test_neverConnected(self) -> None:
        """
        A connection that never connected is named so, with its protocol.
        """
        self.closing("idle", "the idle connection")
        disconnecting = self.teardown.run()
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(
            str(error),
            "disconnect() gave up: the idle connection (<idle>) never connected",
        )

    def test_labelNamesProtocol(self) -> None:
        """
        When a connection's label shows its protocol already, the error
        does not show it a second time.
        """
        named = self.closing("p", "the connection of <p>", labelNamesProtocol=True)
        idle = self.closing("q", "the connection of <q>", labelNamesProtocol=True)
        transport = StringTransport()
        named.record.connected(transport)
        disconnecting = self.teardown.run()
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(
            str(error),
            f"disconnect() gave up: the connection of <p> (on {transport!r}) "
            "was still connected 2 s after loseConnection() and 2 s after "
            "abortConnection(); the connection of <q> never connected",
        )
        self.assertEqual(idle.record.protocol.name, "q")  # type: ignore[attr-defined]


class DisconnectTimeoutTests(SynchronousTestCase):
    """
    L{DisconnectTimeout}.
    """

    def test_attributes(self) -> None:
        """
        Its message is its string, and L{DisconnectTimeout.stuck} names what
        was stuck.
        """
        error = DisconnectTimeout("it is stuck", ("the listening port",))
        self.assertEqual(str(error), "it is stuck")
        self.assertEqual(error.stuck, ("the listening port",))
