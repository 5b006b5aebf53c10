"""Writing CSVs for Excel: BOM, formula injection neutralised, and a faithful round trip."""

import codecs

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_core.export import csv_bytes, log_csv_bytes
from kpi_core.reader import read_log
from tests.conftest import csv_text

CONTENT = ["date", "action", "category", "minutes", "reactions", "quality", "inquiries", "memo"]


def test_written_log_has_bom_and_neutralised_formulas():
    log = read_log(csv_text("2025/1/6,投稿,30,1,4,1,x").encode(), "a.csv").rows
    log.loc[0, "memo"] = '=HYPERLINK("http://evil")'
    log.loc[0, "action"] = "@SUM(A1)"
    data = log_csv_bytes(log, "ja")
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert text.splitlines()[0] == "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ"


def test_csv_bytes_protects_every_cell():
    text = csv_bytes(["a"], [["+1"], ["-2"], ["\tx"], ["ok"]]).decode("utf-8-sig")
    assert text.split("\r\n")[1:5] == ["'+1", "'-2", "'\tx", "ok"]


safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp", "Cf")), max_size=15)


@settings(max_examples=100, deadline=None)
@given(
    memos=st.lists(st.one_of(safe_text, st.sampled_from(["=1+1", "-x", "+81 90", "@a", "a,b", 'say "hi"', "行1\n行2"])),
                   min_size=1, max_size=8),
    lang=st.sampled_from(["ja", "en"]),
)
def test_write_then_read_gives_the_same_rows(memos, lang):
    n = len(memos)
    log = pd.DataFrame({
        "date": pd.to_datetime([f"2025-01-{i + 1:02d}" for i in range(n)]).astype("datetime64[us]"),
        "action": ["投稿"] * n,
        "category": ["other"] * n,
        "minutes": [30.0 + i / 2 for i in range(n)],
        "reactions": pd.array(list(range(n)), dtype="Int64"),
        "quality": pd.array([(i % 5) + 1 for i in range(n)], dtype="Int64"),
        "inquiries": pd.array([None if i % 2 else i for i in range(n)], dtype="Int64"),
        "memo": [m.strip() for m in memos],
    })
    back = read_log(log_csv_bytes(log, lang), "back.csv").rows
    pd.testing.assert_frame_equal(back[CONTENT], log[CONTENT], check_dtype=False)


def test_rejected_rows_file_puts_what_to_fix_first_and_keeps_every_cell():
    from kpi_core.export import rejected_csv_bytes

    data = rejected_csv_bytes(["日付", "投入時間(分)"], [(3, ["2025/1/6", "abc", "extra"])], "直すところ",
                              {3: "時間を直す"})
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["直すところ,日付,投入時間(分)", "時間を直す,2025/1/6,abc,extra"]
    back = read_log(data, "again.csv").report
    assert [c.reason for c in back.ignored_columns] == ["unknown"]  # the note column is said aloud, not read
