"""Problem-solved signals: how often a log memo says a worry was solved, action was taken, a result came."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

# Phrases from the method (「悩みが解決した」「行動を起こせた」「結果が出た」) cut to their stems so that
# 悩みが解決した / 悩みが解決しました both match; English equivalents for the English UI.
SOLVED_PHRASES_JA = ("悩みが解決", "行動を起こせた", "結果が出た", "解決しました")
SOLVED_PHRASES_EN = ("problem solved", "took action", "got results", "it worked")
DEFAULT_SOLVED_PHRASES = SOLVED_PHRASES_JA + SOLVED_PHRASES_EN


def _fold(text: str) -> str:
    """NFKC then casefold: full-width ｒｅｓｕｌｔ and half-width ｹｯｶ read like their usual forms."""
    return unicodedata.normalize("NFKC", text).casefold()


def solved_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation of the folded phrases, longest first, or None when no phrase is left."""
    folded = {_fold(p).strip() for p in phrases}
    folded.discard("")
    if not folded:
        return None
    # Longest first so that a phrase containing another is matched whole and counted once.
    ordered = sorted(folded, key=lambda p: (-len(p), p))
    return re.compile("|".join(re.escape(p) for p in ordered))


def count_solved_signals(memos: pd.Series, phrases: Iterable[str] = DEFAULT_SOLVED_PHRASES) -> pd.Series:
    """Per memo, how many phrase occurrences it holds (Int64; non-overlapping; NA memo -> NA).

    "悩みが解決しました" counts once: matches never overlap, and the longer phrase wins.
    """
    pattern = solved_pattern(phrases)
    # Logs repeat memos (and most are ""), so each distinct text is folded and searched once. A plain loop
    # over the distinct texts: pandas' .str.normalize/.casefold loop in Python too, with more overhead.
    codes, uniques = pd.factorize(memos, use_na_sentinel=True)
    if pattern is None:
        per_unique = np.zeros(len(uniques), dtype=np.int64)
    else:
        texts = uniques.tolist()  # plain str: iterating an Arrow-backed array item by item is slow
        per_unique = np.fromiter((len(pattern.findall(_fold(str(t)))) for t in texts), np.int64, len(texts))
    # take() with allow_fill maps the NA sentinel (-1) back to NA.
    values = pd.array(per_unique, dtype="Int64").take(codes, allow_fill=True)
    return pd.Series(values, index=memos.index, name="solved_signals")
