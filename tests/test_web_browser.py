"""The web application end to end, in a real browser, as staff use it: `keputusan serve` on a
free port (gunicorn, the job worker, a warm LibreOffice), headless Chromium from Debian driven
by Playwright. The tests run in order and share one server: the province office logs in,
uploads a workbook with mistakes and sees the cells named, uploads the fixed one, builds,
looks at the previews, downloads the salinan and reads its text, signs and uploads the asli,
builds a second revision and reads its daftar perubahan, runs the batch for its kabupaten/kota;
another office gets 404 on all of it; a POST without the CSRF token is refused; wrong
passwords lock the account. Every page is saved as a screenshot (KEPUTUSAN_SCREENSHOTS=DIR
keeps them; by default a temporary folder, printed at the end).

Needs Chromium (Debian package `chromium`, installed by `make test`): fails, never skips,
without it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from sign_fixtures import PASSPHRASE, certs  # noqa: F401 - fixture

from tests.conftest import ROOT, ntb_workbook_case, pdf_text, squash

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "kata-sandi-kantor-2023"
NOMOR = "19/ORT.07/52/2022"
pytestmark = pytest.mark.libreoffice


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(data: Path, *args: str, stdin: str = "") -> None:
    keputusan = Path(sys.executable).with_name("keputusan")
    subprocess.run(
        [str(keputusan), *args, "--data", str(data)], input=stdin, text=True, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("KEPUTUSAN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\nscreenshots of the web application: {folder}")


@pytest.fixture(scope="module")
def server(tmp_path_factory, certs):  # noqa: F811 - fixture
    data = tmp_path_factory.mktemp("web-server")
    _cli(data, "user", "add", "admin", "--admin", "--password-stdin", stdin=PASSWORD + "\n")
    _cli(
        data,
        *("user", "add", "ntb", "--office", "52", "--role", "provinsi", "--password-stdin"),
        *("--office-name", "Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat", "--name", "Baiq Nurul"),
        stdin=PASSWORD + "\n",
    )
    _cli(
        data,
        *("user", "add", "lobar", "--office", "5201", "--office-name", "KPU Kabupaten Lombok Barat"),
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    port = _free_port()
    env = dict(os.environ, KEPUTUSAN_TRUST=str(certs["root"]), KEPUTUSAN_DATA=str(data))
    log = (data / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("keputusan")), "serve", "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(base + "/masuk/", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("keputusan serve did not start:\n" + (data / "serve.log").read_text())
            time.sleep(0.3)
    yield {"base": base, "data": data, "proc": proc}
    if proc.poll() is None:  # the last test stops it; this is for a run stopped early
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def _processes_of(data: Path) -> list[str]:
    """Running processes started for this server (they inherit KEPUTUSAN_DATA): gunicorn, the
    worker, LibreOffice and its UNO helper."""
    marker = f"KEPUTUSAN_DATA={data}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install chromium (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()


def new_page(browser, server):
    context = browser.new_context(
        base_url=server["base"], viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    return context.new_page()


def log_in(page, username: str, password: str = PASSWORD):
    page.goto("/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button.primary")


def shoot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The province's workbook (NTB, with its 10 kabupaten/kota in the Kantor sheet): with
    mistakes, fixed, and changed for a second revision."""
    folder = tmp_path_factory.mktemp("workbooks")
    clean = ntb_workbook_case(folder / "clean", with_offices=True)
    book = clean.read_bytes()

    def variant(name: str, change) -> Path:
        wb = openpyxl.load_workbook(io.BytesIO(book))
        change(wb)
        path = folder / name
        wb.save(path)
        return path

    def mistakes(wb):
        wb["Rencana Aksi"]["G5"] = "13"
        wb["Rencana Aksi"]["C7"] = "=B7"
        for row in wb["Keputusan"].iter_rows(min_row=2):
            if row[0].value == "Nama Penandatangan":
                row[1].value = None

    def changed(wb):
        plan = wb["Rencana Aksi"]
        plan["C3"] = str(plan["C3"].value) + " secara berkala"

    return {
        "mistakes": variant("rencana-aksi-2022-salah.xlsx", mistakes),
        "clean": variant("rencana-aksi-2022.xlsx", lambda wb: None),
        "changed": variant("rencana-aksi-2022-revisi.xlsx", changed),
    }


STATE: dict = {}


def upload(page, path: Path) -> None:
    page.set_input_files("#unggah input[type=file]", str(path))
    page.click("#unggah button.primary")
    page.wait_for_selector("[data-testid=upload-result]")


