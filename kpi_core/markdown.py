"""The one escaping rule: text a person typed or a file carried is shown inside Markdown exactly as written.

Every such text (a memo, a KPI name, a header or a cell of an uploaded file, a file name, a figure typed for
a report …) goes through `literal` before it touches Markdown or HTML, on a page or in the share report:
a `*` or `_` is not formatting, `![x](http://…)` is not an image that loads, `[link](javascript:…)` is not a
link, `<img src=…>` is not HTML, `**bold**` stays two stars on each side.

Catalog texts are not escaped (they may carry their own `**bold**`): escape the person's part, or a whole
message built from a person's text whose catalog text has no Markdown of its own. Never escape twice.
"""

from __future__ import annotations

import re

# Every character that can start Markdown (or Streamlit's :color[…] / $math$) anywhere in a line; `&` so an
# entity such as &lt; shows as typed. `(`, `)` and `!` need no escape once `[` and `]` are escaped.
_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|#&])")
# What starts a block only at the beginning of a line: a list item (-, +, 1. or 1)), a setext underline (=).
_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+(?=[.)]))", re.MULTILINE)
# What works on the text after escapes are resolved, so no backslash can stop it: GFM makes a link of a bare
# address (http://…, www.…, name@host; an http:// link even swallows the escapes after it, a stray backslash
# shows), Streamlit makes :red / :material/… / :smile: a colour, an icon, an emoji. An invisible WORD JOINER
# (U+2060) inside each trigger leaves the text as typed on screen and makes none of them.
JOINER = "\u2060"
_TRIGGER = re.compile(r":(?=[A-Za-z0-9_+/-])|www(?=\.)|@", re.IGNORECASE)  # not before a Japanese word


def literal(text: object, *, screen: bool = True) -> str:
    """`text` with every Markdown control character escaped, so it renders as the very characters typed
    (on a page, a bare address in it as text, not a link; :smile: as those seven characters).

    `screen=False` for a Markdown file a person keeps (the share report): the same escapes without the
    invisible joiners, so a figure or an address copied out of the file is exactly what was typed.
    """
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    escaped = _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else
                                                      "\\" + m.group(2)), escaped)
    return _TRIGGER.sub(lambda m: m.group(0) + JOINER, escaped) if screen else escaped
