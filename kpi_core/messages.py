"""Message catalogs: every user-facing text in Japanese and English, looked up by key."""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources

import yaml

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"

_log = logging.getLogger(__name__)
# libyaml's safe loader when PyYAML has it: the same documents, read about ten times faster (the catalogs are
# read on a server's first page view, before anything shows; bench/RESULTS.md "first screen").
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
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


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    """True when `key` has a text in `lang` (for a name that falls back to something else when there is none)."""
    return key in catalog(normalize_lang(lang))


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from params.

    Never raises: a key missing from the catalog, or a text whose placeholders are not all given, shows the key
    itself and logs a warning, so one bad string cannot take a whole page down (tests/test_message_keys.py
    checks that every key the code uses exists in both languages).
    """
    lang = normalize_lang(lang)
    text = catalog(lang).get(key)
    if text is None:
        _log.warning("message key %r is missing in %s", key, lang)
        return str(key)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as error:
        _log.warning("message %r in %s cannot be filled (%s: %s)", key, lang, type(error).__name__, error)
        return str(key)
