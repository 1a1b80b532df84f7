"""Sign a bundle's signature field with a local certificate (PAdES), verify signed bundles.

`sign` fills one empty field of a bundle built by `keputusan build` with a PAdES signature
(ETSI.CAdES.detached) made with a PKCS#12 file, as an incremental update written to a new
file: the bundle's bytes stay unchanged at the start of the signed file. Reason and location
come from the decree (the bundle's signing.json). The visible box reads "Ditandatangani secara
elektronik oleh:" with the certificate holder's name, in an embedded font (PDF/A keeps every
font embedded).

`verify` lists every signature with its status: intact (the signed bytes are unchanged),
valid (the cryptographic signature checks out), trusted (the certificate chains to one of the
`--trust` root certificates; without them nothing is trusted and trust is not required), and
coverage (the whole file, or the whole revision with only further signatures after it).
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import atomic
from .errors import OutputError, SignatureInvalid, SigningError
from .messages import CATALOGUE, Message, message

STAMP_TEXT = "Ditandatangani secara elektronik oleh:\n%(signer)s\n%(ts)s"
STAMP_FONT = "Liberation Serif"  # fonts-liberation2 (TrueType)
SIGNING_JSON_SUFFIX = ".signing.json"
log = logging.getLogger(__name__)


# pyHanko logs a traceback when a certificate chains to no trusted root, and fontTools notes
# which tables it drops when subsetting: detail for developers, not messages for the user.
for _name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


# ---------------------------------------------------------------- reading a bundle


def _open_pdf(path: Path):
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningError("signing.not_found", path=path) from None
    except OSError as exc:
        raise SigningError("signing.unreadable", path=path, detail=exc.strerror or str(exc)) from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise SigningError("signing.not_pdf", path=path)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        reader.root  # noqa: B018 - parse the catalog now, so a broken file fails here
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise SigningError("signing.broken_pdf", path=path, detail=str(exc)) from None
    if reader.encrypted:
        raise SigningError("signing.encrypted", path=path)
    return reader, data


def signature_fields(path: Path) -> list[tuple[str, bool]]:
    """(field name, signed?) for every signature field of the PDF at `path`."""
    from pyhanko.sign.fields import enumerate_sig_fields

    reader, _ = _open_pdf(path)
    return [(name, value is not None) for name, value, _ in enumerate_sig_fields(reader)]


def is_signed(path: Path) -> bool:
    """Whether the file at `path` is a PDF carrying a digital signature (False for anything else)."""
    try:
        with path.open("rb") as fh:
            if fh.read(5) != b"%PDF-":
                return False
        return any(signed for _, signed in signature_fields(path))
    except SigningError:
        return False
    except Exception:  # noqa: BLE001 - a damaged PDF: fall back to the signature dictionary's mark
        return b"/ByteRange" in path.read_bytes()


def field_info(bundle: Path, field_name: str) -> dict:
    """The field's entry in the bundle's signing.json, if the file is there."""
    stem = bundle.name.removesuffix(".pdf")
    for candidate in (bundle.with_name(stem + SIGNING_JSON_SUFFIX),):
        try:
            doc = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for entry in doc.get("fields", []):
            if entry.get("name") == field_name:
                return entry
    return {}


# ---------------------------------------------------------------- signing


def _load_signer(p12: Path, passphrase: str | None):
    from pyhanko.sign import signers

    if not p12.is_file():
        raise SigningError("signing.no_p12", path=p12)
    try:
        signer = signers.SimpleSigner.load_pkcs12(
            pfx_file=str(p12), passphrase=passphrase.encode() if passphrase else None
        )
    except Exception as exc:  # noqa: BLE001 - pyHanko wraps cryptography's errors in several types
        signer = None
        detail = str(exc)
    else:
        detail = ""
    if signer is None:
        raise SigningError("signing.bad_p12", path=p12, detail=detail)
    return signer


def stamp_font() -> Path:
    """A TrueType font file for the visible signature text (embedded in the PDF, as PDF/A wants)."""
    exe = shutil.which("fc-match")
    if exe:
        proc = subprocess.run([exe, "-f", "%{file}", STAMP_FONT], capture_output=True, text=True, check=False)
        path = Path(proc.stdout.strip())
        if proc.returncode == 0 and path.suffix.lower() == ".ttf" and path.is_file():
            return path
    fallback = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
    if fallback.is_file():
        return fallback
    raise SigningError("signing.no_font", font=STAMP_FONT)


def _stamp_style(work: Path):
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # pyHanko 0.38 writes a TrueType font's /W widths in the font's own units, which PDF reads
    # as thousandths of the size: right only for 1000-unit fonts. Liberation has 2048, so scale
    # a copy to 1000 units, or the widths disagree with the embedded program (PDF/A 6.2.11.5).
    font = TTFont(str(stamp_font()))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    path = work / "stamp-font.ttf"
    font.save(str(path))
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(path)), font_size=8),
        background=None,
        border_width=1,
    )


@dataclass
class SignResult:
    out: Path
    field: str
    reason: str | None
    location: str | None


def sign(bundle: Path, p12: Path, out: Path, passphrase: str | None, field_name: str | None = None) -> SignResult:
    """Sign `field_name` (or the bundle's only empty field) of `bundle` into the new file `out`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    reader, data = _open_pdf(bundle)
    found = list(fields.enumerate_sig_fields(reader))
    existing = [(name, value is not None) for name, value, _ in found]
    empty = [name for name, signed in existing if not signed]
    if field_name is None:
        if not empty:
            if existing:
                raise SigningError("signing.all_signed", path=bundle, fields=", ".join(n for n, _ in existing))
            raise SigningError("signing.no_empty_field", path=bundle)
        if len(empty) > 1:
            raise SigningError("signing.choose_field", path=bundle, n=len(empty), fields=", ".join(empty))
        field_name = empty[0]
    elif field_name not in empty:
        signed = [n for n, s in existing if s]
        code = "signing.field_signed" if field_name in signed else "signing.no_field"
        raise SigningError(code, path=bundle, field=field_name, empty=", ".join(empty) or "-")
    if out.exists():
        raise OutputError("output.exists_out", path=out)
    signer = _load_signer(p12, passphrase)
    # reason and location: the bundle's signing.json; else (a renamed or already signed copy)
    # the reason the field suggests and the location of a signature made before
    info = field_info(bundle, field_name)
    field_dict = next(ref.get_object() for name, _, ref in found if name == field_name)
    suggested = field_dict["/SV"].get_object().get("/Reasons") if "/SV" in field_dict else None
    reason = info.get("reason") or (str(suggested[0]) if suggested else None)
    signed_dicts = [v.get_object() for _, v, _ in found if v is not None]
    earlier = [str(v["/Location"]) for v in signed_dicts if v.get("/Location")]
    location = info.get("location") or (earlier[0] if earlier else None)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(out) as tmp, tempfile.TemporaryDirectory(prefix="keputusan-sign-") as work:
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_stamp_style(Path(work)))
        with tmp.open("wb") as fh:
            pdf_signer.sign_pdf(writer, output=fh)
    return SignResult(out=out, field=field_name, reason=reason, location=location)


