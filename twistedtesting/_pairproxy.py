# -*- test-case-name: twistedtesting.test.test_pairproxy -*-
"""
A :class:`twistedtesting.FaultProxy` between the client and the server of
:func:`twistedtesting.connectedPair`: the option that asks for it
(:class:`ProxyOptions`), and the part of the pair's teardown that stops it
(:class:`ProxyPart`).
"""

from __future__ import annotations

import math
import random
from typing import Any

import attrs
from twisted.internet.address import IPv6Address, UNIXAddress
from twisted.internet.interfaces import IAddress
from twisted.python.failure import Failure

from twistedtesting._checks import checkRandom
from twistedtesting._proxy import FaultProxy
from twistedtesting._proxypolicy import NO_FAULTS, ProxyPolicy


def _policy(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, ProxyPolicy):
        raise TypeError(
            f"ProxyOptions() {attribute.name} must be a ProxyPolicy, not "
            f"{type(value).__name__} {value!r}"
        )


def _rng(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    checkRandom("ProxyOptions() rng", value, "getrandbits")


def _slowClose(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            "ProxyOptions() slowClose must be a number of seconds, not "
            f"{type(value).__name__} {value!r}"
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            "ProxyOptions() slowClose must be a finite number of seconds >= 0, "
            f"got {value!r}"
        )


@attrs.frozen
class ProxyOptions:
    """
    Put a :class:`twistedtesting.FaultProxy` between the client and the
    server of :func:`twistedtesting.connectedPair` (its ``faultProxy``
    argument): the client connects to the proxy, which connects to the
    server's port; the pair's ``proxy`` is the proxy, and its teardown
    waits for every socket of the proxy too.

    :ivar rng: The generator the proxy draws from: the test's
        ``self.random``.
    :ivar toServer: The policy from the client to the server.
    :ivar toClient: The policy from the server to the client.
    :ivar slowClose: Seconds the proxy waits before forwarding a close.
    """

    rng: random.Random = attrs.field(validator=_rng, repr=False, eq=False)
    toServer: ProxyPolicy = attrs.field(default=NO_FAULTS, validator=_policy)
    toClient: ProxyPolicy = attrs.field(default=NO_FAULTS, validator=_policy)
    slowClose: float = attrs.field(default=0, validator=_slowClose)

    def start(self, reactor: Any, target: IAddress) -> FaultProxy:
        """
        Start a proxy to ``target`` (a pair's listening port), listening on
        the same kind of address.
        """
        proxy = FaultProxy(
            target, reactor, self.rng, self.toServer, self.toClient, self.slowClose
        )
        if isinstance(target, UNIXAddress):
            proxy.listen("unix")
        else:
            proxy.listen("tcp6" if isinstance(target, IPv6Address) else "tcp")
        return proxy


@attrs.define(eq=False)
class ProxyPart:
    """
    A fault proxy that a pair's teardown stops, and waits for.

    :ivar label: How errors name it.
    :ivar proxy: The proxy.
    :ivar teardown: The teardown, whose ``partDone`` it calls once the
        proxy has stopped.
    :ivar failure: Why the proxy's teardown failed, if it did.
    """

    label: str
    proxy: FaultProxy
    teardown: Any
    failure: Failure | None = None
    _state: str = "running"

    @property
    def done(self) -> bool:
        """
        Whether the proxy has stopped.
        """
        return self._state == "stopped"

    def start(self) -> None:
        """
        Stop the proxy: its port, and both sockets of every connection.
        """
        if self._state != "running":
            return
        self._state = "stopping"
        self.proxy.stop().addBoth(self._stopped)

    def _stopped(self, result: object) -> None:
        if isinstance(result, Failure):
            self.failure = result
        self._state = "stopped"
        self.teardown.partDone()

    def abort(self) -> None:
        """
        Nothing more to do: stopping a proxy aborts its sockets.
        """

    def problem(self, gracePeriod: float) -> str:
        """
        Say that the proxy has not stopped.
        """
        return (
            f"{self.label} ({self.proxy!r}) had not stopped "
            f"{2 * gracePeriod:g} s after its teardown began"
        )
