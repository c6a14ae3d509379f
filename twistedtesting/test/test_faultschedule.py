# -*- test-case-name: twistedtesting.test.test_faultschedule -*-
"""
Tests for L{twistedtesting.randomFaults}.
"""

from __future__ import annotations

from twistedtesting import Clock, Network, SynchronousTestCase, randomFaults


def fiveHosts(seed: int) -> Network:
    """
    A network of five idle hosts.
    """
    network = Network(Clock(), seed, traceLimit=None)
    for index in range(5):
        network.addHost(f"n{index}")
    return network


class RandomFaultsTests(SynchronousTestCase):
    """
    Fault schedules are drawn from the seed, and undone in time.
    """

    def test_seeded(self) -> None:
        """
        One seed gives one plan; another seed another.
        """
        plans = [[str(f) for f in randomFaults(fiveHosts(s), 60)] for s in (1, 1, 2)]
        self.assertEqual(plans[0], plans[1])
        self.assertNotEqual(plans[0], plans[2])

    def test_played(self) -> None:
        """
        Every planned fault happens at its time and is undone: at the end
        every host is up and nothing is partitioned or held.
        """
        network = fiveHosts(3)
        plan = randomFaults(network, 100)
        self.assertGreater(len(plan), 5)
        network.runUntilQuiet()
        self.assertEqual({h.state.value for h in network.hosts}, {"up"})
        self.assertEqual(network.topology.partitioned, frozenset())
        self.assertEqual(network.topology.held, frozenset())
        faults = [e for e in network.trace if e.kind == "fault"]
        starts = [
            e.time
            for e in faults
            if e.detail.split()[0] in ("partition", "crash", "pause", "hold")
        ]
        self.assertEqual(starts, [f.time for f in plan])

    def test_errors(self) -> None:
        """
        Unknown kinds or hosts and bad bounds are refused, naming the
        argument.
        """
        network = fiveHosts(1)
        cases = [
            (
                "randomFaults() kinds: 'flood'",
                lambda: randomFaults(network, 1, kinds=["flood"]),
            ),
            ("randomFaults() host 'x'", lambda: randomFaults(network, 1, hosts=["x"])),
            (
                "randomFaults() downtime must be (low, high)",
                lambda: randomFaults(network, 1, downtime=(2.0, 1.0)),
            ),
        ]
        for text, call in cases:
            self.assertIn(text, str(self.assertRaises(ValueError, call)))
