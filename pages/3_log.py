"""Log: drop activity CSVs, see what was read and what was not (row by row), edit rows, export."""

import hashlib

import pandas as pd
import streamlit as st

from kpi_core.export import log_csv_bytes, rejected_csv_bytes
from kpi_core.localtime import local_time
from kpi_core.logbook import persona_columns, read_files
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.report import column_label
from kpi_core.revisions import UploadCounts, find_revisions
from pages._ui import matching, revisions, sheets, state, visit
from pages._ui.layout import PAGE_FILES, finish_page, page_setup
from pages._ui.markdown import literal
from pages._ui.rubric import rubric_markdown
from pages._ui.tables import readable
from pages._ui.uploader import log_uploader

ENCODINGS = ("auto", "utf-8", "cp932", "utf-16")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp932": "Shift_JIS (cp932)", "utf-16": "UTF-16"}
SEPARATOR_NAMES = {",": "comma", "\t": "tab", ";": "semicolon"}
EDIT_COLUMNS = ["date", "action", "minutes", "reactions", "quality"]


def keep_provenance(checked: pd.DataFrame, edited: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Give rows that existed before the edit their file name and row number back (new rows are "typed in").

    The checked rows were read from a CSV of `edited`, so row N of that CSV is edited's (N-2)-th row, whose
    index label is the row's label in `before` when it is not a new one.
    """
    labels = edited.index.to_numpy()[checked["source_row"].to_numpy() - 2]
    known = pd.Index(labels).isin(before.index)
    checked = checked.copy()
    checked.loc[known, "source"] = before.loc[labels[known], "source"].to_numpy()
    checked.loc[known, "source_row"] = before.loc[labels[known], "source_row"].to_numpy()
    return checked


def show_earlier_uploads(lang: str) -> None:
    """List the uploads of earlier visits, so rows left out then are not forgotten after a reload."""
    # A file read in this visit has its own card above (the same bytes give the same counts).
    read_now = {(name, digest) for name, _, digest in session.seen_uploads}
    earlier = [u for u in session.ws.uploads() if (u.file_name, u.sha256) not in read_now]
    if not earlier:
        return
    rejected = sum(u.rows_rejected for u in earlier)
    zone = state.time_zone()
    title = (t("log.earlier.title_rejected", lang, files=len(earlier), rejected=rejected) if rejected
             else t("log.earlier.title", lang, files=len(earlier)))
    with st.expander(f"🗂️ {title}"):
        st.dataframe(pd.DataFrame({
            t("log.earlier.col.file", lang): [u.file_name for u in reversed(earlier)],
            t("log.earlier.col.read_at", lang): [local_time(u.read_at, zone) if u.read_at else ""
                                                  for u in reversed(earlier)],
            t("log.accepted", lang): [u.rows_accepted for u in reversed(earlier)],
            # Rows already in the log are read but not added again: what the upload changed is this column.
            t("log.earlier.col.added", lang): [u.rows_added for u in reversed(earlier)],
            t("log.rejected", lang): [u.rows_rejected for u in reversed(earlier)],
        }), hide_index=True, width="stretch")
        if rejected:
            st.caption(t("log.earlier.hint", lang))


lang = page_setup("log")
session = st.session_state
catalog = default_catalog()

st.title(t("log.title", lang))
st.caption(t("log.intro", lang))

encoding = st.selectbox(t("log.encoding", lang), ENCODINGS, help=t("log.encoding.help", lang),
                        format_func=lambda e: t("log.encoding.auto", lang) if e == "auto" else e)
uploads = log_uploader(lang)
any_file = revisions.compare_with_any_file(lang)

new = []
for upload in uploads:
    data = upload.getvalue()
    fingerprint = (upload.name, encoding, hashlib.sha256(data).hexdigest())
    if fingerprint not in session.seen_uploads and visit.admit(upload.name, len(data), lang):  # hosted: capped
        new.append((fingerprint, upload.name, data))

if new:
    bar = st.progress(0.0, text=t("log.reading", lang, name=literal(new[0][1])))

    def progress(number: int, total: int, name: str) -> None:
        bar.progress(number / total, text=t("log.reading", lang, name=literal(name)))

    counts = UploadCounts()
    with st.spinner(t("log.reading", lang, name=literal(", ".join(name for _, name, _ in new)))):
        for number, (fingerprint, name, data) in enumerate(new):
            progress(number, len(new), name)
            batch = read_files([(name, data)], encoding=None if encoding == "auto" else encoding, catalog=catalog,
                               sheet=sheets.chosen(name), column_maps=session.plan.column_maps)
            report = batch.reports[0]
            # Read before the rows are added: the earlier rows (with their ids) a new row may be an edit of.
            earlier = session.ws.load_log(with_ids=True) if report.accepted else None
            # Saved at once, file by file: a reload or a crash after this line loses nothing.
            added = state.add_rows(batch.log, name, data, report.accepted, report.rejected)
            counts = counts.plus(report.accepted, added)
            if earlier is not None:  # edits of rows from a file of the same name, unless the person said otherwise
                revisions.remember(find_revisions(earlier, batch.log, file_name=None if any_file else name))
            # A file read again (another encoding, say) replaces its earlier card instead of sitting beside it.
            session.uploads = [r for r in session.uploads if r.name != name] + [report]
            session.seen_uploads.add(fingerprint)
    session[revisions.COUNTS] = counts
    bar.progress(1.0, text=t("log.read_done", lang, files=len(new)))

for report in reversed(session.uploads):
    # A header with no rows under it (the template as downloaded) read fine, but there is nothing to count.
    no_rows = report.error is None and report.rows_in == 0
    failed = report.error is not None or report.rejected > 0 or no_rows
    icon = "⚠️" if failed else "✅"
    # Followers and impressions left out on purpose: said in plain view, not inside the file's (often closed) card.
    for column in report.ignored_columns:
        if column.reason == "vanity":
            st.info(literal(column.message(lang)), icon="🙈")
    # File names, headers and cells come from the file: every message quoting them is escaped (literal).
    with st.expander(f"{icon} {literal(report.name)}", expanded=failed):
        if report.error is not None:
            if not matching.can_match(report):  # unknown headers are a question below, not a failure
                st.error(literal(report.error.message(lang)))
            sheets.ask_sheet(report, lang)
            matching.ask(report, lang, catalog)  # headers it does not know: which column is which item
            continue
        if report.sheet is not None:
            sheets.show_sheet(report, lang)
        else:
            st.caption(t("log.detected", lang, encoding=ENCODING_NAMES.get(report.encoding, report.encoding),
                         separator=t(f"log.separator.{SEPARATOR_NAMES[report.separator]}", lang)))
        matching.show_applied(report, lang, catalog)
        if no_rows:
            st.warning(t("log.no_rows", lang), icon="📝")
        else:
            cols = st.columns(4)
            cols[0].metric(t("log.rows_in", lang), report.rows_in)
            cols[1].metric(t("log.accepted", lang), report.accepted)
            cols[2].metric(t("log.rejected", lang), report.rejected)
            cols[3].metric(t("log.blank", lang), report.blank)
        if report.examples:
            st.info(t("log.example_row", lang), icon="📝")
        for column in report.ignored_columns:
            if column.reason != "vanity":  # the vanity notice is above the card
                st.info(literal(column.message(lang)), icon="🙈")
        if report.problems:
            st.markdown(t("log.problems", lang))
            table = readable(pd.DataFrame([p.as_dict(lang) for p in report.problems]), lang).rename(columns={
                "row": t("log.col.row", lang), "column": t("log.col.column", lang),
                "value": t("log.col.value", lang), "message": t("log.col.message", lang)})
            st.dataframe(table, hide_index=True, width="stretch")
            by_row: dict[int, str] = {}
            for problem in report.problems:
                by_row[problem.row] = " / ".join(filter(None, [by_row.get(problem.row), problem.message(lang)]))
            st.download_button(
                t("log.download_rejected", lang),
                rejected_csv_bytes(report.header, report.rejected_rows, t("log.col.fix", lang), by_row),
                file_name=f"rejected_{report.name}", mime="text/csv", key=f"rejected_{id(report)}",
                help=t("log.download_rejected.help", lang),
            )

revisions.show_counts(lang)
revisions.show(lang, catalog)
show_earlier_uploads(lang)
matching.show_remembered(lang, catalog)

log = session.log
st.header(t("log.current", lang, rows=len(log)))
if log.empty:
    st.info(t("log.empty", lang))
    st.page_link(PAGE_FILES["persona"], label=t("log.get_template", lang), icon="📄")
else:
    if log["date"].notna().any():
        st.caption(t("log.span", lang, first=log["date"].min().date(), last=log["date"].max().date()))
    # A callable: the file is built when the button is pressed, not on every rerun of the page.
    st.download_button(t("log.export", lang), lambda: log_csv_bytes(log, lang, persona_columns(catalog)),
                       file_name="activity_log.csv", mime="text/csv", key="export_log", help=t("log.export.help", lang))

with st.expander(t("rubric.title", lang)):  # what the 質的評価 column's 1–5 means
    st.markdown(rubric_markdown(lang))

with st.expander(t("log.edit", lang), expanded=log.empty):
    st.caption(t("log.edit.help", lang))
    shown = [c for c in log.columns if c not in ("category", "source", "source_row")]
    if log.empty:
        shown = EDIT_COLUMNS + ["memo"]
    editable = log.reindex(columns=shown)
    edited = st.data_editor(
        editable, num_rows="dynamic", hide_index=True, width="stretch", key="log_editor",
        column_config={c: st.column_config.DateColumn(column_label(c, lang), format="YYYY-MM-DD") if c == "date"
                       else st.column_config.Column(column_label(c, lang),
                                                    help=t("rubric.short", lang) if c == "quality" else None)
                       for c in shown},
    )
    removed = max(0, len(log) - len(edited))
    confirmed = removed == 0 or st.checkbox(t("log.edit.confirm_delete", lang, rows=removed), key="confirm_delete")
    if st.button(t("log.edit.apply", lang), type="primary", disabled=not confirmed):
        # Edits go through the very reader uploads use: the same validation, the same messages.
        check = read_files([(t("log.edit.source", lang), log_csv_bytes(edited, lang, persona_columns(catalog)))],
                           catalog=catalog)
        report = check.reports[0]
        if report.error is None and report.rejected == 0:
            state.replace_log(keep_provenance(check.log, edited, log))  # a backup of the old log is taken first
            state.flash(t("log.edit.saved", lang, rows=report.accepted))
            st.rerun()
        elif report.error is not None:
            st.error(literal(report.error.message(lang)))
        else:
            for problem in report.problems:
                st.error(literal(t("log.edit.problem", lang, row=problem.row - 1, column=problem.column or "-",
                                   message=problem.message(lang))))

finish_page(lang)
