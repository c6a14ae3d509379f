# -*- test-case-name: twistedtesting.test.test_pair -*-
"""
A client and a server protocol joined by two chunked transports, one for
each direction, with a bounded flush.
"""

from __future__ import annotations

import attrs
from twisted.internet.interfaces import IProtocol, IReactorTime

from twistedtesting._checks import positiveInt
from twistedtesting._chunked import (
    DEFAULT_HIGH_WATER,
    ChunkedTransport,
    TCPAddress,
    checkAddress,
    checkChunking,
    checkClock,
    checkDelay,
    checkDelayHasClock,
    checkFault,
    checkProtocol,
    checkWaterMarks,
    defaultHostAddress,
    defaultPeerAddress,
)
from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._delays import DelayPolicy
from twistedtesting._faults import BreakAfter


@attrs.define(eq=False, repr=False)
class ChunkedPair:
    """
    A client protocol and a server protocol connected in memory by
    :func:`twistedtesting.connectChunked`.

    What each protocol writes is delivered to the other, chunked by the
    policy of its direction, when :meth:`flush` (or the transport's
    :meth:`~twistedtesting.ChunkedTransport.deliver`) is called or, with a
    clock, over the clock's virtual time; never from within the ``write``.

    :ivar client: The client protocol.
    :ivar server: The server protocol.
    :ivar clientTransport: The client's transport: its input is what the
        server wrote.
    :ivar serverTransport: The server's transport: its input is what the
        client wrote.
    """

    client: IProtocol
    server: IProtocol
    clientTransport: ChunkedTransport
    serverTransport: ChunkedTransport

    def flush(self, maxRounds: int = 100_000) -> int:
        """
        Deliver in both directions until both sides are quiet, without
        waiting for the clock.

        Each round delivers what is pending to the server, then what is
        pending to the client, including the end of a side's input once
        the other side closed, so protocols that answer what they receive
        are served round after round.  The sides are quiet when nothing
        more can be delivered: nothing is pending, or what is pending waits
        for a paused transport to be resumed.

        :param maxRounds: The most rounds to deliver: a budget generous
            enough for long finite transfers (a producer that writes one
            piece per round, say), that stops two protocols answering each
            other forever.
        :returns: How many chunks were delivered, in both directions.
        :raises TypeError: If ``maxRounds`` is not an ``int``.
        :raises ValueError: If ``maxRounds`` is less than 1.
        :raises RuntimeError: If the sides are still not quiet after
            ``maxRounds`` rounds, as when two protocols answer each other
            forever; the message gives what was delivered and what is
            still pending.
        """
        positiveInt("flush() maxRounds", maxRounds)
        server, client = self.serverTransport, self.clientTransport
        toServer, toClient = server.bytesDelivered, client.bytesDelivered
        chunks = 0
        for _ in range(maxRounds):
            chunks += server.deliver() + client.deliver()
            if not (server._hasWork() or client._hasWork()):
                return chunks
        raise RuntimeError(
            f"flush() gave up after {maxRounds} rounds: the two sides never went "
            f"quiet.  It delivered {chunks} chunks: "
            f"{server.bytesDelivered - toServer} bytes to the server and "
            f"{client.bytesDelivered - toClient} bytes to the client; "
            f"{server.bytesPending} bytes to the server and {client.bytesPending} "
            "bytes to the client are still pending.  Protocols that answer each "
            "other forever never go quiet: deliver step by step with "
            "ChunkedTransport.deliver(), or pass a larger maxRounds."
        )

    def __repr__(self) -> str:
        return (
            f"<ChunkedPair client={self.client!r} server={self.server!r}\n"
            f"  client transport: {self.clientTransport!r}\n"
            f"  server transport: {self.serverTransport!r}>"
        )


def _checkArguments(
    client: object,
    server: object,
    toServer: object,
    toClient: object,
    clock: object,
    delays: dict[str, object],
    faults: dict[str, object],
    addresses: dict[str, object],
    highWater: object,
    lowWater: object,
) -> None:
    """
    Check the arguments of :func:`connectChunked`, naming each as the
    caller passed it.
    """
    checkProtocol("connectChunked() client", client)
    checkProtocol("connectChunked() server", server)
    checkChunking("connectChunked() toServer", toServer)
    if toClient is not None:
        checkChunking("connectChunked() toClient", toClient)
    checkClock("connectChunked() clock", clock)
    for name, delay in delays.items():
        checkDelay(f"connectChunked() {name}", delay)
        checkDelayHasClock(f"connectChunked() {name}", delay, clock)
    for name, fault in faults.items():
        checkFault(f"connectChunked() {name}", fault)
    for name, address in addresses.items():
        if address is not None:
            checkAddress(f"connectChunked() {name}", address)
    checkWaterMarks("connectChunked()", highWater, lowWater)


