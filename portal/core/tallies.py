"""Counts of rows by key, kept up to date by the database itself.

The long HR lists show totals by status over 100,000 rows. Counting them on every page view costs
tens of milliseconds; counting them when they change costs one small upsert. Bulk writes (imports,
renewals, pushes) bypass the ORM, so the counting lives in database triggers that every writer
goes through: row triggers on SQLite, statement triggers with transition tables on PostgreSQL
(one upsert per statement, rows locked in key order so concurrent writers cannot deadlock on
them). Rows whose count reaches zero are removed, so a tally holds only keys that have rows.

A tally is described once (:class:`Tally`) and the same description builds the triggers for
``create_all`` and for the migrations, and the statement that fills it from existing rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.core.records import joined_strings
from portal.extensions import db


@dataclass(frozen=True)
class Tally:
    """``table`` counts the rows of ``source`` that satisfy ``member``, by ``keys``.

    Key and member expressions are SQL over the counted row ``{r}`` and its employee ``{e}``
    (``employees`` row ``{r}.employee_id``; for a tally of employees themselves, ``{e}`` is ``{r}``).
    ``moves_with`` names the employee columns the keys read: changing one of them moves the
    employee's counted rows from one key to another."""

    table: str
    source: str
    keys: tuple[tuple[str, str], ...]  # (tally column, expression)
    member: str
    watched: tuple[str, ...]  # the source columns the keys and ``member`` read
    moves_with: tuple[str, ...] = ()

    @property
    def of_employees(self) -> bool:
        return self.source == "employees"

    @property
    def columns(self) -> str:
        return ", ".join(name for name, _ in self.keys)

    def _keys(self, r: str, e: str) -> str:
        return ", ".join(f"{expression.format(r=r, e=e)} AS {name}" for name, expression in self.keys)

    def _rows(self, r: str, e: str, delta: str, source: str | None = None) -> str:
        """``SELECT key…, delta`` over the counted rows (``source`` aliased ``r``, or the trigger's row)."""
        member = self.member.format(r=r, e=e)
        if self.of_employees:
            origin = f" FROM {source} {r}" if source else ""
            return f"SELECT {self._keys(r, r)}, {delta} AS n{origin} WHERE {self.member.format(r=r, e=r)}"
        if source:
            return (f"SELECT {self._keys(r, e)}, {delta} AS n FROM {source} {r} "
                    f"JOIN employees {e} ON {e}.id = {r}.employee_id WHERE {member}")
        return f"SELECT {self._keys(r, e)}, {delta} AS n FROM employees {e} WHERE {e}.id = {r}.employee_id AND {member}"

    def _upsert(self, select: str) -> str:
        return (f"INSERT INTO {self.table} ({self.columns}, n) {select} "
                f"ON CONFLICT ({self.columns}) DO UPDATE SET n = {self.table}.n + excluded.n")

    def _prune(self) -> str:
        return f"DELETE FROM {self.table} WHERE n = 0"

    def fill(self) -> str:
        """Count every existing row (the migration that creates the tally runs it once)."""
        return (f"INSERT INTO {self.table} ({self.columns}, n) SELECT {self.columns}, sum(n) FROM "
                f"({self._rows('r', 'e', '1', self.source)}) AS counted GROUP BY {self.columns}")

    def ddl(self, dialect: str) -> list[str]:
        return self._sqlite_ddl() if dialect == "sqlite" else self._postgresql_ddl()

    def drop_ddl(self, dialect: str) -> list[str]:
        if dialect == "sqlite":
            names = ["insert", "delete", "update"] + (["employee"] if self.moves_with else [])
            return [f"DROP TRIGGER IF EXISTS {self.table}_on_{name}" for name in names]
        statements = [f"DROP TRIGGER IF EXISTS {self.table}_on_{event} ON {self.source}"
                      for event in ("insert", "delete", "update")]
        statements += [f"DROP FUNCTION IF EXISTS {self.table}_on_{event}()" for event in ("insert", "delete", "update")]
        if self.moves_with:
            statements += [f"DROP TRIGGER IF EXISTS {self.table}_on_employee ON employees",
                           f"DROP FUNCTION IF EXISTS {self.table}_on_employee()"]
        return statements

    # --- SQLite: a row trigger per event ----------------------------------------------------------

    def _sqlite_ddl(self) -> list[str]:
        name, source = self.table, self.source
        added, removed = self._upsert(self._rows("NEW", "e", "1")), self._upsert(self._rows("OLD", "e", "-1"))
        statements = [
            f"CREATE TRIGGER {name}_on_insert AFTER INSERT ON {source} BEGIN {added}; END",
            f"CREATE TRIGGER {name}_on_delete AFTER DELETE ON {source} BEGIN {removed}; {self._prune()}; END",
            f"CREATE TRIGGER {name}_on_update AFTER UPDATE OF {', '.join(self.watched)} ON {source} "
            f"WHEN {self._changed('OLD', 'NEW', self.watched)} BEGIN {removed}; {added}; {self._prune()}; END",
        ]
        if self.moves_with:
            moved_out = self._upsert(self._moved("OLD", "-1"))
            moved_in = self._upsert(self._moved("NEW", "1"))
            statements.append(
                f"CREATE TRIGGER {name}_on_employee AFTER UPDATE OF {', '.join(self.moves_with)} ON employees "
                f"WHEN {self._changed('OLD', 'NEW', self.moves_with)} "
                f"BEGIN {moved_out}; {moved_in}; {self._prune()}; END")
        return statements

    def _moved(self, employee: str, sign: str) -> str:
        """An employee's counted rows under the keys of their ``employee`` row (OLD or NEW)."""
        return (f"SELECT {self._keys('r', employee)}, {sign} * count(*) AS n FROM {self.source} r "
                f"WHERE r.employee_id = {employee}.id AND {self.member.format(r='r', e=employee)} "
                f"GROUP BY {self.columns}")

    @staticmethod
    def _changed(old: str, new: str, columns: tuple[str, ...]) -> str:
        return " OR ".join(f"{old}.{c} IS NOT {new}.{c}" for c in columns)

    # --- PostgreSQL: a statement trigger per event, over its transition tables -----------------

    def _postgresql_ddl(self) -> list[str]:
        name, source = self.table, self.source
        events = {
            "insert": ("REFERENCING NEW TABLE AS new_rows", [self._rows("r", "e", "1", "new_rows")]),
            "delete": ("REFERENCING OLD TABLE AS old_rows", [self._rows("r", "e", "-1", "old_rows")]),
            "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                       [self._rows("r", "e", "-1", "old_rows"), self._rows("r", "e", "1", "new_rows")]),
        }
        statements = []
        for event, (referencing, parts) in events.items():
            statements += [self._function(f"{name}_on_{event}", parts),
                           f"CREATE TRIGGER {name}_on_{event} AFTER {event.upper()} ON {source} {referencing} "
                           f"FOR EACH STATEMENT EXECUTE FUNCTION {name}_on_{event}()"]
        if self.moves_with:
            changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in self.moves_with)
            moved = f"(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {changed})"
            arrived = f"(SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {changed})"
            parts = [self._employee_rows(moved, "-1"), self._employee_rows(arrived, "1")]
            statements += [self._function(f"{name}_on_employee", parts),
                           f"CREATE TRIGGER {name}_on_employee AFTER UPDATE ON employees "
                           "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
                           f"FOR EACH STATEMENT EXECUTE FUNCTION {name}_on_employee()"]
        return statements

    def _employee_rows(self, employees: str, sign: str) -> str:
        return (f"SELECT {self._keys('r', 'e')}, {sign} AS n FROM {employees} e "
                f"JOIN {self.source} r ON r.employee_id = e.id WHERE {self.member.format(r='r', e='e')}")

    def _function(self, name: str, parts: list[str]) -> str:
        deltas = " UNION ALL ".join(parts)
        upsert = self._upsert(f"SELECT {self.columns}, sum(n) FROM ({deltas}) AS d GROUP BY {self.columns} "
                              f"HAVING sum(n) <> 0 ORDER BY {self.columns}")
        return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {upsert}; {self._prune()}; "
                "RETURN NULL; END; $$ LANGUAGE plpgsql")


