# -*- test-case-name: twistedtesting.test.test_chunking -*-
"""
:func:`allSplits`: every way to cut a short message into chunks.
"""

from __future__ import annotations

from collections.abc import Iterator

from twistedtesting._checks import positiveInt
from twistedtesting._chunking import ScriptedChunks

DEFAULT_MAX_SPLIT_LENGTH = 16
"""
The longest message :func:`allSplits` enumerates unless told otherwise:
2 ** 15 = 32768 ways to cut it.
"""


def allSplits(
    message: bytes, maxLength: int = DEFAULT_MAX_SPLIT_LENGTH
) -> Iterator[ScriptedChunks]:
    """
    Yield every way to cut ``message`` into chunks, each as a
    :class:`ScriptedChunks`, to test a parser exhaustively::

        for chunking in allSplits(b"GET / HTTP/1.0\\r\\n"):
            ...

    A message of ``n`` bytes can be cut in ``2 ** (n - 1)`` ways: there is a
    cut, or none, after each of its first ``n - 1`` bytes.  The first split
    yielded is the whole message in one chunk and the last is one byte per
    chunk.

    :param message: The message to cut.
    :param maxLength: The longest message to accept; a message of 20 bytes
        already has more than half a million splits.
    :returns: An iterator of ``2 ** (len(message) - 1)`` policies.
    :raises TypeError: If ``message`` is not ``bytes`` or ``maxLength`` is
        not an ``int``.
    :raises ValueError: If ``message`` is empty or longer than
        ``maxLength``.
    """
    if not isinstance(message, bytes):
        raise TypeError(
            f"allSplits() message must be bytes, not {type(message).__name__} "
            f"{message!r}"
        )
    positiveInt("allSplits() maxLength", maxLength)
    length = len(message)
    if length == 0:
        raise ValueError("allSplits() message must not be empty: it has no splits")
    if length > maxLength:
        raise ValueError(
            f"allSplits() message is {length} bytes long, so it has 2 ** "
            f"{length - 1} = {2 ** (length - 1)} splits, too many to enumerate; "
            f"pass a message of at most {maxLength} bytes (or a larger "
            "maxLength), or cut a long message with RandomChunks"
        )
    return _splits(length)


def _splits(length: int) -> Iterator[ScriptedChunks]:
    for mask in range(1 << (length - 1)):
        sizes = []
        start = 0
        for position in range(1, length):
            if mask >> (position - 1) & 1:
                sizes.append(position - start)
                start = position
        sizes.append(length - start)
        yield ScriptedChunks(sizes)
