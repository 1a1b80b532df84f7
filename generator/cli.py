"""The `keputusan` command. Commands stay thin: the library does the work.

Every error the library raises is typed (errors.py); `main` turns it into a message on
stderr and its exit code, so no user ever sees a traceback for bad input.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import (
    ConversionError,
    DataError,
    FileSystemError,
    KeputusanError,
    LayoutError,
    OutputError,
    TemplateError,
)
from .render import VARIANTS

# How `main` shows errors: set by the options every command takes (--lang, --verbose).
_SHOW: dict = {}


def _reset_show() -> None:
    env_lang = os.environ.get("KEPUTUSAN_LANG", "")
    _SHOW.update(lang=env_lang if env_lang in ("id", "en") else "id", verbose=False, case="")


_reset_show()


def staff_options(command):
    """--lang and --verbose, for every command: staff read Indonesian, developers ask for detail."""

    def remember(ctx, param, value):
        if value is not None:
            _SHOW[param.name] = value
        return value

    command = click.option(
        "--verbose",
        "-v",
        is_flag=True,
        default=False,
        expose_value=False,
        callback=remember,
        is_eager=True,
        help="Show technical detail (and a traceback on an internal error).",
    )(command)
    command = click.option(
        "--lang",
        type=click.Choice(["id", "en"]),
        default=None,
        expose_value=False,
        callback=remember,
        is_eager=True,
        help="Language of messages: id (Indonesian, default; or $KEPUTUSAN_LANG) or en.",
    )(command)
    return command


# --templates on every command that renders: an office's own Word templates, checked up front
templates_option = click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with the office's own keputusan.docx and lampiran.docx (default: the tool's own templates).",
)


def _interrupt_on_sigterm() -> None:
    """`kill` (SIGTERM) stops a command as Ctrl-C does: its work folders are removed and its
    LibreOffice processes stopped on the way out."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="keputusan")
def cli() -> None:
    """Produce KPU decrees (Keputusan) with their Lampiran as signing-ready PDF bundles."""


@cli.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
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
@staff_options
def build(case_dir: Path, out_dir: Path, variant: str, templates: Path | None) -> None:
    """Build the decree of CASE_DIR into OUT/<case>/<case>-<variant>.pdf (with the DOCX files beside it).

    The case is validated first, exactly as `keputusan validate` does: bad data stops the build
    before anything is written."""
    from .pipeline import build as run_build

    _SHOW["case"] = str(case_dir)
    _interrupt_on_sigterm()

    started = time.monotonic()
    variants = VARIANTS if variant == "both" else (variant,)
    result = run_build(case_dir, out_dir, variants, templates=templates)
    for name, path in result.bundles.items():
        click.echo(f"{path}  ({result.pages[name]} pages, {result.revision})")
    from .messages import say

    key = "build.unchanged" if result.unchanged else "build.done"
    click.echo(
        say(
            key,
            _SHOW["lang"],
            nomor=result.case.decree.nomor_lengkap,
            rev=result.revision,
            folder=result.revision_dir,
            seconds=f"{time.monotonic() - started:.1f}",
        ),
        err=True,
    )


@cli.command()
@click.argument("case_dir", type=click.Path(path_type=Path))
@staff_options
def validate(case_dir: Path) -> None:
    """Check CASE_DIR (keputusan.xlsx or keputusan.yaml) and report every problem at once.

    Each problem names its place (Rencana Aksi!D14, or the YAML file, key and line), what is
    wrong and how to fix it. Exit code 0: no problems; 2: problems found. Writes nothing."""
    from .load import load_case
    from .messages import say

    _SHOW["case"] = str(case_dir)
    case = load_case(case_dir)
    offices = say("validate.offices", _SHOW["lang"], n=len(case.offices)) if case.offices else ""
    click.echo(
        say(
            "validate.ok",
            _SHOW["lang"],
            case=case_dir,
            nomor=case.decree.nomor_lengkap,
            rows=case.plan.row_count,
            mengingat=len(case.mengingat),
            offices=offices,
        )
    )


