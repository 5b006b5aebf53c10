"""How tests/data/log.xls was made (run once; the .xls is committed, this script is the note).

No maintained library writes the old .xls format, so the fixture was written with the unmaintained xlwt in a
throwaway virtual environment, never a dependency of the project:

    python3 -m venv /tmp/xlwtenv && /tmp/xlwtenv/bin/pip install xlwt==1.3.0
    /tmp/xlwtenv/bin/python tests/data/make_log_xls.py

The workbook: a summary sheet first, then 記録 with a title in row 1, row 2 empty, the header in row 3,
date cells formatted as dates, a bad self-rating (9) in row 5 and a minutes cell typed as text (1時間30分).
"""

import datetime as dt
from pathlib import Path

import xlwt

book = xlwt.Workbook(encoding="utf-8")
summary = book.add_sheet("まとめ")
summary.write(0, 0, "週")
summary.write(0, 1, "合計")
log = book.add_sheet("記録")
dates = xlwt.easyxf(num_format_str="yyyy/m/d")
log.write(0, 0, "2025年1月の活動記録")
for column, header in enumerate(["日付", "アクション内容", "投入時間(分)", "直接反応数", "質的評価", "メモ"]):
    log.write(2, column, header)
rows = [
    (dt.date(2025, 1, 6), "投稿", 30, 5, 4, "①㈱髙～の相談"),
    (dt.date(2025, 1, 8), "返信", 20, 3, 9, ""),
    (dt.date(2025, 1, 10), "DM", "1時間30分", 2, 5, ""),
]
for offset, row in enumerate(rows):
    for column, value in enumerate(row):
        if value == "":
            continue
        if isinstance(value, dt.date):
            log.write(3 + offset, column, value, dates)
        else:
            log.write(3 + offset, column, value)
book.save(str(Path(__file__).with_name("log.xls")))
