"""Revisions and diff: a changed build never overwrites the one before, an unchanged one makes
none, the stable paths follow the newest, and `diff` names what changed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from generator.cases import init_case
from generator.cli import main
from generator.content import case_content
from generator.diff import compare, render_text
from generator.errors import OutputError
from generator.load import load_case
from generator.outputs import Manifest, fingerprint
from generator.pipeline import build_revision
from generator.render import DEFAULT_TEMPLATES
from generator.revisions import adopt_old_layout, current, list_revisions
from tests.conftest import pdf_text, squash
from tests.test_workbook import _fill_starter, _label_row


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.libreoffice
def test_new_case_builds_and_revisions_follow_its_changes(tmp_path, capsys):
    # A new case made by init, filled in as staff would, validates and builds.
    case = tmp_path / "data" / "kpu-lobar-2024"
    init_case(case)
    _fill_starter(case / "keputusan.xlsx")
    assert main(["validate", str(case)]) == 0
    out = tmp_path / "output"
    assert main(["build", str(case), "--out", str(out)]) == 0
    folder = out / "kpu-lobar-2024"
    first = folder / "rev-001"
    assert os.readlink(folder / "latest") == "rev-001"
    assert os.readlink(folder / "kpu-lobar-2024-asli.pdf") == "latest/kpu-lobar-2024-asli.pdf"
    assert (folder / "kpu-lobar-2024-salinan.pdf").resolve() == (first / "kpu-lobar-2024-salinan.pdf").resolve()
    assert (folder / "manifest.json").resolve() == (first / "manifest.json").resolve()
    assert (
        json.loads((first / "masukan" / "data.json").read_text())["rencana_aksi"][0]["sub_kegiatan"]
        == "Pembentukan Tim"
    )
    assert (first / "masukan" / "keputusan.xlsx").is_file()  # the input itself, kept with its build
    built = {p.name: _sha(p) for p in first.iterdir() if p.is_file()}
    assert "3/ORT.07/5201/2024" in pdf_text(folder / "kpu-lobar-2024-salinan.pdf")

    # Unchanged: no new revision, nothing rebuilt.
    capsys.readouterr()
    assert main(["build", str(case), "--out", str(out)]) == 0
    assert "tidak ada perubahan sejak rev-001" in capsys.readouterr().err
    assert main(["build", str(case), "--out", str(out), "--variant", "asli"]) == 0
    assert [r.name for r in list_revisions(folder)] == ["rev-001"]

    # A changed row, months moved, a new number: a second revision; the first is kept as it was.
    book = openpyxl.load_workbook(case / "keputusan.xlsx")
    plan = book["Rencana Aksi"]
    plan["C3"] = "Rapat koordinasi Tim Reformasi Birokrasi"
    plan["G3"], plan["H3"] = None, "x"
    decree = book["Keputusan"]
    decree.cell(row=_label_row(decree, "Nomor Urut"), column=2, value=4)
    book.save(case / "keputusan.xlsx")
    assert main(["build", str(case), "--out", str(out)]) == 0
    assert [r.name for r in list_revisions(folder)] == ["rev-001", "rev-002"]
    assert {p.name: _sha(p) for p in first.iterdir() if p.is_file()} == built
    assert os.readlink(folder / "latest") == "rev-002"
    latest_text = squash(pdf_text(folder / "kpu-lobar-2024-asli.pdf"))
    assert "4/ORT.07/5201/2024" in latest_text and squash("Rapat koordinasi Tim Reformasi Birokrasi") in latest_text
    assert "3/ORT.07/5201/2024" in pdf_text(first / "kpu-lobar-2024-asli.pdf")

    # diff names the change in human terms.
    capsys.readouterr()
    assert main(["diff", str(case), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Daftar perubahan kpu-lobar-2024: rev-001 → rev-002" in text
    assert "Nomor Urut: 3 → 4" in text
    assert "Area 1 › Tim Reformasi Birokrasi: kata-kata diubah: Rapat koordinasi Tim {+Reformasi Birokrasi+}" in text
    assert "bulan pelaksanaan Maret → April" in text

    # ... and as a one-page daftar perubahan for reviewers.
    assert main(["diff", str(folder), "--pdf"]) == 0
    pdf = folder / "daftar-perubahan-rev-001-rev-002.pdf"
    from generator.bundle import page_count

    assert page_count(pdf) == 1
    printed = pdf_text(pdf)
    assert "DAFTAR PERUBAHAN" in printed and "Nomor Urut: 3 → 4" in printed
    assert squash("Rapat koordinasi Tim Reformasi Birokrasi") in squash(printed)

    # A bundle signed (changed) in place is never rebuilt over: with the same data the build
    # refuses and the stable path stays on the signed file; changed data makes a new revision.
    with (folder / "kpu-lobar-2024-asli.pdf").open("ab") as fh:
        fh.write(b"% signature appended\n")
    signed = _sha(folder / "rev-002" / "kpu-lobar-2024-asli.pdf")
    capsys.readouterr()
    assert main(["build", str(case), "--out", str(out)]) == 4
    assert "tidak menimpa" in capsys.readouterr().err
    assert [r.name for r in list_revisions(folder)] == ["rev-001", "rev-002"]
    assert _sha(folder / "kpu-lobar-2024-asli.pdf") == signed
    book = openpyxl.load_workbook(case / "keputusan.xlsx")
    book["Rencana Aksi"]["Q4"] = "tiap semester"
    book.save(case / "keputusan.xlsx")
    assert main(["build", str(case), "--out", str(out)]) == 0
    assert [r.name for r in list_revisions(folder)] == ["rev-001", "rev-002", "rev-003"]
    assert _sha(folder / "rev-002" / "kpu-lobar-2024-asli.pdf") == signed
    capsys.readouterr()
    assert main(["diff", str(folder), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Changes in kpu-lobar-2024: rev-002 → rev-003" in text
    assert "Area 2 › Gratifikasi › Sosialisasi gratifikasi: keterangan tiap tahun → tiap semester" in text


class FailIfCalled:
    def convert(self, src, dst):
        raise AssertionError("nothing should be converted")


def test_a_users_own_file_at_a_stable_path_stops_the_build_before_anything(tmp_path):
    case = load_case(Path(__file__).parent / "fixtures" / "kecil")
    folder = tmp_path / "kecil"
    folder.mkdir()
    (folder / "kecil-asli.pdf").write_bytes(b"%PDF-1.7 signed by hand")
    with pytest.raises(OutputError, match="not overwriting"):
        build_revision(case, folder, converter=FailIfCalled())
    assert sorted(p.name for p in folder.iterdir()) == ["kecil-asli.pdf"]


def test_a_build_from_before_revisions_is_kept_as_a_revision(tmp_path):
    folder = tmp_path / "kecil"
    folder.mkdir()
    files = {"kecil-asli.pdf": b"%PDF old asli", "kecil-salinan.pdf": b"%PDF old salinan"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    manifest = {
        "case": "kecil",
        "number": "7",
        "version": "0.1.0",
        "outputs": [{"file": n, "sha256": hashlib.sha256(d).hexdigest()} for n, d in files.items()],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    adopt_old_layout(folder)
    [rev] = list_revisions(folder)
    assert rev.name == "rev-001" and rev.info()["lama"] is True
    assert (rev.path / "kecil-asli.pdf").read_bytes() == b"%PDF old asli"
    assert sorted(p.name for p in folder.iterdir()) == ["rev-001"]


def test_a_crafted_manifest_cannot_move_or_trust_a_file_outside_its_folder(tmp_path, caplog):
    # A manifest.json in DIR/<case>/ (as builds before revisions left it) naming files outside
    # the folder, with their true SHA-256: adopting the old layout moves only its own files.
    out = tmp_path / "out"
    folder = out / "kecil"
    folder.mkdir(parents=True)
    secret = tmp_path / "x" / "secret.txt"
    secret.parent.mkdir()
    secret.write_bytes(b"not the tool's")
    beside = out / "beside.txt"
    beside.write_bytes(b"a neighbour's file")
    (folder / "kecil-asli.pdf").write_bytes(b"%PDF old asli")
    outputs = [
        {"file": "kecil-asli.pdf", "sha256": _sha(folder / "kecil-asli.pdf")},
        {"file": "../../x/secret.txt", "sha256": _sha(secret)},
        {"file": "../beside.txt", "sha256": _sha(beside)},
        {"file": str(secret), "sha256": _sha(secret)},
        {"file": "..", "sha256": "0" * 64},
    ]
    (folder / "manifest.json").write_text(json.dumps({"case": "kecil", "outputs": outputs}))
    manifest = Manifest.read(folder)
    assert list(manifest.entries) == ["kecil-asli.pdf"]  # the others are ignored, and said so
    assert sum("ignored: not a plain file name" in r.getMessage() for r in caplog.records) == 4
    adopt_old_layout(folder)
    assert secret.read_bytes() == b"not the tool's" and beside.read_bytes() == b"a neighbour's file"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "beside.txt",
        "kecil-asli.pdf",
        "manifest.json",
        "revisi.json",
        "secret.txt",
    ]
    [rev] = list_revisions(folder)
    assert sorted(p.name for p in rev.path.iterdir()) == ["kecil-asli.pdf", "manifest.json", "revisi.json"]


@pytest.mark.libreoffice
def test_a_hand_edited_docx_of_the_newest_revision_stops_a_same_data_rebuild(tmp_path, capsys):
    kecil = Path(__file__).parent / "fixtures" / "kecil"
    out = tmp_path / "out"
    assert main(["build", str(kecil), "--out", str(out)]) == 0
    folder = out / "kecil"
    docx = folder / "kecil-asli-keputusan.docx"  # the stable link into rev-001, as staff open it
    document = Document(str(docx))
    document.add_paragraph("Ditambah dengan tangan.")
    document.save(str(docx))
    edited = _sha(docx)
    capsys.readouterr()
    assert main(["build", str(kecil), "--out", str(out), "--lang", "en"]) == 4
    err = capsys.readouterr().err
    assert f"nothing written: not overwriting {docx}: changed since this tool wrote it" in err
    assert "the data has not changed since rev-001, so there is nothing to rebuild" in err
    assert [r.name for r in list_revisions(folder)] == ["rev-001"]
    assert _sha(folder / "rev-001" / "kecil-asli-keputusan.docx") == edited and os.path.islink(docx)
    # asked in the one place the batch asks too, without building anything
    case = load_case(kecil)
    with pytest.raises(OutputError, match=r"kecil-asli-keputusan\.docx: changed since"):
        current(folder, fingerprint(case_content(case), DEFAULT_TEMPLATES), ["asli"])
    assert current(folder, "another fingerprint", ["asli"]) is None  # changed data: a new revision


def test_diff_without_two_revisions_says_what_to_do(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "kasus"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "belum ada hasil build" in err and "keputusan build" in err


# ---------------------------------------------------------------- comparing snapshots


def _row(area, kegiatan, sub, indikator=None, bulan=(), keterangan=""):
    return {
        "area": area,
        "kegiatan": kegiatan,
        "sub_kegiatan": sub,
        "indikator": indikator,
        "bulan": list(bulan),
        "keterangan": keterangan,
    }


def _snapshot(rows, **decree):
    base = {
        "tentang": "Rencana Aksi 2023",
        "menimbang": ["bahwa satu;"],
        "diktum": ["Menetapkan."],
        "nomor": {"urut": 7, "format": "{urut}"},
    }
    return {
        "keputusan": base | decree,
        "mengingat": [{"kunci": "a", "teks": "UU 1"}, {"kunci": "b", "teks": "UU 2"}],
        "rencana_aksi": rows,
        "kantor_batch": [],
    }


OLD_ROWS = [
    _row("Manajemen Perubahan", "Tim RB", "Pembentukan Tim Reformasi", "SK Tim", [1, 2]),
    _row("Manajemen Perubahan", "Tim RB", "Rapat rutin Tim"),
    _row("Manajemen Perubahan", "Road Map", "Penyusunan Road Map", "Dokumen", [3]),
    _row("Penguatan Pengawasan", "Gratifikasi", "Sosialisasi gratifikasi", "Laporan"),
    _row("Penguatan Pengawasan", "Gratifikasi", "Pembentukan UPG"),
]


def test_compare_names_each_kind_of_change():
    new_rows = [
        _row("Manajemen Perubahan", "Tim Reformasi Birokrasi", "Pembentukan Tim Reformasi Birokrasi", "SK Tim", [1, 2]),
        _row("Manajemen Perubahan", "Tim Reformasi Birokrasi", "Rapat rutin Tim", None, [], "bulanan"),
        _row("Manajemen Perubahan", "Road Map", "Penyusunan Road Map", "Dokumen final", [5, 6]),
        _row("Manajemen Perubahan", "Road Map", "Sosialisasi Road Map"),
        _row("Penguatan Pengawasan Internal", "Gratifikasi", "Sosialisasi gratifikasi", "Laporan"),
    ]
    old = _snapshot(OLD_ROWS)
    new = _snapshot(new_rows, tentang="Rencana Aksi Reformasi Birokrasi 2023", menimbang=["bahwa satu;", "bahwa dua;"])
    new["mengingat"] = new["mengingat"][:1]
    text = render_text(_comparison(old, new))
    expected = [
        "Tentang diubah: Rencana Aksi {+Reformasi Birokrasi+} 2023",
        'Menimbang 2: ditambah "bahwa dua;"',
        'Mengingat 2: dihapus "UU 2"',
        "Area 2 berganti nama: Penguatan Pengawasan {+Internal+}",
        "Area 1 › Kegiatan berganti nama: Tim [-RB-] {+Reformasi Birokrasi+}",
        "Area 1 › Tim Reformasi Birokrasi: kata-kata diubah: Pembentukan Tim Reformasi {+Birokrasi+}",
        "Area 1 › Road Map › Penyusunan Road Map: indikator diubah: Dokumen {+final+}",
        "Area 1 › Road Map › Penyusunan Road Map: bulan pelaksanaan Maret → Mei, Juni",
        "Area 1 › Tim Reformasi Birokrasi › Rapat rutin Tim: keterangan (kosong) → bulanan",
        'Area 1 › Road Map: ditambah "Sosialisasi Road Map"',
        'Area 2 › Gratifikasi: dihapus "Pembentukan UPG"',
    ]
    for line in expected:
        assert line in text, f"{line!r} not in:\n{text}"


def test_compare_moved_row_and_no_change():
    moved = [OLD_ROWS[0], OLD_ROWS[2], OLD_ROWS[1], *OLD_ROWS[3:]]
    moved[1] = _row("Manajemen Perubahan", "Tim RB", "Penyusunan Road Map", "Dokumen", [3])
    moved[2] = _row("Manajemen Perubahan", "Road Map", "Rapat rutin Tim", "Dokumen")
    text = render_text(_comparison(_snapshot(OLD_ROWS), _snapshot(moved)))
    assert "baris dipindah" in text
    assert compare(_snapshot(OLD_ROWS), _snapshot(OLD_ROWS)) == []


def _comparison(old, new):
    from generator.diff import Comparison

    return Comparison("uji", "rev-001", "rev-002", {}, {}, compare(old, new))


def _one_change():
    from generator.diff import Change, Comparison

    return Comparison("kasus", "rev-001", "rev-002", {}, {}, [Change("keputusan", "changed", "Nomor Urut", "3", "4")])


class _Converter:
    """Stands in for LibreOffice where only the refusal or the file's arrival is checked."""

    def convert(self, src, dst):
        dst.write_bytes(b"%PDF-1.7\n% daftar perubahan\n%%EOF\n")
        return dst