# ---------------------------------------------------------------- verifying


@dataclass
class SignatureReport:
    field: str
    signer: str
    signed_at: str | None
    reason: str | None
    location: str | None
    intact: bool
    valid: bool
    trusted: bool
    coverage: Message  # how much of the file the signature covers (verify.coverage.*)
    whole_file: bool
    problems: list[Message] = dataclasses.field(default_factory=list)  # why it fails (verify.problem.*)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class VerifyReport:
    path: Path
    signatures: list[SignatureReport]
    empty_fields: list[str]
    trust_given: bool

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)


def _load_certs(paths: list[Path]):
    from asn1crypto import pem, x509

    certs = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SigningError("signing.cert_unreadable", path=path, detail=exc.strerror or str(exc)) from None
        try:
            if pem.detect(data):
                blocks = [der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
            else:
                blocks = [data]
            loaded = [x509.Certificate.load(der) for der in blocks]
            for cert in loaded:
                cert.native  # noqa: B018 - parse now: a broken file fails here, not later
        except Exception:  # noqa: BLE001 - asn1crypto fails on foreign bytes in many ways
            raise SigningError("signing.not_cert", path=path) from None
        if not loaded:
            raise SigningError("signing.no_cert", path=path)
        certs.extend(loaded)
    return certs


def verify(bundle: Path, trust: list[Path] | None = None) -> VerifyReport:
    """Validate every signature of `bundle`; `trust`: files of the root certificates to trust."""
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader, _ = _open_pdf(bundle)
    trust = list(trust or [])
    roots = _load_certs(trust) if trust else None
    empty = [name for name, value, _ in enumerate_sig_fields(reader, filled_status=False)]
    reports = []
    # An incremental update after a signature is acceptable only when it is itself a signature
    # (the next official signing another field). pyHanko's difference analysis lets some other
    # updates pass as "LTA updates", a changed document title among them.
    signature_revisions = {sig.signed_revision for sig in reader.embedded_signatures}
    last_revision = reader.xrefs.total_revisions - 1
    for sig in reader.embedded_signatures:
        # no --trust: nothing is trusted (signing certificates such as BSrE's do not chain to
        # the system's web roots anyway); trust is then reported, not required
        context = ValidationContext(trust_roots=roots or [], allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except Exception as exc:  # noqa: BLE001 - a mangled signature dictionary or CMS blob
            log.warning("%s: signature %s cannot be validated: %s", bundle, sig.field_name, exc)
            reports.append(
                SignatureReport(
                    sig.field_name,
                    "?",
                    None,
                    None,
                    None,
                    False,
                    False,
                    False,
                    message("verify.coverage.unknown"),
                    False,
                    [message("verify.problem.unvalidatable")],
                )
            )
            continue
        sig_obj = sig.sig_object
        coverage = status.coverage
        later = status.modification_level
        whole_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
        if whole_file:
            coverage_text = message("verify.coverage.entire_file")
        elif coverage == SignatureCoverageLevel.ENTIRE_REVISION:
            known = later.name.lower() if later is not None else "unknown"
            later_code = f"verify.later.{known if f'verify.later.{known}' in CATALOGUE else 'unknown'}"
            coverage_text = message("verify.coverage.entire_revision", later=message(later_code))
        else:
            coverage_text = message("verify.coverage.partial")
        problems = []
        if not status.intact:
            problems.append(message("verify.problem.changed"))
        if not status.valid:
            problems.append(message("verify.problem.invalid"))
        if roots is not None and not status.trusted:
            problems.append(message("verify.problem.untrusted"))
        allowed_later = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
        if not whole_file and not (coverage == SignatureCoverageLevel.ENTIRE_REVISION and later in allowed_later):
            problems.append(message("verify.problem.modified", coverage=coverage_text))
        foreign = [r for r in range(sig.signed_revision + 1, last_revision + 1) if r not in signature_revisions]
        if foreign:
            whole_file = False
            problems.append(message("verify.problem.foreign_updates", n=len(foreign)))
        if status.docmdp_ok is False:
            problems.append(message("verify.problem.docmdp"))
        signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
        reports.append(
            SignatureReport(
                field=sig.field_name,
                signer=_signer(status.signing_cert.subject),
                signed_at=signed_at,
                reason=_text(sig_obj.get("/Reason")),
                location=_text(sig_obj.get("/Location")),
                intact=bool(status.intact) and not foreign,  # what is shown is no longer what was signed
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                coverage=coverage_text,
                whole_file=whole_file,
                problems=problems,
            )
        )
    return VerifyReport(bundle, reports, empty, trust_given=bool(trust))


def _signer(subject) -> str:
    """Who signed, as the certificate names them: "Suhardi Soud (KPU Provinsi NTB)", its common
    name and organisation (asn1crypto's human_friendly labels them in English)."""
    names = subject.native
    name = names.get("common_name") or subject.human_friendly
    organisation = names.get("organization_name")
    return f"{name} ({organisation})" if organisation else str(name)


def _text(value) -> str | None:
    return str(value) if value is not None else None


def check(report: VerifyReport) -> None:
    """Raise SignatureInvalid when the report shows no signature or a failing one."""
    if not report.signatures:
        if report.empty_fields:
            raise SignatureInvalid(
                "verify.no_signatures_empty", path=report.path, fields=", ".join(report.empty_fields)
            )
        raise SignatureInvalid("verify.no_signatures", path=report.path)
    failing = [s for s in report.signatures if not s.ok]
    if failing:
        raise SignatureInvalid(
            "verify.failing", failures=[message("verify.failure", field=s.field, problems=s.problems) for s in failing]
        )
