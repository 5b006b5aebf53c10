"""Where a person stands on the path define → persona → log → dashboard → review, and the next step."""

from __future__ import annotations

from dataclasses import dataclass

STEPS = ("define", "persona", "log", "dashboard", "review")


@dataclass(frozen=True)
class Journey:
    """Which steps are done and which one comes next (None when all are done)."""

    done: dict[str, bool]
    next_step: str | None


def journey(*, statement_complete: bool, persona_chosen: bool, log_rows: int, dashboard_seen: bool,
            reviews_written: int) -> Journey:
    """The path's state from plain facts about the visit."""
    done = {
        "define": statement_complete,
        "persona": persona_chosen,
        "log": log_rows > 0,
        "dashboard": dashboard_seen and log_rows > 0,
        "review": reviews_written > 0,
    }
    next_step = next((step for step in STEPS if not done[step]), None)
    return Journey(done, next_step)
