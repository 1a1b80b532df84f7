"""Everything `validate` accepts, `build` builds: text from all of Unicode in every field.

A property-based test (Hypothesis) writes drawn text into the fields of a real case — the
decree's YAML keys, the plan's cells, a citation of the legal-bases library — and runs the
command: `validate` either accepts the case or exits 2 naming the place of the field; it never
exits otherwise, never shows a traceback. Many texts are only validated; a modest number that
`validate` accepts are built on real LibreOffice, and must build, their names found in the
signature blocks. Unit tests pin what is refused and why (`generator.printable`).

To hunt longer: KEPUTUSAN_UNICODE_VALIDATIONS=5000 KEPUTUSAN_UNICODE_BUILDS=100 (examples).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.errors import DataError
from generator.printable import coverage, problem_of
from tests.conftest import ROOT

KECIL = ROOT / "tests" / "fixtures" / "kecil"
LIBRARY = ROOT / "data" / "dasar-hukum.yaml"

# the YAML keys of the decree that hold text (every one staff type), and the plan's text cells
YAML_FIELDS = [
    ("kantor", "lembaga"),
    ("kantor", "wilayah"),
    ("kantor", "kedudukan"),
    ("nomor", "urut"),
    ("nomor", "klasifikasi"),
    ("nomor", "kode_lembaga"),
    ("tentang",),
    ("judul_lampiran",),
    ("menimbang", 0),
    ("diktum", 1),
    ("ditetapkan", "tempat"),
    ("penandatangan", "jabatan"),
    ("penandatangan", "jabatan_lengkap"),
    ("penandatangan", "nama"),
    ("menetapkan",),
    ("pengesah_salinan", "unit"),
    ("pengesah_salinan", "jabatan"),
    ("pengesah_salinan", "nama"),
    ("profil", "font"),
    ("profil", "jangkar_ttd"),
]
PLAN_CELLS = ["A2", "B2", "C2", "D2", "C3", "Q3"]  # area, kegiatan, sub kegiatan, indikator, keterangan
LIBRARY_KEY = "uu-7-2017"
FIELDS = [("yaml", f) for f in YAML_FIELDS] + [("plan", c) for c in PLAN_CELLS] + [("library", LIBRARY_KEY)]

# Any code point at all (surrogates only where a file can carry them), and, so that many texts
# are valid and reach the build, the characters the default font prints.
ANY_CHAR = st.characters(exclude_categories=["Cs"])
FONT_CHARS = st.sampled_from(sorted(chr(c) for c in coverage("Bookman Old Style") or {0x41}))
TEXT = st.text(st.one_of(ANY_CHAR, FONT_CHARS, FONT_CHARS), min_size=0, max_size=90)
# what a name or a clause may hold with the default font: most drawn texts are accepted
PRINTED_CHARS = st.sampled_from(
    sorted(c for c in (chr(p) for p in coverage("Bookman Old Style") or {0x41}) if problem_of(f"a{c}") is None)
)
PRINTABLE = st.text(st.one_of(PRINTED_CHARS, st.sampled_from(" \n")), min_size=1, max_size=90)


def make_case(root: Path) -> Path:
    """A fresh copy of the small test case, its library beside it."""
    shutil.rmtree(root, ignore_errors=True)
    case = root / "kasus"
    shutil.copytree(KECIL, case)
    shutil.copy(LIBRARY, case / "dasar-hukum.yaml")
    data = yaml.safe_load((case / "keputusan.yaml").read_text(encoding="utf-8"))
    data["dasar_hukum"] = "dasar-hukum.yaml"
    write_yaml(case / "keputusan.yaml", data)
    return case


def write_yaml(path: Path, data) -> None:
    # every character that is not printable ASCII is written as an escape: the file is plain
    # UTF-8 and the YAML parser reads back exactly the drawn text
    path.write_text(yaml.safe_dump(data, allow_unicode=False, width=10**9, sort_keys=False), encoding="utf-8")


def put(case: Path, field: tuple[str, object], text: str) -> None:
    kind, where = field
    if kind == "yaml":
        data = yaml.safe_load((case / "keputusan.yaml").read_text(encoding="utf-8"))
        holder = data
        for part in where[:-1]:
            holder = holder.setdefault(part, {}) if isinstance(part, str) else holder[part]
        if where == ("nomor", "urut"):
            text = text or "7"
        holder[where[-1]] = text
        write_yaml(case / "keputusan.yaml", data)
    elif kind == "library":
        data = yaml.safe_load((case / "dasar-hukum.yaml").read_text(encoding="utf-8"))
        data[where] = text
        write_yaml(case / "dasar-hukum.yaml", data)
    else:
        # a cell can hold only what XML can: the characters openpyxl refuses to write cannot be
        # in a real workbook at all (there is no escape for them in Excel's files)
        text = "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and c not in "\ufffe\uffff"))
        book = openpyxl.load_workbook(case / "rencana-aksi.xlsx")
        book["Rencana Aksi"][where] = text or None
        book.save(case / "rencana-aksi.xlsx")


def place_of(case: Path, field: tuple[str, object]) -> str:
    """How the problem of a field begins: its file, and the YAML key or the cell."""
    kind, where = field
    if kind == "yaml":
        return f"{case / 'keputusan.yaml'}, kunci {where[0]}"
    if kind == "library":
        return f"{case / 'dasar-hukum.yaml'}, kunci {where}"
    return f"{case / 'rencana-aksi.xlsx'}, Rencana Aksi!"


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("unicode")


@settings(
    max_examples=int(os.environ.get("KEPUTUSAN_UNICODE_VALIDATIONS", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(field=st.sampled_from(FIELDS), text=TEXT)
def test_validate_accepts_a_text_or_names_its_place(scratch, field, text):
    case = make_case(scratch / "validate")
    put(case, field, text)
    code, said = run("validate", str(case))
    assert code in (0, 2), said
    assert "Traceback" not in said and "kesalahan internal" not in said, said
    if code == 2:
        assert f"  - {place_of(case, field)}" in said, said


@pytest.fixture(scope="module")
def converter():
    from generator.warm import ConverterPool

    with ConverterPool(1) as pool:
        yield pool


@pytest.mark.libreoffice
@settings(
    max_examples=int(os.environ.get("KEPUTUSAN_UNICODE_BUILDS", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    texts=st.dictionaries(
        st.sampled_from([f for f in FIELDS if f[1] not in (("profil", "font"),)]), PRINTABLE, min_size=1, max_size=4
    )
)
# found by this test: LibreOffice prints a non-breaking hyphen as "-", so the signature block
# naming it was not found where it was printed
@example(texts={("yaml", ("kantor", "lembaga")): "\u2011"})
def test_what_validate_accepts_builds(scratch, converter, texts):
    from generator.load import load_case
    from generator.pipeline import build

    case = make_case(scratch / "build")
    for field, text in texts.items():
        put(case, field, text)
    try:
        loaded = load_case(case)
    except DataError as exc:
        assert all(p.place is not None for p in exc.problems)  # refused, with its place: fine
        event("refused by validate")
        return
    event("built")
    out = scratch / "build-out"
    shutil.rmtree(out, ignore_errors=True)
    result = build(case, out, converter=converter)  # no exception: a build that exits 0
    # each signature field was placed by finding its signer's title and name where they are printed
    fields = {
        field["name"]: field["signer"]["name"]
        for variant in ("asli", "salinan")
        for field in json.loads((result.out_dir / f"kasus-{variant}.signing.json").read_text(encoding="utf-8"))[
            "fields"
        ]
    }
    assert fields == {
        "ttd_ketua": loaded.decree.penandatangan.nama,
        "ttd_pengesah_salinan": loaded.decree.pengesah_salinan.nama,
    }


# ---------------------------------------------------------------- what is refused, and why


@pytest.mark.parametrize(
    "text, code, named",
    [
        ("Suhardi\x00Soud", "text.control_char", "U+0000"),
        ("Suhardi\x01", "text.control_char", "U+0001"),
        ("\x1b[31mmerah", "text.control_char", "U+001B"),
        ("a\ufffe", "text.control_char", "U+FFFE"),
        ("a\uffff", "text.control_char", "U+FFFF"),
        ("a\ud800b", "text.control_char", "U+D800"),
        ("a\ue000", "text.control_char", "U+E000"),
        ("ab\u200bcd", "text.invisible_char", "U+200B ZERO WIDTH SPACE"),
        ("\ufeffbahwa", "text.invisible_char", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("abc\u202edef", "text.invisible_char", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Soft\u00adhyphen", "text.invisible_char", "U+00AD SOFT HYPHEN"),
        ("\u0301a", "text.stray_mark", "U+0301 COMBINING ACUTE ACCENT"),
        ("محمد", "text.rtl_char", "ARABIC LETTER MEEM"),
        ("דוד", "text.rtl_char", "HEBREW LETTER DALET"),
        ("Иван", "text.glyph_missing", "CYRILLIC CAPITAL LETTER I"),
        ("漢字", "text.glyph_missing", "CJK UNIFIED IDEOGRAPH-6F22"),
        ("ǆ", "text.glyph_missing", "LATIN SMALL LETTER DZ WITH CARON"),
    ],
)
def test_unprintable_characters_are_refused_by_name(text, code, named):
    found = problem_of(text)
    assert found is not None and found[0] == code
    assert named in found[1]["char"]


@pytest.mark.parametrize(
    "text",
    ["Suhardi Soud", "Dr. H. Lalu Ahmad, S.H., M.Hum.", "Éric Ñúñez — “kutip” ½ °C", "e\u0301", "baris\nkedua"],
)
def test_what_the_font_prints_is_accepted(text):
    assert problem_of(text) is None


def test_a_lone_surrogate_is_refused_with_its_key(case_copy, capsys):
    """YAML can write a lone surrogate as an escape; the parser refuses it at its line."""
    path = case_copy / "keputusan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nama: Suhardi Soud", 'nama: "Suhardi\\ud800"'))
    assert main(["validate", str(case_copy)]) == 2
    err = capsys.readouterr().err
    assert f"{path} (baris 53): bukan YAML yang sah" in err and "Traceback" not in err


def test_control_characters_are_refused_in_both_forms_with_their_place(case_copy, tmp_path, capsys):
    """The problem of issue 13: \\0, ESC, U+FFFF in YAML made `build` fail with exit 3."""
    path = case_copy / "keputusan.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("nama: Suhardi Soud", 'nama: "Suhardi\\0Soud"')
    text = text.replace("kedudukan: Mataram", 'kedudukan: "Mata\\eram"')
    text = text.replace("  tempat: Mataram", '  tempat: "Mataram\\uFFFF"')
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "keluaran"
    assert main(["build", str(case_copy), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, kunci penandatangan.nama (baris 53): karakter kendali U+0000 di posisi ke-8" in err
    assert f"{path}, kunci kantor.kedudukan (baris 11): karakter kendali U+001B di posisi ke-5" in err
    assert f"{path}, kunci ditetapkan.tempat (baris 49): karakter kendali U+FFFF di posisi ke-8" in err
    assert not out.exists()

    book = openpyxl.load_workbook(case_copy / "rencana-aksi.xlsx")
    book["Rencana Aksi"]["C5"] = "Penyusunan \u202eRencana"
    book["Rencana Aksi"]["D8"] = "Тim"
    book.save(case_copy / "rencana-aksi.xlsx")
    path.write_text(path.read_text(encoding="utf-8").replace('"Suhardi\\0Soud"', "Suhardi Soud"))
    assert main(["validate", str(case_copy), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    plan = case_copy / "rencana-aksi.xlsx"
    assert f"{plan}, Rencana Aksi!C5: invisible character U+202E RIGHT-TO-LEFT OVERRIDE at position 12" in err
    assert f"{plan}, Rencana Aksi!D8: the font Bookman Old Style (printed with TeX Gyre Bonum) has no 'Т'" in err


def test_right_to_left_and_other_scripts_are_refused_by_validate_not_by_build(case_copy, capsys):
    path = case_copy / "keputusan.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("nama: Suhardi Soud", "nama: محمد سهاردي")
    text = text.replace("  jabatan: Ketua", "  jabatan: יושב ראש")
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(case_copy)]) == 2
    err = capsys.readouterr().err
    assert "kunci penandatangan.nama (baris 53): huruf 'م' (U+0645 ARABIC LETTER MEEM)" in err
    assert "ditulis dari kanan ke kiri" in err and "kunci penandatangan.jabatan (baris 52)" in err


def test_a_font_that_has_the_letters_accepts_them(case_copy, capsys):
    """The check follows profil.font: Cyrillic is refused with Bookman Old Style (TeX Gyre Bonum),
    accepted with Arial (Liberation Sans has it)."""
    path = case_copy / "keputusan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nama: Suhardi Soud", "nama: Иван Петров"))
    assert main(["validate", str(case_copy)]) == 2
    assert "CYRILLIC CAPITAL LETTER I" in capsys.readouterr().err
    path.write_text(path.read_text(encoding="utf-8").replace("profil: {}", 'profil: {font: "Arial"}'))
    assert main(["validate", str(case_copy)]) == 0


def test_printable_needs_every_character_named():
    """Every refusal names the character by its code point (and its Unicode name when it has one)."""
    for char in ("\x00", "\x7f", "\u0085", "\u2028", "\U000e0001"):
        found = problem_of(f"a{char}")
        assert found is not None and f"U+{ord(char):04X}" in found[1]["char"]
        assert unicodedata.name(char, "") in found[1]["char"]


@pytest.mark.libreoffice
def test_a_seventy_letter_name_builds_its_signature_block(scratch, converter):
    """A signer's name of 70 letters without a space passed validation, then `build` failed with
    exit 3 blaming the template: LibreOffice breaks such a word over lines, and the name was
    no longer found where it was printed."""
    from generator.pipeline import build

    case = make_case(scratch / "seventy")
    name = "Suhardisoudabdurrahmanwahidkusumawardhaniprawiranegarasastroamidjojo"
    put(case, ("yaml", ("penandatangan", "nama")), name)
    put(case, ("yaml", ("pengesah_salinan", "nama")), name[::-1].title())
    out = scratch / "seventy-out"
    result = build(case, out, converter=converter)
    for variant, signer in (("asli", name), ("salinan", name[::-1].title())):
        fields = json.loads((result.out_dir / f"kasus-{variant}.signing.json").read_text(encoding="utf-8"))["fields"]
        assert [f["signer"]["name"] for f in fields] == [signer]
        assert fields[0]["rect"][3] - fields[0]["rect"][1] >= 24  # a real signature space above the name
