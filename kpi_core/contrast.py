"""WCAG 2.1 colour arithmetic: relative luminance, contrast ratio, and a colour mixed over its background."""

from __future__ import annotations

TEXT_AA = 4.5  # WCAG 2.1 AA, 1.4.3: normal-size text against what is behind it
NON_TEXT_AA = 3.0  # 1.4.11: focus rings, chart marks, control borders


def _channels(colour: str) -> tuple[int, int, int]:
    """#rgb or #rrggbb as three 0–255 values."""
    digits = colour.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1 definition, sRGB)."""
    linear = []
    for value in _channels(colour):
        c = value / 255
        linear.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """Contrast ratio of two colours, 1–21 (order does not matter)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mix(colour: str, background: str, share: float) -> str:
    """`colour` drawn at opacity `share` (0–1) over `background`, as #rrggbb: what the eye (and axe) sees."""
    front, back = _channels(colour), _channels(background)
    return "#" + "".join(f"{round(share * f + (1 - share) * b):02x}" for f, b in zip(front, back, strict=True))
