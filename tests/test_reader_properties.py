"""Property tests: arbitrary bytes and table shapes never crash the reader and counts always add up."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_core.reader import read_log
from tests.conftest import JA_HEADER

TODAY = dt.date(2026, 1, 1)

cell = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", "2025/1/6", "30", "1時間", "４", "x", '"', ",", "\n", "\r", "=1+1", "令和7年1月6日"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_crash_and_counts_add_up(data):
    report = read_log(data, "fuzz.csv").report
    assert report.rows_in == report.accepted + report.rejected
    assert report.rejected == len(report.rejected_rows)
    if report.error is not None:
        assert report.error.message("ja") and report.error.message("en")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    rows=st.lists(st.lists(cell, min_size=0, max_size=10), max_size=15),
    separator=st.sampled_from([",", "\t", ";"]),
    newline=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]),
)
def test_arbitrary_tables_under_a_real_header(rows, separator, newline, encoding):
    def quote(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in f'"{separator}\r\n') else value

    lines = [JA_HEADER.replace(",", separator)] + [separator.join(quote(c) for c in row) for row in rows]
    text = newline.join(lines) + newline
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    result = read_log(data, "fuzz.csv")
    report = result.report
    assert report.error is None
    assert report.rows_in == report.accepted + report.rejected
    assert report.accepted == len(result.rows)
    assert report.rows_in + report.blank <= len(rows) + text.count("\r") + text.count("\n")
    rejected_rows = {row for row, _ in report.rejected_rows}
    assert rejected_rows == {p.row for p in report.problems}
    assert not rejected_rows & set(result.rows["source_row"])


japanese_cell = st.one_of(
    cell,
    st.text(alphabet="ソ表能貼構噂十予申①㈱髙～ｱｲ円・、。,\"\r\n 0123456789/分件", max_size=10),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(rows=st.lists(st.lists(japanese_cell, min_size=0, max_size=9), max_size=12),
       separator=st.sampled_from([",", "\t", ";"]))
def test_cp932_bytes_read_exactly_like_their_text_in_utf8(rows, separator):
    # cp932 goes to the parser byte for byte (as Latin-1) and only distinct values are decoded: whatever the
    # cells, that must give the same rows, problems and rejected cells as reading the decoded text.
    def quote(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in f'"{separator}\r\n') else value

    lines = [JA_HEADER.replace(",", separator)] + [separator.join(quote(c) for c in row) for row in rows]
    try:
        data = ("\r\n".join(lines) + "\r\n").encode("cp932")
    except UnicodeEncodeError:
        return
    as_cp932 = read_log(data, "x.csv", today=TODAY)
    as_utf8 = read_log(data.decode("cp932").encode("utf-8"), "x.csv", today=TODAY)
    if as_utf8.report.encoding == "utf-8" and data.isascii():
        return  # nothing but ASCII: both are read as UTF-8
    assert as_cp932.report.encoding == "cp932"
    assert as_cp932.rows.equals(as_utf8.rows)
    for field in ("rows_in", "accepted", "rejected", "blank", "problems", "rejected_rows", "ignored_columns"):
        assert getattr(as_cp932.report, field) == getattr(as_utf8.report, field), field


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(rows=st.lists(st.lists(japanese_cell, min_size=0, max_size=10), max_size=12),
       encoding=st.sampled_from(["utf-8", "cp932"]))
def test_cells_written_without_quoting_never_crash(rows, encoding):
    # Stray quotes, separators and line breaks as a hand-edited file has them: a stray quote may open a cell
    # that is never closed (one clear file-level message), otherwise every row is accounted for.
    text = "\r\n".join([JA_HEADER] + [",".join(row) for row in rows]) + "\r\n"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    report = read_log(data, "x.csv", today=TODAY).report
    if report.error is not None:
        assert report.error.code == "error.unclosed_quote"
        assert 2 <= report.error.params["row"] <= 1 + text.count("\r") + text.count("\n")  # CR alone ends a row
    else:
        assert report.rows_in == report.accepted + report.rejected
        assert report.rejected == len(report.rejected_rows)
