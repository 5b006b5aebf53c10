"""Statements on one person's rows: the one place that says whose rows a statement reads, writes or deletes."""

from __future__ import annotations

import functools
import operator

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from kpi_core.store.tables import OWNED, people

Owner = tuple[str, str]  # (issuer, subject): who a person is, as their sign-in provider names them
LOCAL_OWNER: Owner = ("local", "local")  # the one person of a local workspace file

_OWNED = frozenset(OWNED)


def person_of(owner: Owner) -> ColumnElement:
    """The person's id as a subquery (None when the person has no row yet: every filter then matches nothing)."""
    issuer, subject = owner
    return sa.select(people.c.id).where(people.c.issuer == issuer, people.c.subject == subject).scalar_subquery()


class Owned:
    """Builds every statement on the person tables for one person. Selects, updates and deletes get
    `person_id = <this person>` on each person table they touch; inserts get the person's id. No other code
    names person_id, so no method can forget the filter.

    The one rule left to callers: a select names every person table it reads when it is built, in its columns or
    in `from_` (a table, or a join of them). A table added afterwards (`.join()`, `.select_from()` on the select
    returned) is not filtered; tests/test_workspace.py checks every statement the Workspace runs, on both engines,
    and fails on such a one."""

    def __init__(self, person: int | ColumnElement, dialect: str) -> None:
        self.person = person  # the id inside a write transaction; person_of(owner) in a read
        self.dialect = dialect

    def _mine(self, tables: list) -> list[ColumnElement]:
        found = [t for t in tables if t in _OWNED]
        if len(found) != len(tables):
            raise ValueError(f"not a person table: {[t for t in tables if t not in _OWNED]}")
        return [t.c.person_id == self.person for t in found]

    def select(self, *columns, from_: sa.FromClause | None = None) -> sa.Select:
        """SELECT columns FROM the person tables they name (or `from_`, a table or a join), this person's rows
        only."""
        statement = sa.select(*columns)
        tables = list(dict.fromkeys(statement.columns_clause_froms))  # cheaper than get_final_froms, per call
        if from_ is not None:
            statement = statement.select_from(from_)
            tables = list(dict.fromkeys([*tables, *_joined(from_)]))
        return statement.where(*self._mine(tables))

    def count(self, table: sa.Table) -> sa.Select:
        return self.select(sa.func.count(), from_=table)

    def insert(self, table: sa.Table) -> sa.Insert:
        """INSERT INTO table, person_id set to this person (one row, or many with a list of parameters)."""
        self._mine([table])
        return sa.insert(table).values(person_id=self._id())

    def insert_rows(self, conn: sa.Connection, table: sa.Table, keys: tuple[str, ...], rows: list[tuple]) -> int:
        """INSERT many rows, each a tuple of values in `keys` order, person_id set to this person; returns how
        many. Compiled once and handed to the driver's executemany as plain tuples (or dicts): SQLAlchemy's own
        per-row parameter handling took longer than SQLite's insert of a ten-year log."""
        self._mine([table])
        names = ("person_id", *keys)
        compiled = _compiled_insert(conn.dialect, table, names)
        person = self._id()
        if compiled.positional:  # SQLite: "?" in the table's column order
            pick = operator.itemgetter(*(names.index(name) for name in compiled.positiontup))
            params = [pick((person, *row)) for row in rows]
        else:  # psycopg: %(name)s
            params = [dict(zip(names, (person, *row), strict=True)) for row in rows]
        if params:
            conn.exec_driver_sql(str(compiled), params)
        return len(params)

    def upsert(self, table: sa.Table, keys: tuple[str, ...], values: dict, *, replace: bool = True) -> sa.Insert:
        """INSERT a row, or on a clash of (person_id, *keys): replace its other values, or keep the old row."""
        self._mine([table])
        insert = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)
        insert = insert.values(person_id=self._id(), **values)
        index = ["person_id", *keys]
        if not replace:
            return insert.on_conflict_do_nothing(index_elements=index)
        return insert.on_conflict_do_update(index_elements=index,
                                            set_={k: v for k, v in values.items() if k not in keys})

    def update(self, table: sa.Table) -> sa.Update:
        return sa.update(table).where(*self._mine([table]))

    def delete(self, table: sa.Table) -> sa.Delete:
        return sa.delete(table).where(*self._mine([table]))

    def _id(self) -> int:
        if not isinstance(self.person, int):
            raise TypeError("rows are written inside a write transaction, which knows the person's id")
        return self.person


def _joined(from_: sa.FromClause) -> list:
    """The tables of a FROM item: itself, or each table a join joins."""
    if isinstance(from_, sa.Join):
        return [*_joined(from_.left), *_joined(from_.right)]
    return [from_]


@functools.lru_cache(maxsize=32)
def _compiled_insert(dialect: sa.Dialect, table: sa.Table, names: tuple[str, ...]) -> sa.Compiled:
    return sa.insert(table).inline().compile(dialect=dialect, column_keys=list(names))
