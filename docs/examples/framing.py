# -*- test-case-name: examples.test_framing_example -*-
"""
Line protocols, the code under test of the documentation's page on chunked
delivery.

:class:`NaiveLineReceiver` has a framing bug that passes every test that
delivers whole messages, as ``StringTransport`` tests and
``twisted.test.iosim`` do; :class:`LineReceiver` is the fixed version, and
:class:`UpperServer` and :class:`LineClient` talk to each other with it.
Their tests, in ``test_framing_example``, are run by::

    cd docs && python -m twisted.trial examples
"""

from __future__ import annotations

from twisted.internet.error import ConnectionDone
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure

DELIMITER = b"\r\n"


class NaiveLineReceiver(Protocol):
    """
    A line protocol with a framing bug: it splits each chunk it receives
    into lines, as if every chunk ended at the end of a line, so it drops
    the part of a line that the next chunk would complete.

    :ivar lines: The lines received.
    """

    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def dataReceived(self, data: bytes) -> None:
        """
        Take the complete lines in ``data``, and (the bug) drop the rest.
        """
        *complete, _ = data.split(DELIMITER)
        self.lines.extend(complete)


class LineReceiver(Protocol):
    """
    A line protocol that keeps the part of a line that has arrived until the
    rest does.

    :ivar lines: The lines received.
    :ivar lostReason: Why the connection was lost, once it is.
    :ivar unfinished: The start of a line whose end never arrived.
    """

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.lostReason: Failure | None = None
        self.unfinished = b""

    def dataReceived(self, data: bytes) -> None:
        """
        Take the complete lines in what has arrived, and keep the rest.
        """
        *complete, self.unfinished = (self.unfinished + data).split(DELIMITER)
        for line in complete:
            self.lineReceived(line)

    def lineReceived(self, line: bytes) -> None:
        """
        Record ``line``.
        """
        self.lines.append(line)

    def sendLine(self, line: bytes) -> None:
        """
        Send ``line``, with its delimiter.
        """
        if self.transport is None:
            raise RuntimeError("sendLine() was called before the connection was made")
        self.transport.write(line + DELIMITER)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        """
        Record why the connection was lost.
        """
        self.lostReason = reason


class UpperServer(LineReceiver):
    """
    A server that answers each line with the line in capitals.
    """

    def lineReceived(self, line: bytes) -> None:
        """
        Answer ``line``.
        """
        super().lineReceived(line)
        self.sendLine(line.upper())


class LineClient(LineReceiver):
    """
    A client that sends its lines as soon as it is connected.

    :ivar toSend: The lines to send.
    """

    def __init__(self, toSend: list[bytes]) -> None:
        super().__init__()
        self.toSend = toSend

    def connectionMade(self) -> None:
        """
        Send every line.
        """
        for line in self.toSend:
            self.sendLine(line)
