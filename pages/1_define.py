"""Define: whose problem, what problem, how you solve it — one question at a time, nothing lost."""

from dataclasses import replace

import streamlit as st

from kpi_core.cycle_story import previous_sentence
from kpi_core.messages import t
from kpi_core.plan import STATEMENT_LIMITS, custom_kpi_name, statement_sentence
from kpi_core.statement_advice import statement_advice
from pages._ui import state
from pages._ui.layout import PAGE_FILES, finish_page, page_setup
from pages._ui.markdown import literal

# Each step asks one question; its fields are ValueStatement attributes.
STEPS = (
    ("person", ("person", "situation", "worries", "words", "future")),
    ("problem", ("problem",)),
    ("solution", ("solution", "offer")),
    ("why", ("why_me",)),
    ("change", ("change",)),
    ("result", ()),
)
LONG_FIELDS = {"situation", "worries", "future", "problem", "solution", "why_me", "change"}

lang = page_setup("define")
plan = state.plan()
statement = plan.statement
session = st.session_state

st.title(t("define.title", lang))
st.caption(t("define.intro", lang))
if (old_sentence := previous_sentence(plan, lang)) is not None:  # the last cycle ended with "rewrite it"
    st.info(t("define.previous", lang, sentence=literal(old_sentence)), icon="📝")
    st.caption(t("define.previous.help", lang))
step = min(session.define_step, len(STEPS) - 1)
name, fields = STEPS[step]
st.progress((step + 1) / len(STEPS), text=t("define.progress", lang, step=step + 1, total=len(STEPS)))
st.header(t(f"define.step.{name}", lang))
st.write(t(f"define.step.{name}.help", lang))


def placeholder(field: str) -> str:
    return t(f"example.{plan.persona_id}.{field}", lang)


kept = state.kept_help(lang)  # how typed text is kept: said on every field
for field in fields:
    widget = st.text_area if field in LONG_FIELDS else st.text_input
    value = widget(t(f"define.field.{field}", lang), value=getattr(statement, field), max_chars=STATEMENT_LIMITS[field],
                   placeholder=placeholder(field), help=kept, key=state.widget_key(f"define_{field}"))
    # Copied into the plan at once (saved at the end of the run), so leaving the page or the step loses nothing.
    if state.user_edit(f"define_{field}", value, getattr(statement, field)):
        setattr(statement, field, value)

if fields:
    state.touch("define")

if name == "result":
    generated = statement_sentence(replace(statement, sentence=""), lang)
    sentence = st.text_area(t("define.result.sentence_edit", lang), value=statement.sentence or generated,
                            max_chars=STATEMENT_LIMITS["sentence"], help=kept,
                            key=state.widget_key("define_sentence"))
    # Only a real edit is kept, so the generated sentence follows later answers and the language.
    statement.sentence = "" if sentence == generated else sentence
    suggested = custom_kpi_name(replace(statement, custom_kpi=""), lang)
    edited = st.text_input(t("define.result.custom_kpi", lang), value=statement.custom_kpi or suggested,
                           max_chars=STATEMENT_LIMITS["custom_kpi"],
                           help=t("define.result.custom_kpi.help", lang), key=state.widget_key("define_custom_kpi"))
    statement.custom_kpi = "" if edited == suggested else edited
    st.page_link(PAGE_FILES["persona"], label=t("define.to_persona", lang), icon="➡️")

for code in statement_advice(statement, fields or None):  # the result step looks at every answer
    st.warning(t(f"advice.{code}", lang), icon="💡")

back, forward = st.columns(2)
# The step is this tab's, and stored with the plan (saved before the rerun) so a reload reopens it.
if back.button(t("define.back", lang), disabled=step == 0, width="stretch"):
    session.define_step = plan.define_step = step - 1
    state.autosave()
    st.rerun()
if forward.button(t("define.next", lang), disabled=step == len(STEPS) - 1, type="primary",
                  width="stretch"):
    session.define_step = plan.define_step = step + 1
    state.autosave()
    st.rerun()

finish_page(lang)
