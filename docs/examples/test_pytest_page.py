# -*- test-case-name: examples.test_pytest_page -*-
"""
Runs the plain pytest tests that the pytest page shows,
``test_pytest_style.py``, with pytest and twistedtesting's plugin, as a user
would.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from twistedtesting import SynchronousTestCase

STYLE = Path(__file__).parent / "test_pytest_style.py"


class PytestPageTests(SynchronousTestCase):
    """
    The page's plain pytest tests pass under pytest with the plugin.
    """

    def test_passes(self) -> None:
        """
        pytest runs the four tests, and they pass; its header names the run
        seed.
        """
        if importlib.util.find_spec("pytest") is None:
            self.skipTest("pytest is not installed")
        environ = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        environ.pop("PYTEST_ADDOPTS", None)
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "twistedtesting._pytestplugin",
                "-p",
                "no:cacheprovider",
                "--twistedtesting-seed=5",
                str(STYLE),
            ],
            cwd=STYLE.parent.parent,
            env=environ,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = completed.stdout + completed.stderr
        self.assertEqual(completed.returncode, 0, output)
        self.assertIn("twistedtesting: run seed 5 (--twistedtesting-seed)", output)
        self.assertIn("4 passed", output)
