"""Every text of the web pages, in Indonesian and English: code -> {"id": ..., "en": ...}.

The same shape as generator/messages.py's catalogue (to be folded into it). Templates use
`{% t "code" %}`; views use `lookup`. Problems in workbooks and build errors are not here:
they come from generator.messages, exactly as the CLI prints them.
"""

from __future__ import annotations

from typing import Any

LANGS = ("id", "en")
DEFAULT_LANG = "id"

TEXTS: dict[str, dict[str, str]] = {
    # ---- frame
    "app.name": {"id": "Keputusan", "en": "Keputusan"},
    "app.tagline": {
        "id": "Penyusunan Keputusan dan Lampiran Rencana Aksi",
        "en": "Decrees and their Lampiran, prepared from a workbook",
    },
    "nav.cases": {"id": "Daftar keputusan", "en": "Decrees"},
    "nav.admin": {"id": "Kelola pengguna dan kantor", "en": "Users and offices"},
    "nav.logout": {"id": "Keluar", "en": "Log out"},
    "nav.language": {"id": "English", "en": "Bahasa Indonesia"},
    "nav.office": {"id": "Kantor", "en": "Office"},
    "nav.no_office": {
        "id": "Akun ini belum ditempatkan di kantor mana pun. Minta administrator menetapkan kantor dan peran Anda.",
        "en": "This account has no office yet. Ask the administrator to assign your office and role.",
    },
    "role.staf": {"id": "staf", "en": "staff"},
    "role.provinsi": {"id": "provinsi", "en": "province"},
    # ---- login
    "login.title": {"id": "Masuk", "en": "Log in"},
    "login.username": {"id": "Nama pengguna", "en": "User name"},
    "login.password": {"id": "Kata sandi", "en": "Password"},
    "login.submit": {"id": "Masuk", "en": "Log in"},
    "login.wrong": {
        "id": "Nama pengguna atau kata sandi salah. Setelah {n} kali salah, akun dikunci sementara.",
        "en": "Wrong user name or password. After {n} wrong attempts the account is locked for a while.",
    },
    "login.locked_title": {"id": "Akun dikunci sementara", "en": "Account locked for now"},
    "login.locked": {
        "id": "Terlalu banyak percobaan masuk dengan kata sandi salah. Akun ini dikunci selama {hours} jam. "
        "Coba lagi nanti, atau minta administrator membuka kuncinya.",
        "en": "Too many attempts with a wrong password. This account is locked for {hours} hour(s). "
        "Try again later, or ask the administrator to unlock it.",
    },
    "login.back": {"id": "Kembali ke halaman masuk", "en": "Back to the login page"},
    # ---- case list
    "cases.title": {"id": "Daftar keputusan", "en": "Decrees"},
    "cases.none": {
        "id": "Belum ada keputusan. Mulai dengan membuat keputusan baru di bawah.",
        "en": "No decrees yet. Start a new one below.",
    },
    "cases.col.title": {"id": "Judul", "en": "Title"},
    "cases.col.nomor": {"id": "Nomor", "en": "Number"},
    "cases.col.state": {"id": "Keadaan", "en": "State"},
    "cases.col.created": {"id": "Dibuat", "en": "Created"},
    "state.empty": {"id": "workbook belum lengkap", "en": "workbook not complete yet"},
    "state.clean": {"id": "data lengkap, siap dibuat", "en": "data complete, ready to build"},
    # ---- new case
    "new.heading": {"id": "Keputusan baru", "en": "New decree"},
    "new.help": {
        "id": "Buat keputusan baru, kosong atau dari keputusan tahun lalu. Lalu unduh workbook-nya, isi di Excel, "
        "dan unggah kembali.",
        "en": "Start a new decree, empty or from last year's. Then download its workbook, fill it in in Excel and "
        "upload it again.",
    },
    "new.title": {"id": "Judul (untuk daftar ini)", "en": "Title (for this list)"},
    "new.title_example": {"id": "mis. Rencana Aksi RB 2023", "en": "e.g. Rencana Aksi RB 2023"},
    "new.source": {"id": "Mulai dari", "en": "Start from"},
    "new.source_empty": {"id": "workbook kosong", "en": "an empty workbook"},
    "new.submit": {"id": "Buat keputusan baru", "en": "Create the decree"},
    "new.invalid": {"id": "Tulis judulnya dulu.", "en": "Write a title first."},
    "new.failed": {
        "id": "Keputusan baru tidak dapat dibuat. Coba lagi; bila tetap gagal, hubungi bagian TI.",
        "en": "The new decree could not be created. Try again; if it keeps failing, call IT.",
    },
    "new.done": {
        "id": "Keputusan baru dibuat. Unduh workbook-nya, isi di Excel, lalu unggah kembali.",
        "en": "The new decree was created. Download its workbook, fill it in in Excel, then upload it.",
    },
    # ---- case page
    "case.back": {"id": "← Daftar keputusan", "en": "← Decrees"},
    "case.step1": {"id": "1. Workbook", "en": "1. Workbook"},
    "case.step1.help": {
        "id": "Unduh workbook, isi di Excel atau LibreOffice Calc (petunjuk ada di sheet Petunjuk), lalu simpan "
        "sebagai .xlsx.",
        "en": "Download the workbook, fill it in in Excel or LibreOffice Calc (the Petunjuk sheet explains each "
        "sheet), and save it as .xlsx.",
    },
    "case.download_workbook": {"id": "Unduh workbook (.xlsx)", "en": "Download the workbook (.xlsx)"},
    "case.step2": {"id": "2. Unggah workbook yang sudah diisi", "en": "2. Upload the filled workbook"},
    "case.step3": {"id": "3. Buat keputusan", "en": "3. Build the decree"},
    "case.step4": {"id": "4. Revisi", "en": "4. Revisions"},
    "case.step5": {"id": "Batch: semua kantor kabupaten/kota", "en": "Batch: every kabupaten/kota office"},
    "case.nomor": {"id": "Nomor", "en": "Number"},
    "upload.label": {"id": "Workbook (.xlsx)", "en": "Workbook (.xlsx)"},
    "upload.submit": {"id": "Unggah dan periksa", "en": "Upload and check"},
    "upload.help": {
        "id": "Workbook diperiksa seluruhnya; setiap masalah ditunjukkan dengan sheet dan selnya. Belum ada yang "
        "dibuat. Perbaiki lalu unggah lagi sampai bersih. Paling besar {mb} MB.",
        "en": "The whole workbook is checked; every problem is shown with its sheet and cell. Nothing is built "
        "yet. Fix them and upload again until it is clean. At most {mb} MB.",
    },
    "upload.choose_file": {"id": "Pilih dulu file workbook (.xlsx).", "en": "Choose a workbook file (.xlsx) first."},
    "upload.result_ok": {
        "id": "{name}: data lengkap dan benar. Workbook ini dipakai untuk membuat keputusan.",
        "en": "{name}: no problems. This workbook is used to build the decree.",
    },
    "upload.result_problems": {
        "id": "{name}: {n} masalah. Perbaiki di workbook lalu unggah lagi.",
        "en": "{name}: {n} problem(s). Fix them in the workbook and upload it again.",
    },
    "upload.result_refused": {"id": "{name}: file ditolak.", "en": "{name}: file refused."},
    "upload.when": {"id": "diunggah {when} oleh {user}", "en": "uploaded {when} by {user}"},
    "upload.col.sheet": {"id": "Sheet", "en": "Sheet"},
    "upload.col.cell": {"id": "Sel", "en": "Cell"},
    "upload.col.what": {"id": "Masalah", "en": "Problem"},
    "upload.col.fix": {"id": "Perbaikan", "en": "Fix"},
    "upload.not_xlsx": {
        "id": "{name} bukan workbook Excel (.xlsx). Simpan sebagai Excel Workbook (.xlsx) dari Excel atau "
        "LibreOffice Calc, lalu unggah lagi.",
        "en": "{name} is not an Excel workbook (.xlsx). Save it as Excel Workbook (.xlsx) from Excel or "
        "LibreOffice Calc and upload it again.",
    },
    "upload.macros": {
        "id": "{name} berisi makro. Simpan sebagai Excel Workbook (.xlsx) biasa, tanpa makro, lalu unggah lagi.",
        "en": "{name} contains macros. Save it as a plain Excel Workbook (.xlsx), without macros, and upload again.",
    },
    "upload.too_large": {
        "id": "File terlalu besar (paling besar {mb} MB). Workbook keputusan biasanya jauh lebih kecil: periksa "
        "bahwa file yang dipilih benar.",
        "en": "The file is too large (at most {mb} MB). A decree's workbook is usually far smaller: check that "
        "you chose the right file.",
    },
    "build.help": {
        "id": "Membuat asli dan salinan (PDF dan Word) dari workbook yang terakhir diunggah bersih. Setiap "
        "pembuatan yang mengubah sesuatu menjadi revisi baru; revisi lama tetap tersimpan.",
        "en": "Builds the asli and salinan (PDF and Word) from the last clean workbook. Each build that changes "
        "something becomes a new revision; earlier ones are kept.",
    },
    "build.submit": {"id": "Buat keputusan", "en": "Build the decree"},
    "build.not_clean": {
        "id": "Unggah dulu workbook yang lengkap dan benar.",
        "en": "Upload a complete, correct workbook first.",
    },
    "build.disabled": {
        "id": "Tombol ini aktif setelah workbook yang diunggah bersih dari masalah.",
        "en": "This button works once an uploaded workbook has no problems.",
    },
    "build.done": {
        "id": "Selesai: {rev} ({asli} halaman asli, {salinan} halaman salinan) dalam {seconds} detik.",
        "en": "Done: {rev} ({asli} pages asli, {salinan} pages salinan) in {seconds} s.",
    },
    "build.unchanged": {
        "id": "Tidak ada perubahan sejak {rev}: tidak ada revisi baru.",
        "en": "Nothing changed since {rev}: no new revision.",
    },
    "build.failed": {"id": "Pembuatan gagal:", "en": "The build failed:"},
    "build.view": {"id": "Lihat halaman dan unduh", "en": "See the pages and download"},
    "job.already": {
        "id": "Sudah ada pekerjaan yang menunggu atau berjalan untuk keputusan ini; tunggu sampai selesai.",
        "en": "A job for this decree is already waiting or running; wait for it to finish.",
    },
    "job.status.queued": {"id": "menunggu giliran", "en": "waiting in the queue"},
    "job.status.running": {"id": "berjalan", "en": "running"},
    "job.status.done": {"id": "selesai", "en": "done"},
    "job.status.failed": {"id": "gagal", "en": "failed"},
    "job.progress": {"id": "Sedang dikerjakan", "en": "In progress"},
    "job.started_by": {"id": "dimulai oleh {user}, {when}", "en": "started by {user}, {when}"},
    "job.reload": {"id": "Muat ulang halaman", "en": "Reload the page"},
    "step.waiting": {"id": "menunggu keputusan ini bebas", "en": "waiting for this decree to be free"},
    "step.checking": {"id": "memeriksa data", "en": "checking the data"},
    "step.keputusan.asli": {"id": "membuat PDF keputusan (asli)", "en": "making the decree PDF (asli)"},
    "step.keputusan.salinan": {"id": "membuat PDF keputusan (salinan)", "en": "making the decree PDF (salinan)"},
    "step.lampiran.asli": {"id": "menata halaman lampiran (asli)", "en": "laying out the lampiran (asli)"},
    "step.lampiran.salinan": {"id": "menata halaman lampiran (salinan)", "en": "laying out the lampiran (salinan)"},
    "step.batch": {"id": "membuat keputusan setiap kantor", "en": "building every office's decree"},
    # ---- revisions
    "rev.none": {"id": "Belum ada revisi.", "en": "No revisions yet."},
    "rev.col.name": {"id": "Revisi", "en": "Revision"},
    "rev.col.made": {"id": "Tanggal", "en": "Date"},
    "rev.col.user": {"id": "Oleh", "en": "By"},
    "rev.col.nomor": {"id": "Nomor", "en": "Number"},
    "rev.open": {"id": "buka", "en": "open"},
    "rev.compare": {"id": "Daftar perubahan antara dua revisi", "en": "Changes between two revisions"},
    "rev.title": {"id": "Revisi {rev}", "en": "Revision {rev}"},
    "rev.made_by": {"id": "dibuat {when}", "en": "made {when}"},
    "rev.downloads": {"id": "Unduh", "en": "Downloads"},
    "rev.previews": {"id": "Halaman", "en": "Pages"},
    "rev.previews_help": {
        "id": "Periksa setiap halaman sebelum dicetak atau ditandatangani. Klik gambar untuk memperbesar.",
        "en": "Look at every page before printing or signing. Click a page to enlarge it.",
    },
    "rev.page": {"id": "halaman {n}", "en": "page {n}"},
    "rev.no_previews": {
        "id": "Gambar halaman tidak dapat dibuat; PDF-nya tetap dapat diunduh.",
        "en": "The page images could not be made; the PDF can still be downloaded.",
    },
    "variant.asli": {"id": "Asli (untuk ditandatangani)", "en": "Asli (the original, for signing)"},
    "variant.salinan": {"id": "Salinan", "en": "Salinan (certified copy)"},
    "file.asli.pdf": {"id": "Asli, PDF", "en": "Asli, PDF"},
    "file.salinan.pdf": {"id": "Salinan, PDF", "en": "Salinan, PDF"},
    "file.asli-keputusan.docx": {"id": "Asli, keputusan (Word)", "en": "Asli, decree (Word)"},
    "file.asli-lampiran.docx": {"id": "Asli, lampiran (Word)", "en": "Asli, lampiran (Word)"},
    "file.salinan-keputusan.docx": {"id": "Salinan, keputusan (Word)", "en": "Salinan, decree (Word)"},
    "file.salinan-lampiran.docx": {"id": "Salinan, lampiran (Word)", "en": "Salinan, lampiran (Word)"},
    "file.asli.signing.json": {
        "id": "Asli, letak tanda tangan (signing.json)",
        "en": "Asli, where the signatures go (signing.json)",
    },
    "file.salinan.signing.json": {
        "id": "Salinan, letak tanda tangan (signing.json)",
        "en": "Salinan, where the signatures go (signing.json)",
    },
    # ---- signed copies
    "signed.heading": {"id": "PDF yang sudah ditandatangani", "en": "Signed PDFs"},
    "signed.help": {
        "id": "Unggah PDF asli atau salinan revisi ini setelah ditandatangani secara elektronik. Tanda tangannya "
        "diperiksa dan file disimpan bersama revisi ini.",
        "en": "Upload the asli or salinan of this revision once signed electronically. Its signatures are "
        "verified and the file is kept with this revision.",
    },
    "signed.label": {"id": "PDF bertanda tangan", "en": "Signed PDF"},
    "signed.submit": {"id": "Unggah dan periksa tanda tangan", "en": "Upload and verify"},
    "signed.none": {"id": "Belum ada.", "en": "None yet."},
    "signed.choose_file": {
        "id": "Pilih dulu file PDF (paling besar {mb} MB).",
        "en": "Choose a PDF file first (at most {mb} MB).",
    },
    "signed.not_pdf": {"id": "{name} bukan file PDF.", "en": "{name} is not a PDF file."},
    "signed.not_this_revision": {
        "id": "{name} bukan hasil tanda tangan atas PDF revisi {rev} ini (isinya berbeda dari asli maupun "
        "salinan revisi ini). Tanda tangani PDF yang diunduh dari revisi ini.",
        "en": "{name} is not a signed copy of this revision {rev}'s PDF (it differs from both its asli and "
        "salinan). Sign the PDF downloaded from this revision.",
    },
    "signed.no_signature": {
        "id": "{name} belum memuat tanda tangan elektronik.",
        "en": "{name} carries no electronic signature.",
    },
    "signed.unreadable": {"id": "{name} tidak dapat dibaca sebagai PDF.", "en": "{name} cannot be read as a PDF."},
    "signed.ok": {
        "id": "{name}: tanda tangan sah, disimpan sebagai {variant} bertanda tangan.",
        "en": "{name}: signatures valid; kept as the signed {variant}.",
    },
    "signed.failed": {
        "id": "{name}: ada tanda tangan yang tidak sah (lihat rinciannya). File tetap disimpan untuk diperiksa.",
        "en": "{name}: a signature does not verify (see the detail). The file is kept for inspection.",
    },
    "signed.col.file": {"id": "File", "en": "File"},
    "signed.col.variant": {"id": "Varian", "en": "Variant"},
    "signed.col.signatures": {"id": "Tanda tangan", "en": "Signatures"},
    "signed.col.by": {"id": "Diunggah", "en": "Uploaded"},
    "signed.valid": {"id": "sah", "en": "valid"},
    "signed.invalid": {"id": "TIDAK SAH", "en": "NOT VALID"},
    "signed.trust_not_checked": {
        "id": "(rantai sertifikat tidak diperiksa: server belum diberi sertifikat akar)",
        "en": "(certificate chain not checked: the server has no root certificate configured)",
    },
    "signed.trusted": {"id": "sertifikat terpercaya", "en": "trusted certificate"},
    "signed.untrusted": {"id": "sertifikat tidak terpercaya", "en": "certificate not trusted"},
    # ---- daftar perubahan
    "changes.title": {"id": "Daftar perubahan", "en": "List of changes"},
    "changes.from": {"id": "Dari", "en": "From"},
    "changes.to": {"id": "ke", "en": "to"},
    "changes.show": {"id": "Tampilkan", "en": "Show"},
    "changes.pdf": {"id": "Unduh sebagai PDF", "en": "Download as PDF"},
    "changes.too_few": {
        "id": "Perbandingan memerlukan dua revisi. Ubah workbook, unggah, dan buat lagi.",
        "en": "A comparison needs two revisions. Change the workbook, upload it and build again.",
    },
    "changes.count": {"id": "{n} perubahan.", "en": "{n} change(s)."},
    "changes.none": {"id": "Tidak ada perubahan isi.", "en": "No change of content."},
    "changes.legend": {
        "id": "Coret merah: kata dihapus; garis bawah biru: kata ditambah.",
        "en": "Red strike-through: words removed; blue underline: words added.",
    },
    # ---- batch
    "batch.help": {
        "id": "Membuat asli dan salinan untuk setiap kantor yang tercantum di sheet Kantor, masing-masing dengan "
        "nama, nomor dan pejabatnya sendiri. Kantor yang datanya tidak berubah tidak dibuat ulang.",
        "en": "Builds the asli and salinan of every office listed in the Kantor sheet, each with its own name, "
        "number and officials. Offices whose data did not change are not rebuilt.",
    },
    "batch.offices": {"id": "{n} kantor tercantum di sheet Kantor.", "en": "{n} offices listed in the Kantor sheet."},
    "batch.submit": {"id": "Jalankan batch", "en": "Run the batch"},
    "batch.no_offices": {
        "id": "Workbook ini belum mencantumkan kantor di sheet Kantor, atau belum bersih.",
        "en": "This workbook lists no offices in its Kantor sheet, or is not clean yet.",
    },
    "batch.outside": {
        "id": "Kantor berikut bukan kabupaten/kota di provinsi ini: {codes}. Hapus dari sheet Kantor.",
        "en": "These offices are not kabupaten/kota of this province: {codes}. Remove them from the Kantor sheet.",
    },
    "batch.col.kode": {"id": "Kode", "en": "Code"},
    "batch.col.kantor": {"id": "Kantor", "en": "Office"},
    "batch.col.status": {"id": "Status", "en": "Status"},
    "batch.col.pages": {"id": "Halaman (asli/salinan)", "en": "Pages (asli/salinan)"},
    "batch.col.files": {"id": "Unduh", "en": "Download"},
    "batch.col.error": {"id": "Masalah", "en": "Problem"},
    "batch.status.built": {"id": "dibuat", "en": "built"},
    "batch.status.unchanged": {"id": "tidak berubah", "en": "unchanged"},
    "batch.status.failed": {"id": "gagal", "en": "failed"},
    "batch.summary": {
        "id": "{n} kantor dalam {seconds} detik: {built} dibuat, {unchanged} tidak berubah, {failed} gagal.",
        "en": "{n} offices in {seconds} s: {built} built, {unchanged} unchanged, {failed} failed.",
    },
    # ---- errors
    "error.404": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "error.404.help": {
        "id": "Halaman atau keputusan ini tidak ada, atau bukan milik kantor Anda.",
        "en": "This page or decree does not exist, or does not belong to your office.",
    },
    "error.403": {"id": "Permintaan ditolak", "en": "Request refused"},
    "error.403.help": {
        "id": "Permintaan ini ditolak demi keamanan (token formulir tidak ada atau kedaluwarsa). Muat ulang "
        "halaman lalu coba lagi.",
        "en": "This request was refused for safety (the form's token is missing or expired). Reload the page "
        "and try again.",
    },
    "error.500": {"id": "Terjadi kesalahan", "en": "Something went wrong"},
    "error.500.help": {
        "id": "Terjadi kesalahan di server. Tidak ada file yang ditulis setengah jadi. Coba lagi; bila tetap "
        "terjadi, hubungi bagian TI.",
        "en": "The server hit an error. Nothing was half-written. Try again; if it keeps happening, call IT.",
    },
}


def lookup(code: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    entry = TEXTS.get(code)
    if entry is None:
        return code
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text
