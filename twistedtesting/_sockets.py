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
            removed, or is no longer a directory that only this user can
            enter).
        """
        path = self._path
        status: os.stat_result | None = None
        if path is not None and self._owner == _process.pid:
            try:
                status = os.lstat(path)
            except OSError:
                status = None
        if (
            status is None
            or status.st_mode & _PRIVATE_MASK != stat.S_IFDIR
            or status.st_uid != _process.uid
        ):
            path = self._path = tempfile.mkdtemp(prefix=self.prefix)
            self._owner = _process.pid
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


_PRIVATE_MASK = stat.S_IFMT(0o777777) | 0o077
"""
The bits of a mode that say what a file is and whether anyone but its
owner may use it: masked, a private directory's mode is ``S_IFDIR``.
"""


@attrs.define
class _Process:
    """
    This process's id and user, kept up to date across ``fork()``: reading
    them costs less than a system call for every socket.
    """

    pid: int = attrs.Factory(os.getpid)
    uid: int = attrs.Factory(os.getuid)

    def forked(self) -> None:
        """
        Note the id of the child after a fork.
        """
        self.pid = os.getpid()


_process = _Process()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_process.forked)


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