def build_and_wait(page) -> None:
    page.click("[data-testid=build]")
    page.wait_for_selector("[data-testid=progress]", state="attached", timeout=10_000)
    page.wait_for_selector("[data-testid=build-result]", timeout=180_000)


# ---------------------------------------------------------------- the staff flow


def test_log_in_and_start_a_decree(browser, server, shots):
    page = new_page(browser, server)
    page.goto("/")
    assert page.url.endswith("/masuk/?next=/")
    shoot(page, shots, "01-masuk")
    assert "Nama pengguna" in page.inner_text("main")
    log_in(page, "ntb")
    assert "Daftar keputusan" in page.inner_text("main")
    assert "Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat" in page.inner_text("header")
    page.fill("#id_title", "Rencana Aksi Reformasi Birokrasi 2022")
    page.click("form[action$='/kasus/baru/'] button")
    assert "Keputusan baru dibuat" in page.inner_text(".messages")
    STATE["case_url"] = page.url
    STATE["page"] = page
    with page.expect_download() as download:
        page.click("[data-testid=download-workbook]")
    assert re.fullmatch(r"keputusan-52-\d{4}\.xlsx", download.value.suggested_filename)
    starter = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"Keputusan", "Mengingat", "Rencana Aksi", "Kantor", "Petunjuk"} <= set(starter.sheetnames)
    shoot(page, shots, "02-keputusan-baru")


