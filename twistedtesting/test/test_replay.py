# -*- test-case-name: twistedtesting.test.test_replay -*-
"""
Tests for L{twistedtesting._replay}, where failing seeds are kept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._derive import FAILING_SEEDS_VARIABLE
from twistedtesting._replay import (
    DEFAULT_DIRECTORY,
    FailingSeed,
    FailingSeeds,
    trialFailingSeeds,
)
from twistedtesting.test.pytestruns import SOURCE_ROOT

# Adds entries from a process of its own: argv is the directory, a prefix
# for the test ids, and how many.
_WRITER = """
import sys
from pathlib import Path
from twistedtesting._replay import FailingSeed, FailingSeeds

store = FailingSeeds(Path(sys.argv[1]))
for index in range(int(sys.argv[3])):
    store.add(FailingSeed(f"{sys.argv[2]}{index}", index, index * 2))
"""


class FailingSeedsTests(SynchronousTestCase):
    """
    Tests for L{FailingSeeds}.
    """

    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp()) / "seeds"
        self.addCleanup(shutil.rmtree, self.directory.parent, True)
        self.store = FailingSeeds(self.directory)

    def test_empty(self) -> None:
        """
        A directory that does not exist holds no entries, and is not made
        by reading.
        """
        self.assertEqual(self.store.load(), {})
        self.assertFalse(self.directory.exists())

    def test_addLoad(self) -> None:
        """
        Added entries are loaded back by test id, each in a file of its own.
        """
        first = FailingSeed("pkg.test_a.ATests.test_x", 1, 2)
        second = FailingSeed("test_b.py::test_y[p/1]", 3, 4)
        self.store.add(first)
        self.store.add(second)
        self.assertEqual(
            self.store.load(), {first.testId: first, second.testId: second}
        )
        self.assertEqual(len(list(self.directory.iterdir())), 2)

    def test_replace(self) -> None:
        """
        Adding an entry for a test that has one replaces it.
        """
        self.store.add(FailingSeed("t", 1, 2))
        self.store.add(FailingSeed("t", 5, 6))
        self.assertEqual(self.store.load(), {"t": FailingSeed("t", 5, 6)})

    def test_drop(self) -> None:
        """
        Dropping forgets one test's entry; dropping an absent one is no
        error.
        """
        self.store.add(FailingSeed("t", 1, 2))
        self.store.add(FailingSeed("u", 1, 2))
        self.store.drop("t")
        self.store.drop("absent")
        self.assertEqual(list(self.store.load()), ["u"])

    def test_clear(self) -> None:
        """
        Clearing forgets every entry and removes the directory.
        """
        self.store.add(FailingSeed("t", 1, 2))
        self.store.clear()
        self.assertFalse(self.directory.exists())
        self.assertEqual(self.store.load(), {})

    def test_foreignFilesIgnored(self) -> None:
        """
        Files that are not entries (half-written, or put there by hand) are
        skipped, and the entries are still read.
        """
        self.store.add(FailingSeed("t", 1, 2))
        (self.directory / "junk.json").write_text("{not json")
        (self.directory / "partial.json").write_text('{"testId": "x"}')
        (self.directory / ".abc.tmp").write_text("")
        self.assertEqual(self.store.load(), {"t": FailingSeed("t", 1, 2)})

    def test_concurrentWriters(self) -> None:
        """
        Processes that add entries at once lose none of them.
        """
        environ = dict(os.environ, PYTHONPATH=str(SOURCE_ROOT))
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", _WRITER, str(self.directory), f"w{n}-", "40"],
                env=environ,
            )
            for n in range(4)
        ]
        self.assertEqual([writer.wait(timeout=120) for writer in writers], [0] * 4)
        entries = self.store.load()
        self.assertEqual(
            set(entries.values()),
            {FailingSeed(f"w{n}-{i}", i, i * 2) for n in range(4) for i in range(40)},
        )
        self.assertEqual(
            sorted(p.name for p in self.directory.iterdir() if p.suffix != ".json"),
            [],
        )


class TrialFailingSeedsTests(SynchronousTestCase):
    """
    Tests for L{trialFailingSeeds}, the place of trial runs' failing seeds.
    """

    def test_default(self) -> None:
        """
        Unset, the place is C{.twistedtesting/failing-seeds} in the current
        directory, made absolute and exported for trial's workers.
        """
        environ: dict[str, str] = {}
        store = trialFailingSeeds(environ)
        assert store is not None
        expected = Path.cwd() / DEFAULT_DIRECTORY
        self.assertEqual(store.directory, expected)
        self.assertEqual(environ, {FAILING_SEEDS_VARIABLE: str(expected)})

    def test_directory(self) -> None:
        """
        A path is used, made absolute.
        """
        store = trialFailingSeeds({FAILING_SEEDS_VARIABLE: "some/where"})
        assert store is not None
        self.assertEqual(store.directory, Path.cwd() / "some" / "where")

    def test_off(self) -> None:
        """
        C{off} (or C{0}, C{no}, C{false}, or nothing) keeps no seeds.
        """
        for value in ("off", "OFF", "0", "no", "false", "", " "):
            self.assertIsNone(trialFailingSeeds({FAILING_SEEDS_VARIABLE: value}))
