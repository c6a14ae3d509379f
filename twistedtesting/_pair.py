# -*- test-case-name: twistedtesting.test.test_pair -*-
"""
A server protocol and a client protocol joined by two one-way links, one
for each direction, with a bounded flush.
"""

from __future__ import annotations

from typing import Literal

import attrs
from twisted.internet.interfaces import IProtocol, IReactorTime

from twistedtesting._checks import positiveInt
from twistedtesting._chunkchecks import (
    DEFAULT_HIGH_WATER,
    TCPAddress,
    checkAddress,
    checkChunking,
    checkClock,
    checkFault,
    checkLinkTiming,
    checkProtocol,
    checkProtocolErrors,
    checkWaterMarks,
    defaultHostAddress,
    defaultPeerAddress,
)
from twistedtesting._chunked import ChunkedTransport
from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._delays import DelayPolicy
from twistedtesting._faults import BreakAfter
from twistedtesting._link import Link


@attrs.define(eq=False, repr=False)
class ChunkedPair:
    """
    A server protocol and a client protocol connected in memory by
    :func:`twistedtesting.connectChunked`: two transports and the two
    one-way links between them.

    What each protocol writes is delivered to the other through the link of
    its direction, when :meth:`flush` (or the link's
    :meth:`~twistedtesting.Link.deliver`) is called or, with a clock, over
    the clock's virtual time; never from within the ``write``.

    :ivar server: The server protocol.
    :ivar client: The client protocol.
    :ivar serverTransport: The server's transport.
    :ivar clientTransport: The client's transport.
    :ivar toServer: The link from the client to the server: hold, release
        or deliver it, or read its counters.
    :ivar toClient: The link from the server to the client.
    """

    server: IProtocol
    client: IProtocol
    serverTransport: ChunkedTransport
    clientTransport: ChunkedTransport
    toServer: Link
    toClient: Link

    def flush(self, maxRounds: int = 100_000) -> int:
        """
        Deliver in both directions until both sides are quiet, without
        waiting for the clock (latency and spacing are skipped), and finish
        the closes asked for.

        Each round delivers what is pending to the server, then what is
        pending to the client, including the end of a side's input once
        the other side closed, so protocols that answer what they receive
        are served round after round.  The sides are quiet when nothing
        more can be delivered: nothing is pending, or what is pending waits
        for a paused transport or a held link.

        :param maxRounds: The most rounds to deliver: a budget generous
            enough for long finite transfers, that stops two protocols
            answering each other forever.
        :returns: How many chunks were delivered, in both directions.
        :raises TypeError: If ``maxRounds`` is not an ``int``.
        :raises ValueError: If ``maxRounds`` is less than 1.
        :raises RuntimeError: If the sides are still not quiet after
            ``maxRounds`` rounds; the message gives what was delivered and
            what is still pending.
        """
        __tracebackhide__ = True  # pytest shows the caller's line instead
        positiveInt("flush() maxRounds", maxRounds)
        toServer, toClient = self.toServer, self.toClient
        before = toServer.bytesDelivered, toClient.bytesDelivered
        chunks = 0
        for _ in range(maxRounds):
            chunks += toServer.deliver() + toClient.deliver()
            if not (toServer.hasWork or toClient.hasWork):
                return chunks
        raise RuntimeError(
            f"flush() gave up after {maxRounds} rounds: the two sides never went "
            f"quiet.  It delivered {chunks} chunks: "
            f"{toServer.bytesDelivered - before[0]} bytes to the server and "
            f"{toClient.bytesDelivered - before[1]} bytes to the client; "
            f"{toServer.bytesPending} bytes to the server and "
            f"{toClient.bytesPending} bytes to the client are still pending.  "
            "Protocols that answer each other forever never go quiet: deliver "
            "step by step with pair.toServer.deliver() and "
            "pair.toClient.deliver(), or pass a larger maxRounds.  Delivered to "
            f"the server: {toServer.record.describe()}; to the client: "
            f"{toClient.record.describe()}."
        )

    def __repr__(self) -> str:
        return (
            f"<ChunkedPair server={self.server!r} client={self.client!r}\n"
            f"  server transport: {self.serverTransport!r}\n"
            f"  client transport: {self.clientTransport!r}\n"
            f"  to server: {self.toServer!r}\n"
            f"  to client: {self.toClient!r}>"
        )


