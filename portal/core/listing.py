"""Run a list query as one page, by keyset: a page is read from where the previous one ended
(``WHERE (sort key, id) > (last row's)``), never by skipping rows with OFFSET, so page 2,000 of a
100,000-row list costs what page 1 costs. The total comes from one aggregate COUNT, or from the
caller when it already knows it (the matrix's status counts)."""

from __future__ import annotations

import base64
import binascii
import itertools
import json
from array import array
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from portal.core.kept import KeptParts, keep_under, known_under
from portal.core.paging import LAST, Page, Sort, page_of

T = TypeVar("T")
BUILT = "portal_built_statements"
BUILT_STATEMENTS = 1024  # list statements kept built per application (shapes × readers' reaches × days)


class ReadFirst(sa.sql.selectable.Join):
    """An inner join whose left side SQLite reads first (it never reorders a ``CROSS JOIN``);
    other engines plan it as a plain join, from their statistics.

    A page sorted by a column of the people then walks that column's index over employees and
    finds each one's assignment or delivery by employee: 50 rows cost 50 lookups. Left to choose,
    SQLite read the whole course or notice by its index and sorted it to keep 50 (18 ms for the
    first page of 100,000, 130 for the last), and without statistics it scanned every row."""

    inherit_cache = True


@compiles(ReadFirst)
def _join(join: ReadFirst, compiler: Any, **kw: Any) -> str:
    return compiler.visit_join(join, **kw)


@compiles(ReadFirst, "sqlite")
def _cross_join(join: ReadFirst, compiler: Any, asfrom: bool = False, from_linter: Any = None, **kw: Any) -> str:
    if from_linter:
        from_linter.edges.update(itertools.product(join.left._from_objects, join.right._from_objects))
    return (join.left._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw) + " CROSS JOIN "
            + join.right._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw) + " ON "
            + join.onclause._compiler_dispatch(compiler, from_linter=from_linter, **kw))


class _ColumnWritten(FunctionElement):
    """A column written differently for some engine (see the ``@compiles`` of each subclass)."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(_ColumnWritten)
def _column(element: _ColumnWritten, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses.clauses[0], **kw)


class without_index(_ColumnWritten):  # noqa: N801 (reads as the SQL it stands for)
    """``column`` as a value SQLite cannot search by index (``+column``; other engines see the
    column): in a page read in the people's order, a filter on the row's columns is checked on each
    person's row, and SQLite must not search every matching row of the course for each person."""

    inherit_cache = True


@compiles(without_index, "sqlite")
def _unsearchable_column(element: without_index, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses.clauses[0], **kw)}"


class nulls_first(_ColumnWritten):  # noqa: N801 (reads as the SQL it stands for)
    """An index column whose NULLs come before every value, as SQLite stores them anyway: walked
    forwards it gives the ``Key(..., nulls_low=True)`` order ascending, backwards descending."""

    inherit_cache = True


@compiles(nulls_first)
def _nulls_first_column(element: nulls_first, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.clauses.clauses[0], **kw)} NULLS FIRST"


@compiles(nulls_first, "sqlite")
def _sqlite_column(element: nulls_first, compiler: Any, **kw: Any) -> str:
    return _column(element, compiler, **kw)


def first_match(branches: Sequence[tuple[Any, str]], otherwise: str) -> sa.Case:
    """``CASE`` over ``branches`` (condition, value), as a status column to show and count."""
    return sa.case(*branches, else_=otherwise)


def matching(branches: Sequence[tuple[Any, str]], otherwise: str, value: str) -> sa.ColumnElement[bool]:
    """Rows whose ``first_match`` is ``value``, as plain conditions on the columns: a planner
    estimates them from the columns' statistics and reads them from indexes, where it takes a
    ``CASE … = value`` for a rare value and plans a page as if few rows could match."""
    earlier: list[Any] = []
    for condition, branch in branches:
        if branch == value:
            return sa.and_(*(sa.not_(c) for c in earlier), condition)
        earlier.append(condition)
    return sa.and_(*(sa.not_(c) for c in earlier)) if value == otherwise else sa.false()


