"""The theme's colours meet WCAG 2.1 AA, and `kpi-coach app` hands the same settings to Streamlit as the checkout.

The browser tests measure the pages with axe-core (tests/test_browser_axe.py); these check the numbers they rest on
without a browser, so a colour changed in the config fails here first, with the pair that no longer reads.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from kpi_core import cli
from kpi_core.contrast import NON_TEXT_AA, TEXT_AA, contrast, luminance, mix
from pages._ui import theme

REPO = Path(__file__).resolve().parent.parent
CHECKOUT = REPO / ".streamlit" / "config.toml"
PACKAGED = REPO / "kpi_core" / "app_config.toml"
SELECTED_TINT = 0.1  # Streamlit 1.67 fills a selected segment or pill with the primary colour at 10 % opacity,
HOVERED_TINT = 0.2  # 20 % under the pointer (where it stays after the click that chose it)
PLACEHOLDER_SHARE = 0.7  # … and draws a field's placeholder as the text colour at 70 %
DISABLED_SHARE = 0.4  # … and disabled text at 40 % (pages/_ui/theme.py draws it muted instead)


def settings(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_the_packaged_settings_are_the_checkouts():
    assert settings(PACKAGED) == settings(CHECKOUT)


def text_pairs(colours: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Every (text, what is behind it) pair the app draws with the theme, named."""
    text, background, secondary, primary = (colours[k] for k in ("textColor", "backgroundColor",
                                                                  "secondaryBackgroundColor", "primaryColor"))
    muted = mix(text, background, theme.MUTED_SHARE)
    return {
        "body text on the page": (text, background),
        "text in a field (secondary background)": (text, secondary),
        "caption, help and disabled text on the page": (muted, background),
        "caption on the secondary background": (muted, secondary),
        "placeholder in a field": (mix(text, secondary, PLACEHOLDER_SHARE), secondary),
        "link or selected tab on the page": (primary, background),
        "link on the secondary background": (primary, secondary),
        "white on a primary button": ("#ffffff", primary),
        "selected segment or pill": (primary, mix(primary, background, SELECTED_TINT)),
        "selected segment on the secondary background": (primary, mix(primary, secondary, SELECTED_TINT)),
        "selected segment under the pointer": (primary, mix(primary, background, HOVERED_TINT)),
    }


def test_every_text_colour_of_the_theme_reads_at_4_5_to_1():
    colours = settings(CHECKOUT)["theme"]
    low = {name: round(contrast(*pair), 2) for name, pair in text_pairs(colours).items()
           if contrast(*pair) < TEXT_AA}
    assert low == {}
    # The focus ring and the bar's underline (primary, 2–3 px) against the page: 3:1 for what is not text.
    assert contrast(colours["primaryColor"], colours["backgroundColor"]) >= NON_TEXT_AA


def test_the_measure_fails_the_colours_the_issue_found():
    """Streamlit's own caption (text at 60 %) and the old primary's selected segment: what axe reported."""
    old = {**settings(CHECKOUT)["theme"], "primaryColor": "#2f7d6d"}
    assert contrast(mix(old["textColor"], old["backgroundColor"], 0.6), old["backgroundColor"]) == \
        pytest.approx(3.82, abs=0.01)
    assert contrast(*text_pairs(old)["selected segment or pill"]) == pytest.approx(4.16, abs=0.01)
    assert contrast(mix(old["textColor"], old["backgroundColor"], DISABLED_SHARE), old["backgroundColor"]) < 2.5


def test_contrast_arithmetic():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#fff", "#ffffff") == pytest.approx(1)
    assert luminance("#ffffff") == pytest.approx(1)
    assert mix("#000000", "#ffffff", 0.5) == "#808080"
    with pytest.raises(ValueError):
        luminance("green")


def test_the_css_is_made_from_the_running_theme(monkeypatch):
    running = {"theme.textColor": "#112233", "theme.backgroundColor": "#ffffff", "theme.primaryColor": "#004400"}
    monkeypatch.setattr(theme.st, "get_option", running.get)
    css = theme.css()
    assert mix("#112233", "#ffffff", theme.MUTED_SHARE) in css and "#004400" in css
    assert "MUTED" not in css and "PRIMARY" not in css


def test_the_language_script_only_ever_says_ja_or_en():
    assert 'lang = "en"' in theme.lang_script("en")
    assert 'lang = "ja"' in theme.lang_script("ja")
    assert theme.lang_script('"; alert(1); "') == theme.lang_script("ja")


def test_kpi_coach_app_passes_every_packaged_setting_to_streamlit(monkeypatch):
    started = {}
    monkeypatch.setattr(cli.subprocess, "call", lambda command, **kw: started.update(command=command, **kw) or 0)
    assert cli.main(["app", "--port", "8765"]) == 0
    command = started["command"]
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4].endswith("app.py")
    flags = dict(zip(command[5::2], command[6::2], strict=True))  # --section.option value, after app.py
    for section, options in settings(PACKAGED).items():
        for name, value in options.items():
            shown = flags[f"--{section}.{name}"]
            if isinstance(value, bool):
                assert shown == str(value).lower()
            elif isinstance(value, list):
                assert json.loads(shown) == value
            else:
                assert shown == str(value)
    assert flags["--server.port"] == "8765"
    assert flags["--theme.primaryColor"] == settings(CHECKOUT)["theme"]["primaryColor"]
