# -*- test-case-name: twistedtesting.test.test_network -*-
"""
Five hosts of a twistedtesting.Network exchange small messages over links
with latency and jitter; a bare heapq event loop delivers as many messages
between five endpoints with the same latency model.  Both run in the same
run, and the ratio is printed, with the memory the network holds as the
messages flow.

    python benchmarks/bench_network.py            # 1,000,000 messages
    python benchmarks/bench_network.py --quick    # 20,000, for CI

Each pair of hosts has one TCP connection; each side keeps WINDOW messages
of 16 bytes in flight and answers each message it receives with one more,
so the messages flow until the count is reached.  Each write takes 10 ms
plus a jitter of up to 5 ms, drawn from one seeded generator, never
arriving before the write before it.  The baseline is a bare heapq loop in
which each message is an event of its own with the same latency model;
target: at most 10 times it, and memory flat in the number of messages
already delivered.  A second, informational, baseline delivers pieces as
the links do (messages that arrive at one instant on one connection
together), which shows the network's cost per delivery.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import os
import random
import time

from _timings import Timings, positive
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint
from twisted.internet.protocol import Factory, Protocol

from twistedtesting import Clock, HostReactor, Network

HOSTS = 5
WINDOW = 8
SIZE = 16
LATENCY = 0.010
JITTER = 0.005
MESSAGE = b"m" * SIZE


class Counter:
    """
    How many messages were delivered, and when to stop answering.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.delivered = 0
        self.checkpoints: dict[int, int] = {}


