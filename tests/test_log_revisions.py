"""Log page: re-uploaded edited rows, header-only files, and the uploads of earlier visits."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi_core.export import template_csv_bytes
from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.revisions import Change, Revision, describe, find_revisions, still_valid
from kpi_core.workspace import UploadInfo, Workspace
from tests.conftest import csv_text
from tests.test_pages import BAD, WORKED, clean_caches, open_page, texts, upload  # noqa: F401 (autouse fixture)

PENDING = "log_pending_revisions"
V1 = ["2025/1/6,投稿,30,9,4,1,", "2025/1/8,返信,20,3,3,0,", "2025/1/10,投稿,40,8,5,1,"]
# The same sheet later: reactions 9 → 11 and a memo on the first row, one new row.
V2 = ["2025/1/6,投稿,30,11,4,1,DMで相談が来た", "2025/1/8,返信,20,3,3,0,", "2025/1/10,投稿,40,8,5,1,",
      "2025/1/12,DM,15,1,4,1,"]


def read(*rows: str) -> pd.DataFrame:
    return read_files([("file.csv", csv_text(*rows).encode())]).log


def stored(*rows: str) -> tuple[Workspace, pd.DataFrame]:
    workspace = Workspace.open(":memory:")
    workspace.append_rows(read(*rows), UploadInfo("file.csv", rows_accepted=len(rows)))
    return workspace, workspace.load_log(with_ids=True)


def row_id(log: pd.DataFrame, date: str, minutes: float) -> int:
    return int(log.index[(log["date"] == pd.Timestamp(date)) & (log["minutes"] == minutes)][0])


# ---------------------------------------------------------------- the pure detection


def test_an_edited_row_is_found_with_what_changed():
    _, earlier = stored(*V1)
    found = find_revisions(earlier, read(*V2))
    assert found == [Revision(row_id(earlier, "2025-01-06", 30), "2025-01-06", "投稿", "post",
                              (Change("reactions", 9.0, 11.0), Change("memo", None, "DMで相談が来た")))]


def test_identical_and_new_rows_are_not_revisions():
    _, earlier = stored(*V1)  # blank memos come back as "" from the workspace, as NA from a fresh read
    assert find_revisions(earlier, read(*V1, "2025/1/12,DM,15,1,4,1,")) == []
    assert find_revisions(earlier.iloc[:0], read(*V2)) == []


def test_several_earlier_rows_on_one_day_pair_with_the_closest():
    _, earlier = stored("2025/1/6,投稿,30,5,4,1,", "2025/1/6,投稿,60,2,3,0,")
    # The first post unchanged, the second edited (2 → 4 reactions), a third post added that day.
    found = find_revisions(earlier, read("2025/1/6,投稿,60,4,3,0,", "2025/1/6,投稿,30,5,4,1,",
                                         "2025/1/6,投稿,10,0,2,0,"))
    assert [(r.earlier_id, r.changes) for r in found] == [
        (row_id(earlier, "2025-01-06", 60), (Change("reactions", 2.0, 4.0),))]
    # Both edited: each pairs with its own earlier row, not crosswise.
    found = find_revisions(earlier, read("2025/1/6,投稿,60,2,5,0,", "2025/1/6,投稿,30,6,4,1,"))
    assert [(r.earlier_id, r.changes) for r in found] == [
        (row_id(earlier, "2025-01-06", 60), (Change("quality", 3.0, 5.0),)),
        (row_id(earlier, "2025-01-06", 30), (Change("reactions", 5.0, 6.0),)),
    ]


def test_rows_of_one_upload_never_pair_with_each_other():
    # Two posts on one day in the new file, nothing that day before: no revision.
    _, earlier = stored("2025/1/7,投稿,30,5,4,1,")
    assert find_revisions(earlier, read("2025/1/6,投稿,30,5,4,1,", "2025/1/6,投稿,60,2,3,0,")) == []
    # Both posts were in one earlier file; the new file repeats one of them: nothing left to pair.
    _, earlier = stored("2025/1/6,投稿,30,5,4,1,", "2025/1/6,投稿,60,2,3,0,")
    assert find_revisions(earlier, read("2025/1/6,投稿,60,2,3,0,")) == []


def test_a_sheet_uploaded_again_after_both_versions_were_kept_still_finds_the_older_one():
    workspace, _ = stored(*V1)
    workspace.append_rows(read(*V2), UploadInfo("sheet (1).csv", rows_accepted=4))
    earlier = workspace.load_log(with_ids=True)
    # Every row of V2 is now stored, so each is a copy; the first upload's row 2025-01-06 is the older version.
    found = find_revisions(earlier, read(*V2))
    assert [(r.earlier_id, r.changes) for r in found] == [
        (row_id(earlier[earlier["reactions"] == 9], "2025-01-06", 30),
         (Change("reactions", 9.0, 11.0), Change("memo", None, "DMで相談が来た")))]
    # Two posts of one day that came in with one upload are never versions of each other.
    workspace, _ = stored("2025/1/6,投稿,30,5,4,1,", "2025/1/6,投稿,60,2,3,0,")
    assert find_revisions(workspace.load_log(with_ids=True), read("2025/1/6,投稿,60,2,3,0,")) == []


def test_another_category_or_action_is_not_a_revision():
    _, earlier = stored("2025/1/6,投稿,30,5,4,1,")
    incoming = read("2025/1/6,投稿,30,7,4,1,")
    incoming["category"] = "reply"
    assert find_revisions(earlier, incoming) == []
    assert find_revisions(earlier, read("2025/1/6,返信,30,7,4,1,")) == []


def test_still_valid_drops_pairs_whose_rows_changed():
    workspace, earlier = stored(*V1)
    workspace.append_rows(read(*V2))
    found = find_revisions(earlier, read(*V2))
    assert still_valid(found, workspace.load_log(with_ids=True)) == found
    now = workspace.load_log(with_ids=True)
    new_row = int(now.index[now["reactions"] == 11][0])
    workspace.delete_rows([new_row], backup=False)  # the new version is gone: replacing would lose the row
    assert still_valid(found, workspace.load_log(with_ids=True)) == []
    workspace.append_rows(read(*V2))
    workspace.delete_rows([found[0].earlier_id], backup=False)  # the earlier row is gone already
    assert still_valid(found, workspace.load_log(with_ids=True)) == []


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "2025-01-06の「投稿」:直接反応数 9 → 11 / メモ (空欄) → DMで相談が来た"),
    ("en", '2025-01-06 "投稿": Reactions 9 → 11 / Memo (blank) → DMで相談が来た'),
])
def test_describe_names_the_day_the_action_and_each_change(lang, expected):
    revision = Revision(1, "2025-01-06", "投稿", "post", (Change("reactions", 9.0, 11.0),
                                                           Change("memo", None, "DMで相談が来た")))
    labels = {c: t(f"column.{c}", lang) for c in ("reactions", "memo")}
    assert describe(revision, lang, labels) == expected


# ---------------------------------------------------------------- the page


def example(lang: str) -> str:
    changes = " / ".join([
        t("log.revisions.change", lang, column=t("column.reactions", lang), old=9, new=11),
        t("log.revisions.change", lang, column=t("column.memo", lang), old=t("log.revisions.blank", lang),
          new="DMで相談が来た")])
    return t("log.revisions.example", lang, date="2025-01-06", action="投稿", changes=changes)


def uploaded_twice(lang: str):
    at = upload(open_page("log", lang), ("sheet.csv", csv_text(*V1).encode()))
    assert not at.warning  # a first upload has nothing to compare with
    return upload(at, ("sheet (1).csv", csv_text(*V2).encode()))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_edited_sheet_uploaded_again_warns_and_replaces_the_earlier_row(lang):
    at = uploaded_twice(lang)
    log = at.session_state["log"]
    assert (len(log), log["minutes"].sum()) == (5, 135)  # the edited row counts twice until the person decides
    assert [w.value for w in at.warning] == [t("log.revisions.found", lang, count=1)]
    assert f"- {example(lang)}" in texts(at)
    at.run()  # any click reruns the page: the question stays
    assert [w.value for w in at.warning] == [t("log.revisions.found", lang, count=1)]

    at.button(key="revisions_replace").click().run()
    log = at.session_state["log"]
    assert (len(log), log["minutes"].sum(), log["reactions"].sum()) == (4, 105, 23)
    first = log[log["date"] == pd.Timestamp("2025-01-06")]
    assert (first["reactions"].tolist(), first["memo"].tolist()) == ([11], ["DMで相談が来た"])
    assert not at.warning and t("log.revisions.replaced", lang, rows=1) in [s.value for s in at.success]
    with Workspace.open(at.session_state["ws"].path) as stored_ws:
        assert stored_ws.row_count() == 4
        assert [(b.reason, b.rows) for b in stored_ws.backups()] == [("delete_rows", 5)]
    at.run()
    assert not at.warning and at.session_state[PENDING] == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_question_comes_back_when_the_sheet_is_uploaded_again_after_a_reload(lang):
    uploaded_twice(lang)  # the warning shown, then the tab reloaded without an answer
    again = upload(open_page("log", lang), ("sheet (2).csv", csv_text(*V2).encode()))
    assert [w.value for w in again.warning] == [t("log.revisions.found", lang, count=1)]
    again.button(key="revisions_replace").click().run()
    assert (len(again.session_state["log"]), again.session_state["log"]["minutes"].sum()) == (4, 105)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_keeping_both_versions_removes_nothing(lang):
    at = uploaded_twice(lang)
    at.button(key="revisions_keep").click().run()
    log = at.session_state["log"]
    assert (len(log), log["minutes"].sum()) == (5, 135)
    assert not at.warning and t("log.revisions.kept", lang) in [s.value for s in at.success]
    assert at.session_state["ws"].backups() == []
    at.run()
    assert not at.warning


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_same_sheet_again_is_no_revision_and_many_are_summed_up(lang):
    at = upload(open_page("log", lang), ("sheet.csv", csv_text(*V1).encode()))
    at = upload(at, ("copy.csv", csv_text(*V1).encode()))
    assert not at.warning and len(at.session_state["log"]) == 3
    # Every row edited: four revisions, three spelled out, the fourth counted.
    days = ["2025/2/3", "2025/2/4", "2025/2/5", "2025/2/6"]
    at = upload(at, ("feb.csv", csv_text(*[f"{d},投稿,30,5,4,0," for d in days]).encode()))
    at = upload(at, ("feb_v2.csv", csv_text(*[f"{d},投稿,30,5,2,0," for d in days]).encode()))
    assert [w.value for w in at.warning] == [t("log.revisions.found", lang, count=4)]
    listed = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert listed.count("\n") == 3 and listed.endswith(f"- {t('log.revisions.more', lang, count=1)}")
    assert listed.startswith(f"- {t('log.revisions.example', lang, date='2025-02-03', action='投稿', changes='')}")
    at.button(key="revisions_replace").click().run()
    log = at.session_state["log"]
    assert (len(log), sorted(log["quality"].tolist())) == (7, [2, 2, 2, 2, 3, 4, 5])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_template_as_downloaded_says_there_are_no_rows_yet(lang):
    template = template_csv_bytes(default_catalog().template_columns("office_worker"), lang)
    at = upload(open_page("log", lang), ("template.csv", template))
    assert [e.label for e in at.expander if "template.csv" in e.label] == ["⚠️ template.csv"]
    assert t("log.no_rows", lang) in [w.value for w in at.warning]
    assert not at.metric  # no row of zeros that reads like success
    assert len(at.session_state["log"]) == 0
    at = upload(open_page("log", lang), ("empty.csv", b""))
    assert [e.value for e in at.error] == [t("reader.error.empty", lang)]
    assert t("log.no_rows", lang) not in [w.value for w in at.warning]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_reload_lists_earlier_uploads_with_their_rejected_rows(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED), ("bad.csv", BAD))
    titled = t("log.earlier.title_rejected", lang, files=2, rejected=2)
    assert not [e for e in at.expander if titled in e.label]  # read in this visit: the cards say it all

    again = open_page("log", lang)  # a reload: a new session on the same workspace
    assert [e.label for e in again.expander if e.label.startswith("🗂️")] == [f"🗂️ {titled}"]
    table = next(d.value for d in again.dataframe if t("log.earlier.col.file", lang) in d.value.columns)
    assert table[t("log.earlier.col.file", lang)].tolist() == ["bad.csv", "good.csv"]  # newest first
    assert all(when.endswith(" UTC") for when in table[t("log.earlier.col.read_at", lang)])  # no zone under test
    assert table[t("log.accepted", lang)].tolist() == [1, 4]
    assert table[t("log.rejected", lang)].tolist() == [2, 0]
    assert table[t("log.earlier.col.added", lang)].tolist() == [1, 4]
    assert t("log.earlier.hint", lang) in [c.value for c in again.caption]

    # Uploading bad.csv again shows its rejected rows; the list keeps only the file not read in this visit.
    again = upload(again, ("bad.csv", BAD))
    assert again.dataframe[0].value[t("log.col.row", lang)].tolist() == [3, 4]
    assert [e.label for e in again.expander if e.label.startswith("🗂️")] == [
        f"🗂️ {t('log.earlier.title', lang, files=1)}"]
    assert t("log.earlier.hint", lang) not in [c.value for c in again.caption]
    assert len(again.session_state["log"]) == 5


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_earlier_uploads_say_how_many_rows_each_added(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    upload(at, ("good (1).csv", WORKED))  # the same rows again: read, none added
    again = open_page("log", lang)
    table = next(d.value for d in again.dataframe if t("log.earlier.col.file", lang) in d.value.columns)
    assert table[t("log.earlier.col.file", lang)].tolist() == ["good (1).csv", "good.csv"]
    assert table[t("log.accepted", lang)].tolist() == [4, 4]
    assert table[t("log.earlier.col.added", lang)].tolist() == [0, 4]
