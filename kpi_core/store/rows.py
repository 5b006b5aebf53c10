"""Log rows between pandas and the database: the canonical log's columns, their stored values, reading, writing."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa

from kpi_core.reader import empty_log
from kpi_core.store.owned import Owned
from kpi_core.store.tables import log_columns, log_rows

# Canonical columns stored in their own SQL columns (readable with any SQL tool, indexable); every
# other log column (optional counts, memo, persona columns) goes into the row's JSON `extra`.
FIXED = ("date", "action", "category", "minutes", "reactions", "quality", "source", "source_row")
PROVENANCE = ("source", "source_row")
DATE_KINDS = frozenset({"datetime64[s]", "datetime64[ms]", "datetime64[us]", "datetime64[ns]"})
TEXT_KINDS = frozenset({"object", "str", "string"})
INT_KINDS = frozenset({"Int64", "int64"})
KINDS = DATE_KINDS | TEXT_KINDS | INT_KINDS | {"float64"}
_FIXED_KINDS = {
    "date": DATE_KINDS, "action": TEXT_KINDS, "category": TEXT_KINDS, "minutes": frozenset({"float64"}),
    "reactions": INT_KINDS, "quality": INT_KINDS, "source": TEXT_KINDS, "source_row": INT_KINDS,
}


@dataclass
class _Rows:
    """Log rows in their stored form: one list of plain values per column (None = NA, "" = empty text)."""

    columns: list[tuple[str, str]]  # (name, kind) in log order
    values: dict[str, list]
    n: int
    ids: list[int] = field(default_factory=list)
    uploads: list[int | None] = field(default_factory=list)


def _kind_family(kind: str) -> str:
    if kind in DATE_KINDS:
        return "date"
    if kind in TEXT_KINDS:
        return "text"
    return "int" if kind in INT_KINDS else "float"


def _encode(series: pd.Series, kind: str) -> list:
    family = _kind_family(kind)
    if family == "date":
        text = np.datetime_as_string(series.to_numpy().astype("datetime64[us]"), unit="us")
        return [None if v == "NaT" else v for v in text.tolist()]
    if family == "float":
        return [None if v != v else v for v in series.to_numpy(dtype="float64").tolist()]  # NaN -> None
    if family == "int":
        return series.to_numpy(dtype=object, na_value=None).tolist()
    # Empty text is "" in the canonical log (a memo cell left blank), so a missing text is stored as "".
    return [v if isinstance(v, str) else str(v) for v in series.to_numpy(dtype=object, na_value="").tolist()]


def _series(values: list, kind: str) -> pd.Series:
    family = _kind_family(kind)
    if family == "date":
        return pd.Series(np.array(values, dtype="datetime64[us]").astype(kind))
    if family == "float":
        return pd.Series(np.array([np.nan if v is None else v for v in values], dtype="float64"))
    # dtype given explicitly: pandas 3 would otherwise turn an object column of strings into "str".
    return pd.Series(values, dtype=object if kind == "object" else kind)


def _conform(values: list, have: str, want: str, name: str) -> list:
    """Stored values of kind `have` as kind `want` (a count column read as float by an older concat)."""
    have_family, want_family = _kind_family(have), _kind_family(want)
    if have_family == want_family:
        return values
    if have_family == "int" and want_family == "float":
        return [None if v is None else float(v) for v in values]
    if have_family == "float" and want_family == "int" and all(v is None or float(v).is_integer() for v in values):
        return [None if v is None else int(v) for v in values]
    raise ValueError(f"log column {name!r} holds {have} values; the workspace keeps it as {want}")


def _prepare(log: pd.DataFrame) -> _Rows:
    """Check a canonical log and turn it into stored values."""
    if log.columns.has_duplicates:
        raise ValueError("the log has duplicate column names")
    missing = [c for c in FIXED if c not in log.columns]
    if missing:
        raise ValueError(f"the log lacks the canonical columns {missing}")
    columns = []
    for name in log.columns:
        if not isinstance(name, str) or not name or name.startswith("_"):
            raise ValueError(f"log column name {name!r} is not usable (a non-empty text not starting with _)")
        kind = str(log[name].dtype)
        allowed = _FIXED_KINDS.get(name, KINDS)
        if kind not in allowed:
            raise ValueError(f"log column {name!r} has dtype {kind}; expected one of {sorted(allowed)}")
        columns.append((name, kind))
    return _Rows(columns, {name: _encode(log[name], kind) for name, kind in columns}, len(log))


def _frame(rows: _Rows, with_ids: bool = False) -> pd.DataFrame:
    if not rows.columns:
        return empty_log()
    frame = pd.DataFrame({name: _series(rows.values[name], kind) for name, kind in rows.columns})
    if with_ids:
        frame["upload_id"] = pd.Series(rows.uploads, dtype="Int64")
        frame.index = pd.Index(rows.ids, dtype="int64", name="row_id")
    return frame


def _union(existing: list[tuple[str, str]], incoming: list[tuple[str, str]], has_rows: bool) -> list[tuple[str, str]]:
    """The log's columns after adding rows: existing first, new ones before source/source_row."""
    if not has_rows:
        return list(incoming)  # nothing stored depends on the old columns
    result = list(existing)
    names = {name for name, _ in existing}
    for name, kind in incoming:
        if name not in names:
            at = next((i for i, (n, _) in enumerate(result) if n in PROVENANCE), len(result))
            result.insert(at, (name, kind))
    incoming_names = {name for name, _ in incoming}
    # A column only one side has gets NA on the other side's rows: int64 cannot hold NA, Int64 can.
    return [(n, "Int64" if k == "int64" and (n not in incoming_names or n not in names) else k) for n, k in result]


