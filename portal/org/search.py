"""Finding employees by what HR types: a trigram index over name, number, phone and user name.

A query of three or more characters finds the employees one of whose fields contains it; a
shorter one (a surname, a number's first digits) those one of whose fields starts with it, since a
substring of one or two characters matches too much to index. Either way a department whose code or
name (either language) contains the query brings its employees: departments are few and scanned.
Case is ignored for ASCII letters and the query is taken literally (``%``, ``_`` and ``\\`` are
characters, not wildcards).

SQLite keeps an FTS5 table with the trigram tokenizer in step with ``employees`` and ``users``
by triggers; each field is stored lower-cased and prefixed with two ``\\x01`` so that its first one
or two characters form trigrams of their own, which is what the short queries look up. A trigram
phrase matches exactly the substrings, so SQLite needs no second check. PostgreSQL indexes the same
trigrams (an array per row, GIN) through an immutable function, because ``pg_trgm`` ignores Chinese
characters in databases with the C locale; the index gives candidates and ``LIKE`` checks them.

A search counts its matches up to :data:`COUNTED_MATCHES` and beyond says "more than": counting
all of a common query's matches (and their statuses in the matrix) grows with them. A page of many
matches walks the list in its order checking each row (``Found.walked``, bounded: see
``portal.core.listing.Walk``); a page of few reads the matches from the index and sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.kept import keep_under, kept_under, known_under
from portal.core.listing import built, written
from portal.extensions import db
from portal.org.models import Department, Employee

SHORTEST_SUBSTRING = 3  # the trigram index finds substrings from this length; shorter queries match prefixes
PAD = "\x01\x01"  # marks where a field starts, so its first characters make trigrams of their own
SQLITE_INDEX = "employee_search"
# A search counts its matches up to this many (the matrix: their statuses); beyond, the page says
# "more than" and reads its rows by walking the sort order, checking each person.
COUNTED_MATCHES = 100
FEW_ACCOUNTS = 100  # PostgreSQL: a walked page checks up to this many accounts found by the index at once


PG_INDEXES = ("ix_employees_search", "ix_users_search")
_SQLITE_TABLE = sa.table(SQLITE_INDEX, sa.column("rowid"), sa.column(SQLITE_INDEX))  # one object: joined, then matched


def is_search_index(name: str) -> bool:
    """The FTS5 table and its shadow tables, or an expression index: the models do not describe
    them (autogenerate leaves them alone)."""
    return name in PG_INDEXES or name == SQLITE_INDEX or name.startswith(f"{SQLITE_INDEX}_")


def autogenerate_includes(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name``: compare everything but the search index."""
    return not (type_ in ("table", "index") and name is not None and is_search_index(name))


def search_terms(query: str) -> str:
    """The query as searched: without surrounding blanks and control characters (fields never
    contain them, and ``\\x01`` marks a field's start in the index)."""
    return "".join(ch for ch in query if ch >= " " and ch != "\x7f").strip()


@dataclass(frozen=True)
class Found:
    """The condition on ``Employee`` that a query sets, written two ways, with the query's values as
    bound parameters (``parameters``, to pass with every statement built from it): the conditions
    depend only on ``shape``, so the statements a search builds are built once per shape (see
    ``portal.core.listing.built``) like the lists' own."""

    indexed: sa.ColumnElement[bool]  # the matches read from the search index: a page of few matches
    walked: sa.ColumnElement[bool]  # checked on each row, for a page walking an index in its sort order
    match: sa.ColumnElement[bool] | None = None  # SQLite, no department named: the index's MATCH alone
    shape: Hashable = None  # everything the conditions are built from but the parameters
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def counted(self, stmt: sa.Select) -> sa.Subquery:
        """At most :data:`COUNTED_MATCHES` + 1 rows of ``stmt`` (over ``Employee``) that the query
        finds, to count: a search counts its matches exactly up to that many, and beyond says only
        that there are more. On SQLite the index is joined, so its matches stream and reading
        stops at the limit (as ``IN``, SQLite lists every match first)."""
        if self.match is not None:
            stmt = stmt.join(_SQLITE_TABLE, _SQLITE_TABLE.c.rowid == Employee.id).where(self.match)
        else:
            stmt = stmt.where(self.indexed)
        return stmt.order_by(None).limit(written(COUNTED_MATCHES + 1)).subquery()

    def key(self, *names: Hashable) -> tuple[Hashable, ...]:
        """A statement's ``built`` key: ``names`` and what a search's statements are built from."""
        return (*names, "search", self.shape, COUNTED_MATCHES)