@dataclass(frozen=True)
class Key:
    expression: Any
    descending: bool
    nulls_low: bool = False  # NULL before every value: first ascending, last descending

    def clause(self, reverse: bool = False) -> Any:
        if self.descending != reverse:
            return self.expression.desc().nulls_last() if self.nulls_low else self.expression.desc()
        return self.expression.asc().nulls_first() if self.nulls_low else self.expression.asc()


@dataclass(frozen=True)
class Ordering:
    """The sort keys of a list, ending with a unique one, so every row has one place."""

    keys: tuple[Key, ...]

    def clauses(self, reverse: bool = False) -> list[Any]:
        return [k.clause(reverse) for k in self.keys]

    def beyond(self, values: Sequence[Any], reverse: bool = False) -> sa.ColumnElement[bool]:
        """Rows after ``values`` in this order (before them with ``reverse``). A NULL sorts after
        every value, whichever the direction (its own key puts NULLs last), unless its key is
        ``nulls_low`` (only ever the first). Keys in one direction and without NULLs compare as one
        row value, which both engines read from an index."""
        first, value = self.keys[0], values[0]
        if first.nulls_low and (value is None) == (first.descending == reverse):
            # NULLs lie beyond a value (descending), or values beyond a NULL (ascending)
            return sa.or_(self._beyond(values, reverse), first.expression.is_(None) if value is not None
                          else first.expression.is_not(None))
        return self._beyond(values, reverse)

    def _beyond(self, values: Sequence[Any], reverse: bool) -> sa.ColumnElement[bool]:
        first, value = self.keys[0], values[0]
        # The first key's bound on its own as well: a planner reads it from that column's index even
        # when the row value spans two tables (the matrix's employee number and assignment id).
        bound = (first.expression <= value if first.descending != reverse else first.expression >= value) \
            if value is not None else sa.true()
        if len({k.descending for k in self.keys}) == 1 and all(v is not None for v in values):
            row = sa.tuple_(*(k.expression for k in self.keys))
            cursor = sa.tuple_(*(v if isinstance(v, sa.BindParameter) else sa.literal(v, k.expression.type)
                                 for k, v in zip(self.keys, values)))
            return sa.and_(bound, row < cursor if first.descending != reverse else row > cursor)
        terms = []
        for i, (key, value) in enumerate(zip(self.keys, values)):
            if value is None:
                continue  # rows sharing the prefix and a NULL here differ only in later keys
            equal = [k.expression.is_(None) if v is None else k.expression == v
                     for k, v in zip(self.keys[:i], values[:i])]
            later = key.expression < value if key.descending != reverse else key.expression > value
            terms.append(sa.and_(*equal, later))
        return sa.and_(bound, sa.or_(*terms)) if terms else sa.false()


def sort_keys(sort: Sort, columns: Mapping[str, Any], tiebreak: Any, nulls_low: Collection[str] = ()) -> Ordering:
    """The chosen column (NULLs last in both engines), then ``tiebreak`` in the same direction.
    A column named in ``nulls_low`` puts its NULLs before every value instead, so that one index
    (``nulls_first``) gives its order in both directions."""
    column = columns[sort.key]
    if sort.key in nulls_low:
        return Ordering((Key(column, sort.descending, nulls_low=True), Key(tiebreak, sort.descending)))
    keys = [Key(column, sort.descending), Key(tiebreak, sort.descending)]
    if _nullable(column):
        keys.insert(0, Key(sa.case((column.is_(None), 1), else_=0), False))
    return Ordering(tuple(keys))


def _nullable(column: Any) -> bool:
    return bool(getattr(getattr(column, "expression", column), "nullable", True))


WALKED_ROWS = 1_000  # how far a page's walk reads (see Walk)
KNOWN_ROWS_READ = 1_000  # the most rows of a known order one statement looks up (see KnownOrder)
KNOWN_ORDER_ROWS = 20_000  # the most rows whose order a list keeps (two arrays of 8-byte ids: 320 KB)


