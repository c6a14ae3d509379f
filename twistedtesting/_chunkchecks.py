# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
Argument checks and defaults shared by the chunked transports and pairs:
each check raises a :class:`TypeError` or :class:`ValueError` that names the
argument.
"""

from __future__ import annotations

from typing import cast

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IReactorTime

from twistedtesting._arrivals import checkBandwidth, checkLatency
from twistedtesting._checks import missingMethods, nonNegativeInt
from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._delays import DelayPolicy, FixedDelay
from twistedtesting._faults import BreakAfter
from twistedtesting._link import Link

TCPAddress = IPv4Address | IPv6Address
"""
The type of the addresses of a TCP transport.
"""

DEFAULT_HIGH_WATER = 65536
"""
The default high-water mark, in bytes: Twisted's own transports pause a
streaming producer when more than this much is waiting to be sent.
"""


def defaultHostAddress() -> IPv4Address:
    """
    The address :meth:`ChunkedTransport.getHost` gives unless told
    otherwise: the same as :class:`twisted.internet.testing.StringTransport`'s.
    """
    return IPv4Address("TCP", "10.0.0.1", 12345)


def defaultPeerAddress() -> IPv4Address:
    """
    The address :meth:`ChunkedTransport.getPeer` gives unless told
    otherwise: the same as :class:`twisted.internet.testing.StringTransport`'s.
    """
    return IPv4Address("TCP", "192.168.1.1", 54321)


def _classGiven(name: str, value: object, what: str) -> None:
    """
    Refuse a class given where an instance is wanted, saying so.
    """
    if isinstance(value, type):
        raise TypeError(
            f"{name} must be {what} instance, not the class {value.__name__}: "
            f"pass {value.__name__}() instead"
        )


def checkProtocol(name: str, value: object) -> None:
    """
    Check that ``value`` is usable as a protocol.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is a class, or lacks a method of ``IProtocol``.
    """
    _classGiven(name, value, "a protocol")
    missing = missingMethods(
        value, ("makeConnection", "dataReceived", "connectionLost")
    )
    if missing:
        raise TypeError(
            f"{name} must be an IProtocol provider (a "
            f"twisted.internet.protocol.Protocol); {value!r} lacks "
            f"{', '.join(missing)}"
        )


def checkChunking(name: str, value: object) -> None:
    """
    Check that ``value`` is a chunking policy.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is not.
    """
    _classGiven(name, value, "a chunking policy")
    if not isinstance(value, ChunkingPolicy):
        raise TypeError(
            f"{name} must be a chunking policy, such as "
            "OneByteChunks() or RandomChunks(1, 16, self.random), not "
            f"{type(value).__name__} {value!r}"
        )


def checkClock(name: str, value: object) -> None:
    """
    Check that ``value`` is ``None`` or provides ``IReactorTime``.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is neither.
    """
    if value is not None and not IReactorTime.providedBy(value):
        raise TypeError(
            f"{name} must provide IReactorTime (such as "
            f"twistedtesting.Clock()), not {type(value).__name__} {value!r}"
        )


def checkDelay(name: str, value: object) -> None:
    """
    Check that ``value`` is ``None`` or a delay policy.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is neither.
    """
    if value is not None and not isinstance(value, DelayPolicy):
        raise TypeError(
            f"{name} must be a delay policy, such as "
            f"FixedDelay(0.1), not {type(value).__name__} {value!r}"
        )


def checkDelayHasClock(name: str, delay: object, clock: object) -> None:
    """
    Check that a delay comes with a clock to wait on.

    :param name: How to name the delay in an error message.
    :raises ValueError: If ``delay`` is given without ``clock``.
    """
    if delay is not None and clock is None:
        raise ValueError(
            f"{name} {delay!r} needs a clock to wait on; pass "
            "clock=twistedtesting.Clock() as well"
        )


def checkFault(name: str, value: object) -> None:
    """
    Check that ``value`` is ``None`` or a :class:`BreakAfter`.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is neither.
    """
    if value is not None and not isinstance(value, BreakAfter):
        raise TypeError(
            f"{name} must be a BreakAfter, not {type(value).__name__} {value!r}"
        )


def checkWaterMark(name: str, value: object) -> int:
    """
    Check that ``value`` is usable as a water mark.

    :param name: How to name the value in an error message.
    :returns: ``value``.
    :raises TypeError: If ``value`` is not an ``int`` (``bool`` is refused).
    :raises ValueError: If ``value`` is negative.
    """
    return nonNegativeInt(name, value, "an int number of bytes")


def checkWaterMarks(function: str, highWater: object, lowWater: object) -> None:
    """
    Check a pair of water marks.

    :param function: How to name the function called, as ``"f()"``.
    :raises TypeError: If a mark is not an ``int``.
    :raises ValueError: If a mark is negative or ``lowWater`` exceeds
        ``highWater``.
    """
    high = checkWaterMark(f"{function} highWater", highWater)
    low = checkWaterMark(f"{function} lowWater", lowWater)
    if low > high:
        raise ValueError(
            f"{function} lowWater ({low}) must not exceed highWater ({high})"
        )


def checkAddress(name: str, value: object) -> None:
    """
    Check that ``value`` is a TCP address.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is not an ``IPv4Address`` or ``IPv6Address``.
    """
    if not isinstance(value, IPv4Address | IPv6Address):
        raise TypeError(
            f"{name} must be an IPv4Address or IPv6Address (such as "
            f"IPv4Address('TCP', '127.0.0.1', 8080)), not {type(value).__name__} "
            f"{value!r}"
        )


def checkLinkTiming(
    function: str,
    prefix: str,
    clock: object,
    latency: object,
    bandwidth: object,
    spacing: object,
) -> None:
    """
    Check the timing arguments of a link: each is of the right type, and
    comes with a clock.

    :param function: How to name the function, as ``"f()"``.
    :param prefix: The prefix of the arguments' names, such as
        ``"toServer"``; the names are then capitalised after it.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If one is out of range or given without a clock.
    """

    def named(argument: str) -> str:
        if not prefix:
            return f"{function} {argument}"
        return f"{function} {prefix}{argument[0].upper()}{argument[1:]}"

    policy = checkLatency(named("latency"), latency)
    rate = checkBandwidth(named("bandwidth"), bandwidth)
    checkDelay(named("spacing"), spacing)
    checkDelayHasClock(
        named("latency"), None if policy == FixedDelay(0) else latency, clock
    )
    checkDelayHasClock(named("bandwidth"), None if rate is None else bandwidth, clock)
    checkDelayHasClock(named("spacing"), spacing, clock)


def standaloneLink(
    name: str,
    protocol: object,
    chunking: object,
    clock: object,
    latency: object,
    bandwidth: object,
    spacing: object,
    fault: object,
) -> Link:
    """
    Check the arguments of a standalone transport that make its inbound
    link, and make the link.

    :param name: How to name the function called, as ``"f()"``.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If one is out of range or needs a clock.
    """
    checkProtocol(f"{name} protocol", protocol)
    checkChunking(f"{name} chunking", chunking)
    checkClock(f"{name} clock", clock)
    checkLinkTiming(name, "", clock, latency, bandwidth, spacing)
    checkFault(f"{name} fault", fault)
    return Link(
        cast(ChunkingPolicy, chunking),
        clock=cast("IReactorTime | None", clock),
        latency=cast("float | DelayPolicy", latency),
        bandwidth=cast("float | None", bandwidth),
        spacing=cast("DelayPolicy | None", spacing),
        fault=cast("BreakAfter | None", fault),
    )


PROTOCOL_ERRORS = ("raise", "close")
"""
What a transport can do with an exception from its protocol's
``dataReceived``: raise it to the caller of the delivery, or log it and
close the connection, as Twisted's reactor does.
"""


def checkProtocolErrors(name: str, value: object) -> None:
    """
    Check a ``protocolErrors`` argument.

    :raises ValueError: If it is not one of :data:`PROTOCOL_ERRORS`.
    """
    if value not in PROTOCOL_ERRORS:
        raise ValueError(
            f"{name} must be 'raise' (the exception propagates to the caller of "
            "the delivery) or 'close' (it is logged and the connection closes, "
            f"as on a real reactor), not {value!r}"
        )
