"""Merging files: overlapping re-exports are safe, equal rows inside one file are kept."""

from kpi_core.merge import merge_logs
from kpi_core.reader import read_log
from tests.conftest import csv_text


def rows(*lines, name="a.csv"):
    return read_log(csv_text(*lines).encode(), name).rows


def test_overlap_across_files_is_kept_once_and_counted():
    first = rows("2025/1/6,投稿,30,1,4,1,", "2025/1/7,投稿,30,1,4,1,", name="jan.csv")
    second = rows("2025/1/7,投稿,30,1,4,1,", "2025/1/8,投稿,30,1,4,1,", name="jan2.csv")
    merged, duplicates = merge_logs([first, second])
    assert duplicates == 1
    assert len(merged) == 3
    assert list(merged["date"].dt.day) == [6, 7, 8]


def test_equal_rows_within_one_file_are_real_and_kept():
    same_day = rows("2025/1/6,投稿,30,1,4,1,", "2025/1/6,投稿,30,1,4,1,")
    merged, duplicates = merge_logs([same_day])
    assert (len(merged), duplicates) == (2, 0)
    # Uploading the same file again adds nothing.
    again, duplicates = merge_logs([same_day, same_day])
    assert (len(again), duplicates) == (2, 2)


def test_rows_differing_only_in_a_missing_count_are_not_duplicates():
    a = rows("2025/1/6,投稿,30,1,4,,")
    b = rows("2025/1/6,投稿,30,1,4,0,")
    merged, duplicates = merge_logs([a, b])
    assert (len(merged), duplicates) == (2, 0)


def test_nothing_to_merge():
    merged, duplicates = merge_logs([])
    assert len(merged) == 0 and duplicates == 0 and "date" in merged
