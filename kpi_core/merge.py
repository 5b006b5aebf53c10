"""Joining several read files into one log, keeping rows repeated across files only once."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kpi_core.reader import empty_log

PROVENANCE = ("source", "source_row")


def merge_logs(frames: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, int]:
    """(merged log sorted by date, number of duplicate rows left out).

    A row that appears in two files (an overlapping re-export) is kept once. Within one file identical
    rows are kept: two equal posts on one day are real. So a row is kept as many times as the file that
    holds it most often does.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_log(), 0
    if len(frames) == 1:  # nothing to compare across
        return frames[0].sort_values(["date", "source_row"], kind="stable").reset_index(drop=True), 0
    tagged = []
    for file_number, frame in enumerate(frames):
        frame = frame.copy()
        frame["_file"] = file_number
        tagged.append(frame)
    log = pd.concat(tagged, ignore_index=True, sort=False)
    content = [c for c in log.columns if c not in (*PROVENANCE, "_file")]
    # The n-th copy of a row within its own file; across files only the first n-th copy survives.
    key = pd.util.hash_pandas_object(log[content], index=False)
    occurrence = log.groupby([key, log["_file"]], sort=False).cumcount()
    keep = ~pd.DataFrame({"key": key, "n": occurrence}).duplicated()
    merged = log[keep.to_numpy()].drop(columns="_file")
    merged = merged.sort_values(["date", "source", "source_row"], kind="stable").reset_index(drop=True)
    return merged, int(len(log) - len(merged))
