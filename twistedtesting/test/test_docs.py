# -*- test-case-name: twistedtesting.test.test_docs -*-
"""
The reports and messages that docs/seeds.rst shows as text are what the
library prints, so the page cannot drift from the code.

The page's code is included from the example suite, which CI runs; these
tests cover its text blocks.  They read the page from the checkout and skip
when it is not there (an installed copy of the package has no docs).
"""

from __future__ import annotations

import re
from pathlib import Path

from twistedtesting import SynchronousTestCase
from twistedtesting._seednote import reproduction
from twistedtesting._seeds import SeedChoice, deriveSeed
from twistedtesting._testcase import _checkResult

DOCS = Path(__file__).resolve().parents[2] / "docs"

_DERIVED = re.compile(
    r"twistedtesting: this test ran with random seed (\d+), derived from run "
    r"seed (\d+)\.\n\s+Rerun it with: \S+=\d+ (.+)\n\s+or pin it: .+\n"
)


class _PytestItem:
    """
    What the note reads of a pytest item: its node id.
    """

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def _flatten(text: str) -> str:
    """
    The page's report blocks are indented; compare lines without it.
    """
    return "\n".join(line.strip() for line in text.splitlines())


class SeedsPageTests(SynchronousTestCase):
    """
    docs/seeds.rst shows the library's own notes and messages.
    """

    def setUp(self) -> None:
        page = DOCS / "seeds.rst"
        if not page.exists():
            self.skipTest(f"{page} is not there: not a checkout")
        self.page = page.read_text(encoding="utf-8")

    def test_derivedNotes(self) -> None:
        """
        Each note on the page for a derived seed gives the seed derived from
        its run seed and test id, and reads, line for line, as the note the
        library writes for that seed (under trial, or under pytest when its
        command is a pytest one).
        """
        notes = _DERIVED.findall(self.page)
        self.assertEqual(len(notes), 2)
        for seedText, runText, command in notes:
            testId = command.split()[-1]
            result: object = None
            if command.startswith("python -m pytest "):
                path, className, method = testId.split("::")
                result = _PytestItem(testId)
                module = path.removeprefix("docs/").removesuffix(".py")
                testId = f"{module.replace('/', '.')}.{className}.{method}"
            self.assertEqual(deriveSeed(int(runText), testId), int(seedText))
            choice = SeedChoice(int(seedText), "run", int(runText))
            self.assertIn(
                _flatten(reproduction(testId, choice, result)), _flatten(self.page)
            )

    def test_pinnedNote(self) -> None:
        """
        The note shown for a seed pinned on the test method is the library's.
        """
        note = reproduction("any", SeedChoice(1234, "method"), None)
        self.assertIn(note, self.page)

    def test_coroutineError(self) -> None:
        """
        The error shown for an C{async def} test in a SynchronousTestCase is
        the library's, for the test the page names.
        """
        testId = "examples.test_seeded_example.AsyncRetryTests.test_awaitRetry"

        async def test_awaitRetry() -> None:
            pass

        with self.assertRaises(TypeError) as caught:
            _checkResult(test_awaitRetry(), testId)
        self.assertIn(f"builtins.TypeError: {caught.exception}\n", self.page)
