"""Numbers are generated, never typed: ordinals, letters, Roman months, dates, decree numbers."""

import datetime as dt

import pytest

from generator import numbering


@pytest.mark.parametrize(
    "n, expected",
    [
        (1, "KESATU"),
        (2, "KEDUA"),
        (3, "KETIGA"),
        (4, "KEEMPAT"),
        (5, "KELIMA"),
        (6, "KEENAM"),
        (7, "KETUJUH"),
        (8, "KEDELAPAN"),
        (9, "KESEMBILAN"),
        (10, "KESEPULUH"),
        (11, "KESEBELAS"),
        (12, "KEDUA BELAS"),
        (15, "KELIMA BELAS"),
        (19, "KESEMBILAN BELAS"),
        (20, "KEDUA PULUH"),
        (21, "KEDUA PULUH SATU"),
        (30, "KETIGA PULUH"),
    ],
)
def test_diktum_ordinals_are_spelled_as_decrees_spell_them(n, expected):
    assert numbering.diktum_ordinal(n) == expected


def test_no_diktum_is_ever_called_pertama():
    assert all("PERTAMA" not in numbering.diktum_ordinal(n) for n in range(1, 100))


@pytest.mark.parametrize("index, letter", [(0, "a"), (1, "b"), (25, "z"), (26, "aa"), (27, "ab")])
def test_item_letters(index, letter):
    assert numbering.item_letter(index) == letter


@pytest.mark.parametrize("n, expected", [(1, "I"), (4, "IV"), (9, "IX"), (12, "XII"), (2022, "MMXXII")])
def test_roman(n, expected):
    assert numbering.roman(n) == expected


@pytest.mark.parametrize(
    "date, expected",
    [
        (dt.date(2022, 1, 17), "17 Januari 2022"),
        (dt.date(2023, 3, 9), "9 Maret 2023"),  # no leading zero
        (dt.date(2024, 12, 31), "31 Desember 2024"),
    ],
)
def test_dates_print_indonesian_style(date, expected):
    assert numbering.tanggal(date) == expected


@pytest.mark.parametrize(
    "count, expected",
    [
        (1, "huruf a"),
        (2, "huruf a dan huruf b"),
        (3, "huruf a, huruf b, dan huruf c"),
    ],
)
def test_menimbang_refers_back_to_every_item_before_it(count, expected):
    assert numbering.huruf_list(count) == expected


@pytest.mark.parametrize(
    "fmt, parts, expected",
    [
        (
            "{urut}/{klasifikasi}/{kode_wilayah}/{tahun}",
            {"urut": 19, "klasifikasi": "ORT.07", "kode_wilayah": "52", "tahun": 2022},
            "19/ORT.07/52/2022",
        ),
        (
            "{urut}/{klasifikasi}-Kpt/{kode_wilayah}/{kode_lembaga}/{bulan_romawi}/{tahun}",
            {
                "urut": 612,
                "klasifikasi": "ORT.04",
                "kode_wilayah": "05",
                "kode_lembaga": "KPU",
                "bulan_romawi": "XII",
                "tahun": 2020,
            },
            "612/ORT.04-Kpt/05/KPU/XII/2020",
        ),
        ("{urut} TAHUN {tahun}", {"urut": 3, "tahun": 2023}, "3 TAHUN 2023"),
    ],
)
def test_the_three_number_schemes_compose_from_parts(fmt, parts, expected):
    assert numbering.compose_number(fmt, parts) == expected


def test_a_missing_number_part_is_named():
    with pytest.raises(KeyError) as exc:
        numbering.compose_number("{urut}/{klasifikasi}/{tahun}", {"urut": 1, "tahun": 2022})
    assert exc.value.args[0] == "klasifikasi"


def test_lampiran_rows_letter_only_kegiatan_with_several_sub_kegiatan():
    from generator.model import Area, Kegiatan, RencanaAksi, SubKegiatan

    plan = RencanaAksi(
        (
            Area(
                "A",
                (
                    Kegiatan("K1", (SubKegiatan("s1", "i1"), SubKegiatan("s2", None))),
                    Kegiatan("K2", (SubKegiatan("s3", "i3"),)),
                ),
            ),
            Area("B", (Kegiatan("K3", (SubKegiatan("s4", "i4"),)),)),
        )
    )
    rows = numbering.lampiran_rows(plan)
    assert [r["huruf"] for r in rows] == ["a.", "b.", "", ""]
    assert [r["no"] for r in rows] == ["1", "", "", "2"]
    assert rows[0]["span"] == {"no": 3, "area": 3, "kegiatan": 2, "indikator": 2}
    # a page break before row 1 restarts every group there, with the labels printed again
    rows = numbering.lampiran_rows(plan, frozenset({1}))
    assert (rows[1]["no"], rows[1]["area"], rows[1]["kegiatan"], rows[1]["indikator"]) == ("1", "A", "K1", "i1")
    assert rows[0]["span"] == {"no": 1, "area": 1, "kegiatan": 1, "indikator": 1}
