"""The `keputusan` command. Commands stay thin: the library does the work.

Every error the library raises is typed (errors.py); `main` turns it into a message on
stderr and its exit code, so no user ever sees a traceback for bad input. Everything the
command says comes from the message catalogue (messages.py), in the language of `--lang` (or
$KEPUTUSAN_LANG; Indonesian by default), click's own usage errors and help headings included:
click asks for its texts through gettext, and `_click_speaks_our_language` answers from the
catalogue's `click.` section.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import click

from . import __version__, logs
from .errors import FileSystemError, KeputusanError
from .messages import CATALOGUE, LANGS, Message, error_text, language, say
from .model import STARTER_LAMPIRAN
from .render import VARIANTS, Variant

# How `main` shows errors and where the log goes: set by the options every command takes.
_SHOW: dict[str, Any] = {}


def _reset_show() -> None:
    _SHOW.update(lang=language(os.environ.get("KEPUTUSAN_LANG") or None), verbose=False, log_file=None, case="")


# English until `main` starts: what click words while this module is imported (the names of the
# path types) stays click's own text, said in the run's language when shown
_SHOW.update(lang="en", verbose=False, log_file=None, case="")


def _say(code: str, /, **params: Any) -> str:
    return say(code, _SHOW["lang"], **params)


# ---------------------------------------------------------------- click in the reader's language

# click's own text (the catalogue's "en" of a `click.` code) -> that code
_CLICK_TEXTS = {entry["en"]: code for code, entry in CATALOGUE.items() if code.startswith("click.")}


def _click_text(text: str) -> str:
    code = _CLICK_TEXTS.get(text)
    translated = CATALOGUE[code][_SHOW["lang"]] if code else text
    return translated if isinstance(translated, str) else text


def _click_plural(singular: str, plural: str, n: int) -> str:
    return _click_text(singular if n == 1 else plural)


def _click_speaks_our_language() -> None:
    """click says everything it says through `gettext` (imported into each of its modules as
    `_` and `ngettext`): pointed at the catalogue, its usage errors and help headings follow
    --lang. Texts the catalogue lacks stay as click wrote them."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = _click_text  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_plural  # type: ignore[attr-defined]


_click_speaks_our_language()


class PathType(click.Path):
    """click.Path whose name in messages ("directory 'x' is a file") follows --lang."""

    @property
    def name(self) -> str:
        return _click_text(self._name)

    @name.setter
    def name(self, value: str) -> None:
        self._name = value


def _help(code: str) -> str:
    """The help of a command or option as click is given it: the catalogue's English (`help.` codes);
    `Command.format_help` says it in the language of the run."""
    return str(CATALOGUE[f"help.{code}"]["en"])


_HELP_TEXTS = {entry["en"]: code for code, entry in CATALOGUE.items() if code.startswith("help.")}


@contextmanager
def _helps_said(commands: list[click.Command]):
    """The help texts of `commands` and their options in the language of the run, while click
    writes the help (they are click's attributes: set back afterwards)."""
    kept: list[tuple[Any, str | None]] = []
    for command in commands:
        parts: list[Any] = [command, *command.params]
        for part in parts:
            text = getattr(part, "help", None)
            code = _HELP_TEXTS.get(text) if isinstance(text, str) else None
            if code is not None:
                kept.append((part, text))
                part.help = str(CATALOGUE[code][_SHOW["lang"]])
    try:
        yield
    finally:
        for part, text in kept:
            part.help = text


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None and value is not False:
        _SHOW[param.name or ""] = value
    return value


def staff_options() -> list[click.Option]:
    """--lang, --verbose and --log-file, which every command takes: staff read Indonesian,
    developers and IT ask for detail and a log."""
    return [
        click.Option(
            ["--lang"],
            type=click.Choice(LANGS),
            default=None,
            expose_value=False,
            callback=_remember,
            is_eager=True,
            help=_help("lang"),
        ),
        click.Option(
            ["--verbose", "-v"],
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_remember,
            is_eager=True,
            help=_help("verbose"),
        ),
        click.Option(
            ["--log-file"],
            type=PathType(dir_okay=False, path_type=Path),
            default=None,
            expose_value=False,
            callback=_remember,
            is_eager=True,
            help=_help("log_file"),
        ),
    ]


