"""Log page: re-uploaded edited rows, what an upload kept, the uploader's formats, header-only files, and the
uploads of earlier visits."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from kpi_core.export import template_csv_bytes
from kpi_core.formats import READ_FORMATS
from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.reader import MAX_COLUMNS, MAX_ROWS
from kpi_core.revisions import (
    Change,
    Replacement,
    Revision,
    UploadCounts,
    decide,
    describe,
    file_key,
    find_revisions,
    same_file,
    still_valid,
)
from kpi_core.store.workspace import UploadInfo, Workspace
from tests.conftest import csv_text
from tests.test_pages import BAD, WORKED, clean_caches, open_page, texts, upload  # noqa: F401 (autouse fixture)

PENDING = "log_pending_revisions"
V1 = ["2025/1/6,投稿,30,9,4,1,", "2025/1/8,返信,20,3,3,0,", "2025/1/10,投稿,40,8,5,1,"]
# The same sheet later: reactions 9 → 11 and a memo on the first row, one new row.
V2 = ["2025/1/6,投稿,30,11,4,1,DMで相談が来た", "2025/1/8,返信,20,3,3,0,", "2025/1/10,投稿,40,8,5,1,",
      "2025/1/12,DM,15,1,4,1,"]
# The same sheet with two rows edited (reactions and memo on 1/6, minutes on 1/8), one as it was.
V3 = ["2025/1/6,投稿,30,11,4,1,DMで相談が来た", "2025/1/8,返信,25,3,3,0,", "2025/1/10,投稿,40,8,5,1,"]
REPO = Path(__file__).resolve().parent.parent


def read(*rows: str, name: str = "file.csv") -> pd.DataFrame:
    return read_files([(name, csv_text(*rows).encode())]).log


def stored(*rows: str, name: str = "file.csv") -> tuple[Workspace, pd.DataFrame]:
    workspace = Workspace.open(":memory:")
    workspace.append_rows(read(*rows, name=name), UploadInfo(name, rows_accepted=len(rows)))
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


# ---------------------------------------------------------------- only the same file, unless asked


@pytest.mark.parametrize(("first", "second", "same"), [
    ("活動記録.csv", "活動記録.csv", True),
    ("活動記録.csv", "活動記録 (1).csv", True),  # the same export downloaded again
    ("活動記録(2).CSV", "活動記録.xlsx", True),  # full-width brackets, upper case, the workbook itself
    ("log.csv", "LOG.tsv", True),
    ("1月.csv", "2月.csv", False),
    ("log.csv", "log_v2.csv", False),
    ("log (1) final.csv", "log final.csv", False),  # only a trailing copy mark is one
    ("notes.v2", "notes.v3", False),  # not an extension the reader knows: part of the name
    ("log.csv", None, False),
    (None, None, False),
])
def test_same_file_is_the_same_sheet_saved_or_downloaded_again(first, second, same):
    assert same_file(first, second) is same
    assert same_file(second, first) is same


def test_file_key_drops_the_folder_the_extension_and_the_copy_mark():
    assert file_key("C:\\Users\\me\\活動記録 (3).xlsx") == "活動記録"
    assert file_key("a.b.csv") == "a.b"
    assert file_key("Sheet.ODS") == "sheet"


def test_rows_of_another_file_on_the_same_days_are_no_revision_unless_asked():
    _, earlier = stored(*V1, name="jan.csv")
    incoming = read(*V2, name="notes.csv")  # the same days, one row edited, another name
    assert find_revisions(earlier, incoming, file_name="notes.csv") == []
    asked = find_revisions(earlier, incoming)  # the person chose to compare with every file
    assert [(r.earlier_id, r.same_file, [c.column for c in r.changes]) for r in asked] == [
        (row_id(earlier, "2025-01-06", 30), False, ["reactions", "memo"])]
    # The same sheet again, downloaded as "jan (1).csv": compared, and said to be the same file.
    again = find_revisions(earlier, read(*V2, name="jan (1).csv"), file_name="jan (1).csv")
    assert [(r.earlier_id, r.same_file) for r in again] == [(row_id(earlier, "2025-01-06", 30), True)]
    assert find_revisions(earlier, read(*V2, name="jan (1).csv")) == again  # compared with all: the same


def test_only_the_same_files_rows_are_compared_when_both_files_hold_the_day():
    workspace, _ = stored(*V1, name="sheet.csv")
    workspace.append_rows(read("2025/1/6,投稿,30,9,4,1,別のメモ", name="other.csv"), UploadInfo("other.csv"))
    earlier = workspace.load_log(with_ids=True)
    found = find_revisions(earlier, read(*V2, name="sheet.csv"), file_name="sheet.csv")
    sheet_row = row_id(earlier[earlier["source"] == "sheet.csv"], "2025-01-06", 30)
    assert [(r.earlier_id, r.changes) for r in found] == [
        (sheet_row, (Change("reactions", 9.0, 11.0), Change("memo", None, "DMで相談が来た")))]


def test_decide_says_what_goes_what_stays_and_that_a_backup_comes_first():
    workspace, earlier = stored(*V1, name="sheet.csv")
    found = find_revisions(earlier, read(*V3, name="sheet.csv"), file_name="sheet.csv")
    workspace.append_rows(read(*V3, name="sheet.csv"))
    log = workspace.load_log(with_ids=True)
    decision = decide(found, log)
    old_ids = (row_id(earlier, "2025-01-06", 30), row_id(earlier, "2025-01-08", 20))
    new_ids = (int(log.index[log["reactions"] == 11][0]), row_id(log, "2025-01-08", 25))
    assert decision == Replacement(tuple(found), remove=old_ids, keep=new_ids, backup=True)
    assert decision.same_file
    assert decision.question("ja") == "前回アップロードした同じファイルから2行が変わっていました。" \
        "下のボタンを押すと、新しいほうを残し、前のものはバックアップに入れます。"
    assert decision.question("en") == "Changed since your last upload of this file: 2 row(s). " \
        "The button below keeps the new ones and puts the old ones in the backup."
    assert decision.done("en") == decision.done("en", 2) == \
        'Kept the new ones; the old ones are in the backup (rows: 2; bring them back on the "Your data" page).'
    # Applying it leaves exactly what it said: the new versions and the untouched row, nothing twice.
    assert workspace.delete_rows(decision.remove, backup=decision.backup) == 2
    after = workspace.load_log(with_ids=True)
    assert sorted(after.index) == sorted([*new_ids, row_id(earlier, "2025-01-10", 40)])
    assert (after["minutes"].sum(), after["reactions"].sum()) == (95, 22)
    assert [b.reason for b in workspace.backups()] == ["delete_rows"]
    # Asked again once applied: nothing left to do, nothing to back up.
    assert decide(found, after) == Replacement((), (), (), backup=False)


def test_decide_across_files_says_so():
    workspace, earlier = stored(*V1, name="jan.csv")
    found = find_revisions(earlier, read(*V2, name="notes.csv"))
    workspace.append_rows(read(*V2, name="notes.csv"))
    decision = decide(found, workspace.load_log(with_ids=True))
    assert (decision.remove, decision.same_file) == ((row_id(earlier, "2025-01-06", 30),), False)
    assert decision.question("ja") == t("log.revisions.found_other", "ja", count=1)
    assert decision.question("en").startswith("Rows read earlier that look like older versions of new rows")


@pytest.mark.parametrize(("counts", "ja", "en"), [
    (UploadCounts(3, 3), None, None),
    (UploadCounts(5, 2), "3行はすでに記録にあったので、そのままにしました(二重には数えません)。"
     "読んだ5行のうち、新しく記録に加えたのは2行です。",
     "3 row(s) already here — skipped, so nothing counts twice. Added to your log: 2 of the 5 rows read."),
    (UploadCounts().plus(3, 0).plus(4, 4), "3行はすでに記録にあったので、そのままにしました(二重には数えません)。"
     "読んだ7行のうち、新しく記録に加えたのは4行です。",
     "3 row(s) already here — skipped, so nothing counts twice. Added to your log: 4 of the 7 rows read."),
])
def test_upload_counts_say_what_was_skipped_and_add_up(counts, ja, en):
    assert counts.already_here + counts.added == counts.accepted
    assert (counts.message("ja"), counts.message("en")) == (ja, en)


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
    assert t("log.duplicates", lang, count=2, accepted=4, added=2) in [i.value for i in at.info]
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
    assert [i.value for i in at.info] == [t("log.duplicates", lang, count=3, accepted=3, added=0)]
    # Every row edited: four revisions, three spelled out, the fourth counted.
    days = ["2025/2/3", "2025/2/4", "2025/2/5", "2025/2/6"]
    at = upload(at, ("feb.csv", csv_text(*[f"{d},投稿,30,5,4,0," for d in days]).encode()))
    at = upload(at, ("feb (1).csv", csv_text(*[f"{d},投稿,30,5,2,0," for d in days]).encode()))
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
    assert again.dataframe[0].value[t("log.col.row", lang)].tolist() == ["3", "4"]  # as text: see tables.readable
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


# ---------------------------------------------------------------- what the page says it kept


def infos(at) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_same_file_again_with_two_edited_rows_says_what_it_will_do_then_does_it(lang):
    at = upload(open_page("log", lang), ("活動記録.csv", csv_text(*V1).encode()))
    assert not at.warning and infos(at) == []  # every row new: nothing skipped, nothing to say
    at = upload(at, ("活動記録.csv", csv_text(*V3).encode()))  # the sheet saved again, two rows edited
    # 3 rows read = 1 already here (left as it was) + 2 added; the 2 added are the new versions of 2 earlier rows.
    assert t("log.duplicates", lang, count=1, accepted=3, added=2) in infos(at)
    assert [w.value for w in at.warning] == [t("log.revisions.found", lang, count=2)]
    assert t("log.revisions.backup", lang) in [c.value for c in at.caption]
    button = at.button(key="revisions_replace")
    assert (button.label, button.proto.type) == (t("log.revisions.replace", lang), "primary")
    log = at.session_state["log"]
    assert (len(log), log["minutes"].sum()) == (5, 145)  # both versions count until the button is pressed

    button.click().run()
    log = at.session_state["log"]
    assert (len(log), log["minutes"].sum(), log["reactions"].sum()) == (3, 95, 22)
    assert sorted(log["minutes"].tolist()) == [25, 30, 40] and "DMで相談が来た" in log["memo"].tolist()
    assert [s.value for s in at.success] == [t("log.revisions.replaced", lang, rows=2)]
    assert not at.warning
    with Workspace.open(at.session_state["ws"].path) as stored_ws:
        assert [(b.reason, b.rows) for b in stored_ws.backups()] == [("delete_rows", 5)]  # the log as it was


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_two_files_with_overlapping_days_and_different_names_flag_no_revision(lang):
    at = upload(open_page("log", lang), ("1月.csv", csv_text(*V1).encode()))
    at = upload(at, ("メモ帳から.csv", csv_text(*V2).encode()))  # 1/6 differs, 1/8 and 1/10 the same, 1/12 new
    assert not at.warning and at.session_state[PENDING] == []
    assert infos(at) == [t("log.duplicates", lang, count=2, accepted=4, added=2)]
    log = at.session_state["log"]
    assert (len(log), log["minutes"].sum()) == (5, 135)  # 3 + 2: both 1/6 rows kept, as two files said


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_asked_to_compare_with_every_file_the_page_says_so_and_replaces(lang):
    at = open_page("log", lang)
    choice = at.checkbox(key="revisions_any_file")
    assert (choice.label, choice.value) == (t("log.revisions.any_file", lang), False)
    choice.check().run()
    at = upload(at, ("1月.csv", csv_text(*V1).encode()))
    at = upload(at, ("メモ帳から.csv", csv_text(*V2).encode()))
    assert [w.value for w in at.warning] == [t("log.revisions.found_other", lang, count=1)]
    at.button(key="revisions_replace").click().run()
    log = at.session_state["log"]
    assert (len(log), log["minutes"].sum()) == (4, 105)
    assert [s.value for s in at.success] == [t("log.revisions.replaced", lang, rows=1)]


# ---------------------------------------------------------------- the uploader


def test_every_format_the_reader_reads_is_one_list():
    # A format added here reaches the uploader and must be named in its caption (next test).
    assert READ_FORMATS == ("csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods")
    assert (MAX_ROWS, MAX_COLUMNS) == (1_000_000, 200)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_uploader_takes_every_format_and_names_them_and_the_limits(lang):
    at = open_page("log", lang)
    uploader = at.get("file_uploader")[0]
    assert list(uploader.proto.type) == [f".{extension}" for extension in READ_FORMATS]
    assert uploader.proto.multiple_files and uploader.proto.label == t("log.upload", lang)
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    size = config["server"]["maxUploadSize"]
    assert uploader.proto.max_upload_size_mb == size == 200
    caption = t("log.upload.formats", lang, size=size, rows="1,000,000", columns="200")
    assert caption in [c.value for c in at.caption]
    assert [extension for extension in READ_FORMATS if f".{extension}" not in caption] == []
    assert ("Excel" in caption, "Google" in caption, "Numbers" in caption) == (True, True, True)
