"""A parsed HTML page for the output checks: lxml's parser (libxml2) behind the few tree operations
the checks use. Parsing every built page with BeautifulSoup's pure-Python parser was half of a
six-language build; libxml2 parses the same pages about twenty times faster.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

import lxml.html
from lxml import etree

# Attributes HTML defines as lists of tokens: read as lists, as the checks expect.
_LISTS = ("class", "rel")
_SILENT = ("script", "style", "template")


class Node:
    __slots__ = ("el",)

    def __init__(self, el) -> None:
        self.el = el

    @property
    def name(self) -> str | None:
        return self.el.tag.lower() if isinstance(self.el.tag, str) else None

    def get(self, key: str, default=None):
        value = self.el.get(key)
        if value is None:
            return default
        return value.split() if key in _LISTS else value

    def __getitem__(self, key: str):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def has_attr(self, key: str) -> bool:
        return key in self.el.attrib

    @property
    def parents(self) -> Iterator["Node"]:
        parent = self.el.getparent()
        while parent is not None:
            yield Node(parent)
            parent = parent.getparent()

    def find_all(self, name: str | bool | None = None, attrs: dict | None = None) -> list["Node"]:
        """Descendants (not the node itself) with this tag name and these attributes (True: present).

        Asked as XPath, so libxml2 walks the tree, not Python (the checks ask ten times per page)."""
        return [Node(el) for el in _xpath(name, attrs)(self.el)]

    def select(self, xpath: str) -> list["Node"]:
        """Elements matching an XPath expression, relative to this node."""
        return [Node(el) for el in _compiled(xpath)(self.el)]

    def find(self, name: str | None = None, attrs: dict | None = None) -> "Node | None":
        found = self.find_all(name, attrs)
        return found[0] if found else None

    def get_text(self, separator: str = "") -> str:
        """The text a reader gets: as BeautifulSoup, without scripts, styles and templates."""
        parts: list[str] = []

        def walk(el) -> None:
            if isinstance(el.tag, str) and el.tag.lower() in _SILENT:
                return
            if isinstance(el.tag, str) and el.text:
                parts.append(el.text)
            for child in el:
                walk(child)
                if child.tail:
                    parts.append(child.tail)

        walk(self.el)
        return separator.join(parts)

    @property
    def string(self) -> str | None:
        return self.el.text if len(self.el) == 0 else None


@lru_cache(maxsize=64)
def _xpath_text(name: str | None, attrs: tuple) -> etree.XPath:
    path = ".//" + (name.lower() if name else "*")
    for key, value in attrs:
        if not re.fullmatch(r"[A-Za-z_][\w.-]*", key):
            raise ValueError(f"attribute name {key!r}")
        if value is True:
            path += f"[@{key}]"
        else:
            text = str(value)
            literal = f"'{text}'" if "'" not in text else f'"{text}"' if '"' not in text else \
                "concat('" + text.replace("'", "', \"'\", '") + "')"
            path += f"[@{key}={literal}]"
    return etree.XPath(path)


@lru_cache(maxsize=16)
def _compiled(xpath: str) -> etree.XPath:
    return etree.XPath(xpath)


def _xpath(name, attrs) -> etree.XPath:
    return _xpath_text(name if isinstance(name, str) else None, tuple((attrs or {}).items()))


def parse(html: str | bytes) -> Node:
    """The whole document, as a node whose descendants are every element (``<html>`` included)."""
    root = lxml.html.document_fromstring(html)
    holder = lxml.html.Element("document")
    holder.append(root)
    return Node(holder)
