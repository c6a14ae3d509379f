# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
How much a connect-and-teardown cycle costs with
:func:`twistedtesting.connectedPair` compared with the hand-written code of
"How to Disconnect in Twisted, Really" (listen, connect, and three Deferreds
to wait for on teardown).

Both run N cycles over real TCP connections on 127.0.0.1 in the same
process, for several N, taking turns round after round; the report gives
each side's time per cycle and the ratio ours/hand-written for each N, so
that it shows whether the cost per cycle grows with N.

Run it from anywhere, with twistedtesting installed::

    python benchmarks/bench_connections.py            # 5 rounds, about 3 s
    python benchmarks/bench_connections.py --quick    # 3 rounds, for CI
    python benchmarks/bench_connections.py --check    # exit 1 if a ratio > 1.1

Every TCP connection closed leaves one side's socket in the TIME_WAIT state
for a minute, holding a port; the kernel takes longer to find a free port as
they pile up, so both sides slow down as a run goes on (and a second run
started at once is slower than the first).  The sides take turns, so the
ratio stays fair; the times per cycle are best compared within one run.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from _timings import Timings, positive
from twisted.internet.defer import Deferred, gatherResults, maybeDeferred
from twisted.internet.interfaces import IReactorTCP
from twisted.internet.protocol import ClientFactory, Factory, Protocol
from twisted.internet.task import react

from twistedtesting import connectedPair

TARGET = 1.1
"""
The largest acceptable ratio of our time to the hand-written code's.
"""

SIZES = (50, 200, 500)
"""
The numbers of cycles timed.
"""


class ServerProtocol(Protocol):
    """
    The seed's server protocol: says when its connection is lost.
    """

    def connectionLost(self, reason: object = None) -> None:
        cast(Any, self.factory).onConnectionLost.callback(self)


class ClientProtocol(Protocol):
    """
    The seed's client protocol: says when it has connected, and when its
    connection is lost.
    """

    def connectionMade(self) -> None:
        cast(Any, self.factory).onConnectionMade.callback(self)

    def connectionLost(self, reason: object = None) -> None:
        cast(Any, self.factory).onConnectionLost.callback(self)


async def handWritten(reactor: IReactorTCP) -> None:
    """
    One cycle of the seed's code: its C{setUp} and C{tearDown}, connecting
    to 127.0.0.1 rather than C{localhost} (which would add a name lookup in
    a thread to every cycle) and listening on 127.0.0.1 as
    :func:`connectedPair` does.
    """
    serverDisconnected: Deferred[object] = Deferred()
    factory: Any = Factory()
    factory.onConnectionLost = serverDisconnected
    factory.protocol = ServerProtocol
    port = reactor.listenTCP(0, factory, interface="127.0.0.1")
    connected: Deferred[object] = Deferred()
    clientDisconnected: Deferred[object] = Deferred()
    clientFactory: Any = ClientFactory()
    clientFactory.protocol = ClientProtocol
    clientFactory.onConnectionMade = connected
    clientFactory.onConnectionLost = clientDisconnected
    connector = reactor.connectTCP(
        "127.0.0.1",
        port.getHost().port,  # type: ignore[attr-defined]
        clientFactory,
    )
    await connected
    stopped = maybeDeferred(port.stopListening)
    connector.disconnect()
    waits: list[Deferred[Any]] = [stopped, clientDisconnected, serverDisconnected]
    await gatherResults(waits)


async def ours(reactor: IReactorTCP) -> None:
    """
    One cycle with :func:`twistedtesting.connectedPair` and
    :meth:`~twistedtesting.ConnectedPair.disconnect`.
    """
    pair = await connectedPair(
        Factory.forProtocol(Protocol), Factory.forProtocol(Protocol)
    )
    await pair.disconnect()


Cycle = Callable[[IReactorTCP], Awaitable[None]]


async def timeCycles(reactor: IReactorTCP, cycle: Cycle, count: int) -> float:
    """
    Run ``count`` cycles and return how many seconds they took.
    """
    gc.collect()
    start = time.perf_counter()
    for _ in range(count):
        await cycle(reactor)
    return time.perf_counter() - start


async def measure(reactor: IReactorTCP, count: int, rounds: int) -> Timings:
    """
    Time ``count`` cycles of each side for ``rounds`` rounds, after a
    warm-up round whose times are dropped; the side that goes first
    alternates from round to round.
    """
    await timeCycles(reactor, ours, min(count, 50))
    await timeCycles(reactor, handWritten, min(count, 50))
    timings = Timings()
    for index in range(rounds):
        if index % 2:
            hand = await timeCycles(reactor, handWritten, count)
            mine = await timeCycles(reactor, ours, count)
        else:
            mine = await timeCycles(reactor, ours, count)
            hand = await timeCycles(reactor, handWritten, count)
        timings.ours.append(mine)
        timings.baseline.append(hand)
    return timings


def report(results: Sequence[tuple[int, Timings]]) -> list[str]:
    """
    Format a table of the times per cycle and the ratios.
    """
    header = (
        f"{'cycles':>6} {'ours us/cycle':>14} {'hand us/cycle':>14} "
        f"{'ratio':>6} {'median':>7}  verdict"
    )
    lines = [header, "-" * len(header)]
    for count, timings in results:
        ratio = timings.ratio()
        lines.append(
            f"{count:>6} {min(timings.ours) / count * 1e6:>14.1f} "
            f"{min(timings.baseline) / count * 1e6:>14.1f} {ratio:>6.3f} "
            f"{timings.medianRatio():>7.3f}  "
            f"{'ok' if ratio <= TARGET else 'OVER TARGET'}"
        )
    lines.append("")
    lines.append(
        f"ratio: ours/hand-written, fastest rounds (median: of the per-round "
        f"ratios); target <= {TARGET}"
    )
    return lines


def parseArguments(argv: Sequence[str]) -> argparse.Namespace:
    """
    Parse the command line.
    """
    parser = argparse.ArgumentParser(
        description=(
            "Time connect-and-teardown cycles with twistedtesting.connectedPair "
            "against hand-written code, and print ours/hand-written."
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
        help=f"exit with status 1 if a ratio is over {TARGET}",
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
        over the target, otherwise 0.
    """
    arguments = parseArguments(argv)
    rounds: int = arguments.rounds or (3 if arguments.quick else 5)
    print(
        f"connect-and-teardown cycles over TCP on 127.0.0.1, {rounds} timed "
        f"rounds per side and size, Python {sys.version.split()[0]}"
    )
    started = time.perf_counter()
    # Smaller sizes get more rounds (with 5 rounds, 20 of 50 cycles and 5 of
    # 200): a round of 50 cycles lasts about 12 ms, short enough for a stray
    # timer or a busy neighbour to skew it.
    results = [
        (count, await measure(reactor, count, rounds * max(1, 1000 // (count * 5))))
        for count in SIZES
    ]
    for line in report(results):
        print(line)
    print(f"(benchmark took {time.perf_counter() - started:.1f}s)")
    if arguments.check and any(t.ratio() > TARGET for _, t in results):
        print(f"--check: a ratio is over the target {TARGET}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str]) -> None:
    """
    Run the benchmark in a reactor, and exit with its status.
    """

    async def start(reactor: Any) -> None:
        status = await run(reactor, argv)
        if status:
            raise SystemExit(status)

    react(lambda reactor: Deferred.fromCoroutine(start(reactor)))


if __name__ == "__main__":
    main(sys.argv[1:])