def test_a_new_decree_with_the_lampiran_chosen(browser, server, shots):
    page = new_page(browser, server)
    log_in(page, "ntb")
    choices = page.locator("[data-testid=new-lampiran]")
    assert "Lampiran I" in choices.inner_text() and "Lampiran IV" in choices.inner_text()
    assert page.input_value("#id_lampiran_1") == "rencana-aksi-bulanan"
    page.fill("#id_title", "SK Tim Reformasi Birokrasi 2023")
    page.select_option("#id_lampiran_1", label="Rencana aksi triwulanan (output, PIC, target TW I–IV)")
    page.select_option("#id_lampiran_2", label="Susunan anggota tim")
    page.select_option("#id_lampiran_3", label="Uraian (BAB, bagian, paragraf)")
    shoot(page, shots, "02a-keputusan-baru-lampiran")
    page.click("form[action$='/kasus/baru/'] button")
    assert "Keputusan baru dibuat" in page.inner_text(".messages")
    with page.expect_download() as download:
        page.click("[data-testid=download-workbook]")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = [r[1:4] for r in book["Lampiran"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert rows == [
        ("tabel", "rencana-aksi-triwulan", "Lampiran I"),
        ("anggota", None, "Lampiran II"),
        ("prosa", None, "Lampiran III"),
    ]
    assert {"Lampiran I", "Lampiran II", "Lampiran III"} <= set(book.sheetnames)
    assert "Rencana Aksi" not in book.sheetnames
    page.context.close()


def test_upload_with_mistakes_names_the_cells(browser, server, shots, workbooks):
    page = STATE["page"]
    upload(page, workbooks["mistakes"])
    result = page.inner_text("[data-testid=upload-result]")
    assert "rencana-aksi-2022-salah.xlsx: 3 masalah" in result
    rows = [
        [cell.inner_text().strip() for cell in row.query_selector_all("td")]
        for row in page.query_selector_all("[data-testid=problems] tbody tr")
    ]
    assert [
        "Rencana Aksi",
        "G5",
        "tanda bulan '13' tidak dikenali",
        "tulis x untuk menandai bulan itu, atau kosongkan selnya",
    ] in rows
    assert any(r[:2] == ["Rencana Aksi", "C7"] and "berisi rumus" in r[2] for r in rows)
    assert any(r[0] == "Keputusan" and "'Nama Penandatangan' belum diisi" in r[2] for r in rows)
    assert page.is_disabled("[data-testid=build]")  # nothing is built from a workbook with problems
    shoot(page, shots, "03-unggah-bermasalah")


def test_upload_the_fixed_workbook_and_build(browser, server, shots, workbooks):
    page = STATE["page"]
    upload(page, workbooks["clean"])
    assert "rencana-aksi-2022.xlsx: data lengkap dan benar" in page.inner_text("[data-testid=upload-result]")
    assert f"Nomor {NOMOR}" in page.inner_text("main")
    page.click("[data-testid=build]")
    progress = page.wait_for_selector("[data-testid=progress]", state="attached", timeout=10_000)
    assert progress is not None
    shoot(page, shots, "04-sedang-dibuat")
    page.wait_for_selector("[data-testid=build-result]", timeout=180_000)
    result = page.inner_text("[data-testid=build-result]")
    assert "Selesai: rev-001 (13 halaman asli, 13 halaman salinan)" in result, result
    revisions = page.inner_text("[data-testid=revisions]")
    assert "rev-001" in revisions and "ntb" in revisions
    shoot(page, shots, "05-selesai")


def test_starting_from_another_decree_sets_the_lampiran_choices_aside(browser, server, shots):
    page = STATE["page"]
    page.goto("/")
    choices = page.locator("#id_lampiran_1")  # a control in the fieldset: disabled with it
    assert not choices.is_disabled()
    page.select_option("#id_source", label="Rencana Aksi Reformasi Birokrasi 2022")  # clean now: uploaded
    assert choices.is_disabled()  # its lampiran are that decree's
    shoot(page, shots, "05a-keputusan-baru-dari-kasus")
    page.select_option("#id_source", index=0)
    assert not choices.is_disabled()
    page.goto(STATE["case_url"])


def test_previews_and_downloads(browser, server, shots, tmp_path):
    page = STATE["page"]
    page.click("[data-testid=open-revision]")
    STATE["rev1_url"] = page.url
    page.wait_for_load_state("load")
    for variant in ("asli", "salinan"):
        thumbs = page.query_selector_all(f"[data-testid=previews-{variant}] img")
        assert len(thumbs) == 13
        assert all(t.evaluate("img => img.complete && img.naturalWidth > 100") for t in thumbs)
    shoot(page, shots, "06-revisi-halaman")
    # click to enlarge: the page to read, in a new tab
    with page.context.expect_page() as opened:
        page.click("[data-testid=previews-salinan] a >> nth=0")
    big = opened.value
    big.wait_for_load_state()
    assert big.evaluate("document.images[0].naturalWidth") > 800
    big.screenshot(path=str(shots / "07-halaman-diperbesar.png"))
    big.close()
    with page.expect_download() as download:
        page.click("[data-file='salinan.pdf']")
    salinan = tmp_path / download.value.suggested_filename
    download.value.save_as(salinan)
    assert re.fullmatch(r"keputusan-52-\d{4}-salinan\.pdf", salinan.name)
    text = pdf_text(salinan)
    assert "SALINAN" in text and NOMOR in text
    assert "Salinansesuaidenganaslinya" in squash(text)
    assert "Reformasi Birokrasi" in text
    with page.expect_download() as download:
        page.click("[data-file='asli.pdf']")
    asli = tmp_path / "asli.pdf"
    download.value.save_as(asli)
    STATE["asli"] = asli
    for key in ("asli-keputusan.docx", "salinan-lampiran.docx", "asli.signing.json"):
        assert page.query_selector(f"[data-file='{key}']") is not None, key


def test_a_signed_asli_is_verified_and_kept(browser, server, shots, certs, tmp_path):  # noqa: F811 - fixture
    page = STATE["page"]
    signed = tmp_path / "asli-ditandatangani.pdf"
    subprocess.run(  # signed elsewhere, as a signing service would: here with `keputusan sign`
        [str(Path(sys.executable).with_name("keputusan")), "sign", str(STATE["asli"]), "--p12", str(certs["p12"])]
        + ["--out", str(signed)],
        env=dict(os.environ, KEPUTUSAN_P12_PASSPHRASE=PASSPHRASE),
        check=True,
        capture_output=True,
    )
    page.set_input_files("#ttd input[type=file]", str(signed))
    page.click("#ttd button")
    assert "asli-ditandatangani.pdf: tanda tangan sah" in page.inner_text(".messages")
    listing = page.inner_text("[data-testid=signed]")
    assert "sah" in listing and "ttd_ketua" in listing and "sertifikat terpercaya" in listing
    # a PDF that is not from this revision is refused
    other = tmp_path / "lain.pdf"
    shutil.copy(ROOT / "tests" / "fixtures" / "kecil" / "keputusan.yaml", other)
    page.set_input_files("#ttd input[type=file]", str(other))
    page.click("#ttd button")
    assert "bukan file PDF" in page.inner_text(".messages")
    shoot(page, shots, "08-ttd")


def test_second_revision_and_its_daftar_perubahan(browser, server, shots, workbooks, tmp_path):
    page = STATE["page"]
    page.goto(STATE["case_url"])
    upload(page, workbooks["changed"])
    build_and_wait(page)
    assert "Selesai: rev-002" in page.inner_text("[data-testid=build-result]")
    page.click("[data-testid=changes]")
    listing = page.inner_text("[data-testid=change-list]")
    assert "1 perubahan." in listing
    assert "secara berkala" in page.inner_html("[data-testid=change-list] ins")
    shoot(page, shots, "09-daftar-perubahan")
    with page.expect_download() as download:
        page.click("[data-testid=changes-pdf]")
    pdf = tmp_path / "daftar.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "DAFTAR PERUBAHAN" in text and "rev-001" in text and "rev-002" in text
    assert "secaraberkala" in squash(text)


def test_language_switch_to_english_and_back(browser, server, shots):
    page = STATE["page"]
    page.goto(STATE["case_url"])
    page.click("[data-testid=language]")
    assert "Upload the filled workbook" in page.inner_text("main")
    shoot(page, shots, "10-english")
    page.click("[data-testid=language]")
    assert "Unggah workbook yang sudah diisi" in page.inner_text("main")


def test_province_runs_the_batch_for_its_offices(browser, server, shots):
    page = STATE["page"]
    page.goto(STATE["case_url"])
    assert "11 kantor tercantum di sheet Kantor" in page.inner_text("#batch")
    page.click("[data-testid=batch]")
    page.wait_for_selector("#batch [data-testid=progress]", state="attached", timeout=10_000)
    page.wait_for_selector("[data-testid=batch-result]", timeout=180_000)
    rows = page.query_selector_all("[data-testid=batch-result] tbody tr")
    assert len(rows) == 11
    texts = [r.inner_text() for r in rows]
    assert any("5201" in t and "Kabupaten Lombok Barat" in t for t in texts)
    assert all("dibuat" in t or "tidak berubah" in t for t in texts), texts
    assert "11 kantor dalam" in page.inner_text("[data-testid=batch-summary]")
    shoot(page, shots, "11-batch")
    with page.expect_download() as download:
        page.click("[data-testid=batch-result] tr:has-text('5272') a:has-text('salinan')")
    path = download.value.path()
    assert "Kota Bima" in pdf_text(Path(path)).replace("KOTA BIMA", "Kota Bima")


# ---------------------------------------------------------------- safety


def test_another_office_gets_404_on_the_case_and_its_files(browser, server, shots):
    page = new_page(browser, server)
    log_in(page, "lobar")
    assert "Rencana Aksi Reformasi Birokrasi 2022" not in page.inner_text("main")
    shoot(page, shots, "12-kantor-lain")
    case_url = STATE["case_url"]
    for url in [
        case_url,
        case_url + "workbook/",
        STATE["rev1_url"],
        STATE["rev1_url"] + "unduh/salinan.pdf",
        STATE["rev1_url"] + "halaman/salinan/thumb-1.png",
        case_url + "perubahan/",
    ]:
        response = page.request.get(url)
        assert response.status == 404, url
        assert b"bukan milik kantor Anda" in response.body(), url
    page.goto(case_url)
    shoot(page, shots, "13-404")
    # and the province does not see the kabupaten's own case
    page.goto("/")
    page.fill("#id_title", "Rencana Aksi Lombok Barat 2022")
    page.click("form[action$='/kasus/baru/'] button")
    lobar_url = page.url
    assert STATE["page"].request.get(lobar_url).status == 404
    STATE["page"].goto("/")
    assert "Lombok Barat 2022" not in STATE["page"].inner_text("main")


def test_a_post_without_the_csrf_token_is_refused(browser, server, shots):
    page = STATE["page"]
    page.goto(STATE["case_url"])
    build_url = STATE["case_url"] + "bangun/"
    status = page.evaluate(
        "url => fetch(url, {method: 'POST', credentials: 'same-origin'}).then(r => r.status)", build_url
    )
    assert status == 403
    response = page.request.post(build_url)  # the session cookie, but no token
    assert response.status == 403 and b"Permintaan ditolak" in response.body()
    page.goto(STATE["case_url"])
    assert page.query_selector("[data-testid=progress]") is None  # no job was started


def test_wrong_passwords_lock_the_account(browser, server, shots):
    page = new_page(browser, server)
    for attempt in range(1, 6):
        log_in(page, "lobar", "salah-sekali")
        if attempt < 5:
            assert "kata sandi salah" in page.inner_text("main")
    assert "Akun dikunci sementara" in page.inner_text("main")
    shoot(page, shots, "14-dikunci")
    log_in(page, "lobar")  # the right password no longer helps
    assert "dikunci" in page.inner_text("main")
    assert "Daftar keputusan" not in page.inner_text("main")


def test_the_server_stops_cleanly_on_sigterm(server):
    running = _processes_of(server["data"])
    assert any("soffice" in p for p in running), running  # the worker's LibreOffice, kept warm
    server["proc"].send_signal(signal.SIGTERM)
    assert server["proc"].wait(timeout=90) == 0
    deadline = time.monotonic() + 10
    while _processes_of(server["data"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_of(server["data"]) == []
