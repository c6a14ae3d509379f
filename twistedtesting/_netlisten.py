# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`NetPort`: a port a host of a simulated network listens on, as
``listenTCP`` returns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IListeningPort
from twisted.internet.protocol import Factory
from zope.interface import implementer

if TYPE_CHECKING:
    from twistedtesting._hostreactor import HostReactor


@implementer(IListeningPort)
class NetPort:
    """
    A listening port of one host: connection requests to its number are
    accepted, each with a protocol the factory builds.

    :ivar reactor: The host's reactor.
    :ivar port: The port number.
    :ivar factory: The server factory.
    :ivar interface: The address it listens on (``""`` for every one).
    :ivar listening: Whether it accepts connections.
    """

    def __init__(
        self, reactor: HostReactor, port: int, factory: Factory[Any], interface: str
    ) -> None:
        self.reactor = reactor
        self.port = port
        self.factory = factory
        self.interface = interface
        self.listening = False

    def startListening(self) -> None:
        """
        Start accepting connections (``listenTCP`` does it).

        :raises twisted.internet.error.CannotListenError: If the port is
            taken.
        """
        if self.listening:
            return
        self.reactor.bindPort(self)
        self.listening = True
        self.factory.doStart()

    def stopListening(self) -> Deferred[None]:
        """
        Stop accepting connections; those accepted stay open.

        :returns: A Deferred that fires once the port is closed, on the
            host's next turn.
        """
        done: Deferred[None] = Deferred()
        if not self.listening:
            done.callback(None)
            return done
        self.listening = False
        self.reactor.unbindPort(self)

        def closed() -> None:
            self.factory.doStop()
            done.callback(None)

        self.reactor.callLater(0, closed)
        return done

    def getHost(self) -> IPv4Address:
        """
        :returns: The address it listens on.
        """
        return IPv4Address("TCP", self.interface or self.reactor.address, self.port)

    def accepts(self, clientAddress: str) -> bool:
        """
        :returns: Whether it accepts a connection from ``clientAddress``: a
            port on the loopback address takes only its own host's.
        """
        if self.interface.startswith("127."):
            return clientAddress == self.reactor.address
        return True

    def __repr__(self) -> str:
        state = "listening" if self.listening else "closed"
        return f"<NetPort {self.reactor.name}:{self.port} {state} {self.factory!r}>"
