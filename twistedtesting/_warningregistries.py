# -*- test-case-name: twistedtesting.test.test_warningregistries -*-
"""
The per-test work of trial's ``SynchronousTestCase.run`` that collects the
warnings a test emits, with its reset of every module's warning registry
done in less time when nothing has changed since the last test.

Before each test, trial sets ``__warningregistry__`` to ``None`` on every
object in :data:`sys.modules`, so that a warning emitted before is emitted
again (and collected) in the test.  It costs a Python ``setattr`` for each
module, a third of a trivial trial test with a few hundred modules loaded,
and after the first test it almost always changes nothing: a
registry that is ``None`` stays ``None`` (the :mod:`warnings` machinery
only makes one for a module that has none), so only code that imports a
module or sets or deletes a registry gives the next test anything to reset.
:class:`RegistryReset` checks for that (a comparison of two lists, and a
read of each module's registry, which costs nearly what trial's write does,
since both mostly wait for memory) and does trial's whole reset when it
finds any.

:func:`knownTrialRun` checks that trial's functions are the ones that the
test cases reproduce; where they are not (another Twisted), the test cases
run trial's own ``run`` and ``_runFixturesAndTest``.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import CodeType, FunctionType, ModuleType
from typing import Any, TypeVar

from twisted.trial import _synctest
from twisted.trial._synctest import _Warning

_T = TypeVar("_T")


def _setToNone(value: object) -> None:
    """
    Set ``value``'s warning registry to ``None`` as trial does, ignoring any
    exception.
    """
    try:  # noqa: SIM105 (contextlib.suppress costs more, once a test)
        value.__warningregistry__ = None  # type: ignore[attr-defined]
    except BaseException:
        # As trial: whatever an odd object raises for the setattr.
        pass


class RegistryReset:
    """
    Sets ``__warningregistry__`` to ``None`` on every object in a dictionary
    of modules (:data:`sys.modules`), as trial does before each test
    (``twisted.trial._synctest._setWarningRegistryToNone``), but without
    setting it again on the plain modules that already have it ``None``.

    It remembers the objects of the last whole reset, and the namespace of
    each of them that is a plain :class:`types.ModuleType` (whose
    ``setattr`` only stores in its namespace, so setting ``None`` where
    ``None`` is stored changes nothing).  A call whose dictionary holds the
    same objects, in the same order, each namespace still holding ``None``,
    only sets the registry of the other objects (module subclasses, module
    proxies: their ``setattr`` may do anything, so it runs every time, as
    under trial).  Any other call does trial's whole reset, on every
    object, and remembers them.

    Where this differs from trial's reset, each time for the sake of a check
    that costs a small part of trial's ``setattr`` on every module:

    - The objects are compared as lists are: by position, by identity, and
      with ``==`` only where two are not the same object, so an entry's
      ``__eq__`` may be called, which trial never does.  An object put at
      the position of another that says it equals it (a proxy of a module,
      or a module whose class was changed to one with its own ``__eq__``)
      is not given its own ``setattr``, and may hide a module put in its
      place.  (When an object of the last whole reset that is not a plain
      module has an ``__eq__`` of its own, every call does the whole
      reset.)
    - A plain module whose class is changed to a subclass after a whole
      reset is not given its ``setattr`` until the next whole reset.
    - The objects of the last whole reset are kept, so a module removed
      from the dictionary stays alive until the next call, the start of the
      next test (a test that removes a module imported before it and checks
      that the module is gone, with a weak reference, sees it alive).
    """

    def __init__(self) -> None:
        # The objects of the last whole reset, in order, when they can be
        # told from others by comparing lists (else nothing); the namespaces
        # of the plain modules among them; the other objects (not None).
        self._seen: list[object] | None = None
        self._namespaces: list[dict[str, Any]] = []
        self._others: list[object] = []

    def __call__(self, modules: Mapping[str, object]) -> None:
        """
        Set the warning registry of every object in ``modules`` (except
        ``None``) to ``None``.

        :param modules: A dictionary of modules, such as :data:`sys.modules`.
        """
        values = list(modules.values())
        try:
            same = values == self._seen
        except BaseException:
            # An object's __eq__ raised; trial's reset compares nothing.
            same = False
        if same:
            # A subscript with a literal key: the quickest read, where a
            # call of get() costs over twice as many instructions a module.
            try:
                changed: list[object] = [
                    namespace
                    for namespace in self._namespaces
                    if namespace["__warningregistry__"] is not None
                ]
            except KeyError:
                # A module's registry was deleted.
                changed = [True]
            if not changed:
                for other in self._others:
                    _setToNone(other)
                return
        self._wholeReset(values)

    def _wholeReset(self, values: list[object]) -> None:
        """
        Reset every registry, as trial does, and remember ``values``.
        """
        namespaces: list[dict[str, Any]] = []
        others: list[object] = []
        for value in values:
            if value is None:
                continue
            _setToNone(value)
            if type(value) is ModuleType:
                namespaces.append(vars(value))
            else:
                others.append(value)
        # An object of its own equality could say that it equals another
        # put in its place: then the lists cannot tell.
        ownEquality = [o for o in others if type(o).__eq__ is not object.__eq__]
        self._seen = None if ownEquality else values
        self._namespaces = namespaces
        self._others = others


def collectWarnings(
    resetRegistries: Callable[[Mapping[str, object]], None],
    observeWarning: Callable[[_Warning], object],
    f: Callable[..., _T],
    *args: object,
) -> _T:
    """
    Call ``f(*args)`` and pass each warning it emits to ``observeWarning``,
    as trial's ``_collectWarnings`` does, with its reset of the modules'
    warning registries done by ``resetRegistries``.

    :param resetRegistries: Sets every module's ``__warningregistry__`` to
        ``None``: a :class:`RegistryReset`.
    :param observeWarning: Called with each warning, as a trial
        ``_Warning``.
    :returns: What ``f`` returns.
    """

    def showWarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: object = None,
    ) -> None:
        assert isinstance(message, Warning)
        observeWarning(_Warning(str(message), category, filename, lineno))

    resetRegistries(sys.modules)
    origFilters = warnings.filters[:]
    origShow = warnings.showwarning
    warnings.simplefilter("always")
    try:
        warnings.showwarning = showWarning
        result = f(*args)
    finally:
        warnings.filters[:] = origFilters  # type: ignore[index]
        warnings.showwarning = origShow
    return result


# The global and attribute names that the code of trial's functions uses,
# with the functions defined in it, in order, in the Twisted versions whose
# SynchronousTestCase.run this package reproduces (24.3 to 26.10).
_KNOWN_NAMES = {
    "run": [
        "log",
        "msg",
        "id",
        "itrial",
        "IReporter",
        "PyUnitResultAdapter",
        "startTest",
        "getSkip",
        "addSkip",
        "stopTest",
        "_passed",
        "_warnings",
        "_installObserver",
        "_collectWarnings",
        "append",
        "_runFixturesAndTest",
        "flushWarnings",
        "warnings",
        "warn_explicit",
        "BaseException",
        "addError",
        "failure",
        "Failure",
    ],
    "_collectWarnings": [
        "_setWarningRegistryToNone",
        "sys",
        "modules",
        "warnings",
        "filters",
        "showwarning",
        "simplefilter",
        "isinstance",
        "Warning",
        "_Warning",
        "str",
    ],
    "_runFixturesAndTest": [
        "_getSuppress",
        "_run",
        "setUp",
        "_runCleanups",
        "getTodo",
        "getattr",
        "_testMethodName",
        "addUnexpectedSuccess",
        "tearDown",
        "_observer",
        "getErrors",
        "addError",
        "flushErrors",
        "_removeObserver",
        "addSuccess",
    ],
    "_setWarningRegistryToNone": [
        "list",
        "values",
        "__warningregistry__",
        "BaseException",
    ],
}


def codeNames(code: CodeType) -> list[str]:
    """
    The global and attribute names that ``code`` and the functions defined
    in it use, in order.
    """
    names = list(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names.extend(codeNames(constant))
    return names


def knownTrialRun(
    functions: Iterable[tuple[str, object]] = (
        ("run", _synctest.SynchronousTestCase.run),
        ("_collectWarnings", _synctest._collectWarnings),
        ("_runFixturesAndTest", _synctest.SynchronousTestCase._runFixturesAndTest),
        ("_setWarningRegistryToNone", _synctest._setWarningRegistryToNone),
    ),
) -> bool:
    """
    Whether trial's ``SynchronousTestCase.run``, the functions it runs to
    collect warnings, and its ``_runFixturesAndTest``, use exactly the names
    they use in the Twisted versions whose code the test cases reproduce: a
    check that they still do what is reproduced, since a change to what
    they do changes what they call.

    :param functions: Each function's name in ``twisted.trial._synctest``
        and the function found there.
    """
    for name, function in functions:
        if not isinstance(function, FunctionType):
            return False
        if codeNames(function.__code__) != _KNOWN_NAMES.get(name):
            return False
    return True
