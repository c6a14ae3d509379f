# -*- test-case-name: twistedtesting.test.test_init -*-
"""
Tests for the package itself: its public names are imported when first
used.
"""

from __future__ import annotations

import importlib

from twisted.trial.unittest import SynchronousTestCase

import twistedtesting
from twistedtesting.test.pytestruns import runPython

# Imports what the pytest plugin imports, says which of Twisted's modules
# that imported, then uses one public name and says what that loaded.
_PROBE = """
import sys
import twistedtesting._pytestplugin
print(sorted(m for m in sys.modules if m.startswith("twisted.")))
import twistedtesting
print(twistedtesting.Clock.__module__, "twisted.trial.unittest" in sys.modules)
print(twistedtesting.FixedChunks.__module__)
"""


class LazyNamesTests(SynchronousTestCase):
    """
    The public names, imported on first use.
    """

    def test_everyNameHasItsModule(self) -> None:
        """
        Every name in C{__all__} is listed with the private module that
        defines it, and only those.
        """
        self.assertEqual(
            sorted(twistedtesting._DEFINED_IN), sorted(twistedtesting.__all__)
        )
        for name, where in twistedtesting._DEFINED_IN.items():
            public = getattr(twistedtesting, name)
            module = importlib.import_module(f"twistedtesting.{where}")
            self.assertIs(public, getattr(module, name))

    def test_pluginImportsNoTwisted(self) -> None:
        """
        Importing the pytest plugin imports no module of Twisted; using one
        public name imports them all, trial among them, and shows each as
        C{twistedtesting.X}.
        """
        completed = runPython(_PROBE)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(
            completed.stdout.splitlines(),
            ["[]", "twistedtesting True", "twistedtesting"],
        )

    def test_unknownName(self) -> None:
        """
        A name the package does not have is an C{AttributeError}.
        """
        error = self.assertRaises(AttributeError, getattr, twistedtesting, "Nope")
        self.assertEqual(str(error), "module 'twistedtesting' has no attribute 'Nope'")
