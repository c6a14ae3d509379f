# -*- test-case-name: twistedtesting.test.test_hypothesissupport -*-
"""
Tests for L{twistedtesting.test.hypothesissupport}: the property tests are
skipped, with a clear reason, where Hypothesis is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys

from twisted.trial import reporter
from twisted.trial.unittest import SynchronousTestCase

from twistedtesting.test import hypothesissupport
from twistedtesting.test.hypothesissupport import (
    SkippingStrategies,
    skippingGiven,
    skippingSettings,
)
from twistedtesting.test.pytestruns import SOURCE_ROOT

# Runs trial on the two modules that use Hypothesis, with Hypothesis made
# impossible to import, as on an installation without the test extra.
_WITHOUT_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None
sys.argv = ["trial", "twistedtesting.test.test_clock",
            "twistedtesting.test.test_chunkedproperties"]
from twisted.scripts.trial import run
run()
"""


class StandInTests(SynchronousTestCase):
    """
    The stand-ins used when Hypothesis is missing.
    """

    def test_strategies(self) -> None:
        """
        Every strategy, and anything done with one, is accepted.
        """
        st = SkippingStrategies()
        built = st.lists(st.integers(1, 60), min_size=1).map(sorted)
        self.assertIs(built, st)

    def test_givenSkips(self) -> None:
        """
        A test under the stand-in C{given} and C{settings} is skipped by
        trial, with the reason, and never called.
        """
        called = []

        class Inner(SynchronousTestCase):
            @skippingSettings(max_examples=5)
            @skippingGiven(SkippingStrategies().integers())
            def test_property(self, value: int) -> None:
                called.append(value)

        result = reporter.TestResult()
        Inner("test_property").run(result)
        self.assertEqual(called, [])
        self.assertEqual(
            [reason for _, reason in result.skips],
            [hypothesissupport.HYPOTHESIS_SKIP or "Hypothesis is not installed"],
        )

    def test_withoutHypothesis(self) -> None:
        """
        Where Hypothesis cannot be imported, trial runs the modules that
        use it: their property tests are skipped, saying why, and the
        others pass.
        """
        completed = subprocess.run(
            [sys.executable, "-c", _WITHOUT_HYPOTHESIS],
            env=dict(os.environ, PYTHONPATH=str(SOURCE_ROOT)),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = completed.stdout + completed.stderr
        self.assertEqual(completed.returncode, 0, output)
        self.assertIn(
            "Hypothesis is not installed; these property tests need it: pip "
            "install 'twistedtesting[test]' (or pip install hypothesis)",
            output,
        )
        self.assertRegex(output, r"PASSED \(skips=\d+, successes=\d+\)")
