"""Labels that must fit one line on a 390 px phone: navigation entries and buttons, at most 12 characters in
Japanese (about 12 × 16 px of full-width text beside the padding); and long generated names are cut for display.

The button keys are found by reading the pages (every `st.button`, `st.download_button`, `st.form_submit_button`
and their container forms `column.button(...)`, and the backup button `backup.download(...)`), and must all be
listed below: a new button is added to the list,
so it is checked too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kpi_core.messages import catalog

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py")))
LIMIT = 12
# `download`: pages/_ui/backup.download, the one backup button, whose callers give its label; its own
# st.download_button call passes that label on and is the one call without a catalog key of its own.
BUTTON_CALLS = ("button", "download_button", "form_submit_button", "download")
PASSES_ITS_LABEL_ON = ROOT / "pages" / "_ui" / "backup.py"

# Every navigation entry (the sidebar's and the top bar's) and the language switch's label.
NAV_KEYS = (
    "nav.home", "nav.define", "nav.persona", "nav.log", "nav.dashboard", "nav.review", "nav.data", "nav.checkin",
    "nav.bar.home", "nav.bar.define", "nav.bar.persona", "nav.bar.log", "nav.bar.dashboard", "nav.bar.review",
    "nav.bar.data", "nav.language",
)
# nav.* keys that are sentences, not labels: the privacy captions under the navigation.
NAV_SENTENCES = ("nav.privacy", "nav.privacy.hosted")

# Every button label of the pages (found by button_keys() below).
BUTTON_KEYS = (
    "account.erase.backup", "account.erase.button", "account.signin", "account.signin.backup", "account.signin.with",
    "account.signout",
    "checkin.save",
    "data.backups.download", "data.backups.restore", "data.demo.start", "data.export.button", "data.import.button",
    "data.reset.log", "data.reset.plan",
    "define.back", "define.next",
    "demo.leave",
    "log.download_rejected", "log.edit.apply", "log.export", "log.match.change", "log.match.forget",
    "log.match.read", "log.revisions.keep", "log.revisions.replace", "log.sheet.read",
    "persona.choose", "persona.template.download", "persona.template.download_xlsx",
    "repair.ok",
    "review.share.csv", "review.share.markdown", "review.story.save",
)


def button_keys() -> dict[str, str]:
    """Message key → where, for the label of every button call in the pages (its first argument or label=)."""
    found = {}
    for path in PAGES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "attr", getattr(node.func, "id", None)) if isinstance(node, ast.Call) else None
            if name not in BUTTON_CALLS or path == PASSES_ITS_LABEL_ON:
                continue
            label = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "label"), None)
            calls = [c for c in ast.walk(label) if isinstance(c, ast.Call) and getattr(c.func, "id", None) == "t"]
            assert calls and isinstance(calls[0].args[0], ast.Constant), \
                f"{path.relative_to(ROOT)}:{node.lineno}: a button label not taken from the catalog"
            found[calls[0].args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_button_of_the_pages_is_listed():
    found = button_keys()
    assert len(found) > 20  # the walk finds them
    assert sorted(set(found) - set(BUTTON_KEYS)) == [], {k: found[k] for k in set(found) - set(BUTTON_KEYS)}


def test_every_navigation_label_is_listed():
    nav = {k for k in catalog("ja") if k.startswith("nav.")}
    assert sorted(nav - set(NAV_KEYS) - set(NAV_SENTENCES)) == []


@pytest.mark.parametrize("key", [*NAV_KEYS, *BUTTON_KEYS])
def test_a_japanese_navigation_or_button_label_fits_one_line_on_a_phone(key):
    text = catalog("ja")[key]
    assert len(text) <= LIMIT, f"{key}: 「{text}」 has {len(text)} characters (at most {LIMIT})"