def _residentBytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class PingPong(Protocol):
    """
    Keeps ``WINDOW`` messages in flight, answering each one it receives.
    """

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.buffered = 0

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(MESSAGE * WINDOW)

    def dataReceived(self, data: bytes) -> None:
        counter = self.counter
        self.buffered += len(data)
        count, self.buffered = divmod(self.buffered, SIZE)
        before = counter.delivered
        counter.delivered = before + count
        quarter = counter.limit // 4
        if quarter and before // quarter != counter.delivered // quarter:
            counter.checkpoints[counter.delivered // quarter] = _residentBytes()
        if counter.delivered < counter.limit:
            assert self.transport is not None
            self.transport.write(MESSAGE * count)


def runNetwork(messages: int) -> tuple[int, float, dict[int, int]]:
    """
    Run the network until ``messages`` are delivered.

    :returns: The messages delivered, the virtual time it took, and the
        resident memory at each quarter of the run.
    """
    counter = Counter(messages)
    network = Network(Clock(), 1, latency=LATENCY, jitter=JITTER)
    names = [f"h{index}" for index in range(HOSTS)]

    def start(reactor: HostReactor) -> None:
        factory = Factory.forProtocol(lambda: PingPong(counter))
        TCP4ServerEndpoint(reactor, 9000).listen(factory)

    for name in names:
        network.addHost(name, start)
    for index, name in enumerate(names):
        for other in names[index + 1 :]:
            endpoint = TCP4ClientEndpoint(network.reactor(name), other, 9000)
            endpoint.connect(Factory.forProtocol(lambda: PingPong(counter)))
    clock = network.clock
    while counter.delivered < messages:
        due = clock.nextCallTime()
        if due is None:
            break
        clock.advanceTo(due)
    return counter.delivered, clock.seconds(), counter.checkpoints


def runHeap(messages: int) -> tuple[int, float]:
    """
    The baseline: five endpoints, one connection per pair, ``WINDOW``
    messages in flight each way, each message an event of its own on a
    bare heapq loop, delivered after the same latency and jitter (never
    before the message before it in its direction), and answered on
    arrival with one more.
    """
    rng = random.Random(1)
    uniform = rng.uniform
    heap: list[tuple[float, int, int]] = []
    push, pop = heapq.heappush, heapq.heappop
    sequence = 0
    directions = [(a, b) for a in range(HOSTS) for b in range(HOSTS) if a != b]
    lastArrival = [0.0] * len(directions)
    reverse = [directions.index((b, a)) for a, b in directions]
    for direction in range(len(directions)):
        for _ in range(WINDOW):
            sequence += 1
            arrival = uniform(LATENCY, LATENCY + JITTER)
            if arrival < lastArrival[direction]:
                arrival = lastArrival[direction]
            lastArrival[direction] = arrival
            push(heap, (arrival, sequence, direction))
    delivered = 0
    now = 0.0
    while heap and delivered < messages:
        now, _, direction = pop(heap)
        delivered += 1
        if delivered < messages:
            back = reverse[direction]
            sequence += 1
            arrival = now + uniform(LATENCY, LATENCY + JITTER)
            if arrival < lastArrival[back]:
                arrival = lastArrival[back]
            lastArrival[back] = arrival
            push(heap, (arrival, sequence, back))
    return delivered, now


def runPieces(messages: int) -> tuple[int, float]:
    """
    The second baseline: five endpoints, one connection per pair, ``WINDOW``
    messages in flight each way, on a bare heapq loop that does what the
    network's links do for this traffic and nothing more.  Each write is a
    piece stamped with its arrival (the latency and jitter drawn for it,
    never before the piece before it in its direction); pieces of one
    direction arriving at one instant are delivered together; the receiver
    answers the messages it got with one write of as many.
    """
    rng = random.Random(1)
    uniform = rng.uniform
    heap: list[tuple[float, int, int, list[int]]] = []
    push, pop = heapq.heappush, heapq.heappop
    sequence = 0
    directions = [(a, b) for a in range(HOSTS) for b in range(HOSTS) if a != b]
    lastArrival = [-1.0] * len(directions)
    lastPiece: list[list[int]] = [[0] for _ in directions]
    reverse = [directions.index((b, a)) for a, b in directions]

    def send(now: float, direction: int, count: int) -> None:
        nonlocal sequence
        arrival = now + uniform(LATENCY, LATENCY + JITTER)
        if arrival <= lastArrival[direction]:
            piece = lastPiece[direction]
            if piece[0]:
                # Arrives with the piece before it: delivered together.
                piece[0] += count
                return
            arrival = lastArrival[direction]
        lastArrival[direction] = arrival
        piece = [count]
        lastPiece[direction] = piece
        sequence += 1
        push(heap, (arrival, sequence, direction, piece))

    for direction in range(len(directions)):
        send(0.0, direction, WINDOW)
    delivered = 0
    now = 0.0
    while heap and delivered < messages:
        now, _, direction, piece = pop(heap)
        count = piece[0]
        piece[0] = 0
        delivered += count
        if delivered < messages:
            send(now, reverse[direction], count)
    return delivered, now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer messages, for CI")
    parser.add_argument("--messages", type=positive, default=None)
    parser.add_argument("--rounds", type=positive, default=None)
    arguments = parser.parse_args()
    messages = arguments.messages or (20_000 if arguments.quick else 1_000_000)
    rounds = arguments.rounds or (3 if arguments.quick else 1)
    timings = Timings()
    pieces = Timings()
    memory: dict[int, int] = {}
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        delivered, virtual, memory = runNetwork(messages)
        timings.ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        baseDelivered, baseVirtual = runHeap(messages)
        timings.baseline.append(time.perf_counter() - start)
        start = time.perf_counter()
        runPieces(messages)
        pieces.baseline.append(time.perf_counter() - start)
        pieces.ours.append(timings.ours[-1])
    print(
        f"{HOSTS} hosts, {messages:,} messages of {SIZE} B, latency "
        f"{LATENCY * 1000:g} ms + up to {JITTER * 1000:g} ms jitter, "
        f"{WINDOW} in flight each way per connection"
    )
    print(
        f"  network:   {min(timings.ours):8.3f} s for {delivered:,} messages "
        f"({virtual:.3f} virtual s)"
    )
    print(
        f"  heapq:     {min(timings.baseline):8.3f} s for {baseDelivered:,} messages "
        f"({baseVirtual:.3f} virtual s)"
    )
    print(
        f"  ratio:     {timings.ratio():8.2f}x (median over rounds "
        f"{timings.medianRatio():.2f}x; target <= 10x)"
    )
    print(
        f"  per piece: {min(pieces.baseline):8.3f} s for a heapq loop that delivers "
        f"pieces as the links do (one event per direction and arrival time); "
        f"ratio {pieces.ratio():.1f}x, informational: the network's cost per "
        "delivery over a bare heap operation"
    )
    if memory:
        shown = ", ".join(
            f"{quarter * 25}%: {size / 2**20:.1f} MiB"
            for quarter, size in sorted(memory.items())
        )
        print(f"  resident memory as messages are delivered: {shown}")


if __name__ == "__main__":
    main()
