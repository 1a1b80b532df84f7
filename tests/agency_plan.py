"""Made-up Rencana Aksi RB plans shaped like those of national agencies, for layout tests.

Not real plans: deterministic per seed, with the shape of the real ones staff brought (the
eight areas of the Road Map RB, two to five kegiatan per area, one to six rencana aksi per
kegiatan, indikator of one to three points, a unit in charge in KET.), so that the layout is
tried on tables like theirs rather than on the one sample. `write_case` puts a plan into a
copy of the NTB case (YAML form), which `keputusan build` builds like any other.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from generator.model import Area, Kegiatan, RencanaAksi, SubKegiatan
from generator.workbook_writer import build_plan_workbook
from tests.conftest import NTB_CASE

AREAS = {
    "Manajemen Perubahan": [
        "Pembentukan Tim Reformasi Birokrasi",
        "Penyusunan Road Map Reformasi Birokrasi",
        "Pemantauan dan Evaluasi Reformasi Birokrasi",
        "Perubahan pola pikir dan budaya kerja",
        "Agen perubahan",
    ],
    "Deregulasi Kebijakan": [
        "Harmonisasi peraturan perundang-undangan",
        "Sistem pengendalian dalam penyusunan kebijakan",
        "Efektivitas pelaksanaan kebijakan",
    ],
    "Penataan dan Penguatan Organisasi": [
        "Evaluasi kelembagaan",
        "Penyederhanaan birokrasi melalui transformasi jabatan",
        "Penataan tugas dan fungsi unit kerja",
    ],
    "Penataan Tata Laksana": [
        "Proses bisnis dan prosedur operasional tetap (SOP)",
        "Sistem Pemerintahan Berbasis Elektronik (SPBE)",
        "Keterbukaan informasi publik",
        "Pengelolaan arsip secara elektronik",
    ],
    "Penataan Sistem Manajemen SDM Aparatur": [
        "Perencanaan kebutuhan pegawai",
        "Pengembangan kompetensi pegawai",
        "Penerapan sistem merit",
        "Manajemen kinerja pegawai",
        "Penegakan disiplin dan kode etik",
    ],
    "Penguatan Akuntabilitas": [
        "Keterlibatan pimpinan dalam perencanaan kinerja",
        "Pengelolaan akuntabilitas kinerja",
        "Penyusunan laporan kinerja instansi",
    ],
    "Penguatan Pengawasan": [
        "Pengendalian gratifikasi",
        "Penerapan Sistem Pengendalian Intern Pemerintah (SPIP)",
        "Pengaduan masyarakat dan whistle blowing system",
        "Pembangunan Zona Integritas menuju WBK/WBBM",
        "Penanganan benturan kepentingan",
    ],
    "Peningkatan Kualitas Pelayanan Publik": [
        "Standar pelayanan",
        "Budaya pelayanan prima",
        "Pengelolaan pengaduan pelayanan",
        "Penilaian kepuasan terhadap pelayanan",
        "Pemanfaatan teknologi informasi dalam pelayanan",
    ],
}
ACTIONS = [
    "Penyusunan",
    "Pelaksanaan",
    "Sosialisasi dan internalisasi",
    "Monitoring dan evaluasi",
    "Penetapan",
    "Reviu",
    "Pelaporan",
    "Koordinasi pelaksanaan",
    "Pemutakhiran",
    "Pengembangan",
]
OBJECTS = [
    "rencana kerja reformasi birokrasi unit kerja",
    "dokumen perjanjian kinerja pejabat pimpinan tinggi dan administrator",
    "standar operasional prosedur pelayanan administrasi",
    "peta proses bisnis organisasi",
    "laporan pengendalian gratifikasi",
    "rencana pengembangan kompetensi pegawai",
    "indikator kinerja individu seluruh pegawai",
    "kebijakan keterbukaan informasi publik",
    "aplikasi layanan kepegawaian berbasis elektronik",
    "hasil survei kepuasan masyarakat",
    "rencana tindak lanjut hasil evaluasi",
    "matriks risiko dan rencana tindak pengendalian",
    "pakta integritas dan komitmen bersama",
]
MANNERS = [
    "kepada seluruh pegawai di lingkungan unit kerja",
    "sesuai dengan ketentuan peraturan perundang-undangan yang berlaku",
    "secara berkala setiap triwulan",
    "dengan melibatkan pimpinan dan agen perubahan",
    "berdasarkan hasil penilaian mandiri pelaksanaan reformasi birokrasi",
    "yang terintegrasi dengan sistem informasi instansi",
]
OUTCOMES = [
    "Tersedianya {o} yang ditetapkan oleh pimpinan",
    "Terlaksananya {o} tepat waktu",
    "Meningkatnya kualitas {o}",
    "Tersusunnya laporan {o}",
    "Seluruh unit kerja menerapkan {o}",
    "Nilai evaluasi {o} meningkat dibandingkan tahun sebelumnya",
]
UNITS = ["Biro Perencanaan", "Biro SDM", "Inspektorat", "Biro Umum", "Pusdatin", "Biro Hukum", "Seluruh Unit", ""]


def _sentence(rng: random.Random, parts: int) -> str:
    text = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}"
    for _ in range(parts):
        text += f" {rng.choice(MANNERS)}"
    return text + rng.choice([";", ".", ""])


def _indikator(rng: random.Random) -> str:
    points = [rng.choice(OUTCOMES).format(o=rng.choice(OBJECTS)) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    if len(points) == 1:
        return points[0] + ("." if rng.random() < 0.5 else "")
    return "\n".join(f"- {p};" for p in points)


def agency_plan(seed: int, rows: int = 107) -> RencanaAksi:
    """A plan of exactly `rows` rows over the eight areas, the same for the same seed."""
    rng = random.Random(seed)
    counts: list[list[int]] = []  # per area, the rows of each kegiatan
    left = rows
    names = list(AREAS)
    for index, area in enumerate(names):
        areas_left = len(names) - index
        share = left if areas_left == 1 else max(2, round(left / areas_left * rng.uniform(0.6, 1.4)))
        share = min(share, left - 2 * (areas_left - 1))
        kegiatan = []
        while share > 0 and len(kegiatan) < len(AREAS[area]):
            n = share if len(kegiatan) == len(AREAS[area]) - 1 else min(share, rng.randint(1, 6))
            kegiatan.append(n)
            share -= n
        left -= sum(kegiatan)
        counts.append(kegiatan)
    row = 2
    areas = []
    for area, kegiatan_rows in zip(names, counts):
        kegiatan = []
        for name, n in zip(AREAS[area], kegiatan_rows):
            subs = []
            for i in range(n):
                indikator = _indikator(rng) if i == 0 or rng.random() < 0.15 else None
                months = frozenset(rng.sample(range(1, 13), rng.choice([1, 2, 3, 4, 6, 12])))
                subs.append(
                    SubKegiatan(
                        _sentence(rng, rng.choice([0, 1, 1, 2])),
                        indikator,
                        months,
                        rng.choice(UNITS),
                        f"Rencana Aksi!A{row}:Q{row}",
                    )
                )
                row += 1
            kegiatan.append(Kegiatan(name, tuple(subs)))
        areas.append(Area(area, tuple(kegiatan)))
    return RencanaAksi(tuple(areas))


def write_case(dest: Path, plan: RencanaAksi, **profil) -> Path:
    """The NTB case (YAML form) with `plan` as its Rencana Aksi and `profil` keys changed, in
    `dest/<name>`; returns the case folder."""
    case = dest / "kpu-agency-plan"
    shutil.copytree(NTB_CASE, case)
    shutil.copy(NTB_CASE.parent / "dasar-hukum.yaml", dest / "dasar-hukum.yaml")
    build_plan_workbook(plan).save(case / "rencana-aksi.xlsx")
    if profil:
        path = case / "keputusan.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["profil"] = {**data.get("profil", {}), **profil}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return case
