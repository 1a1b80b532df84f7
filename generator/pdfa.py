"""PDF/A-2b metadata and reproducible bytes for the bundles pypdf writes.

LibreOffice exports each part as PDF/A-2b, but merging with pypdf keeps only the pages: the
catalog's XMP metadata (the `pdfaid` claim) and its OutputIntents are dropped, and the result
would carry no file ID. `finish` puts them back, consistent with the document information
dictionary as PDF/A requires (title, author, subject, creator tool, producer, dates), and
`write` gives the file an ID computed from its own bytes. Dates come from the data (or
SOURCE_DATE_EPOCH), never the clock, so the same case builds to the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, StreamObject

from . import atomic

CREATOR_TOOL = "keputusan"
PRODUCER = "keputusan (LibreOffice, pypdf, pyHanko)"


@dataclass(frozen=True)
class DocMeta:
    title: str
    author: str
    subject: str
    created: dt.datetime  # timezone-aware; also the modification date: a build is one moment


def pdf_date(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("D:%Y%m%d%H%M%SZ")


def xmp_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def xmp_packet(meta: DocMeta) -> bytes:
    """An XMP packet claiming PDF/A-2b, with the same values as the information dictionary."""
    when = xmp_date(meta.created)
    t, a, s = (escape(v) for v in (meta.title, meta.author, meta.subject))
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{a}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{s}</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{CREATOR_TOOL}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{escape(PRODUCER)}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")


def output_intents(source: Path | PdfReader):
    """The /OutputIntents array of a PDF (LibreOffice's PDF/A export writes one), or None."""
    reader = source if isinstance(source, PdfReader) else PdfReader(str(source))
    root = reader.trailer["/Root"].get_object()
    assert isinstance(root, DictionaryObject)
    return root.get("/OutputIntents")


def finish(writer: PdfWriter, meta: DocMeta, intents) -> None:
    """Give `writer` the PDF/A-2b claim: XMP metadata, output intent, matching document info."""
    when = pdf_date(meta.created)
    writer._info = None  # drop whatever the source carried (LibreOffice's or pyHanko's dates)
    writer.add_metadata(
        {
            "/Title": meta.title,
            "/Author": meta.author,
            "/Subject": meta.subject,
            "/Creator": CREATOR_TOOL,
            "/Producer": PRODUCER,
            "/CreationDate": when,
            "/ModDate": when,
        }
    )
    stream = StreamObject()
    stream.set_data(xmp_packet(meta))  # unfiltered: PDF/A wants the XMP readable as is
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root = writer.root_object
    root[NameObject("/Metadata")] = writer._add_object(stream)
    if intents is not None:
        cloned = intents.clone(writer)
        root[NameObject("/OutputIntents")] = cloned
        for intent in cloned.get_object():
            profile = intent.get_object().get("/DestOutputProfile")
            if profile is not None:
                profile = profile.get_object()
                profile.set_data(icc_with_date(profile.get_data(), meta.created))
    elif "/OutputIntents" not in root:
        raise ValueError("no PDF/A output intent to carry over: was the part exported as PDF/A?")


def icc_with_date(icc: bytes, moment: dt.datetime) -> bytes:
    """The ICC profile with its creation date set to `moment`.

    LibreOffice generates its sRGB output profile on every export, stamped with the clock
    (header bytes 24-35), which alone would make every build's bytes differ. The profile ID
    (bytes 84-99) is left alone: it is zero in LibreOffice's profiles, and the date is not
    part of what it hashes anyway.
    """
    if len(icc) < 128 or icc[36:40] != b"acsp":
        return icc
    m = moment.astimezone(dt.UTC)
    return icc[:24] + struct.pack(">6H", m.year, m.month, m.day, m.hour, m.minute, m.second) + icc[36:]


_ZERO_ID = b"/ID [ <" + b"00" * 16 + b"> <" + b"00" * 16 + b"> ]"


def write(writer: PdfWriter, out: Path) -> Path:
    """Write `writer` to `out` (beside it, then renamed) with a file ID derived from the bytes:
    the MD5 of the file written with a zero ID, which the trailer's ID then replaces (the same
    bytes as writing it again with that ID: the ID is in the trailer only)."""
    writer.compress_identical_objects()  # drops objects nothing refers to (the replaced metadata)
    writer._ID = ArrayObject([ByteStringObject(b"\0" * 16), ByteStringObject(b"\0" * 16)])
    draft = _serialise(writer)
    digest = hashlib.md5(draft, usedforsecurity=False).digest()
    at = draft.rfind(_ZERO_ID, draft.rfind(b"trailer"))
    if at >= 0:
        hex_id = b"<" + digest.hex().encode() + b">"
        data = draft[:at] + b"/ID [ " + hex_id + b" " + hex_id + b" ]" + draft[at + len(_ZERO_ID) :]
    else:  # written otherwise than pypdf writes a trailer today: write it again with the ID
        writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
        data = _serialise(writer)
    atomic.write_bytes(out, data)
    return out


def _serialise(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def rewrite(data: bytes, out: Path, meta: DocMeta) -> Path:
    """Rewrite a PDF (e.g. after pyHanko added fields) as one clean, reproducible PDF/A file."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    finish(writer, meta, None)
    return write(writer, out)
