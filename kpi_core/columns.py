"""The activity log's columns: ids, template headers in both languages, and the spellings accepted."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One log column: a stable id, its template headers, and how its cells are read."""

    id: str
    ja: str
    en: str
    kind: str  # "date" | "text" | "minutes" | "count" | "rating" | "yen"
    required: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def header(self, lang: str) -> str:
        """The header the CSV template writes in `lang`."""
        return self.ja if lang == "ja" else self.en


REQUIRED = (
    Column("date", "日付", "date", "date", True, ("日時", "年月日", "day")),
    Column("action", "アクション内容", "action", "text", True, ("アクション", "行動", "活動内容", "activity")),
    Column("minutes", "投入時間(分)", "minutes", "minutes", True,
           ("投入時間", "作業時間", "所要時間", "時間(分)", "time spent", "minutes spent", "time")),
    Column("reactions", "直接反応数", "reactions", "count", True, ("反応数", "直接反応", "reaction")),
    Column("quality", "質的評価", "quality", "rating", True,
           ("質的評価(1-5)", "自己評価", "価値評価", "self rating", "rating")),
)

CORE_OPTIONAL = (
    Column("inquiries", "問い合わせ数", "inquiries", "count", aliases=("問合せ数", "問い合わせ", "inquiry")),
    Column("consultations", "相談数", "consultations", "count", aliases=("相談", "consultation")),
    Column("repeat_consultations", "リピート相談数", "repeat_consultations", "count",
           aliases=("リピート相談", "repeat consultations")),
    Column("referrals", "紹介数", "referrals", "count", aliases=("紹介", "referral")),
    Column("thanks", "感謝メッセージ数", "thanks", "count",
           aliases=("感謝メッセージ", "感謝数", "thanks messages")),
    Column("memo", "メモ", "memo", "text", aliases=("備考", "コメント", "notes", "note")),
)

# Income beside value: optional, in yen, never a count (it is no result and no value signal). The template
# writes it last, after the persona's value columns.
INCOME = Column("income", "売上(円)", "income", "yen",
                aliases=("売上", "収益", "報酬", "入金", "売上金額", "sales", "revenue", "income (yen)"))

# Vanity figures are left out on purpose: they measure attention, not value delivered.
VANITY_ALIASES = (
    "フォロワー数", "フォロワー", "フォロワー増加数", "インプレッション数", "インプレッション", "表示回数",
    "リーチ", "リーチ数", "いいね数", "いいね", "エンゲージメント率", "エンゲージメント", "再生回数",
    "followers", "follower count", "impressions", "reach", "likes", "engagement rate", "engagements",
    "views", "video views",
)

# Headers that only platform analytics exports carry (X, Instagram, YouTube, TikTok).
ANALYTICS_SIGNATURES = {
    "X": ("tweet id", "tweet permalink", "tweet text"),
    "Instagram": ("post id", "permalink", "account username", "投稿id", "パーマリンク"),
    "YouTube": ("content", "video title", "動画のタイトル", "コンテンツ", "watch time (hours)",
                "総再生時間(単位:時間)"),
    "TikTok": ("video views", "profile views", "動画視聴数", "プロフィール表示回数"),
}

_BRACKETED = re.compile(r"[(\[](?:分|min|mins|minutes|1-5|1〜5|1~5|件|回|数|円|yen|jpy|¥)?[)\]]$")
_SPACES = re.compile(r"[\s_\-・]+")
# A note in brackets after the name, as the articles' own sheet writes it: 投入時間(分単位),
# 直接反応数(いいね、コメント、問い合わせ等), 質的評価(1-5段階で価値提供度を自己評価). Any text inside,
# half- or full-width brackets (NFKC makes （） half width), nested or not: the name is what comes before.
_NOTE = re.compile(r"^(.+?)\s*[(\[【「<].*[)\]】」>]$")


def header_key(text: str) -> str:
    """A header reduced for matching: NFKC, lower case, no spaces/underscores, no unit or note in brackets."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    key = key.replace("\u200b", "").replace("\ufeff", "")
    key = _BRACKETED.sub("", key).strip()
    if note := _NOTE.match(key):
        key = note.group(1)
    return _SPACES.sub("", key)


def all_columns(extra: tuple[Column, ...] = ()) -> tuple[Column, ...]:
    """Required, core optional, the given persona columns, then income, in template order.

    Income comes after every value column; extra columns whose id starts with "_" (the provenance an export
    writes) stay after it, last.
    """
    own = tuple(c for c in extra if c.id != INCOME.id)
    tail = tuple(c for c in own if c.id.startswith("_"))
    return REQUIRED + CORE_OPTIONAL + tuple(c for c in own if c not in tail) + (INCOME,) + tail


def header_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Every accepted spelling (reduced with header_key) mapped to its column."""
    index: dict[str, Column] = {}
    for column in columns:
        for spelling in (column.id, column.ja, column.en, *column.aliases):
            index.setdefault(header_key(spelling), column)
    return index


def is_vanity(header: str) -> bool:
    """True for follower, impression and similar attention counts."""
    key = header_key(header)
    return any(key == header_key(v) for v in VANITY_ALIASES)


def analytics_platform(headers: list[str]) -> str | None:
    """The platform whose analytics export these headers look like, or None."""
    keys = {header_key(h) for h in headers}
    for platform, signature in ANALYTICS_SIGNATURES.items():
        hits = sum(1 for s in signature if header_key(s) in keys)
        if hits >= 2:
            return platform
    return None
