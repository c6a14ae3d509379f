# -*- test-case-name: twistedtesting.test.test_notes -*-
"""
Notes on exceptions (PEP 678), which twistedtesting's test cases, trial's
reporter and pytest show at the end of a failure's report.
"""

from __future__ import annotations


def addNote(error: BaseException, note: str) -> None:
    """
    Add ``note`` to ``error``'s notes unless it has it already (the same
    exception can be reported twice).  ``BaseException.add_note()`` does
    the same from Python 3.11 on, without the check.

    :param error: The exception to add the note to.
    :param note: The note.
    """
    notes = getattr(error, "__notes__", None)
    if notes is None:
        notes = []
        setattr(error, "__notes__", notes)  # noqa: B010
    if isinstance(notes, list) and note not in notes:
        notes.append(note)