@dataclass(frozen=True)
class KnownOrder:
    """What a walked list may keep once a walk has come up short: the order of every row it may
    show whatever the rows' states (``rows()``, found another way: an index of the matches), as
    each row's tiebreak (the last sort key) and ``person`` (a column its rows are found by), kept
    under ``stamps`` (read by the caller: they change with whatever decides which rows there are
    and their order). A page is then read by looking up the next rows of that order, checked as
    the walk checks them: their people in one statement, more at a time while a state filter
    leaves too few. Without stamps nothing is kept."""

    rows: Callable[[], sa.Select[Any]]
    person: sa.ColumnElement[int]
    stamps: tuple[str | None, ...] | None
    eager: bool = False  # read the order before walking: the list is viewed again (its search was seen before)


@dataclass(frozen=True)
class Walk:
    """A page read by walking the list in its order and checking ``each`` row, no further than
    :data:`WALKED_ROWS` rows of the first sort key's table past the cursor (an index range, so the
    walk stops there); when that finds too few rows, the page is read with ``otherwise`` (the same
    rows found another way: an index of the matches, then sorted). So a check that many rows pass
    costs a short walk, and one whose rows lie far apart in this order a bounded walk and the other
    way's statement. Only an order by a column without NULLs is walked (then its tiebreak); a page
    typed by number, or of another order, is read the other way at once.

    With ``known``, the first walk that comes up short, or the first page of a list viewed again
    (``eager``), reads the order of every row once and keeps it (see :class:`KnownOrder`); later
    pages are looked up in it, walking nothing."""

    each: sa.ColumnElement[bool]
    otherwise: sa.ColumnElement[bool]
    known: KnownOrder | None = None


def _walk_edge(ordering: Ordering, values: Sequence[Any] | None, reverse: bool) -> sa.ColumnElement[bool]:
    """The first key no further than :data:`WALKED_ROWS` values of its column past the cursor (its
    last value when fewer remain), as a range the walk's index scan ends at."""
    first = ordering.keys[0]
    column, forward = first.expression, first.descending == reverse
    ahead = sa.select(column).order_by(column.asc() if forward else column.desc()).offset(written(WALKED_ROWS)).limit(written(1))
    if values:
        ahead = ahead.where(column >= values[0] if forward else column <= values[0])
    last = sa.select((sa.func.max if forward else sa.func.min)(column))
    edge = sa.func.coalesce(ahead.scalar_subquery(), last.scalar_subquery())
    return column <= edge if forward else column >= edge


def written(number: int | None) -> sa.ColumnElement[int]:
    """A number written into a statement built once per shape, not bound (None as NULL): a LIMIT or
    OFFSET, or an id a good plan depends on. PostgreSQL plans a prepared statement once for all runs
    only when it judges the plan not to depend on the parameters, and it plans for any value of
    those it does: with the limit a parameter, a plan for any limit looked dearer than one per run;
    for any department, a manager's matrix took a plan that walked the whole course."""
    return sa.null() if number is None else sa.literal_column(str(int(number)), sa.Integer)


def written_in(column: sa.ColumnElement[int], ids: Iterable[int]) -> sa.ColumnElement[bool]:
    """``column IN (ids)`` with the ids written into the statement (see ``written``), for the ids a
    good plan depends on (a department, a manager's departments) in a statement built once per set
    of them: PostgreSQL then plans a prepared statement for those very ids, never for any."""
    listed = [written(id_) for id_ in ids]
    return column.in_(listed) if listed else sa.false()


def built(key: Hashable | None, build: Callable[[], T]) -> T:
    """``build()`` once per ``key`` in this application (``None``: every time). A list's statements
    are a pure function of its filter, the reader's reach, the language and the day; building them
    (SQLAlchemy's expression objects) costs more than running them, and a built statement is never
    changed (every method returns a new one), so threads share it. ``key`` names every input."""
    if key is None:
        return build()
    statements = current_app.extensions.setdefault(BUILT, KeptParts(BUILT_STATEMENTS))
    statement = statements.get(key)
    if statement is None:
        statement = build()
        statements.put(key, statement)
    return statement


