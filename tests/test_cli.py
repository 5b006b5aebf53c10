"""The kpi-coach command: check, report and template, their JSON and their exit statuses."""

import json

import pytest

from kpi_core import cli
from kpi_core.cli import main
from kpi_core.reader import read_log
from tests.conftest import csv_text

WORKED = csv_text(
    "2025/1/6,投稿,30,5,4,1,", "2025/1/8,投稿,30,3,3,0,", "2025/1/10,投稿,30,8,5,1,",
).encode("cp932")


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_json_for_a_clean_file(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_bytes(WORKED)
    status, out, _ = run(capsys, "check", str(path), "--json", "--lang", "en")
    result = json.loads(out)
    assert status == 0
    assert set(result) == {"files", "accepted", "rejected", "duplicates"}
    file = result["files"][0]
    assert (file["encoding"], file["separator"], file["rows_in"], file["accepted"], file["rejected"]) == \
        ("cp932", ",", 3, 3, 0)
    assert file["error"] is None and file["problems"] == []


def test_check_json_reports_problems_and_exits_1(tmp_path, capsys):
    good, bad = tmp_path / "a.csv", tmp_path / "b.csv"
    good.write_bytes(WORKED)
    bad.write_bytes(csv_text("2025/1/10,投稿,30,8,5,1,", "2025/1/11,投稿,abc,1,4,,").encode())
    status, out, _ = run(capsys, "check", str(good), str(bad), "--json", "--lang", "ja")
    result = json.loads(out)
    assert status == 1
    assert (result["accepted"], result["rejected"], result["duplicates"]) == (4, 1, 1)
    assert result["files"][1]["problems"] == [{
        "row": 3, "column": "投入時間(分)", "value": "abc",
        "message": "「abc」を時間(分)として読めません。90 や 1時間30分 のように、0〜1440分の範囲で書いてください。",
    }]


def test_check_file_level_error(tmp_path, capsys):
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04rest")
    status, out, _ = run(capsys, "check", str(path), "--json", "--lang", "en")
    assert status == 1
    assert "Excel workbook" in json.loads(out)["files"][0]["error"]


def test_check_text_output_in_japanese(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_bytes(WORKED)
    status, out, _ = run(capsys, "check", str(path), "--lang", "ja")
    assert status == 0
    assert "取り込み 3" in out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert run(capsys, "check")[0] == 2
    assert run(capsys, "check", str(tmp_path / "missing.csv"))[0] == 2
    assert run(capsys, "report", str(tmp_path / "x.csv"), "--persona", "astronaut")[0] == 2
    assert run(capsys, "template", "--persona", "astronaut")[0] == 2


@pytest.mark.parametrize("command", [[], ["check"], ["report"], ["template"], ["app"]])
def test_help_in_plain_words(capsys, command):
    status, out, _ = run(capsys, *command, "--help")
    assert status == 0
    assert "usage: kpi-coach" in out


def test_report_json_has_the_worked_example(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_bytes(WORKED)
    status, out, _ = run(capsys, "report", str(path), "--persona", "office_worker", "--json")
    assert status == 0
    week = json.loads(out)["weeks"][0]
    assert week["week_start"] == "2025-01-06"
    assert (week["minutes"], week["results"], week["minutes_per_result"], week["key_result"]) == \
        (90, 2, 45, "inquiries")
    posts = next(k for k in week["kpis"] if k["id"] == "value_posts_per_week")
    assert (posts["value"], posts["target"], posts["target_max"], posts["met"]) == (3, 2, 4, True)  # 2–4 a week
    rate = next(k for k in week["kpis"] if k["id"] == "inquiry_rate")
    # 2 inquiries from 5 + 3 + 8 = 16 direct reactions: 12.5 per 100 reactions, against 3.
    assert (rate["value"], rate["target"], rate["target_max"], rate["met"]) == (12.5, 3, None, True)
    assert 0 <= week["sustainability"] <= 100


def test_report_with_a_plan_file(tmp_path, capsys):
    from kpi_core.plan import KpiChoice, Plan, plan_to_yaml

    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_to_yaml(Plan(persona_id="student", kpis=[KpiChoice("thanks_per_week", 2)],
                                      weekly_budget_minutes=60)), encoding="utf-8")
    path = tmp_path / "log.csv"
    path.write_bytes(WORKED)
    status, out, _ = run(capsys, "report", str(path), "--plan", str(plan), "--json")
    week = json.loads(out)["weeks"][0]
    assert status == 0
    assert [k["id"] for k in week["kpis"]] == ["thanks_per_week"]
    assert week["sust_load"] == 0.5  # 90 minutes on a 60-minute budget


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("persona", ["office_worker", "homemaker", "student", "freelancer"])
def test_template_reads_back_through_the_reader(tmp_path, capsys, persona, lang):
    out_path = tmp_path / "template.csv"
    assert run(capsys, "template", "--persona", persona, "--lang", lang, "-o", str(out_path))[0] == 0
    data = out_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    from kpi_core.logbook import persona_columns
    from kpi_core.personas import default_catalog

    catalog = default_catalog()
    template = catalog.template_columns(persona)
    sample = {"date": "2025/1/6", "text": "投稿", "minutes": "30", "count": "2", "rating": "4", "yen": "1.2万円"}
    filled = data + ",".join(sample[c.kind] for c in template).encode()
    result = read_log(filled, "t.csv", extra_columns=persona_columns(catalog))
    assert result.report.error is None
    assert result.report.ignored_columns == []
    assert result.report.accepted == 1
    assert set(result.rows.columns) >= {c.id for c in template}
    assert template[-1].id == "income" and result.rows["income"].tolist() == [12000]  # last: beside value, never first


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_template_as_xlsx_writes_the_workbook(tmp_path, capsys, lang):
    import openpyxl

    from kpi_core.personas import default_catalog

    out_path = tmp_path / "template.xlsx"
    status = run(capsys, "template", "--persona", "freelancer", "--lang", lang, "--format", "xlsx", "-o", str(out_path))
    assert status[0] == 0
    book = openpyxl.load_workbook(out_path)
    assert [c.value for c in book.worksheets[0][1]] == [c.header(lang) for c in
                                                        default_catalog().template_columns("freelancer")]
    assert book.worksheets[0]["A2"].is_date and len(book.sheetnames) == 2
    assert run(capsys, "template", "--format", "ods")[0] == 2  # only csv and xlsx are written
    help_text = run(capsys, "template", "--lang", lang, "--help")[1]
    assert "--format {csv,xlsx}" in help_text


def test_report_json_includes_coaching(tmp_path, capsys):
    rows = [f"2025/{1 + d // 28}/{1 + d % 28},返信,60,20,3,0,1000" for d in range(0, 35, 2)]
    header = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,フォロワー数"
    path = tmp_path / "log.csv"
    path.write_bytes(csv_text(*rows, header=header).encode())
    status, out, _ = run(capsys, "report", str(path), "--json", "--lang", "en")
    coaching = json.loads(out)["coaching"]
    assert status == 0
    assert all(set(m) == {"rule", "week_start", "severity", "message"} for m in coaching)
    rules = {m["rule"] for m in coaching}
    assert "not_enough_data" in rules  # the first weeks are too few to judge
    assert "vanity_drift" in rules  # a followers column was logged


def test_report_json_weeks_have_income_and_yen_per_hour(tmp_path, capsys):
    header = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,売上(円)"
    path = tmp_path / "log.csv"
    path.write_bytes(csv_text("2025/1/6,投稿,30,5,4,1,", "2025/1/8,個別相談,60,1,5,1,\"￥12,000\"",
                              "2025/1/13,投稿,20,2,4,0,", header=header).encode("cp932"))
    status, out, _ = run(capsys, "report", str(path), "--persona", "office_worker", "--json")
    weeks = json.loads(out)["weeks"]
    assert status == 0
    assert [(w["income"], w["yen_per_hour"]) for w in weeks] == [(12000, 8000), (0, 0)]  # 12000 ÷ 1.5 h; 0 ÷ 1/3 h


def test_report_json_income_is_null_without_an_income_column(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_bytes(WORKED)
    status, out, _ = run(capsys, "report", str(path), "--persona", "office_worker", "--json")
    week = json.loads(out)["weeks"][0]
    assert status == 0
    assert "income" in week and "yen_per_hour" in week
    assert (week["income"], week["yen_per_hour"]) == (None, None)


def test_report_text_shows_a_band_as_a_range(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_bytes(WORKED)
    status, out, _ = run(capsys, "report", str(path), "--persona", "office_worker", "--lang", "en")
    assert status == 0
    assert "    ✓ Value-delivering posts: 3.00 / 2.00–4.00" in out.splitlines()
    assert "    ✓ Inquiry rate: 12.50 / 3.00" in out.splitlines()  # 2 inquiries per 16 reactions


# ---------------------------------------------------------------- workbooks: --sheet (issue 11)


def two_log_sheets(tmp_path):
    from tests.test_workbooks import HEADER, ROWS, xlsx

    path = tmp_path / "log.xlsx"
    path.write_bytes(xlsx({"まとめ": [["週", "合計"]], "1月": [HEADER, *ROWS], "2月": [HEADER, ROWS[0]]}))
    return path


def test_check_a_workbook_with_two_log_sheets_asks_for_one(tmp_path, capsys):
    status, out, _ = run(capsys, "check", str(two_log_sheets(tmp_path)), "--json", "--lang", "en")
    file = json.loads(out)["files"][0]
    assert status == 1
    assert (file["encoding"], file["sheet"], file["sheets"], file["accepted"]) == ("xlsx", None, ["1月", "2月"], 0)
    assert "1月、2月" in file["error"]


def test_check_sheet_chooses_the_sheet_and_the_json_has_the_same_shape(tmp_path, capsys):
    csv = tmp_path / "log.csv"
    csv.write_bytes(WORKED)
    status, out, _ = run(capsys, "check", str(two_log_sheets(tmp_path)), str(csv), "--sheet", "2月", "--json")
    result = json.loads(out)
    book, text = result["files"]
    assert status == 0 and set(book) == set(text)
    assert (book["encoding"], book["separator"], book["sheet"], book["rows_in"], book["accepted"]) == \
        ("xlsx", None, "2月", 1, 1)
    assert (text["sheet"], text["sheets"]) == (None, [])
    from kpi_core.messages import t

    status, out, _ = run(capsys, "check", str(two_log_sheets(tmp_path)), "--sheet", "2月", "--lang", "ja")
    assert status == 0 and t("cli.check.sheet", "ja", sheet="2月") in out


def test_check_sheet_that_does_not_exist_lists_the_sheets(tmp_path, capsys):
    status, out, _ = run(capsys, "check", str(two_log_sheets(tmp_path)), "--sheet", "3月", "--lang", "en")
    assert status == 1 and "3月" in out and "まとめ、1月、2月" in out


def test_check_help_names_the_sheet_option(capsys):
    status, out, _ = run(capsys, "check", "--help")
    assert status == 0 and "--sheet" in out


def test_kpi_coach_app_reads_the_secrets_of_the_folder_it_is_started_in(tmp_path, monkeypatch):
    """Streamlit runs from the app's own folder; without this flag a host's ./.streamlit/secrets.toml (sign-in,
    database) would be read by `kpi-coach migrate` but not by the app, and everyone would silently be a guest."""
    started = {}
    monkeypatch.setattr(cli.subprocess, "call", lambda command, **kw: started.update(command=command, **kw) or 0)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cli.main(["app"]) == 0
    command = started["command"]
    files = json.loads(command[command.index("--secrets.files") + 1])
    assert files == [str(tmp_path / "home" / ".streamlit" / "secrets.toml"),
                     str(tmp_path / ".streamlit" / "secrets.toml")]
    assert started["cwd"] != tmp_path  # the app still runs from its own folder
