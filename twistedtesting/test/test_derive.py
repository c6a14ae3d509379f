# -*- test-case-name: twistedtesting.test.test_derive -*-
"""
Tests for L{twistedtesting._derive}: how a test's seed is derived, and the
text of the run seed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import types

from twistedtesting import SynchronousTestCase
from twistedtesting._derive import (
    SEED_VARIABLE,
    deriveSeed,
    fastSha256,
    parseRunSeed,
    seedDeriver,
)


class DeriveSeedTests(SynchronousTestCase):
    """
    Tests for L{deriveSeed}.
    """

    def test_knownValues(self) -> None:
        """
        The derivation never changes between releases: a seed that a user
        wrote down keeps meaning the same test seed.  These are the first four
        bytes of SHA-256 of C{"<run seed>\\0<test id>"}, read big-endian.
        """
        self.assertEqual(deriveSeed(0, "pkg.test_x.XTests.test_y"), 0xB70CA46F)
        self.assertEqual(deriveSeed(12345, "a"), 0xA3BE0BC8)

    def test_sameHashEverywhere(self) -> None:
        """
        The SHA-256 that seeds are derived with is the standard one: CPython's
        own where it agrees with L{hashlib.sha256}, else L{hashlib.sha256}
        itself.
        """
        for data in [b"", b"pkg.test_x.XTests.test_y", bytes(range(256)) * 5]:
            self.assertEqual(fastSha256()(data).digest(), hashlib.sha256(data).digest())
        self.assertIs(fastSha256(("twistedtesting_no_such_module",)), hashlib.sha256)
        # A module whose sha256 gives other digests is not used.
        wrong = types.ModuleType("twistedtesting_wrong_sha256")
        wrong.sha256 = hashlib.md5  # type: ignore[attr-defined]
        sys.modules[wrong.__name__] = wrong
        self.addCleanup(sys.modules.pop, wrong.__name__)
        self.assertIs(fastSha256((wrong.__name__,)), hashlib.sha256)

    def test_deriver(self) -> None:
        """
        L{seedDeriver} gives, for each test id, the seed that L{deriveSeed}
        gives with its run seed: for the known values, for ids beyond ASCII
        and for ids longer than one block of SHA-256.
        """
        self.assertEqual(seedDeriver(0)("pkg.test_x.XTests.test_y"), 0xB70CA46F)
        self.assertEqual(seedDeriver(12345)("a"), 0xA3BE0BC8)
        testIds = ["", "t.py::test_\u00e9[\u2603]", "t.py::test_" + "x" * 200]
        for run in (0, 7, 2**32 - 1, 3**90):
            derive = seedDeriver(run)
            self.assertEqual(
                [derive(testId) for testId in testIds],
                [deriveSeed(run, testId) for testId in testIds],
            )

    def test_dependsOnBothInputs(self) -> None:
        """
        Different run seeds or different test ids give different seeds, and
        every seed is in C{range(2 ** 32)}.
        """
        seeds = {
            deriveSeed(run, testId)
            for run in range(20)
            for testId in ("a.A.test_a", "a.A.test_b", "b.A.test_a")
        }
        self.assertEqual(len(seeds), 60)
        self.assertTrue(all(0 <= s < 2**32 for s in seeds))

    def test_stableAcrossProcesses(self) -> None:
        """
        Another interpreter, with a different string hash salt, derives the
        same seed.
        """
        code = (
            "from twistedtesting._seeds import deriveSeed;"
            "print(deriveSeed(99, 'pkg.XTests.test_y'))"
        )
        env = dict(os.environ, PYTHONHASHSEED="12345")
        env["PYTHONPATH"] = os.pathsep.join(sys.path)
        output = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        self.assertEqual(int(output), deriveSeed(99, "pkg.XTests.test_y"))


class ParseRunSeedTests(SynchronousTestCase):
    """
    Tests for L{parseRunSeed}.
    """

    def test_parse(self) -> None:
        """
        A decimal integer, with surrounding white space, is a run seed.
        """
        self.assertEqual(parseRunSeed("0"), 0)
        self.assertEqual(parseRunSeed(" 42\n"), 42)
        self.assertEqual(parseRunSeed("12345678901234567890"), 12345678901234567890)

    def test_parseRefuses(self) -> None:
        """
        Anything else is a L{ValueError} that names the variable and quotes
        the value.
        """
        for raw in ["", " ", "-1", "+1", "abc", "1.5", "0x10", "1e3", "\uff14\uff12"]:
            with self.assertRaises(ValueError) as caught:
                parseRunSeed(raw)
            self.assertEqual(
                str(caught.exception),
                f"the environment variable {SEED_VARIABLE} must be a "
                f"non-negative integer (the run seed), got {raw!r}; unset it "
                "for a random run seed",
            )
