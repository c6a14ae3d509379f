# -*- test-case-name: twistedtesting.test.test_pytestattempts -*-
"""
The pytest plugin's attempts: a plain test run more than once, with a seed
it failed with in an earlier run, with many seeds, or twice per seed to
check that its seed decides its outcome (see :mod:`twistedtesting._attempts`
for what is tried and reported).

Imported, and registered as a plugin of its own, only in a run that needs
it (:attr:`twistedtesting._pytestoptions.RunPlan.planned`); other runs never
pay for it, nor for :mod:`twistedtesting._attempts` and attrs.
"""

from __future__ import annotations

from typing import Any, cast

import attrs
import pytest

# pytest's own protocol, which pytest-rerunfailures and the like call as well.
from _pytest.runner import runtestprotocol

from twistedtesting._attempts import (
    SEEDS_PROPERTY,
    Attempt,
    SeedsSummary,
    Verdict,
    comparable,
    seedsProperty,
)
from twistedtesting._derive import deriveSeed
from twistedtesting._pytestseeding import PlainSeeding, managed, pinnedSeed


class Attempts:
    """
    The plugin object that runs the attempts of one run's plain tests.

    :ivar seeding: The run's seeding of plain tests.
    :ivar summary: The count of seeds passed, with many seeds.
    """

    def __init__(self, seeding: PlainSeeding) -> None:
        self.seeding = seeding
        seeds = seeding.plan.seeds
        self.summary = SeedsSummary(seeds) if seeds > 1 else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> bool | None:
        if managed(item):
            return None
        seeding = self.seeding
        plan = seeding.plan
        options = plan.options()
        if not options.planned(item.nodeid):
            return None
        pinned = pinnedSeed(item)
        attempts = options.attempts(
            item.nodeid, None if pinned is not None else plan.runSeed
        )
        ihook = item.ihook
        ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        live = len(attempts) == 1

        def runOne(attempt: Attempt) -> _PytestOutcome:
            seeding.attempt = attempt
            try:
                reports = runtestprotocol(item, nextitem=nextitem, log=live)
            finally:
                seeding.attempt = None
            if not live:
                seeded = seeding.seedOf(item)
                for report in reports:
                    if report.failed and seeded is not None:
                        report.sections.append(("twistedtesting", seeded.note()))
            return _PytestOutcome(reports)

        # Reports logged later already have their notes.
        seeding.logNotes = live
        try:
            verdict = options.run(
                item.nodeid, attempts, runOne, lambda run: deriveSeed(run, item.nodeid)
            )
            if not live:
                for report in _finalReports(verdict, options.seeds):
                    ihook.pytest_runtest_logreport(report=report)
        finally:
            seeding.logNotes = True
        ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        return True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        summary = self.summary
        if summary is None or report.when != "teardown":
            return
        for name, value in report.user_properties:
            if name == SEEDS_PROPERTY:
                passed, failed = cast("list[object]", value)
                summary.record(report.nodeid, cast(int, passed), bool(failed))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.summary is not None:
            for line in self.summary.lines():
                terminalreporter.write_line(line)


def _finalReports(
    verdict: Verdict[_PytestOutcome], seeds: int
) -> list[pytest.TestReport]:
    reports = verdict.outcome.reports
    for report in reports:
        if seeds > 1:
            report.user_properties.append(seedsProperty(verdict))
        if verdict.notReproducible:
            continue
        if report.failed and verdict.note is not None:
            report.sections.append(("twistedtesting", verdict.note))
    if verdict.notReproducible:
        target = next((r for r in reports if r.when == "call"), reports[-1])
        target.outcome = "failed"
        target.longrepr = verdict.note
    return reports


@attrs.frozen
class _PytestOutcome:
    """
    The reports of one attempt of a plain pytest test.
    """

    reports: list[pytest.TestReport]

    @property
    def failed(self) -> bool:
        return any(report.failed for report in self.reports)

    @property
    def signature(self) -> tuple[object, ...]:
        # As a trial test's (see _attempts.Outcome.signature).
        return tuple(
            (report.when, report.outcome, comparable(_crash(report)), _where(report))
            for report in self.reports
        )

    def describe(self) -> str:
        words = []
        for report in self.reports:
            if report.failed:
                words.append(f"failed in {report.when} with {_crash(report)}")
            elif report.skipped:
                words.append(f"was skipped in {report.when}")
        return ", then ".join(words) or "passed"


def _where(report: pytest.TestReport) -> tuple[object, ...]:
    crash = getattr(report.longrepr, "reprcrash", None)
    return () if crash is None else (crash.path, crash.lineno)


def _crash(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None)
    if isinstance(message, str):
        return message
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    return "" if report.longrepr is None else str(report.longrepr)
