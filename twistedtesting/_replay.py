# -*- test-case-name: twistedtesting.test.test_replay -*-
"""
Where the seeds of failed tests are kept, so that the next run tries them
first.

Each failed test is one small file in a directory, named after a hash of the
test's id and written under a temporary name then renamed into place, so that
processes that write at once (``trial -j`` workers, pytest-xdist workers)
never lose or corrupt each other's entries, and need no lock: a rename is
atomic, and two processes only ever write the same file for the same test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

import attrs

from twistedtesting._derive import FAILING_SEEDS_VARIABLE, OFF_WORDS

DEFAULT_DIRECTORY = Path(".twistedtesting", "failing-seeds")


@attrs.frozen
class FailingSeed:
    """
    A test that failed with a derived seed, and the run seed it was derived
    from, which gives the test that seed again.

    :ivar testId: The test's id (trial's dotted id, or pytest's node id).
    :ivar runSeed: The run seed the test failed with.
    :ivar seed: The test's own seed, derived from ``runSeed``.
    """

    testId: str
    runSeed: int
    seed: int


@attrs.define
class FailingSeeds:
    """
    The seeds of failed tests kept in a directory, one file per test.

    :ivar directory: The directory; it is made when the first entry is added.
    """

    directory: Path

    def _path(self, testId: str) -> Path:
        digest = hashlib.sha256(testId.encode("utf-8", "surrogatepass")).hexdigest()
        return self.directory / f"{digest[:32]}.json"

    def load(self) -> dict[str, FailingSeed]:
        """
        Read every entry; files that are not entries (half-written by a
        process that was killed, or put there by hand) are ignored.

        :returns: The entries, by test id.
        """
        entries: dict[str, FailingSeed] = {}
        try:
            paths = sorted(self.directory.glob("*.json"))
        except OSError:
            return entries
        for path in paths:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                entry = FailingSeed(
                    str(data["testId"]), int(data["runSeed"]), int(data["seed"])
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
            entries[entry.testId] = entry
        return entries

    def add(self, entry: FailingSeed) -> None:
        """
        Keep ``entry``, replacing any entry of the same test, atomically.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps(attrs.asdict(entry), sort_keys=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=self.directory, prefix=".", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, self._path(entry.testId))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def drop(self, testId: str) -> None:
        """
        Forget the entry of ``testId``, if there is one.
        """
        self._path(testId).unlink(missing_ok=True)

    def clear(self) -> None:
        """
        Forget every entry, removing the directory.
        """
        shutil.rmtree(self.directory, ignore_errors=True)


def trialFailingSeeds(environ: MutableMapping[str, str]) -> FailingSeeds | None:
    """
    Return where trial runs keep the seeds of failed tests, as
    ``TWISTEDTESTING_FAILING_SEEDS`` says, or ``None`` when it is ``off``.

    When the variable is unset, the default directory is made absolute from
    the current directory and exported in the variable, so that trial's
    worker processes (``trial -j``), which run in directories of their own,
    use the same one.

    :param environ: The environment to read, and to export the default to.
    """
    raw = environ.get(FAILING_SEEDS_VARIABLE)
    if raw is None:
        directory = Path.cwd() / DEFAULT_DIRECTORY
        environ[FAILING_SEEDS_VARIABLE] = str(directory)
        return FailingSeeds(directory)
    if raw.strip().lower() in OFF_WORDS or not raw.strip():
        return None
    return FailingSeeds(Path(raw).absolute())
