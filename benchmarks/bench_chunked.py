# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
How much slower :class:`twistedtesting.ChunkedTransport` delivers data in
chunks than a bare loop does, and how :func:`twistedtesting.connectChunked`
compares with Twisted's own in-memory pump, ``twisted.test.iosim``.

Three measurements, each against a baseline timed in the same run:

* 16 MiB in seeded random chunks of 1 to 4096 bytes, fed to a transport
  whose protocol counts bytes, against a bare loop that slices the same
  data into the same chunks and calls that protocol's ``dataReceived``;
  target: at most 1.3 times as long;
* 1 MiB in chunks of one byte, against the same bare loop; target: at most
  2.0;
* 16 MiB written by a client to a server through a connected pair with a
  latency of 10 ms, in the same random chunks, against
  ``twisted.test.iosim``'s pump with a server that cuts what it receives
  into the same chunks for the same byte counter, so that both sides do
  the same protocol work (``iosim+cut``); target: at most 1.2;
* for information, with no target: pairs with and without latency, in
  random and in whole-buffer chunks, against the bare iosim pump, which
  delivers everything pending in one ``dataReceived`` call, so that its
  protocol does a fraction of the work.

Run it from anywhere, with twistedtesting installed::

    python benchmarks/bench_chunked.py            # 25 rounds, about 10 s
    python benchmarks/bench_chunked.py --quick    # 5 rounds, about 3 s, for CI
    python benchmarks/bench_chunked.py --check    # exit 1 if over a target

Each side's time is its fastest round (noise on a busy machine only adds
time); the two sides of a comparison take turns, swapping which goes first
every round, after an untimed warm-up round.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import cast

import attrs
from _timings import Timings, positive
from twisted.internet.interfaces import ITransport
from twisted.internet.protocol import Protocol
from twisted.test import iosim

from twistedtesting import (
    ChunkedTransport,
    ChunkingPolicy,
    Clock,
    FixedChunks,
    OneByteChunks,
    RandomChunks,
    connectChunked,
)

SEED = 20240601
"""
The seed of the data and of the random chunk sizes.
"""

RANDOM_BYTES = 16 * 1024 * 1024
ONE_BYTE_BYTES = 1024 * 1024
PAIR_BYTES = 16 * 1024 * 1024
WRITE_SIZE = 64 * 1024
"""
The size of the client's writes in the pair measurements.
"""


class ByteCounter(Protocol):
    """
    Counts the bytes it receives, and does nothing else.

    :ivar received: The count.
    """

    received = 0

    def dataReceived(self, data: bytes) -> None:
        """
        Count ``data``.
        """
        self.received += len(data)


class Writer(Protocol):
    """
    A client that writes nothing until told to.
    """

    def send(self, data: bytes) -> None:
        """
        Write ``data`` in writes of ``WRITE_SIZE`` bytes.
        """
        write = cast(ITransport, self.transport).write
        for start in range(0, len(data), WRITE_SIZE):
            write(data[start : start + WRITE_SIZE])


def chunkSizes(policy: ChunkingPolicy, total: int) -> list[int]:
    """
    The sizes of the chunks ``policy`` cuts ``total`` bytes into, drawn
    from a policy equal to it (so with an equally seeded generator).
    """
    sizes = []
    covered = 0
    for size in policy.chunkSizes():
        if covered >= total:
            break
        size = min(size, total - covered)
        sizes.append(size)
        covered += size
    return sizes


def bareLoop(data: bytes, sizes: list[int]) -> Callable[[], int]:
    """
    The baseline: slice ``data`` into chunks of ``sizes`` and give each to
    a byte counter's ``dataReceived``.

    :returns: A callable that does it once and returns the byte count.
    """

    def run() -> int:
        protocol = ByteCounter()
        dataReceived = protocol.dataReceived
        position = 0
        for size in sizes:
            dataReceived(data[position : position + size])
            position += size
        return protocol.received

    return run


