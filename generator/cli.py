"""The `keputusan` command. Commands stay thin: the library does the work.

Every error the library raises is typed (errors.py); `main` turns it into a message on
stderr and its exit code, so no user ever sees a traceback for bad input.
"""
from __future__ import annotations

import os
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


PASSPHRASE_ENV = "KEPUTUSAN_P12_PASSPHRASE"


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--p12", "p12", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The signer's certificate and key (PKCS#12, .p12/.pfx).")
@click.option("--field", "field_name", default=None,
              help="Signature field to sign (e.g. ttd_ketua); default: the bundle's only empty field.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the signed PDF (a new file; the bundle is left as it is).")
def sign(bundle: Path, p12: Path, field_name: str | None, out: Path) -> None:
    """Sign a field of BUNDLE as PAdES with a local certificate.

    The passphrase is read from the environment variable KEPUTUSAN_P12_PASSPHRASE, or asked for.
    """
    from . import signing

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = click.prompt(f"Passphrase for {p12}", hide_input=True, default="", show_default=False,
                                  err=True)
    result = signing.sign(bundle, p12, out, passphrase, field_name)
    click.echo(f"{result.out}  (signed field {result.field})")


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trust", "trust", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A root certificate (PEM or DER) to trust, e.g. BSrE's; repeatable. Without it, trust is not checked.")
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
        click.echo(f"  intact: {'yes' if s.intact else 'no'}, valid: {'yes' if s.valid else 'no'}, "
                   f"trusted: {trusted}, coverage: {s.coverage}")
        for problem in s.problems:
            click.echo(f"  problem:  {problem}")
    for name in report.empty_fields:
        click.echo(f"{name}: not signed yet")
    signing.check(report)


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
