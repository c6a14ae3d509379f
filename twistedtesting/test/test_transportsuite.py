# -*- test-case-name: twistedtesting.test.test_transportsuite -*-
"""
Tests for the helpers of L{twistedtesting.test.transportsuite}.
"""

from __future__ import annotations

from twisted.trial.unittest import SkipTest, SynchronousTestCase

from twistedtesting import ScriptedChunks
from twistedtesting.test.transportsuite import RecordingProtocol, standaloneHarness


class EndInputTests(SynchronousTestCase):
    """
    The harness's C{endInput}, with a script longer than what was fed.
    """

    def test_shortSkipReason(self) -> None:
        """
        The skip reason names the policy and the bytes it covers in one
        short line, not the script's hundreds of sizes.
        """
        harness = standaloneHarness(
            RecordingProtocol(), ScriptedChunks([1] * 200), 65536, 16384
        )
        harness.send(b"abc")
        error = self.assertRaises(SkipTest, harness.endInput)
        self.assertEqual(
            str(error),
            "this ScriptedChunks covers 200 bytes, more than the test feeds: "
            "feedEnd() refuses to end the input before them, as test_chunked "
            "checks",
        )