def transportRun(
    data: bytes, makePolicy: Callable[[], ChunkingPolicy]
) -> Callable[[], int]:
    """
    Feed ``data`` to a :class:`ChunkedTransport` with a fresh policy from
    ``makePolicy``, and its byte counter.

    :returns: A callable that does it once and returns the byte count.
    """

    def run() -> int:
        protocol = ByteCounter()
        transport = ChunkedTransport(protocol, makePolicy())
        transport.peer.feed(data)
        return protocol.received

    return run


def pairRun(data: bytes, makePolicy: Callable[[], ChunkingPolicy]) -> Callable[[], int]:
    """
    Write ``data`` from a client to a server joined by
    :func:`connectChunked`, and flush.

    :returns: A callable that does it once and returns the server's count.
    """

    def run() -> int:
        client, server = Writer(), ByteCounter()
        pair = connectChunked(server, client, makePolicy())
        client.send(data)
        pair.flush()
        return server.received

    return run


def latencyPairRun(
    data: bytes, makePolicy: Callable[[], ChunkingPolicy]
) -> Callable[[], int]:
    """
    Write ``data`` from a client to a server joined by
    :func:`connectChunked` with a latency of 10 ms on a
    :class:`twistedtesting.Clock`, and advance the clock by the latency.

    :returns: A callable that does it once and returns the server's count.
    """

    def run() -> int:
        clock = Clock()
        client, server = Writer(), ByteCounter()
        connectChunked(server, client, makePolicy(), clock=clock, latency=0.01)
        client.send(data)
        clock.advance(0.01)
        return server.received

    return run


