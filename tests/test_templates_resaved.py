"""Staff open the templates in LibreOffice (or Word), restyle them and save: they must still render."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from generator.convert import find_soffice
from generator.pipeline import build
from tests.conftest import ROOT, pages_text, squash

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def resaved_templates(tmp_path_factory):
    """templates/*.docx opened and saved again as Word 2007-365 by LibreOffice."""
    out = tmp_path_factory.mktemp("resaved")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                find_soffice(),
                "--headless",
                "--norestore",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(out),
                str(ROOT / "templates" / "keputusan.docx"),
                str(ROOT / "templates" / "lampiran.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    assert sorted(p.name for p in out.iterdir()) == ["keputusan.docx", "lampiran.docx"]
    # the re-saved file is LibreOffice's own XML, not our bytes
    assert (out / "lampiran.docx").read_bytes() != (ROOT / "templates" / "lampiran.docx").read_bytes()
    return out


def test_resaved_templates_still_build_the_decree(resaved_templates, tmp_path):
    result = build(ROOT / "tests" / "fixtures" / "kecil", tmp_path, ("salinan",), templates=resaved_templates)
    pages = pages_text(result.bundles["salinan"])
    text = squash("".join(pages))
    assert squash("NOMOR 7/ORT.07-Kpt/5201/III/2023") in text
    # no template tag survives (the fixture's own data does contain "{{ bukan_variabel }}")
    for leftover in ("{%p", "{%tr", "{{butir", "{{row", "{{kantor", "{{nomor", "{{d.", "{{pengesah"):
        assert leftover not in text
    assert squash("KEEMPAT : Keputusan ini mulai berlaku pada tanggal ditetapkan.") in text
    assert squash("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18") in text
    assert squash("a. Membentuk tim & <menetapkan> {{ tugas }}") in text
    assert text.startswith("SALINAN")
