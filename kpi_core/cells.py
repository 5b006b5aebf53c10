"""Reading one cell as people type it: full-width digits, invisible spaces, units, era dates."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Zero-width and other invisible characters Excel, Sheets and phones leave in cells.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ERAS = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ t]+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ERA_DATE = re.compile(r"^(令和|平成|昭和|r|h|s)\s*(\d{1,2}|元)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_COUNT_UNIT = re.compile(r"(件|回|個|人|通|名|つ|本|times?|x)$")
_HOURS_MINUTES = re.compile(
    r"^(?:(\d+(?:\.\d+)?)\s*(?:時間|hours?|hrs?|h))?\s*(?:(\d+(?:\.\d+)?)\s*(?:分|minutes?|mins?|m))?$"
)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")
# Yen as people type it: 12000, 12,000, ¥12,000 (￥ becomes ¥ under NFKC; a cp932 "\\" is the yen key), 3000円,
# 1.2万円, 1万2000円. A refund is written -3000, ▲3,000 or △3000 (the Japanese bookkeeping minus).
_YEN_SIGN = ("-", "\u2212", "▲", "△")
_YEN_PREFIX = ("¥", "\\", "jpy")
_YEN_SUFFIX = ("円", "yen", "jpy")
_YEN_MAN = re.compile(r"^(\d+(?:\.\d+)?)万(?:(\d{1,4}))?$")


# How Japanese sheets write "none" in a count cell: dashes of every width (－ becomes - under NFKC; ー is the
# katakana long-vowel mark people type for a dash), なし and N/A. In an optional cell they mean missing.
NONE_MARKS = frozenset({"-", "ー", "―", "—", "‐", "–", "−", "なし", "無し", "ナシ", "n/a", "na", "none"})


def is_none_mark(text: str) -> bool:
    """True for a cell that says "none" rather than a number (not for an empty cell)."""
    return clean(text).lower() in NONE_MARKS


def clean(text: str) -> str:
    """NFKC (full-width digits and spaces to half width), invisible characters gone, trimmed."""
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).strip()


def unprotect(text: str) -> str:
    """Undo the apostrophe our CSV writer puts before formula-like text, so writing then reading round-trips."""
    if text[:1] == "'" and text[1:2] in (*_FORMULA_START, "'") and text[1:2]:
        return text[1:]
    return text


def protect(text: str) -> str:
    """Neutralise a cell Excel would run as a formula (OWASP CSV injection advice).

    Text that already starts with an apostrophe gets one more, so unprotect gives it back unchanged.
    """
    return "'" + text if text.startswith((*_FORMULA_START, "'")) else text


def parse_number(text: str) -> float | None:
    """A plain non-negative number, with thousands separators allowed; None when it is not one."""
    value = clean(text).replace(" ", "")
    if _THOUSANDS.match(value):
        value = value.replace(",", "")
    return float(value) if _NUMBER.match(value) else None


def parse_count(text: str) -> int | None:
    """A whole non-negative count such as `12`, `12件`, `1,200` or `３回`; None when unreadable."""
    value = _COUNT_UNIT.sub("", clean(text).lower()).strip()
    number = parse_number(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def parse_yen(text: str) -> int | None:
    """Whole yen from `12000`, `12,000`, `¥12,000`, `￥12,000`, `3000円`, `1.2万円`, `１２０００`; None when unreadable.

    A refund is negative (`-3000`, `▲3,000`, `△3000`): money that went back is real, and refusing it would
    make a month's income look larger than what was earned. Fractions of a yen are refused as typos.
    """
    value = clean(unprotect(clean(text))).lower().replace(" ", "")
    negative = value.startswith(_YEN_SIGN)
    value = value[1:] if negative else value
    for prefix in _YEN_PREFIX:
        value = value.removeprefix(prefix)
    if not negative and value.startswith(_YEN_SIGN):  # ¥-3,000
        negative, value = True, value[1:]
    for suffix in _YEN_SUFFIX:
        value = value.removesuffix(suffix)
    man = _YEN_MAN.match(value)
    if man:
        amount = Decimal(man.group(1)) * 10_000 + Decimal(man.group(2) or 0)
    else:
        if _THOUSANDS.match(value):
            value = value.replace(",", "")
        if not _NUMBER.match(value):
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return None
    if amount != amount.to_integral_value():
        return None
    return -int(amount) if negative else int(amount)


def parse_minutes(text: str) -> float | None:
    """Minutes from `90`, `90分`, `1時間30分`, `1.5時間`, `1h30m` or `1:30`; None when unreadable."""
    value = clean(text).lower().replace(" ", "")
    number = parse_number(value)
    if number is not None:
        return number
    clock = _CLOCK.match(value)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    match = _HOURS_MINUTES.match(value)
    if not value or not match or (match.group(1) is None and match.group(2) is None):
        return None
    hours = float(match.group(1) or 0)
    minutes = float(match.group(2) or 0)
    total = hours * 60 + minutes
    return total if math.isfinite(total) else None


def parse_rating(text: str) -> int | None:
    """A self-rating 1–5 from `4`, `４`, `4点`, `4/5` or `★★★★☆`; None when unreadable or out of range."""
    value = clean(text)
    if value and set(value) <= {"★", "☆"}:
        stars = value.count("★")
    else:
        value = re.sub(r"(点|/5|/5点)$", "", value).strip()
        number = parse_number(value)
        if number is None or not number.is_integer():
            return None
        stars = int(number)
    return stars if 1 <= stars <= 5 else None


def looks_like_date(text: str) -> bool:
    """True when the text has a date's shape (2025/2/30 does; 昨日 does not), to say "no such day"."""
    value = clean(text).lower()
    return bool(_DATE.match(value) or _ERA_DATE.match(value))


def parse_date(text: str) -> dt.date | None:
    """A date in the ways Japanese spreadsheets show it, Western or era (令和7年1月6日, R7.1.6)."""
    value = clean(text).lower()
    match = _DATE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _ERA_DATE.match(value)
        if not match:
            return None
        era, year_text, month_text, day_text = match.groups()
        year = _ERAS[era] + (1 if year_text == "元" else int(year_text))
        month, day = int(month_text), int(day_text)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
