# -*- test-case-name: twistedtesting.test.test_proxypolicy -*-
"""
Tests for L{twistedtesting.ProxyPolicy}: the checks of its arguments, and
the links it makes.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from twistedtesting import Clock, ProxyPolicy, ScriptedChunks, TestCase


class ProxyPolicyTests(TestCase):
    """
    Tests for L{ProxyPolicy}'s checks of its arguments.
    """

    def test_defaults(self) -> None:
        """
        By default a policy forwards what arrives as it came, at once, with
        no limit and no fault.
        """
        policy = ProxyPolicy()
        self.assertEqual(
            (
                policy.chunking,
                policy.latency,
                policy.jitter,
                policy.bandwidth,
                policy.spacing,
                policy.breakAfter,
            ),
            (None, 0, 0, None, None, None),
        )

    def test_outOfRange(self) -> None:
        """
        A number out of range is a L{ValueError} that names the argument.
        """
        cases: list[tuple[dict[str, Any], str]] = [
            ({"latency": -0.1}, "ProxyPolicy() latency must be a finite number"),
            ({"jitter": float("nan")}, "ProxyPolicy() jitter must be a finite"),
            ({"spacing": float("inf")}, "ProxyPolicy() spacing must be a finite"),
            ({"bandwidth": 0}, "ProxyPolicy() bandwidth must be a finite number"),
            ({"breakAfter": -1}, "ProxyPolicy() breakAfter must be >= 0, got -1"),
        ]
        for arguments, message in cases:
            with self.assertRaises(ValueError) as raised:
                ProxyPolicy(**arguments)
            self.assertIn(message, str(raised.exception))

    def test_wrongType(self) -> None:
        """
        An argument of the wrong type is a L{TypeError} that names it.
        """
        cases: list[tuple[dict[str, Any], str]] = [
            ({"latency": "0.1"}, "ProxyPolicy() latency must be a number"),
            ({"bandwidth": True}, "ProxyPolicy() bandwidth must be a number"),
            ({"breakAfter": 1.5}, "ProxyPolicy() breakAfter must be an int"),
            ({"chunking": 3}, "ProxyPolicy() chunking must be a chunking policy"),
        ]
        for arguments, message in cases:
            with self.assertRaises(TypeError) as raised:
                ProxyPolicy(**arguments)
            self.assertIn(message, str(raised.exception))

    def test_jitterFromTheGenerator(self) -> None:
        """
        A link's latencies with jitter are drawn from the generator it is
        given, between C{latency} and C{latency + jitter}: the same seed
        gives the same latencies.
        """
        policy = ProxyPolicy(latency=0.01, jitter=0.02)
        draws = [
            list(
                itertools.islice(
                    policy.makeLink(Clock(), random.Random(5)).latency.delays(), 20
                )
            )
            for _ in range(2)
        ]
        self.assertEqual(draws[0], draws[1])
        self.assertTrue(all(0.01 <= delay <= 0.03 for delay in draws[0]))
        self.assertGreater(len(set(draws[0])), 1)

    def test_scriptRefused(self) -> None:
        """
        A chunking policy that covers an exact number of bytes is refused,
        pointing to L{SplitAt}: a proxied stream has no set length.
        """
        with self.assertRaises(ValueError) as raised:
            ProxyPolicy(chunking=ScriptedChunks([1, 2]))
        self.assertIn("covers an exact number of bytes", str(raised.exception))
        self.assertIn("SplitAt", str(raised.exception))
