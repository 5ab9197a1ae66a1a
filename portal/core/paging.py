"""Numbered pages with totals and whitelisted sorting for the long lists. Pure Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LAST = "last"  # the cursor of the last page: read backwards from the end


@dataclass(frozen=True)
class Page:
    """Page ``number`` (1-based) of ``total`` rows, ``size`` rows a page.

    ``more``: more than ``total`` rows match (a search counts only so far), so the last page is
    not known: the page links its neighbours only, and ``shown`` says how many rows it holds."""

    number: int
    size: int
    total: int
    previous_at: str | None = None  # cursors of the neighbouring pages (see portal.core.listing)
    next_at: str | None = None
    more: bool = False
    shown: int = 0

    @property
    def pages(self) -> int:
        if self.more:  # as far as is known: this page and the next, if there is one
            return self.number + (1 if self.next_at else 0)
        return max(-(-self.total // self.size), 1)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_row(self) -> int:
        return self.offset + 1 if (self.shown if self.more else self.total) else 0

    @property
    def last_row(self) -> int:
        if self.more:
            return self.offset + self.shown
        return min(self.offset + self.size, self.total)

    @property
    def told_total(self) -> tuple[int, bool]:
        """The total the pager states, and whether it is "more than" that: with ``more``, the rows
        counted or, past them, the rows up to this page's end while a next page follows; the last
        page of such a list knows its total."""
        if not self.more:
            return self.total, False
        if self.next_at is None and self.last_row > self.total:
            return self.last_row, False
        return max(self.total, self.last_row), True

    def cursor_to(self, number: int) -> str | None:
        """The cursor a link to page ``number`` carries: the neighbours and the last page are read
        by keyset; the first needs none."""
        if number == self.number - 1:
            return self.previous_at
        if number == self.number + 1:
            return self.next_at
        return LAST if number == self.pages and number != 1 and not self.more else None

    def window(self, around: int = 1) -> list[int | None]:
        """Page numbers to link: the first, the last and ``around`` either side of this one;
        ``None`` marks a gap ("…")."""
        keep = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        numbers = sorted(n for n in keep if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in numbers:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def page_of(requested: int | None, total: int, size: int, more: bool = False) -> Page:
    """The page to show: the requested one, clamped into range (bad input never errors); with
    ``more`` rows than ``total``, the last page is not known, so only from below."""
    pages = max(-(-total // size), 1)
    number = max(requested or 1, 1)
    return Page(number if more else min(number, pages), size, total, more=more)


@dataclass(frozen=True)
class Sort:
    """A column key from a whitelist and its direction, read from ``name`` or ``-name``."""

    key: str
    descending: bool = False

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def toggled_for(self, key: str) -> str:
        """The ``sort`` value a column header links to: ascending first, then reversed."""
        return f"-{key}" if key == self.key and not self.descending else key


def sort_of(requested: str | None, allowed: Sequence[str], default: str) -> Sort:
    """The requested sort if its column is allowed, else ``default`` (``-key`` for descending)."""
    value = (requested or "").strip()
    if value.lstrip("-") not in allowed:
        value = default
    return Sort(value.lstrip("-"), value.startswith("-"))