def connectChunked(
    client: IProtocol,
    server: IProtocol,
    toServer: ChunkingPolicy,
    toClient: ChunkingPolicy | None = None,
    *,
    clock: IReactorTime | None = None,
    toServerDelay: DelayPolicy | None = None,
    toClientDelay: DelayPolicy | None = None,
    toServerFault: BreakAfter | None = None,
    toClientFault: BreakAfter | None = None,
    clientAddress: TCPAddress | None = None,
    serverAddress: TCPAddress | None = None,
    highWater: int = DEFAULT_HIGH_WATER,
    lowWater: int = 0,
) -> ChunkedPair:
    """
    Connect ``client`` and ``server`` in memory, each with a
    :class:`twistedtesting.ChunkedTransport`, so that what one writes is
    delivered to the other in chunks.

    The server is connected first, then the client, as when a server
    accepts a connection; what either writes from ``connectionMade`` waits
    for the first delivery.  Each transport is a full TCP-like transport:
    pausing, producers and water marks, half-close, ``loseConnection`` and
    ``abortConnection`` work as for a single :class:`ChunkedTransport`, and
    reach the other side: when one side closes, the other's input ends
    after what was written; when one side aborts or breaks, the other's
    connection is reset at its next delivery.

    :param client: The client protocol.
    :param server: The server protocol.
    :param toServer: How to cut what the client writes.
    :param toClient: How to cut what the server writes; if not given, the
        same as ``toServer``, unless ``toServer`` is a script of one exact
        length (such as :class:`twistedtesting.ScriptedChunks`), which cuts
        the client's bytes only: then ``toClient`` must be given.
    :param clock: Deliver over this clock's virtual time; without one,
        nothing is delivered until :meth:`ChunkedPair.flush` or a
        transport's ``deliver``.
    :param toServerDelay: With a clock, the delay before each chunk to the
        server: the latency of that direction.
    :param toClientDelay: With a clock, the delay before each chunk to the
        client.
    :param toServerFault: Break the connection after some of what the
        client writes is delivered to the server.
    :param toClientFault: Break the connection after some of what the
        server writes is delivered to the client.
    :param clientAddress: The client's address, as its ``getHost`` and the
        server's ``getPeer`` give it.
    :param serverAddress: The server's address.
    :param highWater: Each side's high-water mark: its streaming producer
        is paused when more than this many of the bytes it wrote are not yet
        delivered to the other side.
    :param lowWater: Each side's low-water mark.
    :returns: The connected pair.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If a delay is given without a clock, a water mark
        is out of range, or ``toServer`` is a script and ``toClient`` is not
        given.  An error names the argument as passed here.
    """
    _checkArguments(
        client,
        server,
        toServer,
        toClient,
        clock,
        {"toServerDelay": toServerDelay, "toClientDelay": toClientDelay},
        {"toServerFault": toServerFault, "toClientFault": toClientFault},
        {"clientAddress": clientAddress, "serverAddress": serverAddress},
        highWater,
        lowWater,
    )
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
    serverTransport = ChunkedTransport._unconnected(
        server,
        toServer,
        delay=toServerDelay,
        fault=toServerFault,
        hostAddress=serverAddress,
        peerAddress=clientAddress,
        clock=clock,
        highWater=highWater,
        lowWater=lowWater,
    )
    clientTransport = ChunkedTransport._unconnected(
        client,
        toClient,
        delay=toClientDelay,
        fault=toClientFault,
        hostAddress=clientAddress,
        peerAddress=serverAddress,
        clock=clock,
        highWater=highWater,
        lowWater=lowWater,
    )
    serverTransport._peer = clientTransport
    clientTransport._peer = serverTransport
    serverTransport._policyLabel = "connectChunked() toServer "
    serverTransport._inputName = "what the client wrote"
    clientTransport._policyLabel = "connectChunked() toClient "
    clientTransport._inputName = "what the server wrote"
    serverTransport._connect()
    clientTransport._connect()
    return ChunkedPair(client, server, clientTransport, serverTransport)