@dataclass(frozen=True)
class StateCounts:
    """A searched list's rows by state, as far as a search counts them."""

    by_state: dict[str, int]  # every row's state; empty when ``more``
    more: bool  # more rows than :data:`COUNTED_MATCHES`: their states are not known
    filtered: int | None  # the rows of the filtered state, when that is known (at most as many)
    seen: bool = False  # ``more`` was known from an earlier view (see ``count_states``)

    def page_total(self, state: str | None) -> tuple[int, bool]:
        """The total of a page of the list (of one ``state``, or all), and whether it is only a lower
        bound ("more than")."""
        if state is not None and self.filtered is not None:
            return self.filtered, False
        if self.more:
            return COUNTED_MATCHES, True
        return (self.by_state.get(state, 0) if state is not None else sum(self.by_state.values())), False


def count_states(search: Found, rows: Callable[[], sa.Select], filtered: Callable[[], sa.ColumnElement[bool]] | None,
                 key: Hashable, members: tuple[str | None, ...] | None = None) -> StateCounts:
    """One statement: the states of ``rows()`` (over ``Employee``, selecting a column ``state``) as
    long as there are at most :data:`COUNTED_MATCHES`, and, under a state filter, the ``filtered()``
    rows counted apart (as far), so a filtered page's total is exact whenever that state has few.
    ``key`` names everything ``rows`` and ``filtered`` are built from (the statement is built once).

    ``members``: the stamps, read by the caller, of everything that decides which rows there are
    but not their states. A search found to match more rows than it counts is known to while they
    stay the same, by the query's values: its states are not counted again (the filtered state's
    still are), since counting a common query's matches reads every one of them."""
    many = (search.key(key, "more than counted"), tuple(sorted(search.parameters.items())))
    known_more = known_under(members, many) is not None
    if known_more and filtered is None:
        return StateCounts({}, more=True, filtered=None, seen=True)

    def statement() -> sa.Select | sa.CompoundSelect:
        parts = []
        if not known_more:
            counted = search.counted(rows())
            parts.append(sa.select(counted.c.state, sa.func.count()).group_by(counted.c.state))
        if filtered is not None:
            apart = search.counted(rows().where(filtered()))
            parts.append(sa.select(sa.literal(None, sa.String).label("state"), sa.func.count()).select_from(apart))
        return sa.union_all(*parts) if len(parts) > 1 else parts[0]

    by_state: dict[str, int] = {}
    shown = None
    for state, n in db.session.execute(built(search.key(key, "states", known_more), statement), search.parameters).all():
        if state is None:
            shown = int(n) if n <= COUNTED_MATCHES else None
        else:
            by_state[state] = int(n)
    more = known_more or sum(by_state.values()) > COUNTED_MATCHES
    if more and not known_more:
        keep_under(members, many, True)
    if not more and filtered is not None:
        shown = None  # the whole is known: the filtered state's count is in it
    return StateCounts({} if more else by_state, more, shown, seen=known_more)


def employees_found(query: str) -> sa.ColumnElement[bool]:
    """The condition on ``Employee`` that ``query`` sets, through the search index, its values in it."""
    search = employee_search(query)
    if not search.parameters:  # nothing searched
        return search.indexed
    dialect, prefix, named, _ = search.shape
    return _written(dialect, prefix, named, search.parameters).indexed


