# -*- test-case-name: twistedtesting.test.test_nettrace -*-
"""
Tests for L{twistedtesting.NetworkTrace}.
"""

from __future__ import annotations

from twistedtesting import NetworkTrace, SynchronousTestCase, TraceEvent


class TraceTests(SynchronousTestCase):
    """
    The trace keeps the latest events, numbered in the whole run.
    """

    def test_keepsLatest(self) -> None:
        """
        With a limit, the trace keeps the latest events, each with its index
        in the whole run, and counts them all.
        """
        trace = NetworkTrace(limit=2)
        trace.record(0.0, "connect", "a", "b", "port 80")
        trace.record(0.5, "data", "a", "b", 12)
        trace.record(1.0, "close", "a", "b", "ConnectionDone")
        self.assertEqual(trace.count, 3)
        self.assertEqual(
            trace.events,
            [
                TraceEvent(1, 0.5, "data", "a", "b", "12 bytes"),
                TraceEvent(2, 1.0, "close", "a", "b", "ConnectionDone"),
            ],
        )

    def test_format(self) -> None:
        """
        C{format} shows the last events one a line, after a count of the
        earlier ones.
        """
        trace = NetworkTrace()
        for index in range(3):
            trace.record(float(index), "fault", "net", "", f"event {index}")
        self.assertEqual(
            trace.format(2),
            "... 1 earlier events\n"
            "t=1.000000   fault     net event 1\n"
            "t=2.000000   fault     net event 2",
        )
        self.assertEqual(NetworkTrace().format(), "(no network events)")

    def test_badLimit(self) -> None:
        """
        A limit under 1 is refused.
        """
        error = self.assertRaises(ValueError, NetworkTrace, 0)
        self.assertIn("trace limit must be at least 1", str(error))
