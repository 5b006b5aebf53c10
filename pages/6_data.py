"""Your data: where it lives, backups to download and restore, import, sample data, resets, and deleting it all."""


import streamlit as st

from kpi_core.accounts import SIGNED_IN
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.reader import empty_log
from kpi_core.store.workspace import WorkspaceError
from pages._ui import backup, erase, state, visit
from pages._ui.layout import finish_page, page_setup
from pages._ui.markdown import literal


def _ask_again() -> None:
    """A fresh confirmation box (a new key): a tick given once never carries over to the next restore or to
    another backup, and the box shows unticked (removing a ticked box's value leaves it ticked on screen)."""
    session.restore_asks = session.get("restore_asks", 0) + 1


lang = page_setup("data")
session = st.session_state
catalog = default_catalog()
workspace = session.ws

st.title(t("data.title", lang))
if session.demo is not None:
    st.info(t("data.where.demo", lang))
elif session.account.mode == SIGNED_IN:
    st.info(t("account.where", lang))
elif state.hosted():
    st.info(t("data.where.hosted", lang))
else:
    st.info(t("data.where.local", lang, path=literal(workspace.path)))
st.caption(t("data.counts", lang, rows=len(session.log), reviews=len(session.reviews)))

st.header(t("data.export", lang))
st.caption(t("data.export.help", lang))
backup.download(t("data.export.button", lang), workspace, "export_zip", primary=True)

st.header(t("data.import", lang))
# A fresh key after each import empties the uploader, so one more click cannot import the file twice.
bundle = st.file_uploader(t("data.import.file", lang), type=["zip"],
                          key=f"import_zip_{session.get('imports_done', 0)}")
read = visit.read_once(bundle, lang)  # unzipped and checked once per upload, not on every rerun
if read is not None:
    preview = workspace.preview_import(read)
    # The lines quote the file: its member names, its plan's texts and ids, its log's headers and cells.
    if not preview.ok:
        for line in preview.lines(lang):
            st.error(literal(line))
    else:
        mode = st.radio(t("data.import.mode", lang), ["merge", "replace"], horizontal=True, key="import_mode",
                        format_func=lambda m: t(f"data.import.mode.{m}", lang))
        for line in preview.lines(lang, mode):
            st.write("- " + literal(line))
        sure = mode == "merge" or st.checkbox(t("data.import.confirm_replace", lang), key="import_sure")
        if st.button(t("data.import.button", lang), disabled=not sure, key="import_go"):
            try:
                workspace.import_zip(read, mode=mode)
            except WorkspaceError as error:
                st.error(literal(error.message(lang)))
            else:
                session.imports_done = session.get("imports_done", 0) + 1
                session.pop("import_sure", None)
                state.reload()
                state.set_lang(lang)  # the language is this person's choice now, not the file's
                state.flash(t("data.import.done", lang))
                st.rerun()

st.header(t("data.backups", lang))
backups = workspace.backups()
zone = state.time_zone()
if not backups:
    st.caption(t("data.backups.none", lang))
else:
    st.caption(t("data.backups.zone", lang, zone=zone) if zone else t("data.backups.zone_utc", lang))
    # A tick given for one backup must not carry over to another one chosen afterwards.
    chosen = st.selectbox(t("data.backups.choose", lang), backups, format_func=lambda b: b.label(lang, zone),
                          key="backup_choice", on_change=_ask_again)
    st.download_button(t("data.backups.download", lang), lambda: workspace.backup_zip(chosen.id),
                       file_name=f"kpi-coach-backup-{chosen.id}.zip", mime="application/zip",
                       key="backup_download")
    restore_preview = workspace.preview_restore(chosen.id)
    if not restore_preview.ok:
        for line in restore_preview.restore_lines(lang):
            st.error(literal(line))
    else:
        st.write(t("data.backups.preview", lang, when=chosen.when(zone)))
        for line in restore_preview.restore_lines(lang):
            st.write("- " + literal(line))
        st.warning(t("data.backups.all_back", lang))
        if st.checkbox(t("data.backups.confirm", lang), key=f"restore_sure_{session.get('restore_asks', 0)}") \
                and st.button(t("data.backups.restore", lang), key="restore_go"):
            workspace.restore(chosen.id)  # takes a backup of the current content first
            _ask_again()
            state.reload()
            state.set_lang(lang)  # the language is this person's choice now, not the backup's
            state.flash(t("data.backups.restored", lang))
            st.rerun()

st.header(t("data.demo", lang))
st.caption(t("data.demo.help", lang))
persona_id = st.selectbox(t("data.demo.persona", lang), list(catalog.personas), key="demo_persona",
                          format_func=lambda p: catalog.personas[p].name[lang])
if st.button(t("data.demo.start", lang), key="demo_start"):
    state.start_demo(persona_id)
    st.rerun()

st.header(t("data.reset", lang))
st.caption(t("data.reset.help", lang))
if st.checkbox(t("data.reset.confirm_log", lang, rows=len(session.log)), key="reset_log_sure") and st.button(
        t("data.reset.log", lang), key="reset_log_go"):
    state.replace_log(empty_log())  # backup first: restorable above
    st.rerun()
if st.checkbox(t("data.reset.confirm_plan", lang), key="reset_plan_sure") and st.button(
        t("data.reset.plan", lang), key="reset_plan_go"):
    workspace.backup("reset_plan")
    session.plan = state.new_plan()
    session.define_step = 0
    st.rerun()

erase.section(lang)
finish_page(lang)
