# -*- test-case-name: twistedtesting.test.test_determinism -*-
"""
:func:`checkDeterminism`: run a network scenario twice with one seed, and
report the first event where the two traces differ.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import zip_longest

from twistedtesting._checks import checkInt
from twistedtesting._nettrace import TraceEvent
from twistedtesting._network import Network


class NondeterminismError(AssertionError):
    """
    Two runs of a scenario with the same seed did different things: the
    scenario depends on something the seed does not decide (the wall
    clock, ``os.urandom``, an unseeded ``random``, the order of a set).
    """


def _shown(event: TraceEvent | None) -> str:
    return "(nothing: the run had ended)" if event is None else str(event)


def checkDeterminism(
    scenario: Callable[[int], Network], seed: int, runs: int = 2
) -> Network:
    """
    Run ``scenario(seed)`` ``runs`` times and check that every run's
    network traced the same events at the same times.

    The scenario builds a network with the seed it is given (give it
    ``traceLimit=None`` to compare every event, not only the latest ones),
    runs it, and returns it.

    :param scenario: Builds and runs the network.
    :param seed: The seed to give it.
    :param runs: How many runs to compare, at least 2.
    :returns: The network of the first run.
    :raises NondeterminismError: At the first event where a run differs
        from the first, with both events and the ones before.
    :raises TypeError: If ``seed`` or ``runs`` is not an ``int``, or
        ``scenario`` does not return a :class:`Network`.
    :raises ValueError: If ``runs`` is less than 2.
    """
    __tracebackhide__ = True  # pytest shows the caller's line instead
    checkInt("checkDeterminism() seed", seed, "an int")
    checkInt("checkDeterminism() runs", runs, "an int")
    if runs < 2:
        raise ValueError(f"checkDeterminism() runs must be at least 2, got {runs}")
    networks = []
    for _ in range(runs):
        network = scenario(seed)
        if not isinstance(network, Network):
            raise TypeError(
                "checkDeterminism() scenario must return the Network it ran, not "
                f"{type(network).__name__} {network!r}"
            )
        networks.append(network)
    first = networks[0].trace.events
    for run, network in enumerate(networks[1:], start=2):
        other = network.trace.events
        for position, (a, b) in enumerate(zip_longest(first, other)):
            if a == b:
                continue
            index = (a or b).index
            before = "\n".join(
                f"    {event}" for event in first[max(0, position - 5) : position]
            )
            raise NondeterminismError(
                f"runs 1 and {run} of the scenario with seed {seed} differ at "
                f"event {index}:\n"
                f"  run 1:   {_shown(a)}\n"
                f"  run {run}:   {_shown(b)}\n"
                f"  after:\n{before or '    (the start)'}\n"
                "Something the seed does not decide leaks into the run: the wall "
                "clock (time.time()), os.urandom, an unseeded random, or the order "
                "of a set or of object ids."
            )
        if network.trace.count != networks[0].trace.count:
            raise NondeterminismError(
                f"runs 1 and {run} of the scenario with seed {seed} traced "
                f"{networks[0].trace.count} and {network.trace.count} events; the "
                "events kept agree (give the network traceLimit=None to compare "
                "them all)"
            )
    return networks[0]
