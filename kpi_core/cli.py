"""The `kpi-coach` command: start the app, check log files, print weekly reports, write log templates (CSV or .xlsx)."""

from __future__ import annotations

import argparse
import importlib.resources
import importlib.util
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from kpi_core.messages import LANGS, normalize_lang, t

TEMPLATE_FORMATS = ("csv", "xlsx")


def _env_lang() -> str:
    for name in ("KPI_COACH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return normalize_lang(os.environ[name])
    return normalize_lang(None)


def _parser(lang: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi-coach", description=t("cli.description", lang))
    commands = parser.add_subparsers(dest="command", metavar="{app,check,report,template,migrate}")

    app = commands.add_parser("app", help=t("cli.app.help", lang), description=t("cli.app.help", lang))
    app.add_argument("--port", type=int, help=t("cli.app.port", lang))
    app.add_argument("--workspace", type=Path, help=t("cli.app.workspace", lang))
    app.add_argument("--hosted", action="store_true", help=t("cli.app.hosted", lang))

    def add_common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("files", nargs="+", metavar="FILE", help=t("cli.files", lang))
        sub.add_argument("--json", action="store_true", help=t("cli.json", lang))
        sub.add_argument("--lang", choices=LANGS, default=lang, help=t("cli.lang", lang))
        sub.add_argument("--encoding", help=t("cli.encoding", lang))

    check = commands.add_parser("check", help=t("cli.check.help", lang), description=t("cli.check.help", lang))
    add_common(check)
    check.add_argument("--sheet", metavar="NAME", help=t("cli.sheet", lang))
    check.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD", help=t("cli.map", lang))

    report = commands.add_parser("report", help=t("cli.report.help", lang),
                                 description=t("cli.report.help", lang))
    add_common(report)
    chosen = report.add_mutually_exclusive_group()
    chosen.add_argument("--persona", help=t("cli.persona", lang))
    chosen.add_argument("--plan", type=Path, help=t("cli.plan", lang))

    template = commands.add_parser("template", help=t("cli.template.help", lang),
                                   description=t("cli.template.help", lang))
    template.add_argument("--persona", default="office_worker", help=t("cli.persona", lang))
    template.add_argument("--lang", choices=LANGS, default=lang, help=t("cli.lang", lang))
    template.add_argument("-o", "--output", type=Path, help=t("cli.output", lang))
    template.add_argument("--format", choices=TEMPLATE_FORMATS, default="csv", help=t("cli.format", lang))

    migrate = commands.add_parser("migrate", help=t("account.cli.migrate", lang),
                                  description=t("account.cli.migrate", lang))
    migrate.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help=t("account.cli.wait", lang))
    return parser


def _map_option(values: list[str], lang: str) -> dict[str, str] | None:
    """The `--map "header=field"` values as a mapping; a value that cannot be one is a usage error."""
    if not values:
        return None
    from kpi_core.columns import all_columns, header_index
    from kpi_core.logbook import persona_columns
    from kpi_core.matching import MappingError, parse_option
    from kpi_core.personas import default_catalog

    try:
        return parse_option(values, header_index(all_columns(persona_columns(default_catalog()))))
    except MappingError as error:
        raise UsageError(error.message(lang)) from None


def _read_files(paths: list[str], encoding: str | None, lang: str, sheet: str | None = None,
                mapping: dict[str, str] | None = None, column_maps: dict | None = None):
    from kpi_core.logbook import read_files

    sources = []
    for path in paths:
        try:
            sources.append((Path(path).name, Path(path).read_bytes()))
        except OSError as error:
            raise UsageError(t("cli.cannot_open", lang, path=path, reason=error.strerror or str(error))) from None
    return read_files(sources, encoding=encoding, sheet=sheet, mapping=mapping, column_maps=column_maps)


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def _check(args) -> int:
    mapping = _map_option(args.map, args.lang)  # checked before any file is read
    batch = _read_files(args.files, args.encoding, args.lang, args.sheet, mapping)
    out = batch.as_dict(args.lang)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for report in batch.reports:
            print(t("cli.check.file", args.lang, name=report.name, encoding=report.encoding or "-",
                    separator=repr(report.separator) if report.separator else "-"))
            if report.sheet:
                print("  " + t("cli.check.sheet", args.lang, sheet=report.sheet))
            if report.error:
                print("  " + report.error.message(args.lang))
                _print_matching(report.matching, args.lang)
                continue
            if report.matching:
                pairs = ", ".join(f"{h}={f}" for f, h in report.matching.mapping.items() if h)
                print("  " + t("cli.check.matching.used", args.lang, pairs=pairs))
            print("  " + t("cli.check.counts", args.lang, rows_in=report.rows_in, accepted=report.accepted,
                           rejected=report.rejected, blank=report.blank))
            for column in report.ignored_columns:
                print("  - " + column.message(args.lang))
            for problem in report.problems:
                print("  " + t("cli.check.problem", args.lang, row=problem.row, column=problem.column or "-",
                               message=problem.message(args.lang)))
        print(t("cli.check.totals", args.lang, accepted=batch.accepted, rejected=batch.rejected,
                duplicates=batch.duplicates))
    clean = all(r.error is None and r.rejected == 0 for r in batch.reports)
    return 0 if clean else 1


def _print_matching(match, lang: str) -> None:
    """The file's headers with example values, and how to name the missing columns with --map."""
    if match is None:
        return
    print("  " + t("cli.check.matching", lang, row=match.header_row))
    for header, samples in zip(match.headers, match.samples, strict=True):
        print(f"    {header}: {', '.join(samples)}")
    if match.missing:
        print("  " + t("cli.check.matching.hint", lang, missing=", ".join(match.missing)))


def _load_plan(args):
    from kpi_core.personas import default_catalog
    from kpi_core.plan import admit_plan, default_plan, plan_from_yaml

    catalog = default_catalog()
    if args.plan:
        try:
            text = args.plan.read_text(encoding="utf-8")
        except OSError as error:
            raise UsageError(t("cli.cannot_open", args.lang, path=args.plan, reason=error.strerror)) from None
        plan, problems = plan_from_yaml(text)
        if plan is None:
            details = "; ".join(p.message(args.lang) if hasattr(p, "message") else str(p) for p in problems)
            raise UsageError(t("cli.bad_plan", args.lang, path=args.plan, details=details))
        # Checked against the personas and columns as an import is: refused with what is wrong; text over its
        # cap is cut, and said on stderr.
        plan, wrong, cuts = admit_plan(plan, catalog, str(args.plan))
        if plan is None:
            raise UsageError(t("cli.bad_plan", args.lang, path=args.plan,
                               details="; ".join(p.message(args.lang) for p in wrong)))
        for cut in cuts:
            print(f"{args.plan}: {cut.message(args.lang)}", file=sys.stderr)
        return plan, catalog
    persona_id = args.persona or "office_worker"
    if persona_id not in catalog.personas:
        raise UsageError(t("cli.unknown_persona", args.lang, persona=persona_id,
                           known=", ".join(catalog.personas)))
    return default_plan(catalog.personas[persona_id], catalog), catalog


def _report(args) -> int:
    from kpi_core.report import weekly_report_json, weekly_report_text

    plan, catalog = _load_plan(args)
    # A plan saved by the app remembers how its files' unknown headers were matched: read them the same way.
    batch = _read_files(args.files, args.encoding, args.lang, column_maps=plan.column_maps)
    for report in batch.reports:
        if report.error:
            print(f"{report.name}: {report.error.message(args.lang)}", file=sys.stderr)
    if args.json:
        from kpi_core.coaching import vanity_headers

        out = weekly_report_json(batch.log, plan, catalog, args.lang, vanity_headers(batch.reports))
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(weekly_report_text(batch.log, plan, catalog, args.lang))
    return 0


def _template(args) -> int:
    from kpi_core.export import template_csv_bytes
    from kpi_core.export_xlsx import template_xlsx_bytes
    from kpi_core.personas import default_catalog

    catalog = default_catalog()
    if args.persona not in catalog.personas:
        raise UsageError(t("cli.unknown_persona", args.lang, persona=args.persona,
                           known=", ".join(catalog.personas)))
    write = template_xlsx_bytes if args.format == "xlsx" else template_csv_bytes
    data = write(catalog.template_columns(args.persona), args.lang)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def app_script() -> Path:
    """Where the Streamlit entry script is, in a checkout or an installed copy."""
    spec = importlib.util.find_spec("app")
    if spec is None or spec.origin is None:
        raise UsageError("app.py not found")
    return Path(spec.origin)


def config_flags() -> list[str]:
    """The packaged Streamlit settings (kpi_core/app_config.toml) as `streamlit run` flags.

    An installed copy has no .streamlit/config.toml beside app.py, and Streamlit reads that file only from there,
    the current directory or ~/.streamlit: without these flags it would run with Streamlit's default theme (whose
    contrast this app does not answer for), send usage statistics and draw a sidebar menu of its own.
    """
    settings = tomllib.loads(importlib.resources.files("kpi_core").joinpath("app_config.toml")
                             .read_text(encoding="utf-8"))
    flags = []
    for section, options in settings.items():
        for name, value in options.items():
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, list):
                text = json.dumps(value)  # Streamlit reads a list option given as a flag as JSON
            else:
                text = str(value)
            flags += [f"--{section}.{name}", text]
    return flags


