"""The data page: restoring a backup says first what goes back (log, plan, reviews); times in the browser's zone."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from kpi_core.localtime import known_zone, local_time
from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.plan import Plan, default_plan
from kpi_core.store.workspace import Workspace
from tests.test_pages import APP, PAGES, WORKED, clean_caches  # noqa: F401 (autouse fixture)

LATER = WORKED.replace(b"2025/1/13", b"2025/1/20")  # three rows as in WORKED, one new
BACKUP_TIME = "2026-11-22T22:30:00+00:00"
OLD_PERSON, OLD_KPI, OLD_REVIEW = "転職に悩む20代後半の事務職", "相談の数", {"worked": "体験談の投稿に相談"}
NEW_PERSON, NEW_KPI = "子育て中の30代", "お礼の数"


@pytest.fixture
def workspace_path(tmp_path, monkeypatch):
    path = tmp_path / "mine.sqlite3"
    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(path))
    return path


def plan_with(person: str, custom_kpi: str, **changes: object) -> Plan:
    """The default plan with the person and the custom KPI's name filled in."""
    catalog = default_catalog()
    plan = default_plan(catalog.personas["office_worker"], catalog)
    statement = dataclasses.replace(plan.statement, person=person, custom_kpi=custom_kpi)
    return dataclasses.replace(plan, statement=statement, **changes)


def log_of(name: str, data: bytes):
    return read_files([(name, data)]).log


def seed(path) -> int:
    """A backup (4 rows, the old plan, 1 review) followed by later changes to all three; returns its id."""
    with Workspace.open(path) as ws:
        ws.save_plan(plan_with(OLD_PERSON, OLD_KPI))
        ws.append_rows(log_of("jan.csv", WORKED))
        ws.save_review("2025-01-06", OLD_REVIEW)
        backup_id = ws.backup("manual")
        ws.save_plan(plan_with(NEW_PERSON, NEW_KPI))
        ws.append_rows(log_of("later.csv", LATER))
        ws.save_review("2025-01-06", {"worked": "書き換えた"})
        ws.save_review("2025-01-13", {"worked": "新しい週"})
    conn = sqlite3.connect(path)  # a fixed time, so labels can be checked to the minute in each zone
    with conn:
        conn.execute("UPDATE backups SET created_at = ? WHERE id = ?", (BACKUP_TIME, backup_id))
    conn.close()
    return backup_id


def data_page(lang: str, zone: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if zone is not None:
        at.context["timezone"] = zone
    at.switch_page(PAGES["data"][0])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at



def confirm_box(at: AppTest):
    """The restore confirmation box (its key changes after each restore, so it always starts unticked)."""
    return next(c for c in at.checkbox if c.key.startswith("restore_sure"))

def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


# ---------------------------------------------------------------- times


@pytest.mark.parametrize(("zone", "shown"), [
    ("Asia/Tokyo", "2026-11-23 07:30 JST"),  # the next day in Japan
    ("America/Sao_Paulo", "2026-11-22 19:30 UTC-03"),  # a zone without an abbreviation of its own
    ("UTC", "2026-11-22 22:30 UTC"),
    (None, "2026-11-22 22:30 UTC"),
    ("", "2026-11-22 22:30 UTC"),
    ("Mars/Olympus_Mons", "2026-11-22 22:30 UTC"),  # unknown name: UTC, said so
    ("../../etc/passwd", "2026-11-22 22:30 UTC"),  # not even a zone name
])
def test_local_time_shows_the_zone_or_falls_back_to_utc(zone, shown):
    assert local_time(BACKUP_TIME, zone) == shown


def test_local_time_follows_summer_time_and_reads_bare_utc():
    assert local_time("2026-07-01T12:00:00+00:00", "Europe/Berlin") == "2026-07-01 14:00 CEST"
    assert local_time("2026-01-01T12:00:00+00:00", "Europe/Berlin") == "2026-01-01 13:00 CET"
    assert local_time("2026-11-22T22:30:00", "Asia/Tokyo") == "2026-11-23 07:30 JST"


def test_known_zone():
    assert [known_zone(z) for z in ("Asia/Tokyo", "UTC", "Mars/Olympus_Mons", "", None)] == \
        ["Asia/Tokyo", "UTC", None, None, None]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("zone", "when", "caption"), [
    ("Asia/Tokyo", "2026-11-23 07:30 JST", ("data.backups.zone", {"zone": "Asia/Tokyo"})),
    (None, "2026-11-22 22:30 UTC", ("data.backups.zone_utc", {})),
    ("Mars/Olympus_Mons", "2026-11-22 22:30 UTC", ("data.backups.zone_utc", {})),
])
def test_backup_times_are_shown_in_the_browsers_zone(workspace_path, lang, zone, when, caption):
    seed(workspace_path)
    at = data_page(lang, zone)
    label = t("workspace.backup.label", lang, created_at=when, reason=t("workspace.backup.reason.manual", lang),
              rows=4)
    assert at.selectbox(key="backup_choice").options == [label]
    assert t("data.backups.preview", lang, when=when) in [m.value for m in at.markdown]
    assert t(caption[0], lang, **caption[1]) in [c.value for c in at.caption]


# ---------------------------------------------------------------- restore preview


