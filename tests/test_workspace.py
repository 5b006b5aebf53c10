"""The workspace store on SQLite and PostgreSQL: persistence, atomic writes under kill, concurrent writers,
migrations, export, backups, and one person's rows kept from every other's.

Tests about the store's behaviour take `store_url` (tests/conftest.py) and run on both engines; tests about the
SQLite file itself (WAL, a kill mid-write, files from older versions, files that are not workspaces) take `path`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import types
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml
from pandas.testing import assert_frame_equal
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BooleanClauseList, Grouping

from kpi_core.demo import demo_log, demo_plan
from kpi_core.logbook import read_files
from kpi_core.merge import merge_logs
from kpi_core.messages import t
from kpi_core.plan import default_plan
from kpi_core.store import tables
from kpi_core.store.owned import Owned
from kpi_core.store.schema import REVISIONS, SCHEMA_VERSION
from kpi_core.store.workspace import (
    LOCAL_OWNER,
    UploadInfo,
    Workspace,
    WorkspaceError,
    WorkspaceImportError,
    default_workspace_path,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_V1 = Path(__file__).resolve().parent / "data" / "workspace_v1.sqlite3"
# Made by the app as it was before issue 14 (schema version 3, PRAGMA user_version only, no Alembic): a student
# plan, two uploads (april.csv, may.csv) with one row deleted since, two reviews, two backups.
FIXTURE_V3 = Path(__file__).resolve().parent / "data" / "workspace_v3.sqlite3"
REQUIRED_HEADER = "日付,アクション内容,投入時間(分),直接反応数,質的評価"
HEADER = REQUIRED_HEADER + ",問い合わせ数,メモ,深い質問数"

# A helper script run in child processes: builds a log of distinct rows the way tests do.
CHILD_PRELUDE = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.store.workspace import Workspace, UploadInfo

def make_log(n, tag, start_row=0):
    lines = [{HEADER!r}]
    for i in range(start_row, start_row + n):
        day = f"2025/{{1 + i % 12}}/{{1 + i % 28}}"
        lines.append(f"{{day}},投稿,{{10 + i % 50}},{{i % 7}},{{1 + i % 5}},{{i % 2}},{{tag}}-{{i}},")
    data = ("\\r\\n".join(lines) + "\\r\\n").encode()
    return read_files([(tag + ".csv", data)]).log, data
"""


def make_log(n: int, tag: str, start_row: int = 0) -> tuple[pd.DataFrame, bytes]:
    """A canonical log of n distinct rows (the memo carries tag and number), read by the real reader."""
    namespace: dict = {}
    exec(CHILD_PRELUDE, namespace)  # one definition shared with the child processes
    return namespace["make_log"](n, tag, start_row)


def read_csv(name: str, *rows: str, header: str = HEADER) -> pd.DataFrame:
    return read_files([(name, ("\r\n".join([header, *rows]) + "\r\n").encode())]).log


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "workspace.sqlite3"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def filled(ws: Workspace) -> tuple:
    """Put a plan, the office worker's demo log and two reviews in; return them."""
    plan, log = demo_plan("office_worker"), demo_log("office_worker")
    reviews = {"2026-01-05": {"learned": "毎日投稿は疲れる", "experiment": "週3回に絞る"},
               "2026-01-12": {"learned": "yes", "verdict": "keep", "note": "null\n2行目, \"引用\"", "n": 1}}
    ws.save_plan(plan)
    ws.append_rows(log, UploadInfo.of("demo.csv", b"demo", rows_accepted=len(log)))
    for week, fields in reviews.items():
        ws.save_review(week, fields)
    return plan, log, reviews


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# ---------------------------------------------------------------- persistence


def test_a_new_workspace_is_empty_and_current(store_url):
    with Workspace.open(store_url) as ws:
        assert ws.schema_version() == SCHEMA_VERSION == len(REVISIONS) == 4
        assert ws.load_plan() is None
        assert_frame_equal(ws.load_log(), read_files([]).log)
        assert ws.load_reviews() == {}
        assert ws.uploads() == [] and ws.backups() == []
        assert ws.table_counts() == dict.fromkeys(
            ("log_rows", "uploads", "log_columns", "plan", "reviews", "backups", "people"), 0)


def test_a_workspace_file_is_in_wal_mode_and_says_it_is_ours(path):
    Workspace.open(path).close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # kept in the file itself
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x4B504943  # "KPIC"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT version_num FROM kpi_coach_alembic").fetchall() == [(REVISIONS[-1],)]
    finally:
        conn.close()
    with Workspace.open(path) as ws, ws._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_close_and_reopen_gives_identical_plan_log_and_reviews(store_url):
    with Workspace.open(store_url) as ws:
        plan, log, reviews = filled(ws)
    with Workspace.open(store_url) as ws:
        assert ws.load_plan() == plan
        assert_frame_equal(ws.load_log(), log)
        assert ws.load_reviews() == reviews
        [upload] = ws.uploads()
        assert (upload.file_name, upload.rows_accepted, upload.rows_added, upload.rows_present) == \
            ("demo.csv", len(log), len(log), len(log))
    if is_sqlite(store_url):
        assert integrity(sqlite_file(store_url)) == "ok"


def test_replace_log_keeps_any_optional_columns_and_their_dtypes(store_url):
    log = pd.concat([read_csv("a.csv", "2025/1/6,投稿,30,5,4,,メモ,2"),
                     read_csv("b.csv", "2025/1/7,DM,12.5,1,3", header=REQUIRED_HEADER)],
                    ignore_index=True)
    log["memo"] = log["memo"].fillna("")  # the workspace keeps empty text as "" (see design: memo "" when empty)
    with Workspace.open(store_url) as ws:
        assert ws.replace_log(log) is None  # nothing to back up yet
        loaded = ws.load_log()
    assert_frame_equal(loaded, log)
    assert loaded["inquiries"].isna().tolist() == [True, True]
    assert loaded["deep_questions"].tolist()[0] == 2 and loaded["deep_questions"].isna().tolist()[1]
    assert loaded["minutes"].tolist() == [30.0, 12.5]


def test_in_memory_workspace_for_a_hosted_session():
    with Workspace.open(":memory:") as ws:
        plan, log, reviews = filled(ws)
        assert_frame_equal(ws.load_log(), log)
        assert ws.load_plan() == plan


# ---------------------------------------------------------------- append: the merge rule


def test_appending_the_same_file_twice_adds_nothing_the_second_time(store_url):
    log, data = make_log(20, "a")
    with Workspace.open(store_url) as ws:
        assert ws.append_rows(log, UploadInfo.of("a.csv", data)) == 20
        assert ws.append_rows(log, UploadInfo.of("a.csv", data)) == 0
        assert [u.rows_added for u in ws.uploads()] == [20, 0]
        assert [u.rows_present for u in ws.uploads()] == [20, 0]
        assert ws.row_count() == 20


def test_append_follows_merge_logs(store_url):
    # An overlapping re-export and a file holding one row twice: the same result as merge_logs.
    a = read_csv("a.csv", "2025/1/6,投稿,30,5,4,1,,", "2025/1/8,返信,20,3,3,0,,")
    b = read_csv("b.csv", "2025/1/8,返信,20,3,3,0,,", "2025/1/8,返信,20,3,3,0,,", "2025/1/9,DM,5,0,3,0,,")
    with Workspace.open(store_url) as ws:
        assert ws.append_rows(a) == 2
        assert ws.append_rows(b) == 2  # the second copy of the reply and the DM
        assert_frame_equal(ws.load_log(), merge_logs([a, b])[0])


