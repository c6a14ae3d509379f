# -*- test-case-name: twistedtesting.test.test_sockets -*-
"""
Tests for L{twistedtesting._sockets}: the private directory of UNIX sockets
and L{twistedtesting.refusingAddress}.
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
from collections.abc import Callable
from typing import Any, cast

from twisted.internet import reactor as _reactor
from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.endpoints import (
    TCP4ClientEndpoint,
    TCP6ClientEndpoint,
    UNIXClientEndpoint,
)
from twisted.internet.error import ConnectionRefusedError
from twisted.internet.protocol import Factory, Protocol
from twisted.trial.unittest import SkipTest

from twistedtesting import SynchronousTestCase, TestCase, refusingAddress
from twistedtesting._sockets import SocketDirectory
from twistedtesting.test.reactorhelpers import failureOf
from twistedtesting.test.skips import IPV6_SKIP, UNIX_SKIP


class SocketDirectoryTests(SynchronousTestCase):
    """
    L{SocketDirectory}: one private directory per process, reused with a
    new socket name each time.
    """

    skip = UNIX_SKIP

    def setUp(self) -> None:
        self.directory = SocketDirectory(prefix="twistedtesting-test-")
        self.addCleanup(self.directory.remove)

    def test_private(self) -> None:
        """
        The directory is made on first use, in the system's temporary
        directory, with a random name and for its owner only.
        """
        self.assertIsNone(self.directory.path)
        path = self.directory.socketPath()
        directory = self.directory.path
        assert directory is not None
        self.assertEqual(os.path.dirname(path), directory)
        self.assertEqual(os.path.dirname(directory), tempfile.gettempdir())
        self.assertTrue(os.path.basename(directory).startswith("twistedtesting-test-"))
        status = os.lstat(directory)
        self.assertTrue(stat.S_ISDIR(status.st_mode))
        self.assertEqual(stat.S_IMODE(status.st_mode), 0o700)
        self.assertEqual(status.st_uid, os.getuid())

    def test_reusedWithNewNames(self) -> None:
        """
        Every path is in the same directory, and none is given twice.
        """
        paths = [self.directory.socketPath() for _ in range(50)]
        self.assertEqual(len(set(paths)), 50)
        self.assertEqual({os.path.dirname(p) for p in paths}, {self.directory.path})

    def test_remove(self) -> None:
        """
        C{remove()} removes the directory and what is in it; the next path
        is in a new directory.
        """
        path = self.directory.socketPath()
        first = self.directory.path
        assert first is not None
        with open(path, "w"):
            pass
        self.directory.remove()
        self.assertIsNone(self.directory.path)
        self.assertFalse(os.path.exists(first))
        self.directory.socketPath()
        self.assertNotEqual(self.directory.path, first)
        self.directory.remove()
        self.directory.remove()

    def test_remadeWhenGone(self) -> None:
        """
        When the directory has been removed behind its back, or its mode
        lets others in, the next path is in a new private directory.
        """
        self.directory.socketPath()
        first = self.directory.path
        assert first is not None
        os.rmdir(first)
        self.directory.socketPath()
        second = self.directory.path
        assert second is not None
        self.assertNotEqual(second, first)
        os.chmod(second, 0o755)
        self.addCleanup(os.rmdir, second)
        self.directory.socketPath()
        self.assertNotEqual(self.directory.path, second)

    def test_forkedChildMakesItsOwn(self) -> None:
        """
        A forked child's first path is in a directory of its own, not in
        its parent's, which stays as it was.
        """
        if not hasattr(os, "fork"):
            raise SkipTest("this platform cannot fork")
        self.directory.socketPath()
        parent = self.directory.path
        assert parent is not None
        reading, writing = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover (the child)
            try:
                os.close(reading)
                path = self.directory.socketPath()
                os.write(writing, os.path.dirname(path).encode())
                self.directory.remove()
            finally:
                os._exit(0)
        os.close(writing)
        with os.fdopen(reading, "rb") as fromChild:
            childDirectory = fromChild.read().decode()
        os.waitpid(child, 0)
        self.assertNotEqual(childDirectory, parent)
        self.assertFalse(os.path.exists(childDirectory))
        self.assertTrue(os.path.isdir(parent))
        self.assertEqual(os.path.dirname(self.directory.socketPath()), parent)

    def test_notRemovedByAnotherProcess(self) -> None:
        """
        A forked child that inherited the object neither uses nor removes
        its parent's directory: the owner is the process that made it.
        """
        self.directory.socketPath()
        parent = self.directory.path
        assert parent is not None
        self.directory._owner = -1
        self.directory.remove()
        self.assertTrue(os.path.isdir(parent))
        os.rmdir(parent)


class RefusingAddressTests(TestCase):
    """
    L{refusingAddress}: an address that refuses connections for as long as
    the test runs.
    """

    async def refused(self, endpoint: Any) -> None:
        """
        Check that connecting with C{endpoint} is refused.
        """
        await failureOf(
            endpoint.connect(Factory.forProtocol(Protocol)), ConnectionRefusedError
        )

    async def test_tcp(self) -> None:
        """
        By default the address is on 127.0.0.1, and connecting to it is
        refused, every time.
        """
        address = refusingAddress(self.addCleanup)
        self.assertIsInstance(address, IPv4Address)
        self.assertEqual((address.type, address.host), ("TCP", "127.0.0.1"))
        for _ in range(3):
            await self.refused(TCP4ClientEndpoint(_reactor, address.host, address.port))

    async def test_tcp6(self) -> None:
        """
        With C{"tcp6"} the address is on ::1.
        """
        address = refusingAddress(self.addCleanup, "tcp6")
        self.assertIsInstance(address, IPv6Address)
        self.assertEqual(address.host, "::1")
        await self.refused(TCP6ClientEndpoint(_reactor, address.host, address.port))

    if IPV6_SKIP is not None:
        test_tcp6.skip = IPV6_SKIP  # type: ignore[attr-defined]

    async def test_unix(self) -> None:
        """
        With C{"unix"} the address is a socket in the private directory,
        and the cleanup removes its file.
        """
        cleanups: list[Callable[[], None]] = []
        address = refusingAddress(cleanups.append, "unix")
        self.assertIsInstance(address, UNIXAddress)
        name = cast(str, address.name)
        self.assertTrue(stat.S_ISSOCK(os.stat(name).st_mode))
        await self.refused(UNIXClientEndpoint(_reactor, name))
        [cleanup] = cleanups
        cleanup()
        self.assertFalse(os.path.exists(name))

    if UNIX_SKIP is not None:
        test_unix.skip = UNIX_SKIP  # type: ignore[attr-defined]

    def test_heldUntilCleanup(self) -> None:
        """
        The port is held until the cleanup closes the socket: binding it
        again fails until then.
        """
        cleanups: list[Callable[[], None]] = []
        address = refusingAddress(cleanups.append)
        probe = socket.socket()
        self.addCleanup(probe.close)
        self.assertRaises(OSError, probe.bind, (address.host, address.port))
        [cleanup] = cleanups
        cleanup()
        probe.bind((address.host, address.port))

    def test_badArguments(self) -> None:
        """
        A cleanup that is not callable, or a transport that is not one of
        C{"tcp"}, C{"tcp6"} and C{"unix"}, is refused with an error that
        names the argument.
        """
        error = self.assertRaises(TypeError, refusingAddress, None)
        self.assertEqual(
            str(error),
            "addCleanup must be a callable that registers a cleanup, such as "
            "self.addCleanup, not None",
        )
        error = self.assertRaises(
            TypeError, refusingAddress, self.addCleanup, cast(Any, 4)
        )
        self.assertEqual(
            str(error),
            "transport must be a string, one of 'tcp', 'tcp6', 'unix', not int 4",
        )
        valueError = self.assertRaises(
            ValueError, refusingAddress, self.addCleanup, cast(Any, "udp")
        )
        self.assertEqual(
            str(valueError),
            "transport must be one of 'tcp', 'tcp6', 'unix', not 'udp'",
        )
