"""The web application with Django's test client: who sees what (another office's case is a 404,
also its files), CSRF on every change, lock-out after wrong passwords, uploads recognised by
content with every problem named by sheet and cell, the audit log. The whole flow in a real
browser on a real server is in test_web_browser.py."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ntb_workbook_case

PASSWORD = "kata-sandi-yang-panjang-2023"


@pytest.fixture
def offices(web_db):
    from generator.web.accounts import add_user

    add_user("prov", PASSWORD, office="52", office_name="KPU Provinsi Nusa Tenggara Barat", role="provinsi")
    add_user("lobar", PASSWORD, office="5201", office_name="KPU Kabupaten Lombok Barat")
    add_user("bima", PASSWORD, office="5272", office_name="KPU Kota Bima")
    return web_db


def client_for(username: str, *, csrf: bool = False):
    from django.test import Client

    client = Client(enforce_csrf_checks=csrf)
    form = {"username": username, "password": PASSWORD}
    if csrf:
        form["csrfmiddlewaretoken"] = csrf_token(client.get("/masuk/"))
    response = client.post("/masuk/", form)
    assert response.status_code == 302, response.content[:500]
    return client


def csrf_token(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def new_case(client, title: str = "Rencana Aksi 2023") -> int:
    response = client.post("/kasus/baru/", {"title": title})
    assert response.status_code == 302
    return int(re.search(r"/kasus/(\d+)/", response["Location"]).group(1))


@pytest.fixture(scope="module")
def ntb_book(tmp_path_factory) -> bytes:
    return ntb_workbook_case(tmp_path_factory.mktemp("book") / "kpu").read_bytes()


def upload(client, pk: int, data: bytes, name: str = "keputusan-2023.xlsx"):
    return client.post(f"/kasus/{pk}/unggah/", {"file": _file(data, name)}, follow=True)


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def edited(book: bytes, change) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(book))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------- authentication


def test_every_page_but_login_needs_a_login(offices):
    from django.test import Client

    anonymous = Client()
    for url in ["/", "/kasus/1/", "/kasus/1/workbook/", "/kasus/1/revisi/rev-001/", "/admin/"]:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert "/masuk/" in response["Location"] or "/admin/login/" in response["Location"], url
    page = anonymous.get("/masuk/")
    assert page.status_code == 200
    assert "Nama pengguna" in text_of(page) and "Kata sandi" in text_of(page)


def test_wrong_passwords_lock_the_account(offices):
    from django.test import Client

    from generator.web.models import AuditEvent

    attempt = Client()
    for _ in range(4):
        response = attempt.post("/masuk/", {"username": "lobar", "password": "salah"})
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah" in text_of(response)
    response = attempt.post("/masuk/", {"username": "lobar", "password": "salah"})
    assert response.status_code == 429
    assert "Akun dikunci sementara" in text_of(response)
    # locked: now even the right password is refused, from any browser
    response = Client().post("/masuk/", {"username": "lobar", "password": PASSWORD})
    assert response.status_code == 429
    assert "dikunci" in text_of(response)
    # the other offices' accounts are not affected
    client_for("bima")
    actions = list(AuditEvent.objects.filter(username="lobar").values_list("action", flat=True))
    assert actions.count("login_failed") >= 5 and "locked_out" in actions
    from generator.web.accounts import unlock

    unlock("lobar")
    client_for("lobar")


def test_login_logout_are_audited(offices):
    from generator.web.models import AuditEvent

    client = client_for("lobar")
    assert client.get("/").status_code == 200
    assert client.get("/keluar/").status_code == 405  # logging out changes something: POST only
    assert client.post("/keluar/").status_code == 302
    assert client.get("/").status_code == 302
    actions = list(AuditEvent.objects.filter(username="lobar").order_by("at").values_list("action", flat=True))
    assert actions == ["login", "logout"]


# ---------------------------------------------------------------- offices see only their own cases


def test_another_office_gets_404_on_the_case_and_its_files(offices, ntb_book, tmp_path):
    from generator.web.models import Case

    lobar = client_for("lobar")
    pk = new_case(lobar, "Rencana Aksi Lombok Barat 2023")
    assert upload(lobar, pk, ntb_book).status_code == 200
    case = Case.objects.get(pk=pk)
    assert case.workbook_clean
    # a revision folder, as a build makes it, so that its file URLs exist for the owner
    rev = case.case_out / "rev-001"
    rev.mkdir(parents=True)
    (rev / f"{case.name}-salinan.pdf").write_bytes(b"%PDF-1.7 test")
    owner_urls = [
        f"/kasus/{pk}/",
        f"/kasus/{pk}/workbook/",
        f"/kasus/{pk}/revisi/rev-001/unduh/salinan.pdf",
        f"/kasus/{pk}/perubahan/",
    ]
    for url in owner_urls:
        assert lobar.get(url).status_code == 200, url

    bima = client_for("bima")
    assert "Lombok Barat 2023" not in text_of(bima.get("/"))
    for url in [*owner_urls, f"/kasus/{pk}/revisi/rev-001/", f"/kasus/{pk}/revisi/rev-001/halaman/asli/page-1.png"]:
        response = bima.get(url)
        assert response.status_code == 404, url
        assert "bukan milik kantor Anda" in text_of(response)
    for url in [f"/kasus/{pk}/unggah/", f"/kasus/{pk}/bangun/", f"/kasus/{pk}/batch/"]:
        assert bima.post(url, {"file": _file(ntb_book, "x.xlsx")}).status_code == 404, url
    # the province does not see a kabupaten's case either: only its own office's
    assert client_for("prov").get(f"/kasus/{pk}/").status_code == 404
    # a revision name is looked up, never joined as a path
    assert lobar.get(f"/kasus/{pk}/revisi/..%2F..%2F/unduh/salinan.pdf").status_code == 404
    assert lobar.get(f"/kasus/{pk}/revisi/rev-001/unduh/..%2Fmanifest.json").status_code == 404


def test_only_a_province_user_runs_the_batch(offices, ntb_book):
    lobar = client_for("lobar")
    pk = new_case(lobar)
    upload(lobar, pk, ntb_book)
    assert "Jalankan batch" not in text_of(lobar.get(f"/kasus/{pk}/"))
    assert lobar.post(f"/kasus/{pk}/batch/").status_code == 404


# ---------------------------------------------------------------- CSRF


def test_a_post_without_the_csrf_token_is_refused(offices, ntb_book):
    from generator.web.models import Case, Upload

    client = client_for("lobar", csrf=True)
    page = client.get("/")
    token = csrf_token(page)
    refused = client.post("/kasus/baru/", {"title": "tanpa token"})
    assert refused.status_code == 403
    assert "Permintaan ditolak" in text_of(refused)
    assert not Case.objects.filter(title="tanpa token").exists()
    accepted = client.post("/kasus/baru/", {"title": "dengan token", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    pk = Case.objects.get(title="dengan token").pk
    assert client.post(f"/kasus/{pk}/unggah/", {"file": _file(ntb_book, "a.xlsx")}).status_code == 403
    assert client.post(f"/kasus/{pk}/bangun/").status_code == 403
    assert client.post("/keluar/").status_code == 403
    assert not Upload.objects.filter(case_id=pk).exists()


# ---------------------------------------------------------------- uploads


def test_upload_with_mistakes_lists_every_problem_by_sheet_and_cell(offices, ntb_book):
    from generator.web.models import Case

    client = client_for("lobar")
    pk = new_case(client)

    def mistakes(wb):
        plan = wb["Rencana Aksi"]
        plan["G5"] = "13"  # a month mark that is not one
        plan["C7"] = "=B7"  # a formula
        decree = wb["Keputusan"]
        for row in decree.iter_rows(min_row=2):
            if row[0].value == "Nama Penandatangan":
                row[1].value = None

    page = upload(client, pk, edited(ntb_book, mistakes), "rencana-aksi-2023.xlsx")
    text = text_of(page)
    assert "rencana-aksi-2023.xlsx: 3 masalah" in text
    table = page.content.decode()
    for sheet, cell, words in [
        ("Rencana Aksi", "G5", "tanda bulan &#x27;13&#x27; tidak dikenali"),
        ("Rencana Aksi", "C7", "berisi rumus"),
        ("Keputusan", None, "isian wajib &#x27;Nama Penandatangan&#x27; belum diisi"),
    ]:
        assert words in table, words
        if cell:
            assert re.search(rf'<td class="sheet">{sheet}</td><td class="cell">{cell}</td>', table), cell
    assert "tulis x untuk menandai bulan itu, atau kosongkan selnya" in text  # the fix, as validate says it
    assert not Case.objects.get(pk=pk).workbook_clean
    assert 'data-testid="build" disabled' in table

    fixed = upload(client, pk, ntb_book, "rencana-aksi-2023.xlsx")
    assert "rencana-aksi-2023.xlsx: data lengkap dan benar" in text_of(fixed)
    case = Case.objects.get(pk=pk)
    assert case.workbook_clean and case.nomor == "19/ORT.07/52/2022"
    assert (case.case_dir / "keputusan.xlsx").read_bytes() == ntb_book


def test_problems_in_english_after_the_language_switch(offices, ntb_book):
    client = client_for("lobar")
    pk = new_case(client)
    client.post("/bahasa/", {"lang": "en", "next": f"/kasus/{pk}/"})

    def mistake(wb):
        wb["Rencana Aksi"]["G5"] = "13"

    text = text_of(upload(client, pk, edited(ntb_book, mistake)))
    assert "1 problem(s)" in text and "month mark '13' not understood" in text.replace("&#x27;", "'")
    assert "Upload and check" in text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7 not a workbook", "bukan workbook Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "dilindungi kata sandi atau berformat .xls lama"),
        (b"PK\x03\x04 broken zip", "bukan workbook Excel (.xlsx)"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_by_content(offices, data, expected):
    from generator.web.models import Case

    client = client_for("lobar")
    pk = new_case(client)
    text = text_of(upload(client, pk, data, "keputusan.xlsx"))
    assert "keputusan.xlsx: file ditolak" in text
    assert expected in text
    assert not Case.objects.get(pk=pk).workbook_clean


def test_a_zip_that_is_not_a_workbook_and_a_huge_sheet_are_refused(offices, ntb_book):
    client = client_for("lobar")
    pk = new_case(client)
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert "bukan workbook Excel" in text_of(upload(client, pk, other.getvalue(), "laporan.xlsx"))

    def huge(wb):
        wb["Rencana Aksi"].cell(row=60000, column=3, value="x")

    assert "sheet memakai lebih dari 20000 baris" in text_of(upload(client, pk, edited(ntb_book, huge)))

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with zipfile.ZipFile(io.BytesIO(ntb_book)) as src:
            for item in src.infolist():
                z.writestr(item, src.read(item))
        z.writestr("xl/media/padding.bin", b"\0" * (90 * 1024 * 1024))
    assert "workbook terlalu besar setelah dibuka" in text_of(upload(client, pk, bomb.getvalue()))


def test_an_upload_over_the_size_limit_is_not_stored(offices, settings_limit):
    from generator.web.models import Case, Upload

    client = client_for("lobar")
    pk = new_case(client)
    text = text_of(upload(client, pk, b"PK\x03\x04" + b"\0" * (settings_limit + 10)))
    assert "File terlalu besar" in text
    case = Case.objects.get(pk=pk)
    assert not any(case.folder("uploads").glob("*")) if case.folder("uploads").exists() else True
    assert Upload.objects.get(case=case).status == Upload.REFUSED


@pytest.fixture
def settings_limit():
    from django.conf import settings

    old = settings.UPLOAD_LIMIT
    settings.UPLOAD_LIMIT = 200_000
    yield settings.UPLOAD_LIMIT
    settings.UPLOAD_LIMIT = old


def test_file_names_never_become_paths(offices, ntb_book):
    from generator.web.models import Upload

    client = client_for("lobar")
    pk = new_case(client)
    upload(client, pk, ntb_book, "../../../../etc/evil.xlsx")
    stored = Upload.objects.get(case_id=pk)
    assert stored.original_name == "evil.xlsx"
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", stored.stored_name)
    files = [p for p in Path(offices).rglob("*evil*")]
    assert files == []


def test_new_case_from_last_year_starts_clean(offices, ntb_book):
    from generator.web.models import Case

    client = client_for("lobar")
    first = new_case(client, "Rencana Aksi 2022")
    upload(client, first, ntb_book)
    response = client.post("/kasus/baru/", {"title": "Rencana Aksi 2023", "source": str(first)})
    second = Case.objects.get(title="Rencana Aksi 2023")
    assert response["Location"] == f"/kasus/{second.pk}/"
    assert second.workbook_clean and second.nomor == "19/ORT.07/52/2022"
    downloaded = client.get(f"/kasus/{second.pk}/workbook/")
    assert downloaded["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(downloaded.streaming_content)))
    assert {"Keputusan", "Mengingat", "Rencana Aksi", "Kantor", "Petunjuk"} <= set(book.sheetnames)
    # another office's case is no source
    bima = client_for("bima")
    bima.post("/kasus/baru/", {"title": "curian", "source": str(first)})
    assert not Case.objects.filter(title="curian", workbook_clean=True).exists()


def _lampiran_rows(book) -> list[tuple]:
    """(Jenis, Kolom, Sheet) of each row of a workbook's Lampiran sheet."""
    return [row[1:4] for row in book["Lampiran"].iter_rows(min_row=2, values_only=True) if any(row)]