def expected_preview(lang: str) -> list[str]:
    """What seed()'s backup changes: 5 rows → 4, plan statement and KPI name back, 2 review weeks → 1."""
    parts = " / ".join(t(f"workspace.plan_part.{p}", lang) for p in ("statement", "kpis"))
    return [
        t("workspace.restore.rows", lang, now=5, backup=4, added=0, removed=1),
        t("workspace.restore.plan_back", lang, parts=parts),
        t("workspace.restore.reviews", lang, now=2, backup=1, added=0, changed=1, removed=1),
        t("workspace.restore.backup_first", lang),
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_restore_says_what_goes_back_then_brings_back_plan_and_reviews_too(workspace_path, lang):
    seed(workspace_path)
    at = data_page(lang)
    bullets = [m.value[2:] for m in at.markdown if m.value.startswith("- ")]
    assert bullets == expected_preview(lang)
    assert [w.value for w in at.warning] == [t("data.backups.all_back", lang)]
    assert not [b for b in at.button if b.key == "restore_go"]  # no restore before the tick

    confirm_box(at).check().run()
    button(at, "restore_go").click().run()
    assert not at.exception
    assert t("data.backups.restored", lang) in [s.value for s in at.success]
    # The session and the file both hold the backup's plan, reviews and log.
    plan = at.session_state["plan"]
    assert (plan.statement.person, plan.statement.custom_kpi) == (OLD_PERSON, OLD_KPI)
    assert at.session_state["reviews"] == {"2025-01-06": OLD_REVIEW}
    assert len(at.session_state["log"]) == 4
    with Workspace.open(workspace_path) as stored:
        assert stored.load_plan().statement.custom_kpi == OLD_KPI
        assert stored.load_reviews() == {"2025-01-06": OLD_REVIEW}
        assert stored.row_count() == 4
        backups = stored.backups()
        assert [b.reason for b in backups] == ["restore", "manual"]
        safety = stored.backup_zip(backups[0].id)
    # The backup taken first holds the state before the restore: the later plan, reviews and rows.
    with Workspace.open(":memory:") as before:
        before.import_zip(safety, mode="replace")
        assert (before.load_plan().statement.person, before.load_plan().statement.custom_kpi) == \
            (NEW_PERSON, NEW_KPI)
        assert before.load_reviews() == {"2025-01-06": {"worked": "書き換えた"}, "2025-01-13": {"worked": "新しい週"}}
        assert before.row_count() == 5
    # The language stays the one chosen now, in this tab and for the next visit (the backup's is left).
    assert at.session_state["lang"] == lang and plan.language == lang
    with Workspace.open(workspace_path) as stored:
        assert stored.load_plan().language == lang
    # The tick does not stay: a second click cannot restore again without asking.
    assert confirm_box(at).value is False
    assert not [b for b in at.button if b.key == "restore_go"]


def test_choosing_another_backup_asks_for_the_tick_again(workspace_path):
    seed(workspace_path)
    with Workspace.open(workspace_path) as ws:
        ws.backup("manual")  # a second backup, of the later state: restoring it changes nothing
    at = data_page("ja")
    confirm_box(at).check().run()
    assert [b for b in at.button if b.key == "restore_go"]
    at.selectbox(key="backup_choice").select_index(1).run()
    assert confirm_box(at).value is False
    assert [m.value[2:] for m in at.markdown if m.value.startswith("- ")] == expected_preview("ja")


def test_restoring_the_current_state_says_nothing_changes(workspace_path):
    seed(workspace_path)
    with Workspace.open(workspace_path) as ws:
        preview = ws.preview_restore(ws.backup("manual"))
    assert (preview.rows_here, preview.rows_in_file, preview.rows_to_add, preview.rows_only_here) == (5, 5, 0, 0)
    assert preview.restore_lines("en")[:3] == [
        t("workspace.restore.rows", "en", now=5, backup=5, added=0, removed=0),
        t("workspace.restore.plan_same", "en"),
        t("workspace.restore.reviews", "en", now=2, backup=2, added=0, changed=0, removed=0),
    ]


@pytest.mark.parametrize(("later", "parts"), [
    ({"weekly_budget_minutes": 240}, ("persona",)),
    ({"week_start": 6}, ("schedule",)),
    ({"steps_done": ["persona"]}, ("other",)),
])
def test_the_preview_names_the_part_of_the_plan_that_goes_back(tmp_path, later, parts):
    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        ws.save_plan(plan_with(OLD_PERSON, OLD_KPI))
        backup_id = ws.backup("manual")
        ws.save_plan(plan_with(OLD_PERSON, OLD_KPI, **later))
        assert ws.preview_restore(backup_id).plan_parts == parts


def test_a_backup_without_a_plan_says_the_plan_goes_back_to_the_default(tmp_path):
    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        ws.append_rows(log_of("jan.csv", WORKED))
        backup_id = ws.backup("replace_log")
        ws.save_plan(plan_with(NEW_PERSON, NEW_KPI))
        preview = ws.preview_restore(backup_id)
        assert preview.plan_parts == ("all",)
        assert preview.restore_lines("ja")[1] == t("workspace.restore.plan_default", "ja")
        ws.restore(backup_id)
        assert ws.load_plan() is None  # the app then starts from the default plan, as the preview said
