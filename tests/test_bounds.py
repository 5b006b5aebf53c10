"""Bounds on what a visitor sends: every typed text capped, and in hosted mode the uploads of one visit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi_core import bounds
from kpi_core.bounds import (
    MAX_FIGURE_CHARS,
    MAX_REFLECTION_CHARS,
    MAX_VISIT_BYTES,
    MAX_VISIT_FILES,
    REVIEW_TEXT_LIMITS,
    VisitUploads,
)
from kpi_core.cycle import REFLECTION_FIELDS
from kpi_core.messages import t
from kpi_core.plan import STATEMENT_LIMITS
from kpi_core.store.workspace import Workspace
from pages._ui.markdown import literal
from tests.test_pages import APP, PAGES, WORKED, clean_caches, open_page, upload  # noqa: F401 (autouse fixture)

ROOT = Path(__file__).resolve().parent.parent
HUGE = "あ" * 10**6
DEFINE_STEPS = 6


def test_the_caps_are_what_their_comments_say():
    assert (bounds.MAX_SHORT_CHARS, bounds.MAX_LONG_CHARS, MAX_REFLECTION_CHARS, MAX_FIGURE_CHARS,
            bounds.MAX_SENTENCE_CHARS) == (200, 2_000, 4_000, 100, 4_300)
    assert REVIEW_TEXT_LIMITS == {"worked": 4000, "change": 4000, "thanks": 4000, "experiment": 4000,
                                  "followers": 100}
    assert set(REFLECTION_FIELDS) < set(REVIEW_TEXT_LIMITS)
    assert (MAX_VISIT_FILES, MAX_VISIT_BYTES) == (30, 100 * 2**20)


def test_a_visit_admits_files_up_to_both_caps():
    count = VisitUploads()
    assert count.admits(MAX_VISIT_BYTES) and not count.admits(MAX_VISIT_BYTES + 1)
    assert count.plus(10).plus(5) == VisitUploads(2, 15)
    full = VisitUploads(MAX_VISIT_FILES - 1, 0)
    assert full.admits(0) and not full.plus(0).admits(0)
    assert not VisitUploads(1, MAX_VISIT_BYTES - 10).admits(11) and VisitUploads(1, MAX_VISIT_BYTES - 10).admits(10)


def test_every_text_input_in_the_pages_names_its_cap():
    """Static: each st.text_input / st.text_area call (or the define page's `widget`) passes max_chars."""
    missing = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("text_input", "text_area", "widget") and "max_chars" not in {k.arg for k in node.keywords}:
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def define_step(step: int, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["define_step"] = step
    at.switch_page(PAGES["define"][0])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("step", range(DEFINE_STEPS))
def test_a_huge_text_typed_on_the_define_page_is_capped(step):
    at = define_step(step)
    keys = [(w.type, w.key) for w in [*at.text_input, *at.text_area]]
    assert len(keys) == [5, 1, 2, 1, 1, 2][step]
    for kind, key in keys:
        widget = getattr(at, kind)(key=key)  # found again after each run: the tree is new
        field = key.removeprefix("define_")
        assert widget.max_chars == STATEMENT_LIMITS[field]
        widget.set_value(HUGE)  # what a browser that ignores maxlength (or a crafted message) would send
        at.run()
        assert not at.exception
        stored = getattr(at.session_state["plan"].statement, field)
        assert stored == "あ" * STATEMENT_LIMITS[field]


def test_a_huge_text_typed_on_the_review_page_is_capped(tmp_path):
    at = upload(open_page("log", "en"), ("good.csv", WORKED))
    at.switch_page(PAGES["review"][0])
    at.run()
    for field in REFLECTION_FIELDS:
        widget = at.text_area(key=f"review_{field}_2025-01-13")
        assert widget.max_chars == MAX_REFLECTION_CHARS
        widget.set_value(HUGE).run()
        assert not at.exception, [e.value for e in at.exception]
    followers = at.text_input(key="share_followers_2025-01-13")
    assert followers.max_chars == MAX_FIGURE_CHARS
    followers.set_value(HUGE).run()
    assert not at.exception, [e.value for e in at.exception]
    review = at.session_state["reviews"]["2025-01-13"]
    assert {f: len(review[f]) for f in REVIEW_TEXT_LIMITS} == REVIEW_TEXT_LIMITS
    with Workspace.open(tmp_path / "workspace.sqlite3") as stored:  # saved as capped
        assert {f: len(v) for f, v in stored.load_reviews()["2025-01-13"].items()} == REVIEW_TEXT_LIMITS


@pytest.mark.parametrize("page", list(PAGES))
def test_every_text_input_on_every_page_with_data_is_capped(page):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page(PAGES[page][0])
    at.run()
    assert not at.exception
    assert all(w.max_chars > 0 for w in [*at.text_input, *at.text_area])


# ---------------------------------------------------------------- hosted: uploads per visit


def visit_full(name: str, lang: str = "en") -> str:
    return t("upload.visit_full", lang, files=MAX_VISIT_FILES, megabytes=100, name=literal(name))


def test_a_hosted_visit_reads_thirty_files_and_refuses_the_next_with_a_message(monkeypatch):
    monkeypatch.setenv("KPI_COACH_HOSTED", "1")
    at = open_page("log", "en")
    files = [(f"week_{i}.csv", WORKED) for i in range(MAX_VISIT_FILES + 1)]
    upload(at, *files)
    assert at.session_state["visit_uploads"] == VisitUploads(30, 30 * len(WORKED))
    assert [r.name for r in at.session_state["uploads"]] == [name for name, _ in files[:30]]
    assert [e.value for e in at.error] == [visit_full("week_30.csv")]
    at.run()  # a rerun neither reads it nor counts anything again
    assert at.session_state["visit_uploads"] == VisitUploads(30, 30 * len(WORKED))
    assert [e.value for e in at.error] == [visit_full("week_30.csv")]


def test_a_hosted_visit_stops_at_its_bytes_and_an_import_counts_too(monkeypatch):
    monkeypatch.setenv("KPI_COACH_HOSTED", "1")
    monkeypatch.setattr(bounds, "MAX_VISIT_BYTES", 2 * len(WORKED))
    at = open_page("log", "ja")
    upload(at, ("a.csv", WORKED), ("b.csv", WORKED), ("c.csv", WORKED))
    assert at.session_state["visit_uploads"] == VisitUploads(2, 2 * len(WORKED))
    message = t("upload.visit_full", "ja", files=30, megabytes=0, name=literal("c.csv"))
    assert [e.value for e in at.error] == [message]
    assert len(at.session_state["log"]) == 4

    monkeypatch.setattr(bounds, "MAX_VISIT_BYTES", 3 * len(WORKED))  # room for one more small file, not a zip
    exported = at.session_state["ws"].export_zip()
    assert len(exported) > len(WORKED)
    at.switch_page(PAGES["data"][0])
    at.run()
    at.get("file_uploader")[0].upload("backup.zip", exported, "application/zip")
    at.run()
    assert [e.value for e in at.error] == [t("upload.visit_full", "ja", files=30, megabytes=0,
                                             name=literal("backup.zip"))]
    assert not [b for b in at.button if b.key == "import_go"]
    assert at.session_state["visit_uploads"] == VisitUploads(2, 2 * len(WORKED))


def test_a_hosted_import_within_the_caps_is_counted_once(monkeypatch):
    monkeypatch.setenv("KPI_COACH_HOSTED", "1")
    at = open_page("log")
    upload(at, ("a.csv", WORKED))
    exported = at.session_state["ws"].export_zip()
    at.switch_page(PAGES["data"][0])
    at.run()
    at.get("file_uploader")[0].upload("backup.zip", exported, "application/zip")
    at.run()
    at.run()
    assert at.session_state["visit_uploads"] == VisitUploads(2, len(WORKED) + len(exported))
    assert not at.error


def test_a_local_visit_counts_nothing():
    at = upload(open_page("log"), ("a.csv", WORKED), ("b.csv", WORKED))
    assert "visit_uploads" not in at.session_state
    assert not at.error


# ---------------------------------------------------------------- reviews stored before the caps


def test_repair_reviews_cuts_long_text_writes_out_what_is_not_text_and_keeps_the_rest():
    reviews = {"2025-01-06": {"worked": "w" * 4001, "followers": 1200, "fatigue": 3, "own": "o" * 9000,
                              "experiment": None}}
    repaired, changes = bounds.repair_reviews(reviews)
    assert repaired == {"2025-01-06": {"worked": "w" * 4000, "followers": "1200", "fatigue": 3, "own": "o" * 9000,
                                       "experiment": ""}}
    assert [c.message("ja") for c in changes] == [
        "2025-01-06 の週の「うまくいったこと」が4,001文字あったため、はじめの4,000文字だけを残しました。",
        "2025-01-06 の週の「フォロワー数」が文字ではなかったため、文字として書き直しました。"]
    assert len(reviews["2025-01-06"]["worked"]) == 4001  # the reviews given are left as they were
    fine = {"2025-01-06": {"worked": "w" * 4000, "followers": "x" * 100}}
    assert bounds.repair_reviews(fine) == (fine, [])


def test_a_review_stored_before_the_caps_is_cut_once_with_a_backup_and_said_on_the_page(tmp_path, monkeypatch):
    path = tmp_path / "w.sqlite3"
    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(path))
    upload(open_page("log"), ("good.csv", WORKED))
    with Workspace.open(path) as ws:  # written as an older version without the caps would have
        ws.save_review("2025-01-13", {"worked": "w" * 5000, "experiment": {"plan": "a"}})
    at = open_page("review", "en")
    notice = next(w.value for w in at.warning if w.value.startswith(t("repair.notice", "en")))
    said = ["\"What worked\" of the week of 2025-01-13 had 5,000 characters; the first 4,000 are kept.",
            "\"One experiment for next week\" of the week of 2025-01-13 was not text; it is now written out as text."]
    assert notice.endswith("\n".join(f"- {literal(line)}" for line in said))
    assert at.text_area(key="review_worked_2025-01-13").value == "w" * 4000
    with Workspace.open(path) as ws:
        assert ws.load_reviews()["2025-01-13"] == {"worked": "w" * 4000, "experiment": "{'plan': 'a'}"}
        assert [b.reason for b in ws.backups()] == ["repair"]
        assert ws.load_checked_reviews()[1] == []
