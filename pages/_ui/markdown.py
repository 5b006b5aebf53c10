"""The person's own text shown inside Markdown exactly as typed (a `*` or `_` in a memo is not formatting)."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|#])")


def literal(text: str) -> str:
    """`text` with every Markdown control character escaped."""
    return _SPECIAL.sub(r"\\\1", str(text))