class Command(click.Command):
    """A command with the staff options, whose usage line follows --lang, and which sets up the
    log (`logs.configure`) before it runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(staff_options())

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        if self.options_metavar and pieces and pieces[0] == self.options_metavar:
            pieces[0] = _say("click.options_metavar")
        return pieces

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _helps_said([self]):
            super().format_help(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        logs.configure(_SHOW["log_file"], _SHOW["verbose"])
        return super().invoke(ctx)


class Group(Command, click.Group):
    command_class = Command
    group_class = type

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        if pieces and pieces[-1] == self.subcommand_metavar:
            pieces[-1] = _say("click.subcommand_metavar")
        return pieces

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _helps_said([self.commands[name] for name in self.list_commands(ctx)]):
            super().format_commands(ctx, formatter)


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_say("cli.version", prog="keputusan", version=__version__))
        ctx.exit()


# --templates on every command that renders: an office's own Word templates, checked up front
templates_option = click.option(
    "--templates",
    type=PathType(file_okay=False, path_type=Path),
    default=None,
    help=_help("templates"),
)


def _interrupt_on_sigterm() -> None:
    """`kill` (SIGTERM) stops a command as Ctrl-C does: its work folders are removed and its
    LibreOffice processes stopped on the way out."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]}, help=_help("cli"))
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version, help=_help("version"))
def cli() -> None:
    """The group of every command; what --help says is the catalogue's help.* texts."""


