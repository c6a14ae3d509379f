# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
How much a connect, round-trip and teardown cycle costs with
:func:`twistedtesting.connectedPair` compared with the hand-written code of
"How to Disconnect in Twisted, Really" (listen, connect, one byte there and
back, and three Deferreds to wait for on teardown), over TCP and over UNIX
sockets.

Both run N cycles over real connections (TCP on 127.0.0.1; UNIX sockets
with a new name each time in a directory made once, as a hand-written test
would) in the same process, for several N, taking turns every ten cycles
so that both see the same load from the rest of the machine; the report
gives each side's time per cycle and the ratio ours/hand-written for each
transport and N, so that it shows whether the cost per cycle grows with N.

Run it from anywhere, with twistedtesting installed::

    python benchmarks/bench_connections.py            # 5 rounds, about 6 s
    python benchmarks/bench_connections.py --quick    # 3 rounds, for CI
    python benchmarks/bench_connections.py --check    # exit 1 if over a target
    python benchmarks/bench_connections.py --transport unix

Each side is timed with the CPU time of the process (user and system: the
loopback's work is done in the system calls), which leaves out the time
other processes had the CPU, so that a busy machine skews the ratios less;
``--wall`` times with the wall clock instead.

Every TCP connection closed leaves one side's socket in the TIME_WAIT state
for a minute, holding a port; the kernel takes longer to find a free port as
they pile up, so both sides slow down as a run goes on (and a second run
started at once is slower than the first).  The sides take turns, so the
ratio stays fair; the times per cycle are best compared within one run.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import attrs
from _timings import Timings, positive, reactMain
from twisted.internet.defer import Deferred, gatherResults, maybeDeferred
from twisted.internet.interfaces import IReactorTCP
from twisted.internet.protocol import ClientFactory, Factory, Protocol

from twistedtesting import connectedPair

TARGETS = {"tcp": 1.1, "unix": 1.2}
"""
The largest acceptable ratio of our time to the hand-written code's, for
each transport.
"""

SIZES = (50, 200, 500)
"""
The numbers of cycles timed.
"""


class ServerProtocol(Protocol):
    """
    The seed's server protocol: echoes what it receives, and says when its
    connection is lost.
    """

    def dataReceived(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    def connectionLost(self, reason: object = None) -> None:
        cast(Any, self.factory).onConnectionLost.callback(self)


class ClientProtocol(Protocol):
    """
    The seed's client protocol: says when it has connected, when it has
    received the echo, and when its connection is lost.
    """

    def connectionMade(self) -> None:
        cast(Any, self.factory).onConnectionMade.callback(self)

    def dataReceived(self, data: bytes) -> None:
        cast(Any, self.factory).onEcho.callback(data)

    def connectionLost(self, reason: object = None) -> None:
        cast(Any, self.factory).onConnectionLost.callback(self)


class Echo(Protocol):
    """
    The server protocol of our side: echoes what it receives.
    """

    def dataReceived(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)


class Receiver(Protocol):
    """
    The client protocol of our side: fires its C{received} Deferred with
    what it receives first.
    """

    def __init__(self) -> None:
        self.received: Deferred[bytes] = Deferred()

    def dataReceived(self, data: bytes) -> None:
        if not self.received.called:
            self.received.callback(data)


_names = itertools.count()


async def handWritten(reactor: Any, transport: str, directory: str) -> None:
    """
    One cycle of the seed's code: its C{setUp}, one byte there and back,
    and its C{tearDown}; connecting to 127.0.0.1 rather than C{localhost}
    (which would add a name lookup in a thread to every cycle) and
    listening on 127.0.0.1 as :func:`connectedPair` does, or on a new UNIX
    socket in C{directory}.
    """
    serverDisconnected: Deferred[object] = Deferred()
    factory: Any = Factory()
    factory.onConnectionLost = serverDisconnected
    factory.protocol = ServerProtocol
    connected: Deferred[object] = Deferred()
    clientDisconnected: Deferred[object] = Deferred()
    echoed: Deferred[object] = Deferred()
    clientFactory: Any = ClientFactory()
    clientFactory.protocol = ClientProtocol
    clientFactory.onConnectionMade = connected
    clientFactory.onConnectionLost = clientDisconnected
    clientFactory.onEcho = echoed
    if transport == "unix":
        path = f"{directory}/{next(_names)}"
        port = reactor.listenUNIX(path, factory)
        connector = reactor.connectUNIX(path, clientFactory)
    else:
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        connector = reactor.connectTCP("127.0.0.1", port.getHost().port, clientFactory)
    client: Any = await connected
    client.transport.write(b"x")
    await echoed
    stopped = maybeDeferred(port.stopListening)
    connector.disconnect()
    waits: list[Deferred[Any]] = [stopped, clientDisconnected, serverDisconnected]
    await gatherResults(waits)


async def ours(reactor: Any, transport: str, directory: str) -> None:
    """
    One cycle with :func:`twistedtesting.connectedPair`, one byte there and
    back, and :meth:`~twistedtesting.ConnectedPair.disconnect`.
    """
    pair = await connectedPair(
        Factory.forProtocol(Echo),
        Factory.forProtocol(Receiver),
        transport=cast(Any, transport),
    )
    assert pair.clientProtocol.transport is not None
    pair.clientProtocol.transport.write(b"x")
    await pair.clientProtocol.received
    await pair.disconnect()


Cycle = Callable[[Any, str, str], Awaitable[None]]


@attrs.frozen
class Setting:
    """
    Where the cycles run: the reactor, the transport (``"tcp"`` or
    ``"unix"``), the hand-written side's directory of UNIX sockets, and
    the clock that times them.
    """

    reactor: Any
    transport: str
    directory: str
    clock: Callable[[], float]


async def timeCycles(setting: Setting, cycle: Cycle, count: int) -> float:
    """
    Run ``count`` cycles and return how many seconds they took.
    """
    clock = setting.clock
    start = clock()
    for _ in range(count):
        await cycle(setting.reactor, setting.transport, setting.directory)
    return clock() - start


BATCH = 10
"""
How many cycles one side runs before the other takes its turn: sides that
alternate this often see the same load from the rest of the machine.
"""


async def measure(setting: Setting, count: int, rounds: int) -> Timings:
    """
    Time ``count`` cycles of each side for ``rounds`` rounds, after a
    warm-up round whose times are dropped.  Within a round the sides take
    turns every :data:`BATCH` cycles (the side that goes first alternating),
    and each side's time is the sum of its turns.
    """
    await timeCycles(setting, ours, min(count, 50))
    await timeCycles(setting, handWritten, min(count, 50))
    timings = Timings()
    for index in range(rounds):
        mine = hand = 0.0
        for turn in range(max(1, count // BATCH)):
            if (index + turn) % 2:
                hand += await timeCycles(setting, handWritten, BATCH)
                mine += await timeCycles(setting, ours, BATCH)
            else:
                mine += await timeCycles(setting, ours, BATCH)
                hand += await timeCycles(setting, handWritten, BATCH)
        timings.ours.append(mine)
        timings.baseline.append(hand)
    return timings


def report(transport: str, results: Sequence[tuple[int, Timings]]) -> list[str]:
    """
    Format a table of the times per cycle and the ratios for one transport.
    """
    target = TARGETS[transport]
    header = (
        f"{'transport':>9} {'cycles':>6} {'ours us/cycle':>14} "
        f"{'hand us/cycle':>14} {'ratio':>6} {'median':>7}  verdict"
    )
    lines = [header, "-" * len(header)]
    for count, timings in results:
        ratio = timings.ratio()
        lines.append(
            f"{transport:>9} {count:>6} {min(timings.ours) / count * 1e6:>14.1f} "
            f"{min(timings.baseline) / count * 1e6:>14.1f} {ratio:>6.3f} "
            f"{timings.medianRatio():>7.3f}  "
            f"{'ok' if ratio <= target else 'OVER TARGET'}"
        )
    lines.append("")
    lines.append(
        f"ratio: ours/hand-written, fastest rounds (median: of the per-round "
        f"ratios); target <= {target} for {transport}"
    )
    return lines


def parseArguments(argv: Sequence[str]) -> argparse.Namespace:
    """
    Parse the command line.
    """
    parser = argparse.ArgumentParser(
        description=(
            "Time connect, round-trip and teardown cycles with "
            "twistedtesting.connectedPair against hand-written code, over TCP "
            "and UNIX sockets, and print ours/hand-written."
        )
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="run 3 rounds instead of 5 (for CI; noisier)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=(
            "exit with status 1 if a ratio is over its target "
            + ", ".join(f"({name} {target})" for name, target in TARGETS.items())
        ),
    )
    parser.add_argument(
        "--wall",
        action="store_true",
        help=(
            "time with the wall clock rather than the process's CPU time "
            "(which leaves out the time other processes had the CPU)"
        ),
    )
    parser.add_argument(
        "--transport",
        choices=(*TARGETS, "both"),
        default="both",
        help="the transport to time (default: both)",
    )
    parser.add_argument(
        "--rounds",
        type=positive,
        default=None,
        help=(
            "timed rounds per side for the largest size, more for smaller ones "
            "(default: 5, or 3 with --quick)"
        ),
    )
    return parser.parse_args(argv)


async def run(reactor: IReactorTCP, argv: Sequence[str]) -> int:
    """
    Run the benchmark in the reactor and print its report.

    :returns: The exit status: 1 when ``--check`` is given and a ratio is
        over its target, otherwise 0.
    """
    arguments = parseArguments(argv)
    rounds: int = arguments.rounds or (3 if arguments.quick else 5)
    transports = (
        list(TARGETS) if arguments.transport == "both" else [arguments.transport]
    )
    print(
        f"connect, round-trip and teardown cycles over "
        f"{' and '.join(transports)}, {rounds} timed rounds per side and size, "
        f"Python {sys.version.split()[0]}"
    )
    started = time.perf_counter()
    over = []
    directory = tempfile.mkdtemp(prefix="bench-connections-")
    try:
        for transport in transports:
            setting = Setting(
                reactor,
                transport,
                directory,
                time.perf_counter if arguments.wall else time.process_time,
            )
            # Smaller sizes get more rounds (with 5 rounds, 20 of 50 cycles
            # and 5 of 200): a round of 50 cycles lasts about 12 ms, short
            # enough for a stray timer or a busy neighbour to skew it.
            gc.collect()
            results = [
                (
                    count,
                    await measure(setting, count, rounds * max(1, 1000 // (count * 5))),
                )
                for count in SIZES
            ]
            for line in report(transport, results):
                print(line)
            print()
            if any(t.ratio() > TARGETS[transport] for _, t in results):
                over.append(transport)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"(benchmark took {time.perf_counter() - started:.1f}s)")
    if arguments.check and over:
        print(
            f"--check: a ratio is over its target for {', '.join(over)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    reactMain(run, sys.argv[1:])
