"""The person's local workspace: plan, log rows, uploads, reviews and backups in one SQLite file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi_core.bounds import ReviewRepair, repair_reviews
from kpi_core.localtime import local_time
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.personas import PersonaCatalog, default_catalog
from kpi_core.plan import Plan, PlanRepair, plan_from_yaml, plan_to_yaml, read_stored_plan
from kpi_core.store.bundle import (
    _UPLOAD_FIELDS,
    ImportFile,
    WorkspaceProblem,
    _Bundle,
    _Content,
    _plan_parts,
    _read_bundle,
    _zip,
    read_import,
)
from kpi_core.store.rows import (
    _columns,
    _conformed,
    _fetch,
    _frame,
    _insert,
    _keys,
    _new_rows,
    _prepare,
    _Rows,
    _set_columns,
    _union,
)
from kpi_core.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, _now

ENV_VAR = "KPI_COACH_WORKSPACE"
APP_DIR = "kpi-coach"
FILE_NAME = "workspace.sqlite3"
BUSY_TIMEOUT_S = 10.0  # how long one write waits for another tab's write before retrying
LOCK_RETRIES = 5
MAX_BACKUPS = 30  # oldest dropped first, so automatic backups cannot fill the disk
BACKUP_REASONS = ("manual", "replace_log", "delete_rows", "import_replace", "restore", "reset_plan", "repair")


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

    def label(self, lang: str = DEFAULT_LANG, zone: str | None = None) -> str:
        """「2026-11-23 05:29 JST・ログの置き換え前・120行」 (time in `zone`, UTC when unknown) or its English form."""
        reason = t(f"workspace.backup.reason.{self.reason}", lang) if self.reason in BACKUP_REASONS else self.reason
        return t("workspace.backup.label", lang, created_at=self.when(zone), reason=reason, rows=self.rows)

    def when(self, zone: str | None = None) -> str:
        """When the backup was taken, in the IANA zone `zone` (UTC when unknown)."""
        return local_time(self.created_at, zone)


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
    rows_here: int = 0  # the workspace's own counts, for the restore preview's "now → backup"
    reviews_here: int = 0
    plan_parts: tuple[str, ...] = ()  # which parts differ (see _plan_parts); "all" when only one side has a plan

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

    def restore_lines(self, lang: str = DEFAULT_LANG) -> list[str]:
        """What restoring this content (a backup) changes: the log, the plan and the reviews all go back."""
        if not self.ok:
            return [p.message(lang) for p in self.problems]
        return [
            t("workspace.restore.rows", lang, now=self.rows_here, backup=self.rows_in_file, added=self.rows_to_add,
              removed=self.rows_only_here),
            self._restore_plan_line(lang),
            t("workspace.restore.reviews", lang, now=self.reviews_here, backup=self.reviews_in_file,
              added=self.reviews_added, changed=self.reviews_changed, removed=self.reviews_only_here),
            t("workspace.restore.backup_first", lang),
            *(p.message(lang) for p in self.problems),
        ]

    def _restore_plan_line(self, lang: str) -> str:
        """The plan's line of the restore preview, naming the parts that go back."""
        if not self.plan_parts:
            return t("workspace.restore.plan_same", lang)
        if not self.plan_in_file:  # no stored plan: the app starts again from the default one
            return t("workspace.restore.plan_default", lang)
        # " / " reads the same in both languages, so the list needs no separator of its own in the catalogs.
        parts = " / ".join(t(f"workspace.plan_part.{part}", lang) for part in self.plan_parts)
        return t("workspace.restore.plan_back", lang, parts=parts)


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

    def load_checked_plan(self, catalog: PersonaCatalog | None = None) -> tuple[Plan | None, list[PlanRepair]]:
        """The saved plan as this version can use it (kpi_core.plan.repair_plan), with what was changed.

        A plan an upgrade made invalid (a persona gone, a KPI renamed, a cap lowered) is repaired and saved back,
        after a backup of the workspace as it was ("repair"); the next load finds it valid and says nothing.
        """
        catalog = catalog or default_catalog()
        with self._lock:
            row = self._conn.execute("SELECT yaml FROM plan WHERE id = 1").fetchone()
        if row is None:
            return None, []
        plan, changes = read_stored_plan(row[0], catalog)
        if not changes:
            return plan, []
        with self._write() as conn:  # read again under the write lock: another tab may have repaired it already
            row = conn.execute("SELECT yaml FROM plan WHERE id = 1").fetchone()
            if row is None:
                return None, []
            plan, changes = read_stored_plan(row[0], catalog)
            if changes:
                self._backup(conn, "repair")
                conn.execute("INSERT OR REPLACE INTO plan (id, yaml, saved_at) VALUES (1, ?, ?)",
                             (plan_to_yaml(plan), _now()))
        return plan, changes

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

    def change_mark(self) -> int:
        """A number that changes each time another connection (another tab, another process) commits a change to
        the file: SQLite's PRAGMA data_version, kept by the file itself. Compared run to run, it tells a page
        that what is stored changed (the plan, a review, any log row, an upload, a backup), not only the row
        count. Cheap: no table is read. This connection's own writes leave it as it was (they are in hand).
        """
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

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

    def load_checked_reviews(self) -> tuple[dict[str, dict], list[ReviewRepair]]:
        """The reviews as the pages can show them (kpi_core.bounds.repair_reviews), with what was changed: a text
        over its cap (stored before the cap existed) is cut, and saved so after a backup ("repair")."""
        reviews, changes = repair_reviews(self.load_reviews())
        if not changes:
            return reviews, []
        with self._write() as conn:  # again under the write lock: another tab may have done it already
            reviews, changes = repair_reviews(_reviews(conn))
            if changes:
                self._backup(conn, "repair")
                conn.executemany("INSERT OR REPLACE INTO reviews (week_start, fields, saved_at) VALUES (?, ?, ?)",
                                 [(week, json.dumps(reviews[week], ensure_ascii=False), _now())
                                  for week in dict.fromkeys(c.week for c in changes)])
        return reviews, changes

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

    def preview_restore(self, backup_id: int) -> ImportPreview:
        """What restore(backup_id) would change, without changing anything (see ImportPreview.restore_lines)."""
        return self.preview_import(self.backup_zip(backup_id))

    # -------------------------------------------------------- export and import

    def export_zip(self) -> bytes:
        """The whole workspace as a zip a person can read: plan.yaml, log.csv, reviews.yaml, uploads.yaml,
        manifest.yaml (schema version, columns and their dtypes)."""
        with self._read() as conn:
            content = _snapshot(conn)
        return _zip(content)

    def preview_import(self, zip_bytes: bytes | ImportFile) -> ImportPreview:
        """What importing the zip (its bytes, or the zip already read by read_import) would change, without
        changing anything; problems when it cannot be used."""
        read = zip_bytes if isinstance(zip_bytes, ImportFile) else read_import(zip_bytes)
        bundle, problems = read.bundle, read.problems
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
            rows_here=here.n, reviews_here=len(reviews), plan_parts=_plan_parts(plan, bundle.plan),
        )

    def import_zip(self, zip_bytes: bytes | ImportFile, mode: str = "merge") -> ImportResult:
        """Import an export zip (its bytes, or the zip already read by read_import). merge: add missing rows,
        reviews of new weeks, the plan if there is none; replace: back up, then make the workspace exactly the
        file's content. A file with blocking problems raises WorkspaceImportError and changes nothing."""
        if mode not in ("merge", "replace"):
            raise ValueError(f"mode must be 'merge' or 'replace', got {mode!r}")
        read = zip_bytes if isinstance(zip_bytes, ImportFile) else read_import(zip_bytes)
        bundle, problems = read.bundle, read.problems
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
