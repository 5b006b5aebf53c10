"""The local workspace: persistence, atomic writes under kill, concurrent writers, migrations, export, backups."""

from __future__ import annotations

import datetime as dt
import io
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from kpi_core.demo import demo_log, demo_plan
from kpi_core.logbook import read_files
from kpi_core.merge import merge_logs
from kpi_core.messages import t
from kpi_core.plan import default_plan
from kpi_core.store.workspace import (
    MIGRATIONS,
    SCHEMA_VERSION,
    UploadInfo,
    Workspace,
    WorkspaceError,
    WorkspaceImportError,
    default_workspace_path,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_V1 = Path(__file__).resolve().parent / "data" / "workspace_v1.sqlite3"
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


def test_a_new_workspace_is_empty_and_current(path):
    with Workspace.open(path) as ws:
        assert ws.schema_version() == SCHEMA_VERSION == len(MIGRATIONS) == 3
        assert ws.load_plan() is None
        assert_frame_equal(ws.load_log(), read_files([]).log)
        assert ws.load_reviews() == {}
        assert ws.uploads() == [] and ws.backups() == []
        assert ws._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_close_and_reopen_gives_identical_plan_log_and_reviews(path):
    with Workspace.open(path) as ws:
        plan, log, reviews = filled(ws)
    with Workspace.open(path) as ws:
        assert ws.load_plan() == plan
        assert_frame_equal(ws.load_log(), log)
        assert ws.load_reviews() == reviews
        [upload] = ws.uploads()
        assert (upload.file_name, upload.rows_accepted, upload.rows_added, upload.rows_present) == \
            ("demo.csv", len(log), len(log), len(log))
    assert integrity(path) == "ok"


def test_replace_log_keeps_any_optional_columns_and_their_dtypes(path):
    log = pd.concat([read_csv("a.csv", "2025/1/6,投稿,30,5,4,,メモ,2"),
                     read_csv("b.csv", "2025/1/7,DM,12.5,1,3", header=REQUIRED_HEADER)],
                    ignore_index=True)
    log["memo"] = log["memo"].fillna("")  # the workspace keeps empty text as "" (see design: memo "" when empty)
    with Workspace.open(path) as ws:
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


def test_appending_the_same_file_twice_adds_nothing_the_second_time(path):
    log, data = make_log(20, "a")
    with Workspace.open(path) as ws:
        assert ws.append_rows(log, UploadInfo.of("a.csv", data)) == 20
        assert ws.append_rows(log, UploadInfo.of("a.csv", data)) == 0
        assert [u.rows_added for u in ws.uploads()] == [20, 0]
        assert [u.rows_present for u in ws.uploads()] == [20, 0]
        assert ws.row_count() == 20


def test_append_follows_merge_logs(path):
    # An overlapping re-export and a file holding one row twice: the same result as merge_logs.
    a = read_csv("a.csv", "2025/1/6,投稿,30,5,4,1,,", "2025/1/8,返信,20,3,3,0,,")
    b = read_csv("b.csv", "2025/1/8,返信,20,3,3,0,,", "2025/1/8,返信,20,3,3,0,,", "2025/1/9,DM,5,0,3,0,,")
    with Workspace.open(path) as ws:
        assert ws.append_rows(a) == 2
        assert ws.append_rows(b) == 2  # the second copy of the reply and the DM
        assert_frame_equal(ws.load_log(), merge_logs([a, b])[0])


def test_append_adds_new_columns_before_the_provenance(path):
    a = read_csv("a.csv", "2025/1/6,投稿,30,5,4", header=REQUIRED_HEADER)
    b = read_csv("b.csv", "2025/1/7,投稿,30,5,4,2,ok,1")
    with Workspace.open(path) as ws:
        ws.append_rows(a)
        ws.append_rows(b)
        loaded = ws.load_log()
    assert list(loaded.columns) == ["date", "action", "category", "minutes", "reactions", "quality", "inquiries",
                                    "memo", "deep_questions", "source", "source_row"]
    assert loaded["inquiries"].isna().tolist() == [True, False]
    assert loaded["memo"].tolist() == ["", "ok"]


def test_delete_rows_by_id_and_by_source_row_takes_a_backup(path):
    log, _ = make_log(10, "a")
    with Workspace.open(path) as ws:
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
path, rows = sys.argv[1], int(sys.argv[2])
ws = Workspace.open(path)
log, data = make_log(rows, "big", start_row=1000)
ws._conn.execute("PRAGMA cache_size = 8")  # a tiny page cache: pages spill into the WAL before the commit
start = ws._conn.total_changes

def halfway():
    # Called by SQLite while the insert runs: past half the rows, say so and wait to be killed.
    if ws._conn.total_changes - start > rows // 2:
        print("halfway", flush=True)
        time.sleep(600)
    return 0

if sys.argv[3] == "kill":
    ws._conn.set_progress_handler(halfway, 10_000)
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


def test_two_processes_appending_at_once_lose_nothing(path, tmp_path):
    Workspace.open(path).close()
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER_CHILD, str(path), tag, "40", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("p", "q")]
    try:
        assert [readline(p) for p in procs] == ["ready", "ready"]
        go.touch()
        assert [readline(p) for p in procs] == ["200", "200"]
    finally:
        for p in procs:
            p.wait()
    with Workspace.open(path) as ws:
        log = ws.load_log()
    assert len(log) == 400
    assert sorted(log["memo"]) == sorted(f"{tag}-{i}" for tag in ("p", "q") for i in range(200))
    assert integrity(path) == "ok"


