# -*- test-case-name: twistedtesting.test.test_warningregistries -*-
"""
Tests for L{twistedtesting._warningregistries}: trial's reset of the
modules' warning registries before each test, done only where it changes
something, and the check that trial's code is the code reproduced.
"""

from __future__ import annotations

import sys
import warnings
from types import ModuleType

from twisted.trial import _synctest
from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._warningregistries import (
    RegistryReset,
    codeNames,
    collectWarnings,
    knownTrialRun,
)


class Recorder:
    """
    An object in a dictionary of modules that is not a module: it records
    every attribute set on it.

    :ivar sets: The names and values set, in order.
    """

    sets: list[tuple[str, object]]

    def __init__(self) -> None:
        object.__setattr__(self, "sets", [])

    def __setattr__(self, name: str, value: object) -> None:
        self.sets.append((name, value))


class Refuser:
    """
    An object whose C{setattr} raises a C{BaseException} that is not an
    C{Exception}, which trial's reset disregards.
    """

    def __setattr__(self, name: str, value: object) -> None:
        raise KeyboardInterrupt(name)


class RecordingModule(ModuleType):
    """
    A module subclass (as lazy or deprecating modules are) that records
    every attribute set on it.

    :ivar sets: The names and values set, in order.
    """

    sets: list[tuple[str, object]]

    def __setattr__(self, name: str, value: object) -> None:
        vars(self).setdefault("sets", []).append((name, value))
        super().__setattr__(name, value)


def registry(module: object) -> object:
    """
    The warning registry in C{module}'s namespace, or C{"missing"}.
    """
    return vars(module).get("__warningregistry__", "missing")


class RegistryResetTests(SynchronousTestCase):
    """
    L{RegistryReset} leaves every registry as trial's reset does.
    """

    def setUp(self) -> None:
        self.first = ModuleType("first")
        self.second = ModuleType("second")
        self.second.__warningregistry__ = {"version": 1}  # type: ignore[attr-defined]
        self.modules: dict[str, object] = {
            "first": self.first,
            "blocked": None,
            "second": self.second,
        }
        self.reset = RegistryReset()

    def assertAllNone(self) -> None:
        """
        Check that every module in C{self.modules} has a registry of
        C{None}.
        """
        for value in self.modules.values():
            if type(value) is ModuleType:
                self.assertIs(registry(value), None)

    def test_resetsEveryModule(self) -> None:
        """
        The first call sets the registry of every module to C{None}, whether
        it had none or a dictionary, and passes over C{None} entries.
        """
        self.assertEqual(registry(self.first), "missing")
        self.reset(self.modules)
        self.assertIs(registry(self.first), None)
        self.assertIs(registry(self.second), None)

    def test_changedRegistry(self) -> None:
        """
        A registry that became a dictionary after a reset, or was deleted,
        is reset by the next call.
        """
        self.reset(self.modules)
        self.first.__warningregistry__ = {}  # type: ignore[attr-defined]
        self.reset(self.modules)
        self.assertAllNone()
        del self.second.__warningregistry__
        self.reset(self.modules)
        self.assertAllNone()

    def test_registryMadeByAWarning(self) -> None:
        """
        A registry that the warning machinery made for a module whose own
        was deleted is reset by the next call.
        """
        self.reset(self.modules)
        del self.first.__warningregistry__
        with warnings.catch_warnings(record=True) as shown:
            warnings.simplefilter("default")
            # Code whose globals are the module's namespace warns.
            exec("import warnings; warnings.warn('again')", vars(self.first))
        self.assertEqual([str(w.message) for w in shown], ["again"])
        self.assertIsInstance(registry(self.first), dict)
        self.reset(self.modules)
        self.assertAllNone()

    def test_newModule(self) -> None:
        """
        A module added after a reset is reset by the next call.
        """
        self.reset(self.modules)
        third = ModuleType("third")
        self.modules["third"] = third
        self.reset(self.modules)
        self.assertIs(registry(third), None)

    def test_replacedModule(self) -> None:
        """
        A module put in the place of another, the dictionary keeping its
        size and order, is reset by the next call.
        """
        self.reset(self.modules)
        replacement = ModuleType("first")
        replacement.__warningregistry__ = {}  # type: ignore[attr-defined]
        self.modules["first"] = replacement
        self.reset(self.modules)
        self.assertIs(registry(replacement), None)

    def test_replacedByOther(self) -> None:
        """
        An object that is not a plain module, put in the place of a module,
        has its registry set by the next call, and by every call after.
        """
        self.reset(self.modules)
        other = Recorder()
        self.modules["first"] = other
        self.reset(self.modules)
        self.reset(self.modules)
        self.assertEqual(other.sets, [("__warningregistry__", None)] * 2)

    def test_othersEveryCall(self) -> None:
        """
        Objects that are not plain modules (module subclasses included) have
        their registry set on every call, as trial sets it, since their
        C{setattr} may do anything; a plain module's registry that is
        already C{None} is not set again.
        """
        other = Recorder()
        subclassed = RecordingModule("subclassed")
        self.modules.update(other=other, subclassed=subclassed)
        for _ in range(3):
            self.reset(self.modules)
        expected = [("__warningregistry__", None)] * 3
        self.assertEqual(other.sets, expected)
        self.assertEqual(subclassed.sets, expected)
        self.assertIs(registry(subclassed), None)

    def test_errorsDisregarded(self) -> None:
        """
        An object whose C{setattr} raises, even a C{BaseException}, is
        passed over on every call, and the objects after it are still reset.
        """
        after = Recorder()
        self.modules.update(refuser=Refuser(), after=after)
        self.reset(self.modules)
        self.reset(self.modules)
        self.assertEqual(after.sets, [("__warningregistry__", None)] * 2)

    def test_seriesOfChanges(self) -> None:
        """
        After each of a series of changes (none, a registry filled in, a
        module added, a module removed), every module in the dictionary has
        a registry of C{None}, and a module removed from it is left alone,
        as trial's reset leaves it.
        """
        modules = self.modules
        self.reset(modules)
        for change in range(4):
            if change == 1:
                self.first.__warningregistry__ = {"a": 1}  # type: ignore[attr-defined]
            elif change == 2:
                modules["extra"] = ModuleType("extra")
            elif change == 3:
                del modules["second"]
                self.second.__warningregistry__ = {}  # type: ignore[attr-defined]
            self.reset(modules)
            self.assertEqual(
                {registry(v) for v in modules.values() if v is not None}, {None}
            )
        self.assertEqual(registry(self.second), {})


