# -*- test-case-name: twistedtesting.test.test_sockets -*-
"""
Where loopback sockets live: the private directory of the UNIX sockets that
:func:`twistedtesting.connectedPair` listens on, and addresses that refuse
connections (:func:`refusingAddress`).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable
from typing import Literal, overload

import attrs
from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress


@attrs.define(eq=False)
class SocketDirectory:
    """
    A private directory for UNIX sockets, made on first use with
    :func:`tempfile.mkdtemp` (a random name, created only if no such name
    exists, that only its owner can enter) and reused for every socket the
    process makes, each with a name of its own; removed by :meth:`remove`,
    which runs when the process exits.

    Making and removing a directory for each socket would double the cost
    of a connection over a UNIX socket; a directory per process keeps its
    safety: no other user can predict, take or reach a socket's path.

    :ivar prefix: The start of the directory's name.
    """

    prefix: str = "twistedtesting-"
    _path: str | None = None
    _owner: int | None = None
    _names: itertools.count[int] = attrs.Factory(itertools.count)

    def socketPath(self) -> str:
        """
        :returns: A path in the directory that no socket of this process
            has had: the directory is made first if it does not exist (or
            was made by the parent of this forked process, or has been
            removed).
        """
        path = self._path
        if path is None or self._owner != os.getpid() or not _isPrivate(path):
            path = self._path = tempfile.mkdtemp(prefix=self.prefix)
            self._owner = os.getpid()
        return f"{path}/{next(self._names)}.sock"

    @property
    def path(self) -> str | None:
        """
        The directory, or ``None`` if it has not been made (or was removed).
        """
        return self._path

    def remove(self) -> None:
        """
        Remove the directory and what is in it, if this process made it; a
        later :meth:`socketPath` makes a new one.
        """
        path, self._path = self._path, None
        if path is not None and self._owner == os.getpid():
            shutil.rmtree(path, ignore_errors=True)


def _isPrivate(path: str) -> bool:
    """
    Whether ``path`` is still a directory (not a link to one) that only
    this user can enter.
    """
    try:
        status = os.lstat(path)
    except OSError:
        return False
    return (
        stat.S_ISDIR(status.st_mode)
        and status.st_uid == os.getuid()
        and status.st_mode & 0o077 == 0
    )


socketDirectory = SocketDirectory()
"""
The directory of the UNIX sockets of this process.
"""
atexit.register(socketDirectory.remove)


Cleanup = Callable[[Callable[[], None]], object]


@overload
def refusingAddress(
    addCleanup: Cleanup, transport: Literal["tcp"] = "tcp"
) -> IPv4Address: ...


@overload
def refusingAddress(addCleanup: Cleanup, transport: Literal["tcp6"]) -> IPv6Address: ...


@overload
def refusingAddress(addCleanup: Cleanup, transport: Literal["unix"]) -> UNIXAddress: ...


def refusingAddress(
    addCleanup: Cleanup, transport: str = "tcp"
) -> IPv4Address | IPv6Address | UNIXAddress:
    """
    Give the address of a socket that refuses every connection, for a test
    of what code does when it cannot connect.

    The socket is bound but never listens, so connecting to its address is
    refused, and for as long as it is open nothing else can take the
    address.  A port that a test has just stopped listening on is not as
    reliable: the system may give the same port to the client's own end of
    the connection, which then connects to itself.

    :param addCleanup: Registers a callable to run when the test ends, such
        as ``self.addCleanup`` (trial) or ``request.addfinalizer``
        (pytest); it is given the closing of the socket (and, for a UNIX
        socket, the removal of its file).
    :param transport: ``"tcp"`` (the default) for TCP on 127.0.0.1,
        ``"tcp6"`` for TCP on ::1, or ``"unix"`` for a UNIX socket in the
        private directory where :func:`twistedtesting.connectedPair` makes
        its sockets.
    :returns: The socket's address, an
        :class:`~twisted.internet.address.IPv4Address`,
        :class:`~twisted.internet.address.IPv6Address` or
        :class:`~twisted.internet.address.UNIXAddress`.
    :raises TypeError: If ``addCleanup`` is not callable, or ``transport``
        is not a string.
    :raises ValueError: If ``transport`` is not one of those above.
    :raises OSError: If the socket cannot be bound (``"tcp6"`` on a machine
        without an IPv6 loopback address, say).
    """
    if not callable(addCleanup):
        raise TypeError(
            "addCleanup must be a callable that registers a cleanup, such as "
            f"self.addCleanup, not {addCleanup!r}"
        )
    if not isinstance(transport, str):
        raise TypeError(
            "transport must be a string, one of 'tcp', 'tcp6', 'unix', not "
            f"{type(transport).__name__} {transport!r}"
        )
    if transport == "unix":
        path = socketDirectory.socketPath()
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            unix.bind(path)
        except BaseException:
            unix.close()
            raise

        def closeUNIX() -> None:
            unix.close()
            if os.path.exists(path):
                os.unlink(path)

        addCleanup(closeUNIX)
        return UNIXAddress(path)
    if transport not in ("tcp", "tcp6"):
        raise ValueError(
            f"transport must be one of 'tcp', 'tcp6', 'unix', not {transport!r}"
        )
    family, host = (
        (socket.AF_INET, "127.0.0.1")
        if transport == "tcp"
        else (socket.AF_INET6, "::1")
    )
    bound = socket.socket(family, socket.SOCK_STREAM)
    try:
        bound.bind((host, 0))
    except BaseException:
        bound.close()
        raise
    addCleanup(bound.close)
    port = bound.getsockname()[1]
    if transport == "tcp":
        return IPv4Address("TCP", host, port)
    return IPv6Address("TCP", host, port)
