"""The person's local workspace: plan, log rows, uploads, reviews and backups in one SQLite file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import sys
import threading
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kpi_core.columns import Column, all_columns
from kpi_core.export import log_csv_bytes
from kpi_core.logbook import persona_columns
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.plan import Plan, plan_from_yaml, plan_to_yaml
from kpi_core.reader import empty_log, read_log

ENV_VAR = "KPI_COACH_WORKSPACE"
APP_DIR = "kpi-coach"
FILE_NAME = "workspace.sqlite3"
APPLICATION_ID = 0x4B504943  # "KPIC" in the SQLite header: tells our files from any other SQLite file
BUSY_TIMEOUT_S = 10.0  # how long one write waits for another tab's write before retrying
LOCK_RETRIES = 5
MAX_BACKUPS = 30  # oldest dropped first, so automatic backups cannot fill the disk
MAX_IMPORT_BYTES = 512 * 1024 * 1024  # uncompressed; a hostile zip must not exhaust memory

EXPORT_FORMAT = "kpi-coach-workspace"
EXPORT_VERSION = 1
MANIFEST, PLAN_FILE, LOG_FILE, REVIEWS_FILE, UPLOADS_FILE = (
    "manifest.yaml", "plan.yaml", "log.csv", "reviews.yaml", "uploads.yaml")

# Canonical columns stored in their own SQL columns (readable with any SQLite tool, indexable); every
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
BACKUP_REASONS = ("manual", "replace_log", "delete_rows", "import_replace", "restore", "reset_plan")


# ---------------------------------------------------------------- schema and migrations


def _v1_first_schema(conn: sqlite3.Connection) -> None:
    """Version 1: the plan as YAML text, the log's columns, the rows, the weekly reviews."""
    for statement in (
        "CREATE TABLE plan (id INTEGER PRIMARY KEY CHECK (id = 1), yaml TEXT NOT NULL, saved_at TEXT NOT NULL)",
        "CREATE TABLE log_columns (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL)",
        "CREATE TABLE log_rows (id INTEGER PRIMARY KEY, date TEXT, action TEXT, category TEXT, minutes REAL,"
        " reactions INTEGER, quality INTEGER, source TEXT, source_row INTEGER, extra TEXT NOT NULL DEFAULT '{}')",
        "CREATE INDEX log_rows_order ON log_rows (date, source, source_row)",
        "CREATE TABLE reviews (week_start TEXT PRIMARY KEY, fields TEXT NOT NULL, saved_at TEXT NOT NULL)",
        f"PRAGMA application_id = {APPLICATION_ID}",
    ):
        conn.execute(statement)


def _v2_uploads(conn: sqlite3.Connection) -> None:
    """Version 2: which upload each row came from."""
    conn.execute(
        "CREATE TABLE uploads (id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT, read_at TEXT,"
        " rows_accepted INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0,"
        " rows_added INTEGER NOT NULL DEFAULT 0)")
    conn.execute("ALTER TABLE log_rows ADD COLUMN upload_id INTEGER REFERENCES uploads (id) ON DELETE SET NULL")
    conn.execute("CREATE INDEX log_rows_upload ON log_rows (upload_id)")
    # Version 1 kept no upload record: one per source file name, with hash and read time unknown (NULL).
    sources = conn.execute("SELECT source, COUNT(*) FROM log_rows GROUP BY source ORDER BY MIN(id)").fetchall()
    for source, count in sources:
        upload_id = conn.execute(
            "INSERT INTO uploads (file_name, rows_accepted, rows_added) VALUES (?, ?, ?)",
            (source or "", count, count)).lastrowid
        conn.execute("UPDATE log_rows SET upload_id = ? WHERE source IS ?", (upload_id, source))


def _v3_backups(conn: sqlite3.Connection) -> None:
    """Version 3: automatic backups (the export zip) taken before destructive actions."""
    conn.execute(
        "CREATE TABLE backups (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, reason TEXT NOT NULL,"
        " schema_version INTEGER NOT NULL, rows INTEGER NOT NULL, zip BLOB NOT NULL)")


# MIGRATIONS[i] upgrades a file from version i to i + 1; never edit a released step, append a new one.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1_first_schema, _v2_uploads, _v3_backups]
SCHEMA_VERSION = len(MIGRATIONS)


# ---------------------------------------------------------------- plain values


