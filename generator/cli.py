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
from pathlib import Path
from typing import Any

import click

from . import __version__, logs
from .errors import FileSystemError, KeputusanError
from .messages import CATALOGUE, LANGS, Message, error_text, language, say
from .render import VARIANTS

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

    @property  # type: ignore[override]
    def name(self) -> str:
        return _click_text(self._name)

    @name.setter
    def name(self, value: str) -> None:
        self._name = value


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
            help="Language of messages: id (Indonesian, default; or $KEPUTUSAN_LANG) or en.",
        ),
        click.Option(
            ["--verbose", "-v"],
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_remember,
            is_eager=True,
            help="Show technical detail: the log on stderr, what other programs said, a traceback on an internal error.",
        ),
        click.Option(
            ["--log-file"],
            type=PathType(dir_okay=False, path_type=Path),
            default=None,
            expose_value=False,
            callback=_remember,
            is_eager=True,
            help="Append the log (stages, conversions, LibreOffice restarts) to this file.",
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


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_say("cli.version", prog="keputusan", version=__version__))
        ctx.exit()


# --templates on every command that renders: an office's own Word templates, checked up front
templates_option = click.option(
    "--templates",
    type=PathType(file_okay=False, path_type=Path),
    default=None,
    help="Folder with the office's own keputusan.docx and lampiran.docx (default: the tool's own templates).",
)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_version, help="Show the version and exit."
)
def cli() -> None:
    """Produce KPU decrees (Keputusan) with their Lampiran as signing-ready PDF bundles."""


