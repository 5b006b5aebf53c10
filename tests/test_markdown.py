"""kpi_core.markdown.literal: the one escaping rule. Escaped text renders as exactly the characters typed."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kpi_core.markdown import JOINER, literal
from pages._ui import markdown as page_markdown

# CommonMark with raw HTML allowed (the worst case), GFM tables and strikethrough as Streamlit renders them.
RENDER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render
PLAIN_TAGS = re.compile(r"</?p>|<br />")
PAYLOADS = ("![x](http://127.0.0.1:8000/p)", '<img src="http://127.0.0.1:8000/i">', "[link](javascript:alert(1))",
            "**bold**")


def shown(markdown: str) -> str:
    """What a reader sees: the rendered HTML's text (joiners are invisible), failing on any tag but paragraphs
    and line breaks."""
    rendered = RENDER(markdown)
    tags = re.findall(r"<[^>]*>", PLAIN_TAGS.sub("", rendered))
    assert tags == [], (markdown, rendered)
    return html.unescape(PLAIN_TAGS.sub("", rendered)).replace(JOINER, "").strip()


def test_the_pages_use_the_same_helper():
    assert page_markdown.literal is literal


def test_images_html_links_and_bold_are_defused():
    assert [literal(p, screen=False) for p in PAYLOADS] == [
        r"!\[x\](http://127.0.0.1:8000/p)", r'\<img src="http://127.0.0.1:8000/i"\>', r"\[link\](javascript:alert(1))",
        r"\*\*bold\*\*"]
    # Unescaped, the renderer makes an image, HTML and bold of them (it drops a javascript: link by itself) …
    assert ["<img" in RENDER(PAYLOADS[0]), "<img" in RENDER(PAYLOADS[1]), "<strong>" in RENDER(PAYLOADS[3])] == [
        True, True, True]
    # … escaped, each is its own characters again, and nothing else.
    for text in (*PAYLOADS, "<script>alert(1)</script>", "&lt;img&gt; &amp;", "$x$ ~~y~~ `z` # h | a | b |"):
        assert shown(literal(text)) == text
        assert shown(literal(text, screen=False)) == text


def test_on_a_page_a_bare_address_or_a_shortcode_is_no_link_colour_or_emoji():
    # GFM links http://…, www.… and name@host after escapes are resolved, and Streamlit makes :red[…], :smile:
    # and :material/…: a colour, an emoji, an icon: an invisible joiner inside each trigger stops all of them.
    assert literal("http://a.b/c www.a.b a@b.cd :red[x] :smile: 10:30") == (
        f"http:{JOINER}//a.b/c www{JOINER}.a.b a@{JOINER}b.cd :{JOINER}red\\[x\\] :{JOINER}smile: 10:{JOINER}30")
    # A file a person keeps has no invisible characters: what is copied out of it is what was typed.
    assert literal("http://a.b/c a@b.cd 10:30", screen=False) == "http://a.b/c a@b.cd 10:30"


def test_blocks_that_start_a_line_are_defused():
    assert literal("- a\n1. b\n  + c\n===\n# d\n> e") == "\\- a\n1\\. b\n  \\+ c\n\\===\n\\# d\n\\> e"
    assert literal("2024-01-06 3.5h -> 9") == r"2024-01-06 3.5h -\> 9"  # only at a line's start
    assert literal("普通の文、問い合わせ(2件)") == "普通の文、問い合わせ(2件)"
    assert literal(1200) == "1200"


LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=JOINER),
               min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE.map(str.strip).filter(bool), min_size=1, max_size=3), st.booleans())
def test_any_text_renders_as_itself(lines, screen):
    # Lines without leading spaces (an indented line is a code block: literal text, in a box): every character
    # typed comes back as text, nothing becomes a tag.
    text = "\n".join(lines)
    assert shown(literal(text, screen=screen)).split("\n") == [line.strip() for line in lines]


def test_japanese_after_a_colon_is_left_alone():
    text = "成果として数えるもの:問い合わせ数。「質的評価」:「9」"
    assert literal(text) == text  # no invisible joiner where no shortcode or address can start