class AlwaysEqual:
    """
    An object that says it equals anything.
    """

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


class RaisingEqual(Recorder):
    """
    A L{Recorder} whose C{__eq__} raises.
    """

    def __eq__(self, other: object) -> bool:
        raise ZeroDivisionError("no comparing")

    __hash__ = object.__hash__


class RegistryResetEqualityTests(SynchronousTestCase):
    """
    L{RegistryReset} compares the objects of the dictionary with those of
    the last whole reset without trusting or being stopped by their own
    equality.
    """

    def test_equalityRaises(self) -> None:
        """
        An object whose C{__eq__} raises, put in place of a module, has its
        registry set, and the reset does not raise.
        """
        module = ModuleType("first")
        modules: dict[str, object] = {"first": module}
        reset = RegistryReset()
        reset(modules)
        raiser = RaisingEqual()
        modules["first"] = raiser
        reset(modules)
        self.assertEqual(raiser.sets, [("__warningregistry__", None)])

    def test_ownEqualityNotTrusted(self) -> None:
        """
        When an object of the last whole reset says it equals anything, a
        module put in its place is still reset.
        """
        modules: dict[str, object] = {"equal": AlwaysEqual()}
        reset = RegistryReset()
        reset(modules)
        module = ModuleType("replacement")
        module.__warningregistry__ = {"version": 1}  # type: ignore[attr-defined]
        modules["equal"] = module
        reset(modules)
        self.assertIs(registry(module), None)


class CollectWarningsTests(SynchronousTestCase):
    """
    L{collectWarnings} collects warnings as trial's C{_collectWarnings}
    does.
    """

    def test_collects(self) -> None:
        """
        Each warning that the function emits is passed to the observer as a
        trial C{_Warning}, the function's result is returned, the registries
        are reset first, and the warning filters and C{showwarning} are put
        back afterwards.
        """
        seen: list[_synctest._Warning] = []
        resets: list[object] = []
        order: list[str] = []
        filters = warnings.filters[:]
        show = warnings.showwarning

        def emit(text: str) -> int:
            order.append("call")
            warnings.warn(text, DeprecationWarning, stacklevel=1)
            warnings.warn(text, DeprecationWarning, stacklevel=1)
            return 7

        def reset(modules: object) -> None:
            resets.append(modules)
            order.append("reset")

        result = collectWarnings(reset, seen.append, emit, "gone")
        self.assertEqual(result, 7)
        self.assertEqual(resets, [sys.modules])
        self.assertEqual(order, ["reset", "call"])
        self.assertEqual(
            [(w.message, w.category, w.filename) for w in seen],
            [("gone", DeprecationWarning, __file__.replace(".pyc", ".py"))] * 2,
        )
        self.assertEqual(warnings.filters, filters)
        self.assertIs(warnings.showwarning, show)

    def test_restoresOnError(self) -> None:
        """
        The warning filters and C{showwarning} are put back when the
        function raises, and the exception propagates.
        """
        filters = warnings.filters[:]
        show = warnings.showwarning

        def fail() -> None:
            raise ZeroDivisionError()

        self.assertRaises(
            ZeroDivisionError, collectWarnings, lambda m: None, print, fail
        )
        self.assertEqual(warnings.filters, filters)
        self.assertIs(warnings.showwarning, show)


class KnownTrialRunTests(SynchronousTestCase):
    """
    L{knownTrialRun} recognises the trial code that the test cases
    reproduce, and nothing else.
    """

    def test_installedTrial(self) -> None:
        """
        The installed Twisted's trial (CI runs the newest and the oldest
        supported) is the trial reproduced.  If this fails after a Twisted
        release, compare its C{SynchronousTestCase.run} with
        C{twistedtesting.SynchronousTestCase._runAsTrial}.
        """
        self.assertTrue(knownTrialRun())

    def test_otherCode(self) -> None:
        """
        A function that uses other names, an object that is not a function,
        and a name not known, are each not recognised.
        """

        def run(self: object, result: object) -> None:
            result.startTest(self)  # type: ignore[attr-defined]

        real = _synctest.SynchronousTestCase.run
        reset = _synctest._setWarningRegistryToNone
        self.assertFalse(knownTrialRun([("run", run)]))
        self.assertFalse(knownTrialRun([("run", print)]))
        self.assertFalse(knownTrialRun([("_setWarningRegistryToNone", real)]))
        self.assertFalse(knownTrialRun([("other", reset)]))
        self.assertTrue(knownTrialRun([("_setWarningRegistryToNone", reset)]))

    def test_nestedNames(self) -> None:
        """
        L{codeNames} gives the names that a function's code uses, then
        those of the functions defined in it.
        """

        def outer() -> object:
            def inner() -> object:
                return sys.modules

            return warnings.filters, inner

        self.assertEqual(
            codeNames(outer.__code__), ["warnings", "filters", "sys", "modules"]
        )
