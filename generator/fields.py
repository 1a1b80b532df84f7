"""Empty signature fields where the signatures go, and the signing.json that describes them.

The position of a field is read from the PDF LibreOffice laid out, never fixed: the words of
the official's title (ending with its comma) and of the name below it are found on the page
(`pdftotext -bbox`, poppler), and the field fills the blank space between them, as wide as the
block's text. A field that would touch any printed word is refused (LayoutError), so data or
template changes that break the signature block fail the build instead of misplacing a field.

Fields (names are stable; signing services and scripts refer to them):

| field | bundle | where |
|---|---|---|
| `ttd_ketua` | asli | the enacting official's signature space on the decree's last page |
| `ttd_ketua_lampiran` | asli | the same official's space in the lampiran's closing block (profil `ttd_lampiran`) |
| `ttd_pengesah_salinan` | salinan | the authentication block ("Salinan sesuai dengan aslinya") of the decree |
| `ttd_pengesah_salinan_lampiran` | salinan | the authentication block closing the lampiran (profil `ttd_lampiran`) |

With several lampiran, each closing block has its field: `ttd_ketua_lampiran_1`, `_2` ...,
`ttd_pengesah_salinan_lampiran_1`, `_2` ...

The fields are added as an incremental update (the objects pyHanko would make, `add_fields`);
the result is then rewritten as one clean, reproducible PDF/A-2b file (`pdfa.rewrite`).
Nothing here may run on a signed file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path

from . import atomic, numbering
from .errors import ConverterMissing, LayoutError
from .model import Case

MIN_GAP = 24.0  # points: less blank space than two lines of 12 pt text is no signature space
PADDING = 2.0  # points kept clear between the field and the text above and below it
SIGNING_JSON = "{stem}.signing.json"


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float  # poppler's word box: origin at the top left of the page


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Signer:
    name: str
    title: str
    nip: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """What to look for: whose field, in which pages, between which printed words."""

    name: str
    signer: Signer
    title_words: tuple[str, ...]  # as printed, the last one ends with ","
    name_words: tuple[str, ...]  # as printed
    pages: tuple[int, int]  # 1-based, inclusive: the part of the bundle to search
    reason: str
    location: str


@dataclass(frozen=True)
class PlacedField:
    spec: FieldSpec
    page: int  # 1-based
    page_width: float
    page_height: float
    rect: tuple[float, float, float, float]  # llx, lly, urx, ury: PDF points, origin bottom left
    anchor: tuple[float, float, float, float] | None = None  # the anchor character's box, same axes

    def as_json(self, anchor_text: str | None) -> dict:
        llx, lly, urx, ury = self.rect
        width, height = urx - llx, ury - lly
        entry = {
            "name": self.spec.name,
            "signer": {k: v for k, v in asdict(self.spec.signer).items() if v is not None},
            "reason": self.spec.reason,
            "location": self.spec.location,
            "page": self.page,
            "page_size": {"width": _r(self.page_width), "height": _r(self.page_height)},
            # PDF user space: points, origin at the bottom left of the page
            "rect": [_r(llx), _r(lly), _r(urx), _r(ury)],
            # (page, x, y, width, height), (x, y) = lower left corner, origin bottom left:
            # what PDF-based signing APIs (BSrE and most iText/PDFBox services) take
            "box": {"page": self.page, "x": _r(llx), "y": _r(lly), "width": _r(width), "height": _r(height)},
            # the same box measured from the top left corner, for APIs that count y downwards
            "box_top_left": {
                "page": self.page,
                "x": _r(llx),
                "y": _r(self.page_height - ury),
                "width": _r(width),
                "height": _r(height),
            },
        }
        if anchor_text and self.anchor:
            ax0, ay0, ax1, ay1 = self.anchor
            entry["anchor"] = {"text": anchor_text, "page": self.page, "rect": [_r(ax0), _r(ay0), _r(ax1), _r(ay1)]}
        return entry


def _r(value: float) -> float:
    return round(value, 2)


# ---------------------------------------------------------------- what goes where


def lampiran_field(base: str, index: int, count: int) -> str:
    """The field of the index-th lampiran's block: `ttd_ketua_lampiran` when it is the only one,
    else `ttd_ketua_lampiran_1`, `ttd_ketua_lampiran_2` ..."""
    return f"{base}_lampiran" if count == 1 else f"{base}_lampiran_{index + 1}"


def field_specs(
    case: Case,
    variant: str,
    decree_pages: int,
    total_pages: int,
    lampiran_pages: list[tuple[int, int]] | None = None,
) -> list[FieldSpec]:
    """The fields of one bundle, in signing order. `lampiran_pages`: the first and last page
    (1-based) of each lampiran; by default one lampiran after the decree, to the end."""
    d = case.decree
    jabatan = d.jabatan_penandatangan
    keputusan = f"Keputusan {d.nama_penerbit} Nomor {d.nomor_lengkap} tentang {d.tentang}"
    decree = (1, decree_pages)
    parts = lampiran_pages if lampiran_pages is not None else [(decree_pages + 1, total_pages)]
    count = len(parts)
    names = [numbering.lampiran_name(i, count) for i in range(count)]
    specs: list[FieldSpec] = []
    if variant == "asli":
        ketua = Signer(name=d.penandatangan.nama, title=jabatan)
        words = dict(
            title_words=tuple(f"{jabatan.upper()},".split()), name_words=tuple(d.penandatangan.nama.upper().split())
        )
        specs.append(
            FieldSpec("ttd_ketua", ketua, pages=decree, reason=f"Menetapkan {keputusan}", location=d.tempat, **words)
        )
        if d.profil.ttd_lampiran:
            specs += [
                FieldSpec(
                    lampiran_field("ttd_ketua", i, count),
                    ketua,
                    pages=pages,
                    reason=f"Menetapkan {names[i]} {keputusan}",
                    location=d.tempat,
                    **words,
                )
                for i, pages in enumerate(parts)
            ]
    else:
        p = d.pengesah_salinan
        pengesah = Signer(name=p.nama, title=f"{p.jabatan} {p.unit}", nip=p.nip)
        words = dict(title_words=tuple(f"{p.jabatan},".split()), name_words=tuple(p.nama.split()))
        specs.append(
            FieldSpec(
                "ttd_pengesah_salinan",
                pengesah,
                pages=decree,
                reason=f"Salinan sesuai dengan aslinya: {keputusan}",
                location=d.tempat,
                **words,
            )
        )
        if d.profil.ttd_lampiran:
            specs += [
                FieldSpec(
                    lampiran_field("ttd_pengesah_salinan", i, count),
                    pengesah,
                    pages=pages,
                    reason=f"Salinan sesuai dengan aslinya: {names[i]} {keputusan}",
                    location=d.tempat,
                    **words,
                )
                for i, pages in enumerate(parts)
            ]
    return specs


# ---------------------------------------------------------------- where LibreOffice put it


def read_words(pdf: Path, first: int, last: int, data: bytes | None = None) -> list[Page]:
    """Word boxes of pages first..last (1-based) from `pdftotext -bbox`; `data`: the bytes of
    `pdf` as `for_reading` gives them, when the caller reads the file more than once."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ConverterMissing("conversion.pdftotext_missing")
    proc = subprocess.run(
        [exe, "-bbox", "-f", str(first), "-l", str(last), "-", "-"],
        input=for_reading(pdf.read_bytes()) if data is None else data,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise LayoutError(
            "layout.pdftotext_failed", document=pdf.name, detail=proc.stderr.decode(errors="replace").strip()
        )
    root = ET.fromstring(proc.stdout)
    pages = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=first):
        words = tuple(
            Word(w.text or "", *(float(w.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        )
        pages.append(Page(number, float(page.attrib["width"]), float(page.attrib["height"]), words))
    return pages


def for_reading(data: bytes) -> bytes:
    """The PDF's bytes with its PDF/A output intent hidden from poppler, which otherwise builds a
    colour transform from the intent's ICC profile before it reads a page: 0.13 of pdftotext's
    0.14 CPU-s, for word boxes that do not depend on colour. The catalog's key is renamed to a
    name of the same length, so every offset in the file stays right."""
    if data.count(b"/OutputIntents") == 1:
        return data.replace(b"/OutputIntents", b"/OutputIntentX")
    return data


def _occurrences(words: tuple[Word, ...], wanted: tuple[str, ...]) -> list[tuple[Word, ...]]:
    """Runs of consecutive words (poppler's reading order) that read `wanted`, compared without
    the spaces between words: a word too long for its line is broken by LibreOffice into
    pieces on lines of their own (a 70-letter name in the signature block), and poppler may
    split a word where the text has none; a run starts and ends at whole words."""
    target = "".join(_norm(t) for t in wanted)
    texts = [_norm(w.text) for w in words]
    found = []
    for start in range(len(words)) if target else ():
        read = ""
        for end in range(start, len(words)):
            read += texts[end]
            if not target.startswith(read):
                break
            if read == target:
                found.append(words[start : end + 1])
                break
    return found


def _norm(text: str) -> str:
    """NFKC, without white space: a ligature the font drew ("ﬁ") reads as its letters, as typed
    in the data; a spacing accent ("´") as the mark it stands for, as poppler may read it; a
    non-breaking hyphen as the hyphen-minus LibreOffice prints for it (NFKC would make it U+2010)."""
    return "".join(unicodedata.normalize("NFKC", text.replace("\u2011", "-")).split())


def locate(spec: FieldSpec, pages: list[Page], anchor_text: str | None = None) -> PlacedField:
    """Find the blank space between the signer's title and name, searching from the last page."""
    for page in sorted(pages, key=lambda p: -p.number):
        if not spec.pages[0] <= page.number <= spec.pages[1]:
            continue
        candidates = []
        for name in _occurrences(page.words, spec.name_words):
            name_top = min(w.top for w in name)
            for title in _occurrences(page.words, spec.title_words):
                title_bottom = max(w.bottom for w in title)
                left = min(w.x0 for w in title + name)
                right = max(w.x1 for w in title + name)
                same_column = abs(min(w.x0 for w in title) - name[0].x0) < 2.0  # left-aligned block
                if title_bottom <= name_top and same_column:
                    candidates.append((name_top - title_bottom, left, right, title_bottom, name_top))
        if not candidates:
            continue
        gap, left, right, top, bottom = min(candidates)  # the title nearest above the name
        if gap < MIN_GAP:
            raise LayoutError(
                "layout.no_room",
                field=spec.name,
                gap=f"{gap:.0f}",
                title=" ".join(spec.title_words),
                name=" ".join(spec.name_words),
                page=page.number,
                min=f"{MIN_GAP:.0f}",
            )
        box = (left, top + PADDING, right, bottom - PADDING)  # top-left axes
        anchor = None
        for w in page.words:
            inside = w.x1 > box[0] and w.x0 < box[2] and w.bottom > box[1] and w.top < box[3]
            if not inside:
                continue
            if anchor_text and w.text == anchor_text and anchor is None:
                anchor = w
                continue
            raise LayoutError("layout.not_blank", field=spec.name, page=page.number, word=w.text)
        h = page.height
        rect = (box[0], h - box[3], box[2], h - box[1])
        anchor_rect = (anchor.x0, h - anchor.bottom, anchor.x1, h - anchor.top) if anchor else None
        return PlacedField(spec, page.number, page.width, page.height, rect, anchor_rect)
    first, last = spec.pages
    raise LayoutError(
        "layout.block_not_found",
        field=spec.name,
        signer=spec.signer.name,
        title=" ".join(spec.title_words),
        name=" ".join(spec.name_words),
        first=first,
        last=last,
    )


# ---------------------------------------------------------------- the fields themselves


def add_fields(pdf: Path, placed: list[PlacedField], meta) -> Path:
    """Add an empty signature field per placed box, then rewrite `pdf` reproducibly (`pdfa.rewrite`).

    The fields are the objects pyHanko's `append_signature_field` makes — a signature field that
    is its own widget annotation, with a seed value dictionary and an empty appearance —
    written here as an incremental update without importing pyHanko, whose import alone costs
    0.8 CPU-s a command (a twentieth of a batch). A bundle that has a form already gets its
    fields from pyHanko itself."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from . import pdfa

    data = pdf.read_bytes()
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        has_form = "/AcroForm" in reader.root_object
    except (PdfReadError, KeyError):
        return _add_fields_with_pyhanko(data, pdf, placed, meta)
    if has_form:
        return _add_fields_with_pyhanko(data, pdf, placed, meta)
    return pdfa.rewrite(data + _field_update(reader, data, placed), pdf, meta)


def _add_fields_with_pyhanko(data: bytes, pdf: Path, placed: list[PlacedField], meta) -> Path:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, SigSeedValueSpec, append_signature_field

    from . import pdfa

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    for field in placed:
        llx, lly, urx, ury = field.rect
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=field.spec.name,
                on_page=field.page - 1,
                box=(llx, lly, urx, ury),  # type: ignore[arg-type]  # points: pyHanko takes floats, typed as int
                readable_field_name=_readable_name(field),
                # suggestions for signing tools, not constraints (no flags): the decree's reason, PAdES
                seed_value_dict=SigSeedValueSpec(reasons=[field.spec.reason], subfilters=[SigSeedSubFilter.PADES]),
            ),
        )
    out = io.BytesIO()
    writer.write(out)
    return pdfa.rewrite(out.getvalue(), pdf, meta)


def _readable_name(field: PlacedField) -> str:
    return f"{field.spec.signer.title}: {field.spec.signer.name}"


# Widget flags as pyHanko sets them for a visible field: locked (128) and printed (4).
_WIDGET_FLAGS = 132


def _field_update(reader, data: bytes, placed: list[PlacedField]) -> bytes:
    """An incremental update of the PDF `data` (read by `reader`, no form in it) that adds the
    fields: the catalog with its /AcroForm, each field's page with the field in /Annots, and per
    field the field (its own widget), its seed value dictionary (suggestions for signing tools,
    not constraints: the decree's reason, PAdES) and its empty appearance. Values as pyHanko
    writes them (rectangle rounded to 4 decimals, appearance box in whole points)."""
    from pypdf import PageObject
    from pypdf.generic import ArrayObject, IndirectObject, NameObject

    size = int(reader.trailer["/Size"])
    objects: dict[int, bytes] = {}

    def new(body: bytes) -> int:
        nonlocal size
        objects[size] = body
        size += 1
        return size - 1

    form = new(b"")  # numbered first, as pyHanko numbers it; written once complete
    refs = []
    pages: dict[int, tuple[PageObject, list[int]]] = {}
    for field in placed:
        llx, lly, urx, ury = field.rect
        page = reader.pages[field.page - 1]
        page_ref = page.indirect_reference
        sv = new(
            _dict(
                (b"/Type", b"/SV"),
                (b"/Ff", b"0"),
                (b"/SubFilter", b"[ /ETSI.CAdES.detached ]"),
                (b"/Reasons", b"[ " + _string(field.spec.reason) + b" ]"),
                (b"/V", b"1"),
            )
        )
        width, height = int(abs(urx - llx)), int(abs(ury - lly))
        appearance = new(
            _dict(
                (b"/BBox", b"[ 0 %d %d 0 ]" % (height, width)),
                (b"/Resources", b"<<\n>>"),
                (b"/Type", b"/XObject"),
                (b"/Subtype", b"/Form"),
                (b"/Length", b"0"),
            )
            + b"\nstream\n\nendstream"
        )
        number = new(
            _dict(
                (b"/FT", b"/Sig"),
                (b"/T", _string(field.spec.name)),
                (b"/Type", b"/Annot"),
                (b"/Subtype", b"/Widget"),
                (b"/F", b"%d" % _WIDGET_FLAGS),
                (b"/Rect", b"[ " + b" ".join(_number(v).encode() for v in field.rect) + b" ]"),
                (b"/P", b"%d %d R" % (page_ref.idnum, page_ref.generation)),
                (b"/TU", _string(_readable_name(field))),
                (b"/SV", b"%d 0 R" % sv),
                (b"/AP", _dict((b"/N", b"%d 0 R" % appearance))),
            )
        )
        refs.append(b"%d 0 R" % number)
        pages.setdefault(page_ref.idnum, (page, []))[1].append(number)
    objects[form] = _dict((b"/Fields", b"[ " + b" ".join(refs) + b" ]"), (b"/SigFlags", b"1"))

    # the catalog and the pages, as they were, with the form and the annotations added
    root_ref = reader.root_object.indirect_reference
    assert root_ref is not None
    root = reader.root_object
    header, declared = _version(data[:16].split(b"-", 1)[-1]), _version(str(root.get("/Version", "")).encode())
    if header < (1, 7) and declared < (1, 7):
        root[NameObject("/Version")] = NameObject("/1.7")  # as pyHanko declares it
    root[NameObject("/AcroForm")] = IndirectObject(form, 0, reader)
    updated = {root_ref.idnum: (root_ref.generation, _serialised(root))}
    for idnum, (page, numbers) in pages.items():
        added = [IndirectObject(number, 0, reader) for number in numbers]
        existing = page.raw_get("/Annots") if "/Annots" in page else None
        if isinstance(existing, IndirectObject):  # an array of its own: that object is updated
            array = existing.get_object()
            assert isinstance(array, ArrayObject)
            array.extend(added)
            updated[existing.idnum] = (existing.generation, _serialised(array))
            continue
        if isinstance(existing, ArrayObject):
            existing.extend(added)
        else:
            page[NameObject("/Annots")] = ArrayObject(added)
        updated[idnum] = (page.indirect_reference.generation if page.indirect_reference else 0, _serialised(page))

    out = io.BytesIO()
    out.write(b"\n")
    offsets: dict[int, tuple[int, int]] = {}
    for idnum, (generation, body) in [*updated.items(), *((n, (0, b)) for n, b in objects.items())]:
        offsets[idnum] = (len(data) + out.tell(), generation)
        out.write(b"%d %d obj\n" % (idnum, generation) + body + b"\nendobj\n")
    xref = len(data) + out.tell()
    out.write(b"xref\n0 1\n0000000000 65535 f \n")
    for idnum in sorted(offsets):
        offset, generation = offsets[idnum]
        out.write(b"%d 1\n%010d %05d n \n" % (idnum, offset, generation))
    trailer = [(b"/Size", b"%d" % size), (b"/Root", b"%d %d R" % (root_ref.idnum, root_ref.generation))]
    info = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
    if isinstance(info, IndirectObject):
        trailer.append((b"/Info", b"%d %d R" % (info.idnum, info.generation)))
    if "/ID" in reader.trailer:
        trailer.append((b"/ID", _serialised(reader.trailer["/ID"])))
    trailer.append((b"/Prev", b"%d" % _startxref(data)))
    out.write(b"trailer\n" + _dict(*trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _version(text: bytes) -> tuple[int, int]:
    """(1, 6) from b"1.6" (a header's) or b"/1.6" (a catalog's /Version); (0, 0) if neither."""
    match = re.match(rb"/?(\d+)\.(\d+)", text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _dict(*items: tuple[bytes, bytes]) -> bytes:
    return b"<<\n" + b"".join(key + b" " + value + b"\n" for key, value in items) + b">>"


def _serialised(obj) -> bytes:
    """A catalog, page or array read from the bundle, written again as pyHanko writes what it
    read: numbers in its style (a zero as 0, not 0.0), strings as `_string` writes them."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        FloatObject,
        IndirectObject,
        NameObject,
        NullObject,
        NumberObject,
        TextStringObject,
    )

    if isinstance(obj, IndirectObject):
        return b"%d %d R" % (obj.idnum, obj.generation)
    if isinstance(obj, DictionaryObject) and not hasattr(obj, "get_data"):
        return _dict(*((_serialised(NameObject(k)), _serialised(v)) for k, v in obj.items()))
    if isinstance(obj, ArrayObject):
        return b"[ " + b" ".join(_serialised(v) for v in obj) + b" ]"
    if isinstance(obj, BooleanObject):
        return b"true" if obj else b"false"
    if isinstance(obj, NumberObject):
        return b"%d" % int(obj)
    if isinstance(obj, FloatObject):
        return _decimal(obj.myrepr()).encode()
    if isinstance(obj, TextStringObject):
        return _string(str(obj))
    if isinstance(obj, ByteStringObject):
        return b"<" + bytes(obj).hex().encode() + b">"
    if isinstance(obj, (NameObject, NullObject)):
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        return buffer.getvalue()
    raise ValueError(f"cannot write {type(obj).__name__} into a signature field update")


def _number(value: float) -> str:
    """A coordinate of a new field as pyHanko writes it: rounded to 4 decimals (`_decimal`)."""
    return _decimal(str(round(value, 4)))


def _decimal(text: str) -> str:
    """A number as pyHanko writes it (a Decimal): whole numbers without a point, others as read."""
    from decimal import Decimal

    number = Decimal(text)
    return str(number.quantize(Decimal(1))) if number == number.to_integral() else str(number)


def _string(text: str) -> bytes:
    """A PDF text string as pyHanko writes one: PDFDocEncoding when every character has a code
    there, else UTF-16BE with its byte-order mark; a literal, with every byte but letters,
    digits and spaces escaped."""
    from pypdf.generic import TextStringObject

    if any(ord(c) < 0x18 and c != "\x16" for c in text):  # control characters: not in pyHanko's table
        encoded = codecs.BOM_UTF16_BE + text.encode("utf-16be")
    else:
        encoded = TextStringObject(text).get_encoded_bytes()
    return b"(" + b"".join(bytes([c]) if bytes([c]).isalnum() or c == 0x20 else b"\\%03o" % c for c in encoded) + b")"


def _startxref(data: bytes) -> int:
    tail = data[-1024:]
    at = tail.rindex(b"startxref")
    return int(tail[at + len(b"startxref") :].split()[0])


def write_signing_json(
    path: Path, bundle: Path, bundle_sha256: str, case: Case, variant: str, pages: int, placed: list[PlacedField]
) -> Path:
    """Describe the fields for signing services: who signs where, in the axes they use."""
    anchor = case.decree.profil.jangkar_ttd
    doc = {
        "bundle": bundle.name,
        "sha256": bundle_sha256,
        "variant": variant,
        "number": case.decree.nomor_lengkap,
        "pages": pages,
        "units": "PDF points (1/72 inch)",
        "anchor": anchor,
        "fields": [f.as_json(anchor) for f in placed],
    }
    return atomic.write_json(path, doc)


def prepare(
    case: Case,
    variant: str,
    pdf: Path,
    decree_pages: int,
    total_pages: int,
    meta,
    lampiran_pages: list[tuple[int, int]] | None = None,
) -> tuple[Path, Path]:
    """Put the fields of `variant` into the bundle `pdf` and write its signing.json beside it."""
    specs = field_specs(case, variant, decree_pages, total_pages, lampiran_pages)
    anchor = case.decree.profil.jangkar_ttd
    placed = []
    data = for_reading(pdf.read_bytes())
    for spec in specs:
        first, last = spec.pages
        # the block closes its part: read that page first (a tenth of the time of them all)
        try:
            placed.append(locate(spec, read_words(pdf, last, last, data), anchor))
        except LayoutError:
            placed.append(locate(spec, read_words(pdf, first, last, data), anchor))
    add_fields(pdf, placed, meta)
    stem = pdf.name.removesuffix(".pdf")
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    json_path = write_signing_json(
        pdf.with_name(SIGNING_JSON.format(stem=stem)), pdf, digest, case, variant, total_pages, placed
    )
    return pdf, json_path