class WorkspaceError(Exception):
    """A workspace that cannot be used as asked; rendered late in the UI language."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The error in `lang`."""
        return t(f"workspace.{self.code}", lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class WorkspaceProblem:
    """Something wrong with an import file, kept as data (message key + params) and rendered late."""

    code: str
    params: dict = field(default_factory=dict)
    blocking: bool = True  # False: the import can go ahead, the person should still know
    detail: object | None = None  # a reader or plan problem with its own message(lang)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The problem in `lang`, with the detail's own message filled in."""
        detail = self.detail.message(lang) if self.detail is not None else ""
        return t(f"workspace.{self.code}", lang, **{**self.params, "detail": detail})


class WorkspaceImportError(WorkspaceError):
    """An import refused because the file has blocking problems."""

    def __init__(self, problems: Iterable[WorkspaceProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("import.refused", count=len(self.problems))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return "\n".join(p.message(lang) for p in self.problems if p.blocking)


@dataclass(frozen=True)
class UploadInfo:
    """What the app knows about a file it read: recorded with the rows it adds."""

    file_name: str
    sha256: str | None = None
    read_at: str | None = None  # ISO 8601 UTC; None = now
    rows_accepted: int = 0
    rows_rejected: int = 0

    @classmethod
    def of(cls, file_name: str, data: bytes, *, rows_accepted: int = 0, rows_rejected: int = 0) -> UploadInfo:
        """An upload record for a file's bytes (its sha256 tells a re-upload of the same file)."""
        return cls(file_name, hashlib.sha256(data).hexdigest(), _now(), rows_accepted, rows_rejected)


@dataclass(frozen=True)
class Upload:
    """A recorded upload: rows_added when it was read, rows_present still in the log now."""

    id: int
    file_name: str
    sha256: str | None
    read_at: str | None
    rows_accepted: int
    rows_rejected: int
    rows_added: int
    rows_present: int


@dataclass(frozen=True)
class BackupInfo:
    """A stored backup (the whole workspace as an export zip)."""

    id: int
    created_at: str
    reason: str
    schema_version: int
    rows: int
    size_bytes: int

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """「2026-11-22 20:29 UTC・ログの置き換え前・120行」 or its English form."""
        reason = t(f"workspace.backup.reason.{self.reason}", lang) if self.reason in BACKUP_REASONS else self.reason
        when = self.created_at.replace("T", " ")[:16] + " UTC"
        return t("workspace.backup.label", lang, created_at=when, reason=reason, rows=self.rows)


@dataclass(frozen=True)
class ImportPreview:
    """What importing a zip would change; merge adds what is missing, replace makes the workspace the file."""

    problems: tuple[WorkspaceProblem, ...] = ()
    schema_version: int | None = None
    exported_at: str | None = None
    rows_in_file: int = 0
    rows_rejected: int = 0  # rows of log.csv the reader could not accept (someone edited it)
    rows_to_add: int = 0  # rows of the file the workspace does not have yet (merge and replace)
    rows_already_present: int = 0
    rows_only_here: int = 0  # rows the file lacks: replace removes them, merge keeps them
    plan_in_file: bool = False
    plan_here: bool = False
    plan_differs: bool = False
    reviews_in_file: int = 0
    reviews_added: int = 0  # weeks only in the file
    reviews_changed: int = 0  # weeks in both, different: replace takes the file's, merge keeps yours
    reviews_only_here: int = 0  # replace removes them

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not any(p.blocking for p in self.problems)

    def lines(self, lang: str = DEFAULT_LANG, mode: str = "merge") -> list[str]:
        """The changes as sentences for the confirmation step."""
        if not self.ok:
            return [p.message(lang) for p in self.problems]
        if mode == "replace":
            total = self.rows_to_add + self.rows_already_present
            lines = [t("workspace.preview.rows_replace", lang, total=total, added=self.rows_to_add,
                       removed=self.rows_only_here)]
        else:
            lines = [t("workspace.preview.rows_merge", lang, added=self.rows_to_add,
                       present=self.rows_already_present)]
        if not self.plan_in_file or not self.plan_differs:
            lines.append(t("workspace.preview.plan_same", lang))
        elif not self.plan_here:
            lines.append(t("workspace.preview.plan_added", lang))
        else:
            lines.append(t(f"workspace.preview.plan_{'replaced' if mode == 'replace' else 'kept'}", lang))
        if mode == "replace":
            lines.append(t("workspace.preview.reviews_replace", lang, total=self.reviews_in_file,
                           added=self.reviews_added, changed=self.reviews_changed, removed=self.reviews_only_here))
            lines.append(t("workspace.preview.backup_first", lang))
        else:
            lines.append(t("workspace.preview.reviews_merge", lang, added=self.reviews_added,
                           changed=self.reviews_changed))
        lines.extend(p.message(lang) for p in self.problems)  # non-blocking ones, said aloud
        return lines


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    mode: str
    rows_added: int
    rows_removed: int
    plan_changed: bool
    reviews_written: int
    backup_id: int | None  # the backup taken first (replace on a non-empty workspace)


def default_workspace_path(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """$KPI_COACH_WORKSPACE, else the user's data directory: XDG_DATA_HOME or ~/.local/share on Linux,
    %APPDATA% on Windows, ~/Library/Application Support on macOS; then kpi-coach/workspace.sqlite3."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser()
    home = Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    if platform.startswith("win"):
        base = Path(environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_DATA_HOME", "")
        # The XDG spec says a relative path is invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIR / FILE_NAME


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- rows: DataFrame <-> stored values


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


_SELECT_ROWS = ("SELECT id, upload_id, date, action, category, minutes, reactions, quality, source, source_row,"
                " extra FROM log_rows")
_INSERT_ROW = ("INSERT INTO log_rows (date, action, category, minutes, reactions, quality, source, source_row,"
               " extra, upload_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _columns(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute("SELECT name, kind FROM log_columns ORDER BY position")]


def _fetch(conn: sqlite3.Connection, where: str = "", params: tuple = ()) -> _Rows:
    """Stored rows in log order (date, source, source_row; then the order they were added)."""
    columns = _columns(conn)
    records = conn.execute(f"{_SELECT_ROWS} {where} ORDER BY date, source, source_row, id", params).fetchall()
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


def _set_columns(conn: sqlite3.Connection, columns: list[tuple[str, str]]) -> None:
    conn.execute("DELETE FROM log_columns")
    conn.executemany("INSERT INTO log_columns (position, name, kind) VALUES (?, ?, ?)",
                     [(i, name, kind) for i, (name, kind) in enumerate(columns)])


def _insert(conn: sqlite3.Connection, rows: _Rows, upload_ids: list[int | None], keep: list[bool] | None) -> int:
    fixed = [rows.values[name] for name in FIXED]
    extras = [(name, rows.values[name], kind in TEXT_KINDS) for name, kind in rows.columns if name not in FIXED]

    def records() -> Iterator[tuple]:
        for i in range(rows.n):
            if keep is not None and not keep[i]:
                continue
            # Only values that say something: absent = NA (or "" for text), which keeps rows small.
            extra = {name: values[i] for name, values, is_text in extras
                     if values[i] is not None and not (is_text and values[i] == "")}
            text = json.dumps(extra, ensure_ascii=False, separators=(",", ":")) if extra else "{}"
            yield (*(column[i] for column in fixed), text, upload_ids[i])

    before = conn.total_changes
    conn.executemany(_INSERT_ROW, records())
    return conn.total_changes - before


# ---------------------------------------------------------------- export bundle (zip)


class _QuotedDumper(yaml.SafeDumper):
    """Every text double-quoted: YAML then reads it back as the same text, never a number, date or null."""


_QuotedDumper.add_representer(
    str, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"'))


def _yaml(data: object, comment: str) -> bytes:
    body = yaml.dump(data, Dumper=_QuotedDumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"# {comment}\n{body}".encode()


# Provenance travels in log.csv as its last columns, so a person editing the file in Excel keeps each
# row's origin with the row. Their ids differ from the canonical ones because the reader sets those itself.
_CSV_PROVENANCE = (
    Column("_category", "category", "category", "text"),
    Column("_source", "source", "source", "text"),
    Column("_source_row", "source_row", "source_row", "count"),
    Column("_upload_id", "upload_id", "upload_id", "count"),
)
_READER_KIND = {"date": "date", "text": "text", "int": "count", "float": "minutes"}


def _csv_columns(columns: list[tuple[str, str]]) -> tuple[Column, ...]:
    """Extra reader columns for a log: every persona's, then any other column of this log, then provenance."""
    from kpi_core.personas import default_catalog

    known = persona_columns(default_catalog())
    ids = {c.id for c in all_columns(known)}
    own = tuple(Column(name, name, name, _READER_KIND[_kind_family(kind)])
                for name, kind in columns if name not in ids and name not in FIXED)
    return known + own + _CSV_PROVENANCE


@dataclass
class _Content:
    """Everything in a workspace except backups."""

    plan_yaml: str | None
    rows: _Rows
    reviews: dict[str, dict]
    uploads: list[dict]


def _zip(content: _Content) -> bytes:
    log = _frame(content.rows)
    columns = content.rows.columns or [(name, str(log[name].dtype)) for name in log.columns]
    export = log.assign(_category=log["category"], _source=log["source"], _source_row=log["source_row"],
                        _upload_id=pd.Series(content.rows.uploads or [None] * len(log), dtype="Int64"))
    files = {
        LOG_FILE: log_csv_bytes(export, "en", _csv_columns(columns)),
        REVIEWS_FILE: _yaml(content.reviews, "kpi-coach weekly reviews: week start -> what you wrote"),
        UPLOADS_FILE: _yaml(content.uploads, "kpi-coach uploads: the files the log rows came from"),
    }
    if content.plan_yaml is not None:
        files[PLAN_FILE] = content.plan_yaml.encode("utf-8")
    manifest = {
        "format": EXPORT_FORMAT, "format_version": EXPORT_VERSION, "schema_version": SCHEMA_VERSION,
        "exported_at": _now(), "rows": len(log), "files": sorted([*files]),
        "columns": [{"id": name, "kind": kind} for name, kind in columns],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _yaml(manifest, "kpi-coach workspace export (plan, log, reviews)"))
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@dataclass
class _Bundle:
    """An export zip read back."""

    manifest: dict
    plan: Plan | None
    rows: _Rows
    reviews: dict[str, dict]
    uploads: list[dict]
    rows_rejected: int


def _read_zip(data: bytes) -> tuple[dict[str, bytes] | None, list[WorkspaceProblem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None, [WorkspaceProblem("import.not_zip")]
    with archive:
        infos = {info.filename: info for info in archive.infolist()}
        if MANIFEST not in infos:
            return None, [WorkspaceProblem("import.not_ours")]
        wanted = [name for name in (MANIFEST, PLAN_FILE, LOG_FILE, REVIEWS_FILE, UPLOADS_FILE) if name in infos]
        if sum(infos[name].file_size for name in wanted) > MAX_IMPORT_BYTES:
            return None, [WorkspaceProblem("import.too_large", {"megabytes": MAX_IMPORT_BYTES // 2**20})]
        texts = {}
        for name in wanted:
            try:
                texts[name] = archive.read(name)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
                return None, [WorkspaceProblem("import.broken_file", {"file": name})]
    return texts, []


def _read_manifest(text: bytes) -> tuple[dict | None, list[WorkspaceProblem]]:
    try:
        manifest = yaml.safe_load(text.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None, [WorkspaceProblem("import.not_ours")]
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        return None, [WorkspaceProblem("import.not_ours")]
    version = manifest.get("format_version")
    if not isinstance(version, int):
        return None, [WorkspaceProblem("import.bad_manifest", {"field": "format_version"})]
    if version > EXPORT_VERSION:
        return None, [WorkspaceProblem("import.newer_format", {"version": version, "supported": EXPORT_VERSION})]
    columns = manifest.get("columns")
    ok = isinstance(columns, list) and all(
        isinstance(c, dict) and isinstance(c.get("id"), str) and isinstance(c.get("kind"), str)
        and c["kind"] in _FIXED_KINDS.get(c["id"], KINDS) for c in columns)
    if not ok or not set(FIXED) <= {c["id"] for c in columns} or len({c["id"] for c in columns}) != len(columns):
        return None, [WorkspaceProblem("import.bad_manifest", {"field": "columns"})]
    return manifest, []


def _read_plan(text: bytes | None) -> tuple[Plan | None, list[WorkspaceProblem]]:
    if text is None:
        return None, []
    plan, problems = plan_from_yaml(text.decode("utf-8-sig"), PLAN_FILE)
    if plan is None:
        return None, [WorkspaceProblem("import.bad_plan", detail=problems[0] if problems else None)]
    return plan, [WorkspaceProblem("import.plan_problem", blocking=False, detail=p) for p in problems]


def _read_log(text: bytes, columns: list[tuple[str, str]]) -> tuple[_Rows | None, int, list[WorkspaceProblem]]:
    from kpi_core.personas import default_catalog

    result = read_log(text, LOG_FILE, extra_columns=_csv_columns(columns), categorize=default_catalog().category_of)
    if result.report.error is not None:
        return None, 0, [WorkspaceProblem("import.bad_log", detail=result.report.error)]
    frame = result.rows
    problems = []
    if result.report.rejected:
        problems.append(WorkspaceProblem("import.rows_rejected", {"count": result.report.rejected}, blocking=False,
                                         detail=result.report.problems[0] if result.report.problems else None))
    built = {}
    for name, kind in columns:
        try:
            series = frame[name] if name in frame.columns else _series([None] * len(frame), kind)
            exported = frame.get(f"_{name}") if name in ("category", "source", "source_row") else None
            if exported is not None:
                # A row someone added by hand has no provenance cells: the reader's own values stand in.
                given = exported.notna() if name == "source_row" else exported.astype(object) != ""
                series = exported.where(given, series)
            built[name] = series.astype(object if kind == "object" else kind)
        except (ValueError, TypeError):
            return None, 0, [WorkspaceProblem("import.bad_column", {"column": name})]
    rows = _prepare(pd.DataFrame(built, index=range(len(frame))))
    rows.uploads = frame["_upload_id"].to_numpy(dtype=object, na_value=None).tolist() \
        if "_upload_id" in frame.columns else [None] * len(frame)
    return rows, result.report.rejected, problems


def _read_reviews(text: bytes) -> tuple[dict | None, list[WorkspaceProblem]]:
    try:
        reviews = yaml.safe_load(text.decode("utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return None, [WorkspaceProblem("import.bad_reviews")]
    if not isinstance(reviews, dict):
        return None, [WorkspaceProblem("import.bad_reviews")]
    checked = {}
    for week, fields in reviews.items():
        try:
            week = dt.date.fromisoformat(str(week)).isoformat()
            json.dumps(fields)
        except (ValueError, TypeError):
            return None, [WorkspaceProblem("import.bad_reviews")]
        if not isinstance(fields, dict | None):
            return None, [WorkspaceProblem("import.bad_reviews")]
        checked[week] = fields or {}
    return checked, []


_UPLOAD_FIELDS = ("id", "file_name", "sha256", "read_at", "rows_accepted", "rows_rejected", "rows_added")


def _read_uploads(text: bytes | None) -> tuple[list[dict], list[WorkspaceProblem]]:
    if text is None:
        return [], []
    try:
        uploads = yaml.safe_load(text.decode("utf-8-sig")) or []
    except (yaml.YAMLError, UnicodeDecodeError):
        uploads = None
    ok = isinstance(uploads, list) and all(
        isinstance(u, dict) and isinstance(u.get("id"), int) and isinstance(u.get("file_name"), str)
        for u in uploads)
    if not ok:  # only provenance is lost: the rows stay, without their upload link
        return [], [WorkspaceProblem("import.bad_uploads", blocking=False)]
    return [{k: u.get(k) for k in _UPLOAD_FIELDS} for u in uploads], []


def _read_bundle(data: bytes) -> tuple[_Bundle | None, list[WorkspaceProblem]]:
    """An export zip read and checked; None with blocking problems when it cannot be imported."""
    texts, problems = _read_zip(data)
    if texts is None:
        return None, problems
    manifest, problems = _read_manifest(texts[MANIFEST])
    if manifest is None:
        return None, problems
    for name in (LOG_FILE, REVIEWS_FILE, *([PLAN_FILE] if PLAN_FILE in manifest.get("files", ()) else [])):
        if name not in texts:
            return None, [WorkspaceProblem("import.missing_file", {"file": name})]
    columns = [(c["id"], c["kind"]) for c in manifest["columns"]]
    plan, plan_problems = _read_plan(texts.get(PLAN_FILE))
    rows, rejected, log_problems = _read_log(texts[LOG_FILE], columns)
    reviews, review_problems = _read_reviews(texts[REVIEWS_FILE])
    uploads, upload_problems = _read_uploads(texts.get(UPLOADS_FILE))
    problems = plan_problems + log_problems + review_problems + upload_problems
    if any(p.blocking for p in problems) or rows is None or reviews is None:
        return None, problems
    known = {u["id"] for u in uploads}
    rows.uploads = [u if u in known else None for u in rows.uploads]
    return _Bundle(manifest, plan, rows, reviews, uploads, rejected), problems


# ---------------------------------------------------------------- the workspace


class Workspace:
    """One workspace file. Every write is one transaction; several tabs or processes may share the file."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()  # one connection, shared by Streamlit's script threads

    # -------------------------------------------------------- opening

    @classmethod
    def open(cls, path: str | os.PathLike) -> Workspace:
        """Create or open the workspace at `path` (":memory:" for one that lives only in this process)."""
        name = os.fspath(path)
        if name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: the module starts no transactions of its own; _write and _read do, explicitly.
        conn = sqlite3.connect(name, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        workspace = cls(conn, name)
        try:
            workspace._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            # FULL: a commit survives a power cut too, not only a killed process; commits are per user action.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            workspace._migrate()
        except sqlite3.DatabaseError as error:
            conn.close()
            if type(error) is sqlite3.DatabaseError:  # "file is not a database"; OperationalError is not this
                raise WorkspaceError("error.not_a_workspace", path=name) from error
            raise
        except BaseException:
            conn.close()
            raise
        return workspace

    def close(self) -> None:
        """Close the file (the last connection to close folds the WAL back into it)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The file's schema version (PRAGMA user_version)."""
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise WorkspaceError("error.newer_schema", version=version, supported=SCHEMA_VERSION)
        if version == SCHEMA_VERSION:
            self._check_ours()
            return
        with self._write() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # another process may have won
            if version == 0 and conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                raise WorkspaceError("error.not_a_workspace", path=self.path)
            if version:
                self._check_ours()
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](conn)
                conn.execute(f"PRAGMA user_version = {step + 1}")

    def _check_ours(self) -> None:
        if int(self._conn.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            raise WorkspaceError("error.not_a_workspace", path=self.path)

    # -------------------------------------------------------- transactions

    def _retry(self, action: Callable[[], object]) -> object:
        for attempt in range(LOCK_RETRIES):
            try:
                return action()
            except sqlite3.OperationalError as error:
                busy = "locked" in str(error) or "busy" in str(error)
                if not busy:
                    raise
                if attempt == LOCK_RETRIES - 1:
                    raise WorkspaceError("error.busy") from error
                time.sleep(0.05 * 2**attempt)  # the busy timeout already waited; back off, then ask again
        raise AssertionError("unreachable")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE takes the write lock first, so no reader turns writer mid-way."""
        with self._lock:
            self._retry(lambda: self._conn.execute("BEGIN IMMEDIATE"))
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every table seen at the same moment, even while another process writes."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    # -------------------------------------------------------- plan

    def load_plan(self) -> Plan | None:
        """The saved plan, or None before one is saved."""
        with self._lock:
            row = self._conn.execute("SELECT yaml FROM plan WHERE id = 1").fetchone()
        return None if row is None else plan_from_yaml(row[0])[0]

    def save_plan(self, plan: Plan) -> None:
        """Save the plan (as its YAML text)."""
        text = plan_to_yaml(plan)
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO plan (id, yaml, saved_at) VALUES (1, ?, ?)", (text, _now()))

    # -------------------------------------------------------- log

    def load_log(self, *, with_ids: bool = False) -> pd.DataFrame:
        """The canonical log, in date order (date, source, source_row).

        with_ids: the index holds each row's id (for delete_rows) and an `upload_id` column is added.
        """
        with self._read() as conn:
            rows = _fetch(conn)
        return _frame(rows, with_ids)

    def row_count(self) -> int:
        """How many log rows the workspace holds."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM log_rows").fetchone()[0])

    def replace_log(self, log: pd.DataFrame, upload: UploadInfo | None = None, *, backup: bool = True) -> int | None:
        """Make the log exactly `log`; returns the id of the backup taken first (None: nothing to back up)."""
        rows = _prepare(log)
        with self._write() as conn:
            backup_id = self._backup(conn, "replace_log") if backup and _count(conn, "log_rows") else None
            conn.execute("DELETE FROM log_rows")
            upload_id = self._record_upload(conn, upload, rows.n) if upload else None
            _set_columns(conn, rows.columns)
            _insert(conn, rows, [upload_id] * rows.n, None)
        return backup_id

    def append_rows(self, log: pd.DataFrame, upload: UploadInfo | None = None) -> int:
        """Add a file's rows, leaving out rows the workspace already holds (the merge_logs rule); returns how
        many were added. The upload is recorded even when every row was already there."""
        rows = _prepare(log)
        with self._write() as conn:
            upload_id = self._record_upload(conn, upload, 0) if upload else None
            added = self._append(conn, rows, [upload_id] * rows.n)
            if upload_id is not None:
                conn.execute("UPDATE uploads SET rows_added = ? WHERE id = ?", (added, upload_id))
        return added

    def _append(self, conn: sqlite3.Connection, incoming: _Rows, upload_ids: list[int | None]) -> int:
        has_rows = _count(conn, "log_rows") > 0
        columns = _union(_columns(conn), incoming.columns, has_rows)
        incoming = _conformed(incoming, columns)
        dates = [d for d in incoming.values["date"] if d is not None]
        if not has_rows or not incoming.n:
            candidates = _Rows(columns, {}, 0)
        elif len(dates) == incoming.n:  # only rows on the same days can be equal
            candidates = _fetch(conn, "WHERE date BETWEEN ? AND ?", (min(dates), max(dates)))
        else:
            candidates = _fetch(conn)
        keep = _new_rows(_keys(candidates, columns), _keys(incoming, columns))
        _set_columns(conn, columns)
        return _insert(conn, incoming, upload_ids, keep)

    def delete_rows(self, row_ids: Iterable[int] = (), *, source_rows: Iterable[tuple[str, int]] = (),
                    backup: bool = True) -> int:
        """Delete rows by id (load_log(with_ids=True)) or by (source, source_row); backup first; returns how many."""
        wanted = {int(i) for i in row_ids}
        with self._write() as conn:
            for source, row in source_rows:
                found = conn.execute("SELECT id FROM log_rows WHERE source = ? AND source_row = ?", (source, int(row)))
                wanted.update(r[0] for r in found)
            present = [i for i in sorted(wanted)
                       if conn.execute("SELECT 1 FROM log_rows WHERE id = ?", (i,)).fetchone()]
            if not present:
                return 0
            if backup:
                self._backup(conn, "delete_rows")
            conn.executemany("DELETE FROM log_rows WHERE id = ?", [(i,) for i in present])
        return len(present)

    # -------------------------------------------------------- uploads

    def _record_upload(self, conn: sqlite3.Connection, upload: UploadInfo, added: int) -> int:
        return conn.execute(
            "INSERT INTO uploads (file_name, sha256, read_at, rows_accepted, rows_rejected, rows_added)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (upload.file_name, upload.sha256, upload.read_at or _now(), int(upload.rows_accepted),
             int(upload.rows_rejected), added)).lastrowid

    def uploads(self) -> list[Upload]:
        """Every recorded upload, oldest first, with how many of its rows are still in the log."""
        with self._lock:
            return [Upload(*row) for row in self._conn.execute(
                "SELECT u.id, u.file_name, u.sha256, u.read_at, u.rows_accepted, u.rows_rejected, u.rows_added,"
                " (SELECT COUNT(*) FROM log_rows r WHERE r.upload_id = u.id) FROM uploads u ORDER BY u.id")]

    # -------------------------------------------------------- reviews

    def load_reviews(self) -> dict[str, dict]:
        """Weekly reviews: week start (ISO date) -> the fields written, in week order."""
        with self._lock:
            return _reviews(self._conn)

    def save_review(self, week_iso: str, fields: Mapping[str, object]) -> None:
        """Save one week's review fields (plain JSON values), replacing what that week had."""
        week = dt.date.fromisoformat(week_iso).isoformat()
        text = json.dumps(dict(fields), ensure_ascii=False)  # TypeError for values that are not plain data
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO reviews (week_start, fields, saved_at) VALUES (?, ?, ?)",
                         (week, text, _now()))

    # -------------------------------------------------------- backups

    def backup(self, reason: str = "manual") -> int:
        """Store a copy of the whole workspace (as the export zip); returns its id."""
        with self._write() as conn:
            return self._backup(conn, reason)

    def _backup(self, conn: sqlite3.Connection, reason: str) -> int:
        content = _snapshot(conn)
        backup_id = conn.execute(
            "INSERT INTO backups (created_at, reason, schema_version, rows, zip) VALUES (?, ?, ?, ?, ?)",
            (_now(), reason, SCHEMA_VERSION, content.rows.n, _zip(content))).lastrowid
        conn.execute("DELETE FROM backups WHERE id NOT IN (SELECT id FROM backups ORDER BY id DESC LIMIT ?)",
                     (MAX_BACKUPS,))
        return backup_id

    def backups(self) -> list[BackupInfo]:
        """Stored backups, newest first."""
        with self._lock:
            return [BackupInfo(*row) for row in self._conn.execute(
                "SELECT id, created_at, reason, schema_version, rows, length(zip) FROM backups ORDER BY id DESC")]

    def backup_zip(self, backup_id: int) -> bytes:
        """A backup's export zip, to download."""
        with self._lock:
            row = self._conn.execute("SELECT zip FROM backups WHERE id = ?", (int(backup_id),)).fetchone()
        if row is None:
            raise WorkspaceError("error.unknown_backup", backup_id=backup_id)
        return bytes(row[0])

    def restore(self, backup_id: int) -> int:
        """Bring back a backup's content; the content replaced is backed up first (its id is returned)."""
        with self._write() as conn:
            row = conn.execute("SELECT zip FROM backups WHERE id = ?", (int(backup_id),)).fetchone()
            if row is None:
                raise WorkspaceError("error.unknown_backup", backup_id=backup_id)
            bundle, problems = _read_bundle(bytes(row[0]))
            if bundle is None:
                raise WorkspaceImportError(problems)
            safety_id = self._backup(conn, "restore")
            self._replace_all(conn, bundle)
        return safety_id

    # -------------------------------------------------------- export and import

    def export_zip(self) -> bytes:
        """The whole workspace as a zip a person can read: plan.yaml, log.csv, reviews.yaml, uploads.yaml,
        manifest.yaml (schema version, columns and their dtypes)."""
        with self._read() as conn:
            content = _snapshot(conn)
        return _zip(content)

    def preview_import(self, zip_bytes: bytes) -> ImportPreview:
        """What importing the zip would change, without changing anything; problems when it cannot be used."""
        bundle, problems = _read_bundle(zip_bytes)
        if bundle is None:
            return ImportPreview(problems=tuple(problems))
        with self._read() as conn:
            here = _fetch(conn)
            plan = self._plan(conn)
            reviews = _reviews(conn)
        columns = _union(here.columns, bundle.rows.columns, here.n > 0)
        file_keys, here_keys = _keys(bundle.rows, columns), _keys(here, columns)
        to_add = sum(_new_rows(here_keys, file_keys))
        return ImportPreview(
            problems=tuple(problems), schema_version=bundle.manifest.get("schema_version"),
            exported_at=bundle.manifest.get("exported_at"), rows_in_file=bundle.rows.n,
            rows_rejected=bundle.rows_rejected, rows_to_add=to_add, rows_already_present=bundle.rows.n - to_add,
            rows_only_here=sum(_new_rows(file_keys, here_keys)), plan_in_file=bundle.plan is not None,
            plan_here=plan is not None, plan_differs=bundle.plan is not None and bundle.plan != plan,
            reviews_in_file=len(bundle.reviews),
            reviews_added=sum(1 for w in bundle.reviews if w not in reviews),
            reviews_changed=sum(1 for w, f in bundle.reviews.items() if w in reviews and reviews[w] != f),
            reviews_only_here=sum(1 for w in reviews if w not in bundle.reviews),
        )

    def import_zip(self, zip_bytes: bytes, mode: str = "merge") -> ImportResult:
        """Import an export zip. merge: add missing rows, reviews of new weeks, the plan if there is none;
        replace: back up, then make the workspace exactly the file's content."""
        if mode not in ("merge", "replace"):
            raise ValueError(f"mode must be 'merge' or 'replace', got {mode!r}")
        bundle, problems = _read_bundle(zip_bytes)
        if bundle is None:
            raise WorkspaceImportError(problems)
        with self._write() as conn:
            if mode == "replace":
                backup_id = None if _empty(conn) else self._backup(conn, "import_replace")
                here = _fetch(conn)
                columns = _union(here.columns, bundle.rows.columns, here.n > 0)
                file_keys, here_keys = _keys(bundle.rows, columns), _keys(here, columns)
                plan_changed = bundle.plan != self._plan(conn)
                self._replace_all(conn, bundle)
                return ImportResult(mode, sum(_new_rows(here_keys, file_keys)), sum(_new_rows(file_keys, here_keys)),
                                    plan_changed, len(bundle.reviews), backup_id)
            used: set[int] = set()
            id_map = {u["id"]: self._match_upload(conn, u, used) for u in bundle.uploads}
            added = self._append(conn, bundle.rows, [id_map.get(u) for u in bundle.rows.uploads])
            plan_changed = bundle.plan is not None and self._plan(conn) is None
            if plan_changed:
                conn.execute("INSERT INTO plan (id, yaml, saved_at) VALUES (1, ?, ?)",
                             (plan_to_yaml(bundle.plan), _now()))
            written = 0
            for week, fields in bundle.reviews.items():
                written += conn.execute(
                    "INSERT OR IGNORE INTO reviews (week_start, fields, saved_at) VALUES (?, ?, ?)",
                    (week, json.dumps(fields, ensure_ascii=False), _now())).rowcount
            return ImportResult(mode, added, 0, plan_changed, written, None)

    def _match_upload(self, conn: sqlite3.Connection, upload: dict, used: set[int]) -> int:
        """The id of the same upload record here (importing one export twice), else a new record."""
        values = (upload["file_name"], upload["sha256"], upload["read_at"], upload["rows_accepted"] or 0,
                  upload["rows_rejected"] or 0, upload["rows_added"] or 0)
        found = conn.execute(
            "SELECT id FROM uploads WHERE file_name IS ? AND sha256 IS ? AND read_at IS ? AND rows_accepted = ?"
            " AND rows_rejected = ? AND rows_added = ? ORDER BY id", values).fetchall()
        # Two reads of one file in the same second look alike: each still gets a record of its own.
        match = next((row[0] for row in found if row[0] not in used), None)
        if match is None:
            match = conn.execute(
                "INSERT INTO uploads (file_name, sha256, read_at, rows_accepted, rows_rejected, rows_added)"
                " VALUES (?, ?, ?, ?, ?, ?)", values).lastrowid
        used.add(match)
        return match

    def _replace_all(self, conn: sqlite3.Connection, bundle: _Bundle) -> None:
        for table in ("log_rows", "uploads", "reviews", "plan"):
            conn.execute(f"DELETE FROM {table}")
        conn.executemany(
            "INSERT INTO uploads (id, file_name, sha256, read_at, rows_accepted, rows_rejected, rows_added)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(u["id"], u["file_name"], u["sha256"], u["read_at"], u["rows_accepted"] or 0, u["rows_rejected"] or 0,
              u["rows_added"] or 0) for u in bundle.uploads])
        _set_columns(conn, bundle.rows.columns)
        _insert(conn, bundle.rows, bundle.rows.uploads, None)
        if bundle.plan is not None:
            conn.execute("INSERT INTO plan (id, yaml, saved_at) VALUES (1, ?, ?)", (plan_to_yaml(bundle.plan), _now()))
        conn.executemany("INSERT INTO reviews (week_start, fields, saved_at) VALUES (?, ?, ?)",
                         [(w, json.dumps(f, ensure_ascii=False), _now()) for w, f in bundle.reviews.items()])

    def _plan(self, conn: sqlite3.Connection) -> Plan | None:
        row = conn.execute("SELECT yaml FROM plan WHERE id = 1").fetchone()
        return None if row is None else plan_from_yaml(row[0])[0]


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _empty(conn: sqlite3.Connection) -> bool:
    return not any(_count(conn, table) for table in ("log_rows", "plan", "reviews"))


def _reviews(conn: sqlite3.Connection) -> dict[str, dict]:
    return {week: json.loads(fields)
            for week, fields in conn.execute("SELECT week_start, fields FROM reviews ORDER BY week_start")}


def _snapshot(conn: sqlite3.Connection) -> _Content:
    plan = conn.execute("SELECT yaml FROM plan WHERE id = 1").fetchone()
    uploads = [dict(zip(_UPLOAD_FIELDS, row, strict=True)) for row in conn.execute(
        f"SELECT {', '.join(_UPLOAD_FIELDS)} FROM uploads ORDER BY id")]
    return _Content(None if plan is None else plan[0], _fetch(conn), _reviews(conn), uploads)
