# -*- test-case-name: twistedtesting.test -*-
"""
twistedtesting: test Twisted network code well under trial.

The public API is the names in ``__all__``; the modules whose names start with
an underscore are private.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    from twistedtesting._conformance import TransportPairTestsMixin
    from twistedtesting._connections import ConnectedPair, connectedPair
    from twistedtesting._delays import DelayPolicy, FixedDelay, RandomDelay
    from twistedtesting._derive import SEED_VARIABLE
    from twistedtesting._determinism import NondeterminismError, checkDeterminism
    from twistedtesting._faults import BreakAfter
    from twistedtesting._faultschedule import PlannedFault, randomFaults
    from twistedtesting._generators import (
        SeedableRandom,
        registerRandom,
        unregisterRandom,
    )
    from twistedtesting._host import Host, HostState
    from twistedtesting._hostreactor import HostReactor
    from twistedtesting._lifecycle import ConnectionState
    from twistedtesting._link import Link
    from twistedtesting._linkends import LinkReceiver, Outbound
    from twistedtesting._nettrace import NetworkTrace, TraceEvent
    from twistedtesting._network import Network
    from twistedtesting._pair import ChunkedPair, connectChunked
    from twistedtesting._pairoptions import ProtocolFactoryOf
    from twistedtesting._pairproxy import ProxyOptions
    from twistedtesting._proxy import FaultProxy, startFaultProxy
    from twistedtesting._proxyconnection import ProxiedConnection
    from twistedtesting._proxypolicy import ProxyPolicy
    from twistedtesting._proxytarget import ProxyTargetError
    from twistedtesting._record import DeliveryRecord
    from twistedtesting._relay import Relay
    from twistedtesting._seeds import runSeed, seed
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
    "FaultProxy",
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
    "TraceEvent",
    "TransportPairTestsMixin",
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
    "startFaultProxy",
    "unregisterRandom",
]

# The private module that defines each public name.  They are imported when
# one of them is first used, so that importing a private module alone (as
# pytest does, to load the plugin, in every project of an environment where
# twistedtesting is installed) imports neither Twisted nor trial: pytest,
# once trial is imported, looks up Twisted's version before every test.
_DEFINED_IN = {
    "AsFed": "_chunking",
    "BreakAfter": "_faults",
    "ChunkedPair": "_pair",
    "ChunkedTransport": "_chunked",
    "ChunkingPolicy": "_chunking",
    "Clock": "_clock",
    "ClockLoopError": "_clock",
    "ConnectedPair": "_connections",
    "ConnectionState": "_lifecycle",
    "ConnectionTracker": "_tracker",
    "DEFAULT_GRACE_PERIOD": "_teardown",
    "DEFAULT_MAX_INSTANT_CALLS": "_clock",
    "DEFAULT_TIMEOUT_EXCEPTIONS": "_timeouts",
    "DelayPolicy": "_delays",
    "DeliveryRecord": "_record",
    "DisconnectTimeout": "_teardown",
    "FaultProxy": "_proxy",
    "FixedChunks": "_chunking",
    "FixedDelay": "_delays",
    "HalfOfPending": "_chunking",
    "Host": "_host",
    "HostReactor": "_hostreactor",
    "HostState": "_host",
    "Link": "_link",
    "LinkReceiver": "_linkends",
    "LinkSettings": "_topology",
    "Network": "_network",
    "NetworkTrace": "_nettrace",
    "NondeterminismError": "_determinism",
    "OneByteChunks": "_chunking",
    "Outbound": "_linkends",
    "PlannedFault": "_faultschedule",
    "ProtocolFactoryOf": "_pairoptions",
    "ProxiedConnection": "_proxyconnection",
    "ProxyOptions": "_pairproxy",
    "ProxyPolicy": "_proxypolicy",
    "ProxyTargetError": "_proxytarget",
    "RandomChunks": "_chunking",
    "RandomDelay": "_delays",
    "Relay": "_relay",
    "SEED_VARIABLE": "_derive",
    "ScriptedChunks": "_chunking",
    "SeedableRandom": "_generators",
    "SplitAt": "_chunking",
    "SynchronousTestCase": "_testcase",
    "TestCase": "_testcase",
    "TestPeer": "_testpeer",
    "TraceEvent": "_nettrace",
    "TransportPairTestsMixin": "_conformance",
    "WaitError": "_timeouts",
    "advanceUntil": "_timeouts",
    "allSplits": "_splits",
    "assertTimesOut": "_timeouts",
    "checkDeterminism": "_determinism",
    "connectChunked": "_pair",
    "connectedPair": "_connections",
    "randomFaults": "_faultschedule",
    "refusingAddress": "_sockets",
    "registerRandom": "_generators",
    "runSeed": "_seeds",
    "seed": "_seeds",
    "startFaultProxy": "_proxy",
    "unregisterRandom": "_generators",
}


def __getattr__(name: str) -> object:
    """
    Import every public name from the module that defines it, the first time
    one is used, and show each as C{twistedtesting.X} (in reprs, tracebacks
    and docs).
    """
    if name not in _DEFINED_IN:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for public, where in _DEFINED_IN.items():
        value = getattr(importlib.import_module(f"{__name__}.{where}"), public)
        if isinstance(value, type) or callable(value):
            value.__module__ = __name__
        globals()[public] = value
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