def test_append_adds_new_columns_before_the_provenance(store_url):
    a = read_csv("a.csv", "2025/1/6,投稿,30,5,4", header=REQUIRED_HEADER)
    b = read_csv("b.csv", "2025/1/7,投稿,30,5,4,2,ok,1")
    with Workspace.open(store_url) as ws:
        ws.append_rows(a)
        ws.append_rows(b)
        loaded = ws.load_log()
    assert list(loaded.columns) == ["date", "action", "category", "minutes", "reactions", "quality", "inquiries",
                                    "memo", "deep_questions", "source", "source_row"]
    assert loaded["inquiries"].isna().tolist() == [True, False]
    assert loaded["memo"].tolist() == ["", "ok"]


def test_delete_rows_by_id_and_by_source_row_takes_a_backup(store_url):
    log, _ = make_log(10, "a")
    with Workspace.open(store_url) as ws:
        ws.append_rows(log)
        ids = ws.load_log(with_ids=True).index[:2].tolist()
        assert ws.delete_rows(ids, source_rows=[("a.csv", 11)]) == 3
        assert ws.delete_rows([999]) == 0
        assert ws.row_count() == 7
        [backup] = ws.backups()
        assert (backup.reason, backup.rows) == ("delete_rows", 10)
        ws.restore(backup.id)
        assert_frame_equal(ws.load_log(), log)


# ---------------------------------------------------------------- crash safety and concurrency


def readline(proc: subprocess.Popen, limit_s: float = 120.0) -> str:
    """The child's next line; a safety net so a broken child fails the test instead of hanging it."""
    ready, _, _ = select.select([proc.stdout], [], [], limit_s)
    assert ready, "the child process said nothing"
    return proc.stdout.readline().strip()


KILL_CHILD = CHILD_PRELUDE + """
import time
import sqlalchemy as sa
path, rows = sys.argv[1], int(sys.argv[2])
ws = Workspace.open(path)
log, data = make_log(rows, "big", start_row=1000)

@sa.event.listens_for(ws._engine, "checkout")
def watched(conn, record, proxy):
    # The connection the write takes from the pool: a tiny page cache, so pages spill into the WAL before the
    # commit; past half the rows, SQLite's progress handler says so and waits to be killed.
    conn.execute("PRAGMA cache_size = 8")
    start = conn.total_changes

    def halfway():
        if conn.total_changes - start > rows // 2:
            print("halfway", flush=True)
            time.sleep(600)
        return 0

    if sys.argv[3] == "kill":
        conn.set_progress_handler(halfway, 10_000)

ws.append_rows(log, UploadInfo.of("big.csv", data))
print("done", flush=True)
"""


@pytest.mark.parametrize("kill", [True, False])
def test_a_kill_during_a_large_import_leaves_all_old_or_all_new_rows(path, kill):
    old, _ = make_log(50, "old")
    with Workspace.open(path) as ws:
        ws.append_rows(old)
    rows = 30_000
    proc = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(path), str(rows), "kill" if kill else "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = readline(proc)
        if kill:
            assert line == "halfway"
            # Part of the import is already on disk, uncommitted, when the process dies.
            assert Path(f"{path}-wal").stat().st_size > 100_000
            os.kill(proc.pid, signal.SIGKILL)
        else:
            assert line == "done"
    finally:
        proc.wait()
    assert proc.returncode == (-signal.SIGKILL if kill else 0), proc.stderr.read()
    assert integrity(path) == "ok"
    with Workspace.open(path) as ws:
        loaded = ws.load_log()
        uploads = ws.uploads()
    if kill:
        assert_frame_equal(loaded, old)
        assert uploads == []  # the upload record belonged to the same transaction
    else:
        assert len(loaded) == 50 + rows
        assert [(u.file_name, u.rows_added) for u in uploads] == [("big.csv", rows)]


WRITER_CHILD = CHILD_PRELUDE + """
import os, time
path, tag, batches, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ws = Workspace.open(path)
print("ready", flush=True)
while not os.path.exists(go):  # start together, so the writes really overlap
    time.sleep(0.01)
added = 0
for batch in range(batches):
    log, _ = make_log(5, tag, start_row=batch * 5)
    added += ws.append_rows(log)
print(added, flush=True)
"""


def test_two_processes_appending_at_once_lose_nothing(store_url, tmp_path):
    Workspace.open(store_url).close()
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER_CHILD, store_url, tag, "40", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("p", "q")]
    try:
        assert [readline(p) for p in procs] == ["ready", "ready"]
        go.touch()
        assert [readline(p) for p in procs] == ["200", "200"]
    finally:
        for p in procs:
            p.wait()
    with Workspace.open(store_url) as ws:
        log = ws.load_log()
    assert len(log) == 400
    assert sorted(log["memo"]) == sorted(f"{tag}-{i}" for tag in ("p", "q") for i in range(200))
    if is_sqlite(store_url):
        assert integrity(sqlite_file(store_url)) == "ok"


