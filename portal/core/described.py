"""psycopg cursors whose result description is made when it is read.

psycopg makes a ``Column`` object for each column of a result every time ``cursor.description`` is
asked for: 0.65 µs a column, 33 µs for a receipt page's statement of 50 columns. SQLAlchemy asks
after every statement, but for a statement whose compiled form it keeps (every statement the portal
builds) it reads only whether there is a description, not what is in it. This cursor answers with a
description holding the result, whose columns are made the first time anything reads them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import psycopg
from psycopg import pq

_ROWS = frozenset({pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK})


class _Result:
    """What ``psycopg.Column`` reads of a cursor, as it stood when the description was asked for."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.pgresult, self._encoding, self.adapters = cursor.pgresult, cursor._encoding, cursor.adapters


class Description(Sequence[psycopg.Column]):
    """A result's description, the same columns as psycopg's, made on first read."""

    __slots__ = ("_result", "_width", "_columns")

    def __init__(self, cursor: psycopg.Cursor[Any], width: int) -> None:
        self._result, self._width, self._columns = _Result(cursor), width, None

    def _made(self) -> list[psycopg.Column]:
        if self._columns is None:
            self._columns = [psycopg.Column(self._result, index) for index in range(self._width)]  # type: ignore[arg-type]
            self._result = None  # the result is no longer held
        return self._columns

    def __len__(self) -> int:
        return self._width

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...

    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        return self._made()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return repr(self._made())


class DescribedWhenRead(psycopg.Cursor[Any]):
    """psycopg's cursor, with :class:`Description` for ``description`` (None exactly when psycopg's is)."""

    @property
    def description(self) -> Description | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):
            return Description(self, result.nfields)
        return None