def connectChunked(
    server: IProtocol,
    client: IProtocol,
    toServer: ChunkingPolicy,
    toClient: ChunkingPolicy | None = None,
    *,
    clock: IReactorTime | None = None,
    latency: float | DelayPolicy = 0,
    toServerLatency: float | DelayPolicy | None = None,
    toClientLatency: float | DelayPolicy | None = None,
    bandwidth: float | None = None,
    toServerSpacing: DelayPolicy | None = None,
    toClientSpacing: DelayPolicy | None = None,
    toServerFault: BreakAfter | None = None,
    toClientFault: BreakAfter | None = None,
    serverAddress: TCPAddress | None = None,
    clientAddress: TCPAddress | None = None,
    highWater: int = DEFAULT_HIGH_WATER,
    lowWater: int = 0,
    protocolErrors: Literal["raise", "close"] = "raise",
) -> ChunkedPair:
    """
    Connect ``server`` and ``client`` in memory by two one-way
    :class:`~twistedtesting.Link`\\ s, each protocol with a
    :class:`twistedtesting.ChunkedTransport`, so that what one writes is
    delivered to the other in chunks, after the link's latency.

    The arguments come in the order of Twisted's
    ``iosim.connectedServerAndClient``: the server first.  The server is
    connected first, then the client, as when a server accepts a
    connection; what either writes from ``connectionMade`` is delivered
    later, never from within the ``write``.  Each transport is a full
    TCP-like transport: pausing, producers and water marks, half-close,
    ``loseConnection`` and ``abortConnection`` work as for a single
    :class:`ChunkedTransport`, and reach the other side: when one side
    closes, the other's input ends after what was written; when one side
    aborts or breaks, the other's connection is reset.

    :param server: The server protocol.
    :param client: The client protocol.
    :param toServer: How to cut what the client writes.
    :param toClient: How to cut what the server writes; if not given, the
        same as ``toServer``, unless ``toServer`` is a script of one exact
        length (such as :class:`twistedtesting.ScriptedChunks`), which cuts
        the client's bytes only: then ``toClient`` must be given.
    :param clock: Deliver over this clock's virtual time; without one,
        nothing is delivered until :meth:`ChunkedPair.flush` or a link's
        ``deliver``.
    :param latency: With a clock, each direction's latency: seconds, or a
        :class:`twistedtesting.DelayPolicy` (jitter never reorders bytes).
    :param toServerLatency: The latency to the server, if not ``latency``.
    :param toClientLatency: The latency to the client, if not ``latency``.
    :param bandwidth: With a clock, each direction's bytes a second;
        ``None`` for no limit.
    :param toServerSpacing: With a clock, the least time between two chunks
        to the server (a client that trickles bytes).
    :param toClientSpacing: The same, to the client.
    :param toServerFault: Break the connection after some of what the
        client writes is delivered to the server.
    :param toClientFault: Break it after some of what the server writes is
        delivered to the client.
    :param serverAddress: The server's address.
    :param clientAddress: The client's address.
    :param highWater: Each side's high-water mark: its streaming producer is
        paused when more than this many of the bytes it wrote are not yet
        delivered to the other side.
    :param lowWater: Each side's low-water mark.
    :param protocolErrors: ``"raise"`` (the default): an exception from a
        protocol's ``dataReceived`` propagates to the caller of the
        delivery; ``"close"``: it is logged and that side's connection
        closes, as on a real reactor (see
        :class:`twistedtesting.ChunkedTransport`).
    :returns: The connected pair.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If a timing is given without a clock, a value is
        out of range, or ``toServer`` is a script and ``toClient`` is not
        given.  An error names the argument as passed here.
    """
    name = "connectChunked()"
    checkProtocol(f"{name} server", server)
    checkProtocol(f"{name} client", client)
    checkChunking(f"{name} toServer", toServer)
    if toClient is not None:
        checkChunking(f"{name} toClient", toClient)
    checkClock(f"{name} clock", clock)
    checkLinkTiming(name, "", clock, latency, bandwidth, None)
    for direction, directed, spacing in [
        ("toServer", toServerLatency, toServerSpacing),
        ("toClient", toClientLatency, toClientSpacing),
    ]:
        checkLinkTiming(
            name, direction, clock, 0 if directed is None else directed, None, spacing
        )
    checkFault(f"{name} toServerFault", toServerFault)
    checkFault(f"{name} toClientFault", toClientFault)
    for argument, address in [
        ("serverAddress", serverAddress),
        ("clientAddress", clientAddress),
    ]:
        if address is not None:
            checkAddress(f"{name} {argument}", address)
    checkWaterMarks(name, highWater, lowWater)
    checkProtocolErrors(f"{name} protocolErrors", protocolErrors)
    if toClient is None:
        total = toServer.totalBytes
        if total is not None:
            raise ValueError(
                "connectChunked() toClient must be given when toServer is a "
                f"script ({toServer!r} covers {total} bytes): a script cuts the "
                "bytes of one direction only"
            )
        toClient = toServer
    if clientAddress is None:
        clientAddress = defaultPeerAddress()
    if serverAddress is None:
        serverAddress = defaultHostAddress()
    toServerLink = Link(
        toServer,
        clock=clock,
        latency=latency if toServerLatency is None else toServerLatency,
        bandwidth=bandwidth,
        spacing=toServerSpacing,
        fault=toServerFault,
        label="connectChunked() toServer ",
        inputName="what the client wrote",
    )
    toClientLink = Link(
        toClient,
        clock=clock,
        latency=latency if toClientLatency is None else toClientLatency,
        bandwidth=bandwidth,
        spacing=toClientSpacing,
        fault=toClientFault,
        label="connectChunked() toClient ",
        inputName="what the server wrote",
    )
    serverTransport = ChunkedTransport.overLinks(
        server,
        toServerLink,
        toClientLink,
        clock=clock,
        highWater=highWater,
        lowWater=lowWater,
        hostAddress=serverAddress,
        peerAddress=clientAddress,
        protocolErrors=protocolErrors,
    )
    clientTransport = ChunkedTransport.overLinks(
        client,
        toClientLink,
        toServerLink,
        clock=clock,
        highWater=highWater,
        lowWater=lowWater,
        hostAddress=clientAddress,
        peerAddress=serverAddress,
        protocolErrors=protocolErrors,
    )
    clientTransport.tlsClient = True
    serverTransport.connectProtocol()
    clientTransport.connectProtocol()
    return ChunkedPair(
        server, client, serverTransport, clientTransport, toServerLink, toClientLink
    )
