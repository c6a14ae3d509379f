# -*- test-case-name: examples.test_running -*-
"""
Tests for the GitHub Actions workflow that the documentation's page on
running test suites shows, ``github-workflow.yml``: its step that chooses the
run seed exports it, and prints it, as the page says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from twistedtesting import SEED_VARIABLE, SynchronousTestCase

WORKFLOW = Path(__file__).parent / "github-workflow.yml"


def stepScript(workflow: str, name: str) -> str:
    """
    :returns: The ``run: |`` script of the step called ``name`` in the
        GitHub Actions ``workflow``.
    :raises LookupError: If there is no such step, or it has no such script.
    """
    lines = workflow.splitlines()
    try:
        start = lines.index(f"      - name: {name}")
        run = lines.index("        run: |", start)
    except ValueError:
        raise LookupError(f"no step {name!r} with a 'run: |' script") from None
    script = []
    for line in lines[run + 1 :]:
        if line.strip() and not line.startswith(" " * 10):
            break
        script.append(line)
    return textwrap.dedent("\n".join(script)).strip() + "\n"


class SeedStepTests(SynchronousTestCase):
    """
    The workflow's step "Choose the run seed", run as GitHub Actions runs
    it, with ``bash``.
    """

    def setUp(self) -> None:
        if shutil.which("bash") is None:
            self.skipTest("bash is not installed")

    def runStep(self, seedInput: str) -> tuple[str, str]:
        """
        Run the step with ``seedInput`` as the workflow's ``seed`` input.

        :returns: What it added to the file that ``GITHUB_ENV`` names, and
            what it printed.
        """
        script = stepScript(WORKFLOW.read_text(encoding="utf-8"), "Choose the run seed")
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory)
        # The step runs "python": make it this test's interpreter.
        python = directory / "python"
        python.write_text(
            f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8"
        )
        python.chmod(0o755)
        githubEnv = directory / "github-env"
        environment = {
            name: value for name, value in os.environ.items() if name != SEED_VARIABLE
        }
        environment.update(
            SEED=seedInput,
            GITHUB_ENV=str(githubEnv),
            PATH=f"{directory}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        step = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return githubEnv.read_text(encoding="utf-8"), step.stdout

    def test_newSeed(self) -> None:
        """
        Without a ``seed`` input, the step chooses a new run seed, exports
        it for the later steps, and prints it.
        """
        exported, printed = self.runStep("")
        found = re.fullmatch(r"TWISTEDTESTING_SEED=(\d+)\n", exported)
        assert found is not None, exported
        seed = found.group(1)
        self.assertEqual(
            printed, f"Run seed: {seed}; rerun with TWISTEDTESTING_SEED={seed}\n"
        )

    def test_givenSeed(self) -> None:
        """
        With a ``seed`` input, the step exports and prints that run seed.
        """
        exported, printed = self.runStep("3818332735")
        self.assertEqual(exported, "TWISTEDTESTING_SEED=3818332735\n")
        self.assertEqual(
            printed, "Run seed: 3818332735; rerun with TWISTEDTESTING_SEED=3818332735\n"
        )

    def test_testsRunWithIt(self) -> None:
        """
        The step after it runs trial, which reads the run seed from the
        environment that the step exported it to.
        """
        workflow = WORKFLOW.read_text(encoding="utf-8")
        self.assertLess(
            workflow.index("- name: Choose the run seed"),
            workflow.index("run: python -m twisted.trial"),
        )
        self.assertEqual(SEED_VARIABLE, "TWISTEDTESTING_SEED")