def paginate(
    session: Session, stmt: sa.Select[Any], requested: int | None, size: int, ordering: Ordering,
    at: str = "", scalars: bool = True, total: int | None = None, more: bool = False, walk: Walk | None = None,
    key: Hashable | None = None, parameters: Mapping[str, Any] | None = None,
) -> tuple[list[Any], Page]:
    """One page of ``stmt`` (entities, or whole rows with ``scalars=False``, named as selected,
    followed by the sort keys as ``_key0``, ``_key1``…) and its Page.

    ``at`` is the cursor a pager link carries: after the previous page's last row, before the next
    page's first row, or the last page. Without one, page 1 (or a page number typed by hand, by
    OFFSET from the nearer end of the list) is read. ``total`` saves the COUNT when the caller has it;
    ``more``: more rows than ``total`` match, so there is no known last page, and a page reads one
    row beyond its end to know whether a next one exists. ``walk``: the rows of ``stmt`` that pass
    its check, read as :class:`Walk` says. ``key`` names everything ``stmt`` and ``ordering`` are
    built from: the page's statements are then built once per shape (see ``built``), the cursor's
    values bound as parameters, with the values of ``parameters`` (those ``stmt`` binds)."""
    given = dict(parameters or {})
    if total is None:
        total = session.execute(built(key and (key, "count"), lambda: sa.select(sa.func.count()).select_from(
            stmt.order_by(None).subquery())), given).scalar_one()
    page = page_of(requested, total, size, more)
    reading = size + 1 if more else size
    direction, values = decode_cursor(at)
    if not _fits(ordering, values):
        direction = None
    if at == LAST and not more:
        page = Page(page.pages, size, total)
    cursor = {f"_at{i}": v for i, v in enumerate(values) if v is not None} if direction else {}
    cursor.update(given)
    bound = [None if v is None else sa.bindparam(f"_at{i}", type_=k.expression.type)
             for i, (k, v) in enumerate(zip(ordering.keys, values))]
    shape = key and (key, direction, tuple(v is None for v in values))

    def keyed() -> sa.Select[Any]:
        return stmt.add_columns(*(k.expression.label(f"_key{i}") for i, k in enumerate(ordering.keys)))

    def ordered(reverse: bool, beyond: bool, *checks: sa.ColumnElement[bool]) -> sa.Select[Any]:
        within = [ordering.beyond(bound, reverse=reverse)] if beyond else []
        return keyed().where(*within, *checks).order_by(*ordering.clauses(reverse=reverse))

    def read(reverse: bool, limit: int, offset: int = 0, beyond: bool = False) -> list[Any]:
        """``limit`` rows from ``offset`` in the list's order (or reversed), past the cursor if ``beyond``."""
        parameters = cursor if beyond else given
        if walk is None:
            statement = built(shape and (shape, reverse, limit, offset, beyond),
                              lambda: ordered(reverse, beyond).limit(written(limit)).offset(written(offset)))
            return _rows(session, statement, parameters, not scalars)
        walked = shape and (shape, reverse, limit, offset, beyond, WALKED_ROWS)
        known = Known(walk.known, key, given) if walk.known is not None and key is not None else None
        if known is not None and (known.order() if not walk.known.eager else known.read(session, ordering)) is not None:
            rows = known.page(session, ordered, walk.each, values if beyond else None, reverse, limit, offset, not scalars)
            if rows is not None:
                return rows
        if not offset and len(ordering.keys) == 2 and not ordering.keys[0].nulls_low:  # a column without NULLs
            rows = _rows(session, built(walked and (walked, "walk"), lambda: ordered(
                reverse, beyond, walk.each, _walk_edge(ordering, bound if beyond else None, reverse)).limit(written(limit))),
                parameters, not scalars)
            if len(rows) == limit:
                return rows
        if known is not None and known.read(session, ordering) is not None:
            rows = known.page(session, ordered, walk.each, values if beyond else None, reverse, limit, offset, not scalars)
            if rows is not None:
                return rows
        return _rows(session, built(walked and (walked, "matches"), lambda: _matches_page(
            session, ordered(reverse, beyond, walk.otherwise), ordering, reverse, limit, offset)), parameters,
            not scalars)

    if direction is None and page.number > 1 and page.offset * 2 >= total and not more:
        # Past the middle (a typed page number, or the last page), read from the end backwards:
        # OFFSET skips at most half the rows.
        shown = min(size, total - page.offset)
        rows = read(True, shown, total - page.offset - shown)[::-1]
    elif direction == "after" and page.number > 1:
        rows = read(False, reading, beyond=True)
    elif direction == "before" and page.number > 1:
        rows = read(True, size, beyond=True)[::-1]
        if len(rows) < size:  # rows were removed before this one: this is the first page now
            page = Page(1, size, total, more=more)
            rows = read(False, reading)
    else:
        rows = read(False, reading, page.offset)
    past_end = more and len(rows) > size and direction != "before"  # the row read past the page's end
    rows = rows[:size]
    found = [row[0] for row in rows] if scalars else rows
    if rows:
        keys = len(ordering.keys)  # the last columns of each row
        ahead = not more or past_end or direction == "before"
        page = Page(page.number, size, total, previous_at=encode_cursor("before", rows[0][-keys:]),
                    next_at=encode_cursor("after", rows[-1][-keys:]) if ahead else None, more=more, shown=len(rows))
    return found, page