def _workbook_of(client, pk: int):
    downloaded = client.get(f"/kasus/{pk}/workbook/")
    return openpyxl.load_workbook(io.BytesIO(b"".join(downloaded.streaming_content)))


def test_new_case_offers_the_lampiran_of_init(offices, tmp_path):
    from generator.cases import init_case
    from generator.web.models import Case

    client = client_for("lobar")
    page = client.get("/").content.decode()
    # four choices, Lampiran I the monthly plan unless changed, each offering what init offers
    for numeral in ("I", "II", "III", "IV"):
        assert f">Lampiran {numeral}</label>" in page
    first = re.search(r'<select name="lampiran_1".*?</select>', page, re.S).group(0)
    assert re.search(r'value="rencana-aksi-bulanan" selected>Rencana aksi bulanan', first)
    for label in ("— tidak ada —", "Rencana aksi triwulanan", "Tabel dengan kolom sendiri", "Susunan anggota tim"):
        assert label in first, label

    chosen = {"lampiran_1": "rencana-aksi-triwulan", "lampiran_2": "", "lampiran_3": "anggota", "lampiran_4": "prosa"}
    response = client.post("/kasus/baru/", {"title": "SK Tim 2023", **chosen})
    case = Case.objects.get(title="SK Tim 2023")
    assert response["Location"] == f"/kasus/{case.pk}/"
    book = _workbook_of(client, case.pk)
    # the empty second choice closes up: Lampiran I, II, III, each with its sheet
    assert _lampiran_rows(book) == [
        ("tabel", "rencana-aksi-triwulan", "Lampiran I"),
        ("anggota", None, "Lampiran II"),
        ("prosa", None, "Lampiran III"),
    ]
    assert [h.value for h in book["Lampiran I"][1]][:3] == ["Kegiatan Utama", "Indikator", "Rencana Aksi"]
    assert [h.value for h in book["Lampiran II"][1]] == ["Nama", "Jabatan/Unsur", "Kedudukan dalam Tim"]
    # the same workbook `keputusan init --lampiran` writes
    reference = openpyxl.load_workbook(
        init_case(tmp_path / "cli", lampiran=("rencana-aksi-triwulan", "anggota", "prosa"))
    )
    assert book.sheetnames == reference.sheetnames
    assert _lampiran_rows(book) == _lampiran_rows(reference)

    # no lampiran: every choice left at "— tidak ada —"
    client.post("/kasus/baru/", {"title": "Tanpa lampiran", **dict.fromkeys(chosen, "")})
    book = _workbook_of(client, Case.objects.get(title="Tanpa lampiran").pk)
    assert _lampiran_rows(book) == [] and "Rencana Aksi" not in book.sheetnames

    # a choice the form does not offer makes no case
    response = client.post("/kasus/baru/", {"title": "Aneh", "lampiran_1": "rencana-aksi-harian"}, follow=True)
    assert "Tulis judulnya dulu" not in text_of(response)
    assert "Pilihan lampiran tidak dikenal" in text_of(response)
    assert not Case.objects.filter(title="Aneh").exists()