def _conformed(rows: _Rows, columns: list[tuple[str, str]]) -> _Rows:
    """Rows with exactly `columns`: values converted to the log's kinds, absent columns filled with NA ("")."""
    kinds = dict(rows.columns)
    values = {}
    for name, kind in columns:
        if name in kinds:
            values[name] = _conform(rows.values[name], kinds[name], kind, name)
        else:
            values[name] = ([""] if kind in TEXT_KINDS else [None]) * rows.n
    return _Rows(list(columns), values, rows.n, rows.ids, rows.uploads)


def _keys(rows: _Rows, columns: list[tuple[str, str]]) -> list[tuple]:
    """Each row's content (provenance left out), as merge_logs compares rows."""
    lists = []
    for name, kind in columns:
        if name in PROVENANCE:
            continue
        lists.append(rows.values.get(name) or ([""] if kind in TEXT_KINDS else [None]) * rows.n)
    return list(zip(*lists, strict=True)) if lists else [()] * rows.n


def _new_rows(existing: list[tuple], incoming: list[tuple]) -> list[bool]:
    """The merge_logs rule: the n-th copy of a row in the incoming file is new only if the log has fewer than n."""
    have = Counter(existing)
    seen: Counter = Counter()
    keep = []
    for key in incoming:
        seen[key] += 1
        keep.append(seen[key] > have[key])
    return keep


_ROW_COLUMNS = (log_rows.c.id, log_rows.c.upload_id, *(log_rows.c[name] for name in FIXED), log_rows.c.extra)
# Log order; NULLs first on both engines (PostgreSQL would put them last), as the log always had them.
_LOG_ORDER = (log_rows.c.date.nulls_first(), log_rows.c.source.nulls_first(), log_rows.c.source_row.nulls_first(),
              log_rows.c.id)


def _columns(conn: sa.Connection, own: Owned) -> list[tuple[str, str]]:
    query = own.select(log_columns.c.name, log_columns.c.kind).order_by(log_columns.c.position)
    return [(name, kind) for name, kind in conn.execute(query)]


def _fetch(conn: sa.Connection, own: Owned, dates: tuple[str, str] | None = None) -> _Rows:
    """Stored rows in log order (date, source, source_row; then the order they were added); `dates`: only rows
    between these two days."""
    columns = _columns(conn, own)
    query = own.select(*_ROW_COLUMNS)
    if dates is not None:
        query = query.where(log_rows.c.date.between(*dates))
    result = conn.execute(query.order_by(*_LOG_ORDER))
    # The driver's own tuples: these columns need no conversion, and SQLAlchemy's Row objects cost a quarter of
    # load_log's time on a ten-year log.
    records = result.cursor.fetchall()
    result.close()
    by_position = list(zip(*records, strict=True)) if records else [()] * 11
    values: dict[str, list] = {name: list(by_position[2 + i]) for i, name in enumerate(FIXED)}
    extra_columns = [(n, k) for n, k in columns if n not in FIXED]
    if extra_columns:
        extras = json.loads("[" + ",".join(by_position[10]) + "]")  # one parse: far faster than one per row
        for name, kind in extra_columns:
            default = "" if kind in TEXT_KINDS else None
            values[name] = [e.get(name, default) for e in extras]
    values = {name: values[name] for name, _ in columns}
    return _Rows(columns, values, len(records), list(by_position[0]), list(by_position[1]))


def _set_columns(conn: sa.Connection, own: Owned, columns: list[tuple[str, str]]) -> None:
    conn.execute(own.delete(log_columns))
    if columns:
        conn.execute(own.insert(log_columns), [{"position": i, "name": name, "kind": kind}
                                               for i, (name, kind) in enumerate(columns)])


def _insert(conn: sa.Connection, own: Owned, rows: _Rows, upload_ids: list[int | None],
            keep: list[bool] | None) -> int:
    """Insert the rows (those `keep` marks); returns how many."""
    fixed = [rows.values[name] for name in FIXED]
    extras = [(name, rows.values[name], kind in TEXT_KINDS) for name, kind in rows.columns if name not in FIXED]
    records = []
    for i in range(rows.n):
        if keep is not None and not keep[i]:
            continue
        # Only values that say something: absent = NA (or "" for text), which keeps rows small.
        extra = {name: values[i] for name, values, is_text in extras
                 if values[i] is not None and not (is_text and values[i] == "")}
        text = json.dumps(extra, ensure_ascii=False, separators=(",", ":")) if extra else "{}"
        records.append((*(column[i] for column in fixed), text, upload_ids[i]))
    return own.insert_rows(conn, log_rows, (*FIXED, "extra", "upload_id"), records)