class Known:
    """A walked list's :class:`KnownOrder` for one page: its kept order (``order``), read and kept
    by ``read``, and a page looked up in it (``page``)."""

    def __init__(self, known: KnownOrder, key: Hashable, parameters: Mapping[str, Any]) -> None:
        self.known = known
        self.key = ("known order", key, tuple(sorted(parameters.items())))
        self.parameters = parameters

    def order(self) -> tuple[array[int], array[int]] | None:
        """The tiebreaks (ids) of the list's rows in its order, and each row's person; None unless
        kept (or when the list had more rows than an order is kept for)."""
        kept = known_under(self.known.stamps, self.key)
        return kept if kept is not None and len(kept[0]) else None

    def read(self, session: Session, ordering: Ordering) -> tuple[array[int], array[int]] | None:
        """Read the order and keep it (None when it cannot be kept)."""
        if known_under(self.known.stamps, self.key) is not None or self.known.stamps is None:
            return self.order()
        tiebreak = ordering.keys[-1].expression
        statement = built((self.key[1], "known order"), lambda: self.known.rows().with_only_columns(
            tiebreak, self.known.person).order_by(*ordering.clauses()).limit(written(KNOWN_ORDER_ROWS + 1)))
        rows = routed_rows(session, statement, self.parameters).all()
        if len(rows) > KNOWN_ORDER_ROWS:  # kept as empty: not read again, the list walked as before
            rows = []
        keep_under(self.known.stamps, self.key, (array("q", (row[0] for row in rows)), array("q", (row[1] for row in rows))))
        return self.order()

    def page(self, session: Session, ordered: Callable[..., sa.Select[Any]], each: sa.ColumnElement[bool],
             cursor: Sequence[Any] | None, reverse: bool, limit: int, offset: int, plain: bool) -> list[Any] | None:
        """``limit`` rows in the list's order (or reversed) from ``offset``, or past ``cursor``
        (its values; the last one is the row's tiebreak), looked up by their people in the kept
        order and checked with ``each``; None when the cursor's row is not in it."""
        order = self.order()
        if order is None:
            return None
        tiebreaks, people = order
        if cursor is not None:
            try:
                at = tiebreaks.index(cursor[-1])
            except ValueError:
                return None
            ahead = range(at - 1, -1, -1) if reverse else range(at + 1, len(tiebreaks))
        else:
            ahead = range(len(tiebreaks) - 1 - offset, -1, -1) if reverse else range(offset, len(tiebreaks))
        found: list[Any] = []
        size = limit
        dialect = session.get_bind().dialect.name
        statement = built((self.key[1], "known page", reverse), lambda: ordered(
            reverse, False, each, _among(self.known.person, "_people", dialect)))
        while ahead and len(found) < limit:
            taken, ahead = ahead[:size], ahead[size:]
            wanted = {tiebreaks[i] for i in taken}
            looked_up = [people[i] for i in taken]
            rows = _rows(session, statement, {**self.parameters, "_people": _ids(looked_up, dialect)}, plain)
            kept = [row for row in rows if row[-1] in wanted]  # a person's rows outside the range: not these
            found += kept
            size = _next_size(limit - len(found), len(taken), len(kept))
        return found[:limit]


