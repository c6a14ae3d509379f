# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`HostDirectory`: the hosts of a simulated network by name and by
address, and the checks on a new host's name and address.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twistedtesting._host import Host

LOOPBACK_NAMES = ("localhost", "127.0.0.1")
"""
The names by which a host reaches itself.
"""


class HostDirectory:
    """
    The hosts of a network, by name (in the order they were added) and by
    address.
    """

    def __init__(self) -> None:
        self._byName: dict[str, Host] = {}
        self._byAddress: dict[str, Host] = {}

    def checkName(self, name: object) -> str:
        """
        Check the name of a new host.

        :returns: ``name``.
        :raises TypeError: If it is not a non-empty ``str``.
        :raises ValueError: If a host has it, or it names the loopback.
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"addHost() name must be a non-empty str, not {name!r}")
        if name in self._byName or name in LOOPBACK_NAMES:
            raise ValueError(f"addHost() name {name!r} is taken")
        return name

    def checkAddress(self, address: object) -> str:
        """
        Check the address of a new host, or choose one.

        :param address: An IPv4 address, or ``None`` for the first free one
            of ``10.0.0.1``, ``10.0.0.2``, ...
        :returns: The address.
        :raises TypeError: If it is not a ``str`` or ``None``.
        :raises ValueError: If it is not an IPv4 address, is reserved, or is
            taken.
        """
        if address is None:
            return self._freeAddress()
        if not isinstance(address, str):
            raise TypeError(f"addHost() address must be a str, not {address!r}")
        try:
            parsed = ipaddress.IPv4Address(address)
        except ValueError:
            raise ValueError(
                f"addHost() address must be an IPv4 address such as '10.0.0.7', "
                f"got {address!r}"
            ) from None
        if parsed.is_loopback or parsed.is_unspecified:
            raise ValueError(f"addHost() address {address!r} is reserved")
        if address in self._byAddress:
            raise ValueError(
                f"addHost() address {address!r} is taken by host "
                f"{self._byAddress[address].name!r}: two hosts cannot share one "
                "address"
            )
        return address

    def _freeAddress(self) -> str:
        number = len(self._byAddress) + 1
        while True:
            address = str(ipaddress.IPv4Address(0x0A000000 + number))
            if address not in self._byAddress:
                return address
            number += 1

    def add(self, host: Host) -> None:
        """
        Add ``host``, whose name and address were checked.
        """
        self._byName[host.name] = host
        self._byAddress[host.address] = host

    def get(self, name: str) -> Host | None:
        """
        :returns: The host named ``name``, or ``None``.
        """
        return self._byName.get(name)

    def atAddress(self, address: str) -> Host | None:
        """
        :returns: The host at ``address``, or ``None``.
        """
        return self._byAddress.get(address)

    def host(self, name: str, argument: str) -> Host:
        """
        :returns: The host named ``name``.
        :raises ValueError: If there is none; the message names ``name`` as
            ``argument``.
        """
        host = self._byName.get(name)
        if host is None:
            known = ", ".join(sorted(self._byName)) or "none"
            raise ValueError(
                f"{argument} {name!r} is not a host of this network (hosts: {known})"
            )
        return host

    @property
    def names(self) -> set[str]:
        """The names of the hosts, as a new set."""
        return set(self._byName)

    @property
    def hosts(self) -> list[Host]:
        """The hosts, in the order they were added, as a new list."""
        return list(self._byName.values())
