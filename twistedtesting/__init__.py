# -*- test-case-name: twistedtesting.test -*-
"""
twistedtesting: test Twisted network code well under trial.

The public API is the names in ``__all__``; the modules whose names start with
an underscore are private.
"""

from twistedtesting._chunked import ChunkedTransport
from twistedtesting._chunking import (
    AsFed,
    ChunkingPolicy,
    FixedChunks,
    HalfOfPending,
    OneByteChunks,
    RandomChunks,
    ScriptedChunks,
    SplitAt,
)
from twistedtesting._clock import DEFAULT_MAX_INSTANT_CALLS, Clock, ClockLoopError
from twistedtesting._connections import ConnectedPair, connectedPair
from twistedtesting._delays import DelayPolicy, FixedDelay, RandomDelay
from twistedtesting._faults import BreakAfter
from twistedtesting._lifecycle import ConnectionState
from twistedtesting._link import Link
from twistedtesting._linkends import LinkReceiver, Outbound
from twistedtesting._pair import ChunkedPair, connectChunked
from twistedtesting._pairoptions import ProtocolFactoryOf
from twistedtesting._pairproxy import ProxyOptions
from twistedtesting._proxy import FaultProxy, startFaultProxy
from twistedtesting._proxyconnection import ProxiedConnection
from twistedtesting._proxypolicy import ProxyPolicy
from twistedtesting._proxytarget import ProxyTargetError
from twistedtesting._record import DeliveryRecord
from twistedtesting._relay import Relay
from twistedtesting._seeds import (
    SEED_VARIABLE,
    SeedableRandom,
    registerRandom,
    runSeed,
    seed,
    unregisterRandom,
)
from twistedtesting._sockets import refusingAddress
from twistedtesting._splits import allSplits
from twistedtesting._teardown import DEFAULT_GRACE_PERIOD, DisconnectTimeout
from twistedtesting._testcase import SynchronousTestCase, TestCase
from twistedtesting._testpeer import TestPeer
from twistedtesting._timeouts import (
    DEFAULT_TIMEOUT_EXCEPTIONS,
    WaitError,
    advanceUntil,
    assertTimesOut,
)
from twistedtesting._tracker import ConnectionTracker

__all__ = [
    "DEFAULT_GRACE_PERIOD",
    "DEFAULT_MAX_INSTANT_CALLS",
    "DEFAULT_TIMEOUT_EXCEPTIONS",
    "SEED_VARIABLE",
    "AsFed",
    "BreakAfter",
    "ChunkedPair",
    "ChunkedTransport",
    "ChunkingPolicy",
    "Clock",
    "ClockLoopError",
    "ConnectedPair",
    "ConnectionState",
    "ConnectionTracker",
    "DelayPolicy",
    "DeliveryRecord",
    "DisconnectTimeout",
    "FaultProxy",
    "FixedChunks",
    "FixedDelay",
    "HalfOfPending",
    "Link",
    "LinkReceiver",
    "OneByteChunks",
    "Outbound",
    "ProtocolFactoryOf",
    "ProxiedConnection",
    "ProxyOptions",
    "ProxyPolicy",
    "ProxyTargetError",
    "RandomChunks",
    "RandomDelay",
    "Relay",
    "ScriptedChunks",
    "SeedableRandom",
    "SplitAt",
    "SynchronousTestCase",
    "TestCase",
    "TestPeer",
    "WaitError",
    "advanceUntil",
    "allSplits",
    "assertTimesOut",
    "connectChunked",
    "connectedPair",
    "refusingAddress",
    "registerRandom",
    "runSeed",
    "seed",
    "startFaultProxy",
    "unregisterRandom",
]

# Show the public classes and functions as twistedtesting.X (in reprs,
# tracebacks and docs) rather than as the private module that defines them.
for _name in __all__:
    _public = globals()[_name]
    if isinstance(_public, type) or callable(_public):
        _public.__module__ = __name__
del _name, _public