def like_pattern(text: str, prefix: bool) -> str:
    """The ``LIKE`` pattern (escape ``/``) of the fields starting with ``text`` or containing it."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


def employee_search(query: str, departments_stamp: str | None = None, everyone: bool = True) -> Found:
    """The condition on ``Employee`` that ``query`` sets (see the module docstring), read from the
    index or checked per row. The departments it names are found first (see ``named_departments``;
    ``departments_stamp``: the stamp of the departments' watch, read by the caller), so that the
    index alone serves the usual search.

    A page of a query matching many walks an index of the employees in its sort order, checking
    each row, and stops at the page's end; one matching few reads the matches and sorts them.
    A reader who reaches only some departments (not ``everyone``: a manager) has each of their
    people checked instead: the index would list every match in the company, thousands for a
    common query, to keep the few among a department's people."""
    text = search_terms(query)
    if not text:
        return Found(sa.true(), sa.true())
    prefix = len(text) < SHORTEST_SUBSTRING
    named = named_departments(text, departments_stamp)
    dialect = db.session.get_bind().dialect.name
    shape = (dialect, prefix, bool(named), everyone)
    parameters: dict[str, Any] = {"search_like": like_pattern(text, prefix), "search_text": PAD + text if prefix else text}
    if dialect == "postgresql":
        parameters["search_few_accounts"] = FEW_ACCOUNTS
    if named:
        parameters["search_departments"] = named
    return replace(_conditions(*shape), shape=shape, parameters=parameters)


def named_departments(text: str, stamp: str | None = None) -> tuple[int, ...]:
    """The departments whose code or name (either language) contains ``text``, case ignored for
    ASCII letters as both engines' ``ILIKE`` ignores it: matched here against every department's
    fields, kept while the departments' watch keeps ``stamp``; without a stamp, looked up."""
    if stamp is None:
        return tuple(db.session.execute(_NAMED_DEPARTMENTS, {"search_department": like_pattern(text, False)}).scalars())
    looked_for = folded(text)

    def named() -> tuple[int, ...]:
        return tuple(id_ for id_, fields in kept_under((stamp,), "departments as searched", _departments_as_searched)
                     if any(looked_for in field for field in fields))

    return kept_under((stamp,), ("departments named", looked_for), named)


_NAMED_DEPARTMENTS = sa.select(Department.id).where(sa.or_(*(
    column.ilike(sa.bindparam("search_department", type_=sa.String), escape="/")
    for column in (Department.name_zh, Department.name_en, Department.code))))
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def folded(text: str) -> str:
    """``text`` with its ASCII letters in lower case, and only those."""
    return text.translate(_ASCII_LOWER)


def _departments_as_searched() -> tuple[tuple[int, tuple[str, str, str]], ...]:
    rows = db.session.execute(sa.select(Department.id, Department.name_zh, Department.name_en, Department.code))
    return tuple((id_, (folded(zh), folded(en), folded(code))) for id_, zh, en, code in rows)


@lru_cache(maxsize=16)
def _conditions(dialect: str, prefix: bool, named: bool, everyone: bool) -> Found:
    """The conditions of a search of this shape, their values bound parameters: ``search_like``
    (the pattern each field is checked against), ``search_text`` (what the index looks up), when
    the query names departments ``search_departments`` (their ids), and on PostgreSQL
    ``search_few_accounts`` (:data:`FEW_ACCOUNTS`)."""
    found = _written(dialect, prefix, named)
    return found if everyone else Found(found.walked, found.walked)


def _written(dialect: str, prefix: bool, named: bool, values: Mapping[str, Any] | None = None) -> Found:
    """The conditions of a search of this shape, with ``values`` in them or (without) to be given."""
    def bound(name: str, **kind: Any) -> sa.BindParameter:
        return sa.bindparam(name, values[name], **kind) if values is not None else sa.bindparam(name, **kind)

    like = bound("search_like", type_=sa.String)
    in_department = [Employee.department_id.in_(bound("search_departments", expanding=True))] if named else []

    def matches(column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        if dialect == "sqlite":  # its LIKE ignores the case of ASCII letters, as ILIKE does
            return column.like(like, escape="/")
        return column.ilike(like, escape="/")

    fields = [matches(Employee.name), matches(Employee.number), matches(Employee.phone)]
    # The account's name read per row by its unique employee id (as EXISTS, PostgreSQL would scan
    # every account once to hash them, whatever the page needs).
    account = matches(sa.select(User.username).where(User.employee_id == Employee.id).scalar_subquery())
    looked_for = sa.func.lower(bound("search_text", type_=sa.String))
    if dialect == "sqlite":
        phrase = sa.literal('"') + sa.func.replace(looked_for, '"', '""') + sa.literal('"')
        match = _SQLITE_TABLE.c[SQLITE_INDEX].op("MATCH")(phrase)
        found = Employee.id.in_(sa.select(_SQLITE_TABLE.c.rowid).where(match))
        return Found(sa.or_(found, *in_department), sa.or_(*fields, account, *in_department), None if named else match)
    # The first condition is what the indexes find (a bitmap of the matching rows, which
    # PostgreSQL does not check again); the second one checks the candidates exactly.
    wanted = pg_trigrams(looked_for)
    found_accounts = sa.select(User.employee_id).where(
        user_trigrams().op("@>")(wanted), matches(User.username), User.employee_id.is_not(None))
    accounts = Employee.id == sa.any_(sa.func.array(found_accounts.scalar_subquery()))
    # A walked page checks the accounts the index finds once, rather than each row's account (an
    # index lookup per row walked: 0.6 ms for a page of 员工5), while they are few: beyond, comparing
    # each row with every one of them would cost more than the lookup.
    most = bound("search_few_accounts", type_=sa.Integer)
    few = sa.func.array(found_accounts.limit(most + 1).scalar_subquery())
    walked_account = sa.case((sa.func.cardinality(few) <= most, Employee.id == sa.any_(few)), else_=account)
    return Found(sa.and_(
        sa.or_(employee_trigrams().op("@>")(wanted), accounts, *in_department),
        sa.or_(*fields, accounts, *in_department),
    ), sa.or_(*fields, walked_account, *in_department))


def pg_trigrams(value: sa.ColumnElement[str]) -> sa.ColumnElement:
    return sa.func.search_trigrams(value, type_=sa.ARRAY(sa.Text))


def _padded(column: sa.ColumnElement[str]) -> sa.ColumnElement:
    return pg_trigrams(sa.literal_column("E'\\x01\\x01'", sa.Text) + sa.func.lower(column))


def employee_trigrams() -> sa.ColumnElement:
    """The indexed expression of ``ix_employees_search`` (the query must repeat it to use the index)."""
    return (_padded(Employee.name).op("||")(_padded(Employee.number))
            .op("||")(_padded(sa.func.coalesce(Employee.phone, sa.literal_column("''")))))


def user_trigrams() -> sa.ColumnElement:
    return _padded(User.username)


# PostgreSQL: the trigrams of a text, as the GIN indexes store them (repeats are harmless). Its cost
# is set high so that the planner reads the matches through the index rather than computing it per
# row while walking another index.
PG_TRIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION search_trigrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
DECLARE
    trigrams text[] := '{}';
BEGIN
    FOR i IN 1 .. char_length(value) - 2 LOOP
        trigrams := trigrams || substr(value, i, 3);
    END LOOP;
    RETURN trigrams;
END
$$
"""
PG_PADDED = "search_trigrams(E'\\x01\\x01' || lower({}))"


def pg_employee_index_ddl() -> list[str]:
    expression = " || ".join(PG_PADDED.format(c) for c in ("name", "number", "coalesce(phone, '')"))
    return [PG_TRIGRAMS_FUNCTION, f"CREATE INDEX ix_employees_search ON employees USING gin (({expression}))"]


def pg_user_index_ddl() -> list[str]:
    return [f"CREATE INDEX ix_users_search ON users USING gin (({PG_PADDED.format('username')}))"]


def _sqlite_field(value: str) -> str:
    return f"char(1, 1) || lower({value})"


def _sqlite_row(row: str) -> str:
    """The indexed values of employee ``row`` (``new`` in a trigger): name, number, phone, user name."""
    account = f"coalesce((SELECT {_sqlite_field('username')} FROM users WHERE employee_id = {row}.id), '')"
    phone = _sqlite_field(f"coalesce({row}.phone, '')")
    return f"{row}.id, {_sqlite_field(row + '.name')}, {_sqlite_field(row + '.number')}, {phone}, {account}"


def sqlite_employee_index_ddl() -> list[str]:
    insert = f"INSERT INTO {SQLITE_INDEX} (rowid, name, number, phone, username)"
    return [
        f"CREATE VIRTUAL TABLE {SQLITE_INDEX} USING fts5(name, number, phone, username, "
        "tokenize = 'trigram case_sensitive 1')",
        f"{insert} SELECT {_sqlite_row('e')} FROM employees AS e",
        f"CREATE TRIGGER employee_search_insert AFTER INSERT ON employees BEGIN "
        f"{insert} VALUES ({_sqlite_row('new')}); END",
        f"CREATE TRIGGER employee_search_update AFTER UPDATE OF id, name, number, phone ON employees BEGIN "
        f"DELETE FROM {SQLITE_INDEX} WHERE rowid = old.id; {insert} VALUES ({_sqlite_row('new')}); END",
        f"CREATE TRIGGER employee_search_delete AFTER DELETE ON employees BEGIN "
        f"DELETE FROM {SQLITE_INDEX} WHERE rowid = old.id; END",
    ]


def sqlite_user_index_ddl() -> list[str]:
    """A user name is indexed with its employee; the triggers on ``users`` keep it current."""
    set_account = f"UPDATE {SQLITE_INDEX} SET username = {{}} WHERE rowid = {{}};"
    return [
        f"CREATE TRIGGER user_search_insert AFTER INSERT ON users WHEN new.employee_id IS NOT NULL BEGIN "
        f"{set_account.format(_sqlite_field('new.username'), 'new.employee_id')} END",
        f"CREATE TRIGGER user_search_update AFTER UPDATE OF username, employee_id ON users BEGIN "
        f"{set_account.format(repr(''), 'old.employee_id')} "
        f"{set_account.format(_sqlite_field('new.username'), 'new.employee_id')} END",
        f"CREATE TRIGGER user_search_delete AFTER DELETE ON users BEGIN "
        f"{set_account.format(repr(''), 'old.employee_id')} END",
    ]


def index_ddl(dialect: str) -> list[str]:
    """The statements that build the index on ``dialect`` from the rows stored and keep it current."""
    if dialect == "sqlite":
        return sqlite_employee_index_ddl() + sqlite_user_index_ddl()
    return pg_employee_index_ddl() + pg_user_index_ddl()


# PostgreSQL: no parallel workers for scans of employees. A search's matches are read by a bitmap
# scan that the planner prices high (it counts the trigram function, COST 1000, for rechecks that do
# not happen), so it started a worker to read a thousand rows: 2–10 ms of start-up for 0.5 ms of work.
# No page of the portal reads enough employees for a worker to pay.
PG_SERIAL_SCANS = "ALTER TABLE employees SET (parallel_workers = 0)"
PG_PARALLEL_SCANS = "ALTER TABLE employees RESET (parallel_workers)"


def drop_index_ddl(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in (
            "user_search_insert", "user_search_update", "user_search_delete", "employee_search_insert",
            "employee_search_update", "employee_search_delete")] + [f"DROP TABLE IF EXISTS {SQLITE_INDEX}"]
    return ["DROP INDEX IF EXISTS ix_users_search", "DROP INDEX IF EXISTS ix_employees_search",
            "DROP FUNCTION IF EXISTS search_trigrams(text)"]


def _install(table: sa.Table, connection: sa.Connection, **_: object) -> None:
    """For ``create_all`` (tests and fresh databases), once both tables exist (``users`` refers to
    ``employees``, so comes second); the migrations install the same index."""
    for statement in index_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(PG_SERIAL_SCANS)


def _remove(table: sa.Table, connection: sa.Connection, **_: object) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SQLITE_INDEX}")


sa.event.listen(User.__table__, "after_create", _install)
sa.event.listen(Employee.__table__, "after_drop", _remove)