@cli.command()
@click.argument("case_dir", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    default=None,
    help="Fill the new case from this existing case (either form): next year starts from this year.",
)
@staff_options
def init(case_dir: Path, source: Path | None) -> None:
    """Start a new case CASE_DIR whose typed content is one workbook, CASE_DIR/keputusan.xlsx.

    Sheets: Keputusan, Mengingat, Rencana Aksi, Kantor, Petunjuk (how to fill it in). CASE_DIR
    must not exist yet (or be empty): nothing is ever overwritten."""
    from .cases import init_case

    _SHOW["case"] = str(source or case_dir)
    path = init_case(case_dir, source)
    click.echo(path)


@cli.command("convert-case")
@click.argument("case_dir", type=click.Path(path_type=Path))
@click.argument("new_dir", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "to",
    type=click.Choice(["workbook", "yaml"]),
    default=None,
    help="Form to write (default: the other form than CASE_DIR's).",
)
@click.option(
    "--library",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML form: the shared dasar-hukum.yaml to refer to (default NEW_DIR/../dasar-hukum.yaml) "
    "when it holds every citation unchanged; otherwise the case gets its own.",
)
@staff_options
def convert_case(case_dir: Path, new_dir: Path, to: str | None, library: Path | None) -> None:
    """Write the case CASE_DIR into the new folder NEW_DIR in the other form, without loss:
    keputusan.yaml (+ rencana-aksi.xlsx, dasar-hukum.yaml) <-> keputusan.xlsx."""
    from .cases import convert_case as run

    _SHOW["case"] = str(case_dir)
    form = run(case_dir, new_dir, to, library)
    click.echo(f"{new_dir}  ({form})")


@cli.command()
@click.argument("case_dir", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
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
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the PDF (implies --pdf); default OUT/<case>/daftar-perubahan-<from>-<to>.pdf.",
)
@click.option("--force", is_flag=True, help="Replace an existing --pdf-file (never a link or a signed PDF).")
@staff_options
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


def _error_text(exc: KeputusanError, lang: str) -> str:
    from .messages import render_problems, say

    if isinstance(exc, DataError):
        return render_problems(exc.problems, lang, _SHOW["case"])
    if isinstance(exc, FileSystemError):
        return say(f"error.fs.{exc.reason}", lang, path=exc.path, detail=exc.detail)
    kind = (
        "error.output"
        if isinstance(exc, OutputError)
        else "error.conversion"
        if isinstance(exc, ConversionError)
        else "error.layout"
        if isinstance(exc, LayoutError)
        else "error.template"
        if isinstance(exc, TemplateError)
        else "error.other"
    )
    return say(kind, lang, detail=exc)


PASSPHRASE_ENV = "KEPUTUSAN_P12_PASSPHRASE"


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--p12",
    "p12",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
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
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the signed PDF (a new file; the bundle is left as it is).",
)
def sign(bundle: Path, p12: Path, field_name: str | None, out: Path) -> None:
    """Sign a field of BUNDLE as PAdES with a local certificate.

    The passphrase is read from the environment variable KEPUTUSAN_P12_PASSPHRASE, or asked for.
    """
    from . import signing

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = click.prompt(f"Passphrase for {p12}", hide_input=True, default="", show_default=False, err=True)
    result = signing.sign(bundle, p12, out, passphrase, field_name)
    click.echo(f"{result.out}  (signed field {result.field})")


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    "trust",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A root certificate (PEM or DER) to trust, e.g. BSrE's; repeatable. Without it, trust is not checked.",
)
def verify(bundle: Path, trust: tuple[Path, ...]) -> None:
    """List the signatures of BUNDLE with their status; exit 1 when one fails."""
    from . import signing

    report = signing.verify(bundle, list(trust))
    for s in report.signatures:
        click.echo(f"{s.field}: {'OK' if s.ok else 'FAILED'}")
        click.echo(f"  signer:   {s.signer}")
        if s.signed_at:
            click.echo(f"  signed:   {s.signed_at}")
        if s.reason:
            click.echo(f"  reason:   {s.reason}")
        if s.location:
            click.echo(f"  location: {s.location}")
        trusted = ("yes" if s.trusted else "no") if report.trust_given else "not checked (give --trust ROOT)"
        click.echo(
            f"  intact: {'yes' if s.intact else 'no'}, valid: {'yes' if s.valid else 'no'}, "
            f"trusted: {trusted}, coverage: {s.coverage}"
        )
        for problem in s.problems:
            click.echo(f"  problem:  {problem}")
    for name in report.empty_fields:
        click.echo(f"{name}: not signed yet")
    signing.check(report)


