# -*- test-case-name: twistedtesting.test -*-
"""
Argument checks shared by the modules of twistedtesting: each raises a
:class:`TypeError` or :class:`ValueError` that names the argument.
"""

from __future__ import annotations


def checkNumber(name: str, value: object) -> float:
    """
    Check that ``value`` is a number of seconds: an ``int`` or a ``float``.
    The range each caller allows, and how its message says it, is its own.

    :param name: How to name the value in an error message.
    :returns: ``value`` as a ``float``.
    :raises TypeError: If ``value`` is not an ``int`` or ``float`` (``bool``
        is refused).
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number of seconds, not {type(value).__name__} {value!r}"
        )
    return float(value)


def checkInt(name: str, value: object, kind: str) -> int:
    """
    Check that ``value`` is an ``int``, not a ``bool``.

    :param name: How to name the value in an error message.
    :param kind: What the value must be, as the message says it.
    :returns: ``value``.
    :raises TypeError: If it is not.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be {kind}, not {type(value).__name__} {value!r}")
    return value


def positiveInt(name: str, value: object, kind: str = "an int") -> int:
    """
    Check that ``value`` is an ``int`` of at least 1.

    :param name: How to name the value in an error message.
    :param kind: What the value must be, as the message says it.
    :returns: ``value``.
    :raises TypeError: If ``value`` is not an ``int`` (``bool`` is refused).
    :raises ValueError: If ``value`` is less than 1.
    """
    number = checkInt(name, value, kind)
    if number < 1:
        raise ValueError(f"{name} must be at least 1, got {number}")
    return number


def nonNegativeInt(name: str, value: object, kind: str = "an int") -> int:
    """
    Check that ``value`` is an ``int`` of at least 0.

    :param name: How to name the value in an error message.
    :param kind: What the value must be, as the message says it.
    :returns: ``value``.
    :raises TypeError: If ``value`` is not an ``int`` (``bool`` is refused).
    :raises ValueError: If ``value`` is negative.
    """
    number = checkInt(name, value, kind)
    if number < 0:
        raise ValueError(f"{name} must be >= 0, got {number}")
    return number


def missingMethods(value: object, methods: tuple[str, ...]) -> list[str]:
    """
    The names among ``methods`` that ``value`` has no callable attribute
    of, in their order.
    """
    return [method for method in methods if not callable(getattr(value, method, None))]


def checkRandom(name: str, value: object, *methods: str) -> None:
    """
    Check that ``value`` is usable as a random generator: that it has
    ``methods``, as a :class:`random.Random` does.

    :param name: How to name the value in an error message.
    :param methods: The methods of :class:`random.Random` that are used.
    :raises TypeError: If it lacks one of them.
    """
    if missingMethods(value, methods):
        raise TypeError(
            f"{name} must be a random.Random (such as a test's self.random), "
            f"not {type(value).__name__} {value!r}"
        )