def test_daftar_perubahan_never_overwrites_what_is_there(tmp_path):
    from generator.diff import write_pdf

    kept = tmp_path / "laporan.pdf"
    kept.write_bytes(b"%PDF-1.7 someone's own file")
    with pytest.raises(OutputError, match="exists"):
        write_pdf(_one_change(), kept, converter=FailIfCalled())
    assert kept.read_bytes() == b"%PDF-1.7 someone's own file"
    write_pdf(_one_change(), kept, converter=_Converter(), replace=True)  # --force
    assert b"daftar perubahan" in kept.read_bytes()

    link = tmp_path / "kasus-asli.pdf"  # a stable path of a build
    link.symlink_to(kept)
    before = kept.read_bytes()
    with pytest.raises(OutputError, match="link"):
        write_pdf(_one_change(), link, converter=FailIfCalled(), replace=True)
    assert link.is_symlink() and kept.read_bytes() == before


def test_daftar_perubahan_never_overwrites_a_signed_pdf(signed_asli, tmp_path):
    from generator.diff import write_pdf

    target = tmp_path / "ditandatangani.pdf"
    target.write_bytes(signed_asli.read_bytes())
    with pytest.raises(OutputError, match="signed"):
        write_pdf(_one_change(), target, converter=FailIfCalled(), replace=True)
    assert target.read_bytes() == signed_asli.read_bytes()


def test_diff_pdf_file_refuses_an_existing_file_with_exit_4(tmp_path, capsys, monkeypatch):
    import generator.diff as diff_module

    monkeypatch.setattr(diff_module, "compare_revisions", lambda *a, **k: _one_change())
    folder = tmp_path / "hasil" / "kasus"
    (folder / "rev-001").mkdir(parents=True)
    (folder / "rev-002").mkdir()
    target = tmp_path / "punya-saya.pdf"
    target.write_bytes(b"%PDF-1.7 mine")
    assert main(["diff", str(folder), "--pdf-file", str(target)]) == 4
    assert "punya-saya.pdf" in capsys.readouterr().err
    assert target.read_bytes() == b"%PDF-1.7 mine"
