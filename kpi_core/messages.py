"""Message catalogs: every user-facing text in Japanese and English, looked up by key."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"


@cache
def catalog(lang: str) -> dict[str, str]:
    """All keys of one language, merged from `locales/<lang>/*.yaml`."""
    if lang not in LANGS:
        raise ValueError(f"unknown language: {lang!r}")
    merged: dict[str, str] = {}
    folder = resources.files("kpi_core") / "locales" / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, text in data.items():
            if key in merged:
                raise ValueError(f"duplicate message key {key!r} in {lang}/{entry.name}")
            merged[str(key)] = str(text)
    return merged


def normalize_lang(lang: str | None) -> str:
    """Map a locale such as `en-US` or `ja_JP.UTF-8` to one of LANGS (Japanese when unsure)."""
    if not lang:
        return DEFAULT_LANG
    head = lang.replace("_", "-").split("-")[0].split(".")[0].lower()
    return head if head in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from params."""
    text = catalog(normalize_lang(lang))[key]
    return text.format(**params) if params else text
