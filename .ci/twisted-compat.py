"""
Check that twistedtesting's test cases are a drop-in for trial's: run some of
Twisted's own test modules twice, once as they are and once with
twistedtesting.TestCase and twistedtesting.SynchronousTestCase swapped in for
trial's before the modules are imported, and compare every test's outcome.

    python .ci/twisted-compat.py                    # the default modules
    python .ci/twisted-compat.py twisted.test.test_amp twisted.web.test

Each run is a fresh process (``--run plain FILE`` or ``--run swapped FILE``)
that writes one JSON object to FILE: every test's outcomes, and how many of
the tests that ran were instances of twistedtesting's classes and ran with a
seed.  The check
fails when the swapped run has no such test (the swap did not happen), when
the plain run has one, or when any test's outcomes differ; it then prints
each difference.  Tests listed in EXCLUDED are left out of the comparison,
each for the reason given there.

Needs twistedtesting importable (installed, or the repository root on
``sys.path``, which running this script from the repository gives).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

DEFAULT_MODULES = (
    "twisted.protocols.test.test_basic",
    "twisted.python.test.test_deprecate",
    "twisted.test.test_task",
    "twisted.trial.test.test_warning",
    "twisted.trial.test.test_assertions",
    "twisted.trial.test.test_tests",
    "twisted.trial.test.test_pyunitcompat",
)

# Tests that assert the exact text of a failure report, which under
# twistedtesting ends with the test's seed; their outcomes may differ by
# design.  Each names the report it reads.
_NOTES = (
    "asserts the text of the report that a standard library TestResult "
    "formats from the exception, whose PEP 678 notes hold the seed note"
)
EXCLUDED: dict[str, str] = {
    "twisted.trial.test.test_pyunitcompat.PyUnitResultTests.test_traceback": (
        f"{_NOTES} (it compares all lines but the last with the traceback)"
    ),
    "twisted.trial.test.test_warning.FlushWarningsTests"
    ".test_warningsConfiguredAsErrors": (f"{_NOTES} (it reads the report's last line)"),
}

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tests(suite: Any) -> Iterator[Any]:
    """
    Every test case in a (nested) suite.
    """
    if hasattr(suite, "_tests"):
        for test in suite._tests:
            yield from _tests(test)
    else:
        yield suite


def runModules(mode: str, modules: Sequence[str]) -> dict[str, Any]:
    """
    Load and run ``modules`` in this process, with twistedtesting's classes
    swapped in for trial's when ``mode`` is ``"swapped"``.

    :returns: ``outcomes`` (test id to the list of what was reported for
        it, in order), ``ours`` (how many tests ran as instances of
        twistedtesting's classes) and ``seeded`` (how many of those ran
        with a seed).
    """
    from twisted.trial import reporter, runner, unittest

    import twistedtesting

    if mode == "swapped":
        unittest.TestCase = twistedtesting.TestCase  # type: ignore[misc]
        unittest.SynchronousTestCase = (  # type: ignore[misc]
            twistedtesting.SynchronousTestCase
        )
    outcomes: dict[str, list[str]] = {}

    class Recorder(reporter.Reporter):
        """
        trial's reporter, also recording each test's outcomes.
        """

        def _record(self, test: Any, outcome: str) -> None:
            outcomes.setdefault(test.id(), []).append(outcome)

        def addSuccess(self, test: Any) -> None:
            super().addSuccess(test)
            self._record(test, "success")

        def addError(self, test: Any, error: Any) -> None:
            super().addError(test, error)
            self._record(test, "error")

        def addFailure(self, test: Any, fail: Any) -> None:
            super().addFailure(test, fail)
            self._record(test, "failure")

        def addSkip(self, test: Any, reason: Any) -> None:
            super().addSkip(test, reason)
            self._record(test, "skip")

        def addExpectedFailure(self, test: Any, error: Any, todo: Any = None) -> None:
            super().addExpectedFailure(test, error, todo)
            self._record(test, "expectedFailure")

        def addUnexpectedSuccess(self, test: Any, todo: Any = None) -> None:
            super().addUnexpectedSuccess(test, todo)
            self._record(test, "unexpectedSuccess")

    loader = runner.TestLoader()
    suite = loader.loadByNames(list(modules), recurse=True)
    tests = list(_tests(suite))
    with open(os.devnull, "w") as stream:
        runner.TrialRunner(Recorder, stream=stream, workingDirectory="_trial_temp").run(
            suite
        )
    ours = [t for t in tests if isinstance(t, twistedtesting.SynchronousTestCase)]
    seeded = [t for t in ours if isinstance(vars(t).get("seed"), int)]
    return {"outcomes": outcomes, "ours": len(ours), "seeded": len(seeded)}


def runChild(mode: str, modules: Sequence[str], directory: str) -> dict[str, Any]:
    """
    Run ``modules`` in a fresh process in ``mode`` and return its findings.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([_ROOT, *filter(None, [env.get("PYTHONPATH")])])
    # The same seed in every run, so that a difference can be reproduced.
    env.setdefault("TWISTEDTESTING_SEED", "0")
    # The findings go to a file: a test may replace or close stdout.
    output = os.path.join(directory, f"{mode}.json")
    completed = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--run", mode, output, *modules],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0 or not os.path.exists(output):
        raise SystemExit(
            f"the {mode} run failed (exit status {completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}"
        )
    with open(output, encoding="utf-8") as findings:
        found: dict[str, Any] = json.load(findings)
    return found


