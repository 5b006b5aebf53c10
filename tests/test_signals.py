"""Tests for kpi_core.signals: problem-solved phrases counted in memos, in Japanese and English."""

import pandas as pd

from kpi_core.signals import (
    DEFAULT_SOLVED_PHRASES,
    SOLVED_PHRASES_EN,
    SOLVED_PHRASES_JA,
    count_solved_signals,
)


def test_japanese_phrases_counted_per_memo():
    memos = pd.Series(["悩みが解決した！", "行動を起こせたし結果が出た", "いいねが増えた", ""])
    assert count_solved_signals(memos).tolist() == [1, 2, 0, 0]


def test_a_phrase_inside_a_longer_one_counts_once():
    # 悩みが解決しました holds both 悩みが解決 and 解決しました: the matches may not overlap.
    assert count_solved_signals(pd.Series(["悩みが解決しました"])).tolist() == [1]


def test_repeated_phrase_counts_each_occurrence():
    assert count_solved_signals(pd.Series(["結果が出た、また結果が出た"])).tolist() == [2]


def test_english_phrases_ignore_case():
    memos = pd.Series(["Client said: Problem Solved!", "IT WORKED and she Took Action", "nice post"])
    assert count_solved_signals(memos).tolist() == [1, 2, 0]


def test_full_width_text_is_normalised():
    memos = pd.Series(["ＰＲＯＢＬＥＭ　ＳＯＬＶＥＤ", "ｉｔ　ｗｏｒｋｅｄ！", "結果が出た（ＤＭより）"])
    assert count_solved_signals(memos).tolist() == [1, 1, 1]


def test_phrases_are_normalised_and_escaped_too():
    memos = pd.Series(["1:1 (相談) done", "11 相談", "ＧＯＴ　ＡＮ　ＩＮＴＲＯ"])
    counts = count_solved_signals(memos, ["１:１ (相談)", "Got An Intro"])
    assert counts.tolist() == [1, 0, 1]


def test_missing_memo_stays_na_and_index_and_dtype_are_kept():
    memos = pd.Series(["結果が出た", None, ""], index=[10, 11, 12])
    counts = count_solved_signals(memos)
    assert str(counts.dtype) == "Int64"
    assert counts.index.tolist() == [10, 11, 12]
    assert counts[10] == 1 and pd.isna(counts[11]) and counts[12] == 0


def test_no_phrases_counts_zero():
    assert count_solved_signals(pd.Series(["結果が出た", "it worked"]), []).tolist() == [0, 0]
    assert count_solved_signals(pd.Series(["結果が出た"]), ["  ", ""]).tolist() == [0]


def test_empty_series():
    counts = count_solved_signals(pd.Series([], dtype=object))
    assert len(counts) == 0 and str(counts.dtype) == "Int64"


def test_default_phrases_cover_both_languages():
    assert set(SOLVED_PHRASES_JA) == {"悩みが解決", "行動を起こせた", "結果が出た", "解決しました"}
    assert set(SOLVED_PHRASES_EN) == {"problem solved", "took action", "got results", "it worked"}
    assert DEFAULT_SOLVED_PHRASES == SOLVED_PHRASES_JA + SOLVED_PHRASES_EN