@cli.command(help=_help("build"))
@click.argument("case_dir", metavar="KASUS", type=PathType(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=PathType(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help=_help("build.out"),
)
@click.option(
    "--variant",
    type=click.Choice([*VARIANTS, "both"]),
    default="both",
    show_default=True,
    help=_help("build.variant"),
)
@templates_option
def build(case_dir: Path, out_dir: Path, variant: str, templates: Path | None) -> None:
    from .pipeline import build as run_build

    _SHOW["case"] = str(case_dir)
    _interrupt_on_sigterm()

    started = time.monotonic()
    variants = VARIANTS if variant == "both" else (cast(Variant, variant),)
    result = run_build(case_dir, out_dir, variants, templates=templates)
    for name, path in result.bundles.items():
        click.echo(_say("build.bundle", path=path, pages=result.pages[name], rev=result.revision))
    key = "build.unchanged" if result.unchanged else "build.done"
    click.echo(
        _say(
            key,
            nomor=result.case.decree.nomor_lengkap,
            rev=result.revision,
            folder=result.revision_dir,
            seconds=f"{time.monotonic() - started:.1f}",
        ),
        err=True,
    )


@cli.command(help=_help("validate"))
@click.argument("case_dir", metavar="KASUS", type=PathType(path_type=Path))
def validate(case_dir: Path) -> None:
    from .load import load_case

    _SHOW["case"] = str(case_dir)
    case = load_case(case_dir)
    offices = _say("validate.offices", n=len(case.offices)) if case.offices else ""
    if case.decree.only_plan:  # as it always said of the one plan table
        said = _say(
            "validate.ok",
            case=case_dir,
            nomor=case.decree.nomor_lengkap,
            rows=case.plan.row_count,
            mengingat=len(case.mengingat),
            offices=offices,
        )
    else:
        said = _say(
            "validate.ok_lampiran",
            case=case_dir,
            nomor=case.decree.nomor_lengkap,
            lampiran=_lampiran_summary(case),
            mengingat=len(case.mengingat),
            offices=offices,
        )
    click.echo(said)


def _lampiran_summary(case) -> str:
    """'3 lampiran (30 baris tabel, 3 anggota, 8 bagian prosa)', or 'tanpa lampiran'."""
    if not case.lampiran:
        return _say("validate.no_lampiran")
    parts = []
    for spec, table in zip(case.lampiran, case.tables):
        if spec.jenis == "tabel":
            parts.append(_say("validate.part.rows", n=getattr(table, "row_count", 0)))
        elif spec.jenis == "anggota":
            parts.append(_say("validate.part.members", n=len(spec.anggota or ())))
        else:
            parts.append(_say("validate.part.prose", n=len(spec.isi or ())))
    return _say("validate.lampiran", n=len(parts), parts=", ".join(parts))


@cli.command(help=_help("init"))
@click.argument("case_dir", metavar="KASUS", type=PathType(path_type=Path))
@click.option(
    "--from",
    "source",
    type=PathType(path_type=Path),
    default=None,
    help=_help("init.from"),
)
@click.option(
    "--lampiran",
    "lampiran",
    multiple=True,
    type=click.Choice(STARTER_LAMPIRAN),
    help=_help("init.lampiran"),
)
def init(case_dir: Path, source: Path | None, lampiran: tuple[str, ...]) -> None:
    from .cases import init_case

    if source is not None and lampiran:
        raise click.UsageError(_say("init.lampiran_with_from"))
    _SHOW["case"] = str(source or case_dir)
    path = init_case(case_dir, source, lampiran=lampiran or None)
    click.echo(_say("init.done", path=path))


@cli.command("convert-case", help=_help("convert_case"))
@click.argument("case_dir", metavar="KASUS", type=PathType(path_type=Path))
@click.argument("new_dir", metavar="KASUS_BARU", type=PathType(path_type=Path))
@click.option(
    "--to",
    "to",
    type=click.Choice(["workbook", "yaml"]),
    default=None,
    help=_help("convert_case.to"),
)
@click.option(
    "--library",
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help=_help("convert_case.library"),
)
def convert_case(case_dir: Path, new_dir: Path, to: str | None, library: Path | None) -> None:
    from .cases import convert_case as run

    _SHOW["case"] = str(case_dir)
    form = run(case_dir, new_dir, to, library)
    click.echo(_say("convert.done", folder=new_dir, form=_say(f"convert.form.{form}")))


@cli.command(help=_help("diff"))
@click.argument("case_dir", metavar="KASUS", type=PathType(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=PathType(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help=_help("diff.out"),
)
@click.option("--from", "from_rev", default=None, metavar="REVISI", help=_help("diff.from"))
@click.option("--to", "to_rev", default=None, metavar="REVISI", help=_help("diff.to"))
@click.option("--pdf", "pdf", is_flag=True, help=_help("diff.pdf"))
@click.option(
    "--pdf-file",
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help=_help("diff.pdf_file"),
)
@click.option("--force", is_flag=True, help=_help("diff.force"))
def diff(
    case_dir: Path,
    out_dir: Path,
    from_rev: str | None,
    to_rev: str | None,
    pdf: bool,
    pdf_file: Path | None,
    force: bool,
) -> None:
    from .diff import compare_revisions, render_text, write_pdf
    from .errors import DataError
    from .messages import Place, problem
    from .revisions import list_revisions

    _SHOW["case"] = str(case_dir)
    case_out = case_dir if list_revisions(case_dir) else out_dir / case_dir.resolve().name
    if not list_revisions(case_out):
        raise DataError([problem("revision.no_builds", Place(str(case_out)), case=case_dir, out=out_dir)])
    comparison = compare_revisions(case_out, from_rev, to_rev)
    click.echo(render_text(comparison, _SHOW["lang"]))
    if pdf or pdf_file:
        target = pdf_file or case_out / f"daftar-perubahan-{comparison.old_rev}-{comparison.new_rev}.pdf"
        # the default name in the case's output folder is this command's own: made again freely
        written = write_pdf(comparison, target, _SHOW["lang"], replace=force or pdf_file is None)
        click.echo(_say("diff.pdf_done", path=written))


def _error_text(exc: BaseException) -> str:
    """An error as this run shows it: in its language, with the technical detail on --verbose."""
    return error_text(exc, _SHOW["lang"], case=_SHOW["case"], technical=True if _SHOW["verbose"] else None)


PASSPHRASE_ENV = "KEPUTUSAN_P12_PASSPHRASE"


def _secret(prompt: str, *, confirm: bool) -> str:
    """A passphrase typed at the terminal, not shown; from a pipe, its first line (getpass would
    warn in English that it cannot hide it). Nothing at all: aborted."""
    if sys.stdin is not None and sys.stdin.isatty():
        empty = None if confirm else ""  # a new password must be typed; a passphrase may be empty
        return click.prompt(
            prompt, hide_input=True, confirmation_prompt=confirm, default=empty, show_default=False, err=True
        )
    click.echo(f"{prompt}: ", err=True, nl=False)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        click.echo(err=True)
        raise click.exceptions.Abort
    return line.rstrip("\n")


@cli.command(help=_help("sign"))
@click.argument("bundle", metavar="BERKAS", type=PathType(dir_okay=False, path_type=Path))
@click.option(
    "--p12",
    "p12",
    required=True,
    type=PathType(dir_okay=False, path_type=Path),
    help=_help("sign.p12"),
)
@click.option(
    "--field",
    "field_name",
    default=None,
    metavar="KOLOM",
    help=_help("sign.field"),
)
@click.option(
    "--out",
    "out",
    required=True,
    type=PathType(dir_okay=False, path_type=Path),
    help=_help("sign.out"),
)
def sign(bundle: Path, p12: Path, field_name: str | None, out: Path) -> None:
    from . import signing

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = _secret(_say("sign.passphrase", p12=p12), confirm=False)
    result = signing.sign(bundle, p12, out, passphrase, field_name)
    click.echo(_say("sign.done", path=result.out, field=result.field))


@cli.command(help=_help("verify"))
@click.argument("bundle", metavar="BERKAS", type=PathType(dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    "trust",
    multiple=True,
    type=PathType(dir_okay=False, path_type=Path),
    help=_help("verify.trust"),
)
def verify(bundle: Path, trust: tuple[Path, ...]) -> None:
    from . import signing

    report = signing.verify(bundle, list(trust))
    lang = _SHOW["lang"]
    yes_no = {True: _say("verify.yes"), False: _say("verify.no")}
    for s in report.signatures:
        click.echo(_say("verify.ok" if s.ok else "verify.failed", field=s.field))
        click.echo(_say("verify.signer", signer=s.signer))
        if s.signed_at:
            click.echo(_say("verify.signed_at", when=s.signed_at))
        if s.reason:
            click.echo(_say("verify.reason", reason=s.reason))
        if s.location:
            click.echo(_say("verify.location", location=s.location))
        trusted = yes_no[s.trusted] if report.trust_given else _say("verify.trust_not_checked")
        click.echo(
            _say(
                "verify.checks",
                intact=yes_no[s.intact],
                valid=yes_no[s.valid],
                trusted=trusted,
                coverage=s.coverage.render(lang),
            )
        )
        for problem in s.problems:
            click.echo(_say("verify.problem", problem=problem.render(lang)))
    for name in report.empty_fields:
        click.echo(_say("verify.not_signed", field=name))
    signing.check(report)


@cli.command(help=_help("batch"))
@click.argument("case_dir", metavar="KASUS", type=PathType(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=PathType(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help=_help("batch.out"),
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    metavar="N",
    default=None,
    help=_help("batch.jobs"),
)
@click.option(
    "--only",
    multiple=True,
    metavar="KODE",
    help=_help("batch.only"),
)
@click.option("--force", is_flag=True, help=_help("batch.force"))
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    metavar="DETIK",
    default=120,
    show_default=True,
    help=_help("batch.timeout"),
)
@click.option(
    "--recycle-after",
    type=click.IntRange(1),
    metavar="N",
    default=200,
    show_default=True,
    help=_help("batch.recycle_after"),
)
@templates_option
def batch(
    case_dir: Path,
    out_dir: Path,
    jobs: int | None,
    only: tuple[str, ...],
    force: bool,
    timeout: float,
    recycle_after: int,
    templates: Path | None,
) -> None:
    from .batch import BUILT, FAILED, UNCHANGED, raise_for_failures, run_batch

    _SHOW["case"] = str(case_dir)
    codes = [code.strip() for item in only for code in item.split(",") if code.strip()]
    status = {s: _say(f"batch.status.{s}") for s in (BUILT, UNCHANGED, FAILED)}
    bar = None

    _interrupt_on_sigterm()  # so the report is written

    def progress(done: int, total: int, result) -> None:
        nonlocal bar
        if not sys.stderr.isatty():  # no bar in logs and pipes: the summary says it all
            return
        if bar is None:
            bar = click.progressbar(
                length=total,
                label=_say("batch.progress"),
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda r: r and f"{r.kode} {status[r.status]}",
            )
            bar.__enter__()
        if result is not None:
            bar.update(1, current_item=result)

    try:
        result = run_batch(
            case_dir,
            out_dir,
            jobs=jobs,
            only=codes,
            force=force,
            progress=progress,
            timeout=timeout,
            recycle_after=recycle_after,
            templates=templates,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    width = max([len(r.kantor) for r in result.offices] + [6])
    code_h, office_h, pages_h, status_h, seconds_h = _say("batch.columns").split("|")
    click.echo(f"{code_h:<6} {office_h:<{width}} {pages_h:>7}  {status_h:<9} {seconds_h:>7}")
    for r in result.offices:
        pages = "/".join(str(r.pages[v]) for v in VARIANTS if v in r.pages) or "-"
        seconds = f"{r.seconds:.1f}" if r.status != UNCHANGED else "-"
        click.echo(f"{r.kode:<6} {r.kantor:<{width}} {pages:>7}  {status[r.status]:<9} {seconds:>7}")
    for r in result.failed:
        reason = _error_text(r.exception) if r.exception is not None else r.error
        click.echo(f"keputusan: {_say('batch.failed_office', kode=r.kode, kantor=r.kantor, reason=reason)}", err=True)
    processes = (result.converter or {}).get("processes")
    used = _say("batch.used", n=processes, es="es" if processes != 1 else "") if processes else ""
    click.echo(
        _say(
            "batch.summary",
            n=len(result.offices),
            built=result.count(BUILT),
            unchanged=result.count(UNCHANGED),
            failed=result.count(FAILED),
            seconds=f"{result.seconds:.1f}",
            used=used,
            report=result.report,
        ),
        err=True,
    )
    raise_for_failures(result)


# ---------------------------------------------------------------- the web application

_data_option = click.option(
    "--data",
    "data",
    type=PathType(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("KEPUTUSAN_DATA", "keputusan-data"),
    help=_help("data"),
)
_database_option = click.option(
    "--database-url",
    default=None,
    metavar="URL",
    envvar="DATABASE_URL",
    help=_help("database_url"),
)


@cli.command(help=_help("serve"))
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ALAMAT", help=_help("serve.host"))
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, metavar="N", help=_help("serve.port")
)
@click.option(
    "--workers", type=click.IntRange(1, 32), default=2, show_default=True, metavar="N", help=_help("serve.workers")
)
@_data_option
@_database_option
def serve(host: str, port: int, workers: int, data: Path, database_url: str | None) -> None:
    from .web.server import serve as run

    def announce(said: Message) -> None:
        click.echo(f"keputusan: {said.render(_SHOW['lang'])}", err=True)

    code = run(host, port, data, workers=workers, database_url=database_url, announce=announce)
    if code:
        raise SystemExit(code)


@cli.group(help=_help("user"))
def user() -> None:
    """The accounts of the web application."""


def _web(data: Path, database_url: str | None) -> None:
    from .web.bootstrap import configure, migrate

    configure(data, database_url)
    migrate()


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return _secret(_say("user.password"), confirm=True)


@user.command("add", help=_help("user.add"))
@click.argument("username", metavar="NAMA_PENGGUNA")
@click.option("--office", default=None, metavar="KODE", help=_help("user.office"))
@click.option("--office-name", default=None, metavar="NAMA", help=_help("user.office_name"))
@click.option(
    "--role",
    type=click.Choice(["staf", "provinsi"]),
    default="staf",
    show_default=True,
    help=_help("user.role"),
)
@click.option("--admin", is_flag=True, help=_help("user.admin"))
@click.option("--name", "full_name", default="", metavar="NAMA", help=_help("user.name"))
@click.option("--password-stdin", is_flag=True, help=_help("user.password_stdin"))
@_data_option
@_database_option
def user_add(username, office, office_name, role, admin, full_name, password_stdin, data, database_url) -> None:
    from .web.accounts import add_user

    _web(data, database_url)
    add_user(
        username,
        _new_password(password_stdin),
        office=office,
        office_name=office_name,
        role=role,
        admin=admin,
        full_name=full_name,
    )
    click.echo(_say("user.created", name=username))


@user.command("passwd", help=_help("user.passwd"))
@click.argument("username", metavar="NAMA_PENGGUNA")
@click.option("--password-stdin", is_flag=True, help=_help("user.password_stdin"))
@_data_option
@_database_option
def user_passwd(username, password_stdin, data, database_url) -> None:
    from .web.accounts import set_password

    _web(data, database_url)
    set_password(username, _new_password(password_stdin))
    click.echo(_say("user.password_changed", name=username))


@user.command("unlock", help=_help("user.unlock"))
@click.argument("username", metavar="NAMA_PENGGUNA")
@_data_option
@_database_option
def user_unlock(username, data, database_url) -> None:
    from .web.accounts import unlock

    _web(data, database_url)
    unlock(username)
    click.echo(_say("user.unlocked", name=username))


@user.command("list", help=_help("user.list"))
@_data_option
@_database_option
def user_list(data, database_url) -> None:
    from .web.accounts import list_users

    _web(data, database_url)
    for row in list_users():
        flags = ", ".join(
            _say(f"user.flag.{f}")
            for f, on in (("admin", row.admin), ("inactive", not row.active), ("locked", row.locked))
            if on
        )
        click.echo(
            _say(
                "user.row",
                name=f"{row.username:<20}",
                office=f"{row.office or '-':<5}",
                role=f"{row.role or '-':<9}",
                flags=flags,
            ).rstrip()
        )


def _lang_asked(argv: list[str]) -> str | None:
    """--lang as given on the command line, read before click parses it: a usage error found
    while parsing (an unknown option) is said in that language too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _fail(text: str) -> None:
    click.echo(f"keputusan: {text}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command; every error becomes its message on stderr and its exit code (errors.py)."""
    _reset_show()
    args = list(sys.argv[1:] if argv is None else argv)
    asked = _lang_asked(args)
    if asked in LANGS:
        _SHOW["lang"] = asked
    try:
        cli.main(args=args, prog_name="keputusan", standalone_mode=False)
    except KeputusanError as exc:
        _fail(_error_text(exc))
        if _SHOW["verbose"]:
            click.echo(
                _say("cli.error_kind", kind=f"{type(exc).__module__}.{type(exc).__name__}", code=exc.exit_code),
                err=True,
            )
        return exc.exit_code
    except click.exceptions.Abort as exc:  # Ctrl-C (click turns it into Abort), or a prompt given up
        _fail(_say("cli.interrupted" if isinstance(exc.__cause__, KeyboardInterrupt) else "cli.aborted"))
        return 130
    except click.ClickException as exc:  # a usage error: click's own words, from the catalogue
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        _fail(_say("cli.interrupted"))
        return 130
    except OSError as exc:  # the machine refused (read-only, disk full...): said as such, not as a bug
        fs_error = FileSystemError.from_os_error(exc)
        _fail(_error_text(fs_error))
        if _SHOW["verbose"]:
            traceback.print_exc()
        return fs_error.exit_code
    except Exception as exc:  # noqa: BLE001 - a bug, not bad input: one line for staff, the traceback on request
        _fail(_error_text(exc))
        if _SHOW["verbose"]:
            traceback.print_exc()
        return 1
    finally:
        logs.configure()  # the handlers of this run closed (main may run again in this process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
