"""Signing-ready bundles, end to end on real LibreOffice: fields where the signatures go,
signing.json, PAdES signing and verification with a throw-away certificate, PDF/A-2b, and
nothing ever overwriting a signed bundle."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import NTB_CASE, pdf_text, squash
from pypdf import PdfReader
from sign_fixtures import PASSPHRASE

from generator import fields, signing
from generator.cli import main
from generator.content import file_sha256 as sha256
from generator.outputs import MANIFEST

pytestmark = pytest.mark.libreoffice


# ---------------------------------------------------------------- helpers


def words_on(pdf: Path, page: int) -> list[fields.Word]:
    """The word boxes poppler reads from the file itself (not the pipeline's shortcut)."""
    return [fields.Word(*w) for w in poppler_boxes(pdf.read_bytes(), page)]


def poppler_boxes(data: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"], input=data, capture_output=True, check=True
    ).stdout
    return [
        (w.text or "", *(float(w.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax")))
        for w in ET.fromstring(out).iter("{http://www.w3.org/1999/xhtml}word")
    ]


def top_left(rect, page_height):
    """PDF rect (origin bottom left) -> (x0, top, x1, bottom) with origin top left, like pdftotext."""
    llx, lly, urx, ury = rect
    return llx, page_height - ury, urx, page_height - lly


def overlaps(word: fields.Word, box) -> bool:
    x0, top, x1, bottom = box
    return word.x1 > x0 and word.x0 < x1 and word.bottom > top and word.top < bottom


def find_line(words, text: str) -> list[fields.Word]:
    """The words of `text` as printed consecutively (first occurrence)."""
    wanted = text.split()
    for i in range(len(words) - len(wanted) + 1):
        if [w.text for w in words[i : i + len(wanted)]] == wanted:
            return words[i : i + len(wanted)]
    raise AssertionError(f"'{text}' not printed on the page")


def sig_widgets(pdf: Path) -> dict[str, tuple[int, list[float], bool]]:
    """Signature widgets by field name: (1-based page, rect, signed?)."""
    reader = PdfReader(str(pdf))
    found = {}
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            if a.get("/FT") == "/Sig" or (a.get("/Parent") and a["/Parent"].get_object().get("/FT") == "/Sig"):
                found[str(a.get("/T"))] = (number, [float(v) for v in a["/Rect"]], a.get("/V") is not None)
    return found


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bundles(ntb_build, tmp_path):
    """A private copy of the NTB build output (the session build stays untouched)."""
    dest = tmp_path / "out"
    shutil.copytree(ntb_build.out_dir, dest / ntb_build.out_dir.name)
    return dest


# ---------------------------------------------------------------- fields where the signatures go


def test_asli_has_an_empty_ketua_field_exactly_in_the_signature_space(ntb_build):
    pdf = ntb_build.bundles["asli"]
    widgets = sig_widgets(pdf)
    assert set(widgets) == {"ttd_ketua"}
    page, rect, signed = widgets["ttd_ketua"]
    assert not signed
    assert page == 3  # the decree's last page, where the signature block is
    words = words_on(pdf, page)
    height = float(PdfReader(str(pdf)).pages[page - 1].mediabox.height)
    box = top_left(rect, height)
    title = find_line(words, "PROVINSI NUSA TENGGARA BARAT,")
    name = find_line(words, "SUHARDI SOUD")
    # between the last line of the title and the name, in the block's column
    assert max(w.bottom for w in title) <= box[1] and box[3] <= min(w.top for w in name)
    assert box[0] == pytest.approx(name[0].x0, abs=0.5)
    assert box[2] == pytest.approx(max(w.x1 for w in title), abs=0.5)
    # sized to the space: nearly all of the blank lines, and room for a signature
    assert box[3] - box[1] >= 0.9 * (min(w.top for w in name) - max(w.bottom for w in title)) - 2 * fields.PADDING
    assert box[3] - box[1] >= 40 and box[2] - box[0] >= 150
    assert not [w.text for w in words if overlaps(w, box)]


def test_fields_are_placed_from_the_boxes_poppler_reads_in_the_bundle(ntb_build):
    # the pipeline hides the PDF/A output intent from poppler (fields.for_reading, 10 times
    # cheaper): the word boxes are the same, and the bundle itself keeps its output intent
    for variant in ("asli", "salinan"):
        pdf = ntb_build.bundles[variant]
        data = pdf.read_bytes()
        assert "/OutputIntents" in PdfReader(str(pdf)).trailer["/Root"]
        for page in range(1, len(PdfReader(str(pdf)).pages) + 1):
            boxes = poppler_boxes(data, page)
            assert boxes and poppler_boxes(fields.for_reading(data), page) == boxes
            read = fields.read_words(pdf, page, page)[0].words
            assert [(w.text, w.x0, w.top, w.x1, w.bottom) for w in read] == boxes


def test_salinan_field_sits_in_the_authentication_block(ntb_build):
    pdf = ntb_build.bundles["salinan"]
    widgets = sig_widgets(pdf)
    assert set(widgets) == {"ttd_pengesah_salinan"}
    page, rect, signed = widgets["ttd_pengesah_salinan"]
    assert (page, signed) == (3, False)
    words = words_on(pdf, page)
    height = float(PdfReader(str(pdf)).pages[page - 1].mediabox.height)
    box = top_left(rect, height)
    heading = find_line(words, "Salinan sesuai dengan aslinya")
    title_end = find_line(words, "Manusia,")
    name = find_line(words, "Lalu Nizamudin Afandi Arungan")
    ketua = find_line(words, "Ditetapkan di Mataram")
    assert heading[0].top < box[1]
    assert max(w.bottom for w in title_end) <= box[1] and box[3] <= min(w.top for w in name)
    assert box[0] == pytest.approx(heading[0].x0, abs=0.5)  # the left column, bottom left
    assert box[2] < ketua[0].x0  # never into the Ketua's column
    assert box[3] - box[1] >= 40
    assert not [w.text for w in words if overlaps(w, box)]


def test_signing_json_describes_each_field_in_both_coordinate_forms(ntb_build):
    for variant, field_name, signer in (
        ("asli", "ttd_ketua", "Suhardi Soud"),
        ("salinan", "ttd_pengesah_salinan", "Lalu Nizamudin Afandi Arungan"),
    ):
        pdf = ntb_build.bundles[variant]
        doc = json.loads(pdf.with_name(f"kpu-ntb-2022-{variant}.signing.json").read_text(encoding="utf-8"))
        assert doc["bundle"] == pdf.name and doc["sha256"] == sha256(pdf)
        assert doc["number"] == "19/ORT.07/52/2022" and doc["pages"] == ntb_build.pages[variant]
        [entry] = doc["fields"]
        page, rect, _ = sig_widgets(pdf)[field_name]
        assert entry["name"] == field_name and entry["signer"]["name"] == signer
        assert entry["signer"]["title"]
        assert entry["page"] == page == entry["box"]["page"] == entry["box_top_left"]["page"]
        assert entry["rect"] == pytest.approx(rect, abs=0.01)
        llx, lly, urx, ury = entry["rect"]
        box, tl = entry["box"], entry["box_top_left"]
        assert (box["x"], box["y"]) == pytest.approx((llx, lly), abs=0.01)
        assert (box["width"], box["height"]) == pytest.approx((urx - llx, ury - lly), abs=0.02)
        assert tl["y"] == pytest.approx(entry["page_size"]["height"] - ury, abs=0.01)
        assert entry["location"] == "Mataram" and "19/ORT.07/52/2022" in entry["reason"]
        assert doc["anchor"] is None and "anchor" not in entry


# ---------------------------------------------------------------- signing and verifying


def test_signed_asli_validates_intact_valid_trusted_over_the_whole_file(ntb_build, signed_asli, certs, capsys):
    report = signing.verify(signed_asli, [certs["root"]])
    [sig] = report.signatures
    assert sig.field == "ttd_ketua" and "Suhardi Soud" in sig.signer
    assert (sig.intact, sig.valid, sig.trusted, sig.whole_file) == (True, True, True, True)
    assert sig.location == "Mataram" and "19/ORT.07/52/2022" in sig.reason
    assert report.empty_fields == []
    code, out, err = run_cli(["verify", str(signed_asli), "--trust", str(certs["root"])], capsys)
    assert code == 0, err
    assert "ttd_ketua: SAH" in out  # Indonesian by default
    assert "utuh: ya, sah: ya, terpercaya: ya, cakupan: seluruh file" in out
    code, out, err = run_cli(["verify", str(signed_asli), "--trust", str(certs["root"]), "--lang", "en"], capsys)
    assert code == 0, err
    assert "ttd_ketua: OK" in out
    assert "intact: yes, valid: yes, trusted: yes, coverage: whole file" in out


def test_signing_appends_and_leaves_the_printed_text_unchanged(ntb_build, signed_asli):
    bundle = ntb_build.bundles["asli"]
    original = bundle.read_bytes()
    signed = signed_asli.read_bytes()
    assert signed[: len(original)] == original  # an incremental update: the bundle's bytes untouched
    # the pages print the same text; the signature's own box adds its line on top
    assert [p.extract_text() for p in PdfReader(str(signed_asli)).pages] == [
        p.extract_text() for p in PdfReader(str(bundle)).pages
    ]
    shown = pdf_text(signed_asli, first=3, last=3)
    assert "Ditandatangani secara elektronik oleh:" in shown and "Suhardi Soud" in shown
    assert squash(pdf_text(signed_asli)).replace(squash(shown), "") == squash(pdf_text(bundle)).replace(
        squash(pdf_text(bundle, first=3, last=3)), ""
    )
    page, rect, is_signed = sig_widgets(signed_asli)["ttd_ketua"]
    assert is_signed and page == 3
    assert rect == pytest.approx(sig_widgets(bundle)["ttd_ketua"][1])


def test_signature_from_an_untrusted_root_fails_verification(signed_asli, certs, capsys):
    code, out, err = run_cli(["verify", str(signed_asli), "--trust", str(certs["other_root"])], capsys)
    assert code == 1
    assert "terpercaya: tidak" in out and "Traceback" not in err


def test_a_changed_byte_makes_verification_fail(signed_asli, tmp_path, capsys):
    data = bytearray(signed_asli.read_bytes())
    at = data.index(b"Rencana Aksi Reformasi")  # in the document information: covered by the signature
    data[at] = ord("r")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    code, out, err = run_cli(["verify", str(tampered)], capsys)
    assert code == 1
    assert "utuh: tidak" in out and "Traceback" not in err


def test_a_title_changed_by_a_later_update_makes_verification_fail(signed_asli, tmp_path, capsys):
    """An incremental update appended after signing (here: a new document title) leaves the
    signed bytes intact, but the document shown is no longer the one signed."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with signed_asli.open("rb") as fh:
        writer = IncrementalPdfFileWriter(fh)
        title = {generic.NameObject("/Title"): generic.TextStringObject("Keputusan yang lain")}
        writer.trailer["/Info"] = writer.add_object(generic.DictionaryObject(title))
        buffer = io.BytesIO()
        writer.write(buffer)
    tampered = tmp_path / "judul-diubah.pdf"
    tampered.write_bytes(buffer.getvalue())
    code, out, err = run_cli(["verify", str(tampered)], capsys)
    assert code == 1
    assert "ttd_ketua: TIDAK SAH" in out and "utuh: tidak" in out
    assert "bukan tanda tangan" in out and "Traceback" not in err
    code, out, err = run_cli(["verify", str(tampered), "--lang", "en"], capsys)
    assert code == 1
    assert "ttd_ketua: FAILED" in out and "intact: no" in out
    assert "not signatures" in out and "Traceback" not in err


def test_verify_reports_an_unsigned_bundle_as_failing(ntb_build, capsys):
    code, out, err = run_cli(["verify", str(ntb_build.bundles["asli"])], capsys)
    assert code == 1
    assert "ttd_ketua: belum ditandatangani" in out and "belum ada tanda tangan" in err


@pytest.mark.parametrize(
    "case", ["wrong passphrase", "missing field", "not a pdf", "not a p12", "no bundle", "out exists", "signed already"]
)
def test_bad_signing_input_gets_a_clear_message_and_no_file(
    case, ntb_build, signed_asli, certs, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("KEPUTUSAN_P12_PASSPHRASE", PASSPHRASE)
    bundle, p12, out = ntb_build.bundles["asli"], certs["p12"], tmp_path / "signed.pdf"
    args, expect, code_wanted = [], "", 2
    if case == "wrong passphrase":
        monkeypatch.setenv("KEPUTUSAN_P12_PASSPHRASE", "salah")
        expect = "kata sandinya salah"
    elif case == "missing field":
        args = ["--field", "ttd_sekretaris"]
        expect = "kolom tanda tangan 'ttd_sekretaris' tidak ada; kolom yang kosong: ttd_ketua"
    elif case == "not a pdf":
        bundle, expect = ntb_build.out_dir / MANIFEST, "bukan file PDF"
    elif case == "not a p12":
        p12, expect = certs["root"], "bukan file PKCS#12"
    elif case == "no bundle":
        bundle, expect = tmp_path / "nope.pdf", "file tidak ditemukan"
    elif case == "out exists":
        out.write_bytes(b"keep me")
        expect, code_wanted = "tidak menimpa", 4
    elif case == "signed already":
        bundle, expect = signed_asli, "tidak ada kolom tanda tangan yang kosong"
    code, _, err = run_cli(["sign", str(bundle), "--p12", str(p12), "--out", str(out), *args], capsys)
    assert code == code_wanted
    assert expect in err and "Traceback" not in err
    assert not out.exists() or out.read_bytes() == b"keep me"
    assert not list(tmp_path.glob(".*.part"))


def test_passphrase_is_never_a_command_line_option(capsys):
    code, out, _ = run_cli(["sign", "--help"], capsys)
    assert code == 0
    assert "--passphrase" not in out and "KEPUTUSAN_P12_PASSPHRASE" in out


def test_verify_rejects_what_is_not_a_pdf(ntb_build, certs, capsys):
    code, _, err = run_cli(["verify", str(ntb_build.out_dir / MANIFEST)], capsys)
    assert code == 2 and "bukan file PDF" in err
    code, _, err = run_cli(
        ["verify", str(ntb_build.bundles["asli"]), "--trust", str(ntb_build.out_dir / MANIFEST)], capsys
    )
    assert code == 2 and "bukan sertifikat X.509" in err
    code, _, err = run_cli(["verify", str(ntb_build.out_dir / MANIFEST), "--lang", "en"], capsys)
    assert code == 2 and "not a PDF" in err


# ---------------------------------------------------------------- a signed bundle is never touched


@pytest.mark.parametrize("where", ["in its revision", "at the stable path"])
def test_build_refuses_to_overwrite_a_signed_bundle(where, bundles, signed_asli, capsys):
    stable = bundles / "kpu-ntb-2022" / "kpu-ntb-2022-asli.pdf"
    if where == "at the stable path":
        stable.unlink()  # the link to latest/ replaced by the signed file itself
    shutil.copy(signed_asli, stable)  # in the revision: the copy goes through the link
    target = stable.resolve()
    before = target.read_bytes()
    code, _, err = run_cli(["build", str(NTB_CASE), "--out", str(bundles)], capsys)
    assert code == 4
    assert "kpu-ntb-2022-asli.pdf: file itu bertanda tangan" in err and "Traceback" not in err
    assert target.read_bytes() == before


# ---------------------------------------------------------------- manifest


def test_manifest_lists_every_output_with_hash_and_size(ntb_build):
    manifest = json.loads((ntb_build.out_dir / MANIFEST).read_text(encoding="utf-8"))
    outputs = {e["file"]: e for e in manifest["outputs"]}
    for variant in ("asli", "salinan"):
        for name in (f"kpu-ntb-2022-{variant}.pdf", f"kpu-ntb-2022-{variant}.signing.json"):
            path = ntb_build.out_dir / name
            assert outputs[name]["sha256"] == sha256(path) and outputs[name]["size"] == path.stat().st_size
    # the revision folder holds exactly the outputs listed (plus the manifest, revisi.json and
    # the snapshot of the input, which describe the outputs)
    files = {p.name for p in ntb_build.revision_dir.iterdir() if p.is_file()} - {MANIFEST, "revisi.json"}
    assert set(outputs) == files
    inputs = {Path(e["file"]).name: e["sha256"] for e in manifest["inputs"]}
    assert inputs["keputusan.yaml"] == sha256(NTB_CASE / "keputusan.yaml")
    assert inputs["rencana-aksi.xlsx"] == sha256(NTB_CASE / "rencana-aksi.xlsx")
    assert inputs["dasar-hukum.yaml"] == sha256(NTB_CASE.parent / "dasar-hukum.yaml")
    templates = {e["file"]: e["sha256"] for e in manifest["templates"]}
    assert set(templates) == {"keputusan.docx", "lampiran.docx"}
    from generator import __version__

    assert manifest["version"] == __version__


# ---------------------------------------------------------------- reproducible bytes


def test_two_builds_are_byte_identical(ntb_build, tmp_path):
    from generator.pipeline import build

    again = build(NTB_CASE, tmp_path)
    for variant in ("asli", "salinan"):
        assert sha256(again.bundles[variant]) == sha256(ntb_build.bundles[variant])
        for suffix in (".signing.json", "-keputusan.docx", "-lampiran.docx"):
            name = f"kpu-ntb-2022-{variant}{suffix}"
            assert sha256(again.out_dir / name) == sha256(ntb_build.out_dir / name), name


def test_dates_come_from_the_data_or_source_date_epoch(ntb_build, monkeypatch):
    from generator import numbering

    info = PdfReader(str(ntb_build.bundles["asli"])).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20220117000000Z"  # ditetapkan 2022-01-17
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert numbering.build_time(dt.date(2022, 1, 17)) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
