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
    allSplits,
)
from twistedtesting._clock import DEFAULT_MAX_INSTANT_CALLS, Clock, ClockLoopError
from twistedtesting._connections import ConnectedPair, connectedPair
from twistedtesting._delays import DelayPolicy, FixedDelay, RandomDelay
from twistedtesting._determinism import NondeterminismError, checkDeterminism
from twistedtesting._faults import BreakAfter
from twistedtesting._faultschedule import PlannedFault, randomFaults
from twistedtesting._host import Host, HostState
from twistedtesting._hostreactor import HostReactor
from twistedtesting._lifecycle import ConnectionState
from twistedtesting._link import Link
from twistedtesting._linkends import LinkReceiver, Outbound
from twistedtesting._nettrace import NetworkTrace, TraceEvent
from twistedtesting._network import Network
from twistedtesting._pair import ChunkedPair, connectChunked
from twistedtesting._pairoptions import ProtocolFactoryOf
from twistedtesting._record import DeliveryRecord
from twistedtesting._seeds import (
    SEED_VARIABLE,
    SeedableRandom,
    registerRandom,
    runSeed,
    seed,
    unregisterRandom,
)
from twistedtesting._sockets import refusingAddress
from twistedtesting._teardown import DEFAULT_GRACE_PERIOD, DisconnectTimeout
from twistedtesting._testcase import SynchronousTestCase, TestCase
from twistedtesting._testpeer import TestPeer
from twistedtesting._timeouts import (
    DEFAULT_TIMEOUT_EXCEPTIONS,
    WaitError,
    advanceUntil,
    assertTimesOut,
)
from twistedtesting._topology import LinkSettings
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
    "FixedChunks",
    "FixedDelay",
    "HalfOfPending",
    "Host",
    "HostReactor",
    "HostState",
    "Link",
    "LinkReceiver",
    "LinkSettings",
    "Network",
    "NetworkTrace",
    "NondeterminismError",
    "OneByteChunks",
    "Outbound",
    "PlannedFault",
    "ProtocolFactoryOf",
    "RandomChunks",
    "RandomDelay",
    "ScriptedChunks",
    "SeedableRandom",
    "SplitAt",
    "SynchronousTestCase",
    "TestCase",
    "TestPeer",
    "TraceEvent",
    "WaitError",
    "advanceUntil",
    "allSplits",
    "assertTimesOut",
    "checkDeterminism",
    "connectChunked",
    "connectedPair",
    "randomFaults",
    "refusingAddress",
    "registerRandom",
    "runSeed",
    "seed",
    "unregisterRandom",
]

# Show the public classes and functions as twistedtesting.X (in reprs,
# tracebacks and docs) rather than as the private module that defines them.
for _name in __all__:
    _public = globals()[_name]
    if isinstance(_public, type) or callable(_public):
        _public.__module__ = __name__
del _name, _public
