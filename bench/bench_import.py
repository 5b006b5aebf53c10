"""Benchmark (run by hand): importing a backup zip, a normal export against zip bombs, and the data page's reruns.

    python bench/bench_import.py

Each figure comes from a fresh subprocess: "grew" is how far the process's peak resident memory (VmHWM, reset
just before the step; Linux) rose above what it held (VmRSS) once the app's modules were loaded and one small
export read.
"bare" = zipfile.ZipFile(...).read() of every member, what a reader that trusts a zip does; "import" =
kpi_core.store.workspace.read_import (the bounded unzip, the plan admitted, the log read and checked, the reviews
capped) — what the data page does once per upload. Files are written to bench/out/ (ignored).
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent
LINE = "2025-01-06,投稿,30,1,3,,\r\n".encode()


def normal_export(rows_per_day: int) -> Path:
    """An export of ten years with `rows_per_day` rows a day (bench_workspace's log), its plan and no reviews."""
    path = OUT / f"export_{rows_per_day}.zip"
    if not path.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_workspace import ten_years

        from kpi_core.plan import default_plan
        from kpi_core.store.workspace import Workspace

        log, _ = ten_years(rows_per_day)
        with Workspace.open(":memory:") as ws:
            ws.append_rows(log)
            ws.save_plan(default_plan("office_worker"))
            OUT.mkdir(exist_ok=True)
            path.write_bytes(ws.export_zip())
    return path


def bomb(inflated: int, ratio_under_cap: bool) -> Path:
    """An export whose log.csv inflates to `inflated` bytes: one line repeated (~1000×), or with random numbers
    sprinkled in (~110×, under the ratio cap: only the size cap stops it). Written as it streams."""
    path = OUT / f"bomb_{inflated >> 20}mb_{'size' if ratio_under_cap else 'ratio'}.zip"
    if path.exists():
        return path
    rnd = random.Random(7)
    lines = [LINE + str(rnd.randrange(10**6)).encode() + b"\r\n" if rnd.random() < 0.03 else LINE
             for _ in range(8 * 2700)]
    blocks = [b"".join(lines[i::8]) for i in range(8)] if ratio_under_cap else [LINE * 2700]
    with zipfile.ZipFile(normal_export(1)) as normal:
        manifest = normal.read("manifest.yaml")
    OUT.mkdir(exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("manifest.yaml", manifest)
        archive.writestr("reviews.yaml", b"{}\n")
        with archive.open("log.csv", "w", force_zip64=True) as log:
            log.write("日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ\r\n".encode())
            written = 0
            while written < inflated:
                block = blocks[written // len(blocks[0]) % len(blocks)]
                log.write(block)
                written += len(block)
    return path


def _kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in KB."""
    return int(re.search(field + r":\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1))


def child(kind: str, path: str) -> dict:
    """In this (child) process: one warm-up read of a small export, then `kind` on the file, timed."""
    from kpi_core.store.workspace import read_import

    data = Path(path).read_bytes()
    read_import(normal_export(1).read_bytes())  # every module the import uses, loaded before measuring
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from what is held now
    before = _kb("VmRSS")
    start = time.perf_counter()
    if kind == "bare":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(len(archive.read(name)) for name in archive.namelist())
        outcome = f"{inflated / 2**20:,.0f} MB inflated"
    else:
        read = read_import(data)
        outcome = ", ".join(p.code for p in read.problems if p.blocking) or f"{read.bundle.rows.n:,} rows"
    seconds = time.perf_counter() - start
    grew = (_kb("VmHWM") - before) / 1024
    return {"seconds": seconds, "grew_mb": grew, "outcome": outcome}


def run_child(kind: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def rerun_seconds(path: Path, runs: int = 7) -> tuple[float, float]:
    """The data page with the export uploaded: its first run (the read) and the median of `runs` reruns."""
    import os
    import statistics
    import tempfile

    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as folder:
        os.environ["KPI_COACH_WORKSPACE"] = str(Path(folder) / "w.sqlite3")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.switch_page("pages/6_data.py")
        at.run()
        at.get("file_uploader")[0].upload(path.name, path.read_bytes(), "application/zip")
        start = time.perf_counter()
        at.run()
        first = time.perf_counter() - start
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            seconds.append(time.perf_counter() - start)
    return first, statistics.median(seconds)


def main() -> None:
    cases = [
        ("normal export, 3,653 rows", normal_export(1)),
        ("normal export, 36,530 rows", normal_export(10)),
        ("zip bomb, 300 MB one repeated line (~1000×)", bomb(300 * 2**20, ratio_under_cap=False)),
        ("zip bomb, 160 MB packed ~110× (under the ratio cap)", bomb(160 * 2**20, ratio_under_cap=True)),
    ]
    print("| file | zip KB | bare read (s) | bare grew MB | import (s) | import grew MB | import outcome |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, path in cases:
        bare, read = run_child("bare", path), run_child("import", path)
        print(f"| {name} | {path.stat().st_size / 1024:,.0f} | {bare['seconds']:.3f} | {bare['grew_mb']:,.0f} | "
              f"{read['seconds']:.3f} | {read['grew_mb']:,.0f} | {read['outcome']} |")
    print()
    print("| data page, export uploaded | first run, the read (s) | rerun, median of 7 (s) |")
    print("|---|---:|---:|")
    for name, path in cases[:2]:
        first, rerun = rerun_seconds(path)
        print(f"| {name} | {first:.3f} | {rerun:.3f} |")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
    else:
        main()
