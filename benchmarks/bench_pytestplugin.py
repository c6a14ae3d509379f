"""
How much the pytest plugin adds to a pytest run.

Times pytest, in a new process, on a project of trivial test functions (2000
by default), with twistedtesting's plugin (``-p twistedtesting._pytestplugin``)
against the same run with ``-p no:twistedtesting``, and prints the ratio.
Plugins are not loaded from the environment in either run
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), so that the two differ only by the
plugin, wherever the benchmark runs.

Run it from the repository's root::

    python benchmarks/bench_pytestplugin.py            # 5 rounds, about 1-2 min
    python benchmarks/bench_pytestplugin.py --quick    # 2 rounds of 1000 tests
    python benchmarks/bench_pytestplugin.py --check    # exit 1 if the ratio > 1.05

The two runs take turns, round after round, after an untimed warm-up of
each.  A run's time is the processor time (user and system) of its pytest
process, which other work on a shared machine disturbs far less than the
time on the wall clock; each side's time is its fastest round, since noise
only ever adds time, and the median of the per-round ratios is printed as a
check.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _timings import Timings, positive

TARGET = 1.05
"""
The largest acceptable ratio of the run with the plugin to the run without.
"""

_ROOT = Path(__file__).resolve().parent.parent


def makeProject(directory: Path, tests: int) -> None:
    """
    Write a project of ``tests`` trivial test functions into ``directory``.
    """
    (directory / "pytest.ini").write_text("[pytest]\n")
    body = "".join(f"def test_{index}():\n    pass\n\n\n" for index in range(tests))
    (directory / "test_trivial.py").write_text(body)


def timeRun(directory: Path, plugin: str) -> float:
    """
    Run pytest once on the project, with ``plugin`` as its ``-p`` option,
    and return the processor time it took (user and system seconds): on a
    machine shared with other work, that varies much less than the time on
    the wall clock.

    :raises RuntimeError: If pytest does not pass.
    """
    environ = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    environ["PYTHONPATH"] = os.pathsep.join([str(_ROOT), environ.get("PYTHONPATH", "")])
    environ.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", plugin]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        command,
        cwd=directory,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0:
        raise RuntimeError(
            f"pytest {plugin} failed:\n{completed.stdout.decode(errors='replace')}"
        )
    return elapsed


def measure(tests: int, rounds: int) -> Timings:
    """
    Time both runs, taking turns, after a warm-up of each.
    """
    directory = Path(tempfile.mkdtemp(prefix="bench-pytestplugin-"))
    try:
        makeProject(directory, tests)
        sides = [
            ("twistedtesting._pytestplugin", "ours"),
            ("no:twistedtesting", "baseline"),
        ]
        for plugin, _ in sides:
            timeRun(directory, plugin)
        timings = Timings()
        for index in range(rounds):
            order = sides if index % 2 == 0 else sides[::-1]
            for plugin, side in order:
                getattr(timings, side).append(timeRun(directory, plugin))
        return timings
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--tests", type=positive, default=None)
    parser.add_argument("--rounds", type=positive, default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args(argv)
    tests = options.tests or (1000 if options.quick else 2000)
    rounds = options.rounds or (2 if options.quick else 5)
    timings = measure(tests, rounds)
    print(
        f"{tests} trivial test functions, {rounds} rounds (processor seconds per run)"
    )
    print("  with the plugin:   " + " ".join(f"{t:.2f}" for t in timings.ours))
    print("  -p no:twistedtesting: " + " ".join(f"{t:.2f}" for t in timings.baseline))
    ratio = timings.ratio()
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(
        f"pytest plugin: with/without = {ratio:.3f} (fastest rounds; median of "
        f"per-round ratios {timings.medianRatio():.3f}); target <= {TARGET}: "
        f"{verdict}"
    )
    return 1 if options.check and ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
