# -*- test-case-name: twistedtesting.test.test_hypothesissupport -*-
"""
Tests for L{twistedtesting.test.hypothesissupport}: the property tests run
again on new instances (as under C{trial -j -u}), and are skipped, with a
clear reason, where Hypothesis is not installed.
"""

from __future__ import annotations

from twisted.trial import reporter
from twisted.trial.unittest import SynchronousTestCase

from twistedtesting.test import hypothesissupport
from twistedtesting.test.hypothesissupport import (
    SkippingStrategies,
    skippingGiven,
    skippingSettings,
)
from twistedtesting.test.pytestruns import runPython

# Runs trial on the two modules that use Hypothesis, with Hypothesis made
# impossible to import, as on an installation without the test extra.
_WITHOUT_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None
sys.argv = ["trial", "twistedtesting.test.test_clock",
            "twistedtesting.test.test_chunkedproperties",
            "twistedtesting.test.test_timeouts"]
from twisted.scripts.trial import run
run()
"""

# Imports every module of the test suite with Hypothesis made impossible to
# import, and prints those that fail.
_IMPORT_ALL = """
import importlib, pkgutil, sys
sys.modules["hypothesis"] = None
import twistedtesting.test
for module in pkgutil.iter_modules(twistedtesting.test.__path__):
    try:
        importlib.import_module("twistedtesting.test." + module.name)
    except Exception as error:
        print(module.name, type(error).__name__, error)
"""


def _runPython(script: str) -> tuple[int, str]:
    completed = runPython(script)
    return completed.returncode, completed.stdout + completed.stderr


class SettingsTests(SynchronousTestCase):
    """
    The suite's C{settings}, where Hypothesis is installed.
    """

    skip = hypothesissupport.HYPOTHESIS_SKIP

    def test_newInstanceEachRun(self) -> None:
        """
        A property test under the suite's C{settings} passes when it runs
        on a new instance of its class each time, as C{trial -j -u} runs it;
        under Hypothesis's own settings the second run is a failed health
        check.
        """
        from hypothesis import settings as plainSettings
        from hypothesis.errors import FailedHealthCheck

        from twistedtesting.test.hypothesissupport import given, settings, st

        class Inner(SynchronousTestCase):
            @settings(max_examples=2, database=None)
            @given(st.integers())
            def test_ours(self, value: int) -> None:
                pass

            @plainSettings(max_examples=2, database=None)
            @given(st.integers())
            def test_plain(self, value: int) -> None:
                pass

        Inner("test_ours").test_ours()
        Inner("test_ours").test_ours()
        Inner("test_plain").test_plain()
        self.assertRaises(FailedHealthCheck, Inner("test_plain").test_plain)


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
        status, output = _runPython(_WITHOUT_HYPOTHESIS)
        self.assertEqual(status, 0, output)
        self.assertIn(
            "Hypothesis is not installed; these property tests need it: pip "
            "install 'twistedtesting[test]' (or pip install hypothesis)",
            output,
        )
        self.assertRegex(output, r"PASSED \(skips=\d+, successes=\d+\)")

    def test_everyModuleImports(self) -> None:
        """
        Where Hypothesis cannot be imported, every module of the test suite
        (which the wheel ships) still imports: none imports Hypothesis but
        through L{hypothesissupport}.
        """
        self.assertEqual(_runPython(_IMPORT_ALL), (0, ""))
