"""The person's own text shown inside Markdown exactly as typed: kpi_core.markdown's one helper, for the pages."""

from __future__ import annotations

from kpi_core.markdown import literal

__all__ = ["literal"]