def _app(args) -> int:
    command = [sys.executable, "-m", "streamlit", "run", str(app_script()), *config_flags(),
               # Streamlit runs from the app's own folder: point it at the secrets of the folder the host is in
               # (and the home one), the files `kpi-coach migrate` reads, or sign-in would silently stay off.
               "--secrets.files", json.dumps([str(path) for path in _secrets_files()])]
    if getattr(args, "port", None):
        command += ["--server.port", str(args.port)]
    environment = dict(os.environ)
    if getattr(args, "workspace", None):
        environment["KPI_COACH_WORKSPACE"] = str(args.workspace.expanduser().resolve())
    if getattr(args, "hosted", False):
        environment["KPI_COACH_HOSTED"] = "1"
    return subprocess.call(command, cwd=app_script().parent, env=environment)


def _secrets_files() -> tuple[Path, Path]:
    """Where the app's secrets are: ~/.streamlit/secrets.toml, then .streamlit/secrets.toml in this folder."""
    return Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"


def _secrets() -> dict:
    """The secrets the app reads (_secrets_files; the later one's top-level entries win, as in Streamlit)."""
    found: dict = {}
    for path in _secrets_files():
        if path.is_file():
            found.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return found


def _migrate(args) -> int:
    """Wait up to --wait seconds for the accounts' database to answer, then bring its schema up to date (what
    opening a workspace does): a container runs this before `kpi-coach app`, so the database may still be starting."""
    import sqlalchemy as sa

    from kpi_core.store.engines import database_url
    from kpi_core.store.workspace import Workspace

    lang = _env_lang()
    url = database_url(os.environ, _secrets())
    if url is None:
        raise UsageError(t("account.cli.no_url", lang))
    shown = sa.make_url(url).render_as_string(hide_password=True)
    deadline = time.monotonic() + args.wait
    while True:
        try:
            Workspace.open(url).close()
        except sa.exc.OperationalError as error:  # not answering yet (starting, unreachable, refusing us)
            if time.monotonic() >= deadline:
                reason = (str(error.orig or error).strip().splitlines() or [""])[0]
                print(t("account.cli.unreachable", lang, url=shown, reason=reason), file=sys.stderr)
                return 1
            time.sleep(1.0)
        else:
            print(t("account.cli.ready", lang, url=shown))
            return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `kpi-coach`; returns the exit status (0 ok, 1 problems found, 2 usage error)."""
    lang = _env_lang()
    parser = _parser(lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    handlers = {"check": _check, "report": _report, "template": _template, "app": _app, "migrate": _migrate,
                None: _app}
    try:
        return handlers[args.command](args)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