def differences(
    plain: dict[str, list[str]], swapped: dict[str, list[str]], excluded: Iterable[str]
) -> list[str]:
    """
    One line for each test whose outcomes differ between the two runs.
    """
    left = set(excluded)
    lines = []
    for testId in sorted(set(plain) | set(swapped)):
        if testId in left:
            continue
        before, after = plain.get(testId), swapped.get(testId)
        if before != after:
            lines.append(f"  {testId}: plain {before}, swapped {after}")
    return lines


def main(argv: Sequence[str]) -> int:
    """
    Compare the two runs and print the verdict.

    :returns: The exit status: 0 if every outcome is the same and the swap
        took effect, else 1.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=list(DEFAULT_MODULES))
    parser.add_argument(
        "--run", nargs=2, metavar=("MODE", "OUTPUT"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args(argv)
    if arguments.run:
        mode, output = arguments.run
        findings = runModules(mode, arguments.modules)
        with open(output, "w", encoding="utf-8") as file:
            json.dump(findings, file)
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="twisted-compat-") as directory:
        plain = runChild("plain", arguments.modules, directory)
        swapped = runChild("swapped", arguments.modules, directory)
    status = 0
    print(f"modules: {' '.join(arguments.modules)}")
    for name, run in (("plain", plain), ("swapped", swapped)):
        counts: dict[str, int] = {}
        for outcomes in run["outcomes"].values():
            for outcome in outcomes:
                counts[outcome] = counts.get(outcome, 0) + 1
        summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        print(
            f"{name}: {len(run['outcomes'])} tests ({summary}); "
            f"{run['ours']} on twistedtesting's classes, {run['seeded']} seeded"
        )
    if plain["ours"] != 0:
        print("error: the plain run used twistedtesting's classes")
        status = 1
    if swapped["ours"] == 0 or swapped["seeded"] != swapped["ours"]:
        print(
            "error: the swap did not take effect: every test of the swapped "
            "run should be on twistedtesting's classes and seeded"
        )
        status = 1
    skipped = sorted(
        set(EXCLUDED) & (set(plain["outcomes"]) | set(swapped["outcomes"]))
    )
    for testId in skipped:
        print(f"excluded: {testId}: {EXCLUDED[testId]}")
    lines = differences(plain["outcomes"], swapped["outcomes"], EXCLUDED)
    if lines:
        print(f"error: {len(lines)} tests changed outcome with the swap:")
        print("\n".join(lines))
        status = 1
    verdict = "ok" if status == 0 else "FAILED"
    print(f"{verdict} ({time.perf_counter() - started:.1f}s)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
