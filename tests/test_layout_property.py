"""Property: every plan lays out, on real LibreOffice, with every page of its table labelled.

Hypothesis draws plans (areas, kegiatan and sub-kegiatan counts; texts from a few words up to
the 2,000-character limit in every column), paper (F4, A4) and the table's font size, and each
is laid out as a build lays it out. Every one must settle, no row may be split by a page break,
and each page of the table must open with its area's number, its area and its kegiatan.

Deterministic (derandomize, no example database) and bounded: twenty examples, about two minutes.
KEPUTUSAN_LAYOUT_KEEP=DIR keeps each example's PDF there, to look at.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from generator import layout
from generator.load import load_case
from generator.model import MAX_TEXT, Area, Kegiatan, RencanaAksi, SubKegiatan
from tests.agency_plan import agency_plan
from tests.conftest import NTB_CASE
from tests.test_layout import assert_pages_labelled, lay_out, with_plan

pytestmark = pytest.mark.libreoffice

WORDS = [
    "pelaksanaan",
    "penyusunan",
    "dokumen",
    "rencana",
    "kerja",
    "reformasi",
    "birokrasi",
    "unit",
    "evaluasi",
    "monitoring",
    "tindak",
    "lanjut",
    "laporan",
    "kinerja",
    "pegawai",
    "aparatur",
    "pelayanan",
    "publik",
    "inovasi",
    "sistem",
    "informasi",
    "pengawasan",
    "akuntabilitas",
    "keuangan",
    "penguatan",
    "penataan",
    "organisasi",
    "kebijakan",
    "regulasi",
    "kompetensi",
    "integritas",
    "SPBE",
    "SOP",
    "WBK/WBBM",
]

# most texts are short, as staff type them; some are long, a few as long as a cell may be
LENGTHS = st.one_of(st.integers(3, 80), st.integers(80, 400), st.integers(400, MAX_TEXT))


def _text(rng: random.Random, length: int) -> str:
    out = ""
    while len(out) < length:
        out += rng.choice(WORDS) + " "
    return out[:length].strip() or "x"


@st.composite
def plans(draw) -> RencanaAksi:
    rng = random.Random(draw(st.integers(0, 2**32)))
    row = 2
    areas = []
    for _ in range(draw(st.integers(1, 3))):
        kegiatan = []
        for _ in range(draw(st.integers(1, 3))):
            subs = []
            for i in range(draw(st.integers(1, 6))):
                indikator = _text(rng, draw(LENGTHS)) if i == 0 or draw(st.booleans()) else None
                keterangan = _text(rng, draw(LENGTHS)) if draw(st.integers(0, 3)) == 0 else ""
                months = frozenset(rng.sample(range(1, 13), rng.randint(0, 12)))
                subs.append(
                    SubKegiatan(_text(rng, draw(LENGTHS)), indikator, months, keterangan, f"Rencana Aksi!A{row}:Q{row}")
                )
                row += 1
            kegiatan.append(Kegiatan(_text(rng, draw(LENGTHS)), tuple(subs)))
        areas.append(Area(_text(rng, draw(LENGTHS)), tuple(kegiatan)))
    return RencanaAksi(tuple(areas))


@pytest.fixture(scope="module")
def ntb():
    return load_case(NTB_CASE)


@pytest.fixture(scope="module")
def pool():
    from generator.warm import ConverterPool

    with ConverterPool(1) as converter:
        yield converter


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking in the suite: a failure is kept (KEEP) and rerun by hand
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan=plans(), paper=st.sampled_from(["F4", "A4"]), size=st.sampled_from([6, 9, 11, 14]))
def test_every_plan_lays_out_with_every_page_labelled(plan, paper, size, ntb, pool, tmp_path_factory):
    case = with_plan(ntb, plan, kertas=paper, ukuran_font_tabel=size)
    folder = tmp_path_factory.mktemp("plan")
    note(f"{paper}, {size} pt, {plan.row_count} rows, in {folder}")
    pagination, passes, reader = lay_out(case, pool, folder)
    keep = os.environ.get("KEPUTUSAN_LAYOUT_KEEP")
    if keep:
        name = f"{len(list(Path(keep).glob('*.pdf'))):02d}-{paper}-{size}pt-{plan.row_count}rows-{passes}passes.pdf"
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "l.pdf", Path(keep) / name)
    assert layout.rows_split_by_pages(reader) == []
    assert layout.rows_opening_pages(reader) == pagination.starts
    assert not layout.closing_alone(reader), "the signature block stands alone on the last page"
    assert assert_pages_labelled(folder / "l.pdf", folder / "l.docx", case) >= 1


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(40, 107),
    paper=st.sampled_from(["F4", "A4"]),
    size=st.sampled_from([8, 9, 10]),
)
def test_every_agency_plan_settles_with_every_page_labelled(seed, rows, paper, size, ntb, pool, tmp_path_factory):
    """Plans shaped like the agencies' (short texts, many rows): most alternate between layouts
    as they are labelled, so these go through the fixing of breaks."""
    plan = agency_plan(seed, rows)
    case = with_plan(ntb, plan, kertas=paper, ukuran_font_tabel=size)
    folder = tmp_path_factory.mktemp("agency")
    note(f"seed {seed}, {rows} rows, {paper}, {size} pt, in {folder}")
    pagination, _, reader = lay_out(case, pool, folder)
    assert layout.rows_split_by_pages(reader) == []
    assert layout.rows_opening_pages(reader) == pagination.starts
    assert not layout.closing_alone(reader), "the signature block stands alone on the last page"
    assert assert_pages_labelled(folder / "l.pdf", folder / "l.docx", case) >= 2
