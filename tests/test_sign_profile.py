"""Profile settings for signing: a field in the lampiran's closing block, and an invisible
anchor character in each signature space for signing services that search for one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from sign_fixtures import PASSPHRASE
from test_sign import find_line, overlaps, sig_widgets, top_left, words_on

from generator import signing
from generator.cli import main
from generator.errors import DataError
from generator.load import load_case
from generator.pipeline import build


def set_profil(case_dir: Path, profil: str) -> None:
    path = case_dir / "keputusan.yaml"
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"^profil:.*$", "profil:\n" + profil, text, flags=re.M)
    assert n == 1
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def profiled_build(tmp_path_factory):
    """The NTB case with `ttd_lampiran: true` and `jangkar_ttd: "#"`, built on real LibreOffice."""
    import shutil

    from conftest import NTB_CASE

    root = tmp_path_factory.mktemp("profil")
    case_dir = root / "data" / NTB_CASE.name
    shutil.copytree(NTB_CASE, case_dir)
    shutil.copy(NTB_CASE.parent / "dasar-hukum.yaml", root / "data" / "dasar-hukum.yaml")
    set_profil(case_dir, '  ttd_lampiran: true\n  jangkar_ttd: "#"')
    return build(case_dir, root / "out")


@pytest.mark.libreoffice
def test_lampiran_fields_sit_in_the_closing_blocks(profiled_build):
    last = profiled_build.pages["asli"]
    expected = {
        "asli": {
            "ttd_ketua": (3, "PROVINSI NUSA TENGGARA BARAT,", "SUHARDI SOUD"),
            "ttd_ketua_lampiran": (last, "PROVINSI NUSA TENGGARA BARAT,", "SUHARDI SOUD"),
        },
        "salinan": {
            "ttd_pengesah_salinan": (3, "Manusia,", "Lalu Nizamudin Afandi Arungan"),
            "ttd_pengesah_salinan_lampiran": (last, "Sumber Daya Manusia,", "Lalu Nizamudin Afandi Arungan"),
        },
    }
    for variant, wanted in expected.items():
        pdf = profiled_build.bundles[variant]
        widgets = sig_widgets(pdf)
        assert set(widgets) == set(wanted)
        for name, (page, above, below) in wanted.items():
            got_page, rect, signed = widgets[name]
            assert (got_page, signed) == (page, False), name
            words = words_on(pdf, page)
            box = top_left(rect, float(PdfReader(str(pdf)).pages[page - 1].mediabox.height))
            title, signer = find_line(words, above), find_line(words, below)
            assert max(w.bottom for w in title) <= box[1] and box[3] <= min(w.top for w in signer), name
            assert box[3] - box[1] >= 40, name
            printed = [w.text for w in words if overlaps(w, box)]
            assert printed in ([], ["#"]), (name, printed)  # only the invisible anchor


@pytest.mark.libreoffice
def test_anchor_is_printed_invisibly_in_each_signature_space(profiled_build):
    for variant, pdf in profiled_build.bundles.items():
        doc = json.loads(pdf.with_name(f"kpu-ntb-2022-{variant}.signing.json").read_text(encoding="utf-8"))
        assert doc["anchor"] == "#" and len(doc["fields"]) == 2
        for entry in doc["fields"]:
            anchor = entry["anchor"]
            assert anchor["text"] == "#" and anchor["page"] == entry["page"]
            ax0, ay0, _ax1, ay1 = anchor["rect"]
            llx, lly, _urx, ury = entry["rect"]
            # on the last blank line above the name, at the left edge of the field
            assert ax0 == pytest.approx(llx, abs=0.5) and lly - 5 <= ay0 and ay1 <= ury
            words = [w for w in words_on(pdf, entry["page"]) if w.text == "#"]
            assert len(words) == 1
    # the anchor is white in the Word files, so nothing shows on paper
    for docx in profiled_build.out_dir.glob("*.docx"):
        runs = [r for p in _paragraphs(Document(str(docx))) for r in p.runs if r.text == "#"]
        assert len(runs) == 1, docx.name
        assert str(runs[0].font.color.rgb) == "FFFFFF"


def _paragraphs(doc):
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


@pytest.mark.libreoffice
def test_two_fields_are_signed_one_after_the_other_and_both_validate(
    profiled_build, certs, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("KEPUTUSAN_P12_PASSPHRASE", PASSPHRASE)
    bundle = profiled_build.bundles["asli"]
    first, second = tmp_path / "ttd1.pdf", tmp_path / "ttd2.pdf"
    assert main(["sign", str(bundle), "--p12", str(certs["p12"]), "--out", str(first)]) == 2
    assert "pilih satu dengan --field (ttd_ketua, ttd_ketua_lampiran)" in capsys.readouterr().err
    assert main(["sign", str(bundle), "--p12", str(certs["p12"]), "--field", "ttd_ketua", "--out", str(first)]) == 0
    assert main(["sign", str(first), "--p12", str(certs["p12"]), "--out", str(second)]) == 0  # the one left
    capsys.readouterr()
    report = signing.verify(second, [certs["root"]])
    by_field = {s.field: s for s in report.signatures}
    assert set(by_field) == {"ttd_ketua", "ttd_ketua_lampiran"}
    assert all(s.intact and s.valid and s.trusted and s.ok for s in by_field.values())
    assert by_field["ttd_ketua_lampiran"].whole_file
    assert str(by_field["ttd_ketua"].coverage) == "whole revision; later: form filling"  # a Message, in English
    assert "Lampiran" in by_field["ttd_ketua_lampiran"].reason
    assert main(["verify", str(second), "--trust", str(certs["root"])]) == 0


def test_anchor_setting_is_checked(case_copy):
    set_profil(case_copy, '  jangkar_ttd: "# #"')
    with pytest.raises(DataError) as err:
        load_case(case_copy)
    assert "profil.jangkar_ttd" in str(err.value)
