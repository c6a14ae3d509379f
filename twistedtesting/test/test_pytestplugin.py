# -*- test-case-name: twistedtesting.test.test_pytestplugin -*-
"""
Tests for L{twistedtesting._pytestplugin}, the pytest plugin: its entry
point, its fixtures, what a run imports.

Each test runs pytest in a new process on a small project, as a user would,
with the plugin given by module name (C{-p twistedtesting._pytestplugin})
and no other plugin loaded from the environment, so that the tests run the
same from a checkout and from an installation.  The tests of what the
plugin's modules do are in the test modules of those modules.
"""

from __future__ import annotations

import configparser
from importlib.metadata import entry_points
from typing import cast

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting.test.pluginsuite import SUITE, PluginTestCase
from twistedtesting.test.pytestruns import PYTEST_SKIP, SOURCE_ROOT, Project


class FixtureTests(PluginTestCase):
    """
    The plugin's fixtures, and the assertion helpers' frames in pytest's
    reports.
    """

    def test_fixtures(self) -> None:
        """
        C{twistedtesting_random} is a generator seeded with the test's seed,
        and C{twistedtesting_clock} a new L{twistedtesting.Clock}.
        """
        project = self.project(
            {
                "test_fixtures.py": """
                    import random

                    from twistedtesting import Clock


                    def test_fixtures(
                        twistedtesting_seed, twistedtesting_random, twistedtesting_clock
                    ):
                        expected = random.Random(twistedtesting_seed).random()
                        assert twistedtesting_random.random() == expected
                        assert type(twistedtesting_clock) is Clock
                        assert twistedtesting_clock.seconds() == 0
                    """
            }
        )
        status, output = project.pytest("-q")
        self.assertEqual(status, 0, output)
        self.assertIn("1 passed", output)

    def test_helperFramesHidden(self) -> None:
        """
        A failing assertion helper's report ends at the test's own line:
        the frames of C{assertTimesOut}, C{ChunkedPair.flush},
        L{Network}'s C{advanceUntil} and C{runUntilQuiet}, and
        C{checkDeterminism} are hidden from pytest's traceback.
        """
        project = self.project(
            {
                "test_helper.py": """
                    import itertools

                    from twisted.internet.defer import Deferred
                    from twisted.internet.protocol import Protocol

                    from twistedtesting import (
                        Clock,
                        FixedChunks,
                        Network,
                        assertTimesOut,
                        checkDeterminism,
                        connectChunked,
                    )


                    class Echo(Protocol):
                        def connectionMade(self):
                            self.transport.write(b"x")

                        def dataReceived(self, data):
                            self.transport.write(data)


                    def test_neverTimesOut():
                        clock = Clock()
                        assertTimesOut(Deferred(), clock, 5)  # the user's line


                    def test_neverQuiet():
                        pair = connectChunked(Echo(), Echo(), FixedChunks(1))
                        pair.flush(3)  # the user's flush


                    def test_neverHolds():
                        network = Network(Clock(), 1)
                        network.advanceUntil(lambda: False, limit=1)  # the user's wait


                    def test_neverQuietNetwork():
                        network = Network(Clock(), 1)
                        network.addHost("a").reactor.callLater(5, lambda: None)
                        network.runUntilQuiet(1)  # the user's run


                    def test_notDeterministic():
                        counter = itertools.count()

                        def scenario(seed):
                            network = Network(Clock(), seed, traceLimit=None)
                            network.addHost(f"host{next(counter)}")
                            return network

                        checkDeterminism(scenario, 7)  # the user's check
                    """
            }
        )
        status, output = project.pytest("-q")
        self.assertEqual(status, 1, output)
        self.assertIn("5 failed", output)
        for line in [
            "assertTimesOut(Deferred(), clock, 5)  # the user's line",
            "pair.flush(3)  # the user's flush",
            "network.advanceUntil(lambda: False, limit=1)  # the user's wait",
            "network.runUntilQuiet(1)  # the user's run",
            "checkDeterminism(scenario, 7)  # the user's check",
        ]:
            self.assertIn(f">       {line}\n", output)
        self.assertNotIn("twistedtesting/_", output)
        self.assertNotIn("twistedtesting\\_", output)


# Records, as the run ends, which of the modules that a straight run need
# not import were imported.
_IMPORTS = {
    "conftest.py": """
        import sys

        from recorder import record

        HEAVY = (
            "attr",
            "attrs",
            "twisted",
            "twistedtesting._attempts",
            "twistedtesting._pytestattempts",
            "twistedtesting._replay",
            "twistedtesting._seeds",
        )


        def pytest_sessionfinish(session):
            record(test="imports", heavy=[m for m in HEAVY if m in sys.modules])
        """,
    "test_trivial.py": """
        def test_one():
            pass


        def test_two():
            pass
        """,
}


class ImportTests(PluginTestCase):
    """
    What the plugin imports: little in a run whose tests each run once,
    since it is loaded in every pytest run where it is installed.
    """

    def heavyImports(self, *arguments: str) -> list[object]:
        project = self.project(_IMPORTS)
        status, output = project.pytest("-q", *arguments)
        self.assertEqual(status, 0, output)
        [record] = project.takeRecords()
        return cast("list[object]", record["heavy"])

    def test_straightRun(self) -> None:
        """
        A run whose tests each run once imports neither attrs, nor Twisted,
        nor the modules of attempts and failing seeds.
        """
        self.assertEqual(self.heavyImports(), [])

    def test_plannedRun(self) -> None:
        """
        A run with many seeds imports the attempts (and attrs with them).
        """
        self.assertEqual(
            self.heavyImports("--twistedtesting-seeds=2"),
            [
                "attr",
                "attrs",
                "twistedtesting._attempts",
                "twistedtesting._pytestattempts",
                "twistedtesting._replay",
            ],
        )


class EntryPointTests(SynchronousTestCase):
    """
    The plugin is registered through the C{pytest11} entry point.
    """

    def test_declared(self) -> None:
        """
        setup.cfg declares the plugin as the C{twistedtesting} entry point
        of the C{pytest11} group.
        """
        setupCfg = SOURCE_ROOT / "setup.cfg"
        if not setupCfg.exists():
            self.skipTest("no setup.cfg: not a checkout")
        parser = configparser.ConfigParser()
        parser.read(setupCfg, encoding="utf-8")
        self.assertEqual(
            parser["options.entry_points"]["pytest11"].strip(),
            "twistedtesting = twistedtesting._pytestplugin",
        )

    def test_installedAndDisabled(self) -> None:
        """
        Where twistedtesting is installed, pytest loads the plugin by itself,
        and C{-p no:twistedtesting} turns it off.
        """
        if PYTEST_SKIP:
            self.skipTest(PYTEST_SKIP)
        found = [
            e for e in entry_points(group="pytest11") if e.name == "twistedtesting"
        ]
        if not found:
            self.skipTest("twistedtesting is not installed: no pytest11 entry point")
        self.assertEqual(found[0].value, "twistedtesting._pytestplugin")
        project = Project(SUITE, self.addCleanup)
        status, output = project.run(["-m", "pytest", "-p", "no:randomly"])
        self.assertEqual(status, 0, output)
        self.assertIn("twistedtesting: run seed ", output)
        status, output = project.run(
            ["-m", "pytest", "-p", "no:twistedtesting", "-p", "no:randomly"]
        )
        self.assertNotIn("twistedtesting: run seed", output)
        self.assertIn("fixture 'twistedtesting_seed' not found", output)
        self.assertRegex(output, r"\b4 errors\b")
