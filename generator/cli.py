"""The `keputusan` command. Commands stay thin: the library does the work.

Every error the library raises is typed (errors.py); `main` turns it into a message on
stderr and its exit code, so no user ever sees a traceback for bad input.
"""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import KeputusanError
from .render import VARIANTS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="keputusan")
def cli() -> None:
    """Produce KPU decrees (Keputusan) with their Lampiran as signing-ready PDF bundles."""


@cli.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder to write into; the case gets its own subfolder.")
@click.option("--variant", type=click.Choice([*VARIANTS, "both"]), default="both", show_default=True,
              help="asli: the original for signing; salinan: the certified copy.")
def build(case_dir: Path, out_dir: Path, variant: str) -> None:
    """Build the decree of CASE_DIR into OUT/<case>/<case>-<variant>.pdf (with the DOCX files beside it)."""
    from .pipeline import build as run_build

    started = time.monotonic()
    variants = VARIANTS if variant == "both" else (variant,)
    result = run_build(case_dir, out_dir, variants)
    for name, path in result.bundles.items():
        click.echo(f"{path}  ({result.pages[name]} pages)")
    click.echo(f"built {result.case.decree.nomor_lengkap} in {time.monotonic() - started:.1f} s", err=True)


@cli.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder to write into; each office gets its own subfolder <code>-<name>.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="LibreOffice processes converting at once  [default: the number of CPUs]")
@click.option("--only", multiple=True, metavar="CODE",
              help="Build only the office with this code; repeat it, or separate codes by commas.")
@click.option("--force", is_flag=True, help="Rebuild every office, also those whose inputs did not change.")
@click.option("--timeout", type=click.FloatRange(1), default=120, show_default=True,
              help="Seconds one conversion may take; then its LibreOffice is restarted and the conversion retried.")
@click.option("--recycle-after", type=click.IntRange(1), default=200, show_default=True,
              help="Conversions after which a LibreOffice process is replaced by a fresh one.")
def batch(case_dir: Path, out_dir: Path, jobs: int | None, only: tuple[str, ...], force: bool,
          timeout: float, recycle_after: int) -> None:
    """Build asli and salinan for every office in CASE_DIR/kantor.yaml into OUT/<code>-<name>/.

    Offices whose data, templates and tool are unchanged since the last batch into OUT are not
    rebuilt. One office failing does not stop the others; the exit code is 1 when any failed.
    A summary is printed and OUT/batch-report.json written.
    """
    from .batch import BUILT, FAILED, raise_for_failures, run_batch

    codes = [code.strip() for item in only for code in item.split(",") if code.strip()]
    bar = None

    def terminate(signum, frame):  # `kill`: stop as on Ctrl-C, so the report is written
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, terminate)

    def progress(done: int, total: int, result) -> None:
        nonlocal bar
        if not sys.stderr.isatty():  # no bar in logs and pipes: the summary says it all
            return
        if bar is None:
            bar = click.progressbar(length=total, label="offices", file=sys.stderr, show_pos=True,
                                    item_show_func=lambda r: r and f"{r.kode} {r.status}")
            bar.__enter__()
        if result is not None:
            bar.update(1, current_item=result)

    try:
        result = run_batch(case_dir, out_dir, jobs=jobs, only=codes, force=force, progress=progress,
                           timeout=timeout, recycle_after=recycle_after)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    width = max([len(r.kantor) for r in result.offices] + [6])
    click.echo(f"{'code':<6} {'office':<{width}} {'pages':>7}  {'status':<9} {'seconds':>7}")
    for r in result.offices:
        pages = "/".join(str(r.pages[v]) for v in VARIANTS if v in r.pages) or "-"
        seconds = f"{r.seconds:.1f}" if r.status != "unchanged" else "-"
        click.echo(f"{r.kode:<6} {r.kantor:<{width}} {pages:>7}  {r.status:<9} {seconds:>7}")
    for r in result.failed:
        click.echo(f"keputusan: {r.kode} {r.kantor}: {r.error}", err=True)
    processes = (result.converter or {}).get("processes")
    used = f" with {processes} LibreOffice process{'es' if processes != 1 else ''}" if processes else ""
    click.echo(f"{len(result.offices)} offices: {result.count(BUILT)} built, {result.count('unchanged')} unchanged, "
               f"{result.count(FAILED)} failed in {result.seconds:.1f} s{used}; report: {result.report}", err=True)
    raise_for_failures(result)


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="keputusan", standalone_mode=False)
    except KeputusanError as exc:
        click.echo(f"keputusan: {exc}", err=True)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
