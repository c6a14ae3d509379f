# -*- test-case-name: twistedtesting.test.test_conformance -*-
"""
A conformance suite for in-memory transport pairs: the behaviour of a TCP
connection that every fake connecting two protocols should show, as a mixin
for a test case, which users run against their own fakes (as trio's
C{check_two_way_stream} checks streams).  The checks are in
C{_deliverychecks} and C{_closechecks}.
"""

from __future__ import annotations

from twistedtesting._closechecks import ClosingChecks
from twistedtesting._deliverychecks import DeliveryChecks


class TransportPairTestsMixin(DeliveryChecks, ClosingChecks):
    """
    The behaviour of a TCP connection that an in-memory pair of transports
    should show, as checks to mix into a test case: the conformance suite
    that twistedtesting's own transports pass, for checking your own fakes.

    Mix it into a :class:`twistedtesting.SynchronousTestCase` (or any
    :class:`unittest.TestCase`) and implement :meth:`connectPair`::

        class MyFakeTests(TransportPairTestsMixin, SynchronousTestCase):
            def connectPair(self, server, client):
                return MyFake(server, client).flush

    Each check connects two protocols of its own with :meth:`connectPair`,
    has them write, close, abort or pause, calls the returned pump, and
    asserts what a TCP connection between them would give:

    * every byte once and in order, in non-empty chunks, never delivered
      before the pump runs, from within ``write``, or to a protocol that is
      still running;
    * ``write`` and ``writeSequence`` refuse what is not ``bytes`` with a
      ``TypeError``;
    * each end's ``getPeer`` is the other's ``getHost``;
    * what is written before ``loseConnection``, or after it in the same
      turn, arrives before the end; each side gets ``connectionLost`` with
      ``ConnectionDone``, once, after ``dataReceived`` returned;
    * ``abortConnection`` drops what was not yet delivered, and writes after
      it go nowhere; the side that aborted gets ``ConnectionAborted``, the
      other a ``ConnectionLost`` (a reset, not a clean ``ConnectionDone``);
    * half-close: ``loseWriteConnection`` and
      :class:`~twisted.internet.interfaces.IHalfCloseableProtocol`, as with
      Twisted's TCP transport (a connection whose two halves are shut stays
      connected until it is closed);
    * ``pauseProducing`` and ``resumeProducing``; a second producer refused
      with ``RuntimeError``; producers stopped when the connection is lost;
      ``loseConnection`` waiting for a non-streaming producer.

    The checks use only what :class:`unittest.TestCase` has, and import
    nothing from ``twisted.test``.

    :cvar halfCloseable: Whether the transports support half-close; if
        ``False``, the half-close checks are skipped, saying why.
    """
