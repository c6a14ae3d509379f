# -*- test-case-name: twistedtesting.test.test_testcase -*-
"""
What a seeded test needs to run besides its seed: the reporter that adds the
seed's note to its failures, what keeps its failing seed, and the record of
the generators it seeds.  The outermost tests of a trial run, all reporting
to one reporter, share one plan, made for the first of them: each test then
pays for none of it.
"""

from __future__ import annotations

from typing import Any

from twisted.trial.itrial import IReporter

from twistedtesting._attempts import currentOptions
from twistedtesting._generators import SeededGenerators, _running
from twistedtesting._seednote import SeedReporter
from twistedtesting._seeds import SeedParts, choiceOf
from twistedtesting._trialattempts import Watch, _attempting


class RunPlan:
    """
    The reporter, watch and generator record of a seeded test, or of each
    outermost test of a run in turn (see :meth:`fits`).

    :ivar result: What the test was given to report to.
    :ivar watch: Keeps the failing seed when the test fails.
    :ivar original: ``result`` adapted to a trial reporter.
    :ivar reporter: Passes everything on to ``result`` (adapted to a trial
        reporter), adding the note of the running test's seed to failures.
    :ivar generators: Saves, seeds and restores the generators around the
        running test.
    :ivar test: The running test (the last one, after it ran).
    :ivar parts: The running test's seed, where it came from and its run
        seed (its L{SeedChoice} is made only for a note).
    """

    __slots__ = (
        "generators",
        "original",
        "parts",
        "reporter",
        "result",
        "test",
        "watch",
    )

    def __init__(
        self,
        result: Any,
        watch: Watch,
        reporter: IReporter,
        hidden: str,
        adapted: bool,
    ) -> None:
        """
        :param reporter: ``result`` adapted to a trial reporter.
        :param hidden: A source file whose frames are left out of reports.
        :param adapted: Whether ``result`` is not a trial reporter, so that
            failures' notes go in their exceptions' notes (PEP 678).
        """
        self.result = result
        self.watch = watch
        self.original = reporter
        self.reporter = SeedReporter(reporter, self.note, hidden, adapted)
        self.generators = SeededGenerators(0, None, [])
        self.test: Any = None
        self.parts: SeedParts | None = None

    def note(self) -> str:
        """
        The note of a failure of the running test.
        """
        assert self.parts is not None
        return self.watch.note(self.test, choiceOf(self.parts), self.result)

    def fits(self, result: Any) -> bool:
        """
        Whether the next test, reporting to ``result``, can run with this
        plan: it reports to the same trial reporter, no test is running
        (this is the outermost test, so the generator record is free) or
        being attempted, and the run's options are those the watch was made
        for (and so plan no attempts).
        """
        if result is not self.result or _running or _attempting:
            return False
        try:
            return currentOptions() is self.watch.options
        except ValueError:
            return False


# The plan that the next outermost test may share (see RunPlan.fits), once
# one has been made for a run whose options plan no attempts.
sharedPlan: list[RunPlan] = []