def _next_size(needed: int, looked_up: int, found: int) -> int:
    """How many rows of a known order to look up next for ``needed`` more rows, when ``looked_up``
    rows gave ``found`` (a state filter passes some): as many as that rate needs and a quarter
    more, four times as many when none passed; at most :data:`KNOWN_ROWS_READ`."""
    wanted = looked_up * 4 if not found else -(-needed * looked_up * 5 // (found * 4))
    return min(max(wanted, 16), KNOWN_ROWS_READ)


def _among(column: sa.ColumnElement[int], name: str, dialect: str) -> sa.ColumnElement[bool]:
    """``column`` among the ids given as the one parameter ``name`` (see ``_ids``), whatever their
    number: one statement for any, and no parameter per id to convert."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=sa.ARRAY(sa.Integer)))
    listed = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
    return column.in_(sa.select(listed.c.value))


def _ids(ids: list[int], dialect: str) -> Any:
    """The value of an ``_among`` parameter: an array on PostgreSQL, a JSON list on SQLite."""
    return ids if dialect == "postgresql" else json.dumps(ids)


def _matches_page(session: Session, found: sa.Select[Any], ordering: Ordering, reverse: bool, limit: int,
                  offset: int) -> sa.Select[Any]:
    """A page of the rows ``found`` reads from an index of the matches, sorted."""
    if session.get_bind().dialect.name == "sqlite":
        return found.limit(written(limit)).offset(written(offset))
    # The matches read apart (OFFSET 0 keeps the subquery whole), then sorted: given the page's
    # order, PostgreSQL walked that index again, checking every row, however far the matches lay.
    matches = found.order_by(None).offset(written(0)).subquery()
    order = [Key(matches.c[f"_key{i}"], k.descending, k.nulls_low).clause(reverse) for i, k in enumerate(ordering.keys)]
    return sa.select(*matches.c).order_by(*order).limit(written(limit)).offset(written(offset))


def _rows(session: Session, stmt: sa.Select[Any], parameters: Mapping[str, Any], plain: bool) -> list[Any]:
    """The rows of ``stmt``: ``plain`` ones (columns, no entities) without the ORM's loading of each
    row (a page's fifty rows cost a third as much to build)."""
    if plain:
        return list(routed_rows(session, stmt, parameters).all())
    return list(session.execute(stmt, parameters).all())


def routed_rows(session: Session, stmt: sa.Select[Any], parameters: Mapping[str, Any]) -> sa.CursorResult[Any]:
    """The plain rows of ``stmt`` on the session's connection to the engine its routing picks for
    that statement (the replica inside a report view, as ``session.execute`` would), without the
    ORM's execution layer."""
    return session.connection(bind_arguments={"clause": stmt}).execute(stmt, parameters)


def _fits(ordering: Ordering, values: Sequence[Any]) -> bool:
    """A cursor holds one value of the right type per key (a forged one would make the database
    fail on a date that is not one, or on an integer wider than 64 bits)."""
    if len(values) != len(ordering.keys):
        return False
    for key, value in zip(ordering.keys, values):
        try:
            expected = key.expression.type.python_type
        except NotImplementedError:
            expected = object
        if value is not None and not isinstance(value, expected):
            return False
        if isinstance(value, int) and not -(2 ** 63) <= value < 2 ** 63:  # beyond any database integer
            return False
    return True


# Cursors: "after.<base64 JSON of the key values>", "before.…" or "last". Anything else reads as
# no cursor, so a damaged link shows a page instead of an error.


def encode_cursor(direction: str, values: Sequence[Any]) -> str:
    payload = json.dumps([_tagged(v) for v in values], separators=(",", ":"))
    return f"{direction}.{base64.urlsafe_b64encode(payload.encode()).decode().rstrip('=')}"


def decode_cursor(at: str) -> tuple[str | None, list[Any]]:
    direction, _, payload = (at or "").partition(".")
    if direction not in ("after", "before"):
        return None, []
    try:
        raw = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return direction, [_untagged(v) for v in raw]
    except (ValueError, TypeError, KeyError, binascii.Error):
        return None, []


def _tagged(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        (tag, text), = value.items()
        return {"dt": datetime.fromisoformat, "d": date.fromisoformat, "n": Decimal}[tag](text)
    if not isinstance(value, (str, int, float, type(None))):
        raise ValueError("not a key value")
    return value
