"""
Sphinx configuration for twistedtesting's documentation.

Build it from the repository's root with::

    python -m sphinx -W --keep-going -n -b html docs docs/_build/html
"""

from __future__ import annotations

import configparser
import importlib
import pkgutil
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from docutils import nodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_logger = logging.getLogger(__name__)

_root = Path(__file__).resolve().parent.parent

# Document the twistedtesting in this checkout even when another copy is
# installed.
sys.path.insert(0, str(_root))

_metadata = configparser.ConfigParser()
_metadata.read(_root / "setup.cfg", encoding="utf-8")

project = "twistedtesting"
author = "twistedtesting contributors"
copyright = "twistedtesting contributors"
release = _metadata["metadata"]["version"]
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]

# examples/ holds the example suite that the pages include; _build the output.
exclude_patterns = ["_build", "examples"]

html_theme = "alabaster"
html_theme_options = {
    "description": "Test Twisted network code well under trial.",
    "github_button": False,
}

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Show default values as the source writes them (DEFAULT_TIMEOUT_EXCEPTIONS),
# not as their reprs (see also _interfaceNames below).
autodoc_preserve_defaults = True

# Every cross-reference must resolve.  There is no intersphinx (the docs build
# without network access): references to the standard library are resolved
# to docs.python.org by _resolveOutside below, and Twisted's and
# zope.interface's own names, which our docstrings mention, are left unlinked.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"twisted\..*"),
    (r"py:.*", r"zope\..*"),
]


def _checkPublicNamesDocumented(app: Sphinx, env: BuildEnvironment) -> None:
    """
    Warn (an error under ``-W``) about any name in ``twistedtesting.__all__``
    that no page documents, so that the API reference cannot fall behind.
    """
    import twistedtesting

    documented = env.get_domain("py").objects
    for name in twistedtesting.__all__:
        if f"twistedtesting.{name}" not in documented:
            _logger.warning(
                "twistedtesting.%s is in __all__ but not documented; "
                "add it to docs/api.rst",
                name,
            )


def _splitModule(target: str) -> tuple[ModuleType, str] | None:
    """
    Split a dotted name into the longest importable module it starts with and
    the rest (``""`` when the name is a module), or ``None``.
    """
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        return module, ".".join(parts[end:])
    return None


def _resolveOutside(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """
    Resolve the Python references that no page here can: a name in the
    standard library becomes a link to its entry on docs.python.org, and a
    type variable (which has no page anywhere) is shown as plain text.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    found = _splitModule(target)
    if found is None:
        return None
    module, rest = found
    value: object = module
    for attribute in rest.split(".") if rest else []:
        value = getattr(value, attribute, None)
    if isinstance(value, TypeVar):
        return contnode
    if target.split(".")[0] not in sys.stdlib_module_names or value is None:
        return None
    anchor = target if rest else f"module-{target}"
    reference = nodes.reference(
        "",
        "",
        internal=False,
        refuri=f"https://docs.python.org/3/library/{module.__name__}.html#{anchor}",
        reftitle=target,
    )
    reference.append(contnode)
    return reference


def _definingModule(name: str) -> str | None:
    """
    Return the private module of twistedtesting whose source defines the
    public name ``name``, or ``None``.

    twistedtesting's public names are defined in private modules and
    re-exported, and their ``__module__`` is set to ``twistedtesting``; this
    finds the source that autodoc and viewcode need.
    """
    import twistedtesting

    for info in pkgutil.iter_modules(twistedtesting.__path__, "twistedtesting."):
        if not info.name.rpartition(".")[2].startswith("_"):
            continue
        analyzer = ModuleAnalyzer.for_module(info.name)
        if name in analyzer.find_tags() or ("", name) in analyzer.find_attr_docs():
            return info.name
    return None


def _followImported(app: Sphinx, modname: str, fullname: str) -> str | None:
    """
    Show the source of a public name in the private module that defines it.
    """
    if modname != "twistedtesting":
        return None
    return _definingModule(fullname.partition(".")[0])


def _documentData(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    lines: list[str],
) -> None:
    """
    Give a public constant the docstring written under it in the private
    module that defines it, rather than its type's (such as ``str``'s).
    """
    module, _, attribute = name.rpartition(".")
    if what != "data" or module != "twistedtesting":
        return
    defining = _definingModule(attribute)
    if defining is None:
        return
    docs = ModuleAnalyzer.for_module(defining).find_attr_docs().get(("", attribute))
    if docs:
        lines[:] = list(docs)


def _protocolSignature(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    returnAnnotation: str | None,
) -> tuple[str, str | None] | None:
    """
    Show no constructor signature for a :class:`typing.Protocol`: it
    describes objects, it is not instantiated.
    """
    if what == "class" and getattr(obj, "_is_protocol", False):
        return "", returnAnnotation
    return None


# How autodoc writes a zope.interface interface into a signature: its repr.
_interfaceRepr = re.compile(r"<InterfaceClass ([\w.]+)>")


def _interfaceNames(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    returnAnnotation: str | None,
) -> tuple[str | None, str | None] | None:
    """
    Name an interface in a signature (``clock: IReactorTime``) by its dotted
    name instead of its repr, ``<InterfaceClass ...>``, which is not Python:
    Sphinx could neither parse nor link a signature that has it.  Leave other
    signatures to the next handler.

    autodoc writes the signatures of ``@overload`` variants without this
    event, so a method with overloads is documented with a hand-written
    signature in ``api.rst``.
    """
    if "<InterfaceClass " not in f"{signature}{returnAnnotation}":
        return None

    def plain(text: str | None) -> str | None:
        return None if text is None else _interfaceRepr.sub(r"\1", text)

    return plain(signature), plain(returnAnnotation)


def setup(app: Sphinx) -> None:
    app.connect("env-check-consistency", _checkPublicNamesDocumented)
    app.connect("missing-reference", _resolveOutside)
    app.connect("viewcode-follow-imported", _followImported)
    app.connect("autodoc-process-docstring", _documentData)
    app.connect("autodoc-process-signature", _protocolSignature)
    app.connect("autodoc-process-signature", _interfaceNames)
