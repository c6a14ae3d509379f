# -*- test-case-name: twistedtesting.test.test_notes -*-
"""
Tests for L{twistedtesting._notes}.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._notes import addNote


class AddNoteTests(SynchronousTestCase):
    """
    Tests for L{addNote}.
    """

    def test_added(self) -> None:
        """
        Notes are added in order, to an exception that had none.
        """
        error = ValueError("bad")
        addNote(error, "first")
        addNote(error, "second")
        self.assertEqual(getattr(error, "__notes__"), ["first", "second"])  # noqa: B009

    def test_addedOnce(self) -> None:
        """
        A note the exception has already is not added again.
        """
        error = ValueError("bad")
        addNote(error, "once")
        addNote(error, "once")
        self.assertEqual(getattr(error, "__notes__"), ["once"])  # noqa: B009

    def test_notesNotAList(self) -> None:
        """
        An exception whose C{__notes__} is not a list is left as it is.
        """
        error = ValueError("bad")
        setattr(error, "__notes__", ("kept",))  # noqa: B010
        addNote(error, "dropped")
        self.assertEqual(getattr(error, "__notes__"), ("kept",))  # noqa: B009
