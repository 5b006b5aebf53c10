"""The import zip: a bomb is refused with the importing process's memory bounded, the upload is read once per
upload, nothing is half-written on refusal, and long texts in an imported plan or review are cut and said."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from kpi_core.bounds import MAX_FIGURE_CHARS, MAX_REFLECTION_CHARS
from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.plan import default_plan, plan_to_yaml
from kpi_core.store.bundle import IMPORT_LIMITS, MAX_IMPORT_BYTES
from kpi_core.store.workspace import Workspace, WorkspaceImportError, read_import
from tests.test_pages import WORKED, clean_caches, open_page  # noqa: F401 (autouse fixture)

ROOT = Path(__file__).resolve().parent.parent
LINE = "2025-01-06,投稿,30,1,3,,\r\n".encode()
# A megabyte of text written like text (a run of one letter would be refused as a zip bomb before being read).
MEGA = "".join(random.Random(3).choices("あいうえおかきくけこさしすせそabcdefg 、。", k=2**20))


def export(plan_person: str = "", reviews: dict | None = None) -> bytes:
    """A real export: WORKED's 4 rows, a plan, the reviews given."""
    with Workspace.open(":memory:") as ws:
        ws.append_rows(read_files([("jan.csv", WORKED)]).log)
        plan = default_plan("office_worker")
        plan.statement.person = plan_person
        ws.save_plan(plan)
        for week, fields in (reviews or {}).items():
            ws.save_review(week, fields)
        return ws.export_zip()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_members(data: bytes, **replaced: bytes) -> bytes:
    files = {**members(data), **{name.replace("_", "."): value for name, value in replaced.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in files.items():
            archive.writestr(name, value)
    return buffer.getvalue()


def write_bomb(path: Path, inflated: int, *, ratio_under_cap: bool) -> None:
    """An export whose log.csv inflates to `inflated` bytes, written as it streams (the test holds none of it).

    ratio_under_cap=False: one line repeated, about 1000 times smaller packed (stopped by the ratio cap).
    True: the same lines with random numbers sprinkled in, about 110 times (under the 200 ratio cap: only the
    size cap can stop it).
    """
    rnd = random.Random(7)
    lines = [LINE + str(rnd.randrange(10**6)).encode() + b"\r\n" if rnd.random() < 0.03 else LINE
             for _ in range(8 * 2700)]
    blocks = [b"".join(lines[i::8]) for i in range(8)] if ratio_under_cap else [LINE * 2700]
    manifest = members(export())["manifest.yaml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("manifest.yaml", manifest)
        archive.writestr("reviews.yaml", b"{}\n")
        with archive.open("log.csv", "w", force_zip64=True) as log:
            log.write("日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ\r\n".encode())
            written = 0
            while written < inflated:
                block = blocks[written // len(blocks[0]) % len(blocks)]
                log.write(block)
                written += len(block)


CHILD = """
import json, re, resource, sys, time
from kpi_core.store.workspace import Workspace, WorkspaceImportError


def peak_kb(field="VmHWM"):
    try:  # Linux: the peak resident size since the last reset
        return int(re.search(field + r":\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


ws = Workspace.open(":memory:")
ws.preview_import(open(sys.argv[2], "rb").read())  # a normal export first: every module the import uses is loaded
data = open(sys.argv[1], "rb").read()
try:
    open("/proc/self/clear_refs", "w").write("5")  # the peak starts again from what the process holds now
    before = peak_kb("VmRSS")
except OSError:  # elsewhere: the peak so far (growth under an earlier, higher peak is then not seen)
    before = peak_kb()
start = time.perf_counter()
if sys.argv[3] == "bare":  # the control: what reading the zip as it declares itself costs
    import io, zipfile
    archive = zipfile.ZipFile(io.BytesIO(data))
    held = [archive.read(name) for name in archive.namelist()]
    codes, refused = [], False
else:
    codes = [p.code for p in ws.preview_import(data).problems]
    try:
        ws.import_zip(data, "replace")
        refused = False
    except WorkspaceImportError:
        refused = True
seconds = time.perf_counter() - start
print(json.dumps({"codes": codes, "refused": refused, "rows": ws.row_count(),
                  "grew_mb": (peak_kb() - before) / 1024, "seconds": seconds}))
"""


def import_in_a_child(bomb: Path, normal: Path, mode: str = "import") -> dict:
    """Import `bomb` in a fresh Python process: how far its peak resident memory rose above what it held."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(bomb), str(normal), mode], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("inflated", "under_cap", "code"), [
    (300 * 2**20, False, "import.too_compressed"),  # the bomb: 0.3 MB that inflates to 300 MB
    (160 * 2**20, True, "import.too_large"),  # packed "only" 110 times: stopped at the 128 MB size cap
])
def test_a_zip_bomb_is_refused_with_the_importing_process_memory_bounded(tmp_path, inflated, under_cap, code):
    bomb, normal = tmp_path / "bomb.zip", tmp_path / "normal.zip"
    write_bomb(bomb, inflated, ratio_under_cap=under_cap)
    normal.write_bytes(export())
    assert bomb.stat().st_size < inflated / 100
    result = import_in_a_child(bomb, normal)
    assert (result["codes"], result["refused"], result["rows"]) == ([code], True, 0)
    assert result["grew_mb"] < 200, result  # the time is in bench/bench_import.py, not asserted here
    # The control, in the same kind of process: the same file read the way the zip declares itself.
    assert import_in_a_child(bomb, normal, "bare")["grew_mb"] > 200


def test_the_import_caps_are_what_the_comment_says():
    assert MAX_IMPORT_BYTES == 128 * 2**20
    limits = (IMPORT_LIMITS.member_bytes, IMPORT_LIMITS.total_bytes, IMPORT_LIMITS.ratio)
    assert limits == (MAX_IMPORT_BYTES, MAX_IMPORT_BYTES, 200)
    preview = Workspace.open(":memory:").preview_import(b"")
    assert preview.problems[0].code == "import.not_zip"


def test_a_refused_bomb_changes_nothing_in_the_workspace(tmp_path):
    bomb = tmp_path / "bomb.zip"
    write_bomb(bomb, 20 * 2**20, ratio_under_cap=False)
    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        ws.append_rows(read_files([("jan.csv", WORKED)]).log)
        ws.save_review("2025-01-06", {"worked": "体験談"})
        before = (ws.row_count(), ws.load_plan(), ws.load_reviews(), ws.uploads(), ws.backups())
        for mode in ("merge", "replace"):
            with pytest.raises(WorkspaceImportError) as raised:
                ws.import_zip(bomb.read_bytes(), mode)
            assert [p.code for p in raised.value.problems] == ["import.too_compressed"]
            assert raised.value.message("en") == t("workspace.import.too_compressed", "en", file="log.csv",
                                                   ratio="200")
        assert (ws.row_count(), ws.load_plan(), ws.load_reviews(), ws.uploads(), ws.backups()) == before


def test_a_bomb_dropped_on_the_data_page_is_refused_with_a_message(tmp_path):
    bomb = tmp_path / "bomb.zip"
    write_bomb(bomb, 50 * 2**20, ratio_under_cap=False)
    at = open_page("data", "en")
    at.get("file_uploader")[0].upload("bomb.zip", bomb.read_bytes(), "application/zip")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("workspace.import.too_compressed", "en", file="log.csv", ratio="200")]
    assert not [b for b in at.button if b.key == "import_go"]  # nothing to confirm
    assert len(at.session_state["log"]) == 0


# ---------------------------------------------------------------- read once per upload


def test_the_import_is_read_once_per_upload_not_on_every_rerun(monkeypatch):
    import pages._ui.visit as visit

    reads = []
    monkeypatch.setattr(visit, "read_import", lambda data: reads.append(len(data)) or read_import(data))
    data = export("子育て中の30代")
    at = open_page("data", "en")
    at.get("file_uploader")[0].upload("backup.zip", data, "application/zip")
    at.run()
    at.radio(key="import_mode").set_value("replace").run()  # each choice is a rerun of the page
    at.checkbox(key="import_sure").check().run()
    at.run()
    assert reads == [len(data)]
    next(b for b in at.button if b.key == "import_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert reads == [len(data)]  # the import used what the preview read
    assert len(at.session_state["log"]) == 4
    assert at.session_state["plan"].statement.person == "子育て中の30代"
    assert "import_read" not in at.session_state  # the uploader is empty again: its content is let go

    at.get("file_uploader")[0].upload("backup.zip", data, "application/zip")  # a new upload is read again
    at.run()
    assert reads == [len(data)] * 2


# ---------------------------------------------------------------- long text in a file


def test_an_imported_plan_with_a_one_megabyte_field_is_cut_to_its_cap_and_said():
    data = export(MEGA)
    with Workspace.open(":memory:") as ws:
        preview = ws.preview_import(data)
        assert preview.ok
        cut = [p for p in preview.problems if p.code == "import.plan_cut"]
        assert [p.blocking for p in cut] == [False]
        assert preview.lines("ja")[-1] == (
            "plan.yaml: 「その一人(例:年齢、立場)」が1,048,576文字あったため、はじめの200文字だけを残しました。")
        assert preview.lines("en")[-1] == (
            "plan.yaml: \"The one person (age, role…)\" had 1,048,576 characters; the first 200 are kept.")
        ws.import_zip(data, "replace")
        assert ws.load_plan().statement.person == MEGA[:200]


def test_imported_reviews_with_long_text_are_cut_and_said():
    huge = MEGA
    data = export(reviews={"2025-01-06": {"worked": huge, "followers": huge, "fatigue": 3, "own": huge}})
    with Workspace.open(":memory:") as ws:
        preview = ws.preview_import(data)
        assert preview.ok
        assert [line for line in preview.lines("en") if "characters" in line] == [
            "reviews.yaml: \"What worked\" of the week of 2025-01-06 had 1,048,576 characters; the first 4,000 are "
            "kept.",
            "reviews.yaml: \"Followers\" of the week of 2025-01-06 had 1,048,576 characters; the first 100 are kept."]
        ws.import_zip(data, "merge")
        review = ws.load_reviews()["2025-01-06"]
        assert (len(review["worked"]), len(review["followers"])) == (MAX_REFLECTION_CHARS, MAX_FIGURE_CHARS)
        assert review["fatigue"] == 3 and review["own"] == huge  # no page shows "own": it is kept as it came


def test_an_imported_reflection_that_is_not_text_is_refused_and_changes_nothing():
    data = with_members(export(), reviews_yaml=yaml.safe_dump({"2025-01-06": {"worked": {"a": 1}}}).encode())
    with Workspace.open(":memory:") as ws:
        preview = ws.preview_import(data)
        assert preview.lines("ja") == [
            "reviews.yaml の 2025-01-06 の週の worked が文字ではないため、取り込みません(何も変えていません)。"]
        with pytest.raises(WorkspaceImportError):
            ws.import_zip(data, "replace")
        assert (ws.row_count(), ws.load_reviews()) == (0, {})


def test_a_restored_backup_with_long_text_comes_back_cut_and_said(tmp_path):
    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        ws.save_plan(default_plan("office_worker"))
        backup_id = ws.backup()
        # An older version with a higher cap stored this; the backup zip carries it as it was.
        long = default_plan("office_worker")
        long.statement.offer = "z" * 500
        conn = sqlite3.connect(tmp_path / "w.sqlite3")
        with conn:
            conn.execute("UPDATE backups SET zip = ? WHERE id = ?",
                         (with_members(ws.backup_zip(backup_id), plan_yaml=plan_to_yaml(long).encode()), backup_id))
        conn.close()
        lines = ws.preview_restore(backup_id).restore_lines("en")
        assert lines[-1] == "plan.yaml: \"What you offer\" had 500 characters; the first 200 are kept."
        ws.restore(backup_id)
        assert ws.load_plan().statement.offer == "z" * 200
