"""Selectors that say how many matches they expect, and fail loudly otherwise."""

from parsel import Selector, SelectorList


class LayoutError(ValueError):
    """A page whose markup is not what its parser was written for."""


def exactly_one(root: Selector, css: str) -> Selector:
    found = root.css(css)
    if len(found) != 1:
        raise LayoutError(f"expected one {css!r}, found {len(found)}")
    return found[0]


def at_most_one(root: Selector, css: str) -> Selector | None:
    found = root.css(css)
    if len(found) > 1:
        raise LayoutError(f"expected at most one {css!r}, found {len(found)}")
    return found[0] if found else None


def text_of(selection: Selector | SelectorList | None) -> str | None:
    """The element's whole text, whitespace folded; None when absent or empty."""
    if selection is None:
        return None
    text = " ".join(" ".join(selection.css("::text").getall()).split())
    return text or None
