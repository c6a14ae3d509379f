"""
Sphinx configuration for twistedtesting's documentation.

Build it from the repository's root with::

    python -m sphinx -W --keep-going -n -b html docs docs/_build/html
"""

from __future__ import annotations

import configparser
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from docutils import nodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from zope.interface.interface import InterfaceClass

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
# without network access): _resolveOutside below links references to the
# standard library to docs.python.org, Twisted's to its API reference, and a
# few of zope.interface's to its documentation, once it has imported them, so
# that a misspelt name is still a warning.
nitpicky = True


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


# Twisted's API reference is made by pydoctor: a page for each module
# (twisted.internet.task.html) and for each class or interface
# (twisted.internet.task.Clock.html), where a function, method or attribute
# is an anchor (#advance).
_TWISTED_API = "https://docs.twisted.org/en/stable/api/"

# zope.interface's documentation is written by hand, with Sphinx, so only the
# names that a test author meets are linked, each to the page and anchor
# under which it is documented there.
_ZOPE_INTERFACE_DOCS = "https://zopeinterface.readthedocs.io/en/latest/"
_ZOPE_INTERFACE_PAGES = {
    "zope.interface.Interface": "api/specifications.html#zope.interface.Interface",
    "zope.interface.Attribute": (
        "api/specifications.html#zope.interface.interface.Attribute"
    ),
    "zope.interface.Invalid": "verify.html#zope.interface.Invalid",
    "zope.interface.implementer": (
        "api/declarations.html#zope.interface.declarations.implementer"
    ),
    "zope.interface.provider": (
        "api/declarations.html#zope.interface.declarations.provider"
    ),
    "zope.interface.providedBy": (
        "api/declarations.html#zope.interface.declarations.providedBy"
    ),
    "zope.interface.directlyProvides": (
        "api/declarations.html#zope.interface.declarations.directlyProvides"
    ),
    "zope.interface.alsoProvides": (
        "api/declarations.html#zope.interface.declarations.alsoProvides"
    ),
    "zope.interface.verify.verifyObject": (
        "verify.html#zope.interface.verify.verifyObject"
    ),
    "zope.interface.verify.verifyClass": (
        "verify.html#zope.interface.verify.verifyClass"
    ),
}


def _exported(module: ModuleType | None, name: str) -> bool:
    """
    Whether ``module`` names ``name`` in its ``__all__``.
    """
    return module is not None and name in getattr(module, "__all__", ())


def _documentedAt(definition: object) -> str | None:
    """
    Return the dotted name under which pydoctor documents ``definition``, a
    class, interface or function: where it is defined, unless another module
    re-exports it (names it in its ``__all__``) and the defining module does
    not, in which case pydoctor documents it there instead.
    """
    definer = getattr(definition, "__module__", None)
    own = getattr(definition, "__qualname__", None)
    if own is None:
        # An interface has no __qualname__.
        own = getattr(definition, "__name__", None)
    if not isinstance(definer, str) or not isinstance(own, str):
        return None
    if "." not in own and not _exported(sys.modules.get(definer), own):
        package = definer.partition(".")[0]
        for name, module in list(sys.modules.items()):
            if name == definer or name.partition(".")[0] != package:
                continue
            for exported in getattr(module, "__all__", ()):
                if getattr(module, exported, None) is definition:
                    return f"{name}.{exported}"
    return f"{definer}.{own}"


def _memberOwner(container: object, member: str) -> object | None:
    """
    Return the class or interface, ``container`` or one it inherits from,
    that defines ``member``, or ``None`` if none does.
    """
    if isinstance(container, InterfaceClass):
        found = container.get(member)
        return None if found is None else found.interface
    if not isinstance(container, type):
        return None
    for klass in inspect.getmro(container):
        if member in vars(klass):
            return klass
    return None


def _isDefinition(value: object) -> bool:
    """
    Whether pydoctor gives ``value`` a page of its own: a class or an
    interface.
    """
    return isinstance(value, type | InterfaceClass)


def _twistedURL(target: str) -> str | None:
    """
    Return the address of the page, and anchor, of Twisted's API reference
    that documents the dotted name ``target``, or ``None`` if ``target``
    cannot be imported or is not a name that the reference documents.
    """
    found = _splitModule(target)
    if found is None:
        return None
    module, rest = found
    if not rest:
        return f"{_TWISTED_API}{module.__name__}.html"
    first, *members = rest.split(".")
    value = getattr(module, first, None)
    if value is None:
        return None
    if not (_isDefinition(value) or inspect.isfunction(value)):
        # A constant or other attribute: an anchor on its module's page.
        return None if members else f"{_TWISTED_API}{module.__name__}.html#{first}"
    page = _documentedAt(value)
    if page is None:
        return None
    if not _isDefinition(value):
        # A function: an anchor on the page of the module that documents it.
        home, _, name = page.rpartition(".")
        return None if members else f"{_TWISTED_API}{home}.html#{name}"
    container = value
    for index, member in enumerate(members):
        owner = _memberOwner(container, member)
        if owner is None:
            return None
        if owner is not container:
            # An inherited member: documented on its defining class's page.
            page = _documentedAt(owner)
            if page is None or not page.startswith("twisted."):
                return None
        if isinstance(owner, InterfaceClass):
            value = owner.get(member)
        else:
            value = vars(owner)[member]
        last = index == len(members) - 1
        if isinstance(value, type):
            # A nested class has a page of its own.
            container, page = value, f"{page}.{member}"
            if last:
                return f"{_TWISTED_API}{page}.html"
            continue
        return f"{_TWISTED_API}{page}.html#{member}" if last else None
    return f"{_TWISTED_API}{page}.html"


def _zopeInterfaceURL(target: str) -> str | None:
    """
    Return the address of the documentation of the zope.interface name
    ``target``, if ``_ZOPE_INTERFACE_PAGES`` lists it and it can be
    imported, else ``None``.
    """
    page = _ZOPE_INTERFACE_PAGES.get(target)
    found = _splitModule(target)
    if page is None or found is None:
        return None
    module, rest = found
    value: object = module
    for attribute in rest.split(".") if rest else []:
        value = getattr(value, attribute, None)
    return None if value is None else f"{_ZOPE_INTERFACE_DOCS}{page}"


def _resolveOutside(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """
    Resolve the Python references that no page here can: a name in the
    standard library becomes a link to its entry on docs.python.org, a name
    of Twisted's a link to its page in Twisted's API reference, a name of
    zope.interface's that ``_ZOPE_INTERFACE_PAGES`` lists a link to its
    documentation, and a type variable (which has no page anywhere) is shown
    as plain text.  Each name is imported first: one that does not exist
    stays unresolved, and Sphinx warns about it.
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
    top = target.split(".")[0]
    refuri: str | None = None
    if top == "twisted":
        refuri = _twistedURL(target)
    elif top == "zope":
        refuri = _zopeInterfaceURL(target)
    elif top in sys.stdlib_module_names and value is not None:
        anchor = target if rest else f"module-{target}"
        refuri = f"https://docs.python.org/3/library/{module.__name__}.html#{anchor}"
    if refuri is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=refuri, reftitle=target)
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
