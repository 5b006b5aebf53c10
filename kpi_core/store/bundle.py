"""The export zip: a workspace's content written as files a person can read, and read back with its problems."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field

import pandas as pd
import yaml

from kpi_core.bounds import repair_reviews
from kpi_core.columns import Column, all_columns
from kpi_core.export import log_csv_bytes
from kpi_core.logbook import persona_columns
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.plan import Plan, admit_plan, plan_from_yaml
from kpi_core.reader import read_log
from kpi_core.store.rows import _FIXED_KINDS, FIXED, KINDS, _frame, _kind_family, _prepare, _Rows, _series
from kpi_core.store.schema import SCHEMA_VERSION, _now
from kpi_core.unzip import BrokenZip, TooCompressed, TooLarge, UnzipLimits, read_members

# Uncompressed, all members together. Our export of the reader's largest log (1,000,000 rows, kpi_core.reader
# MAX_ROWS) is about 80 MB of CSV (80 bytes a row, measured on ten years of ten-column logs); 128 MB leaves room
# for wider rows and longer memos, and keeps what a refused file can cost the importing process well under
# 200 MB (tests/test_import_bounds.py measures it in a subprocess).
MAX_IMPORT_BYTES = 128 * 1024 * 1024
# Counted while inflating (kpi_core.unzip), never taken from the zip's directory. Our own exports compress a log
# about ten times; a zip bomb near a thousand.
IMPORT_LIMITS = UnzipLimits(member_bytes=MAX_IMPORT_BYTES, total_bytes=MAX_IMPORT_BYTES, ratio=200)

EXPORT_FORMAT = "kpi-coach-workspace"
EXPORT_VERSION = 1
MANIFEST, PLAN_FILE, LOG_FILE, REVIEWS_FILE, UPLOADS_FILE = (
    "manifest.yaml", "plan.yaml", "log.csv", "reviews.yaml", "uploads.yaml")


# Public: kpi_core.store.workspace re-exports it; it lives here, with the reader that finds these problems.
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
    try:
        texts = read_members(data, IMPORT_LIMITS, wanted)
    except TooLarge as error:
        return None, [WorkspaceProblem("import.too_large", {"megabytes": int(error.limit) // 2**20})]
    except TooCompressed as error:
        return None, [WorkspaceProblem("import.too_compressed", {"file": error.member, "ratio": f"{error.limit:g}"})]
    except BrokenZip as error:
        return None, [WorkspaceProblem("import.broken_file", {"file": error.member})]
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


# The parts of a plan a person recognises from its pages, each with the fields it covers; the custom KPI's
# name lives in the statement but is edited and read as a KPI, so it is counted there.
_PLAN_PARTS = {
    "statement": lambda plan: dataclasses.replace(plan.statement, custom_kpi=""),
    "kpis": lambda plan: (plan.statement.custom_kpi, plan.kpis, plan.key_result),
    "persona": lambda plan: (plan.persona_id, plan.weekly_budget_minutes),
    "schedule": lambda plan: (plan.week_start, plan.start_date, plan.rest_weeks),
}


def _plan_parts(here: Plan | None, there: Plan | None) -> tuple[str, ...]:
    """Which parts of the plan differ: () when equal, ("all",) when only one side has a plan, "other" for the rest.

    The language the app was last shown in is left out: the app keeps the one chosen now (see pages/6_data.py);
    so is the define page's step reached, which only says where that page reopens.
    """
    if here is None or there is None:
        return () if here is there else ("all",)
    there = dataclasses.replace(there, language=here.language, define_step=here.define_step)
    if here == there:
        return ()
    return tuple(name for name, part in _PLAN_PARTS.items() if part(here) != part(there)) or ("other",)


def _read_plan(text: bytes | None) -> tuple[Plan | None, list[WorkspaceProblem]]:
    """The plan, read and checked against the personas and columns (kpi_core.plan.admit_plan): one blocking
    problem per thing wrong (a field that cannot be read, an unknown persona, KPI, key result or column, a bad
    band or number), so nothing is imported; text over its cap is cut, and said."""
    from kpi_core.personas import default_catalog

    if text is None:
        return None, []
    plan, problems = plan_from_yaml(text.decode("utf-8-sig"), PLAN_FILE)
    if plan is None:
        return None, [WorkspaceProblem("import.bad_plan", detail=problems[0] if problems else None)]
    plan, wrong, cuts = admit_plan(plan, default_catalog(), PLAN_FILE)
    if problems or plan is None:
        return None, [WorkspaceProblem("import.plan_invalid", detail=p) for p in [*problems, *wrong]]
    return plan, [WorkspaceProblem("import.plan_cut", blocking=False, detail=c) for c in cuts]


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
    return _cut_reviews(checked)


def _cut_reviews(reviews: dict[str, dict]) -> tuple[dict | None, list[WorkspaceProblem]]:
    """Reviews with each typed text within its cap (kpi_core.bounds.repair_reviews): longer text is cut and said;
    a text field holding something other than text (a hand edit) refuses the file, so nothing changes."""
    reviews, changes = repair_reviews(reviews)
    wrong = [WorkspaceProblem("import.review_not_text", {"week": c.week, "field": c.field})  # as the file names it
             for c in changes if not c.cut]
    if wrong:
        return None, wrong
    return reviews, [WorkspaceProblem("import.review_cut", blocking=False, detail=c) for c in changes]


_UPLOAD_FIELDS = ("id", "file_name", "sha256", "read_at", "rows_accepted", "rows_rejected", "rows_added")


def _read_uploads(text: bytes | None) -> tuple[list[dict], list[WorkspaceProblem]]:
    if text is None:
        return [], []
    try:
        uploads = yaml.safe_load(text.decode("utf-8-sig")) or []
    except (yaml.YAMLError, UnicodeDecodeError):
        uploads = None
    ok = isinstance(uploads, list) and all(isinstance(u, dict) and _usable_upload(u) for u in uploads) \
        and len({u["id"] for u in uploads}) == len(uploads)
    if not ok:  # only provenance is lost: the rows stay, without their upload link
        return [], [WorkspaceProblem("import.bad_uploads", blocking=False)]
    return [{k: u.get(k) for k in _UPLOAD_FIELDS} for u in uploads], []


_MAX_STORED_INT = 2**31 - 1  # an INTEGER column on PostgreSQL


def _usable_upload(upload: dict) -> bool:
    """An upload record every engine can store: whole numbers in range, texts without NUL (PostgreSQL refuses it)."""
    def count(value: object, *, required: bool = False) -> bool:
        if value is None:
            return not required
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_STORED_INT

    def text(value: object, *, required: bool = False) -> bool:
        if value is None:
            return not required
        return isinstance(value, str) and "\x00" not in value

    return (count(upload.get("id"), required=True) and text(upload.get("file_name"), required=True)
            and text(upload.get("sha256")) and text(upload.get("read_at"))
            and all(count(upload.get(k)) for k in ("rows_accepted", "rows_rejected", "rows_added")))


@dataclass(frozen=True)
class ImportFile:
    """An export zip read once: the page keeps it while the person decides, and previews and imports from it
    (kpi_core.store.workspace.Workspace.preview_import / import_zip) without reading the bytes again."""

    bundle: _Bundle | None  # None when it cannot be imported (problems say why)
    problems: tuple[WorkspaceProblem, ...]
    size: int  # bytes of the zip as uploaded


def read_import(data: bytes) -> ImportFile:
    """Read and check an export zip (bounded unzip, the plan admitted, the log read, the reviews capped)."""
    bundle, problems = _read_bundle(data)
    return ImportFile(bundle, tuple(problems), len(data))


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
