"""What the theme cannot say by itself: readable captions and disabled text, a visible focus, the page's language.

Colours come from the running theme (`.streamlit/config.toml`, or the packaged copy the `kpi-coach` command
passes as flags), so the CSS never disagrees with it. Static CSS and an id-like language code only: no text from
a person or a file ever goes into either (docs/design.md, "Accessibility").
"""

from __future__ import annotations

import streamlit as st

from kpi_core.contrast import mix

# Streamlit draws captions, help text under widgets and disabled labels as the text colour at 60 % and 40 %
# opacity: 3.8:1 and 2.3:1 on this background, under WCAG AA's 4.5:1. At 75 % the text colour gives 6.0:1 on the
# page and 5.4:1 on the secondary background, still visibly quieter than body text (13:1). Streamlit's page links
# (the navigation bar) show no focus at all when reached with Tab: every link and button gets a 2 px ring in the
# primary colour (6.3:1 on the page; 3:1 is the minimum for a focus indicator).
MUTED_SHARE = 0.75
CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] {
  opacity: 1; color: MUTED; }
button:disabled, button:disabled *, [aria-disabled="true"] [data-testid="stMarkdownContainer"] p,
[data-testid="stWidgetLabel"][aria-disabled="true"] p, input:disabled, textarea:disabled {
  color: MUTED; -webkit-text-fill-color: MUTED; }
[data-testid="stApp"] a:focus-visible, [data-testid="stApp"] button:focus-visible,
[data-testid="stApp"] [role="tab"]:focus-visible, [data-testid="stFileUploaderDropzone"]:focus-within {
  outline: 2px solid PRIMARY !important; outline-offset: 2px; }
</style>"""
# Streamlit's page shell says <html lang="en"> whatever the app shows, and has no option to change it
# (streamlit/streamlit#15726; 1.67's set_page_config takes no language). This runs when its text changes — when the
# language does — and tells screen readers and font selection what language the page is in. LANG is "ja" or "en".
LANG_SCRIPT = """<script>document.documentElement.lang = "LANG";</script>"""


def colours() -> dict[str, str]:
    """The running theme's colours and the muted text colour made from them."""
    text = st.get_option("theme.textColor") or "#31333f"
    background = st.get_option("theme.backgroundColor") or "#ffffff"
    return {"text": text, "background": background, "primary": st.get_option("theme.primaryColor") or "#ff4b4b",
            "muted": mix(text, background, MUTED_SHARE)}


def css() -> str:
    """The style sheet for captions, disabled text and the focus ring, in the theme's colours."""
    found = colours()
    return CSS.replace("MUTED", found["muted"]).replace("PRIMARY", found["primary"])


def lang_script(lang: str) -> str:
    """Sets `<html lang>` to the language the page is drawn in."""
    return LANG_SCRIPT.replace("LANG", "en" if lang == "en" else "ja")
