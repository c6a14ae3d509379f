# -*- test-case-name: twistedtesting.test.test_topology -*-
"""
Tests for L{twistedtesting.LinkSettings} and the network's topology.
"""

from __future__ import annotations

import random
from typing import cast

from twistedtesting import (
    ChunkingPolicy,
    Clock,
    FixedDelay,
    Link,
    LinkSettings,
    OneByteChunks,
    RandomDelay,
    SynchronousTestCase,
)
from twistedtesting._topology import Topology


class LinkSettingsTests(SynchronousTestCase):
    """
    Link settings check their values and make latency policies.
    """

    def test_latencyPolicy(self) -> None:
        """
        A latency in seconds with jitter makes a seeded C{RandomDelay}; a
        delay policy is used as given.
        """
        rng = random.Random(1)
        self.assertEqual(LinkSettings(0.5).latencyPolicy(rng), FixedDelay(0.5))
        jittered = LinkSettings(0.5, jitter=0.25).latencyPolicy(rng)
        self.assertEqual(jittered, RandomDelay(0.5, 0.75, rng))
        policy = FixedDelay(2)
        self.assertIs(LinkSettings(policy).latencyPolicy(rng), policy)

    def test_errors(self) -> None:
        """
        Negative or non-numeric values, jitter on a policy and a chunking
        that is not a policy are refused, naming the argument.
        """
        cases = [
            (
                ValueError,
                "LinkSettings() jitter must be a finite",
                lambda: LinkSettings(0, -1),
            ),
            (
                TypeError,
                "LinkSettings() jitter must be a number",
                lambda: LinkSettings(0, cast(float, "1")),
            ),
            (
                ValueError,
                "jitter needs a latency given as a number",
                lambda: LinkSettings(FixedDelay(1), 1),
            ),
            (
                ValueError,
                "LinkSettings() bandwidth must be",
                lambda: LinkSettings(0, 0, 0),
            ),
            (
                TypeError,
                "LinkSettings() chunking must be a chunking policy",
                lambda: LinkSettings(0, 0, None, cast(ChunkingPolicy, 5)),
            ),
        ]
        for error, text, call in cases:
            raised = self.assertRaises(error, call)
            self.assertIn(text, str(raised))


class TopologyTests(SynchronousTestCase):
    """
    The topology holds the links of blocked directions.
    """

    def test_blockAndUnblock(self) -> None:
        """
        A link is held while its direction is partitioned or held, and
        while its gate waits; released when none is left.
        """
        topology = Topology(LinkSettings(), random.Random(1))
        link = Link(OneByteChunks(), clock=Clock())
        gate = topology.addLink(("a", "b"), link, waiting=True)
        self.assertTrue(link.held)
        gate.open()
        self.assertFalse(link.held)
        topology.partition({("a", "b")})
        topology.hold({("a", "b")})
        self.assertTrue(link.held)
        topology.heal()
        self.assertTrue(link.held)
        topology.release({("a", "b")})
        self.assertFalse(link.held)
        self.assertEqual(topology.links(("a", "b")), [link])
        link.close()
        self.assertEqual(topology.links(("a", "b")), [])

    def test_settingsPerDirection(self) -> None:
        """
        A direction's own settings win over the default.
        """
        topology = Topology(LinkSettings(1.0), random.Random(1))
        topology.setSettings(("a", "b"), LinkSettings(2.0))
        self.assertEqual(topology.settingsFor(("a", "b")).latency, 2.0)
        self.assertEqual(topology.settingsFor(("b", "a")).latency, 1.0)
        self.assertEqual(topology.packetDelay(("a", "b")), 2.0)
