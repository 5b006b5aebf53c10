"""Benchmark (run by hand): reading + validating an .xlsx log against a bare pandas.read_excel(engine="calamine").

    python bench/bench_workbook.py [rows ...]      # default: 100000

The workbook is written once by XlsxWriter (shared strings, date cells formatted as dates, as Excel saves them)
into bench/out/. Each measurement runs in a fresh subprocess so its peak memory (ru_maxrss) is its own; the time
is the best of three runs in that process.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "out"
HEADER = ["日付", "アクション内容", "投入時間(分)", "直接反応数", "質的評価", "問い合わせ数", "相談数",
          "感謝メッセージ数", "メモ"]
ACTIONS = ["投稿", "コメント返信", "DM", "個別相談", "学習", "ライブ配信"]
MEMOS = ["", "", "", "悩みが解決したと言われた", "体験談を書いた", "①㈱髙～の相談"]


def generate(rows: int) -> Path:
    """An .xlsx log of `rows` rows over ten years, numbers as number cells, dates as date cells."""
    import xlsxwriter

    path = OUT / f"log_{rows}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    rng = np.random.default_rng(rows)
    days = np.sort(rng.integers(0, 3650, rows))
    minutes, reactions = rng.integers(5, 120, rows), rng.integers(0, 40, rows)
    quality, inquiries = rng.integers(1, 6, rows), rng.integers(0, 3, rows)
    first = dt.date(2015, 1, 1)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("記録")
    date_format = book.add_format({"num_format": "yyyy/m/d"})
    sheet.write_row(0, 0, HEADER)
    for i in range(rows):
        sheet.write_datetime(i + 1, 0, first + dt.timedelta(days=int(days[i])), date_format)
        sheet.write_row(i + 1, 1, [ACTIONS[i % 6], int(minutes[i]), int(reactions[i]), int(quality[i]),
                                   int(inquiries[i]), i % 2, i % 3])
        if MEMOS[i % 6]:
            sheet.write_string(i + 1, 8, MEMOS[i % 6])
    book.close()
    return path


def measure(kind: str, path: str, repeats: int = 3) -> dict:
    """Run one measurement `repeats` times in this process; the best time and the peak RSS in MB."""
    import pandas as pd

    from kpi_core.logbook import read_files
    from kpi_core.personas import default_catalog

    data = Path(path).read_bytes()
    catalog = default_catalog()  # loaded once per app process, not per file: kept out of the timing
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        if kind == "pandas":
            rows = len(pd.read_excel(path, engine="calamine"))
        else:
            rows = read_files([(Path(path).name, data)], catalog=catalog).accepted
        best = min(best, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "rows": rows, "seconds": round(best, 3), "peak_mb": round(peak_mb)}


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(measure(argv[1], argv[2])))
        return
    sizes = [int(a) for a in argv] or [100_000]
    print("| rows | pandas.read_excel calamine (s) | reader (s) | ratio | pandas peak MB | reader peak MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for rows in sizes:
        path = str(generate(rows))
        results = {}
        for kind in ("pandas", "reader"):
            out = subprocess.run([sys.executable, __file__, "--one", kind, path], capture_output=True, text=True,
                                 check=True, cwd=Path(__file__).resolve().parent.parent)
            results[kind] = json.loads(out.stdout)
        assert results["reader"]["rows"] == results["pandas"]["rows"] == rows, results
        ratio = results["reader"]["seconds"] / results["pandas"]["seconds"]
        print(f"| {rows:,} | {results['pandas']['seconds']} | {results['reader']['seconds']} | {ratio:.2f}× | "
              f"{results['pandas']['peak_mb']} | {results['reader']['peak_mb']} |", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(sys.argv[1:])