def test_threads_appending_at_once_lose_nothing_and_add_a_shared_file_once(store_url):
    Workspace.open(store_url).close()
    shared_log, _ = make_log(30, "same")
    shared = Workspace.open(store_url)  # one object used by several threads, as Streamlit's script threads do
    added: dict[str, int] = {}
    barrier = threading.Barrier(6)

    def own(tag: str) -> None:
        with Workspace.open(store_url) as ws:
            barrier.wait()
            added[tag] = sum(ws.append_rows(make_log(4, tag, start_row=b * 4)[0]) for b in range(15))

    def same(tag: str, ws: Workspace) -> None:
        barrier.wait()
        added[tag] = ws.append_rows(shared_log)

    threads = [threading.Thread(target=own, args=(tag,)) for tag in ("t1", "t2", "t3")]
    threads += [threading.Thread(target=same, args=(f"s{i}", shared)) for i in range(2)]
    threads += [threading.Thread(target=same, args=("s2", Workspace.open(store_url)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log = shared.load_log()
    shared.close()
    assert [added[t] for t in ("t1", "t2", "t3")] == [60, 60, 60]
    assert added["s0"] + added["s1"] + added["s2"] == 30  # the same file, from three places, added once
    assert len(log) == 180 + 30
    assert (log["memo"].str.startswith("same-")).sum() == 30


def test_a_file_another_writer_holds_too_long_is_busy_and_usable_again_after(path, monkeypatch):
    from kpi_core.store import engines

    monkeypatch.setattr(engines, "BUSY_TIMEOUT_S", 0.05)  # SQLite's own wait, before the retries back off
    Workspace.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    with Workspace.open(path) as ws:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, and writing, and writing
        with pytest.raises(WorkspaceError) as raised:
            ws.save_review("2026-01-05", {"learned": "wait"})
        assert raised.value.code == "error.busy" and raised.value.message("ja") != raised.value.message("en")
        assert ws.load_reviews() == {}  # readers are never blocked (WAL)
        holder.execute("COMMIT")
        ws.save_review("2026-01-05", {"learned": "now"})
        assert ws.load_reviews() == {"2026-01-05": {"learned": "now"}}
    holder.close()


# ---------------------------------------------------------------- migrations


def test_a_version_1_workspace_opens_and_is_upgraded(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE_V1, path)  # never touch the stored fixture itself
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    with Workspace.open(path) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        plan = ws.load_plan()
        assert (plan.persona_id, plan.start_date, plan.weekly_budget_minutes) == ("homemaker", dt.date(2025, 1, 6), 210)
        assert plan.statement.person == "未就学児を育てながら働く30代のママ"
        log = ws.load_log()
        expected = pd.DataFrame({
            "date": pd.to_datetime(["2025-01-06", "2025-01-07", "2025-01-09", "2025-02-03", "2025-02-04"]).astype(
                "datetime64[us]"),
            "action": pd.Series(["投稿", "コメント返信", "投稿", "ストーリーズ", "下書き・準備"], dtype=object),
            "category": pd.Series(["post", "reply", "post", "post", "other"], dtype="str"),
            "minutes": [15.0, 7.5, 10.0, 5.0, 10.0],
            "reactions": pd.array([4, 1, 6, 2, 0], dtype="Int64"),
            "quality": pd.array([3, 4, 4, 3, 3], dtype="Int64"),
            "inquiries": pd.array([0, 1, None, None, None], dtype="Int64"),
            "memo": pd.Series(["「悩みが解決した」とコメント", "", "", "", "=昼寝中に"], dtype=object),
            "conversations": pd.array([2, None, 0, None, None], dtype="Int64"),
            "source": pd.Series(["jan.csv"] * 3 + ["feb.csv"] * 2, dtype="str"),
            "source_row": [2, 3, 4, 2, 3],
        })
        assert_frame_equal(log, expected)
        assert ws.load_reviews() == {"2025-01-06": {"learned": "朝の投稿に反応が多い", "experiment": "夜にも1回投稿"}}
        # Version 2 recorded one upload per source file, hash and read time unknown.
        assert [(u.file_name, u.sha256, u.read_at, u.rows_added, u.rows_present) for u in ws.uploads()] == [
            ("jan.csv", None, None, 3, 3), ("feb.csv", None, None, 2, 2)]
        # Version 3's backups work on the upgraded file.
        backup_id = ws.backup()
        assert [b.id for b in ws.backups()] == [backup_id]
    assert integrity(path) == "ok"


V3_TABLES = {"plan": "id", "log_columns": "position", "log_rows": "id", "uploads": "id", "reviews": "week_start",
             "backups": "id"}  # each table of version 3 and its key


def rows_of(path: Path, table: str, order: str) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}")]
    finally:
        conn.close()


def test_a_version_3_file_from_before_sign_in_keeps_every_row_as_the_local_persons(tmp_path):
    path = tmp_path / "v3.sqlite3"
    shutil.copy(FIXTURE_V3, path)
    before = {table: rows_of(path, table, key) for table, key in V3_TABLES.items()}
    assert {table: len(rows) for table, rows in before.items()} == {
        "plan": 1, "log_columns": 11, "log_rows": 3, "uploads": 2, "reviews": 2, "backups": 2}
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
    Workspace.open(path).close()  # stamped at revision 3, then upgraded to 4

    [person] = rows_of(path, "people", "id")
    assert (person["issuer"], person["subject"], person["writes"]) == (*LOCAL_OWNER, 0)
    for table, key in V3_TABLES.items():
        after = rows_of(path, table, "person_id" if key == "id" and table == "plan" else key)
        assert {row.pop("person_id") for row in after} == {person["id"]}, table
        old = [{k: v for k, v in row.items() if not (table == "plan" and k == "id")} for row in before[table]]
        assert after == old, table  # every row, every value, as it was
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT version_num FROM kpi_coach_alembic").fetchall() == [(REVISIONS[-1],)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    assert integrity(path) == "ok"

    with Workspace.open(path) as ws:  # and the app reads them as before
        assert ws.load_plan().persona_id == "student"
        log = ws.load_log()
        assert list(log["source"]) == ["april.csv", "april.csv", "may.csv"]
        assert log["memo"].tolist() == ["「役に立った」と言われた", "", ""]
        assert [(u.id, u.file_name, u.rows_added, u.rows_present) for u in ws.uploads()] == [
            (1, "april.csv", 3, 2), (2, "may.csv", 1, 1)]
        assert ws.load_reviews()["2025-05-05"] == {"learned": "相談は長い", "n": 1}
        assert [(b.id, b.reason, b.rows) for b in ws.backups()] == [(2, "delete_rows", 4), (1, "manual", 4)]
        ws.restore(1)
        assert ws.row_count() == 4
    with Workspace.open(path, ("https://accounts.example", "someone")) as other:
        assert other.row_count() == 0 and other.load_plan() is None  # the local person's rows are theirs alone


def test_a_workspace_from_a_newer_app_is_refused(store_url):
    Workspace.open(store_url).close()
    if is_sqlite(store_url):
        conn = sqlite3.connect(sqlite_file(store_url))
        conn.execute("PRAGMA user_version = 99")  # what an older app reads, too
        conn.close()
    else:
        engine = sa.create_engine(store_url, poolclass=sa.NullPool)
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE kpi_coach_alembic SET version_num = '0099'")
        engine.dispose()
    with pytest.raises(WorkspaceError) as raised:
        Workspace.open(store_url)
    assert raised.value.code == "error.newer_schema"
    assert "99" in raised.value.message("ja") and "99" in raised.value.message("en")


MIGRATE_CHILD = CHILD_PRELUDE + """
import os, time
url, go = sys.argv[1], sys.argv[2]
import kpi_core.store.schema, alembic.command  # imported before the start, so both start migrating together
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
with Workspace.open(url) as ws:
    ws.save_review("2026-01-05", {"by": "child"})
    print(ws.schema_version(), flush=True)
"""


def test_two_processes_opening_a_new_database_at_once_both_migrate_it(store_url, tmp_path):
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", MIGRATE_CHILD, store_url, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        assert [readline(p) for p in procs] == ["ready", "ready"]
        go.touch()
        assert [readline(p) for p in procs] == [str(SCHEMA_VERSION)] * 2, [p.stderr.read() for p in procs]
    finally:
        for p in procs:
            p.wait()
    assert [p.returncode for p in procs] == [0, 0]
    with Workspace.open(store_url) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        assert ws.load_reviews() == {"2026-01-05": {"by": "child"}}
        assert ws.table_counts()["people"] == 1  # both children were the same person: one row


def test_the_revisions_are_one_line_numbered_by_schema_version():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kpi_core.store.schema import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [REVISIONS[-1]]  # one head: no branch
    assert [r.revision for r in script.walk_revisions()][::-1] == list(REVISIONS)
    assert tuple(f"{n:04d}" for n in range(1, SCHEMA_VERSION + 1)) == REVISIONS


def test_the_migrations_build_the_tables_the_code_queries(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kpi_core.store.engines import engines, url_of
    from kpi_core.store.schema import VERSION_TABLE, migrate
    from kpi_core.store.tables import metadata

    built = [store_url]
    if is_sqlite(store_url):  # a new SQLite database is built from tables.py: compare that way too
        built.append(f"sqlite:///{sqlite_file(store_url).with_name('new.sqlite3')}")
    references = []
    for url in built:
        engine = engines.acquire(url_of(url))
        try:
            migrate(engine, ladder=url == store_url)  # every revision, from nothing, on this engine
            with engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
                assert compare_metadata(context, metadata) == [], url
                if is_sqlite(url):
                    foreign = {table: conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})").fetchall()
                               for table in metadata.tables}
                    assert foreign["log_rows"] and all(foreign[t] for t in metadata.tables if t != "people")
                    references.append(foreign)
                else:  # byte order for the columns the log is sorted and compared on, whatever the database's
                    collations = conn.exec_driver_sql(
                        "SELECT table_name || '.' || column_name, collation_name FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND collation_name IS NOT NULL ORDER BY 1").fetchall()
                    assert collations == [("log_rows.date", "C"), ("log_rows.source", "C"), ("reviews.week_start", "C")]
        finally:
            engines.release(engine)
    assert references == references[:1] * len(references)  # the same references, whichever way it was built


def test_files_that_are_not_workspaces_are_refused(tmp_path):
    text = tmp_path / "notes.sqlite3"
    text.write_text("日付,アクション内容\n" * 200)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    for target in (text, other):
        with pytest.raises(WorkspaceError) as raised:
            Workspace.open(target)
        assert raised.value.code == "error.not_a_workspace"
    assert text.read_text().startswith("日付")  # left as it was


# ---------------------------------------------------------------- export and import


def test_export_then_import_into_an_empty_workspace_is_exact(store_url):
    with Workspace.open(store_url, ("test", "a")) as ws:
        plan, log, reviews = filled(ws)
        extra = read_csv("extra.csv", "2026/3/30,=1+1 の解説を投稿,30,5,4,1,\"カンマ, と \"\"引用\"\"\",1")
        ws.append_rows(extra, UploadInfo.of("extra.csv", b"x"))
        expected_log, expected_uploads = ws.load_log(), ws.uploads()
        data = ws.export_zip()
    for mode in ("merge", "replace"):
        with Workspace.open(store_url, ("test", f"b_{mode}")) as ws:
            result = ws.import_zip(data, mode)
            assert (result.rows_added, result.rows_removed, result.backup_id) == (len(expected_log), 0, None)
            assert ws.load_plan() == plan
            assert_frame_equal(ws.load_log(), expected_log)
            assert ws.load_reviews() == reviews
            assert ws.uploads() == expected_uploads


def test_the_export_is_readable_by_a_person(store_url):
    with Workspace.open(store_url) as ws:
        plan, log, reviews = filled(ws)
        data = ws.export_zip()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["log.csv", "manifest.yaml", "plan.yaml", "reviews.yaml", "uploads.yaml"]
    manifest = yaml.safe_load(archive.read("manifest.yaml"))
    assert (manifest["format"], manifest["schema_version"], manifest["rows"]) == (
        "kpi-coach-workspace", SCHEMA_VERSION, len(log))
    csv = archive.read("log.csv")
    assert csv.startswith(b"\xef\xbb\xbfdate,action,minutes,reactions,quality,inquiries,")  # BOM, English headers
    assert yaml.safe_load(archive.read("reviews.yaml")) == reviews
    assert "残業に追われる" in archive.read("plan.yaml").decode()  # Japanese kept readable, not escaped
    # Read as a plain log by the app's own reader, it is the same log apart from provenance.
    again = read_files([("log.csv", csv)]).log
    assert again["action"].tolist() == log["action"].tolist()
    assert again["minutes"].tolist() == log["minutes"].tolist()


def test_a_row_added_by_hand_to_the_exported_csv_is_imported(store_url):
    with Workspace.open(store_url, ("test", "a")) as ws:
        log, data = make_log(3, "a")
        ws.append_rows(log)
        data = ws.export_zip()
    archive = zipfile.ZipFile(io.BytesIO(data))
    files = {name: archive.read(name) for name in archive.namelist()}
    files["log.csv"] += "2025/5/5,個別相談,60,0,5,1,手で足した行,,,,,\r\n".encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as edited:
        for name, content in files.items():
            edited.writestr(name, content)
    with Workspace.open(store_url, ("test", "b")) as ws:
        assert ws.preview_import(buffer.getvalue()).rows_in_file == 4
        ws.import_zip(buffer.getvalue())
        added = ws.load_log().query("memo == '手で足した行'").iloc[0]
    assert (added["category"], added["source"], added["source_row"]) == ("consultation", "log.csv", 5)


def test_import_preview_counts_what_would_change(store_url):
    a = read_csv("a.csv", "2025/1/6,投稿,30,5,4,1,,", "2025/1/8,返信,20,3,3,0,,", "2025/1/9,DM,5,0,3,0,,")
    with Workspace.open(store_url, ("test", "a")) as ws:
        ws.save_plan(default_plan("office_worker"))
        ws.append_rows(a)
        ws.save_review("2025-01-06", {"learned": "A"})
        ws.save_review("2025-01-13", {"learned": "same"})
        data = ws.export_zip()
    with Workspace.open(store_url, ("test", "b")) as ws:
        ws.append_rows(pd.concat([a.iloc[:1], read_csv("b.csv", "2025/2/1,投稿,10,1,3,0,,")], ignore_index=True))
        ws.save_review("2025-01-06", {"learned": "B"})
        ws.save_review("2025-01-13", {"learned": "same"})
        ws.save_review("2025-01-20", {"learned": "only here"})
        preview = ws.preview_import(data)
        assert preview.ok and preview.problems == ()
        assert (preview.rows_in_file, preview.rows_to_add, preview.rows_already_present, preview.rows_only_here) == \
            (3, 2, 1, 1)
        assert (preview.plan_in_file, preview.plan_here, preview.plan_differs) == (True, False, True)
        assert (preview.reviews_in_file, preview.reviews_added, preview.reviews_changed, preview.reviews_only_here) \
            == (2, 0, 1, 1)
        assert preview.schema_version == SCHEMA_VERSION
        assert preview.lines("en", "merge")[0] == t("workspace.preview.rows_merge", "en", added=2, present=1)
        assert preview.lines("ja", "merge")[0] == t("workspace.preview.rows_merge", "ja", added=2, present=1)
        result = ws.import_zip(data, "merge")
        assert (result.rows_added, result.plan_changed, result.reviews_written) == (2, True, 0)
        assert ws.row_count() == 4
        assert ws.load_reviews()["2025-01-06"] == {"learned": "B"}  # merge keeps what you have
        again = ws.preview_import(data)
        assert (again.rows_to_add, again.rows_already_present, again.plan_differs) == (0, 3, False)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_files_that_are_not_our_exports_are_problems_as_data(store_url):
    with Workspace.open(store_url) as ws:
        filled(ws)
        good = ws.export_zip()
        files = {n: zipfile.ZipFile(io.BytesIO(good)).read(n) for n in zipfile.ZipFile(io.BytesIO(good)).namelist()}
        newer = yaml.safe_load(files["manifest.yaml"]) | {"format_version": 99}
        # Flip bytes inside log.csv's compressed data: the zip's CRC check catches it.
        stored = zip_of(files)
        at = stored.index(b"log.csv") + 200
        broken = stored[:at] + bytes(b ^ 0xFF for b in stored[at:at + 20]) + stored[at + 20:]
        cases = {
            b"date,action\r\n2025-01-06,post\r\n": "import.not_zip",
            good[: len(good) // 2]: "import.not_zip",
            zip_of({"log.csv": files["log.csv"]}): "import.not_ours",
            zip_of({**files, "manifest.yaml": b"format: something-else\n"}): "import.not_ours",
            zip_of({**files, "manifest.yaml": yaml.safe_dump(newer).encode()}): "import.newer_format",
            zip_of({k: v for k, v in files.items() if k != "log.csv"}): "import.missing_file",
            zip_of({**files, "log.csv": b""}): "import.bad_log",
            zip_of({**files, "reviews.yaml": b"- not\n- a mapping\n"}): "import.bad_reviews",
            zip_of({**files, "plan.yaml": b"[1, 2]"}): "import.bad_plan",
            broken: "import.broken_file",
        }
        before = ws.load_log()
        for data, code in cases.items():
            preview = ws.preview_import(data)
            assert not preview.ok
            assert [p.code for p in preview.problems if p.blocking] == [code]
            assert all(p.message("ja") and p.message("en") for p in preview.problems)
            with pytest.raises(WorkspaceImportError) as raised:
                ws.import_zip(data, "replace")
            assert raised.value.problems == preview.problems
        assert_frame_equal(ws.load_log(), before)
        assert ws.backups() == []  # refused before anything was touched


@pytest.mark.parametrize("record", [
    {"file_name": "a\x00b.csv"},  # PostgreSQL stores no NUL in text; SQLite would
    {"id": 2**31},  # past an INTEGER column
    {"rows_added": "many"},
    {"sha256": ["not", "text"]},
])
def test_upload_records_no_engine_can_store_lose_their_link_not_the_rows(store_url, record):
    with Workspace.open(store_url, ("test", "a")) as ws:
        log, data = make_log(3, "a")
        ws.append_rows(log, UploadInfo.of("a.csv", data))
        files = export_files(ws)
    [upload] = yaml.safe_load(files["uploads.yaml"])
    for name, uploads in (("bad", [upload | record]), ("twice", [upload, upload])):
        edited = zip_of({**files, "uploads.yaml": yaml.safe_dump(uploads, allow_unicode=True).encode()})
        with Workspace.open(store_url, ("test", f"b-{name}")) as ws:
            assert [p.code for p in ws.preview_import(edited).problems] == ["import.bad_uploads"]
            ws.import_zip(edited, "replace")
            assert_frame_equal(ws.load_log(), log)
            assert ws.uploads() == []
            assert ws.load_log(with_ids=True)["upload_id"].isna().all()


def test_replace_takes_a_backup_and_restore_brings_the_old_content_back(store_url):
    with Workspace.open(store_url, ("test", "other")) as other:
        other.save_plan(demo_plan("student"))
        other.append_rows(demo_log("student"))
        other.save_review("2026-01-05", {"learned": "学生"})
        student_zip = other.export_zip()
    with Workspace.open(store_url, ("test", "mine")) as ws:
        plan, log, reviews = filled(ws)
        result = ws.import_zip(student_zip, "replace")
        assert result.rows_removed == len(log) and result.plan_changed
        [backup] = ws.backups()
        assert (backup.id, backup.reason, backup.rows, backup.schema_version) == (
            result.backup_id, "import_replace", len(log), SCHEMA_VERSION)
        assert "置き換える前" in backup.label("ja") and "Before replacing" in backup.label("en")
        assert ws.load_plan().persona_id == "student"
        assert_frame_equal(ws.load_log(), demo_log("student"))
        safety = ws.restore(backup.id)
        assert ws.load_plan() == plan
        assert_frame_equal(ws.load_log(), log)
        assert ws.load_reviews() == reviews
        assert [(b.id, b.reason) for b in ws.backups()] == [(safety, "restore"), (backup.id, "import_replace")]
        assert ws.backup_zip(safety)[:2] == b"PK"
        with pytest.raises(WorkspaceError):
            ws.restore(12345)


def test_replace_log_takes_a_backup_first(store_url):
    old, _ = make_log(5, "old")
    new, _ = make_log(3, "new")
    with Workspace.open(store_url) as ws:
        ws.replace_log(old)
        backup_id = ws.replace_log(new)
        assert_frame_equal(ws.load_log(), new)
        assert [(b.id, b.reason, b.rows) for b in ws.backups()] == [(backup_id, "replace_log", 5)]
        ws.restore(backup_id)
        assert_frame_equal(ws.load_log(), old)


# ---------------------------------------------------------------- where the file lives


@pytest.mark.parametrize(("environ", "platform", "expected"), [
    ({"HOME": "/home/u"}, "linux", "/home/u/.local/share/kpi-coach/workspace.sqlite3"),
    ({"HOME": "/home/u", "XDG_DATA_HOME": "/data"}, "linux", "/data/kpi-coach/workspace.sqlite3"),
    ({"HOME": "/home/u", "XDG_DATA_HOME": "relative"}, "linux", "/home/u/.local/share/kpi-coach/workspace.sqlite3"),
    ({"HOME": "/Users/u"}, "darwin", "/Users/u/Library/Application Support/kpi-coach/workspace.sqlite3"),
    ({"HOME": "/h", "APPDATA": "/c/AppData/Roaming"}, "win32", "/c/AppData/Roaming/kpi-coach/workspace.sqlite3"),
    ({"HOME": "/h", "KPI_COACH_WORKSPACE": "/tmp/mine.sqlite3"}, "linux", "/tmp/mine.sqlite3"),
])
def test_default_workspace_path(environ, platform, expected):
    assert default_workspace_path(environ, platform) == Path(expected)


def test_a_plan_that_differs_only_in_its_language_is_no_change_to_restore():
    from dataclasses import replace

    from kpi_core.plan import default_plan
    from kpi_core.store.bundle import _plan_parts

    plan = default_plan("student")
    assert _plan_parts(plan, replace(plan, language="en")) == ()
    assert _plan_parts(plan, replace(plan, define_step=3)) == ()  # where the define page reopens: no content
    assert _plan_parts(plan, replace(plan, weekly_budget_minutes=90)) != ()


# ---------------------------------------------------------------- backup pruning (issue 13)


def test_thirty_backups_are_kept_and_the_oldest_goes_first(store_url):
    with Workspace.open(store_url, ("test", "other")) as other:  # someone else's backups count for them only
        other.replace_log(make_log(2, "other")[0], backup=False)
        others = [other.backup() for _ in range(3)]
    with Workspace.open(store_url) as ws:
        old, _ = make_log(3, "old")
        ws.replace_log(old, backup=False)
        ids = [ws.backup(f"b{i}") for i in range(30)]
        assert [b.id for b in ws.backups()] == ids[::-1]  # thirty: none dropped yet
        newest = ws.backup("b30")
        kept = ws.backups()
        assert [b.id for b in kept] == [newest, *ids[:0:-1]]  # the 31st pushed out the first, and only it
        assert [b.reason for b in kept][:2] == ["b30", "b29"] and kept[-1].reason == "b1"
        assert all(b.rows == 3 for b in kept)
        # What was kept is whole: the oldest backup left still restores its log.
        ws.replace_log(make_log(1, "new")[0], backup=False)
        ws.restore(kept[-1].id)
        assert len(ws.load_log()) == 3
    with Workspace.open(store_url, ("test", "other")) as other:
        assert [b.id for b in other.backups()] == others[::-1]


# ---------------------------------------------------------------- the import's bounds (issue 13)


def export_files(ws: Workspace) -> dict[str, bytes]:
    good = zipfile.ZipFile(io.BytesIO(ws.export_zip()))
    return {n: good.read(n) for n in good.namelist()}


def deflated(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_import_over_the_size_cap_is_refused_naming_the_cap(path, monkeypatch):
    from kpi_core.store import bundle as workspace_bundle
    from kpi_core.unzip import UnzipLimits

    # The cap shrunk to 3 MB (the real one would need that much inflated); the ratio is not what stops it.
    monkeypatch.setattr(workspace_bundle, "IMPORT_LIMITS", UnzipLimits(3 * 2**20, 3 * 2**20, ratio=10**6))
    with Workspace.open(path) as ws:
        filled(ws)
        files = export_files(ws)
        padded = files["log.csv"] + b"\r\n" * (2 * 2**20)  # 4 MB once inflated
        preview = ws.preview_import(deflated({**files, "log.csv": padded}))
        assert [(p.code, p.params) for p in preview.problems] == [("import.too_large", {"megabytes": 3})]
        assert "3 MB" in preview.problems[0].message("en") and "3 MB" in preview.problems[0].message("ja")
        monkeypatch.setattr(workspace_bundle, "IMPORT_LIMITS", UnzipLimits(5 * 2**20, 5 * 2**20, ratio=10**6))
        codes = [p.code for p in ws.preview_import(deflated({**files, "log.csv": padded})).problems]
        assert "import.too_large" not in codes  # under a 5 MB cap the same file is read (and checked further)


def test_a_file_in_the_zip_that_is_not_ours_is_never_inflated(path):
    # A bomb beside our five files (400 MB of zeros in a few hundred KB) is skipped, not read and refused.
    with Workspace.open(path) as ws:
        filled(ws)
        files = export_files(ws)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
            with archive.open("extra.bin", "w", force_zip64=True) as part:
                for _ in range(400):
                    part.write(b"\0" * 2**20)
        preview = ws.preview_import(buffer.getvalue())
        assert preview.ok and [p.code for p in preview.problems if p.blocking] == []


def test_a_damaged_file_in_the_zip_is_named(path):
    with Workspace.open(path) as ws:
        filled(ws)
        stored = deflated(export_files(ws))
        at = stored.index(b"log.csv") + 200
        broken = stored[:at] + bytes(b ^ 0xFF for b in stored[at:at + 20]) + stored[at + 20:]
        [problem] = ws.preview_import(broken).problems
        assert (problem.code, problem.params) == ("import.broken_file", {"file": "log.csv"})
        assert "log.csv" in problem.message("en") and "log.csv" in problem.message("ja")


# ---------------------------------------------------------------- change mark (a second tab catching up)


def edited(log: pd.DataFrame) -> pd.DataFrame:
    """The log with its first row's minutes changed: as many rows as before."""
    log = log.copy()
    log.loc[log.index[0], "minutes"] = log["minutes"].iloc[0] + 5
    return log


def test_the_change_mark_moves_on_any_write_made_elsewhere_and_on_nothing_else(store_url):
    with Workspace.open(store_url) as here, Workspace.open(store_url) as other, \
            Workspace.open(store_url, ("test", "someone else")) as someone:
        plan, _, _ = filled(other)
        mark = here.change_mark()
        here.load_log(), here.load_plan(), here.load_reviews(), here.uploads(), here.backups(), here.export_zip()
        assert here.change_mark() == mark  # reading changes nothing
        writes = (
            lambda: other.save_plan(plan),  # the same plan again: still a write someone made
            lambda: other.save_review("2026-01-05", {"worked": "週3回の投稿に相談"}),
            lambda: other.append_rows(read_csv("new.csv", "2026/3/2,投稿,30,1,4,1,x,")),
            lambda: other.replace_log(edited(other.load_log())),  # one row edited: the row count alone missed it
            lambda: other.delete_rows(source_rows=[("new.csv", 2)]),
            lambda: other.backup(),
        )
        for write in writes:
            write()
            assert here.change_mark() != mark
            mark = here.change_mark()
            assert here.change_mark() == mark  # stable until the next write
        here.save_plan(plan)  # this object's own write: already in hand, no reason to read again
        assert here.change_mark() == mark
        filled(someone)  # another person's writes are not this person's news
        someone.delete_everything()
        assert here.change_mark() == mark
        other.delete_everything()  # and a person deleted elsewhere is
        assert here.change_mark() != mark


def test_the_change_mark_sees_a_write_from_another_process(store_url):
    Workspace.open(store_url).close()
    with Workspace.open(store_url) as here:
        mark = here.change_mark()
        subprocess.run([sys.executable, "-c", CHILD_PRELUDE + f"""
ws = Workspace.open({store_url!r})
ws.save_review("2026-01-05", {{"worked": "別のタブから"}})
ws.close()
"""], check=True, timeout=60)
        assert here.change_mark() != mark
        assert here.load_reviews() == {"2026-01-05": {"worked": "別のタブから"}}


# ---------------------------------------------------------------- one person's rows, and no one else's (issue 14)

ALICE = ("https://accounts.example", "alice")
BOB = ("https://accounts.example", "bob")
TABLES = ("log_rows", "uploads", "log_columns", "plan", "reviews", "backups", "people")


def rows_in_database(url: str) -> dict[str, int]:
    """Rows per table, everyone's, counted straight from the database (not through the workspace's scoping)."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return {table: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar() for table in TABLES}
    finally:
        engine.dispose()


def test_another_person_can_neither_read_nor_change_my_rows(store_url):
    with Workspace.open(store_url, ALICE) as alice, Workspace.open(store_url, BOB) as bob:
        plan, log, reviews = filled(alice)
        alice_backup = alice.backup()
        alice_ids = alice.load_log(with_ids=True).index.tolist()
        alice_zip = alice.export_zip()
        alice_counts, alice_mark, alice_uploads = alice.table_counts(), alice.change_mark(), alice.uploads()

        # Reading: Bob finds an empty workspace through every method that reads.
        assert bob.load_plan() is None and bob.load_checked_plan() == (None, [])
        assert bob.load_log().empty and bob.load_log(with_ids=True).empty and bob.row_count() == 0
        assert bob.load_reviews() == {} and bob.load_checked_reviews() == ({}, [])
        assert bob.uploads() == [] and bob.backups() == []
        assert yaml.safe_load(zipfile.ZipFile(io.BytesIO(bob.export_zip())).read("manifest.yaml"))["rows"] == 0
        preview = bob.preview_import(alice_zip)
        assert (preview.rows_here, preview.plan_here, preview.reviews_here, preview.rows_to_add) == \
            (0, False, 0, len(log))
        assert bob.change_mark() == 0
        assert bob.table_counts() == dict.fromkeys(TABLES, 0)
        for call in (bob.backup_zip, bob.preview_restore, bob.restore):
            with pytest.raises(WorkspaceError) as raised:
                call(alice_backup)
            assert raised.value.code == "error.unknown_backup"

        # Writing: Bob's own writes, every kind, with Alice's ids wherever a method takes one.
        assert bob.delete_rows(alice_ids) == 0
        assert bob.delete_rows(source_rows=[("demo.csv", 2), ("demo.csv", 3)]) == 0
        bob_log, bob_data = make_log(3, "bob")
        assert bob.append_rows(bob_log, UploadInfo.of("bob.csv", bob_data)) == 3
        # Upload ids are numbered per person: Bob's upload 1 counts Bob's rows, not Alice's rows of her upload 1.
        assert [(u.id, u.rows_present) for u in bob.uploads()] == [(1, 3)]
        assert bob.delete_rows(alice_ids) == 0 and bob.row_count() == 3
        bob.save_plan(default_plan("student"))
        bob.save_review("2026-01-05", {"learned": "Bob"})
        bob.replace_log(make_log(4, "bob")[0])
        bob.import_zip(alice_zip, "merge")  # a copy of Alice's export becomes Bob's own rows
        bob.import_zip(alice_zip, "replace")
        bob_backup = bob.backup()
        assert bob_backup != alice_backup
        bob.restore(bob_backup)
        assert bob.delete_rows(alice_ids) == 0
        assert bob.delete_rows(bob.load_log(with_ids=True).index[:2]) == 2
        with pytest.raises(WorkspaceError):
            bob.restore(alice_backup)
        bob.delete_everything()

        # Alice's rows are as she left them, and none of Bob's writes was news to her.
        assert alice.load_plan() == plan
        assert_frame_equal(alice.load_log(), log)
        assert alice.load_log(with_ids=True).index.tolist() == alice_ids
        assert alice.load_reviews() == reviews
        assert alice.uploads() == alice_uploads
        assert [b.id for b in alice.backups()] == [alice_backup]
        assert alice.export_zip() != b"" and alice.backup_zip(alice_backup)[:2] == b"PK"
        assert alice.table_counts() == alice_counts
        assert alice.change_mark() == alice_mark
        assert rows_in_database(store_url) == alice_counts  # Bob deleted all his: only Alice's rows are left


def test_deleting_a_persons_data_removes_every_row_of_theirs_and_no_one_elses(store_url):
    with Workspace.open(store_url, ALICE) as alice, Workspace.open(store_url, BOB) as bob:
        for ws in (alice, bob):
            filled(ws)
            ws.delete_rows(ws.load_log(with_ids=True).index[:2])  # a backup too
        alice.save_review("2026-02-02", {"learned": "only Alice"})
        alice_before, bob_before = alice.table_counts(), bob.table_counts()
        assert all(alice_before[table] > 0 for table in TABLES)  # something to delete in every table
        assert rows_in_database(store_url) == {t: alice_before[t] + bob_before[t] for t in TABLES}

        removed = alice.delete_everything()

        assert removed == alice_before
        assert alice.table_counts() == dict.fromkeys(TABLES, 0)
        assert bob.table_counts() == bob_before
        assert rows_in_database(store_url) == bob_before
        assert len(bob.load_log()) == bob_before["log_rows"] and bob.load_plan() is not None
        # The workspace stays usable: Alice starts again from nothing.
        assert alice.load_plan() is None and alice.load_log().empty
        alice.save_review("2026-03-02", {"learned": "again"})
        assert alice.table_counts() == {**dict.fromkeys(TABLES, 0), "reviews": 1, "people": 1}
        assert alice.delete_everything() == {**dict.fromkeys(TABLES, 0), "reviews": 1, "people": 1}
        assert alice.delete_everything() == dict.fromkeys(TABLES, 0)  # nothing left: nothing created to delete


def test_only_the_owned_statements_name_the_owner_column():
    # Every filter on person_id is written in kpi_core/store/owned.py; the workspace never writes its own.
    store = ROOT / "kpi_core" / "store"
    naming = sorted(p.name for p in store.glob("*.py") if "person_id" in p.read_text(encoding="utf-8"))
    assert naming == ["owned.py", "tables.py"]


def test_the_database_url_comes_from_the_environment_then_the_secrets():
    from kpi_core.store.engines import database_url

    secrets = {"connections": {"kpi_coach": {"url": "postgresql+psycopg://app@db/kpi"}}}
    assert database_url({"KPI_COACH_DATABASE_URL": "postgresql+psycopg://env@db/kpi"}, secrets) == \
        "postgresql+psycopg://env@db/kpi"
    assert database_url({}, secrets) == "postgresql+psycopg://app@db/kpi"
    assert database_url({}, {}) is None and database_url({}, {"connections": {}}) is None
    assert database_url({"KPI_COACH_DATABASE_URL": ""}, None) is None


def test_a_database_url_as_hosts_write_it_uses_psycopg(postgres_url):
    from kpi_core.store.engines import url_of

    assert url_of("postgres://u:p@db:5432/kpi").drivername == "postgresql+psycopg"
    assert url_of("postgresql://u:p@db/kpi").drivername == "postgresql+psycopg"
    assert str(url_of("sqlite:///w.sqlite3")) == "sqlite:///w.sqlite3"
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with Workspace.open(plain, ALICE) as ws:
        ws.save_review("2026-01-05", {"learned": "ok"})
        assert "postgresql+psycopg://" in ws.path and ws.load_reviews() == {"2026-01-05": {"learned": "ok"}}
    with Workspace.open(plain.replace("postgres@", "postgres:secret@"), ALICE) as ws:
        assert "secret" not in ws.path  # shown on the data page and in errors: never the password


def test_an_owner_is_two_texts_and_other_databases_are_refused(tmp_path):
    for owner in (("", "x"), ("iss", None), ("iss",)):
        with pytest.raises(ValueError):
            Workspace.open(tmp_path / "w.sqlite3", owner)
    with pytest.raises(ValueError):
        Workspace.open("mysql://db/kpi")


# ---------------------------------------------------------------- no statement forgets its person

PERSON_TABLES = frozenset(tables.OWNED)
PERSON_TABLE_NAMES = re.compile(rf"\b({'|'.join(t.name for t in tables.OWNED)})\b", re.IGNORECASE)


def conjuncts(clause) -> list:
    """The terms a WHERE or ON clause ANDs together: a term under an OR, or inside a subquery, is not one."""
    if clause is None:
        return []
    if isinstance(clause, Grouping):
        return conjuncts(clause.element)
    if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_:
        return [term for part in clause.clauses for term in conjuncts(part)]
    return [clause]


def surface(item) -> tuple[list, list, list]:
    """A FROM item's tables (an alias of a table counts as the table), the person tables among them, and the ON
    clauses of its joins."""
    if isinstance(item, sa.Join):
        left, right = surface(item.left), surface(item.right)
        return left[0] + right[0], left[1] + right[1], [*left[2], *right[2], item.onclause]
    table = getattr(item, "element", item)
    return [item], ([item] if table in PERSON_TABLES else []), []


def unowned(statement) -> list[str]:
    """Every person table a statement (or any subquery in it) reads, updates or deletes without `person_id = …`
    ANDed to the WHERE or the ON of the statement that names it. A subquery's table the enclosing statement reads
    too is correlated to it, so filtered there, unless every table of the subquery is (then SQLAlchemy renders
    its FROM in full)."""
    missing: list[str] = []

    def visit(node, outer: frozenset) -> None:
        if isinstance(node, (sa.Update, sa.Delete)):
            person, terms = [node.table] if node.table in PERSON_TABLES else [], conjuncts(node.whereclause)
            outer = outer | {node.table}
        elif isinstance(node, sa.Select):
            froms, person, terms = [], [], conjuncts(node.whereclause)
            for item in node.get_final_froms():
                found, found_person, ons = surface(item)
                froms += found
                person += found_person
                terms += [term for on in ons for term in conjuncts(on)]
            correlated = {t for t in froms if t in outer}
            if len(correlated) < len(set(froms)):
                person = [t for t in person if t not in correlated]
            outer = outer | set(froms)
        else:
            person, terms = [], []
        for table in person:
            column = table.c.person_id
            if not any(isinstance(term, BinaryExpression) and term.operator is operators.eq
                       and (term.left is column or term.right is column) for term in terms):
                missing.append(f"{getattr(table, 'element', table).name} unfiltered in a {type(node).__name__}")
        for child in node.get_children():
            visit(child, outer)

    if isinstance(statement, sa.TextClause):
        return unowned_text(statement.text)
    visit(statement, frozenset())
    return missing


def unowned_text(sql: str) -> list[str]:
    """SQL written out by hand (Owned.insert_rows' INSERT): only an INSERT that sets person_id may name a person
    table; any other text statement on one would go round Owned."""
    if not PERSON_TABLE_NAMES.search(sql):
        return []
    if sql.lstrip().upper().startswith("INSERT") and "person_id" in sql:
        return []
    return [f"text SQL on a person table: {sql[:80]}"]


@dataclass
class OwnerCheck:
    problems: list = field(default_factory=list)  # (what is unfiltered, the SQL)
    tables: set = field(default_factory=set)  # person tables the statements checked touched
    called: set = field(default_factory=set)  # public Workspace methods called


PUBLIC_METHODS = {name for name, value in vars(Workspace).items()
                  if not name.startswith("_") and isinstance(value, types.FunctionType)}


@pytest.fixture
def owner_check(store_url, monkeypatch) -> Iterator[OwnerCheck]:
    """Every statement run on the database of `store_url` (one engine per URL, shared by its workspaces) is
    checked with `unowned` before it reaches the database; every public Workspace method called is noted."""
    from kpi_core.store.engines import engines, url_of
    from kpi_core.store.schema import migrate

    check = OwnerCheck()

    def before(conn, cursor, sql, parameters, context, executemany) -> None:
        compiled = getattr(context, "compiled", None)
        statement = compiled.statement if compiled is not None else None
        found = unowned_text(sql) if statement is None else unowned(statement)
        check.problems += [(problem, sql) for problem in found]
        check.tables.update(m.group(1).lower() for m in PERSON_TABLE_NAMES.finditer(sql))

    def noted(name, method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            check.called.add(name)
            return method(self, *args, **kwargs)
        return call

    for name in PUBLIC_METHODS:
        monkeypatch.setattr(Workspace, name, noted(name, getattr(Workspace, name)))
    engine = engines.acquire(url_of(store_url))
    try:
        migrate(engine)  # before the check: the migrations' own statements are not a person's
        sa.event.listen(engine, "before_cursor_execute", before)
        yield check
        sa.event.remove(engine, "before_cursor_execute", before)
    finally:
        engines.release(engine)


def test_every_statement_on_a_person_table_is_filtered_to_its_person(store_url, owner_check):
    with Workspace.open(store_url, ALICE) as ws, Workspace.open(store_url, BOB) as bob:
        filled(bob)
        assert ws.schema_version() == SCHEMA_VERSION
        filled(ws)  # save_plan, append_rows, save_review
        ws.load_plan(), ws.load_log(), ws.row_count(), ws.change_mark(), ws.uploads(), ws.table_counts()
        ws.append_rows(make_log(3, "more")[0], UploadInfo.of("more.csv", b"more"))
        ws.save_plan(dataclasses.replace(default_plan("student"), persona_id="gone"))
        assert ws.load_checked_plan()[1]  # repaired: a backup, then the plan saved again
        ws.save_review("2026-01-19", {"worked": "w" * 5000})
        assert ws.load_checked_reviews()[1]  # cut: a backup, then the review saved again
        backup_id = ws.backup()
        ws.backups(), ws.backup_zip(backup_id), ws.preview_restore(backup_id)
        ws.restore(backup_id)
        exported = ws.export_zip()
        ws.preview_import(exported), ws.import_zip(exported, "merge"), ws.import_zip(exported, "replace")
        ws.replace_log(make_log(4, "new")[0], UploadInfo.of("new.csv", b"new"))
        assert ws.delete_rows(ws.load_log(with_ids=True).index[:1]) == 1
        ws.delete_rows(source_rows=[("new.csv", 3)])
        ws.load_reviews()
        ws.delete_everything()
    assert owner_check.called == PUBLIC_METHODS, "a public method the test does not drive yet"
    assert owner_check.problems == []
    assert owner_check.tables == {t.name for t in tables.OWNED}  # the check saw statements on every person table


BACKUPS, UPLOADS, LOG_ROWS = tables.backups, tables.uploads, tables.log_rows
FORGOTTEN = {
    "select": sa.select(BACKUPS.c.id),
    "or": sa.select(BACKUPS.c.id).where(sa.or_(BACKUPS.c.person_id == 1, BACKUPS.c.id > 0)),
    "delete whose subquery alone is filtered": sa.delete(BACKUPS).where(
        BACKUPS.c.id.not_in(sa.select(BACKUPS.c.id).where(BACKUPS.c.person_id == 1).scalar_subquery())),
    "joined later": sa.select(UPLOADS.c.id).where(UPLOADS.c.person_id == 1)
                      .join_from(UPLOADS, LOG_ROWS, LOG_ROWS.c.upload_id == UPLOADS.c.id),
    "correlated subquery": sa.select(UPLOADS.c.id, sa.select(sa.func.count()).select_from(LOG_ROWS)
                                     .where(LOG_ROWS.c.upload_id == UPLOADS.c.id).scalar_subquery())
                             .where(UPLOADS.c.person_id == 1),
    "update": sa.update(tables.plan).values(yaml=""),
    "text": sa.text("DELETE FROM reviews"),
}


@pytest.mark.parametrize("name", list(FORGOTTEN))
def test_the_owner_check_finds_a_forgotten_filter(name):
    assert unowned(FORGOTTEN[name])


def test_the_owner_check_passes_owned_statements():
    own = Owned(1, "sqlite")
    present = own.select(sa.func.count(), from_=LOG_ROWS).where(LOG_ROWS.c.upload_id == UPLOADS.c.id)
    joined = own.select(UPLOADS.c.id, from_=sa.join(UPLOADS, LOG_ROWS, LOG_ROWS.c.upload_id == UPLOADS.c.id))
    for statement in (own.select(UPLOADS.c.id, present.scalar_subquery()), joined, own.delete(BACKUPS),
                      own.update(tables.plan).values(yaml="")):
        assert unowned(statement) == []


# ---------------------------------------------------------------- ids and errors

ROW_IDS = ("people.id", "log_rows.id", "backups.id")  # given by the database, again on every replace and import
SEQUENCE_TYPE = ("SELECT format_type(seqtypid, NULL) FROM pg_sequence"
                 " WHERE seqrelid = pg_get_serial_sequence('{}', '{}')::regclass")
ID_REFERENCES = ("uploads.id", "log_rows.upload_id", *(f"{t.name}.person_id" for t in tables.OWNED))


def test_row_ids_are_64_bit_on_postgresql_and_the_rowid_on_sqlite(store_url):
    from kpi_core.store.engines import engines, url_of
    from kpi_core.store.schema import migrate

    built = [store_url]
    if is_sqlite(store_url):  # a new file is built from tables.py; the ladder of revisions must agree
        built.append(f"sqlite:///{sqlite_file(store_url).with_name('ladder.sqlite3')}")
    for url in built:
        engine = engines.acquire(url_of(url))
        try:
            migrate(engine, ladder=url != store_url)
            with engine.connect() as conn:
                if is_sqlite(url):
                    for name in (n.split(".")[0] for n in ROW_IDS):
                        info = conn.exec_driver_sql(f"PRAGMA table_info({name})").fetchall()
                        # Declared exactly INTEGER and the whole key: SQLite makes the column the rowid itself.
                        assert [(row[1], row[2]) for row in info if row[5]] == [("id", "INTEGER")], (url, name)
                    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'people'").scalar()
                    assert "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT" in sql  # ids never given twice
                else:
                    types_of = dict(conn.exec_driver_sql(
                        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns"
                        " WHERE table_schema = current_schema()").fetchall())
                    assert {n: types_of[n] for n in (*ROW_IDS, *ID_REFERENCES)} == \
                        dict.fromkeys((*ROW_IDS, *ID_REFERENCES), "bigint")
                    for name in ROW_IDS:  # the sequence that gives them counts in 64 bits too
                        assert conn.exec_driver_sql(SEQUENCE_TYPE.format(*name.split("."))).scalar() == "bigint"
        finally:
            engines.release(engine)
    if not is_sqlite(store_url):  # ids past 32 bits are given, read and used to delete
        engine = sa.create_engine(store_url, poolclass=sa.NullPool)
        with engine.begin() as conn:
            for name in ROW_IDS:
                table, column = name.split(".")
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), {2**31})")
        engine.dispose()
        with Workspace.open(store_url, ALICE) as ws:
            filled(ws)
            ids = ws.load_log(with_ids=True).index.tolist()
            assert min(ids) > 2**31 and ws.backup() > 2**31 and ws.change_mark() > 2**71
            assert ws.delete_rows(ids[:2]) == 2 and ws.row_count() == len(ids) - 2

def test_a_database_error_never_carries_the_values_bound_to_it(store_url):
    from kpi_core.store.engines import engines, url_of

    secret = "Alice's note: 悩みは誰にも言っていない"
    with Workspace.open(store_url, ALICE):
        engine = engines.acquire(url_of(store_url))
        try:
            with engine.connect() as conn, pytest.raises(sa.exc.IntegrityError) as raised:
                # No such person: refused by the database, the note among the statement's bound values.
                conn.execute(sa.insert(tables.reviews).values(person_id=987654, week_start="2026-01-05",
                                                              fields=secret, saved_at="2026-01-05T00:00:00+00:00"))
        finally:
            engines.release(engine)
    shown = f"{raised.value}\n{raised.value!r}"
    # (PostgreSQL's own DETAIL still names a violated key's values, here the person id: keys, never a text.)
    assert secret not in shown
    assert "INSERT INTO reviews" in shown  # the SQL is still said: only the values are kept out
