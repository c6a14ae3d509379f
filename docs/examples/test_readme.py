# -*- test-case-name: examples.test_readme -*-
"""
The Python examples in the repository's ``README.rst`` run, and their tests
pass.

GitHub shows ``README.rst`` as it is, so its examples cannot be included
from files as the documentation's are; instead each ``.. code-block::
python`` block is run here as a test module of its own, in this process,
and every test it defines must pass.
"""

from __future__ import annotations

import re
import sys
import textwrap
import types
import unittest
from io import StringIO
from pathlib import Path

import attrs
from twisted.trial import runner
from twisted.trial.reporter import Reporter

from twistedtesting import SynchronousTestCase

README = Path(__file__).resolve().parent.parent.parent / "README.rst"

_DIRECTIVE = re.compile(r"^\.\. code-block:: python\s*$")
_UNDERLINE = re.compile(r"""^([=\-`:'"~^_*+#<>.])\1+\s*$""")


@attrs.frozen
class Example:
    """
    A Python example of ``README.rst``.

    :ivar section: The title of the section it is in.
    :ivar line: The line, from 1, where its code starts.
    :ivar source: Its code, unindented.
    """

    section: str
    line: int
    source: str


def pythonExamples(text: str) -> list[Example]:
    """
    :returns: The ``.. code-block:: python`` blocks of the reStructuredText
        ``text``, in order.
    """
    lines = text.splitlines()
    examples = []
    section = ""
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and _UNDERLINE.match(following):
            section = line.strip()
        if not _DIRECTIVE.match(line):
            continue
        start = index + 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        end = start
        while end < len(lines) and (
            not lines[end].strip() or lines[end].startswith((" ", "\t"))
        ):
            end += 1
        source = textwrap.dedent("\n".join(lines[start:end])).strip("\n") + "\n"
        examples.append(Example(section, start + 1, source))
    return examples


def runExample(example: Example, moduleName: str) -> tuple[Reporter, int, str]:
    """
    Run ``example`` as the test module ``moduleName``, with trial's plain
    reporter.

    :returns: The reporter, how many tests the example defines, and what
        the reporter printed.
    """
    module = types.ModuleType(moduleName)
    module.__file__ = str(README)
    sys.modules[moduleName] = module
    try:
        # Padded with blank lines, the code has its README line numbers, so
        # that a traceback points into the README.
        padded = "\n" * (example.line - 1) + example.source
        exec(compile(padded, str(README), "exec"), module.__dict__)
        suite = runner.TestLoader().loadModule(module)
        stream = StringIO()
        result = Reporter(stream=stream)
        unittest.TestSuite([suite]).run(result)
        result.done()
    finally:
        del sys.modules[moduleName]
    return result, suite.countTestCases(), stream.getvalue()


class ReadmeTests(SynchronousTestCase):
    """
    The Python examples in ``README.rst`` run, and their tests pass.  A test
    method is added below for each example.
    """

    def test_examplesFound(self) -> None:
        """
        Every ``.. code-block:: python`` directive of the README is found,
        with its code.
        """
        text = README.read_text(encoding="utf-8")
        examples = pythonExamples(text)
        self.assertEqual(len(examples), text.count(".. code-block:: python"))
        self.assertEqual([e for e in examples if not e.source.strip()], [])

    def checkExample(self, example: Example, moduleName: str) -> None:
        """
        Check that ``example`` defines tests and that they all pass.
        """
        result, count, output = runExample(example, moduleName)
        where = f"README.rst line {example.line} ({example.section})"
        self.assertNotEqual(count, 0, f"{where} defines no tests")
        self.assertEqual(
            (result.testsRun, result.successes), (count, count), f"{where}:\n{output}"
        )


def _camel(title: str) -> str:
    """
    :returns: ``title`` in camel case, such as ``seededTests``.
    """
    words: list[str] = re.findall(r"[A-Za-z0-9]+", title)
    return words[0].lower() + "".join(word.capitalize() for word in words[1:])


def _addExampleTests() -> None:
    """
    Add to :class:`ReadmeTests` a test method for each Python example of
    the README, named after its section.
    """
    names: dict[str, int] = {}
    for example in pythonExamples(README.read_text(encoding="utf-8")):
        name = _camel(example.section or "top")
        names[name] = names.get(name, 0) + 1
        if names[name] > 1:
            name = f"{name}{names[name]}"

        def test(
            self: ReadmeTests, example: Example = example, name: str = name
        ) -> None:
            self.checkExample(example, f"readme_{name}")

        test.__name__ = f"test_{name}"
        test.__qualname__ = f"ReadmeTests.test_{name}"
        test.__doc__ = (
            f'The example in the section "{example.section}" of the README, at '
            f"line {example.line}, runs, and its tests pass."
        )
        setattr(ReadmeTests, test.__name__, test)


_addExampleTests()