def test_a_copy_of_a_case_keeps_its_lampiran_whatever_is_chosen(offices, ntb_book):
    from generator.web.models import Case

    client = client_for("lobar")
    first = new_case(client, "Rencana Aksi 2022")
    upload(client, first, ntb_book)
    client.post("/kasus/baru/", {"title": "Salinan 2023", "source": str(first), "lampiran_1": "prosa"})
    book = _workbook_of(client, Case.objects.get(title="Salinan 2023").pk)
    assert _lampiran_rows(book) == _lampiran_rows(_workbook_of(client, first))
    assert book["Rencana Aksi"].max_row == _workbook_of(client, first)["Rencana Aksi"].max_row


def test_security_headers(offices):
    client = client_for("lobar")
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()  # every script is a static file
    assert client.get("/masuk/")["Content-Security-Policy"] == csp


def test_audit_log_records_uploads_and_downloads(offices, ntb_book):
    from generator.web.models import AuditEvent

    client = client_for("lobar")
    pk = new_case(client)
    upload(client, pk, ntb_book, "isian.xlsx")
    client.get(f"/kasus/{pk}/workbook/")
    events = AuditEvent.objects.filter(case_id=pk).order_by("at")
    assert [e.action for e in events] == ["case_created", "upload", "download"]
    assert events[1].detail["file"] == "isian.xlsx" and events[1].detail["status"] == "ok"
    assert all(e.username == "lobar" and e.office == "5201" for e in events)