def test_threads_appending_at_once_lose_nothing_and_add_a_shared_file_once(path):
    Workspace.open(path).close()
    shared_log, _ = make_log(30, "same")
    shared = Workspace.open(path)  # one connection used by several threads, as Streamlit's script threads do
    added: dict[str, int] = {}
    barrier = threading.Barrier(6)

    def own(tag: str) -> None:
        with Workspace.open(path) as ws:
            barrier.wait()
            added[tag] = sum(ws.append_rows(make_log(4, tag, start_row=b * 4)[0]) for b in range(15))

    def same(tag: str, ws: Workspace) -> None:
        barrier.wait()
        added[tag] = ws.append_rows(shared_log)

    threads = [threading.Thread(target=own, args=(tag,)) for tag in ("t1", "t2", "t3")]
    threads += [threading.Thread(target=same, args=(f"s{i}", shared)) for i in range(2)]
    threads += [threading.Thread(target=same, args=("s2", Workspace.open(path)))]
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


def test_a_workspace_from_a_newer_app_is_refused(path):
    Workspace.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(WorkspaceError) as raised:
        Workspace.open(path)
    assert raised.value.code == "error.newer_schema"
    assert "99" in raised.value.message("ja") and "99" in raised.value.message("en")


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


def test_export_then_import_into_an_empty_workspace_is_exact(tmp_path):
    with Workspace.open(tmp_path / "a.sqlite3") as ws:
        plan, log, reviews = filled(ws)
        extra = read_csv("extra.csv", "2026/3/30,=1+1 の解説を投稿,30,5,4,1,\"カンマ, と \"\"引用\"\"\",1")
        ws.append_rows(extra, UploadInfo.of("extra.csv", b"x"))
        expected_log, expected_uploads = ws.load_log(), ws.uploads()
        data = ws.export_zip()
    for mode in ("merge", "replace"):
        with Workspace.open(tmp_path / f"b_{mode}.sqlite3") as ws:
            result = ws.import_zip(data, mode)
            assert (result.rows_added, result.rows_removed, result.backup_id) == (len(expected_log), 0, None)
            assert ws.load_plan() == plan
            assert_frame_equal(ws.load_log(), expected_log)
            assert ws.load_reviews() == reviews
            assert ws.uploads() == expected_uploads


def test_the_export_is_readable_by_a_person(path):
    with Workspace.open(path) as ws:
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


def test_a_row_added_by_hand_to_the_exported_csv_is_imported(path, tmp_path):
    with Workspace.open(path) as ws:
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
    with Workspace.open(tmp_path / "b.sqlite3") as ws:
        assert ws.preview_import(buffer.getvalue()).rows_in_file == 4
        ws.import_zip(buffer.getvalue())
        added = ws.load_log().query("memo == '手で足した行'").iloc[0]
    assert (added["category"], added["source"], added["source_row"]) == ("consultation", "log.csv", 5)


def test_import_preview_counts_what_would_change(tmp_path):
    a = read_csv("a.csv", "2025/1/6,投稿,30,5,4,1,,", "2025/1/8,返信,20,3,3,0,,", "2025/1/9,DM,5,0,3,0,,")
    with Workspace.open(tmp_path / "a.sqlite3") as ws:
        ws.save_plan(default_plan("office_worker"))
        ws.append_rows(a)
        ws.save_review("2025-01-06", {"learned": "A"})
        ws.save_review("2025-01-13", {"learned": "same"})
        data = ws.export_zip()
    with Workspace.open(tmp_path / "b.sqlite3") as ws:
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


def test_files_that_are_not_our_exports_are_problems_as_data(path):
    with Workspace.open(path) as ws:
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


def test_replace_takes_a_backup_and_restore_brings_the_old_content_back(tmp_path):
    with Workspace.open(tmp_path / "other.sqlite3") as other:
        other.save_plan(demo_plan("student"))
        other.append_rows(demo_log("student"))
        other.save_review("2026-01-05", {"learned": "学生"})
        student_zip = other.export_zip()
    with Workspace.open(tmp_path / "mine.sqlite3") as ws:
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


def test_replace_log_takes_a_backup_first(path):
    old, _ = make_log(5, "old")
    new, _ = make_log(3, "new")
    with Workspace.open(path) as ws:
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


def test_thirty_backups_are_kept_and_the_oldest_goes_first():
    with Workspace.open(":memory:") as ws:
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


def test_the_change_mark_moves_on_any_write_made_elsewhere_and_on_nothing_else(path):
    with Workspace.open(path) as here, Workspace.open(path) as other:
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
        here.save_plan(plan)  # this connection's own write: already in hand, no reason to read again
        assert here.change_mark() == mark


def test_the_change_mark_sees_a_write_from_another_process(path):
    Workspace.open(path).close()
    with Workspace.open(path) as here:
        mark = here.change_mark()
        subprocess.run([sys.executable, "-c", CHILD_PRELUDE + f"""
ws = Workspace.open({str(path)!r})
ws.save_review("2026-01-05", {{"worked": "別のタブから"}})
ws.close()
"""], check=True, timeout=60)
        assert here.change_mark() != mark
        assert here.load_reviews() == {"2026-01-05": {"worked": "別のタブから"}}
