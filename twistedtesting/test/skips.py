# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
What the machine running the tests lacks for loopback connections, as
the C{skip} reasons of the tests that need it: IPv6, TLS (and ALPN over
TLS), UNIX sockets, a list of the process's open file descriptors.
"""

from __future__ import annotations

import os
import socket


def _ipv6Skip() -> str | None:
    """
    Say why TCP over IPv6 cannot be tested here, or return C{None}.
    """
    if not socket.has_ipv6:
        return "Python was built without IPv6 support"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        return f"this machine has no IPv6 loopback: binding to ::1 failed ({error})"
    return None


def _tlsSkip() -> str | None:
    """
    Say why TLS cannot be tested here, or return C{None}.
    """
    try:
        import OpenSSL  # noqa: F401
        import service_identity  # noqa: F401
    except ImportError as error:
        return (
            f"TLS needs pyOpenSSL and service_identity ({error}); install "
            "twistedtesting[tls]"
        )
    return None


IPV6_SKIP = _ipv6Skip()


TLS_SKIP = _tlsSkip()


def _alpnSkip() -> str | None:
    """
    Say why a factory that offers protocols by ALPN, such as L{Site} (which
    offers HTTP/2), cannot serve over TLS here, or return C{None}.

    Older Twisted releases (24.3 among them) set the protocols on the TLS
    context after making a connection from it, which recent pyOpenSSL
    releases refuse with L{ValueError}, for every server and client that
    offers protocols; that is for Twisted to fix, not twistedtesting.
    """
    if TLS_SKIP is not None:
        return TLS_SKIP
    from OpenSSL import SSL
    from twisted.protocols.tls import TLSMemoryBIOFactory

    if not hasattr(TLSMemoryBIOFactory, "_applyProtocolNegotiation"):
        return None
    context = SSL.Context(SSL.TLS_METHOD)
    SSL.Connection(context, None)
    try:
        context.set_alpn_protos([b"h2"])
    except ValueError as error:
        return (
            "this Twisted sets ALPN protocols on a TLS context already in use, "
            f"which this pyOpenSSL refuses ({error}): no factory that offers "
            "protocols by ALPN, Site among them, can serve over TLS"
        )
    return None


ALPN_SKIP = _alpnSkip()


UNIX_SKIP = None if hasattr(socket, "AF_UNIX") else "this platform has no UNIX sockets"


FD_DIRECTORY = "/proc/self/fd"


FD_SKIP = (
    None
    if os.path.isdir(FD_DIRECTORY)
    else f"{FD_DIRECTORY} does not exist: the operating system does not list "
    "a process's open file descriptors there"
)
