# -*- test-case-name: twistedtesting.test.test_derive -*-
"""
How a test's seed is derived from the run seed and its id, and how the run
seed is written: in ``TWISTEDTESTING_SEED``, or as a non-negative ``int``.

This module and :mod:`twistedtesting._generators` are what the pytest
plugin needs for each plain test; they import nothing beyond the standard
library, so that loading the plugin stays cheap (see
:mod:`twistedtesting._pytestplugin`).
"""

from __future__ import annotations

import hashlib
import importlib
import sys
from collections.abc import Callable
from typing import Any, cast

from twistedtesting._checks import checkInt

SEED_VARIABLE = "TWISTEDTESTING_SEED"
"""
The name of the environment variable that holds the run seed.
"""

FAILING_SEEDS_VARIABLE = "TWISTEDTESTING_FAILING_SEEDS"
"""
The name of the environment variable that says where trial runs keep the
seeds of failed tests: a directory, or ``off`` to neither keep nor replay
them (under pytest too).  Unset, it is ``.twistedtesting/failing-seeds`` in
the directory that trial was started in.
"""

OFF_WORDS = ("off", "0", "no", "false")
"""
The values of :data:`FAILING_SEEDS_VARIABLE` that turn keeping and replaying
failing seeds off, in lower case.
"""

METHOD_SEED = "__twistedtesting_seed__"
"""
Where ``@seed`` stores its value on a test method (a function attribute).
"""


def checkSeed(value: object, name: str) -> int:
    """
    Check that ``value`` is usable as a seed.

    :param value: The candidate seed.
    :param name: How to name the value in an error message.
    :returns: ``value``, typed as an ``int``.
    :raises TypeError: If ``value`` is not an ``int`` (``bool`` is refused).
    :raises ValueError: If ``value`` is negative.
    """
    number = checkInt(name, value, "a non-negative int")
    if number < 0:
        raise ValueError(f"{name} must be a non-negative int, got {number}")
    return number


# The SHA-256 of b"twistedtesting", the known answer that a SHA-256 found
# by fastSha256 must give (asking hashlib's OpenSSL for it instead would set
# up OpenSSL's digests in every run, for nothing).
_KNOWN_DIGEST = bytes.fromhex(
    "34b7a8faecc95620f8c70b4bd8c01420ace0d4e3f4bc5f99d908094418eb5506"
)

# CPython's own SHA-256 module: _sha2 from Python 3.12 on, _sha256 before;
# the one of this version first, so that the other is looked for (through
# all of sys.path) only if need be.
_OWN_SHA256 = (
    ("_sha2", "_sha256") if sys.version_info >= (3, 12) else ("_sha256", "_sha2")
)


def fastSha256(
    names: tuple[str, ...] = _OWN_SHA256,
) -> Callable[[bytes], Any]:
    """
    CPython's own SHA-256, when it has one that gives the standard digest,
    else :func:`hashlib.sha256`.

    :func:`hashlib.sha256` usually goes through OpenSSL, whose set-up for
    each hash, between tests whose work has pushed it out of the processor's
    caches, costs several times what CPython's own implementation does for
    a test id.  That implementation is a private module (``_sha2`` from
    Python 3.12 on, ``_sha256`` before), so it is checked, against a known
    digest, before it is used.

    :param names: The modules to look in, in order.
    """
    for name in names:
        try:
            candidate = getattr(importlib.import_module(name), "sha256", None)
            if candidate is not None and (
                candidate(b"twistedtesting").digest() == _KNOWN_DIGEST
            ):
                return cast("Callable[[bytes], Any]", candidate)
        except Exception:
            continue
    return hashlib.sha256


_sha256 = fastSha256()


def deriveSeed(runSeed: int, testId: str) -> int:
    """
    Derive a test's seed from the run seed and the test's id.

    The derivation is a cryptographic hash, so it is the same in every
    process, on every platform and in every test order (unlike Python's
    salted ``hash()``), and distinct tests get unrelated seeds.

    :param runSeed: The run seed.
    :param testId: The test's id, such as ``pkg.test.test_x.XTests.test_y``.
    :returns: A seed in ``range(2 ** 32)``, so that generators with a 32-bit
        seed (such as NumPy's legacy one) accept it.
    """
    digest = _sha256(f"{runSeed}\0{testId}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def seedDeriver(runSeed: int) -> Callable[[str], int]:
    """
    :func:`deriveSeed` for one run seed, as a function of the test's id:
    the same seeds, for less work per test (the run seed is written out
    once), for a run that derives the seeds of many tests.

    :param runSeed: The run seed.
    :returns: A function of a test's id that returns
        ``deriveSeed(runSeed, testId)``.
    """
    # UTF-8 encodes a concatenation as the concatenation of the encodings.
    prefix = f"{runSeed}\0".encode()
    sha256 = _sha256
    fromBytes = int.from_bytes

    def derive(testId: str) -> int:
        return fromBytes(sha256(prefix + testId.encode()).digest()[:4], "big")

    return derive


def parseRunSeed(raw: str) -> int:
    """
    Parse the text of the ``TWISTEDTESTING_SEED`` variable.

    :param raw: The variable's value.
    :returns: The run seed.
    :raises ValueError: If ``raw`` is not a non-negative decimal integer;
        the message names the variable.
    """
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(
            f"the environment variable {SEED_VARIABLE} must be a non-negative "
            f"integer (the run seed), got {raw!r}; unset it for a random run seed"
        )
    return int(text)
