# -*- test-case-name: twistedtesting.test.test_attempts -*-
"""
The attempt options that the pytest plugin chose for this process, given as
a function that makes them when they are first needed.

Most pytest runs never need them (no trial test case, no replayed seed,
one seed per test), and making them imports :mod:`twistedtesting._attempts`
and attrs; so the plugin hands over a maker, and
:func:`twistedtesting._attempts.currentOptions` calls it.  This module
imports nothing, so that the plugin can use it at no cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twistedtesting._attempts import AttemptOptions

_makers: list[Callable[[], AttemptOptions]] = []


def useOptionsMaker(maker: Callable[[], AttemptOptions] | None) -> None:
    """
    Make ``maker`` the source of this process's options (the pytest
    plugin's), or with ``None`` have none.

    :param maker: Returns the options; it is called each time they are
        asked for, so it makes them once and then returns the same ones.
    """
    del _makers[:]
    if maker is not None:
        _makers.append(maker)


def pluginOptions() -> AttemptOptions | None:
    """
    The options of the pytest plugin, made now if not yet, or ``None`` when
    the plugin gave none.
    """
    return _makers[-1]() if _makers else None
