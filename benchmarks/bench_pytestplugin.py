"""
How much the pytest plugin adds to a pytest run.

Times pytest, in a new process, on a project of trivial test functions (2000
by default), with twistedtesting's plugin (``-p twistedtesting._pytestplugin``)
against the same run with ``-p no:twistedtesting``, and prints the ratio.
Plugins are not loaded from the environment in either run
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), so that the two differ only by the
plugin, wherever the benchmark runs.

Run it from the repository's root::

    python benchmarks/bench_pytestplugin.py            # 15 rounds, about 1-3 min
    python benchmarks/bench_pytestplugin.py --quick    # 6 rounds of 1000 tests
    python benchmarks/bench_pytestplugin.py --check    # exit 1 if the ratio > 1.05

The two runs take turns, round after round (in the order ours, baseline,
then baseline, ours, and so on), after an untimed warm-up of each.  A run's
time is the processor time (user and system) of its pytest process, which
other work on a shared machine disturbs far less than the time on the wall
clock, but not enough: a machine shared with other work also goes slower,
by up to twice, for stretches of a fraction of a second to a few seconds,
about as long as a whole run.

So each run also notes its processor time at points along the way: when
the test module is imported (after pytest and the plugins are loaded), and
at every ``--every``-th test (every 100th by default), a call from the test
function itself, the same in both runs; the run's time is cut at those
points into pieces that do the same work in every round of a side.  Noise
only ever adds time, so the fastest round of each piece is the nearest to
its undisturbed time, and their sum is the estimate of a side's time (it is
at most the fastest whole round).  A slow stretch spoils only the pieces it
overlaps, so that estimate needs a round in which each piece, rather than
a whole run, went undisturbed: far likelier, for the same rounds.  That
ratio decides ``--check``; the ratio of the fastest whole rounds and the
median of the per-round ratios are printed as checks.

The pytest processes may write bytecode (``PYTHONDONTWRITEBYTECODE`` is
removed from their environment), as in a user's usual run: the warm-up
runs cache it, and no timed run compiles a module.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _timings import Runs, fastestPieces, positive

TARGET = 1.05
"""
The largest acceptable ratio of the run with the plugin to the run without.
"""

_ROOT = Path(__file__).resolve().parent.parent

# The environment variable that names the file where a run writes the
# processor times it noted.
_MARKS_VARIABLE = "TWISTEDTESTING_BENCH_MARKS"

# The top of the test module: it notes the processor time when it is
# imported, when a test calls _mark(), and at exit, and writes them out.
_MODULE_HEAD = f"""\
import atexit
import json
import os
from time import process_time

_marks = [process_time()]


def _mark():
    _marks.append(process_time())


def _write():
    _marks.append(process_time())
    with open(os.environ["{_MARKS_VARIABLE}"], "w") as file:
        json.dump(_marks, file)


atexit.register(_write)


"""


def makeProject(directory: Path, tests: int, every: int) -> None:
    """
    Write a project of ``tests`` trivial test functions into ``directory``;
    every ``every``-th of them, from the first, notes the processor time.
    """
    (directory / "pytest.ini").write_text("[pytest]\n")
    body = "".join(
        f"def test_{index}():\n    {'pass' if index % every else '_mark()'}\n\n\n"
        for index in range(tests)
    )
    (directory / "test_trivial.py").write_text(_MODULE_HEAD + body)


def timeRun(directory: Path, plugin: str) -> list[float]:
    """
    Run pytest once on the project, with ``plugin`` as its ``-p`` option,
    and return the processor time it took (user and system seconds), cut
    into pieces at the times that it noted: on a machine shared with other
    work, that varies much less than the time on the wall clock.

    :raises RuntimeError: If pytest does not pass.
    """
    marks = directory / "marks.json"
    environ = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    environ["PYTHONPATH"] = os.pathsep.join([str(_ROOT), environ.get("PYTHONPATH", "")])
    environ[_MARKS_VARIABLE] = str(marks)
    environ.pop("PYTEST_ADDOPTS", None)
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
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
    noted = [0.0, *json.loads(marks.read_text()), elapsed]
    marks.unlink()
    return [end - start for start, end in itertools.pairwise(noted)]


def measure(tests: int, rounds: int, every: int) -> Runs:
    """
    Time both runs, taking turns, after a warm-up of each.
    """
    directory = Path(tempfile.mkdtemp(prefix="bench-pytestplugin-"))
    try:
        makeProject(directory, tests, every)
        sides = [
            ("twistedtesting._pytestplugin", "ours"),
            ("no:twistedtesting", "baseline"),
        ]
        for plugin, _ in sides:
            timeRun(directory, plugin)
        runs = Runs()
        for index in range(rounds):
            order = sides if index % 2 == 0 else sides[::-1]
            for plugin, side in order:
                getattr(runs, side).append(timeRun(directory, plugin))
        return runs
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--tests", type=positive, default=None)
    parser.add_argument("--rounds", type=positive, default=None)
    parser.add_argument("--every", type=positive, default=100)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args(argv)
    tests = options.tests or (1000 if options.quick else 2000)
    rounds = options.rounds or (6 if options.quick else 15)
    runs = measure(tests, rounds, options.every)
    timings = runs.timings()
    print(
        f"{tests} trivial test functions, {rounds} rounds (processor seconds per run)"
    )
    print("  with the plugin:      " + " ".join(f"{t:.2f}" for t in timings.ours))
    print("  -p no:twistedtesting: " + " ".join(f"{t:.2f}" for t in timings.baseline))
    print(
        f"  fastest round of each of {len(runs.ours[0])} pieces, summed: "
        f"{fastestPieces(runs.ours):.3f} with, "
        f"{fastestPieces(runs.baseline):.3f} without"
    )
    ratio = runs.ratio()
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(
        f"pytest plugin: with/without = {ratio:.3f} (fastest pieces; fastest "
        f"rounds {timings.ratio():.3f}, median of per-round ratios "
        f"{timings.medianRatio():.3f}); target <= {TARGET}: {verdict}"
    )
    return 1 if options.check and ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