NEVER_DUE = "9999-12-31"
"""The due date a tally files finished rows under: they are never overdue, and one key per
department holds them all whatever their real due dates."""



def due_date_key(finished: str) -> tuple[str, str]:
    """The due-date key of a row that is finished when ``finished`` (a column of ``{r}``) is set:
    its due date while open, ``NEVER_DUE`` once finished."""
    return "due_date", f"CASE WHEN {{r}}.{finished} IS NOT NULL THEN '{NEVER_DUE}' ELSE {{r}}.due_date END"


def counts_column(grouped: sa.Select | sa.CompoundSelect) -> sa.ScalarSelect:
    """``grouped`` (rows of a ``state`` and its count ``n``) as one text column, so a list's counts
    come with the statement that reads its course or notice (``grouped`` correlated on it): one
    statement fewer per page. :func:`counts_in` reads the column back."""
    rows = grouped.subquery()
    return sa.select(joined_strings(rows.c.state + " " + sa.cast(rows.c.n, sa.String), ",")).scalar_subquery()


def counts_in(column: str | None) -> dict[str, int]:
    """The counts of a :func:`counts_column` by state (a state listed twice, as a union gives it, summed)."""
    counts: dict[str, int] = {}
    for item in column.split(",") if column else ():
        state, _, n = item.partition(" ")
        counts[state] = counts.get(state, 0) + int(n)
    return counts


REGISTERED: dict[str, Tally] = {}


def register(tally: Tally) -> Tally:
    REGISTERED[tally.table] = tally
    return tally


def emptied_index(table: str) -> sa.Index:
    """The index the triggers find keys whose count fell to zero by (usually none)."""
    return sa.Index(f"ix_{table}_emptied", "n", sqlite_where=sa.text("n = 0"), postgresql_where=sa.text("n = 0"))


def _install(metadata: sa.MetaData, connection: sa.Connection, tables=None, **_: object) -> None:
    """For ``create_all`` (tests and fresh databases); migration 0020 installs the same triggers."""
    created = {t.name for t in tables} if tables is not None else set(metadata.tables)
    for name, tally in REGISTERED.items():
        if name in created:
            for statement in tally.ddl(connection.dialect.name):
                connection.exec_driver_sql(statement)


sa.event.listen(db.metadata, "after_create", _install)
