# -*- test-case-name: twistedtesting.test.test_pytestplugin -*-
"""
Run pytest, or trial, in a new process on a small project made for one
test, as a user would, and read back what its tests recorded.

The project's tests call C{recorder.record(...)}, which writes one file per
call (never one shared file: pytest-xdist's and trial's workers record at
once) into the project's C{records} directory.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import twistedtesting

# The directory that holds the twistedtesting package these tests import,
# so that the new processes import the same one.
SOURCE_ROOT = Path(twistedtesting.__file__).resolve().parent.parent


def runPython(script: str) -> subprocess.CompletedProcess[str]:
    """
    Run C{script} with this test's Python in a new process that imports
    the same twistedtesting, and return what it did, with its output as
    text.
    """
    return subprocess.run(
        [sys.executable, "-c", script],
        env=dict(os.environ, PYTHONPATH=str(SOURCE_ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


PYTEST_SKIP = (
    None
    if importlib.util.find_spec("pytest") is not None
    else "pytest is not installed: pip install 'twistedtesting[test]'"
)
XDIST_SKIP = (
    None
    if importlib.util.find_spec("xdist") is not None
    else "pytest-xdist is not installed: pip install 'twistedtesting[test]'"
)
RANDOMLY_SKIP = (
    None
    if importlib.util.find_spec("pytest_randomly") is not None
    else "pytest-randomly is not installed: pip install 'twistedtesting[test]'"
)

RECORDER = '''
import itertools
import json
import os
from pathlib import Path

_counter = itertools.count()


def record(**fields):
    """
    Record C{fields} in a file of its own, with this process's id and a
    sequence number, which order the records of one process.
    """
    directory = Path(os.environ["RECORDS"])
    directory.mkdir(exist_ok=True)
    fields["pid"] = os.getpid()
    fields["n"] = next(_counter)
    path = directory / f"{os.getpid()}-{fields['n']}.json"
    path.write_text(json.dumps(fields))


def calls(name):
    """
    How many times C{name} was counted before, in any process of any run
    in this project, counting this call.
    """
    path = Path(os.environ["RECORDS"]).parent / f"count-{name}"
    count = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(count))
    return count
'''

HEADER = re.compile(r"^twistedtesting: run seed (\d+) \(([^)]*)\)", re.MULTILINE)


class Project:
    """
    A directory with a small test suite, and the runs of it.

    :ivar directory: The project's directory (its pytest root directory).
    :ivar records: Where its tests record what they saw.
    """

    def __init__(self, files: Mapping[str, str], addCleanup: Callable[..., object]):
        self.directory = Path(tempfile.mkdtemp(prefix="twistedtesting-project-"))
        addCleanup(shutil.rmtree, self.directory, True)
        self.records = self.directory / "records"
        # Its own pytest.ini: pytest must not find this checkout's setup.cfg.
        (self.directory / "pytest.ini").write_text("[pytest]\n")
        (self.directory / "recorder.py").write_text(RECORDER)
        for name, text in files.items():
            path = self.directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))

    def environment(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        """
        This process's environment without any twistedtesting or pytest
        setting, with the project and this twistedtesting importable.
        """
        environ = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("TWISTEDTESTING_", "PYTEST_"))
        }
        environ["RECORDS"] = str(self.records)
        environ["PYTHONPATH"] = os.pathsep.join([str(SOURCE_ROOT), str(self.directory)])
        environ["PYTHONDONTWRITEBYTECODE"] = "1"
        environ.update(extra or {})
        return environ

    def run(
        self, arguments: list[str], environ: Mapping[str, str] | None = None
    ) -> tuple[int, str]:
        """
        Run C{python} with C{arguments} in the project's directory.

        :returns: The exit status and the output (standard output, then
            standard error).
        """
        completed = subprocess.run(
            [sys.executable, *arguments],
            cwd=self.directory,
            env=self.environment(environ),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return completed.returncode, completed.stdout + completed.stderr

    def pytest(
        self,
        *arguments: str,
        plugins: tuple[str, ...] = ("twistedtesting._pytestplugin",),
        environ: Mapping[str, str] | None = None,
    ) -> tuple[int, str]:
        """
        Run pytest with only the given plugins (plugins of this environment
        are not loaded, so the run is the same wherever the test runs).
        """
        extra = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **(environ or {})}
        options = [f"-p{plugin}" for plugin in plugins]
        return self.run(["-m", "pytest", *options, *arguments], extra)

    def trial(
        self, *arguments: str, environ: Mapping[str, str] | None = None
    ) -> tuple[int, str]:
        """
        Run trial.
        """
        return self.run(["-m", "twisted.trial", *arguments], environ)

    def takeRecords(self) -> list[dict[str, object]]:
        """
        The records made since the last call, oldest first in each process,
        and forget them.
        """
        records = []
        for path in self.records.glob("*.json"):
            records.append(json.loads(path.read_text()))
            path.unlink()
        return sorted(records, key=lambda r: (str(r["pid"]), int(str(r["n"]))))

    def recordsOf(
        self, records: list[dict[str, object]], test: str
    ) -> list[dict[str, object]]:
        """
        The records of one test, in order.
        """
        return [record for record in records if record["test"] == test]


def headerSeed(output: str) -> tuple[int, str]:
    """
    The run seed and its source, as the plugin's header line gives them.

    :raises AssertionError: If there is no header line.
    """
    match = HEADER.search(output)
    if match is None:
        raise AssertionError(f"no twistedtesting header line in:\n{output}")
    return int(match.group(1)), match.group(2)