def test_two_builds_of_one_case_are_never_queued_at_once(offices, ntb_book, monkeypatch):
    from generator.web import jobs
    from generator.web.models import Job

    queued: list[int] = []
    monkeypatch.setattr(jobs, "enqueue", lambda job: queued.append(job.pk))
    client = client_for("lobar")
    pk = new_case(client)
    upload(client, pk, ntb_book)
    first = client.post(f"/kasus/{pk}/bangun/", follow=True)
    second = client.post(f"/kasus/{pk}/bangun/", follow=True)
    assert Job.objects.filter(case_id=pk).count() == 1 and len(queued) == 1
    assert "Sudah ada pekerjaan yang menunggu atau berjalan" in text_of(second)
    assert 'data-testid="progress"' in first.content.decode()


def test_the_committed_migrations_match_the_models(web_app):
    from django.core.management import call_command

    call_command("makemigrations", "keputusan_web", "--check", "--dry-run", verbosity=0)


def test_queued_jobs_survive_a_restart(offices, ntb_book, monkeypatch):
    """The queue is a SQLite file in the data folder: a job queued while no worker runs is still
    there for a fresh queue object (a restarted server); a job that was running when the worker
    stopped is queued again when it starts."""
    from huey import SqliteHuey

    from generator.web import jobs
    from generator.web.models import Job

    client = client_for("lobar")
    pk = new_case(client)
    upload(client, pk, ntb_book)
    jobs.huey.flush()
    client.post(f"/kasus/{pk}/bangun/")
    job = Job.objects.get(case_id=pk)
    assert job.status == Job.QUEUED
    restarted = SqliteHuey("keputusan", filename=jobs.huey.storage.filename)
    assert restarted.pending_count() == 1
    restarted.flush()

    Job.objects.filter(pk=job.pk).update(status=Job.RUNNING, done_steps=3)
    requeued: list[int] = []
    monkeypatch.setattr(jobs, "enqueue", lambda j: requeued.append(j.pk))
    assert jobs.requeue_unfinished() == 1
    job.refresh_from_db()
    assert requeued == [job.pk] and job.status == Job.QUEUED and job.done_steps == 0
