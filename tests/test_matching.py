"""The column-matching step (issue 11, item 5): a file whose headers the reader does not know says what matching
needs; a mapping reads it; the mapping is remembered in the plan by header signature; `check --map`; the log page."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kpi_core.cli import main
from kpi_core.columns import all_columns, header_index
from kpi_core.logbook import persona_columns, read_files
from kpi_core.matching import (
    SAMPLES,
    MappingError,
    check_choice,
    describe,
    parse_option,
    signature,
)
from kpi_core.messages import LANGS, t
from kpi_core.personas import default_catalog
from kpi_core.plan import Plan, check_plan, plan_from_yaml, plan_to_yaml
from kpi_core.reader import read_log
from kpi_core.store.workspace import Workspace
from pages._ui.revisions import column_labels
from tests.test_pages import clean_caches, open_page, texts, upload  # noqa: F401 (autouse fixture)
from tests.test_workbooks import xlsx

TODAY = dt.date(2025, 3, 1)
INDEX = header_index(all_columns(persona_columns(default_catalog())))
# Two names the reader knows (日付, メモ: the header row is found), three it does not.
UNKNOWN = (
    "日付,内容,作業時間2,反応,満足度,メモ\r\n"
    "2025/1/6,投稿,30,5,4,悩みが解決したとDM\r\n"
    "2025/1/7,返信,20,,3,\r\n"
    "2025/1/8,投稿,45,2,9,\r\n"
    "2025/1/9,投稿,15,1,2,\r\n"
    "2025/1/10,投稿,25,3,5,\r\n"
).encode("cp932")
MAPPING = {"action": "内容", "minutes": "作業時間2", "reactions": "反応", "quality": "満足度"}
# No row names two known columns: the header is offered as the row with the most filled cells (row 2).
FOREIGN = (
    b"My activity log\r\n"
    b"when,what,spent,likes2,score,note\r\n"
    b"2025/1/6,post,30,5,4,\r\n"
    b"2025/1/8,reply,20,3,3,thanks\r\n"
)
FOREIGN_MAPPING = {"date": "when", "action": "what", "minutes": "spent", "reactions": "likes2", "quality": "score"}


def read(data: bytes, name: str = "log.csv", **options):
    return read_log(data, name, today=TODAY, extra_columns=persona_columns(default_catalog()), **options)


# ---------------------------------------------------------------- what the matching step needs


def test_unknown_required_headers_keep_the_missing_columns_error_and_say_what_matching_needs():
    result = read(UNKNOWN)
    report = result.report
    assert report.error.code == "error.missing_columns" and "投入時間(分) / minutes" in report.error.message("ja")
    assert (report.rows_in, report.accepted, report.rejected) == (0, 0, 0) and result.rows.empty
    match = report.matching
    assert match.headers == ("日付", "内容", "作業時間2", "反応", "満足度", "メモ")
    # SAMPLES non-empty values under each header, the empty cells skipped.
    assert SAMPLES == 3
    assert match.samples == (
        ("2025/1/6", "2025/1/7", "2025/1/8"), ("投稿", "返信", "投稿"), ("30", "20", "45"), ("5", "2", "1"),
        ("4", "3", "9"), ("悩みが解決したとDM",))
    assert match.missing == ("action", "minutes", "reactions", "quality")
    assert match.matched == {"date": "日付", "memo": "メモ"}
    assert "inquiries" in match.optional and "memo" not in match.optional
    assert (match.header_row, match.guessed, match.mapping, match.remembered) == (1, False, {}, False)
    assert match.signature == signature(list(match.headers))


def test_a_file_without_any_known_header_offers_its_fullest_row_and_says_which():
    report = read(FOREIGN).report
    assert report.error.code == "error.no_header"
    match = report.matching
    assert (match.guessed, match.header_row) == (True, 2)  # the title line above has one cell
    assert match.headers == ("when", "what", "spent", "likes2", "score", "note")
    assert match.samples[5] == ("thanks",)
    assert match.missing == ("date", "action", "minutes", "reactions", "quality")
    tabbed = read(FOREIGN.replace(b",", b"\t")).report.matching
    assert tabbed.headers == match.headers and tabbed.signature == match.signature


def test_files_with_nothing_to_match_offer_no_matching():
    assert read(b"just one cell\r\nand another\r\n").report.matching is None  # no row with two cells
    export = b"Tweet id,Tweet permalink,Tweet text,time,impressions\r\n1,x,y,z,5\r\n"
    assert read(export).report.error.code == "error.analytics_export" and read(export).report.matching is None


# ---------------------------------------------------------------- a mapping reads the file


def test_a_mapping_reads_the_file_and_the_counts_add_up():
    result = read(UNKNOWN, mapping=MAPPING)
    report = result.report
    assert report.error is None
    assert (report.rows_in, report.accepted, report.rejected) == (5, 3, 2)
    assert report.rows_in == report.accepted + report.rejected
    # The rejected rows are reported with the headers as the person wrote them.
    assert [(p.row, p.column, p.value, p.code) for p in report.problems] == [
        (3, "反応", "", "row.required_empty"), (4, "満足度", "9", "row.invalid_rating")]
    assert report.rejected_rows == [(3, ["2025/1/7", "返信", "20", "", "3", ""]),
                                    (4, ["2025/1/8", "投稿", "45", "2", "9", ""])]
    assert report.header == ["日付", "内容", "作業時間2", "反応", "満足度", "メモ"]
    rows = result.rows
    assert rows["minutes"].tolist() == [30.0, 15.0, 25.0]
    assert rows["reactions"].tolist() == [5, 1, 3] and rows["quality"].tolist() == [4, 2, 5]
    assert rows["memo"].tolist()[0] == "悩みが解決したとDM"
    assert report.matching.mapping == MAPPING and report.matching.missing == ()
    assert report.matching.matched == {"date": "日付", **MAPPING, "memo": "メモ"}


def test_a_file_without_a_header_row_reads_with_a_full_mapping():
    result = read(FOREIGN, mapping=FOREIGN_MAPPING)
    assert result.report.error is None and result.report.header_row == 2
    assert (result.report.accepted, result.rows["action"].tolist()) == (2, ["post", "reply"])
    assert result.rows["source_row"].tolist() == [3, 4]  # the rows the spreadsheet shows
    one_short = read(FOREIGN, mapping={k: v for k, v in FOREIGN_MAPPING.items() if k != "quality"}).report
    assert one_short.error.code == "error.missing_columns" and one_short.matching.missing == ("quality",)
    assert one_short.accepted == one_short.rows_in == 0


def test_the_mapping_wins_over_a_known_name_and_the_named_column_is_left_out():
    data = ("日付,アクション内容,投入時間(分),作業時間2,直接反応数,質的評価\r\n"
            "2025/1/6,投稿,30,45,5,4\r\n").encode()
    assert read(data).rows["minutes"].tolist() == [30.0]
    chosen = read(data, mapping={"minutes": "作業時間2"})
    assert chosen.rows["minutes"].tolist() == [45.0]
    assert [(c.header, c.reason) for c in chosen.report.ignored_columns] == [("投入時間(分)", "duplicate")]


def test_none_for_an_optional_field_leaves_its_column_out():
    result = read(UNKNOWN, mapping={**MAPPING, "memo": None})
    assert result.report.error is None and "memo" not in result.rows.columns
    ignored = result.report.ignored_columns[0]
    assert (ignored.header, ignored.reason) == ("メモ", "left_out")
    assert ignored.message("ja") == "「メモ」は、その項目はこのファイルにないと選ばれているので読み込みません。"


@pytest.mark.parametrize(("mapping", "code", "said"), [
    ({**MAPPING, "quality": "満足"}, "error.map_no_such_header", "「満足」"),
    ({**MAPPING, "inquiries": "反応"}, "error.map_same_header", "直接反応数 / reactions"),
    ({**MAPPING, "minuets": "作業時間2"}, "error.map_unknown_field", "「minuets」"),
    ({**MAPPING, "minutes": None}, "error.map_required_none", "投入時間(分) / minutes"),
    ({**MAPPING, "minutes": "  "}, "error.map_required_none", "投入時間(分) / minutes"),
])
def test_a_mapping_that_does_not_fit_reads_nothing_and_says_why(mapping, code, said):
    report = read(UNKNOWN, mapping=mapping).report
    assert report.error.code == code and said in report.error.message("ja")
    assert (report.rows_in, report.accepted, report.rejected) == (0, 0, 0)
    for lang in LANGS:
        assert report.error.message(lang).strip()
    # Still what the matching step needs, from the names the reader knows, to ask again.
    assert report.matching.missing == ("action", "minutes", "reactions", "quality")


def test_the_message_for_a_header_not_in_the_file_lists_the_files_headers():
    report = read(UNKNOWN, mapping={**MAPPING, "quality": "満足"}).report
    assert report.error.message("en") == ('The column "満足" chosen for an item is not in this file. Its headers are '
                                          '日付、内容、作業時間2、反応、満足度、メモ.')


# ---------------------------------------------------------------- the signature and remembered mappings


def test_the_signature_names_a_header_set_whatever_its_order_width_case_or_empty_cells():
    base = signature(["日付", "内容", "作業時間2", "Score"])
    assert len(base) == 16 and int(base, 16) >= 0
    assert signature(["作業時間2", "Score", "内容", "日付"]) == base  # another order
    assert signature([" 日付", "内容 ", "作業時間２", "ＳＣＯＲＥ", "", "  "]) == base  # width, case, spaces, empties
    assert signature(["日付", "内容", "作業時間3", "Score"]) != base  # a renamed header
    assert signature(["日付", "内容", "作業時間2"]) != base  # one fewer
    assert signature(["日付", "内容", "作業時間2", "Score", "Score"]) != base  # a repeated header is another set


def test_a_remembered_mapping_is_applied_to_the_same_headers_in_another_order():
    column_maps = {read(UNKNOWN).report.matching.signature: MAPPING}
    reordered = ("満足度,反応,作業時間2,内容,メモ,日付\r\n"
                 "4,5,30,投稿,,2025/2/3\r\n").encode()
    result = read(reordered, column_maps=column_maps)
    assert result.report.error is None and result.report.matching.remembered
    assert (result.rows["minutes"].tolist(), result.rows["quality"].tolist()) == ([30.0], [4])
    # Another header set is not touched by it; an explicit mapping wins over a remembered one.
    assert read(FOREIGN, column_maps=column_maps).report.error.code == "error.no_header"
    explicit = read(UNKNOWN, mapping={**MAPPING, "minutes": "反応", "reactions": "作業時間2"},
                    column_maps=column_maps)
    assert explicit.rows["minutes"].tolist()[0] == 5.0 and not explicit.report.matching.remembered
    # A file of known headers has no matching, and a mapping remembered for other headers does not change it.
    known = "日付,アクション内容,投入時間(分),直接反応数,質的評価\r\n2025/1/6,投稿,30,5,4\r\n".encode()
    assert read(known, column_maps=column_maps).report.matching is None


def test_read_files_passes_the_mapping_and_the_remembered_ones_on():
    batch = read_files([("a.csv", UNKNOWN)], mapping=MAPPING)
    assert (batch.accepted, batch.rejected) == (3, 2)
    remembered = read_files([("a.csv", UNKNOWN), ("b.csv", FOREIGN)],
                            column_maps={signature(["日付", "内容", "作業時間2", "反応", "満足度", "メモ"]): MAPPING})
    assert [r.error.code if r.error else None for r in remembered.reports] == [None, "error.no_header"]
    assert remembered.as_dict("en")["files"][0]["matching"]["remembered"] is True


def test_a_workbook_with_unknown_headers_is_matched_like_a_csv():
    header = ["日付", "内容", "作業時間2", "反応", "満足度"]
    data = xlsx({"まとめ": [["週", "合計"], [1, 2]],
                 "記録": [["2025年の記録"], header, [dt.date(2025, 1, 6), "投稿", 30, 5, 4]]})
    asked = read(data, "log.xlsx").report  # only 日付 is a known name: no header row, the fullest row offered
    assert (asked.error.code, asked.sheet) == ("error.no_header", "記録")  # not the summary sheet's 2 cells
    assert (asked.matching.header_row, asked.matching.guessed) == (2, True)
    assert asked.matching.samples[:3] == (("2025-01-06",), ("投稿",), ("30",))  # a date cell, as text
    result = read(data, "log.xlsx", column_maps={asked.matching.signature: MAPPING})
    assert result.report.error is None and result.report.sheet == "記録"
    assert (result.rows["minutes"].tolist(), result.rows["source_row"].tolist()) == ([30.0], [3])


# ---------------------------------------------------------------- choices checked before a file is read again


def test_check_choice_wants_every_missing_required_field():
    match = read(UNKNOWN).report.matching
    unchosen = check_choice(match, {"action": "内容"}, INDEX)
    assert [p.code for p in unchosen] == ["error.map_required_none"] * 3
    assert check_choice(match, MAPPING, INDEX) == []
    # An optional item given the date's column takes it from the date, which is then missing.
    stolen = check_choice(match, {**MAPPING, "memo": "日付"}, INDEX)
    assert [p.params["field"] for p in stolen] == ["日付 / date"]


def test_parse_option_reads_header_equals_field_at_the_last_equals_sign():
    assert parse_option(["作業時間2=minutes", " 評価(1=低い) = quality "], INDEX) == {
        "minutes": "作業時間2", "quality": "評価(1=低い)"}
    for values, code in [(["作業時間2"], "bad"), (["=minutes"], "bad"), (["作業時間2="], "bad"),
                         (["作業時間2=minuets"], "unknown_field"), (["a=minutes", "b=minutes"], "twice"),
                         (["反応=reactions", "反応=inquiries"], "same_header")]:
        with pytest.raises(MappingError) as raised:
            parse_option(values, INDEX)
        assert raised.value.code == code
        for lang in LANGS:
            assert "--map" in raised.value.message(lang)


# ---------------------------------------------------------------- the plan remembers them


def test_column_maps_round_trip_in_the_plan_yaml():
    tricky = {"0123456789abcdef": {"minutes": "作業時間2", "quality": "yes", "memo": "#備考: ここ"},
              "fedcba9876543210": {"reactions": " 反応 (いいね) "}}
    plan = Plan(column_maps=tricky)
    text = plan_to_yaml(plan)
    assert "作業時間2" in text  # readable, not escaped
    loaded, problems = plan_from_yaml(text)
    assert problems == [] and loaded == plan and loaded.column_maps == tricky
    assert "column_maps" not in plan_to_yaml(Plan())  # a plan without any reads and writes as before
    assert plan_from_yaml(plan_to_yaml(Plan()))[0].column_maps == {}


@pytest.mark.parametrize(("text", "path", "code"), [
    ("column_maps: [a]\n", "column_maps", "expected_mapping"),
    ("column_maps: {abc: [x]}\n", "column_maps.abc", "expected_mapping"),
    ("column_maps: {abc: {Minutes: 作業時間}}\n", "column_maps.abc.Minutes", "bad_id"),
    ("column_maps: {abc: {minutes: ''}}\n", "column_maps.abc.minutes", "expected_string"),
    ("column_maps: {abc: {minutes: 反応, reactions: 'ＲＥ 反応'}}\n", "column_maps.abc.reactions", "expected_string"),
    ("column_maps: {abc: {minutes: 反応, reactions: 反応}}\n", "column_maps.abc.reactions", "column_map_same_header"),
])
def test_hand_edited_column_maps_mistakes_are_reported_and_that_map_is_dropped(text, path, code):
    plan, problems = plan_from_yaml(text, "my_plan.yaml")
    if code == "expected_string" and "ＲＥ" in text:  # another header, not a mistake: kept
        assert problems == [] and plan.column_maps == {"abc": {"minutes": "反応", "reactions": "ＲＥ 反応"}}
        return
    assert [(p.path, p.code) for p in problems] == [(path, code)]
    assert plan.column_maps == {}
    for lang in LANGS:
        assert problems[0].message(lang).startswith(f"my_plan.yaml: {path}: ")


def test_check_plan_reports_an_unknown_field_in_a_column_map():
    catalog = default_catalog()
    assert check_plan(Plan(column_maps={"abc": {"client_results": "成果", "minutes": "作業"}}), catalog) == []
    problems = check_plan(Plan(column_maps={"abc": {"minuets": "作業"}}), catalog)
    assert [(p.path, p.code) for p in problems] == [("column_maps.abc.minuets", "unknown_column")]
    assert "minutes" in problems[0].message("en")


# ---------------------------------------------------------------- kpi-coach check --map


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def unknown_csv(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_bytes(UNKNOWN)
    return path


def test_check_json_says_what_matching_needs(unknown_csv, capsys):
    status, out, _ = run(capsys, "check", str(unknown_csv), "--json", "--lang", "en")
    assert status == 1
    matching = json.loads(out)["files"][0]["matching"]
    assert matching["missing"] == ["action", "minutes", "reactions", "quality"]
    assert matching["headers"][2] == {"header": "作業時間2", "samples": ["30", "20", "45"]}
    assert (matching["header_row"], matching["guessed"], matching["mapping"]) == (1, False, {})


def test_check_map_reads_the_file(unknown_csv, tmp_path, capsys):
    maps = [a for pair in [("--map", f"{h}={f}") for f, h in MAPPING.items()] for a in pair]
    status, out, _ = run(capsys, "check", str(unknown_csv), *maps, "--json", "--lang", "ja")
    file = json.loads(out)["files"][0]
    assert status == 1  # two rows rejected (an empty 反応, a 9 in 満足度)
    assert (file["error"], file["rows_in"], file["accepted"], file["rejected"]) == (None, 5, 3, 2)
    assert file["matching"]["mapping"] == MAPPING and file["problems"][1]["column"] == "満足度"
    clean = tmp_path / "clean.csv"
    clean.write_bytes("日付,内容,作業時間2,反応,満足度\r\n2025/1/6,投稿,30,5,4\r\n".encode("cp932"))
    status, out, _ = run(capsys, "check", str(clean), *maps, "--lang", "ja")
    assert status == 0
    assert "列の割り当て: 内容=action, 作業時間2=minutes, 反応=reactions, 満足度=quality" in out


def test_check_text_output_lists_the_headers_and_how_to_map(unknown_csv, capsys):
    status, out, _ = run(capsys, "check", str(unknown_csv), "--lang", "ja")
    assert status == 1
    assert "    作業時間2: 30, 20, 45" in out
    assert t("cli.check.matching.hint", "ja", missing="action, minutes, reactions, quality") in out


@pytest.mark.parametrize(("value", "said"), [
    ("作業時間2", "「作業時間2」は「ファイルの見出し=項目」の形"),
    ("作業時間2=minuets", "「minuets」という項目はありません"),
])
def test_a_bad_map_value_is_a_usage_error(unknown_csv, capsys, value, said):
    status, out, err = run(capsys, "check", str(unknown_csv), "--map", value, "--lang", "ja")
    assert (status, out) == (2, "")
    assert said in err


def test_a_map_to_a_header_the_file_lacks_is_the_files_error(unknown_csv, capsys):
    status, out, _ = run(capsys, "check", str(unknown_csv), "--map", "満足=quality", "--json", "--lang", "en")
    assert status == 1
    assert json.loads(out)["files"][0]["error"].startswith('The column "満足" chosen for an item is not in this file.')


@pytest.mark.parametrize("lang", LANGS)
def test_check_help_names_the_map_option(capsys, monkeypatch, lang):
    monkeypatch.setenv("KPI_COACH_LANG", lang)
    status, out, _ = run(capsys, "check", "--help")
    assert status == 0 and "--map HEADER=FIELD" in out
    assert t("cli.map", lang)[:20] in " ".join(out.split())


# ---------------------------------------------------------------- the log page


def label(field_id: str, lang: str) -> str:
    return t("log.match.choose", lang, field=column_labels(default_catalog(), lang)[field_id])


def choose(at, name: str, field_id: str, header: str):
    at.selectbox(key=f"log_match_{name}_{field_id}").set_value(header)


@pytest.mark.parametrize("lang", LANGS)
def test_the_log_page_matches_remembers_and_applies_the_mapping(lang, tmp_path):
    at = upload(open_page("log", lang), ("mine.csv", UNKNOWN))
    # Unknown headers are a question, not a failure: no error, the matching step asks instead.
    assert [e.value for e in at.error] == []
    assert t("log.match.intro", lang) in [w.value for w in at.warning]
    table = at.dataframe[0].value
    assert table[t("log.match.col.header", lang)].tolist() == ["日付", "内容", "作業時間2", "反応", "満足度", "メモ"]
    samples = table[t("log.match.col.samples", lang)].tolist()
    assert samples[2] == t("log.match.separator", lang).join(["30", "20", "45"])
    asked = [s for s in at.selectbox if (s.key or "").startswith("log_match_mine.csv_")]
    assert [s.label for s in asked[:4]] == [label(f, lang) for f in ("action", "minutes", "reactions", "quality")]
    assert asked[0].options == ["日付", "内容", "作業時間2", "反応", "満足度", "メモ"] and asked[0].value is None
    assert len(at.session_state["log"]) == 0

    # Read with one item still unchosen: said, nothing read, nothing remembered.
    for field_id in ("action", "minutes", "reactions"):
        choose(at, "mine.csv", field_id, MAPPING[field_id])
    at.button(key="log_match_read_mine.csv").click().run()
    assert t("reader.error.map_required_none", lang, field="質的評価 / quality") in texts(at)
    assert at.session_state["plan"].column_maps == {} and len(at.session_state["log"]) == 0

    choose(at, "mine.csv", "quality", "満足度")
    at.button(key="log_match_read_mine.csv").click().run()
    assert not at.exception
    assert len(at.session_state["log"]) == 3  # read: 3 accepted, 2 rejected with their reasons
    assert at.session_state["uploads"][-1].rejected == 2
    pairs = describe(MAPPING, column_labels(default_catalog(), lang), lang)
    assert pairs.startswith({"ja": "「内容」→ アクション内容、「作業時間2」→ 投入時間(分)",
                             "en": '"内容" → Action, "作業時間2" → Minutes'}[lang])
    assert t("log.match.applied", lang, pairs=pairs) in texts(at)
    signature_ = signature(["日付", "内容", "作業時間2", "反応", "満足度", "メモ"])
    assert at.session_state["plan"].column_maps == {signature_: MAPPING}
    with Workspace.open(tmp_path / "workspace.sqlite3") as stored:  # saved at once, with the plan
        assert stored.load_plan().column_maps == {signature_: MAPPING}

    # A new visit, a file with the same headers in another order and new rows: read without asking.
    again = open_page("log", lang)
    later = ("メモ,満足度,反応,作業時間2,内容,日付\r\n"
             ",4,6,35,投稿,2025/1/20\r\n,5,2,10,返信,2025/1/21\r\n").encode("cp932")
    upload(again, ("mine_feb.csv", later))
    assert not [s for s in again.selectbox if (s.key or "").startswith("log_match_")]
    assert len(again.session_state["log"]) == 5
    assert t("log.match.applied_remembered", lang, pairs=pairs) in texts(again)
    assert again.session_state["log"]["minutes"].tolist()[-2:] == [35.0, 10.0]


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_without_a_header_row_is_matched_on_the_log_page(lang):
    at = upload(open_page("log", lang), ("foreign.csv", FOREIGN))
    assert t("log.match.guessed", lang, row=2) in texts(at)
    for field_id, header in FOREIGN_MAPPING.items():
        choose(at, "foreign.csv", field_id, header)
    at.button(key="log_match_read_foreign.csv").click().run()
    assert not at.exception
    assert at.session_state["log"]["action"].tolist() == ["post", "reply"]


def test_the_remembered_mapping_can_be_changed_and_forgotten():
    at = upload(open_page("log", "en"), ("mine.csv", UNKNOWN))
    for field_id, header in MAPPING.items():
        choose(at, "mine.csv", field_id, header)
    at.button(key="log_match_read_mine.csv").click().run()
    assert len(at.session_state["log"]) == 3

    # Change: asked again, the lists starting from the columns chosen before.
    at.button(key="log_match_change_mine.csv").click().run()
    assert not at.exception
    assert at.session_state["plan"].column_maps == {}
    assert at.selectbox(key="log_match_mine.csv_minutes").value == "作業時間2"
    choose(at, "mine.csv", "minutes", "反応")
    choose(at, "mine.csv", "reactions", "作業時間2")
    at.button(key="log_match_read_mine.csv").click().run()
    changed = next(iter(at.session_state["plan"].column_maps.values()))
    assert (changed["minutes"], changed["reactions"]) == ("反応", "作業時間2")

    # The remembered choices are listed, and one can be forgotten.
    assert t("log.match.remembered", "en", count=1) in [e.label.removeprefix("🧩 ") for e in at.expander]
    signature_ = next(iter(at.session_state["plan"].column_maps))
    at.button(key=f"log_match_forget_{signature_}").click().run()
    assert at.session_state["plan"].column_maps == {}
    assert t("log.match.forgotten", "en") in [s.value for s in at.success]


def test_report_reads_with_the_mappings_its_plan_remembers(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_bytes(UNKNOWN)
    header = UNKNOWN.decode("cp932").splitlines()[0].split(",")
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_to_yaml(Plan(column_maps={signature(header): MAPPING})), encoding="utf-8")
    status, out, _ = run(capsys, "report", str(path), "--plan", str(plan), "--json")
    weeks = json.loads(out)["weeks"]
    # The three rows the mapping can read (an empty reaction and a rating of 9 are refused): 30 + 15 + 25.
    assert status == 0 and weeks[0]["minutes"] == 70.0
    status, out, _ = run(capsys, "report", str(path), "--json")  # without the plan: nothing can be read
    assert json.loads(out)["weeks"] == []