@cli.command()
@click.argument("case_dir", type=PathType(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=PathType(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write into; the case gets its own subfolder.",
)
@click.option(
    "--variant",
    type=click.Choice([*VARIANTS, "both"]),
    default="both",
    show_default=True,
    help="asli: the original for signing; salinan: the certified copy.",
)
@templates_option
def build(case_dir: Path, out_dir: Path, variant: str, templates: Path | None) -> None:
    """Build the decree of CASE_DIR into OUT/<case>/<case>-<variant>.pdf (with the DOCX files beside it).

    The case is validated first, exactly as `keputusan validate` does: bad data stops the build
    before anything is written."""
    from .pipeline import build as run_build

    _SHOW["case"] = str(case_dir)

    started = time.monotonic()
    variants = VARIANTS if variant == "both" else (variant,)
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


@cli.command()
@click.argument("case_dir", type=PathType(path_type=Path))
def validate(case_dir: Path) -> None:
    """Check CASE_DIR (keputusan.xlsx or keputusan.yaml) and report every problem at once.

    Each problem names its place (Rencana Aksi!D14, or the YAML file, key and line), what is
    wrong and how to fix it. Exit code 0: no problems; 2: problems found. Writes nothing."""
    from .load import load_case

    _SHOW["case"] = str(case_dir)
    case = load_case(case_dir)
    offices = _say("validate.offices", n=len(case.offices)) if case.offices else ""
    click.echo(
        _say(
            "validate.ok",
            case=case_dir,
            nomor=case.decree.nomor_lengkap,
            rows=case.plan.row_count,
            mengingat=len(case.mengingat),
            offices=offices,
        )
    )


@cli.command()
@click.argument("case_dir", type=PathType(path_type=Path))
@click.option(
    "--from",
    "source",
    type=PathType(path_type=Path),
    default=None,
    help="Fill the new case from this existing case (either form): next year starts from this year.",
)
def init(case_dir: Path, source: Path | None) -> None:
    """Start a new case CASE_DIR whose typed content is one workbook, CASE_DIR/keputusan.xlsx.

    Sheets: Keputusan, Mengingat, Rencana Aksi, Kantor, Petunjuk (how to fill it in). CASE_DIR
    must not exist yet (or be empty): nothing is ever overwritten."""
    from .cases import init_case

    _SHOW["case"] = str(source or case_dir)
    path = init_case(case_dir, source)
    click.echo(_say("init.done", path=path))


@cli.command("convert-case")
@click.argument("case_dir", type=PathType(path_type=Path))
@click.argument("new_dir", type=PathType(path_type=Path))
@click.option(
    "--to",
    "to",
    type=click.Choice(["workbook", "yaml"]),
    default=None,
    help="Form to write (default: the other form than CASE_DIR's).",
)
@click.option(
    "--library",
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help="YAML form: the shared dasar-hukum.yaml to refer to (default NEW_DIR/../dasar-hukum.yaml) "
    "when it holds every citation unchanged; otherwise the case gets its own.",
)
def convert_case(case_dir: Path, new_dir: Path, to: str | None, library: Path | None) -> None:
    """Write the case CASE_DIR into the new folder NEW_DIR in the other form, without loss:
    keputusan.yaml (+ rencana-aksi.xlsx, dasar-hukum.yaml) <-> keputusan.xlsx."""
    from .cases import convert_case as run

    _SHOW["case"] = str(case_dir)
    form = run(case_dir, new_dir, to, library)
    click.echo(_say("convert.done", folder=new_dir, form=_say(f"convert.form.{form}")))


@cli.command()
@click.argument("case_dir", type=PathType(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=PathType(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="The folder `build --out` wrote into (revisions are in OUT/<case>/).",
)
@click.option(
    "--from", "from_rev", default=None, help="Older revision (rev-001, 1, latest); default: the one before --to."
)
@click.option("--to", "to_rev", default=None, help="Newer revision; default: the newest.")
@click.option("--pdf", "pdf", is_flag=True, help="Also write the list as a one-page 'daftar perubahan' PDF.")
@click.option(
    "--pdf-file",
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the PDF (implies --pdf); default OUT/<case>/daftar-perubahan-<from>-<to>.pdf.",
)
@click.option("--force", is_flag=True, help="Replace an existing --pdf-file (never a link or a signed PDF).")
def diff(
    case_dir: Path,
    out_dir: Path,
    from_rev: str | None,
    to_rev: str | None,
    pdf: bool,
    pdf_file: Path | None,
    force: bool,
) -> None:
    """Say what changed between two revisions of a case: decree fields, Mengingat, plan rows
    added, removed, moved or reworded (with the words that changed), months moved.

    CASE_DIR is the case folder (its revisions are looked up in OUT/<case>/) or the case's
    output folder itself (the one holding rev-001, rev-002, ...)."""
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
        click.echo(write_pdf(comparison, target, _SHOW["lang"], replace=force or pdf_file is None))


def _error_text(exc: BaseException) -> str:
    """An error as this run shows it: in its language, with the technical detail on --verbose."""
    return error_text(exc, _SHOW["lang"], case=_SHOW["case"], technical=True if _SHOW["verbose"] else None)


PASSPHRASE_ENV = "KEPUTUSAN_P12_PASSPHRASE"


@cli.command()
@click.argument("bundle", type=PathType(dir_okay=False, path_type=Path))
@click.option(
    "--p12",
    "p12",
    required=True,
    type=PathType(dir_okay=False, path_type=Path),
    help="The signer's certificate and key (PKCS#12, .p12/.pfx).",
)
@click.option(
    "--field",
    "field_name",
    default=None,
    help="Signature field to sign (e.g. ttd_ketua); default: the bundle's only empty field.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=PathType(dir_okay=False, path_type=Path),
    help="Where to write the signed PDF (a new file; the bundle is left as it is).",
)
def sign(bundle: Path, p12: Path, field_name: str | None, out: Path) -> None:
    """Sign a field of BUNDLE as PAdES with a local certificate.

    The passphrase is read from the environment variable KEPUTUSAN_P12_PASSPHRASE, or asked for.
    """
    from . import signing

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = click.prompt(
            _say("sign.passphrase", p12=p12), hide_input=True, default="", show_default=False, err=True
        )
    result = signing.sign(bundle, p12, out, passphrase, field_name)
    click.echo(_say("sign.done", path=result.out, field=result.field))


@cli.command()
@click.argument("bundle", type=PathType(dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    "trust",
    multiple=True,
    type=PathType(dir_okay=False, path_type=Path),
    help="A root certificate (PEM or DER) to trust, e.g. BSrE's; repeatable. Without it, trust is not checked.",
)
def verify(bundle: Path, trust: tuple[Path, ...]) -> None:
    """List the signatures of BUNDLE with their status; exit 1 when one fails."""
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


@cli.command()
@click.argument("case_dir", type=PathType(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=PathType(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write into; each office gets its own subfolder <code>-<name>.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="LibreOffice processes converting at once  [default: the number of CPUs]",
)
@click.option(
    "--only",
    multiple=True,
    metavar="CODE",
    help="Build only the office with this code; repeat it, or separate codes by commas.",
)
@click.option("--force", is_flag=True, help="Rebuild every office, also those whose inputs did not change.")
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    default=120,
    show_default=True,
    help="Seconds one conversion may take; then its LibreOffice is restarted and the conversion retried.",
)
@click.option(
    "--recycle-after",
    type=click.IntRange(1),
    default=200,
    show_default=True,
    help="Conversions after which a LibreOffice process is replaced by a fresh one.",
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
    """Build asli and salinan for every office in CASE_DIR/kantor.yaml into OUT/<code>-<name>/.

    Offices whose data, templates and tool are unchanged since the last batch into OUT are not
    rebuilt. One office failing does not stop the others; the exit code is 1 when any failed.
    A summary is printed and OUT/batch-report.json written.
    """
    from .batch import BUILT, FAILED, UNCHANGED, raise_for_failures, run_batch

    _SHOW["case"] = str(case_dir)
    codes = [code.strip() for item in only for code in item.split(",") if code.strip()]
    status = {s: _say(f"batch.status.{s}") for s in (BUILT, UNCHANGED, FAILED)}
    bar = None

    def terminate(signum, frame):  # `kill`: stop as on Ctrl-C, so the report is written
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)

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
    show_default="$KEPUTUSAN_DATA or ./keputusan-data",
    help="The application's data folder: cases, outputs, uploads, job queue, SQLite database.",
)
_database_option = click.option(
    "--database-url",
    default=None,
    envvar="DATABASE_URL",
    help="Database, e.g. postgres://user:pass@host/db  [default: SQLite in the data folder; or $DATABASE_URL]",
)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True, help="Web server processes.")
@_data_option
@_database_option
def serve(host: str, port: int, workers: int, data: Path, database_url: str | None) -> None:
    """Run the web application for staff: the web server and the build worker (warm LibreOffice).

    Migrates the database first. Stops cleanly on Ctrl-C or SIGTERM."""
    from .web.server import serve as run

    def announce(said: Message) -> None:
        click.echo(f"keputusan: {said.render(_SHOW['lang'])}", err=True)

    code = run(host, port, data, workers=workers, database_url=database_url, announce=announce)
    if code:
        raise SystemExit(code)


@cli.group()
def user() -> None:
    """Accounts of the web application: add, passwd, unlock, list."""


def _web(data: Path, database_url: str | None) -> None:
    from .web.bootstrap import configure, migrate

    configure(data, database_url)
    migrate()


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt(_say("user.password"), hide_input=True, confirmation_prompt=True, err=True)


@user.command("add")
@click.argument("username")
@click.option("--office", default=None, metavar="KODE", help="The user's office: its region code (52, 5201).")
@click.option("--office-name", default=None, help="Name of the office, when it does not exist yet.")
@click.option(
    "--role",
    type=click.Choice(["staf", "provinsi"]),
    default="staf",
    show_default=True,
    help="provinsi: may also run the batch for the province's kabupaten/kota.",
)
@click.option("--admin", is_flag=True, help="An administrator: manages users and offices in /admin/.")
@click.option("--name", "full_name", default="", help="Full name, as shown on the pages.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@_data_option
@_database_option
def user_add(username, office, office_name, role, admin, full_name, password_stdin, data, database_url) -> None:
    """Create a user of the web application (the first administrator, or staff of an office)."""
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


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@_data_option
@_database_option
def user_passwd(username, password_stdin, data, database_url) -> None:
    """Set a new password for USERNAME."""
    from .web.accounts import set_password

    _web(data, database_url)
    set_password(username, _new_password(password_stdin))
    click.echo(_say("user.password_changed", name=username))


@user.command("unlock")
@click.argument("username")
@_data_option
@_database_option
def user_unlock(username, data, database_url) -> None:
    """Lift the lock-out of USERNAME after too many wrong passwords."""
    from .web.accounts import unlock

    _web(data, database_url)
    unlock(username)
    click.echo(_say("user.unlocked", name=username))


@user.command("list")
@_data_option
@_database_option
def user_list(data, database_url) -> None:
    """List the users with their office and role."""
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
    except Exception as exc:  # a bug, not bad input: one line for staff, the traceback on request
        _fail(_error_text(exc))
        if _SHOW["verbose"]:
            traceback.print_exc()
        return 1
    finally:
        logs.configure()  # the handlers of this run closed (main may run again in this process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