def memoryPeak(total: int) -> tuple[int, int]:
    """
    Send ``total`` bytes through a pair with latency and random chunks, in
    writes of ``WRITE_SIZE`` bytes, one write a millisecond, and measure
    the peak of the memory allocated meanwhile (with :mod:`tracemalloc`).

    :returns: The peak, in bytes, and the bytes the server received.
    """
    import tracemalloc

    clock = Clock()
    client, server = Writer(), ByteCounter()
    connectChunked(
        server,
        client,
        RandomChunks(1, 4096, random.Random(SEED)),
        clock=clock,
        latency=0.01,
    )
    piece = bytes(WRITE_SIZE)
    write = cast(ITransport, client.transport).write
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(total // WRITE_SIZE):
            write(piece)
            clock.advance(0.001)
        clock.advance(0.01)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, server.received


def iosimRun(data: bytes) -> Callable[[], int]:
    """
    Write ``data`` from a client to a server joined by
    ``twisted.test.iosim``, and flush its pump.

    :returns: A callable that does it once and returns the server's count.
    """

    def run() -> int:
        client, server, pump = iosim.connectedServerAndClient(ByteCounter, Writer)
        client.send(data)
        pump.flush()
        return server.received

    return run


class Recutter(Protocol):
    """
    A server for the iosim pump that hands what it receives on to a byte
    counter in the chunks of ``sizes``, so that the counter does the same
    protocol work, in the same ``dataReceived`` calls, as behind a chunked
    pair.

    :ivar counter: The byte counter.
    """

    def __init__(self, sizes: list[int]) -> None:
        self.counter = ByteCounter()
        self._sizes = sizes
        self._ends = list(itertools.accumulate(sizes))
        self._next = 0
        self._offset = 0
        self._buffer = b""

    @property
    def received(self) -> int:
        """
        The bytes handed on.
        """
        return self.counter.received

    def dataReceived(self, data: bytes) -> None:
        """
        Hand on every whole chunk of ``data`` (after what was kept), and
        keep the rest: per chunk, the same loop as :func:`bareLoop`.
        """
        buffer = self._buffer + data if self._buffer else data
        start = self._next
        stop = bisect.bisect_right(self._ends, self._offset + len(buffer), lo=start)
        dataReceived = self.counter.dataReceived
        position = 0
        for size in self._sizes[start:stop]:
            dataReceived(buffer[position : position + size])
            position += size
        self._next = stop
        self._offset += position
        self._buffer = buffer[position:]


def iosimRecutRun(data: bytes, sizes: list[int]) -> Callable[[], int]:
    """
    Write ``data`` from a client to a :class:`Recutter` joined by
    ``twisted.test.iosim``, and flush its pump: the same bytes, cut into
    the same chunks for the same protocol, as a chunked pair delivers.

    :returns: A callable that does it once and returns the server's count.
    """

    def run() -> int:
        client, server, pump = iosim.connectedServerAndClient(
            lambda: Recutter(sizes), Writer
        )
        client.send(data)
        pump.flush()
        return server.received

    return run


@attrs.frozen
class Comparison:
    """
    Two ways of doing the same work, to time against each other.

    :ivar name: What is measured.
    :ivar ours: twistedtesting's way; returns the bytes received.
    :ivar baseline: The baseline; returns the bytes received.
    :ivar expected: The bytes both must receive.
    :ivar target: The largest acceptable ratio, or ``None``.
    """

    name: str
    ours: Callable[[], int]
    baseline: Callable[[], int]
    baselineName: str
    expected: int
    target: float | None


def timeOnce(run: Callable[[], int], expected: int, name: str) -> float:
    """
    Run ``run`` once and return how many seconds it took.

    :raises RuntimeError: If it received other than ``expected`` bytes:
        then the timing measures something else.
    """
    gc.collect()
    start = time.perf_counter()
    received = run()
    elapsed = time.perf_counter() - start
    if received != expected:
        raise RuntimeError(f"{name}: expected {expected} bytes, received {received}")
    return elapsed


def measure(comparison: Comparison, rounds: int) -> Timings:
    """
    Time both sides of ``comparison`` for ``rounds`` rounds, after one
    warm-up round whose times are dropped.
    """
    ours = (comparison.ours, comparison.expected, comparison.name)
    theirs = (comparison.baseline, comparison.expected, comparison.baselineName)
    timeOnce(*ours)
    timeOnce(*theirs)
    timings = Timings()
    for index in range(rounds):
        if index % 2:
            theirTime = timeOnce(*theirs)
            ourTime = timeOnce(*ours)
        else:
            ourTime = timeOnce(*ours)
            theirTime = timeOnce(*theirs)
        timings.ours.append(ourTime)
        timings.baseline.append(theirTime)
    return timings


def comparisons() -> list[Comparison]:
    """
    Build the data and the comparisons.
    """
    data = random.Random(SEED).randbytes(max(RANDOM_BYTES, PAIR_BYTES))

    def randomChunks() -> RandomChunks:
        return RandomChunks(1, 4096, random.Random(SEED))

    randomData = data[:RANDOM_BYTES]
    oneByteData = data[:ONE_BYTE_BYTES]
    pairData = data[:PAIR_BYTES]
    return [
        Comparison(
            "16 MiB in random chunks of 1-4096 bytes",
            transportRun(randomData, randomChunks),
            bareLoop(randomData, chunkSizes(randomChunks(), RANDOM_BYTES)),
            "bare loop",
            RANDOM_BYTES,
            1.3,
        ),
        Comparison(
            "1 MiB in chunks of 1 byte",
            transportRun(oneByteData, OneByteChunks),
            bareLoop(oneByteData, chunkSizes(OneByteChunks(), ONE_BYTE_BYTES)),
            "bare loop",
            ONE_BYTE_BYTES,
            2.0,
        ),
        Comparison(
            "pair, 16 MiB in random chunks of 1-4096 bytes",
            pairRun(pairData, randomChunks),
            iosimRun(pairData),
            "iosim pump",
            PAIR_BYTES,
            None,
        ),
        Comparison(
            "pair, 10 ms latency, 16 MiB in random chunks of 1-4096 bytes",
            latencyPairRun(pairData, randomChunks),
            iosimRun(pairData),
            "iosim pump",
            PAIR_BYTES,
            None,
        ),
        Comparison(
            "pair, 10 ms latency, 16 MiB, same chunks both sides",
            latencyPairRun(pairData, randomChunks),
            iosimRecutRun(pairData, chunkSizes(randomChunks(), PAIR_BYTES)),
            "iosim+cut",
            PAIR_BYTES,
            1.2,
        ),
        Comparison(
            "pair, 16 MiB in whole-buffer chunks",
            pairRun(pairData, lambda: FixedChunks(PAIR_BYTES)),
            iosimRun(pairData),
            "iosim pump",
            PAIR_BYTES,
            None,
        ),
    ]


def report(results: Sequence[tuple[Comparison, Timings]]) -> list[str]:
    """
    Format a table of the timings, then one line per ratio.
    """
    header = f"{'measurement':<62} {'side':<10} {'min ms':>9} {'median ms':>10}"
    lines = [header, "-" * len(header)]
    for comparison, timings in results:
        sides = (("ours", timings.ours), (comparison.baselineName, timings.baseline))
        for side, times in sides:
            lines.append(
                f"{comparison.name:<62} {side:<10} {min(times) * 1e3:>9.2f} "
                f"{statistics.median(times) * 1e3:>10.2f}"
            )
    lines.append("")
    for comparison, timings in results:
        ratio = timings.ratio()
        if comparison.target is None:
            verdict = "no target"
        else:
            status = "ok" if ratio <= comparison.target else "OVER TARGET"
            verdict = f"target <= {comparison.target:.1f}: {status}"
        lines.append(
            f"{comparison.name}: ours/{comparison.baselineName} = {ratio:.3f} "
            f"(fastest rounds; median of per-round ratios "
            f"{timings.medianRatio():.3f}); {verdict}"
        )
    return lines


def parseArguments(argv: Sequence[str]) -> argparse.Namespace:
    """
    Parse the command line.
    """
    parser = argparse.ArgumentParser(
        description=(
            "Time ChunkedTransport against a bare loop, and connectChunked "
            "against twisted.test.iosim, and print the ratios."
        )
    )
    parser.add_argument(
        "--quick", action="store_true", help="run 5 rounds instead of 25 (for CI)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit with status 1 if a ratio is over its target",
    )
    parser.add_argument(
        "--rounds",
        type=positive,
        default=None,
        help="timed rounds per side (default: 25, or 5 with --quick)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    """
    Run the benchmark and print its report.

    :returns: The exit status: 1 when ``--check`` is given and a ratio is
        over its target, otherwise 0.
    """
    arguments = parseArguments(argv)
    rounds: int = arguments.rounds or (5 if arguments.quick else 25)
    print(f"{rounds} timed rounds per side, Python {sys.version.split()[0]}")
    started = time.perf_counter()
    results = [
        (comparison, measure(comparison, rounds)) for comparison in comparisons()
    ]
    for line in report(results):
        print(line)
    total = (32 if arguments.quick else 256) * 1024 * 1024
    peak, received = memoryPeak(total)
    if received != total:
        raise RuntimeError(f"memory: expected {total} bytes, received {received}")
    flat = peak <= 64 * WRITE_SIZE
    print(
        f"memory: {total // (1024 * 1024)} MiB in {WRITE_SIZE // 1024} KiB writes "
        f"through a pair with latency: peak {peak / 1024:.0f} KiB allocated "
        f"({'flat' if flat else 'NOT FLAT'}: limit {64 * WRITE_SIZE // 1024} KiB)"
    )
    print(f"(benchmark took {time.perf_counter() - started:.1f}s)")
    over = [
        comparison.name
        for comparison, timings in results
        if comparison.target is not None and timings.ratio() > comparison.target
    ]
    if arguments.check and over:
        print(f"--check: over the target: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
