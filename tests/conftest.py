"""Shared test helpers: building activity-log CSVs the way real tools write them."""

from __future__ import annotations

import pytest

JA_HEADER = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ"


def csv_text(*rows: str, header: str = JA_HEADER, newline: str = "\r\n") -> str:
    """A CSV text: header then rows, joined with `newline`, ending with one."""
    return newline.join([header, *rows]) + newline


@pytest.fixture
def good_rows() -> list[str]:
    return [
        "2025/1/6,投稿,30,5,4,1,悩みが解決したと言われた",
        "2025/1/8,返信,20,3,3,0,",
        "2025/1/10,投稿,40,8,5,1,",
    ]
