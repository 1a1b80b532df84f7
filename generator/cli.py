"""The `keputusan` command. Commands stay thin: the library does the work.

Every error the library raises is typed (errors.py); `main` turns it into a message on
stderr and its exit code, so no user ever sees a traceback for bad input.
"""
from __future__ import annotations

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