@cli.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
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
@staff_options
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
    from .batch import BUILT, FAILED, UNCHANGED, run_batch
    from .errors import BatchIncomplete
    from .messages import say

    lang = _SHOW["lang"]
    _SHOW["case"] = str(case_dir)
    codes = [code.strip() for item in only for code in item.split(",") if code.strip()]
    status = {s: say(f"batch.status.{s}", lang) for s in (BUILT, UNCHANGED, FAILED)}
    bar = None

    _interrupt_on_sigterm()  # so the report is written

    def progress(done: int, total: int, result) -> None:
        nonlocal bar
        if not sys.stderr.isatty():  # no bar in logs and pipes: the summary says it all
            return
        if bar is None:
            bar = click.progressbar(
                length=total,
                label=say("batch.progress", lang),
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
    code_h, office_h, pages_h, status_h, seconds_h = say("batch.columns", lang).split("|")
    click.echo(f"{code_h:<6} {office_h:<{width}} {pages_h:>7}  {status_h:<9} {seconds_h:>7}")
    for r in result.offices:
        pages = "/".join(str(r.pages[v]) for v in VARIANTS if v in r.pages) or "-"
        seconds = f"{r.seconds:.1f}" if r.status != UNCHANGED else "-"
        click.echo(f"{r.kode:<6} {r.kantor:<{width}} {pages:>7}  {status[r.status]:<9} {seconds:>7}")
    for r in result.failed:
        reason = _error_text(r.exception, lang) if r.exception is not None else r.error
        click.echo(f"keputusan: {r.kode} {r.kantor}: {reason}", err=True)
    processes = (result.converter or {}).get("processes")
    used = say("batch.used", lang, n=processes, es="es" if processes != 1 else "") if processes else ""
    click.echo(
        say(
            "batch.summary",
            lang,
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
    if result.failed:
        raise BatchIncomplete(
            say(
                "batch.incomplete",
                lang,
                failed=len(result.failed),
                n=len(result.offices),
                codes=", ".join(r.kode for r in result.failed),
                report=result.report,
            )
        )


# ---------------------------------------------------------------- the web application

_data_option = click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
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

    code = run(host, port, data, workers=workers, database_url=database_url, announce=lambda m: click.echo(m, err=True))
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
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


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
    click.echo(f"user {username} created")


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
    click.echo(f"password of {username} changed")


@user.command("unlock")
@click.argument("username")
@_data_option
@_database_option
def user_unlock(username, data, database_url) -> None:
    """Lift the lock-out of USERNAME after too many wrong passwords."""
    from .web.accounts import unlock

    _web(data, database_url)
    unlock(username)
    click.echo(f"{username} unlocked")


@user.command("list")
@_data_option
@_database_option
def user_list(data, database_url) -> None:
    """List the users with their office and role."""
    from .web.accounts import list_users

    _web(data, database_url)
    for row in list_users():
        flags = ", ".join(
            f for f, on in (("admin", row.admin), ("inactive", not row.active), ("LOCKED", row.locked)) if on
        )
        click.echo(f"{row.username:<20} {row.office or '-':<5} {row.role or '-':<9} {flags}")


def main(argv: list[str] | None = None) -> int:
    _reset_show()
    try:
        cli.main(args=argv, prog_name="keputusan", standalone_mode=False)
    except KeputusanError as exc:
        click.echo(f"keputusan: {_error_text(exc, _SHOW['lang'])}", err=True)
        if _SHOW["verbose"]:
            click.echo(f"[{type(exc).__module__}.{type(exc).__name__}, exit {exc.exit_code}]", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("keputusan: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("keputusan: interrupted", err=True)
        return 130
    except OSError as exc:  # the machine refused (read-only, disk full...): said as such, not as a bug
        fs_error = FileSystemError.from_os_error(exc)
        click.echo(f"keputusan: {_error_text(fs_error, _SHOW['lang'])}", err=True)
        if _SHOW["verbose"]:
            traceback.print_exc()
        return fs_error.exit_code
    except Exception as exc:  # a bug, not bad input: one line for staff, the traceback on request
        from .messages import say

        click.echo(f"keputusan: {say('error.internal', _SHOW['lang'], kind=type(exc).__name__, detail=exc)}", err=True)
        if _SHOW["verbose"]:
            traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
