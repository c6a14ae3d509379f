# -*- test-case-name: twistedtesting.test.test_pairoptions -*-
"""
The arguments of :func:`twistedtesting.connectedPair`: their types, their
checks and their defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol, TypedDict, TypeVar, Union, cast

import attrs
from twisted.internet.interfaces import (
    IAddress,
    IOpenSSLClientConnectionCreator,
    IOpenSSLContextFactory,
    IOpenSSLServerConnectionCreator,
    IProtocol,
    IProtocolFactory,
    IReactorTCP,
    IReactorTime,
    IReactorUNIX,
    IStreamClientEndpoint,
    IStreamServerEndpoint,
)
from zope.interface.interface import InterfaceClass

from twistedtesting._pairproxy import ProxyOptions
from twistedtesting._teardown import DEFAULT_GRACE_PERIOD, checkGracePeriod

ServerProtocolT = TypeVar("ServerProtocolT")
ClientProtocolT = TypeVar("ClientProtocolT")
_P_co = TypeVar("_P_co", covariant=True)

TRANSPORTS = ("tcp", "tcp6", "unix")

# The types of connectedPair()'s arguments, shared with
# TestCase.connectedPair().  Union, not |: zope.interface before 6 has no |
# for interfaces, and Sphinx evaluates these.
TransportName = Literal["tcp", "tcp6", "unix"]
ServerTLSOptions = Union[IOpenSSLServerConnectionCreator, IOpenSSLContextFactory]  # noqa: UP007
ClientTLSOptions = Union[IOpenSSLClientConnectionCreator, IOpenSSLContextFactory]  # noqa: UP007
ClientEndpointFactory = Callable[[IAddress], IStreamClientEndpoint]


class ProtocolFactoryOf(Protocol[_P_co]):
    """
    The type of a protocol factory whose ``buildProtocol`` builds protocols
    of a given type, for type checkers: ``ProtocolFactoryOf[Echo]``.

    :func:`twistedtesting.connectedPair` takes its factories as these, so
    that the :class:`twistedtesting.ConnectedPair` it gives knows the types
    of its protocols: with ``Factory.forProtocol(Echo)`` (a
    ``Factory[Echo]``), ``pair.serverProtocol`` is an ``Echo``.  Any
    :class:`~twisted.internet.interfaces.IProtocolFactory` is one.
    """

    def buildProtocol(self, addr: Any, /) -> _P_co | None:
        """
        Build a protocol for a connection from or to ``addr``.
        """

    def doStart(self) -> None:
        """
        Note that a port or connector started using the factory.
        """

    def doStop(self) -> None:
        """
        Note that a port or connector stopped using the factory.
        """


class PairKeywords(TypedDict, total=False):
    """
    The keyword arguments of :func:`twistedtesting.connectedPair`, which
    :meth:`twistedtesting.TestCase.connectedPair` passes on: see there.
    """

    transport: TransportName | None
    serverTLS: ServerTLSOptions | None
    clientTLS: ClientTLSOptions | None
    serverEndpoint: IStreamServerEndpoint | None
    clientEndpoint: ClientEndpointFactory | None
    reactor: IReactorTCP | None
    clock: IReactorTime | None
    gracePeriod: float
    faultProxy: ProxyOptions | None


KEYWORDS = frozenset(PairKeywords.__annotations__)


def checkKeywords(function: str, keywords: dict[str, object]) -> None:
    """
    Check that ``keywords`` are all keyword arguments of
    :func:`twistedtesting.connectedPair`.

    :param function: How to name the function called in an error message.
    :raises TypeError: Naming the first unknown one, as Python does.
    """
    for name in keywords:
        if name not in KEYWORDS:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")


@attrs.define(eq=False)
class PairOptions:
    """
    The checked arguments of one :func:`connectedPair` call.
    """

    serverFactory: IProtocolFactory
    clientFactory: IProtocolFactory
    transport: str
    reactor: Any
    clock: IReactorTime
    gracePeriod: float
    serverEndpoint: IStreamServerEndpoint | None
    clientEndpoint: ClientEndpointFactory | None
    serverTLS: ServerTLSOptions | None
    clientTLS: ClientTLSOptions | None
    faultProxy: ProxyOptions | None = None


def _checkTLS(value: object, name: str, creator: InterfaceClass, example: str) -> None:
    """
    Check that the TLS option ``name``, unless ``None``, provides the
    connection creator interface ``creator`` or ``IOpenSSLContextFactory``.

    :param example: A call that makes such an object, for the message.
    :raises TypeError: If it provides neither.
    """
    if value is not None and not (
        creator.providedBy(value) or IOpenSSLContextFactory.providedBy(value)
    ):
        raise TypeError(
            f"{name} must provide {creator.__name__} or IOpenSSLContextFactory "
            f"(such as {example}), not {value!r}"
        )


def checkOptions(
    serverFactory: object,
    clientFactory: object,
    *,
    transport: object = None,
    serverTLS: object = None,
    clientTLS: object = None,
    serverEndpoint: object = None,
    clientEndpoint: object = None,
    reactor: object = None,
    clock: object = None,
    gracePeriod: object = DEFAULT_GRACE_PERIOD,
    faultProxy: object = None,
) -> PairOptions:
    """
    Check the arguments of :func:`connectedPair`, and fill in the defaults.
    """
    checkFactory(serverFactory, "serverFactory")
    checkFactory(clientFactory, "clientFactory")
    grace = checkGracePeriod(gracePeriod)
    if transport is not None and not isinstance(transport, str):
        raise TypeError(
            f"transport must be a string, one of {', '.join(map(repr, TRANSPORTS))}, "
            f"not {type(transport).__name__} {transport!r}"
        )
    if transport is not None and transport not in TRANSPORTS:
        raise ValueError(
            f"transport must be one of {', '.join(map(repr, TRANSPORTS))}, "
            f"not {transport!r}"
        )
    if serverEndpoint is not None:
        if transport is not None:
            raise ValueError(
                "give transport or serverEndpoint, not both: serverEndpoint "
                "decides the transport"
            )
        if not IStreamServerEndpoint.providedBy(serverEndpoint):
            raise TypeError(
                "serverEndpoint must provide IStreamServerEndpoint, not "
                f"{serverEndpoint!r}"
            )
    if clientEndpoint is not None and not callable(clientEndpoint):
        raise TypeError(
            "clientEndpoint must be a callable that takes the listening "
            f"port's address and returns an endpoint, not {clientEndpoint!r}"
        )
    if (serverTLS is None) != (clientTLS is None):
        raise ValueError(
            "give both serverTLS and clientTLS, or neither: "
            f"serverTLS is {serverTLS!r}, clientTLS is {clientTLS!r}"
        )
    _checkTLS(
        serverTLS,
        "serverTLS",
        IOpenSSLServerConnectionCreator,
        "PrivateCertificate.options()",
    )
    _checkTLS(
        clientTLS, "clientTLS", IOpenSSLClientConnectionCreator, "optionsForClientTLS()"
    )
    if reactor is None:
        from twisted.internet import reactor as globalReactor

        reactor = globalReactor
    if not IReactorTime.providedBy(reactor):
        raise TypeError(f"reactor must provide IReactorTime: {reactor!r}")
    if serverEndpoint is None:
        needed = IReactorUNIX if transport == "unix" else IReactorTCP
        if not needed.providedBy(reactor):
            raise TypeError(f"reactor must provide {needed.__name__}: {reactor!r}")
    if clock is None:
        clock = reactor
    elif not IReactorTime.providedBy(clock):
        raise TypeError(f"clock must provide IReactorTime, not {clock!r}")
    if faultProxy is not None and not isinstance(faultProxy, ProxyOptions):
        raise TypeError(
            "faultProxy must be a ProxyOptions (such as "
            "ProxyOptions(self.random, toServer=ProxyPolicy(latency=0.01))) or "
            f"None, not {type(faultProxy).__name__} {faultProxy!r}"
        )
    return PairOptions(
        serverFactory,  # type: ignore[arg-type]
        clientFactory,  # type: ignore[arg-type]
        "tcp" if transport is None else transport,
        reactor,
        clock,
        grace,
        serverEndpoint,
        clientEndpoint,
        # Checked by _checkTLS.
        cast("ServerTLSOptions | None", serverTLS),
        cast("ClientTLSOptions | None", clientTLS),
        faultProxy,
    )


def checkFactory(value: object, name: str) -> None:
    """
    Check that ``value`` is a protocol factory.

    :param value: The candidate.
    :param name: How to name the value in an error message.
    :raises TypeError: If it is not; the message says what to pass instead
        when ``value`` is a protocol or a factory class.
    """
    if IProtocolFactory.providedBy(value):
        return
    hint = ""
    if isinstance(value, type):
        if IProtocol.implementedBy(value):
            hint = (
                f"; {value.__qualname__} is a protocol class: pass "
                f"Factory.forProtocol({value.__qualname__})"
            )
        elif IProtocolFactory.implementedBy(value):
            hint = f"; {value.__qualname__} is a factory class: pass an instance of it"
    elif IProtocol.providedBy(value):
        hint = "; it is a protocol: pass the factory that builds it"
    raise TypeError(
        f"{name} must provide IProtocolFactory (a "
        f"twisted.internet.protocol.Factory, for instance), not {value!r}{hint}"
    )
