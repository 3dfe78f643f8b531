"""HTML for the report and the publication tables, built in one place.

`element` escapes every text child and every attribute value it is given; only `Markup` — what `element`
and `join` return — passes through unescaped. Nothing read from a data file (sample ids, category levels,
column names, notes, file names) can therefore become markup: it reaches the page only as text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

# elements without content or closing tag
_VOID = {"br", "img", "meta"}


class Markup(str):
    """HTML built by `element` or `join`: inserted as it is."""


Child = str | int | float | Markup | None


def text(value: Child) -> Markup:
    """`value` as text in HTML: escaped unless it is already markup (None: nothing)."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def join(children: Iterable[Child], separator: Child = "") -> Markup:
    """Children side by side, each as `text` gives it."""
    return Markup(text(separator).join(text(child) for child in children))


def element(name: str, *children: Child, **attributes: str | int | None) -> Markup:
    """``<name attributes>children</name>``; `class_` is written ``class``, `data_x` ``data-x``; an
    attribute whose value is None is left out."""
    written = "".join(f' {key.rstrip("_").replace("_", "-")}="{text(value)}"'
                      for key, value in attributes.items() if value is not None)
    if name in _VOID:
        return Markup(f"<{name}{written}>")
    return Markup(f"<{name}{written}>{join(children)}</{name}>")
