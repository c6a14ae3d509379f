# -*- test-case-name: examples.lockservice.test_lockservice -*-
"""
A replicated lock service: each node keeps a table of locks; a node asked
for a lock over HTTP asks every node for its vote, and grants the lock once
a majority said yes.

It is the story of the seed text "Asynchronous testing with Twisted": a
distributed, fault-tolerant lock service whose nodes talk over TCP with a
text protocol and serve an HTTP API.  ``naive=True`` gives the first
version, with the bug that a seed found (see ``docs/network.rst``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import attrs
from twisted.application.internet import ClientService
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import HostnameEndpoint, TCP4ServerEndpoint
from twisted.internet.interfaces import IDelayedCall, IReactorTCP, IReactorTime
from twisted.internet.protocol import Factory
from twisted.protocols.basic import LineReceiver
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site

PEER_PORT = 7000
HTTP_PORT = 8080
VOTE_TIMEOUT = 1.0
"""
Seconds a node waits for votes before it answers "no quorum".
"""


@attrs.define
class Ballot:
    """
    One request for a lock, waiting for votes.
    """

    name: str
    owner: str
    yes: set[str]
    no: set[str]
    answer: Deferred[str]
    timeout: IDelayedCall | None = None


class PeerProtocol(LineReceiver):
    """
    The nodes' text protocol, on both ends of a connection:

    - ``LOCK <id> <name> <owner>``: asks for a vote; answered
      ``VOTE <id> YES`` or ``VOTE <id> NO``;
    - ``UNLOCK <name> <owner>``: gives up ``owner``'s hold on ``name``.
    """

    delimiter = b"\n"

    def __init__(self, node: Node, peer: str | None) -> None:
        self.node = node
        self.peer = peer

    def connectionMade(self) -> None:
        if self.peer is not None:
            self.node.connections[self.peer] = self

    def connectionLost(self, reason: Failure = Failure(Exception())) -> None:  # noqa: B008
        if self.peer is not None and self.node.connections.get(self.peer) is self:
            del self.node.connections[self.peer]

    def lineReceived(self, line: bytes) -> None:
        words = line.decode("ascii").split()
        if words[0] == "LOCK":
            ballot, name, owner = words[1:]
            vote = "YES" if self.node.table.vote(name, owner) else "NO"
            self.sendLine(f"VOTE {ballot} {vote} {self.node.name}".encode("ascii"))
        elif words[0] == "UNLOCK":
            self.node.table.release(words[1], words[2] if len(words) > 2 else None)
        elif words[0] == "VOTE":
            self.node.voted(int(words[1]), words[3], words[2] == "YES")


class LockTable:
    """
    One node's locks: who holds each.
    """

    def __init__(self) -> None:
        self.holders: dict[str, str] = {}

    def vote(self, name: str, owner: str) -> bool:
        """
        Say yes to ``owner`` (and hold ``name`` for it) if nobody else holds
        it.
        """
        holder = self.holders.setdefault(name, owner)
        return holder == owner

    def release(self, name: str, owner: str | None) -> None:
        """
        Give up ``owner``'s hold on ``name`` (anyone's, if ``owner`` is
        ``None``: the naive version's release).
        """
        if owner is None or self.holders.get(name) == owner:
            self.holders.pop(name, None)


class Node:
    """
    One node of the lock service.

    :ivar reactor: What it runs on: a host's reactor on a simulated
        network, or Twisted's own.
    :ivar name: The node's host name.
    :ivar peers: The other nodes' host names.
    :ivar naive: Whether it releases a lost ballot's votes naively.
    """

    def __init__(
        self, reactor: IReactorTCP, name: str, peers: Sequence[str], naive: bool = False
    ) -> None:
        self.reactor = reactor
        self.clock = IReactorTime(reactor)
        self.name = name
        self.peers = [peer for peer in peers if peer != name]
        self.naive = naive
        self.table = LockTable()
        self.connections: dict[str, PeerProtocol] = {}
        self.ballots: dict[int, Ballot] = {}
        self._ids = itertools.count()
        self.quorum = (len(self.peers) + 1) // 2 + 1

    def start(self) -> None:
        """
        Listen for peers and HTTP clients, and connect to every peer.
        """
        reactor = self.reactor
        TCP4ServerEndpoint(reactor, PEER_PORT).listen(
            Factory.forProtocol(lambda: PeerProtocol(self, None))
        )
        TCP4ServerEndpoint(reactor, HTTP_PORT).listen(
            Site(LockResource(self), reactor=reactor)
        )
        for peer in self.peers:
            endpoint = HostnameEndpoint(reactor, peer.encode("ascii"), PEER_PORT)
            factory = Factory.forProtocol(functools.partial(PeerProtocol, self, peer))
            ClientService(endpoint, factory, clock=self.clock).startService()

    def acquire(self, name: str, owner: str) -> Deferred[str]:
        """
        Ask every node for ``name`` on behalf of ``owner``.

        :returns: A Deferred that fires with ``"granted"``, ``"refused"`` or
            ``"no quorum"``.
        """
        ballotId = next(self._ids)
        mine = self.table.vote(name, owner)
        ballot = Ballot(
            name,
            owner,
            {self.name} if mine else set(),
            set() if mine else {self.name},
            Deferred(),
        )
        self.ballots[ballotId] = ballot
        for connection in self.connections.values():
            connection.sendLine(f"LOCK {ballotId} {name} {owner}".encode("ascii"))
        ballot.timeout = self.clock.callLater(
            VOTE_TIMEOUT, self._decide, ballotId, True
        )
        self._decide(ballotId, False)
        return ballot.answer

    def voted(self, ballotId: int, voter: str, yes: bool) -> None:
        """
        A vote came in.
        """
        ballot = self.ballots.get(ballotId)
        if ballot is None:
            # A late vote: the ballot is decided (and, if lost, released).
            return
        (ballot.yes if yes else ballot.no).add(voter)
        self._decide(ballotId, False)

    def _decide(self, ballotId: int, timedOut: bool) -> None:
        ballot = self.ballots[ballotId]
        if len(ballot.yes) >= self.quorum:
            outcome = "granted"
        elif len(ballot.no) > len(self.peers) + 1 - self.quorum:
            outcome = "refused"
        elif timedOut:
            outcome = "no quorum"
        else:
            return
        del self.ballots[ballotId]
        if ballot.timeout is not None and ballot.timeout.active():
            ballot.timeout.cancel()
        if outcome != "granted":
            self._giveBack(ballot)
        ballot.answer.callback(outcome)

    def _giveBack(self, ballot: Ballot) -> None:
        """
        A ballot lost: release the holds it won, here and on every peer
        (a peer that voted no holds the lock for someone else, and keeps
        it).
        """
        if self.naive:
            # The first version forgot whose hold it releases here.
            self.table.release(ballot.name, None)
        else:
            self.table.release(ballot.name, ballot.owner)
        for connection in self.connections.values():
            connection.sendLine(f"UNLOCK {ballot.name} {ballot.owner}".encode("ascii"))


class LockResource(Resource):
    """
    The HTTP API: ``POST /<name>?owner=<owner>`` asks for a lock, and is
    answered 200 (granted), 409 (refused: someone holds it) or 503 (no
    quorum: too few nodes answered).
    """

    isLeaf = True

    def __init__(self, node: Node) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.node = node

    def render_POST(self, request: Request) -> int:
        name = (request.postpath or [b""])[0].decode("ascii")
        owner = request.args.get(b"owner", [b""])[0].decode("ascii")
        codes = {"granted": 200, "refused": 409, "no quorum": 503}

        def answer(outcome: str) -> None:
            request.setResponseCode(codes[outcome])
            request.write(outcome.encode("ascii"))
            request.finish()

        self.node.acquire(name, owner).addCallback(answer)
        return NOT_DONE_YET
