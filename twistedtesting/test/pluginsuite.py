# -*- test-case-name: twistedtesting.test.test_pytestplugin -*-
"""
The small suite that the tests of the pytest plugin run with pytest, in a
new process (see L{twistedtesting.test.pytestruns}), and what they expect
of it: shared by the test modules of the plugin's modules.
"""

from __future__ import annotations

import random

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._derive import deriveSeed
from twistedtesting.test.pytestruns import PYTEST_SKIP, Project

SUITE = {
    "test_sample.py": """
        import os
        import random

        from recorder import record
        from twistedtesting import SynchronousTestCase, seed


        def failing(name):
            return name in os.environ.get("FAIL", "").split()


        def test_plain(twistedtesting_seed):
            record(test="test_plain", seed=twistedtesting_seed, draw=random.random())


        class TestGroup:
            def test_method(self, twistedtesting_seed):
                draw = random.random()
                record(test="test_method", seed=twistedtesting_seed, draw=draw)


        @seed(99)
        def test_pinned(twistedtesting_seed):
            record(test="test_pinned", seed=twistedtesting_seed, draw=random.random())


        def test_fails(twistedtesting_seed):
            record(test="test_fails", seed=twistedtesting_seed, draw=random.random())
            assert not failing("test_fails")


        class TrialTests(SynchronousTestCase):
            def test_trial(self):
                record(test="test_trial", seed=self.seed, draw=random.random())
                self.assertFalse(failing("test_trial"))
        """,
}

# The node ids of the plain tests of SUITE, and the trial id of its trial test.
NODE_IDS = {
    "test_plain": "test_sample.py::test_plain",
    "test_method": "test_sample.py::TestGroup::test_method",
    "test_fails": "test_sample.py::test_fails",
}
TRIAL_ID = "test_sample.TrialTests.test_trial"


def expectedDraw(seed: int) -> float:
    """
    The first value of the global random module seeded with C{seed}.
    """
    return random.Random(seed).random()


class PluginTestCase(SynchronousTestCase):
    """
    Helpers for the tests of the plugin, which need pytest.
    """

    skip = PYTEST_SKIP

    def project(self, files: dict[str, str] | None = None) -> Project:
        """
        A new project with C{files}, by default L{SUITE}.
        """
        return Project(SUITE if files is None else files, self.addCleanup)

    def assertSeededFrom(self, records: list[dict[str, object]], runSeed: int) -> None:
        """
        Each test of L{SUITE} recorded the seed derived from C{runSeed} (or
        its pin) and the global random module's first value for that seed.
        """
        seen = {str(r["test"]): (r["seed"], r["draw"]) for r in records}
        expected = {}
        for name, nodeid in NODE_IDS.items():
            value = deriveSeed(runSeed, nodeid)
            expected[name] = (value, expectedDraw(value))
        expected["test_pinned"] = (99, expectedDraw(99))
        trialSeed = deriveSeed(runSeed, TRIAL_ID)
        expected["test_trial"] = (trialSeed, expectedDraw(trialSeed))
        self.assertEqual(seen, expected)
