"""The message catalogue: everything the tool says to its users, by code, in Indonesian and English.

Staff read these, so each text names the place, what is wrong and how to fix it. Nothing is put
into words before it is shown: a `Problem` (bad input at a `Place`), a `Message` (anything
else) and a `KeputusanError` (errors.py) carry a code and its parameters, and are rendered in a
language only when shown (`render_problem`, `say`, `error_text`), so the same run serves
`--lang id` and `--lang en`, and the web application shows both.

The catalogue is one dict, `CATALOGUE`: code -> {"id": ..., "en": ...}. A problem's entry is a
pair (what is wrong, how to fix it); every other entry is one text. `{name}` fields are filled
from the parameters; a parameter that is a `Message` (or a list of them) is rendered in the same
language. Sections, by the code's first part: what the commands say; errors (errors.py);
click's own texts (its usage errors and help headings); the daftar perubahan (`diff.*`); the
web application's pages (`web.*`); then the problems in case data, by where they are found.
This module imports nothing of the package: errors.py renders through it, never the reverse.
"""

from __future__ import annotations

import errno
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")
DEFAULT_LANG: Lang = "id"


def language(value: str | None) -> Lang:
    """`value` as a language of the catalogue: "id" or "en"; anything else is the default."""
    return "en" if value == "en" else "id" if value == "id" else DEFAULT_LANG


@dataclass(frozen=True)
class Place:
    """Where a problem is: a file, and in it a sheet and cell (`Rencana Aksi!D14`) or a YAML key."""

    file: str = ""
    sheet: str | None = None
    cell: str | None = None  # "D14", or a range: "A2:A4" (merged), "A10:Q10" (a whole row)
    key: str | None = None  # YAML key path: "nomor.format", "mengingat[3]"
    line: int | None = None  # 1-based line of the YAML file

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        head = self.file
        if self.sheet is not None:
            where = f"{self.sheet}!{self.cell}" if self.cell else say("place.sheet", lang, sheet=self.sheet)
            return f"{head}, {where}" if head else where
        parts = [head] if head else []
        if self.key:
            parts.append(say("place.key", lang, key=self.key))
        text = ", ".join(parts)
        if self.line:
            text += say("place.line", lang, line=self.line)
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, how to fix it."""

    where: str
    what: str
    fix: str = ""
    # Set by problem(): the catalogue code, its parameters and the structured place, so the
    # same problem can be shown in Indonesian or English. where/what/fix hold English.
    code: str = field(default="", compare=False)
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    place: Any = field(default=None, compare=False)

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}"
        return f"{text} — {self.fix}" if self.fix else text


@dataclass(frozen=True)
class Message:
    """A text of the catalogue, not yet in a language: its code and parameters."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        return say(self.code, lang, **dict(self.params))

    def __str__(self) -> str:
        return self.render("en")

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        """A Message back from its JSON form ({"code": ..., "params": [[name, value], ...]})."""

        def value(v: Any) -> Any:
            return cls.from_data(v) if isinstance(v, Mapping) and set(v) == {"code", "params"} else v

        return cls(str(data["code"]), tuple((str(k), value(v)) for k, v in data.get("params") or ()))


def message(code: str, /, **params: Any) -> Message:
    """A Message of `code` (which must be in the catalogue, as one text)."""
    if not isinstance(CATALOGUE.get(code, {}).get("en"), str):
        raise KeyError(f"no message {code!r} in the catalogue")
    return Message(code, tuple(params.items()))


# code: {lang: text}, or {lang: (what, fix)} for a problem in case data; `{name}` fields come from
# the parameters. Sections below, by what the code starts with.
CATALOGUE: dict[str, dict[str, str | tuple[str, str]]] = {
    # ======== what the commands say
    # ---- validate, build, init, convert-case
    "validate.ok": {
        "id": "{case}: data lengkap dan benar — nomor {nomor}, {rows} baris rencana aksi, {mengingat} dasar hukum{offices}.",
        "en": "{case}: no problems — number {nomor}, {rows} plan rows, {mengingat} legal bases{offices}.",
    },
    "validate.offices": {"id": ", {n} kantor", "en": ", {n} offices"},
    "validate.ok_lampiran": {
        "id": "{case}: data lengkap dan benar — nomor {nomor}, {lampiran}, {mengingat} dasar hukum{offices}.",
        "en": "{case}: no problems — number {nomor}, {lampiran}, {mengingat} legal bases{offices}.",
    },
    "validate.no_lampiran": {"id": "tanpa lampiran", "en": "no lampiran"},
    "validate.lampiran": {"id": "{n} lampiran ({parts})", "en": "{n} lampiran ({parts})"},
    "validate.part.rows": {"id": "{n} baris tabel", "en": "{n} table rows"},
    "validate.part.members": {"id": "{n} anggota", "en": "{n} members"},
    "validate.part.prose": {"id": "{n} bagian prosa", "en": "{n} blocks of prose"},
    "build.bundle": {"id": "{path}  ({pages} halaman, {rev})", "en": "{path}  ({pages} pages, {rev})"},
    "build.done": {
        "id": "nomor {nomor} dibuat dalam {seconds} detik: revisi baru {rev} ({folder})",
        "en": "built {nomor} in {seconds} s: new revision {rev} ({folder})",
    },
    "build.unchanged": {
        "id": "tidak ada perubahan sejak {rev}: tidak ada revisi baru ({seconds} detik)",
        "en": "nothing changed since {rev}: no new revision ({seconds} s)",
    },
    "init.done": {
        "id": "{path}  (isi workbook ini, lalu jalankan keputusan validate)",
        "en": "{path}  (fill in this workbook, then run keputusan validate)",
    },
    "convert.done": {"id": "{folder}  (bentuk {form})", "en": "{folder}  ({form} form)"},
    "convert.form.workbook": {"id": "workbook", "en": "workbook"},
    "convert.form.yaml": {"id": "YAML", "en": "YAML"},
    # ---- sign and verify
    "sign.passphrase": {"id": "Kata sandi sertifikat {p12}", "en": "Passphrase for {p12}"},
    "sign.done": {"id": "{path}  (kolom {field} ditandatangani)", "en": "{path}  (signed field {field})"},
    "verify.ok": {"id": "{field}: SAH", "en": "{field}: OK"},
    "verify.failed": {"id": "{field}: TIDAK SAH", "en": "{field}: FAILED"},
    "verify.signer": {"id": "  penanda tangan: {signer}", "en": "  signer:   {signer}"},
    "verify.signed_at": {"id": "  waktu:          {when}", "en": "  signed:   {when}"},
    "verify.reason": {"id": "  alasan:         {reason}", "en": "  reason:   {reason}"},
    "verify.location": {"id": "  tempat:         {location}", "en": "  location: {location}"},
    "verify.checks": {
        "id": "  utuh: {intact}, sah: {valid}, terpercaya: {trusted}, cakupan: {coverage}",
        "en": "  intact: {intact}, valid: {valid}, trusted: {trusted}, coverage: {coverage}",
    },
    "verify.problem": {"id": "  masalah:        {problem}", "en": "  problem:  {problem}"},
    "verify.not_signed": {"id": "{field}: belum ditandatangani", "en": "{field}: not signed yet"},
    "verify.yes": {"id": "ya", "en": "yes"},
    "verify.no": {"id": "tidak", "en": "no"},
    "verify.trust_not_checked": {
        "id": "tidak diperiksa (sebutkan --trust SERTIFIKAT_AKAR)",
        "en": "not checked (give --trust ROOT)",
    },
    "verify.coverage.entire_file": {"id": "seluruh file", "en": "whole file"},
    "verify.coverage.entire_revision": {
        "id": "seluruh revisi; sesudahnya: {later}",
        "en": "whole revision; later: {later}",
    },
    "verify.coverage.partial": {"id": "sebagian", "en": "partial"},
    "verify.coverage.unknown": {"id": "tidak diketahui", "en": "unknown"},
    "verify.later.none": {"id": "tidak ada perubahan", "en": "none"},
    "verify.later.lta_updates": {"id": "pembaruan arsip jangka panjang saja", "en": "lta updates"},
    "verify.later.form_filling": {"id": "pengisian kolom (tanda tangan berikutnya)", "en": "form filling"},
    "verify.later.annotations": {"id": "anotasi", "en": "annotations"},
    "verify.later.other": {"id": "perubahan lain", "en": "other"},
    "verify.later.unknown": {"id": "tidak diketahui", "en": "unknown"},
    "verify.problem.unvalidatable": {
        "id": "tidak dapat diperiksa (data tanda tangannya rusak)",
        "en": "cannot be validated (its signature data is damaged)",
    },
    "verify.problem.changed": {"id": "bagian yang ditandatangani telah diubah", "en": "the signed bytes were changed"},
    "verify.problem.invalid": {"id": "tanda tangan tidak terbukti sah", "en": "the signature does not verify"},
    "verify.problem.untrusted": {
        "id": "sertifikatnya tidak berantai ke sertifikat --trust",
        "en": "the certificate does not chain to a --trust certificate",
    },
    "verify.problem.modified": {
        "id": "diubah sesudah ditandatangani, lebih dari sekadar menambah tanda tangan ({coverage})",
        "en": "changed after signing beyond adding signatures ({coverage})",
    },
    "verify.problem.foreign_updates": {
        "id": "diubah sesudah ditandatangani: {n} pembaruan file sesudahnya bukan tanda tangan",
        "en": "changed after signing: {n} later update(s) of the file are not signatures",
    },
    "verify.problem.docmdp": {
        "id": "perubahan sesudah penandatanganan melanggar aturan perubahan dokumen",
        "en": "changes after signing break the document's modification policy",
    },
    # ---- batch
    "batch.columns": {"id": "kode|kantor|halaman|status|detik", "en": "code|office|pages|status|seconds"},
    "batch.progress": {"id": "kantor", "en": "offices"},
    "batch.status.built": {"id": "dibuat", "en": "built"},
    "batch.status.unchanged": {"id": "tetap", "en": "unchanged"},
    "batch.status.failed": {"id": "gagal", "en": "failed"},
    "batch.failed_office": {"id": "{kode} {kantor}: {reason}", "en": "{kode} {kantor}: {reason}"},
    "batch.summary": {
        "id": "{n} kantor: {built} dibuat, {unchanged} tidak berubah, {failed} gagal, dalam {seconds} detik{used}; "
        "laporan: {report}",
        "en": "{n} offices: {built} built, {unchanged} unchanged, {failed} failed in {seconds} s{used}; "
        "report: {report}",
    },
    "batch.used": {"id": " dengan {n} proses LibreOffice", "en": " with {n} LibreOffice process{es}"},
    # ---- the web application's accounts and server
    "user.password": {"id": "Kata sandi", "en": "Password"},
    "user.created": {"id": "pengguna {name} dibuat", "en": "user {name} created"},
    "user.password_changed": {"id": "kata sandi {name} diganti", "en": "password of {name} changed"},
    "user.unlocked": {"id": "kunci {name} dibuka", "en": "{name} unlocked"},
    "user.row": {"id": "{name} {office} {role} {flags}", "en": "{name} {office} {role} {flags}"},
    "user.flag.admin": {"id": "admin", "en": "admin"},
    "user.flag.inactive": {"id": "nonaktif", "en": "inactive"},
    "user.flag.locked": {"id": "TERKUNCI", "en": "LOCKED"},
    "serve.no_user": {
        "id": "belum ada pengguna: buat administrator dengan `keputusan user add admin --admin --data {data}` "
        "(kata sandinya ditanyakan), lalu tambahkan kantor dan staf di /admin/ atau dengan "
        "`keputusan user add NAMA --office KODE`",
        "en": "no user yet: create the administrator with `keputusan user add admin --admin --data {data}` "
        "(it asks for a password), then add offices and staff at /admin/ or with "
        "`keputusan user add NAME --office KODE`",
    },
    "serve.listening": {
        "id": "http://{host}:{port}/  (data: {data}; Ctrl-C menghentikan)",
        "en": "http://{host}:{port}/  (data: {data}; Ctrl-C stops)",
    },
    "serve.cannot_start": {
        "id": "server web tidak dapat berjalan (kode keluar {code}); lihat pesan di atas",
        "en": "the web server cannot start (exit {code}); see above",
    },
    # ---- how a run ends
    "cli.interrupted": {
        "id": "dihentikan; tidak ada file yang ditulis setengah jadi",
        "en": "interrupted; nothing was half-written",
    },
    "cli.aborted": {"id": "dibatalkan", "en": "aborted"},
    "cli.error_kind": {"id": "[{kind}, kode keluar {code}]", "en": "[{kind}, exit {code}]"},
    "cli.version": {"id": "{prog}, versi {version}", "en": "{prog}, version {version}"},
    # ---- where a problem is (Place): a sheet, or a YAML key and its line
    "place.sheet": {"id": "sheet '{sheet}'", "en": "sheet '{sheet}'"},
    "place.key": {"id": "kunci {key}", "en": "key {key}"},
    "place.line": {"id": " (baris {line})", "en": " (line {line})"},
    # ======== errors (errors.py): what happened, and what to do
    "problems.heading": {"id": "{n} masalah pada data kasus{case}:", "en": "{n} problem{s} in the case data{case}:"},
    "problems.fix": {"id": "Perbaikan: ", "en": "Fix: "},
    "error.technical": {"id": "(rincian teknis: {detail})", "en": "({detail})"},
    "error.internal": {
        "id": "kesalahan internal ({kind}). Tidak ada file yang ditulis setengah jadi. "
        "Jalankan lagi dengan --verbose untuk rincian teknis dan laporkan ke pengembang.",
        "en": "internal error ({kind}). Nothing was half-written. "
        "Run again with --verbose for technical detail and report it to the developers.",
    },
    # ---- the Word templates (TemplateError)
    "template.runs_code": {
        "id": "{path}: templat mencoba menjalankan kode, padahal templat tidak boleh; "
        "pakai hanya kolom isian dan tag if/for (lihat docs)",
        "en": "{path}: the template tries to run code, which templates may not do; "
        "use only fields and the tags of docs (if, for)",
    },
    "template.unknown_field": {
        "id": "{path}: templat memakai kolom isian yang tidak ada dalam data ({field}); "
        "perbaiki nama kolom itu di templat, atau hapus",
        "en": "{path}: the template uses a field the data does not have ({field}); "
        "correct the field's name in the template, or remove it",
    },
    "template.syntax": {
        "id": "{path}: tag templat rusak di sekitar baris {line} XML-nya; "
        "buka templat di Word dan perbaiki tag {{% ... %}} dan {{{{ ... }}}} di sana",
        "en": "{path}: broken template tag near line {line} of its XML; "
        "open the template in Word and correct its {{% ... %}} and {{{{ ... }}}} tags",
    },
    "template.not_found": {
        "id": "{path}: templat tidak ditemukan; sebutkan folder templat yang benar dengan --templates",
        "en": "{path}: template not found; give the right templates folder with --templates",
    },
    "template.unreadable": {
        "id": "{path}: tidak dapat dibaca sebagai templat Word; "
        "buka di Word atau LibreOffice lalu simpan sebagai Word 2007-365 (.docx)",
        "en": "{path}: cannot be read as a Word template; "
        "open it in Word or LibreOffice and save it as Word 2007-365 (.docx)",
    },
    "template.no_signature_line": {
        "id": "tidak ada baris kosong di atas '{name}' pada blok tanda tangan templat, tempat jangkar "
        "tanda tangan diletakkan; kembalikan baris kosong itu",
        "en": "no blank line above '{name}' in a signature block of the template, where the signing anchor "
        "goes; put the blank line back",
    },
    "template.no_plan_table": {
        "id": "{path}: tidak ada tabel dengan baris judul berulang (Table Properties > Row > 'Repeat as header row')",
        "en": "{path}: no table with repeating header rows (Table Properties > Row > 'Repeat as header row')",
    },
    "template.plan_columns": {
        "id": "{path}: tabel rencana aksi memiliki {columns} kolom, seharusnya {expected}",
        "en": "{path}: the plan table has {columns} columns, expected {expected}",
    },
    "template.plan_rows": {
        "id": "{path}: setelah diisi seharusnya ada {expected} baris tabel, ternyata {found}; "
        "biarkan perulangan {{%tr for row in rows %}} mengapit satu baris saja",
        "en": "{path}: expected {expected} table rows after rendering, found {found}; "
        "keep the {{%tr for row in rows %}} loop around one row",
    },
    # ---- outputs refused (OutputError)
    "output.refused": {
        "id": "tidak menulis hasil: tidak menimpa {files}; {advice}",
        "en": "nothing written: not overwriting {files}; {advice}",
    },
    "output.kept_signed": {
        "id": "{path}: file itu bertanda tangan (memuat tanda tangan digital), dan PDF bertanda tangan "
        "tidak pernah diubah",
        "en": "{path}: it is signed (it carries a digital signature) and a signed PDF is never touched",
    },
    "output.kept_changed": {
        "id": "{path}: telah diubah sejak ditulis oleh alat ini (disunting?) atau bukan ditulis olehnya",
        "en": "{path}: changed since this tool wrote it (edited?) or not written by it",
    },
    "output.advice.move": {
        "id": "pindahkan file itu, atau pilih folder --out lain",
        "en": "move it away or choose another --out folder",
    },
    "output.advice.move_then_build": {
        "id": "pindahkan dulu, lalu jalankan build lagi",
        "en": "move it away, then build again",
    },
    "output.advice.unchanged": {
        "id": "data tidak berubah sejak {rev}, jadi tidak ada yang perlu dibuat ulang; pindahkan file itu "
        "untuk membuat dari awal",
        "en": "the data has not changed since {rev}, so there is nothing to rebuild; move the file away to "
        "build afresh",
    },
    "output.no_revision_number": {
        "id": "tidak menulis hasil: {folder}: nomor revisi baru tidak dapat diambil "
        "(ada build lain pada waktu yang sama?); jalankan lagi",
        "en": "nothing written: {folder}: could not claim a revision number (another build at the same "
        "time?); run again",
    },
    "output.is_link": {
        "id": "tidak menulis {path}: itu sebuah tautan (jalur tetap sebuah build?); sebutkan --pdf-file lain",
        "en": "not writing {path}: it is a link (a stable path of a build?); give another --pdf-file",
    },
    "output.is_folder": {
        "id": "tidak menulis {path}: itu sebuah folder; sebutkan nama file yang berakhiran .pdf",
        "en": "not writing {path}: it is a folder; give a file name ending in .pdf",
    },
    "output.signed": {
        "id": "tidak menimpa {path}: file itu bertanda tangan, dan PDF bertanda tangan tidak pernah diubah",
        "en": "not overwriting {path}: it is signed, and a signed PDF is never touched",
    },
    "output.exists_pdf_file": {
        "id": "tidak menimpa {path}: file itu sudah ada; sebutkan --pdf-file lain, atau --force",
        "en": "not overwriting {path}: the file exists; give another --pdf-file, or --force",
    },
    "output.exists_out": {
        "id": "tidak menimpa {path}: file itu sudah ada; pilih --out lain",
        "en": "not overwriting {path}: it exists; choose another --out",
    },
    "output.case_exists": {
        "id": "{path} sudah ada dan tidak kosong: pilih folder baru untuk kasus ini",
        "en": "{path} already exists and is not empty: choose a new folder for the case",
    },
    "output.locked": {
        "id": "{folder} sedang ditulisi oleh batch lain (proses {pid}, sejak {since}); tunggu sampai selesai, "
        "atau pilih folder --out lain",
        "en": "{folder} is being written by another batch (pid {pid}, since {since}); wait until it has "
        "finished, or choose another --out folder",
    },
    "output.locked_unknown": {
        "id": "{folder} sedang ditulisi oleh batch lain; tunggu sampai selesai, atau pilih folder --out lain",
        "en": "{folder} is being written by another batch; wait until it has finished, or choose another --out folder",
    },
    # ---- LibreOffice and the other converters (ConversionError, ConverterMissing, ConversionTimeout)
    "conversion.no_soffice": {
        "id": "LibreOffice (soffice) belum terpasang: jalankan `make setup` "
        "(atau apt-get install libreoffice-writer-nogui), atau atur KEPUTUSAN_SOFFICE",
        "en": "LibreOffice (soffice) is not installed: run `make setup` "
        "(or apt-get install libreoffice-writer-nogui), or set KEPUTUSAN_SOFFICE",
    },
    "conversion.no_uno": {
        "id": "tidak ditemukan Python dengan jembatan UNO LibreOffice: jalankan `make setup` "
        "(atau apt-get install python3-uno), atau atur KEPUTUSAN_UNO_PYTHON",
        "en": "no Python with LibreOffice's UNO bridge was found: run `make setup` "
        "(or apt-get install python3-uno), or set KEPUTUSAN_UNO_PYTHON",
    },
    "conversion.cannot_start": {
        "id": "LibreOffice ({program}) tidak dapat dijalankan; periksa pemasangannya (`make setup`) "
        "atau KEPUTUSAN_SOFFICE",
        "en": "cannot start LibreOffice ({program}); check its installation (`make setup`) or KEPUTUSAN_SOFFICE",
    },
    "conversion.cannot_start_helper": {
        "id": "program bantu UNO ({program}) tidak dapat dijalankan; periksa python3-uno (`make setup`) "
        "atau KEPUTUSAN_UNO_PYTHON",
        "en": "cannot start the UNO helper ({program}); check python3-uno (`make setup`) or KEPUTUSAN_UNO_PYTHON",
    },
    "conversion.start_failed": {
        "id": "LibreOffice tidak dapat dijalankan untuk membuat PDF; periksa python3-uno (`make setup`)",
        "en": "LibreOffice could not be started for conversions; check python3-uno (`make setup`)",
    },
    "conversion.no_source": {
        "id": "{path}: dokumen yang akan dijadikan PDF tidak ada",
        "en": "{path}: document to convert does not exist",
    },
    "conversion.timeout": {
        "id": "LibreOffice tidak selesai membuat PDF dari {document} dalam {seconds} detik dan dihentikan",
        "en": "LibreOffice did not convert {document} within {seconds} s and was stopped",
    },
    "conversion.failed": {
        "id": "LibreOffice gagal membuat PDF dari {document} (kode keluar {code})",
        "en": "LibreOffice failed to convert {document} (exit {code})",
    },
    "conversion.no_pdf": {
        "id": "LibreOffice selesai tanpa menulis PDF untuk {document}",
        "en": "LibreOffice exited without writing a PDF for {document}",
    },
    "conversion.broken_pdf": {
        "id": "LibreOffice menulis PDF yang kosong atau rusak untuk {document}",
        "en": "LibreOffice wrote an empty or broken PDF for {document}",
    },
    "conversion.pool_closed": {"id": "kumpulan proses LibreOffice sudah ditutup", "en": "the converter pool is closed"},
    "conversion.start_exit": {
        "id": "LibreOffice berhenti saat dijalankan (kode keluar {code})",
        "en": "LibreOffice exited at start (exit {code})",
    },
    "conversion.start_timeout": {
        "id": "LibreOffice belum siap setelah {seconds} detik",
        "en": "LibreOffice did not start within {seconds} s",
    },
    "conversion.start_stopped": {
        "id": "LibreOffice berhenti saat dijalankan",
        "en": "LibreOffice stopped while starting",
    },
    "conversion.other_profile": {
        "id": "yang menjawab adalah LibreOffice lain (dengan profil lain)",
        "en": "a LibreOffice with another profile answered",
    },
    "conversion.stopped_before": {
        "id": "LibreOffice berhenti sebelum membuat PDF dari {document}",
        "en": "LibreOffice stopped before converting {document}",
    },
    "conversion.stopped_during": {
        "id": "LibreOffice berhenti saat membuat PDF dari {document}",
        "en": "LibreOffice stopped while converting {document}",
    },
    "conversion.helper_failed": {
        "id": "LibreOffice gagal membuat PDF dari {document}",
        "en": "LibreOffice failed to convert {document}",
    },
    "conversion.restart_failed": {
        "id": "LibreOffice gagal membuat PDF dari {document}: {cause}",
        "en": "LibreOffice failed to convert {document}: {cause}",
    },
    "conversion.not_running": {"id": "LibreOffice tidak berjalan", "en": "LibreOffice is not running"},
    "conversion.no_answer": {
        "id": "LibreOffice tidak menjawab pada waktunya",
        "en": "LibreOffice did not answer in time",
    },
    "conversion.stopped": {"id": "LibreOffice berhenti", "en": "LibreOffice stopped"},
    "conversion.bad_reply": {
        "id": "jawaban tak terduga dari program bantu UNO",
        "en": "unexpected answer from the UNO helper",
    },
    "conversion.retried": {
        "id": "(dicoba {attempts} kali, setiap kali dengan LibreOffice yang baru)",
        "en": "(tried {attempts} times, each on a fresh LibreOffice)",
    },
    "conversion.log_kept": {
        "id": "(catatan LibreOffice disimpan di {path}; sertakan bila melapor ke bagian TI)",
        "en": "(LibreOffice log: {path})",
    },
    "conversion.pdftoppm_missing": {
        "id": "pdftoppm belum terpasang (paket Debian poppler-utils)",
        "en": "pdftoppm is not installed (Debian package poppler-utils)",
    },
    "conversion.pdftoppm_no_pages": {
        "id": "pdftoppm tidak menghasilkan gambar halaman untuk {document}",
        "en": "pdftoppm wrote no pages for {document}",
    },
    "conversion.pdftoppm_timeout": {
        "id": "pdftoppm memerlukan lebih dari {seconds} detik untuk {document}",
        "en": "pdftoppm took longer than {seconds} s on {document}",
    },
    "conversion.pdftoppm_failed": {"id": "pdftoppm gagal pada {document}", "en": "pdftoppm failed on {document}"},
    "conversion.pdftotext_missing": {
        "id": "pdftotext (poppler-utils) belum terpasang: jalankan `make setup` (atau apt-get install poppler-utils)",
        "en": "pdftotext (poppler-utils) is not installed: run `make setup` (or apt-get install poppler-utils)",
    },
    # ---- the layout of the pages (LayoutError)
    "layout.pdftotext_failed": {
        "id": "pdftotext tidak dapat membaca {document}",
        "en": "pdftotext could not read {document}",
    },
    "layout.no_anchors": {
        "id": "{document}: baris-baris lampiran tidak membawa penanda halaman; baris tabel templat atau ekspor "
        "bookmark LibreOffice mungkin hilang",
        "en": "{document}: the lampiran's rows carry no page anchors; the template's table rows or "
        "LibreOffice's bookmark export may have been lost",
    },
    "layout.not_settled": {
        "id": "{row}: pergantian halaman lampiran di baris ini belum tetap setelah {passes} kali penataan; "
        "persingkat teks baris itu atau teks area, kegiatan dan indikatornya, lalu buat lagi",
        "en": "{row}: the lampiran's page breaks at this row did not settle after {passes} passes; shorten "
        "the texts of this row or of its area, kegiatan and indikator, and build again",
    },
    "layout.row_too_tall": {
        "id": "{row}: baris ini lebih tinggi dari satu halaman lampiran dan tidak dapat dipotong di antara kata "
        "(ada kata yang lebih panjang dari satu halaman kolomnya): sisipkan spasi atau persingkat teksnya",
        "en": "{row}: this row is taller than a page of the lampiran and cannot be cut between words (a word "
        "is longer than a page of its column): add spaces or shorten the text",
    },
    "layout.no_room": {
        "id": "{field}: hanya {gap} pt antara '{title}' dan '{name}' di halaman {page}: tidak ada ruang untuk "
        "tanda tangan (paling sedikit {min} pt); pertahankan baris-baris kosong blok tanda tangan di templat",
        "en": "{field}: only {gap} pt between '{title}' and '{name}' on page {page}: no room for a signature "
        "(at least {min} pt); keep the blank lines of the signature block in the template",
    },
    "layout.not_blank": {
        "id": "{field}: ruang tanda tangan di halaman {page} tidak kosong: tercetak '{word}' di dalamnya",
        "en": "{field}: the signature space on page {page} is not blank: '{word}' is printed in it",
    },
    "layout.block_not_found": {
        "id": "{field}: blok tanda tangan {signer} ('{title}' di atas '{name}') tidak ditemukan di halaman "
        "{first}-{last}; apakah blok tanda tangan di templat diubah?",
        "en": "{field}: the signature block of {signer} ('{title}' above '{name}') was not found on pages "
        "{first}-{last}; did the template's signature block change?",
    },
    # ---- signing and verifying (SigningError, SignatureInvalid)
    "signing.not_found": {"id": "{path}: file tidak ditemukan", "en": "{path}: file not found"},
    "signing.unreadable": {
        "id": "{path}: tidak dapat dibaca; periksa bahwa file itu ada dan boleh dibaca",
        "en": "{path}: cannot be read; check that the file exists and is readable",
    },
    "signing.not_pdf": {"id": "{path}: bukan file PDF", "en": "{path}: not a PDF file"},
    "signing.broken_pdf": {"id": "{path}: PDF rusak, tidak dapat dibaca", "en": "{path}: not a readable PDF"},
    "signing.encrypted": {
        "id": "{path}: PDF ini terenkripsi; berkas dari `keputusan build` tidak pernah terenkripsi",
        "en": "{path}: the PDF is encrypted; bundles from `keputusan build` never are",
    },
    "signing.no_p12": {"id": "{path}: file sertifikat tidak ditemukan", "en": "{path}: certificate file not found"},
    "signing.bad_p12": {
        "id": "{path}: sertifikat tidak dapat dibuka: kata sandinya salah, atau bukan file PKCS#12 (.p12/.pfx)",
        "en": "{path}: cannot open the certificate: wrong passphrase, or not a PKCS#12 (.p12/.pfx) file",
    },
    "signing.no_font": {
        "id": "tidak ada huruf (font) untuk teks tanda tangan yang tampak: pasang {font} "
        "(`make setup`, atau apt-get install fonts-liberation2)",
        "en": "no font for the signature's visible text: install {font} "
        "(`make setup`, or apt-get install fonts-liberation2)",
    },
    "signing.no_empty_field": {
        "id": "{path}: tidak ada kolom tanda tangan yang kosong untuk ditandatangani",
        "en": "{path}: no empty signature field to sign",
    },
    "signing.all_signed": {
        "id": "{path}: tidak ada kolom tanda tangan yang kosong (sudah ditandatangani: {fields})",
        "en": "{path}: no empty signature field to sign (signed already: {fields})",
    },
    "signing.choose_field": {
        "id": "{path} memiliki {n} kolom tanda tangan kosong: pilih satu dengan --field ({fields})",
        "en": "{path} has {n} empty signature fields: choose one with --field ({fields})",
    },
    "signing.field_signed": {
        "id": "{path}: kolom tanda tangan '{field}' sudah ditandatangani; kolom yang kosong: {empty}",
        "en": "{path}: signature field '{field}' is signed already; empty fields: {empty}",
    },
    "signing.no_field": {
        "id": "{path}: kolom tanda tangan '{field}' tidak ada; kolom yang kosong: {empty}",
        "en": "{path}: signature field '{field}' does not exist; empty fields: {empty}",
    },
    "signing.cert_unreadable": {
        "id": "{path}: sertifikat tidak dapat dibaca",
        "en": "{path}: cannot read the certificate",
    },
    "signing.not_cert": {
        "id": "{path}: bukan sertifikat X.509 (PEM atau DER)",
        "en": "{path}: not an X.509 certificate (PEM or DER)",
    },
    "signing.no_cert": {
        "id": "{path}: tidak ada sertifikat di dalam file itu",
        "en": "{path}: no certificate in the file",
    },
    "verify.no_signatures": {"id": "{path}: tidak ada tanda tangan", "en": "{path}: no signatures"},
    "verify.no_signatures_empty": {
        "id": "{path}: belum ada tanda tangan (kolom yang kosong: {fields})",
        "en": "{path}: no signatures (empty fields: {fields})",
    },
    "verify.failing": {"id": "tanda tangan yang tidak sah: {failures}", "en": "signatures that fail: {failures}"},
    "verify.failure": {"id": "{field}: {problems}", "en": "{field}: {problems}"},
    # ---- a batch with failed offices (BatchIncomplete)
    "batch.incomplete": {
        "id": "{failed} dari {n} kantor gagal ({codes}); alasannya di atas dan di {report}",
        "en": "{failed} of {n} offices failed ({codes}); reasons above and in {report}",
    },
    # ---- accounts of the web application (AccountError)
    "account.bad_name": {
        "id": "tulis nama pengguna sepanjang 1 sampai 150 karakter",
        "en": "give a user name of 1 to 150 characters",
    },
    "account.exists": {
        "id": "pengguna '{name}' sudah ada (ganti kata sandinya dengan `keputusan user passwd`)",
        "en": "user '{name}' exists already (change its password with `keputusan user passwd`)",
    },
    "account.needs_office": {
        "id": "staf memerlukan kantor: sebutkan --office KODE (kode wilayah, mis. 52 atau 5201)",
        "en": "staff need an office: give --office KODE (the region code, e.g. 52 or 5201)",
    },
    "account.bad_role": {"id": "peran harus staf atau provinsi", "en": "role is staf or provinsi"},
    "account.bad_office": {
        "id": "kantor '{office}': kode wilayah terdiri atas 2 angka (provinsi) atau 4 angka (kabupaten/kota)",
        "en": "office '{office}': a region code has 2 digits (province) or 4 (kabupaten/kota)",
    },
    "account.office_unknown": {
        "id": "kantor {office} belum ada: sebutkan namanya dengan --office-name",
        "en": "office {office} does not exist yet: give its name with --office-name",
    },
    "account.not_province": {
        "id": "peran provinsi memerlukan kantor provinsi (2 angka), bukan {office}",
        "en": "role provinsi needs a province office (2 digits), not {office}",
    },
    "account.no_user": {"id": "tidak ada pengguna '{name}'", "en": "no user '{name}'"},
    "account.password_refused": {"id": "kata sandi ditolak: {reasons}", "en": "password refused: {reasons}"},
    # ---- the machine refused a file operation (FileSystemError, by reason)
    "fs.not_writable": {
        "id": "tidak dapat menulis {path}: folder itu tidak boleh ditulisi (hanya-baca atau tanpa izin). "
        "Pilih folder lain dengan --out, atau minta izin tulis kepada pengelola server.",
        "en": "cannot write {path}: the folder is not writable (read-only or no permission). "
        "Choose another folder with --out, or ask the server's administrator for write access.",
    },
    "fs.not_folder": {
        "id": "{path} bukan folder: sudah ada file dengan nama itu. Pindahkan file itu atau pilih folder lain.",
        "en": "{path} is not a folder: a file has that name. Move the file away or choose another folder.",
    },
    "fs.is_folder": {
        "id": "{path} adalah folder, padahal yang diperlukan file. Sebutkan nama file, mis. hasil.pdf.",
        "en": "{path} is a folder where a file is needed. Give a file name such as result.pdf.",
    },
    "fs.disk_full": {
        "id": "disk penuh saat menulis {path}. Kosongkan ruang disk lalu jalankan lagi; "
        "tidak ada file yang ditulis setengah jadi.",
        "en": "the disk is full (writing {path}). Free some space and run again; nothing was half-written.",
    },
    "fs.name_too_long": {
        "id": "nama file terlalu panjang untuk sistem berkas: {path}. Pakai nama kasus atau folder yang lebih pendek.",
        "en": "a file name is too long for the file system: {path}. Use a shorter case or folder name.",
    },
    # why the machine refused to read a file (the English is the system's own words)
    "os.no_permission": {"id": "tanpa izin membaca", "en": "permission denied"},
    "os.missing": {"id": "file itu tidak ada", "en": "no such file"},
    "os.is_folder": {"id": "itu sebuah folder", "en": "is a directory"},
    "os.not_folder": {"id": "bagian jalurnya bukan folder", "en": "not a directory"},
    "os.name_too_long": {"id": "namanya terlalu panjang", "en": "file name too long"},
    "fs.other": {
        "id": "sistem berkas menolak {path} ({errno}). Periksa folder itu dan izinnya, lalu jalankan lagi.",
        "en": "the file system refused {path} ({errno}). Check the folder and its permissions, then run again.",
    },
    # ======== click's own texts, which staff meet in usage errors and --help: "en" is click's text
    # exactly as click asks for it (cli.py hands click the "id" one for --lang id)
    "click.error": {"id": "Kesalahan: {message}", "en": "Error: {message}"},
    "click.try_help": {"id": "Lihat '{command} {option}' untuk bantuan.", "en": "Try '{command} {option}' for help."},
    "click.invalid_value_for": {
        "id": "Nilai tidak sah untuk {param_hint}: {message}",
        "en": "Invalid value for {param_hint}: {message}",
    },
    "click.invalid_value": {"id": "Nilai tidak sah: {message}", "en": "Invalid value: {message}"},
    "click.missing_argument": {"id": "Kurang argumen", "en": "Missing argument"},
    "click.missing_option": {"id": "Kurang opsi", "en": "Missing option"},
    "click.missing_parameter": {"id": "Kurang parameter", "en": "Missing parameter"},
    "click.missing_kind": {"id": "Kurang {param_type}", "en": "Missing {param_type}"},
    "click.missing_named": {"id": "Kurang parameter: {param_name}", "en": "Missing parameter: {param_name}"},
    "click.missing_command": {"id": "Perintahnya belum disebut.", "en": "Missing command."},
    "click.no_such_option": {"id": "Tidak ada opsi {name!r}.", "en": "No such option {name!r}."},
    "click.no_such_command": {"id": "Tidak ada perintah {name!r}.", "en": "No such command {name!r}."},
    "click.did_you_mean": {"id": "Mungkin maksudnya {possibility}?", "en": "Did you mean {possibility}?"},
    "click.did_you_mean_many": {
        "id": "(Mungkin maksudnya salah satu dari: {possibilities}?)",
        "en": "(Did you mean one of: {possibilities}?)",
    },
    "click.extra_argument": {
        "id": "Ada argumen lebih yang tidak diharapkan ({args})",
        "en": "Got unexpected extra argument ({args})",
    },
    "click.extra_arguments": {
        "id": "Ada argumen lebih yang tidak diharapkan ({args})",
        "en": "Got unexpected extra arguments ({args})",
    },
    "click.option_no_value": {
        "id": "Opsi {name!r} tidak menerima nilai.",
        "en": "Option {name!r} does not take a value.",
    },
    "click.option_needs_value": {
        "id": "Opsi {name!r} memerlukan nilai.",
        "en": "Option {name!r} requires an argument.",
    },
    "click.option_needs_values": {
        "id": "Opsi {name!r} memerlukan {nargs} nilai.",
        "en": "Option {name!r} requires {nargs} arguments.",
    },
    "click.not_choice": {"id": "{value!r} bukan {choice}.", "en": "{value!r} is not {choice}."},
    "click.not_choices": {
        "id": "{value!r} bukan salah satu dari {choices}.",
        "en": "{value!r} is not one of {choices}.",
    },
    "click.not_in_range": {"id": "{value} di luar rentang {range}.", "en": "{value} is not in the range {range}."},
    # click names the type in English ("integer"): said here without it
    "click.not_number": {"id": "{value!r} bukan angka yang sah.", "en": "{value!r} is not a valid {number_type}."},
    "click.not_boolean": {
        "id": "{value!r} bukan ya/tidak yang sah. Nilai yang dikenal: {states}",
        "en": "{value!r} is not a valid boolean. Recognized values: {states}",
    },
    "click.path_missing": {"id": "{name} {filename!r} tidak ada.", "en": "{name} {filename!r} does not exist."},
    "click.path_is_file": {"id": "{name} {filename!r} ternyata sebuah file.", "en": "{name} {filename!r} is a file."},
    "click.path_is_folder": {
        "id": "{name} {filename!r} ternyata sebuah folder.",
        "en": "{name} {filename!r} is a directory.",
    },
    "click.path_not_readable": {
        "id": "{name} {filename!r} tidak boleh dibaca.",
        "en": "{name} {filename!r} is not readable.",
    },
    "click.path_not_writable": {
        "id": "{name} {filename!r} tidak boleh ditulisi.",
        "en": "{name} {filename!r} is not writable.",
    },
    "click.file": {"id": "file", "en": "file"},
    "click.directory": {"id": "folder", "en": "directory"},
    "click.path": {"id": "jalur", "en": "path"},
    "click.could_not_open": {
        "id": "File {filename!r} tidak dapat dibuka: {message}",
        "en": "Could not open file {filename!r}: {message}",
    },
    "click.unknown_error": {"id": "kesalahan yang tidak dikenal", "en": "unknown error"},
    "click.aborted": {"id": "Dibatalkan!", "en": "Aborted!"},
    "click.repeat": {"id": "Ulangi untuk memastikan", "en": "Repeat for confirmation"},
    "click.no_match": {"id": "Kesalahan: kedua isian tidak sama.", "en": "Error: The two entered values do not match."},
    "click.invalid_input": {"id": "Kesalahan: isian tidak sah", "en": "Error: invalid input"},
    "click.choose_from": {"id": "Pilih salah satu:\n\t{choices}", "en": "Choose from:\n\t{choices}"},
    "click.usage": {"id": "Penggunaan:", "en": "Usage:"},
    "click.options_metavar": {"id": "[OPSI]", "en": "[OPTIONS]"},
    "click.subcommand_metavar": {"id": "PERINTAH [ARGUMEN]...", "en": "COMMAND [ARGS]..."},
    "click.options": {"id": "Opsi", "en": "Options"},
    "click.commands": {"id": "Perintah", "en": "Commands"},
    "click.arguments": {"id": "Argumen", "en": "Positional arguments"},
    "click.help_option": {"id": "Tampilkan pesan ini lalu keluar.", "en": "Show this message and exit."},
    "click.default": {"id": "bawaan: {default}", "en": "default: {default}"},
    "click.env_var": {"id": "variabel lingkungan: {var}", "en": "env var: {var}"},
    "click.required": {"id": "wajib", "en": "required"},
    "click.dynamic": {"id": "(dinamis)", "en": "(dynamic)"},
    # ======== --help: what each command and option is for ("en" is the text given to click)
    "help.cli": {
        "id": "Membuat Keputusan KPU beserta Lampirannya sebagai berkas PDF yang siap ditandatangani.",
        "en": "Produce KPU decrees (Keputusan) with their Lampiran as signing-ready PDF bundles.",
    },
    "help.version": {"id": "Tampilkan versi lalu keluar.", "en": "Show the version and exit."},
    "help.lang": {
        "id": "Bahasa pesan: id (Bahasa Indonesia, bawaan; atau $KEPUTUSAN_LANG) atau en (Inggris).",
        "en": "Language of messages: id (Indonesian, default; or $KEPUTUSAN_LANG) or en.",
    },
    "help.verbose": {
        "id": "Tampilkan rincian teknis: catatan kerja di stderr, kata-kata program lain, dan traceback bila "
        "terjadi kesalahan internal.",
        "en": "Show technical detail: the log on stderr, what other programs said, a traceback on an internal error.",
    },
    "help.log_file": {
        "id": "Tambahkan catatan kerja (tahapan, pembuatan PDF, LibreOffice yang dijalankan ulang) ke file ini.",
        "en": "Append the log (stages, conversions, LibreOffice restarts) to this file.",
    },
    "help.templates": {
        "id": "Folder berisi keputusan.docx dan lampiran.docx milik kantor sendiri (bawaan: templat alat ini).",
        "en": "Folder with the office's own keputusan.docx and lampiran.docx (default: the tool's own templates).",
    },
    "help.build": {
        "id": "Membuat keputusan dari KASUS ke OUT/<kasus>/<kasus>-<varian>.pdf (dengan file DOCX di sebelahnya).\n\n"
        "Kasusnya diperiksa dulu, persis seperti oleh `keputusan validate`: data yang salah menghentikan "
        "pembuatan sebelum ada yang ditulis.",
        "en": "Build the decree of KASUS into OUT/<case>/<case>-<variant>.pdf (with the DOCX files beside it).\n\n"
        "The case is validated first, exactly as `keputusan validate` does: bad data stops the build before "
        "anything is written.",
    },
    "help.build.out": {
        "id": "Folder tujuan; setiap kasus mendapat subfolder sendiri.",
        "en": "Folder to write into; the case gets its own subfolder.",
    },
    "help.build.variant": {
        "id": "asli: naskah asli untuk ditandatangani; salinan: salinan resmi; both: keduanya.",
        "en": "asli: the original for signing; salinan: the certified copy; both: the two.",
    },
    "help.validate": {
        "id": "Memeriksa KASUS (keputusan.xlsx atau keputusan.yaml) dan melaporkan semua masalah sekaligus.\n\n"
        "Setiap masalah menyebut tempatnya (Rencana Aksi!D14, atau file YAML, kunci dan barisnya), apa yang "
        "salah, dan cara memperbaikinya. Kode keluar 0: tidak ada masalah; 2: ada masalah. Tidak menulis apa pun.",
        "en": "Check KASUS (keputusan.xlsx or keputusan.yaml) and report every problem at once.\n\n"
        "Each problem names its place (Rencana Aksi!D14, or the YAML file, key and line), what is wrong and how "
        "to fix it. Exit code 0: no problems; 2: problems found. Writes nothing.",
    },
    "help.init": {
        "id": "Memulai kasus baru KASUS yang isiannya satu workbook, KASUS/keputusan.xlsx.\n\n"
        "Sheet-nya: Keputusan, Mengingat, Lampiran (daftar lampiran) dan satu sheet per lampiran (mis. Rencana "
        "Aksi), Kantor, Petunjuk (cara mengisinya). KASUS belum boleh "
        "ada (atau harus kosong): tidak ada yang pernah ditimpa.",
        "en": "Start a new case KASUS whose typed content is one workbook, KASUS/keputusan.xlsx.\n\n"
        "Sheets: Keputusan, Mengingat, Lampiran (the list of lampiran) and a sheet per lampiran (e.g. Rencana "
        "Aksi), Kantor, Petunjuk (how to fill it in). KASUS must not exist "
        "yet (or be empty): nothing is ever overwritten.",
    },
    "help.init.lampiran": {
        "id": "Lampiran workbook baru, berurutan (boleh diulang): rencana-aksi-bulanan (bawaan), "
        "rencana-aksi-triwulan, tabel (kolomnya ditentukan sendiri di sheet Kolom ...), anggota (susunan tim), "
        "prosa (BAB, bagian, paragraf), atau tanpa.",
        "en": "The new workbook's lampiran, in order (repeatable): rencana-aksi-bulanan (the default), "
        "rencana-aksi-triwulan, tabel (columns declared in a Kolom ... sheet), anggota (a team's members), "
        "prosa (chapters, sections, paragraphs), or tanpa (none).",
    },
    "init.lampiran_with_from": {
        "id": "--lampiran hanya untuk kasus baru yang kosong; dengan --from, lampirannya diambil dari kasus itu",
        "en": "--lampiran is for an empty new case only; with --from, the lampiran come from that case",
    },
    "help.init.from": {
        "id": "Isi kasus baru dari kasus yang sudah ada ini (bentuk apa pun): tahun depan dimulai dari tahun ini.",
        "en": "Fill the new case from this existing case (either form): next year starts from this year.",
    },
    "help.convert_case": {
        "id": "Menulis kasus KASUS ke folder baru KASUS_BARU dalam bentuk yang lain, tanpa ada yang hilang: "
        "keputusan.yaml (+ rencana-aksi.xlsx, dasar-hukum.yaml) <-> keputusan.xlsx.",
        "en": "Write the case KASUS into the new folder KASUS_BARU in the other form, without loss: "
        "keputusan.yaml (+ rencana-aksi.xlsx, dasar-hukum.yaml) <-> keputusan.xlsx.",
    },
    "help.convert_case.to": {
        "id": "Bentuk yang ditulis (bawaan: bentuk yang bukan bentuk KASUS).",
        "en": "Form to write (default: the other form than KASUS's).",
    },
    "help.convert_case.library": {
        "id": "Bentuk YAML: dasar-hukum.yaml bersama yang dirujuk (bawaan KASUS_BARU/../dasar-hukum.yaml) bila "
        "memuat semua kutipan tanpa perubahan; bila tidak, kasusnya mendapat miliknya sendiri.",
        "en": "YAML form: the shared dasar-hukum.yaml to refer to (default KASUS_BARU/../dasar-hukum.yaml) when it "
        "holds every citation unchanged; otherwise the case gets its own.",
    },
    "help.diff": {
        "id": "Menyebut apa yang berubah antara dua revisi sebuah kasus: isian keputusan, Mengingat, baris rencana "
        "aksi yang ditambah, dihapus, dipindah atau diubah kata-katanya (dengan kata yang berubah), bulan yang "
        "bergeser.\n\n"
        "KASUS adalah folder kasus (revisinya dicari di OUT/<kasus>/) atau folder hasil kasus itu sendiri (yang "
        "berisi rev-001, rev-002, ...).",
        "en": "Say what changed between two revisions of a case: decree fields, Mengingat, plan rows added, "
        "removed, moved or reworded (with the words that changed), months moved.\n\n"
        "KASUS is the case folder (its revisions are looked up in OUT/<case>/) or the case's output folder itself "
        "(the one holding rev-001, rev-002, ...).",
    },
    "help.diff.out": {
        "id": "Folder tempat `build --out` menulis (revisinya ada di OUT/<kasus>/).",
        "en": "The folder `build --out` wrote into (revisions are in OUT/<case>/).",
    },
    "help.diff.from": {
        "id": "Revisi yang lebih lama (rev-001, 1, terbaru); bawaan: revisi sebelum --to.",
        "en": "Older revision (rev-001, 1, latest); default: the one before --to.",
    },
    "help.diff.to": {
        "id": "Revisi yang lebih baru; bawaan: yang terbaru.",
        "en": "Newer revision; default: the newest.",
    },
    "help.diff.pdf": {
        "id": "Tulis juga daftar itu sebagai PDF 'daftar perubahan' satu halaman.",
        "en": "Also write the list as a one-page 'daftar perubahan' PDF.",
    },
    "help.diff.pdf_file": {
        "id": "Tempat menulis PDF itu (berarti juga --pdf); bawaan OUT/<kasus>/daftar-perubahan-<dari>-<ke>.pdf.",
        "en": "Where to write the PDF (implies --pdf); default OUT/<case>/daftar-perubahan-<from>-<to>.pdf.",
    },
    "help.diff.force": {
        "id": "Timpa --pdf-file yang sudah ada (tidak pernah sebuah tautan atau PDF bertanda tangan).",
        "en": "Replace an existing --pdf-file (never a link or a signed PDF).",
    },
    "help.sign": {
        "id": "Menandatangani satu kolom tanda tangan BERKAS secara PAdES dengan sertifikat lokal.\n\n"
        "Kata sandinya dibaca dari variabel lingkungan KEPUTUSAN_P12_PASSPHRASE, atau ditanyakan.",
        "en": "Sign a field of BERKAS as PAdES with a local certificate.\n\n"
        "The passphrase is read from the environment variable KEPUTUSAN_P12_PASSPHRASE, or asked for.",
    },
    "help.sign.p12": {
        "id": "Sertifikat dan kunci penanda tangan (PKCS#12, .p12/.pfx).",
        "en": "The signer's certificate and key (PKCS#12, .p12/.pfx).",
    },
    "help.sign.field": {
        "id": "Kolom tanda tangan yang ditandatangani (mis. ttd_ketua); bawaan: satu-satunya kolom kosong berkas itu.",
        "en": "Signature field to sign (e.g. ttd_ketua); default: the bundle's only empty field.",
    },
    "help.sign.out": {
        "id": "Tempat menulis PDF bertanda tangan (file baru; berkasnya dibiarkan seperti semula).",
        "en": "Where to write the signed PDF (a new file; the bundle is left as it is).",
    },
    "help.verify": {
        "id": "Mendaftar tanda tangan BERKAS beserta keadaannya; kode keluar 1 bila ada yang tidak sah.",
        "en": "List the signatures of BERKAS with their status; exit 1 when one fails.",
    },
    "help.verify.trust": {
        "id": "Sertifikat akar (PEM atau DER) yang dipercaya, mis. milik BSrE; boleh diulang. Tanpa ini, "
        "kepercayaan tidak diperiksa.",
        "en": "A root certificate (PEM or DER) to trust, e.g. BSrE's; repeatable. Without it, trust is not checked.",
    },
    "help.batch": {
        "id": "Membuat asli dan salinan untuk setiap kantor di KASUS/kantor.yaml ke OUT/<kode>-<nama>/.\n\n"
        "Kantor yang data, templat dan alatnya tidak berubah sejak batch terakhir ke OUT tidak dibuat ulang. "
        "Satu kantor yang gagal tidak menghentikan yang lain; kode keluar 1 bila ada yang gagal. Ringkasannya "
        "dicetak dan OUT/batch-report.json ditulis.",
        "en": "Build asli and salinan for every office in KASUS/kantor.yaml into OUT/<code>-<name>/.\n\n"
        "Offices whose data, templates and tool are unchanged since the last batch into OUT are not rebuilt. One "
        "office failing does not stop the others; the exit code is 1 when any failed. A summary is printed and "
        "OUT/batch-report.json written.",
    },
    "help.batch.out": {
        "id": "Folder tujuan; setiap kantor mendapat subfolder sendiri <kode>-<nama>.",
        "en": "Folder to write into; each office gets its own subfolder <code>-<name>.",
    },
    "help.batch.jobs": {
        "id": "Jumlah proses LibreOffice yang bekerja bersamaan  [bawaan: jumlah CPU]",
        "en": "LibreOffice processes converting at once  [default: the number of CPUs]",
    },
    "help.batch.only": {
        "id": "Buat hanya kantor dengan kode ini; ulangi opsinya, atau pisahkan kode-kodenya dengan koma.",
        "en": "Build only the office with this code; repeat it, or separate codes by commas.",
    },
    "help.batch.force": {
        "id": "Buat ulang setiap kantor, juga yang masukannya tidak berubah.",
        "en": "Rebuild every office, also those whose inputs did not change.",
    },
    "help.batch.timeout": {
        "id": "Detik yang boleh dipakai satu pembuatan PDF; sesudahnya LibreOffice-nya dijalankan ulang dan "
        "pembuatannya dicoba lagi.",
        "en": "Seconds one conversion may take; then its LibreOffice is restarted and the conversion retried.",
    },
    "help.batch.recycle_after": {
        "id": "Banyaknya pembuatan PDF sebelum satu proses LibreOffice diganti dengan yang baru.",
        "en": "Conversions after which a LibreOffice process is replaced by a fresh one.",
    },
    "help.serve": {
        "id": "Menjalankan aplikasi web untuk staf: server web dan pekerja pembuat keputusan (LibreOffice yang "
        "siap pakai).\n\nMemperbarui basis data lebih dulu. Berhenti dengan rapi pada Ctrl-C atau SIGTERM.",
        "en": "Run the web application for staff: the web server and the build worker (warm LibreOffice).\n\n"
        "Migrates the database first. Stops cleanly on Ctrl-C or SIGTERM.",
    },
    "help.serve.host": {
        "id": "Alamat yang didengarkan (0.0.0.0: semua antarmuka).",
        "en": "Address to listen on (0.0.0.0: every interface).",
    },
    "help.serve.port": {"id": "Port yang didengarkan.", "en": "Port to listen on."},
    "help.serve.workers": {"id": "Jumlah proses server web.", "en": "Web server processes."},
    "help.data": {
        "id": "Folder data aplikasi: kasus, hasil, unggahan, antrean pekerjaan, basis data SQLite  "
        "[bawaan: $KEPUTUSAN_DATA, bila tidak ada ./keputusan-data]",
        "en": "The application's data folder: cases, outputs, uploads, job queue, SQLite database  "
        "[default: $KEPUTUSAN_DATA, else ./keputusan-data]",
    },
    "help.database_url": {
        "id": "Basis data, mis. postgres://user:pass@host/db  [bawaan: SQLite di folder data; atau $DATABASE_URL]",
        "en": "Database, e.g. postgres://user:pass@host/db  [default: SQLite in the data folder; or $DATABASE_URL]",
    },
    "help.user": {
        "id": "Akun aplikasi web: add (tambah), passwd (ganti kata sandi), unlock (buka kunci), list (daftar).",
        "en": "Accounts of the web application: add, passwd, unlock, list.",
    },
    "help.user.add": {
        "id": "Membuat pengguna aplikasi web (administrator pertama, atau staf sebuah kantor).",
        "en": "Create a user of the web application (the first administrator, or staff of an office).",
    },
    "help.user.office": {
        "id": "Kantor pengguna: kode wilayahnya (52, 5201).",
        "en": "The user's office: its region code (52, 5201).",
    },
    "help.user.office_name": {
        "id": "Nama kantor itu, bila kantornya belum ada.",
        "en": "Name of the office, when it does not exist yet.",
    },
    "help.user.role": {
        "id": "provinsi: boleh juga menjalankan batch untuk kabupaten/kota di provinsinya.",
        "en": "provinsi: may also run the batch for the province's kabupaten/kota.",
    },
    "help.user.admin": {
        "id": "Administrator: mengelola pengguna dan kantor di /admin/.",
        "en": "An administrator: manages users and offices in /admin/.",
    },
    "help.user.name": {
        "id": "Nama lengkap, seperti ditampilkan di halaman.",
        "en": "Full name, as shown on the pages.",
    },
    "help.user.password_stdin": {
        "id": "Baca kata sandinya dari baris pertama masukan standar (stdin).",
        "en": "Read the password from the first line of standard input.",
    },
    "help.user.passwd": {"id": "Mengganti kata sandi NAMA_PENGGUNA.", "en": "Set a new password for NAMA_PENGGUNA."},
    "help.user.unlock": {
        "id": "Membuka kunci NAMA_PENGGUNA setelah terlalu sering salah memasukkan kata sandi.",
        "en": "Lift the lock-out of NAMA_PENGGUNA after too many wrong passwords.",
    },
    "help.user.list": {
        "id": "Mendaftar pengguna beserta kantor dan perannya.",
        "en": "List the users with their office and role.",
    },
    # ======== the daftar perubahan: what changed between two revisions (diff.py)
    "diff.title": {"id": "Daftar perubahan {case}: {old} → {new}", "en": "Changes in {case}: {old} → {new}"},
    "diff.none": {
        "id": "Tidak ada perubahan isi antara {old} dan {new}.",
        "en": "No change of content between {old} and {new}.",
    },
    "diff.count": {"id": "{n} perubahan.", "en": "{n} change(s)."},
    "diff.item": {"id": "  - {change}", "en": "  - {change}"},
    "diff.changed": {"id": "{subject}: {old} → {new}", "en": "{subject}: {old} → {new}"},
    "diff.changed_long": {"id": "{subject} diubah: {words}", "en": "{subject} changed: {words}"},
    "diff.added": {"id": '{subject}: ditambah "{new}"', "en": '{subject}: added "{new}"'},
    "diff.removed": {"id": '{subject}: dihapus "{old}"', "en": '{subject}: removed "{old}"'},
    "diff.reworded": {"id": "{subject}: kata-kata diubah: {words}", "en": "{subject}: reworded: {words}"},
    "diff.renamed": {"id": "{subject} berganti nama: {words}", "en": "{subject} renamed: {words}"},
    "diff.moved": {
        "id": "baris dipindah: {subject} (dari {old} ke {new})",
        "en": "row moved: {subject} (from {old} to {new})",
    },
    "diff.months": {
        "id": "{subject}: bulan pelaksanaan {old} → {new}",
        "en": "{subject}: months {old} → {new}",
    },
    "diff.indikator": {"id": "{subject}: indikator diubah: {words}", "en": "{subject}: indikator changed: {words}"},
    "diff.keterangan": {"id": "{subject}: keterangan {old} → {new}", "en": "{subject}: keterangan {old} → {new}"},
    "diff.kantor_added": {"id": "kantor ditambah: {subject}", "en": "office added: {subject}"},
    "diff.kantor_removed": {"id": "kantor dihapus: {subject}", "en": "office removed: {subject}"},
    "diff.legend": {
        "id": "Tanda: [-kata-] dihapus, {{+kata+}} ditambah.",
        "en": "Marks: [-words-] removed, {{+words+}} added.",
    },
    "diff.empty": {"id": "(kosong)", "en": "(empty)"},
    "diff.section.keputusan": {"id": "Keputusan", "en": "Decree"},
    "diff.section.mengingat": {"id": "Mengingat", "en": "Mengingat (legal bases)"},
    "diff.section.lampiran": {"id": "Lampiran", "en": "Lampiran"},
    "diff.section.rencana": {"id": "Rencana Aksi (lampiran)", "en": "Rencana Aksi (the lampiran's plan)"},
    "diff.section.kantor": {"id": "Kantor (batch)", "en": "Offices (batch)"},
    "diff.pdf_done": {"id": "{path}  (daftar perubahan)", "en": "{path}  (list of changes)"},
    "diff.pdf.title": {"id": "DAFTAR PERUBAHAN", "en": "LIST OF CHANGES"},
    "diff.pdf.case": {"id": "{case} — {nomor}", "en": "{case} — {nomor}"},
    "diff.pdf.revisions": {
        "id": "{old} ({old_date}) → {new} ({new_date})",
        "en": "{old} ({old_date}) → {new} ({new_date})",
    },
    "diff.pdf.legend": {
        "id": "Coret merah: kata dihapus; garis bawah biru: kata ditambah.",
        "en": "Red strike-through: words removed; blue underline: words added.",
    },
    # ======== the web application's pages (generator/web: `{% t "code" %}` in templates, `web_text` in views)
    # ---- web: frame
    "web.app.name": {"id": "Keputusan", "en": "Keputusan"},
    "web.app.tagline": {
        "id": "Penyusunan Keputusan dan Lampiran Rencana Aksi",
        "en": "Decrees and their Lampiran, prepared from a workbook",
    },
    "web.nav.cases": {"id": "Daftar keputusan", "en": "Decrees"},
    "web.nav.admin": {"id": "Kelola pengguna dan kantor", "en": "Users and offices"},
    "web.nav.logout": {"id": "Keluar", "en": "Log out"},
    "web.nav.language": {"id": "English", "en": "Bahasa Indonesia"},
    "web.nav.office": {"id": "Kantor", "en": "Office"},
    "web.nav.no_office": {
        "id": "Akun ini belum ditempatkan di kantor mana pun. Minta administrator menetapkan kantor dan peran Anda.",
        "en": "This account has no office yet. Ask the administrator to assign your office and role.",
    },
    "web.role.staf": {"id": "staf", "en": "staff"},
    "web.role.provinsi": {"id": "provinsi", "en": "province"},
    # ---- web: login
    "web.login.title": {"id": "Masuk", "en": "Log in"},
    "web.login.username": {"id": "Nama pengguna", "en": "User name"},
    "web.login.password": {"id": "Kata sandi", "en": "Password"},
    "web.login.submit": {"id": "Masuk", "en": "Log in"},
    "web.login.wrong": {
        "id": "Nama pengguna atau kata sandi salah. Setelah {n} kali salah, akun dikunci sementara.",
        "en": "Wrong user name or password. After {n} wrong attempts the account is locked for a while.",
    },
    "web.login.locked_title": {"id": "Akun dikunci sementara", "en": "Account locked for now"},
    "web.login.locked": {
        "id": "Terlalu banyak percobaan masuk dengan kata sandi salah. Akun ini dikunci selama {hours} jam. "
        "Coba lagi nanti, atau minta administrator membuka kuncinya.",
        "en": "Too many attempts with a wrong password. This account is locked for {hours} hour(s). "
        "Try again later, or ask the administrator to unlock it.",
    },
    "web.login.back": {"id": "Kembali ke halaman masuk", "en": "Back to the login page"},
    # ---- web: case list
    "web.cases.title": {"id": "Daftar keputusan", "en": "Decrees"},
    "web.cases.none": {
        "id": "Belum ada keputusan. Mulai dengan membuat keputusan baru di bawah.",
        "en": "No decrees yet. Start a new one below.",
    },
    "web.cases.col.title": {"id": "Judul", "en": "Title"},
    "web.cases.col.nomor": {"id": "Nomor", "en": "Number"},
    "web.cases.col.state": {"id": "Keadaan", "en": "State"},
    "web.cases.col.created": {"id": "Dibuat", "en": "Created"},
    "web.state.empty": {"id": "workbook belum lengkap", "en": "workbook not complete yet"},
    "web.state.clean": {"id": "data lengkap, siap dibuat", "en": "data complete, ready to build"},
    # ---- web: new case
    "web.new.heading": {"id": "Keputusan baru", "en": "New decree"},
    "web.new.help": {
        "id": "Buat keputusan baru, kosong atau dari keputusan tahun lalu. Lalu unduh workbook-nya, isi di Excel, "
        "dan unggah kembali.",
        "en": "Start a new decree, empty or from last year's. Then download its workbook, fill it in in Excel and "
        "upload it again.",
    },
    "web.new.title": {"id": "Judul (untuk daftar ini)", "en": "Title (for this list)"},
    "web.new.title_example": {"id": "mis. Rencana Aksi RB 2023", "en": "e.g. Rencana Aksi RB 2023"},
    "web.new.source": {"id": "Mulai dari", "en": "Start from"},
    "web.new.source_empty": {"id": "workbook kosong", "en": "an empty workbook"},
    "web.new.lampiran.heading": {"id": "Lampiran", "en": "Lampiran"},
    "web.new.lampiran.help": {
        "id": "Pilih lampiran yang dimuat workbook baru, berurutan. Pilih “— tidak ada —” pada "
        "Lampiran I untuk keputusan tanpa lampiran. Bila mulai dari keputusan lain, lampirannya diambil dari "
        "keputusan itu.",
        "en": "Choose the lampiran the new workbook holds, in order. Choose “— none —” as "
        "Lampiran I for a decree without lampiran. When starting from another decree, its lampiran are taken.",
    },
    "web.new.lampiran.slot": {"id": "Lampiran {numeral}", "en": "Lampiran {numeral}"},
    "web.new.lampiran.none": {"id": "— tidak ada —", "en": "— none —"},
    "web.new.lampiran.rencana-aksi-bulanan": {
        "id": "Rencana aksi bulanan (bulan 1–12, seperti KPU)",
        "en": "Monthly plan (months 1–12, as the KPU's)",
    },
    "web.new.lampiran.rencana-aksi-triwulan": {
        "id": "Rencana aksi triwulanan (output, PIC, target TW I–IV)",
        "en": "Quarterly plan (output, PIC, targets TW I–IV)",
    },
    "web.new.lampiran.tabel": {
        "id": "Tabel dengan kolom sendiri (diatur di sheet Kolom)",
        "en": "A table of its own columns (set in a Kolom sheet)",
    },
    "web.new.lampiran.anggota": {"id": "Susunan anggota tim", "en": "Members of a team"},
    "web.new.lampiran.prosa": {
        "id": "Uraian (BAB, bagian, paragraf)",
        "en": "Prose (chapters, sections, paragraphs)",
    },
    "web.new.submit": {"id": "Buat keputusan baru", "en": "Create the decree"},
    "web.new.invalid": {"id": "Tulis judulnya dulu.", "en": "Write a title first."},
    "web.new.invalid_lampiran": {
        "id": "Pilihan lampiran tidak dikenal. Pilih lampiran dari daftarnya.",
        "en": "Unknown lampiran choice. Choose the lampiran from its list.",
    },
    "web.new.failed": {
        "id": "Keputusan baru tidak dapat dibuat. Coba lagi; bila tetap gagal, hubungi bagian TI.",
        "en": "The new decree could not be created. Try again; if it keeps failing, call IT.",
    },
    "web.new.done": {
        "id": "Keputusan baru dibuat. Unduh workbook-nya, isi di Excel, lalu unggah kembali.",
        "en": "The new decree was created. Download its workbook, fill it in in Excel, then upload it.",
    },
    # ---- web: case page
    "web.case.back": {"id": "← Daftar keputusan", "en": "← Decrees"},
    "web.case.step1": {"id": "1. Workbook", "en": "1. Workbook"},
    "web.case.step1.help": {
        "id": "Unduh workbook, isi di Excel atau LibreOffice Calc (petunjuk ada di sheet Petunjuk), lalu simpan "
        "sebagai .xlsx.",
        "en": "Download the workbook, fill it in in Excel or LibreOffice Calc (the Petunjuk sheet explains each "
        "sheet), and save it as .xlsx.",
    },
    "web.case.download_workbook": {"id": "Unduh workbook (.xlsx)", "en": "Download the workbook (.xlsx)"},
    "web.case.step2": {"id": "2. Unggah workbook yang sudah diisi", "en": "2. Upload the filled workbook"},
    "web.case.step3": {"id": "3. Buat keputusan", "en": "3. Build the decree"},
    "web.case.step4": {"id": "4. Revisi", "en": "4. Revisions"},
    "web.case.step5": {"id": "Batch: semua kantor kabupaten/kota", "en": "Batch: every kabupaten/kota office"},
    "web.case.nomor": {"id": "Nomor", "en": "Number"},
    "web.upload.label": {"id": "Workbook (.xlsx)", "en": "Workbook (.xlsx)"},
    "web.upload.submit": {"id": "Unggah dan periksa", "en": "Upload and check"},
    "web.upload.help": {
        "id": "Workbook diperiksa seluruhnya; setiap masalah ditunjukkan dengan sheet dan selnya. Belum ada yang "
        "dibuat. Perbaiki lalu unggah lagi sampai bersih. Paling besar {mb} MB.",
        "en": "The whole workbook is checked; every problem is shown with its sheet and cell. Nothing is built "
        "yet. Fix them and upload again until it is clean. At most {mb} MB.",
    },
    "web.upload.choose_file": {
        "id": "Pilih dulu file workbook (.xlsx).",
        "en": "Choose a workbook file (.xlsx) first.",
    },
    "web.upload.result_ok": {
        "id": "{name}: data lengkap dan benar. Workbook ini dipakai untuk membuat keputusan.",
        "en": "{name}: no problems. This workbook is used to build the decree.",
    },
    "web.upload.result_problems": {
        "id": "{name}: {n} masalah. Perbaiki di workbook lalu unggah lagi.",
        "en": "{name}: {n} problem(s). Fix them in the workbook and upload it again.",
    },
    "web.upload.result_refused": {"id": "{name}: file ditolak.", "en": "{name}: file refused."},
    "web.upload.when": {"id": "diunggah {when} oleh {user}", "en": "uploaded {when} by {user}"},
    "web.upload.col.sheet": {"id": "Sheet", "en": "Sheet"},
    "web.upload.col.cell": {"id": "Sel", "en": "Cell"},
    "web.upload.col.what": {"id": "Masalah", "en": "Problem"},
    "web.upload.col.fix": {"id": "Perbaikan", "en": "Fix"},
    "web.upload.not_xlsx": {
        "id": "{name} bukan workbook Excel (.xlsx). Simpan sebagai Excel Workbook (.xlsx) dari Excel atau "
        "LibreOffice Calc, lalu unggah lagi.",
        "en": "{name} is not an Excel workbook (.xlsx). Save it as Excel Workbook (.xlsx) from Excel or "
        "LibreOffice Calc and upload it again.",
    },
    "web.upload.macros": {
        "id": "{name} berisi makro. Simpan sebagai Excel Workbook (.xlsx) biasa, tanpa makro, lalu unggah lagi.",
        "en": "{name} contains macros. Save it as a plain Excel Workbook (.xlsx), without macros, and upload again.",
    },
    "web.upload.too_large": {
        "id": "File terlalu besar (paling besar {mb} MB). Workbook keputusan biasanya jauh lebih kecil: periksa "
        "bahwa file yang dipilih benar.",
        "en": "The file is too large (at most {mb} MB). A decree's workbook is usually far smaller: check that "
        "you chose the right file.",
    },
    "web.build.help": {
        "id": "Membuat asli dan salinan (PDF dan Word) dari workbook yang terakhir diunggah bersih. Setiap "
        "pembuatan yang mengubah sesuatu menjadi revisi baru; revisi lama tetap tersimpan.",
        "en": "Builds the asli and salinan (PDF and Word) from the last clean workbook. Each build that changes "
        "something becomes a new revision; earlier ones are kept.",
    },
    "web.build.submit": {"id": "Buat keputusan", "en": "Build the decree"},
    "web.build.not_clean": {
        "id": "Unggah dulu workbook yang lengkap dan benar.",
        "en": "Upload a complete, correct workbook first.",
    },
    "web.build.disabled": {
        "id": "Tombol ini aktif setelah workbook yang diunggah bersih dari masalah.",
        "en": "This button works once an uploaded workbook has no problems.",
    },
    "web.build.done": {
        "id": "Selesai: {rev} ({asli} halaman asli, {salinan} halaman salinan) dalam {seconds} detik.",
        "en": "Done: {rev} ({asli} pages asli, {salinan} pages salinan) in {seconds} s.",
    },
    "web.build.unchanged": {
        "id": "Tidak ada perubahan sejak {rev}: tidak ada revisi baru.",
        "en": "Nothing changed since {rev}: no new revision.",
    },
    "web.build.failed": {"id": "Pembuatan gagal:", "en": "The build failed:"},
    "web.build.view": {"id": "Lihat halaman dan unduh", "en": "See the pages and download"},
    "web.job.already": {
        "id": "Sudah ada pekerjaan yang menunggu atau berjalan untuk keputusan ini; tunggu sampai selesai.",
        "en": "A job for this decree is already waiting or running; wait for it to finish.",
    },
    "web.job.status.queued": {"id": "menunggu giliran", "en": "waiting in the queue"},
    "web.job.status.running": {"id": "berjalan", "en": "running"},
    "web.job.status.done": {"id": "selesai", "en": "done"},
    "web.job.status.failed": {"id": "gagal", "en": "failed"},
    "web.job.progress": {"id": "Sedang dikerjakan", "en": "In progress"},
    "web.job.started_by": {"id": "dimulai oleh {user}, {when}", "en": "started by {user}, {when}"},
    "web.job.reload": {"id": "Muat ulang halaman", "en": "Reload the page"},
    "web.job.busy": {
        "id": "Keputusan ini sedang dikerjakan oleh pekerjaan lain terlalu lama. Coba lagi nanti.",
        "en": "Another job has held this decree too long. Try again later.",
    },
    "web.step.waiting": {"id": "menunggu keputusan ini bebas", "en": "waiting for this decree to be free"},
    "web.step.checking": {"id": "memeriksa data", "en": "checking the data"},
    "web.step.keputusan.asli": {"id": "membuat PDF keputusan (asli)", "en": "making the decree PDF (asli)"},
    "web.step.keputusan.salinan": {"id": "membuat PDF keputusan (salinan)", "en": "making the decree PDF (salinan)"},
    "web.step.lampiran.asli": {"id": "menata halaman lampiran (asli)", "en": "laying out the lampiran (asli)"},
    "web.step.lampiran.salinan": {"id": "menata halaman lampiran (salinan)", "en": "laying out the lampiran (salinan)"},
    "web.step.batch": {"id": "membuat keputusan setiap kantor", "en": "building every office's decree"},
    # ---- web: revisions
    "web.rev.none": {"id": "Belum ada revisi.", "en": "No revisions yet."},
    "web.rev.col.name": {"id": "Revisi", "en": "Revision"},
    "web.rev.col.made": {"id": "Tanggal", "en": "Date"},
    "web.rev.col.user": {"id": "Oleh", "en": "By"},
    "web.rev.col.nomor": {"id": "Nomor", "en": "Number"},
    "web.rev.open": {"id": "buka", "en": "open"},
    "web.rev.compare": {"id": "Daftar perubahan antara dua revisi", "en": "Changes between two revisions"},
    "web.rev.title": {"id": "Revisi {rev}", "en": "Revision {rev}"},
    "web.rev.made_by": {"id": "dibuat {when}", "en": "made {when}"},
    "web.rev.downloads": {"id": "Unduh", "en": "Downloads"},
    "web.rev.previews": {"id": "Halaman", "en": "Pages"},
    "web.rev.previews_help": {
        "id": "Periksa setiap halaman sebelum dicetak atau ditandatangani. Klik gambar untuk memperbesar.",
        "en": "Look at every page before printing or signing. Click a page to enlarge it.",
    },
    "web.rev.page": {"id": "halaman {n}", "en": "page {n}"},
    "web.rev.no_previews": {
        "id": "Gambar halaman tidak dapat dibuat; PDF-nya tetap dapat diunduh.",
        "en": "The page images could not be made; the PDF can still be downloaded.",
    },
    "web.variant.asli": {"id": "Asli (untuk ditandatangani)", "en": "Asli (the original, for signing)"},
    "web.variant.salinan": {"id": "Salinan", "en": "Salinan (certified copy)"},
    "web.file.asli.pdf": {"id": "Asli, PDF", "en": "Asli, PDF"},
    "web.file.salinan.pdf": {"id": "Salinan, PDF", "en": "Salinan, PDF"},
    "web.file.asli-keputusan.docx": {"id": "Asli, keputusan (Word)", "en": "Asli, decree (Word)"},
    "web.file.asli-lampiran.docx": {"id": "Asli, lampiran (Word)", "en": "Asli, lampiran (Word)"},
    "web.file.salinan-keputusan.docx": {"id": "Salinan, keputusan (Word)", "en": "Salinan, decree (Word)"},
    "web.file.salinan-lampiran.docx": {"id": "Salinan, lampiran (Word)", "en": "Salinan, lampiran (Word)"},
    "web.file.asli.signing.json": {
        "id": "Asli, letak tanda tangan (signing.json)",
        "en": "Asli, where the signatures go (signing.json)",
    },
    "web.file.salinan.signing.json": {
        "id": "Salinan, letak tanda tangan (signing.json)",
        "en": "Salinan, where the signatures go (signing.json)",
    },
    # ---- web: signed copies
    "web.signed.heading": {"id": "PDF yang sudah ditandatangani", "en": "Signed PDFs"},
    "web.signed.help": {
        "id": "Unggah PDF asli atau salinan revisi ini setelah ditandatangani secara elektronik. Tanda tangannya "
        "diperiksa dan file disimpan bersama revisi ini.",
        "en": "Upload the asli or salinan of this revision once signed electronically. Its signatures are "
        "verified and the file is kept with this revision.",
    },
    "web.signed.label": {"id": "PDF bertanda tangan", "en": "Signed PDF"},
    "web.signed.submit": {"id": "Unggah dan periksa tanda tangan", "en": "Upload and verify"},
    "web.signed.none": {"id": "Belum ada.", "en": "None yet."},
    "web.signed.choose_file": {
        "id": "Pilih dulu file PDF (paling besar {mb} MB).",
        "en": "Choose a PDF file first (at most {mb} MB).",
    },
    "web.signed.not_pdf": {"id": "{name} bukan file PDF.", "en": "{name} is not a PDF file."},
    "web.signed.not_this_revision": {
        "id": "{name} bukan hasil tanda tangan atas PDF revisi {rev} ini (isinya berbeda dari asli maupun "
        "salinan revisi ini). Tanda tangani PDF yang diunduh dari revisi ini.",
        "en": "{name} is not a signed copy of this revision {rev}'s PDF (it differs from both its asli and "
        "salinan). Sign the PDF downloaded from this revision.",
    },
    "web.signed.no_signature": {
        "id": "{name} belum memuat tanda tangan elektronik.",
        "en": "{name} carries no electronic signature.",
    },
    "web.signed.unreadable": {"id": "{name} tidak dapat dibaca sebagai PDF.", "en": "{name} cannot be read as a PDF."},
    "web.signed.ok": {
        "id": "{name}: tanda tangan sah, disimpan sebagai {variant} bertanda tangan.",
        "en": "{name}: signatures valid; kept as the signed {variant}.",
    },
    "web.signed.failed": {
        "id": "{name}: ada tanda tangan yang tidak sah (lihat rinciannya). File tetap disimpan untuk diperiksa.",
        "en": "{name}: a signature does not verify (see the detail). The file is kept for inspection.",
    },
    "web.signed.col.file": {"id": "File", "en": "File"},
    "web.signed.col.variant": {"id": "Varian", "en": "Variant"},
    "web.signed.col.signatures": {"id": "Tanda tangan", "en": "Signatures"},
    "web.signed.col.by": {"id": "Diunggah", "en": "Uploaded"},
    "web.signed.valid": {"id": "sah", "en": "valid"},
    "web.signed.invalid": {"id": "TIDAK SAH", "en": "NOT VALID"},
    "web.signed.trust_not_checked": {
        "id": "(rantai sertifikat tidak diperiksa: server belum diberi sertifikat akar)",
        "en": "(certificate chain not checked: the server has no root certificate configured)",
    },
    "web.signed.trusted": {"id": "sertifikat terpercaya", "en": "trusted certificate"},
    "web.signed.untrusted": {"id": "sertifikat tidak terpercaya", "en": "certificate not trusted"},
    # ---- web: daftar perubahan
    "web.changes.title": {"id": "Daftar perubahan", "en": "List of changes"},
    "web.changes.from": {"id": "Dari", "en": "From"},
    "web.changes.to": {"id": "ke", "en": "to"},
    "web.changes.show": {"id": "Tampilkan", "en": "Show"},
    "web.changes.pdf": {"id": "Unduh sebagai PDF", "en": "Download as PDF"},
    "web.changes.too_few": {
        "id": "Perbandingan memerlukan dua revisi. Ubah workbook, unggah, dan buat lagi.",
        "en": "A comparison needs two revisions. Change the workbook, upload it and build again.",
    },
    "web.changes.count": {"id": "{n} perubahan.", "en": "{n} change(s)."},
    "web.changes.none": {"id": "Tidak ada perubahan isi.", "en": "No change of content."},
    "web.changes.legend": {
        "id": "Coret merah: kata dihapus; garis bawah biru: kata ditambah.",
        "en": "Red strike-through: words removed; blue underline: words added.",
    },
    # ---- web: batch
    "web.batch.help": {
        "id": "Membuat asli dan salinan untuk setiap kantor yang tercantum di sheet Kantor, masing-masing dengan "
        "nama, nomor dan pejabatnya sendiri. Kantor yang datanya tidak berubah tidak dibuat ulang.",
        "en": "Builds the asli and salinan of every office listed in the Kantor sheet, each with its own name, "
        "number and officials. Offices whose data did not change are not rebuilt.",
    },
    "web.batch.offices": {
        "id": "{n} kantor tercantum di sheet Kantor.",
        "en": "{n} offices listed in the Kantor sheet.",
    },
    "web.batch.submit": {"id": "Jalankan batch", "en": "Run the batch"},
    "web.batch.no_offices": {
        "id": "Workbook ini belum mencantumkan kantor di sheet Kantor, atau belum bersih.",
        "en": "This workbook lists no offices in its Kantor sheet, or is not clean yet.",
    },
    "web.batch.outside": {
        "id": "Kantor berikut bukan kabupaten/kota di provinsi ini: {codes}. Hapus dari sheet Kantor.",
        "en": "These offices are not kabupaten/kota of this province: {codes}. Remove them from the Kantor sheet.",
    },
    "web.batch.col.kode": {"id": "Kode", "en": "Code"},
    "web.batch.col.kantor": {"id": "Kantor", "en": "Office"},
    "web.batch.col.status": {"id": "Status", "en": "Status"},
    "web.batch.col.pages": {"id": "Halaman (asli/salinan)", "en": "Pages (asli/salinan)"},
    "web.batch.col.files": {"id": "Unduh", "en": "Download"},
    "web.batch.col.error": {"id": "Masalah", "en": "Problem"},
    "web.batch.status.built": {"id": "dibuat", "en": "built"},
    "web.batch.status.unchanged": {"id": "tidak berubah", "en": "unchanged"},
    "web.batch.status.failed": {"id": "gagal", "en": "failed"},
    "web.batch.summary": {
        "id": "{n} kantor dalam {seconds} detik: {built} dibuat, {unchanged} tidak berubah, {failed} gagal.",
        "en": "{n} offices in {seconds} s: {built} built, {unchanged} unchanged, {failed} failed.",
    },
    # ---- web: errors
    "web.error.404": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "web.error.404.help": {
        "id": "Halaman atau keputusan ini tidak ada, atau bukan milik kantor Anda.",
        "en": "This page or decree does not exist, or does not belong to your office.",
    },
    "web.error.403": {"id": "Permintaan ditolak", "en": "Request refused"},
    "web.error.403.help": {
        "id": "Permintaan ini ditolak demi keamanan (token formulir tidak ada atau kedaluwarsa). Muat ulang "
        "halaman lalu coba lagi.",
        "en": "This request was refused for safety (the form's token is missing or expired). Reload the page "
        "and try again.",
    },
    "web.error.500": {"id": "Terjadi kesalahan", "en": "Something went wrong"},
    "web.error.500.help": {
        "id": "Terjadi kesalahan di server. Tidak ada file yang ditulis setengah jadi. Coba lagi; bila tetap "
        "terjadi, hubungi bagian TI.",
        "en": "The server hit an error. Nothing was half-written. Try again; if it keeps happening, call IT.",
    },
    # ======== problems in case data: code -> {lang: (what is wrong, how to fix it)}
    # ---- the case folder and its files
    "case.not_folder": {
        "id": ("bukan sebuah folder", "sebutkan folder kasus, mis. data/kpu-ntb-2022"),
        "en": ("is not a folder", "give the path of a case folder such as data/kpu-ntb-2022"),
    },
    "case.no_data": {
        "id": (
            "tidak berisi keputusan.xlsx maupun keputusan.yaml",
            "buat kasus baru dengan `keputusan init {dir}`, atau sebutkan folder kasus yang benar",
        ),
        "en": (
            "holds neither keputusan.xlsx nor keputusan.yaml",
            "start a case with `keputusan init {dir}`, or give the right case folder",
        ),
    },
    "case.both_forms": {
        "id": (
            "berisi keputusan.xlsx dan keputusan.yaml sekaligus, tidak jelas mana yang dipakai",
            "simpan salah satu saja (pindahkan yang lain ke luar folder kasus)",
        ),
        "en": (
            "holds both keputusan.xlsx and keputusan.yaml, so it is unclear which one to use",
            "keep one of them (move the other out of the case folder)",
        ),
    },
    "file.not_utf8": {
        "id": ("bukan teks UTF-8", "simpan ulang file ini dengan pengodean UTF-8"),
        "en": ("is not UTF-8 text", "save it as UTF-8"),
    },
    "file.unreadable": {
        "id": ("tidak dapat dibaca ({reason})", "periksa bahwa file ada dan boleh dibaca"),
        "en": ("cannot be read ({reason})", "check that the file exists and is readable"),
    },
    "yaml.syntax": {
        "id": ("bukan YAML yang sah ({detail})", "periksa indentasi dan tanda kutip pada baris itu"),
        "en": ("is not valid YAML ({detail})", "check indentation and quoting on that line"),
    },
    # what PyYAML found, in Indonesian (the English is PyYAML's own words)
    "yaml.why.colon": {
        "id": "ada tanda ':' yang tidak diharapkan; nilai yang memuat ': ' perlu diapit tanda kutip",
        "en": "mapping values are not allowed here",
    },
    "yaml.why.tab": {"id": "ada karakter tab; YAML memakai spasi untuk indentasi", "en": "a tab character"},
    "yaml.why.indent": {
        "id": "indentasinya tidak cocok dengan baris-baris di atasnya",
        "en": "the indentation does not match the lines above",
    },
    "yaml.why.quote": {"id": "ada tanda kutip yang tidak ditutup", "en": "a quote is not closed"},
    "yaml.why.other": {"id": "susunannya rusak di sekitar baris itu", "en": "its structure is broken near that line"},
    "yaml.not_mapping": {
        "id": ("harus berisi pasangan kunci: nilai", "lihat contoh di docs/data-format.md"),
        "en": ("must be a mapping of key: value", "see the example in docs/data-format.md"),
    },
    # ---- values of the decree (YAML keys or rows of the Keputusan sheet)
    "value.missing": {
        "id": ("isian wajib belum diisi", "isi nilainya (lihat Petunjuk atau docs/data-format.md)"),
        "en": ("required value is missing", "add it (see docs/data-format.md)"),
    },
    "value.missing_label": {
        "id": ("isian wajib '{label}' belum diisi", "tulis nilainya di kolom Nilai (lihat petunjuk di kolom C)"),
        "en": ("required value '{label}' is missing", "write it in the Nilai column (see the hint in column C)"),
    },
    "key.unknown": {
        "id": ("kunci '{key}' tidak dikenal", "mungkin maksudnya '{guess}'?"),
        "en": ("unknown key '{key}'", "did you mean '{guess}'?"),
    },
    "key.unknown_noguess": {
        "id": ("kunci '{key}' tidak dikenal", "hapus kunci itu, atau lihat daftar kunci di docs/data-format.md"),
        "en": ("unknown key '{key}'", "remove it, or see docs/data-format.md for the keys"),
    },
    "value.empty": {
        "id": ("tidak boleh kosong (paling sedikit {min} isian)", "isi paling sedikit {min} butir"),
        "en": ("must not be empty (should have at least {min} item)", "give at least {min} item(s)"),
    },
    "value.too_many": {
        "id": ("terlalu banyak butir (paling banyak {max})", "kurangi jumlah butirnya"),
        "en": ("too many items (at most {max})", "remove some items"),
    },
    "text.too_long": {
        "id": (
            "teks sepanjang {length} karakter (paling banyak {max})",
            "persingkat; teks sepanjang itu biasanya salah tempel",
        ),
        "en": (
            "text is {length} characters long (at most {max})",
            "shorten it; a text that long is usually a paste gone wrong",
        ),
    },
    "text.expected": {
        "id": ("harus berupa teks, bukan {got}", "tulis teksnya"),
        "en": ("should be text, not {got}", "write the text"),
    },
    "list.expected": {
        "id": ("harus berupa daftar butir", "tulis setiap butir pada baris sendiri diawali '- '"),
        "en": ("should be a list of items", "write each item on its own line starting with '- '"),
    },
    "mapping.expected": {
        "id": ("harus berupa kelompok kunci: nilai", "lihat contoh di docs/data-format.md"),
        "en": ("should be a mapping of keys", "see the example in docs/data-format.md"),
    },
    "date.invalid": {
        "id": (
            "tanggal '{value}' tidak ada atau tidak dapat dibaca",
            "tulis tanggal yang ada, dengan format TTTT-BB-HH, mis. 2022-01-17",
        ),
        "en": ("date '{value}' does not exist or cannot be read", "write a real date as YYYY-MM-DD, e.g. 2022-01-17"),
    },
    "date.invalid_cell": {
        "id": (
            "tanggal '{value}' tidak ada atau tidak dapat dibaca",
            "tulis tanggal yang ada, mis. 17/01/2022 (sel ini sel tanggal)",
        ),
        "en": (
            "date '{value}' does not exist or cannot be read",
            "write a real date, e.g. 17/01/2022 (this is a date cell)",
        ),
    },
    "number.not_int": {
        "id": ("'{value}' bukan bilangan bulat", "tulis angkanya saja, mis. 2022"),
        "en": ("'{value}' is not a whole number", "write the number only, e.g. 2022"),
    },
    "number.not_number": {
        "id": ("'{value}' bukan angka", "tulis angkanya saja, mis. 12"),
        "en": ("'{value}' is not a number", "write the number only, e.g. 12"),
    },
    "number.too_small": {
        "id": ("nilai {value} terlalu kecil (paling kecil {min})", "tulis nilai {min} atau lebih"),
        "en": ("value {value} is too small (at least {min})", "write {min} or more"),
    },
    "number.too_large": {
        "id": ("nilai {value} terlalu besar (paling besar {max})", "tulis nilai {max} atau kurang"),
        "en": ("value {value} is too large (at most {max})", "write {max} or less"),
    },
    "value.yesno": {
        "id": ("'{value}' bukan ya atau tidak", "tulis ya atau tidak (di YAML: true atau false)"),
        "en": ("'{value}' is not yes or no", "write ya or tidak (in YAML: true or false)"),
    },
    "value.choice": {
        "id": ("'{value}' bukan pilihan yang dikenal", "pilih salah satu: {choices}"),
        "en": ("'{value}' is not one of the choices", "use one of the values listed: {choices}"),
    },
    "kode_wilayah.pattern": {
        "id": (
            "kode wilayah '{value}' tidak sah",
            "kode wilayah Kemendagri: 2 angka untuk provinsi, 4 angka untuk kabupaten/kota (sebagai teks); "
            "kosongkan untuk lembaga tingkat nasional",
        ),
        "en": (
            "region code '{value}' is not valid",
            "the Kemendagri region code: 2 digits for a province, 4 for a kabupaten/kota, in quotes; "
            "leave it out for a national body",
        ),
    },
    "nip.pattern": {
        "id": ("NIP '{value}' tidak sah", "NIP terdiri atas 18 angka (spasi boleh), atau kosongkan"),
        "en": ("NIP '{value}' is not valid", "an NIP has 18 digits (spaces allowed), or leave it empty"),
    },
    "value.pattern": {
        "id": ("'{value}' tidak berbentuk seperti yang diminta", "lihat contoh di docs/data-format.md"),
        "en": ("'{value}' does not have the expected form", "see the example in docs/data-format.md"),
    },
    "value.invalid": {
        "id": ("nilai tidak sah ({detail})", "perbaiki nilainya (lihat docs/data-format.md)"),
        "en": ("invalid value ({detail})", "correct it (see docs/data-format.md)"),
    },
    "item.empty": {
        "id": ("butir ke-{n} kosong", "isi butir itu atau hapus barisnya"),
        "en": ("item {n} is empty", "fill it in or remove it"),
    },
    "item.too_long": {
        "id": (
            "butir ke-{n} sepanjang {length} karakter (paling banyak {max})",
            "persingkat; teks sepanjang itu biasanya salah tempel",
        ),
        "en": (
            "item {n} is {length} characters long (at most {max})",
            "shorten it; a text that long is usually a paste gone wrong",
        ),
    },
    # ---- the decree number
    "nomor.malformed": {
        "id": (
            "format nomor rusak: setiap bagian ditulis {{nama}} dengan kurung kurawal lengkap",
            "mis. {{urut}}/{{klasifikasi}}/{{kode_wilayah}}/{{tahun}}",
        ),
        "en": (
            "malformed number format: each part must be written as {{name}} with both braces",
            "e.g. {{urut}}/{{klasifikasi}}/{{kode_wilayah}}/{{tahun}}",
        ),
    },
    "nomor.unknown_part": {
        "id": ("bagian {{{part}}} dalam format nomor tidak dikenal", "bagian yang dikenal: {known}"),
        "en": ("unknown part {{{part}}} in the number format", "known parts: {known}"),
    },
    "nomor.no_urut": {
        "id": ("format nomor harus memuat {{urut}} (nomor urut)", "tambahkan {{urut}} ke format nomor"),
        "en": ("the number format must contain {{urut}}, the sequence number", "add {{urut}} to the format"),
    },
    "nomor.part_missing": {
        "id": (
            "format nomor memerlukan {{{part}}} tetapi {label} tidak diisi",
            "isi {label}, atau hapus {{{part}}} dari format nomor",
        ),
        "en": (
            "the number format needs {{{part}}} but {label} is not given",
            "add {label}, or remove {{{part}}} from the number format",
        ),
    },
    "nomor.no_region_code": {
        "id": (
            "format nomor memakai {{kode_wilayah}}, tetapi kantor ini tidak mempunyai kode wilayah "
            "({label} kosong, seperti lembaga tingkat nasional)",
            "hapus {{kode_wilayah}} dari format nomor, mis. {{urut}} TAHUN {{tahun}} atau "
            "{{urut}}/{{klasifikasi}}/{{tahun}}; atau isi {label} bila kantor ini kantor daerah",
        ),
        "en": (
            "the number format uses {{kode_wilayah}}, but this office has no region code "
            "({label} is empty, as for a national body)",
            "remove {{kode_wilayah}} from the number format, e.g. {{urut}} TAHUN {{tahun}} or "
            "{{urut}}/{{klasifikasi}}/{{tahun}}; or fill in {label} if this is a regional office",
        ),
    },
    # ---- Mengingat and its library
    "library.missing": {
        "id": ("pustaka dasar hukum {path} tidak ditemukan", "arahkan dasar_hukum ke file dasar-hukum.yaml"),
        "en": ("library of legal bases {path} not found", "point dasar_hukum at the dasar-hukum.yaml file"),
    },
    "library.citation_empty": {
        "id": ("teks dasar hukum kosong atau bukan teks", "tulis kutipan lengkapnya"),
        "en": ("citation is empty or not text", "write the full citation"),
    },
    "mengingat.unknown": {
        "id": ("'{key}' tidak ada di {library}", "mungkin maksudnya '{guess}'?"),
        "en": ("'{key}' is not in {library}", "did you mean '{guess}'?"),
    },
    "mengingat.unknown_noguess": {
        "id": ("'{key}' tidak ada di {library}", "tambahkan ke {library} atau perbaiki kuncinya"),
        "en": ("'{key}' is not in {library}", "add it to {library} or fix the key"),
    },
    "mengingat.duplicate_key": {
        "id": (
            "kunci '{key}' sudah dipakai pada baris {first}",
            "beri setiap dasar hukum kunci yang berbeda, atau kosongkan kuncinya",
        ),
        "en": (
            "key '{key}' is already used on row {first}",
            "give each legal basis its own key, or leave the key blank",
        ),
    },
    "mengingat.text_missing": {
        "id": ("teks dasar hukum kosong", "tulis kutipan lengkap dasar hukum, atau hapus barisnya"),
        "en": ("the citation is empty", "write the full citation, or delete the row"),
    },
    "mengingat.none": {
        "id": ("belum ada dasar hukum Mengingat", "tulis satu dasar hukum per baris di bawah judul kolom"),
        "en": ("no Mengingat citations", "write one legal basis per row below the headers"),
    },
    # ---- workbooks
    "workbook.not_found": {
        "id": ("file workbook tidak ditemukan", "arahkan rencana_aksi di keputusan.yaml ke file .xlsx"),
        "en": ("plan workbook not found", "point rencana_aksi in keputusan.yaml at the .xlsx file"),
    },
    "workbook.encrypted": {
        "id": (
            "dilindungi kata sandi atau berformat .xls lama",
            "buka di Excel, hapus kata sandinya (File > Info > Protect Workbook) lalu simpan sebagai Excel Workbook (.xlsx)",
        ),
        "en": ("is password-protected or an old .xls file", "remove the password / save it as .xlsx (Excel Workbook)"),
    },
    "workbook.not_xlsx": {
        "id": (
            "bukan workbook .xlsx ({detail})",
            "simpan sebagai Excel Workbook (.xlsx) dari Excel atau LibreOffice Calc",
        ),
        "en": ("is not an .xlsx workbook ({detail})", "save it as an Excel workbook (.xlsx)"),
    },
    "sheet.missing": {
        "id": ("tidak ada sheet '{sheet}' (yang ada: {sheets})", "tambahkan sheet bernama '{sheet}'"),
        "en": ("has no sheet '{sheet}' (it has: {sheets})", "add a sheet named '{sheet}'"),
    },
    "sheet.renamed": {
        "id": ("tidak ada sheet '{sheet}' (yang ada: {sheets})", "ganti nama sheet '{guess}' menjadi '{sheet}'"),
        "en": ("has no sheet '{sheet}' (it has: {sheets})", "rename sheet '{guess}' to '{sheet}'"),
    },
    "sheet.unknown": {
        "id": ("sheet '{sheet}' tidak dikenal", "hapus sheet itu atau kembalikan namanya; sheet yang dikenal: {known}"),
        "en": ("unknown sheet '{sheet}'", "delete it or restore its name; known sheets: {known}"),
    },
    "cells.merged": {
        "id": (
            "sel digabung (merge)",
            "batalkan penggabungan (Unmerge) dan tulis nilainya di baris pertama; sel kosong di bawahnya berarti 'sama dengan di atas'",
        ),
        "en": (
            "merged cells",
            "unmerge them and type the value in the first row; blank cells below mean 'same as above'",
        ),
    },
    "header.wrong": {
        "id": ("judul kolom '{value}', seharusnya '{expected}'", "kembalikan judul kolom persis seperti semula"),
        "en": (
            "header is '{value}', expected '{expected}'",
            "restore the column headers exactly as in docs/data-format.md",
        ),
    },
    "column.unknown": {
        "id": ("kolom '{value}' tidak dikenal", "hapus kolom itu"),
        "en": ("unknown column '{value}'", "remove the column"),
    },
    "column.unknown_guess": {
        "id": ("kolom '{value}' tidak dikenal", "mungkin maksudnya '{guess}'?"),
        "en": ("unknown column '{value}'", "did you mean '{guess}'?"),
    },
    "plan.no_rows": {
        "id": ("belum ada baris rencana aksi", "tulis satu baris per sub kegiatan di bawah judul kolom"),
        "en": ("has no plan rows", "add one row per sub-kegiatan below the headers"),
    },
    "row.empty": {
        "id": ("baris kosong di antara baris data", "hapus baris kosong itu (klik kanan nomor baris > Delete)"),
        "en": ("empty row between data rows", "delete the empty row"),
    },
    "cell.formula": {
        "id": ("berisi rumus ({formula})", "ketik teksnya langsung, bukan rumus (salin lalu Paste Special > Values)"),
        "en": ("holds a formula ({formula})", "type the text itself, not a formula"),
    },
    "cell.outside": {
        "id": ("ada isian di luar kolom tabel", "pindahkan ke kolom Keterangan atau hapus"),
        "en": ("value outside the table's columns", "move it into the Keterangan column or delete it"),
    },
    "cell.too_long": {
        "id": (
            "teks sepanjang {length} karakter (paling banyak {max})",
            "persingkat; sel sepanjang itu biasanya salah tempel",
        ),
        "en": (
            "text is {length} characters long (at most {max})",
            "shorten it; a cell that long is usually a paste gone wrong",
        ),
    },
    "month.mark": {
        "id": ("tanda bulan '{mark}' tidak dikenali", "tulis x untuk menandai bulan itu, atau kosongkan selnya"),
        "en": ("month mark '{mark}' not understood", "write x to mark the month, or leave the cell blank"),
    },
    "plan.sub_empty": {
        "id": ("Sub Kegiatan kosong", "tulis sub kegiatannya (tanpa huruf a., b.; huruf dibuat otomatis)"),
        "en": ("Sub Kegiatan is empty", "type the sub-kegiatan (without its letter)"),
    },
    "plan.area_returns": {
        "id": ("area '{area}' sudah berakhir di baris {row}", "kumpulkan semua baris satu area berurutan"),
        "en": ("area '{area}' already ended at row {row}", "keep all rows of an area together"),
    },
    "plan.area_missing": {
        "id": (
            "Area Perubahan belum diisi pada baris rencana pertama",
            "tulis areanya; sel kosong di bawahnya berarti 'sama dengan di atas'",
        ),
        "en": (
            "Area Perubahan is missing on the first plan row",
            "type the area; blank cells below mean 'same as above'",
        ),
    },
    "plan.kegiatan_missing": {
        "id": ("Kegiatan belum diisi untuk sub kegiatan ini", "tulis kegiatannya pada baris pertama setiap kegiatan"),
        "en": ("Kegiatan is missing for this sub-kegiatan", "type the kegiatan on the first row of each kegiatan"),
    },
    "plan.kegiatan_returns": {
        "id": (
            "kegiatan '{kegiatan}' sudah berakhir lebih awal di area ini",
            "kumpulkan semua baris satu kegiatan berurutan",
        ),
        "en": ("kegiatan '{kegiatan}' already ended earlier in this area", "keep all rows of a kegiatan together"),
    },
    "plan.indikator_missing": {
        "id": (
            "Indikator Keberhasilan belum diisi pada baris pertama kegiatan",
            "tulis indikatornya; sel kosong di bawahnya berarti indikator itu mencakup baris tersebut",
        ),
        "en": (
            "Indikator Keberhasilan is missing on the first row of a kegiatan",
            "type the indikator; blank cells below it mean it covers those rows",
        ),
    },
    # ---- the lampiran: the list, a table's columns and rows, members, prose
    "lampiran.none": {
        "id": (
            "keputusan ini belum menyebut lampirannya",
            "tulis daftar lampiran (lampiran:, atau sheet Lampiran; lampiran: [] bila tanpa lampiran), "
            "atau judul_lampiran untuk satu tabel rencana aksi",
        ),
        "en": (
            "the decree does not say what its lampiran are",
            "list them (lampiran:, or the Lampiran sheet; lampiran: [] for none), "
            "or give judul_lampiran for one plan table",
        ),
    },
    "lampiran.both": {
        "id": (
            "daftar lampiran dan {key} sama-sama diisi",
            "pakai salah satu: pindahkan judul dan tabel itu ke daftar lampiran, lalu hapus {key}",
        ),
        "en": (
            "both the list of lampiran and {key} are given",
            "use one: move that title and table into the list of lampiran, then remove {key}",
        ),
    },
    "lampiran.diktum_missing": {
        "id": (
            "lampiran '{judul}' dirujuk oleh diktum ke-{n}, padahal diktum yang diketik hanya {count}",
            "tulis nomor diktum yang merujuk lampiran itu (1 sampai {count}), atau kosongkan untuk diktum pertama",
        ),
        "en": (
            "lampiran '{judul}' is referred to by diktum {n}, but only {count} diktum are typed",
            "give the number of the diktum that refers to it (1 to {count}), or leave it blank for the first",
        ),
    },
    "lampiran.key_for_kind": {
        "id": (
            "'{key}' tidak berlaku untuk lampiran berjenis {jenis}",
            "hapus isian itu, atau ganti jenis lampirannya (tabel: bentuk atau kolom, nomor_kolom, data; "
            "anggota: anggota; prosa: isi)",
        ),
        "en": (
            "'{key}' does not apply to a lampiran of kind {jenis}",
            "remove it, or change the kind (tabel: bentuk or kolom, nomor_kolom, data; anggota: anggota; prosa: isi)",
        ),
    },
    "lampiran.kolom_unknown": {
        "id": (
            "kolom '{value}' bukan nama bentuk tabel yang dikenal dan bukan nama sheet",
            "tulis salah satu bentuk ({known}), atau nama sheet yang memuat daftar kolomnya (mis. 'Kolom {sheet}')",
        ),
        "en": (
            "columns '{value}' is neither a known table preset nor a sheet",
            "write a preset ({known}), or the name of the sheet that declares its columns (e.g. 'Kolom {sheet}')",
        ),
    },
    "cell.missing": {
        "id": ("{column} belum diisi", "tulis {column} di sel ini"),
        "en": ("{column} is missing", "write the {column} in this cell"),
    },
    "lampiran.sheet_twice": {
        "id": (
            "sheet '{sheet}' sudah dipakai oleh lampiran ke-{n}",
            "beri setiap lampiran sheet-nya sendiri (tulis nama sheet lain, atau kosongkan untuk Lampiran I, II ...)",
        ),
        "en": (
            "sheet '{sheet}' is already used by lampiran {n}",
            "give each lampiran its own sheet (another name, or blank for Lampiran I, II ...)",
        ),
    },
    "lampiran.sheet_reserved": {
        "id": ("sheet '{sheet}' bukan sheet isi lampiran", "tulis nama sheet lain untuk isi lampiran ini"),
        "en": ("sheet '{sheet}' is not a lampiran's sheet", "name another sheet for this lampiran's rows"),
    },
    "lampiran.no_content": {
        "id": (
            "lampiran berjenis {jenis} ini belum berisi apa pun",
            "tulis anggotanya (anggota:) atau isinya (isi:); di workbook, isi sheet lampiran itu di bawah judul kolomnya",
        ),
        "en": (
            "this lampiran of kind {jenis} is empty",
            "write its members (anggota:) or its text (isi:); in the workbook, fill in its sheet below the headers",
        ),
    },
    "lampiran.too_many": {
        "id": ("{n} lampiran (paling banyak {max})", "gabungkan beberapa lampiran, atau periksa baris yang tertempel"),
        "en": ("{n} lampiran (at most {max})", "merge some lampiran, or check for pasted rows"),
    },
    "lampiran.bentuk_and_kolom": {
        "id": (
            "bentuk tabel dan daftar kolom sama-sama diisi",
            "pakai salah satu: bentuk (mis. rencana-aksi-triwulan) atau kolom (kolom tabel sendiri)",
        ),
        "en": ("both a table preset (bentuk) and columns (kolom) are given", "use one: bentuk, or kolom"),
    },
    "kolom.key_for_kind": {
        "id": (
            "'{key}' tidak berlaku untuk kolom berjenis {jenis}",
            "hapus isian itu (penomoran: kelompok dan butir; kelompok: nomor; periode dan isi: periode)",
        ),
        "en": (
            "'{key}' does not apply to a column of kind {jenis}",
            "remove it (penomoran: kelompok and butir; kelompok: nomor; periode and isi: periode)",
        ),
    },
    "kolom.period_missing": {
        "id": (
            "kolom periode belum menyebut periodenya",
            "tulis periode: bulan (1 sampai 12) atau triwulan (TW I sampai TW IV)",
        ),
        "en": (
            "a periode column does not say its period",
            "write periode: bulan (1 to 12) or triwulan (TW I to TW IV)",
        ),
    },
    "kolom.duplicate": {
        "id": ("dua kolom sama-sama bernama '{name}' di sheet", "beri salah satunya nama lain (nama, atau judulnya)"),
        "en": (
            "two columns are both named '{name}' in the sheet",
            "give one of them another name (nama, or its judul)",
        ),
    },
    "kolom.no_such_group": {
        "id": (
            "kolom nomor '{judul}' menomori kelompok '{kelompok}', yang bukan kolom kelompok tabel ini",
            "tulis nama kolom kelompok yang dinomorinya, atau kosongkan untuk nomor baris",
        ),
        "en": (
            "number column '{judul}' numbers the group '{kelompok}', which is not a kelompok column of this table",
            "write the name of the group column it numbers, or leave it blank to number the rows",
        ),
    },
    "kolom.only_groups": {
        "id": (
            "tabel hanya berisi kolom kelompok dan nomor",
            "tambahkan kolom yang diisi per baris (butir, teks, angka, pic atau periode)",
        ),
        "en": (
            "the table has only kelompok and nomor columns",
            "add a column filled per row (butir, teks, angka, pic or periode)",
        ),
    },
    "kolom.too_many": {
        "id": (
            "tabel ini mencetak {n} kolom (paling banyak {max})",
            "kurangi kolomnya, atau bagi menjadi dua lampiran",
        ),
        "en": ("the table prints {n} columns (at most {max})", "drop some columns, or split it into two lampiran"),
    },
    "kolom.unknown_preset": {
        "id": ("bentuk tabel '{name}' tidak dikenal", "pilih salah satu: {known}; atau tulis daftar kolomnya sendiri"),
        "en": ("unknown table preset '{name}'", "choose one of {known}, or declare the columns"),
    },
    "tabel.too_many_rows": {
        "id": (
            "{n} baris tabel (paling banyak {max})",
            "tabel lampiran satu keputusan jauh lebih pendek: periksa bahwa tidak ada data lain yang tertempel di sheet ini",
        ),
        "en": (
            "{n} table rows (at most {max})",
            "a decree's table is far shorter: check that nothing else was pasted here",
        ),
    },
    "tabel.no_rows": {
        "id": ("belum ada baris tabel", "tulis satu baris per butir di bawah judul kolom"),
        "en": ("has no table rows", "add one row per item below the headers"),
    },
    "tabel.group_missing": {
        "id": (
            "{column} belum diisi pada baris pertama kelompoknya",
            "tulis isinya; sel kosong di bawahnya berarti 'sama dengan di atas'",
        ),
        "en": ("{column} is missing on the first row of its group", "type it; blank cells below mean 'same as above'"),
    },
    "tabel.group_returns": {
        "id": ("'{value}' sudah berakhir lebih awal di kelompok ini", "kumpulkan semua baris satu kelompok berurutan"),
        "en": ("'{value}' already ended earlier in this group", "keep all rows of a group together"),
    },
    "tabel.item_empty": {
        "id": ("{column} kosong", "tulis butirnya (tanpa huruf a., b.; huruf dibuat otomatis)"),
        "en": ("{column} is empty", "type the item (without its letter; letters are generated)"),
    },
    "tabel.mark": {
        "id": ("tanda '{mark}' tidak dikenali", "tulis x untuk menandai periode itu, atau kosongkan selnya"),
        "en": ("mark '{mark}' not understood", "write x to mark the period, or leave the cell blank"),
    },
    "prosa.one_kind": {
        "id": (
            "setiap bagian prosa berisi tepat satu dari: {kinds}",
            "pisahkan menjadi beberapa bagian, satu jenis masing-masing",
        ),
        "en": ("each block of prose holds exactly one of {kinds}", "split it into blocks of one kind each"),
    },
    "prosa.kind_unknown": {
        "id": ("jenis '{value}' tidak dikenal", "pilih salah satu: {kinds}"),
        "en": ("unknown kind '{value}'", "choose one of {kinds}"),
    },
    "office.no_plan": {
        "id": (
            "kantor {kode} mengubah baris rencana aksi, padahal keputusan dasar tidak memuat tabel rencana aksi bulanan",
            "hapus rencana_aksi dari entri kantor itu",
        ),
        "en": (
            "office {kode} changes plan rows, but the base decree has no monthly plan table",
            "remove rencana_aksi from that office's entry",
        ),
    },
    # ---- the Keputusan sheet (labelled rows)
    "label.unknown": {
        "id": ("isian '{label}' tidak dikenal", "mungkin maksudnya '{guess}'?"),
        "en": ("unknown entry '{label}'", "did you mean '{guess}'?"),
    },
    "label.unknown_noguess": {
        "id": ("isian '{label}' tidak dikenal", "hapus baris itu; isian yang dikenal tercantum di sheet Petunjuk"),
        "en": ("unknown entry '{label}'", "delete the row; the known entries are listed in the Petunjuk sheet"),
    },
    "label.missing": {
        "id": ("baris '{label}' tidak ada", "tambahkan baris dengan label '{label}' di kolom A"),
        "en": ("the row '{label}' is missing", "add a row labelled '{label}' in column A"),
    },
    "label.duplicate": {
        "id": ("baris '{label}' muncul dua kali (juga di baris {first})", "hapus salah satunya"),
        "en": ("the row '{label}' appears twice (also on row {first})", "delete one of them"),
    },
    "label.no_label": {
        "id": ("ada nilai tanpa label di kolom A", "tulis labelnya di kolom A atau hapus nilainya"),
        "en": ("a value without a label in column A", "write its label in column A or delete the value"),
    },
    # ---- the Kantor sheet (offices of a batch)
    "kantor.duplicate": {
        "id": (
            "kode wilayah '{kode}' sudah dipakai di baris {first}",
            "setiap kantor ditulis sekali; hapus atau perbaiki baris ini",
        ),
        "en": ("region code '{kode}' already used on row {first}", "list each office once; delete or correct this row"),
    },
    "kantor.code_missing": {
        "id": ("Kode Wilayah kosong", "tulis kode wilayah Kemendagri kantor ini (mis. 5201)"),
        "en": ("Kode Wilayah is empty", "write the office's Kemendagri region code (e.g. 5201)"),
    },
    "kantor.name_missing": {
        "id": ("Wilayah kosong", "tulis nama wilayahnya, mis. Kabupaten Lombok Barat"),
        "en": ("Wilayah is empty", "write the region's name, e.g. Kabupaten Lombok Barat"),
    },
    # ---- a batch of offices (kantor.yaml, daftar-kantor.yaml, the Kantor sheet; offices.py)
    "batch.not_folder": {
        "id": ("bukan sebuah folder", "sebutkan folder batch, mis. data/kpu-ntb-2022-kabkota"),
        "en": ("is not a folder", "give the path of a batch folder such as data/kpu-ntb-2022-kabkota"),
    },
    "batch.no_file": {
        "id": (
            "file tidak ditemukan",
            "folder batch harus berisi {file} (lihat docs/data-format.md, bagian Batch), "
            "atau kasusnya harus mencantumkan kantor-kantornya",
        ),
        "en": (
            "file not found",
            "a batch folder must contain {file} (see docs/data-format.md, Batch), or a case must list its offices",
        ),
    },
    "batch.not_mapping": {
        "id": ("harus berisi kunci dasar dan kantor", "lihat docs/data-format.md, bagian Batch"),
        "en": ("must be a mapping with dasar and kantor", "see docs/data-format.md, Batch"),
    },
    "batch.no_base": {
        "id": (
            "kasus dasar {base} tidak berisi {decree} maupun {workbook}",
            "arahkan dasar ke folder kasus yang rencana aksinya dipakai setiap kantor, mis. ../kpu-ntb-2022",
        ),
        "en": (
            "base case {base} has no {decree} or {workbook}",
            "point dasar at the case folder whose plan the offices decree, e.g. ../kpu-ntb-2022",
        ),
    },
    "batch.single_case": {
        "id": (
            "adalah satu kasus dan tidak mencantumkan kantor",
            "buat dengan `keputusan build`, atau cantumkan kantor-kantornya di {offices_file} atau sheet Kantor, "
            "atau buat folder batch dengan {batch_file}",
        ),
        "en": (
            "is a single case and lists no offices",
            "build it with `keputusan build`, or list the offices in {offices_file} or the Kantor sheet, "
            "or make a batch folder with {batch_file}",
        ),
    },
    "batch.rename_empty": {
        "id": ("ada sebutan yang akan diganti tetapi kosong", "tulis sebutan yang diganti di sebelah kiri tanda :"),
        "en": ("a name to replace is empty", "write the name to replace left of the :"),
    },
    "batch.rename_placeholder": {
        "id": ("penanda {{{name}}} dalam '{target}' tidak dikenal", "penanda yang dikenal: {known}"),
        "en": ("unknown placeholder {{{name}}} in '{target}'", "known: {known}"),
    },
    "office.not_mapping": {
        "id": (
            "setiap kantor harus berupa kelompok kunci (kode_wilayah, wilayah, kedudukan, ...)",
            "tulis kunci-kunci kantor itu di bawah tanda '- '-nya (lihat docs/data-format.md, bagian Batch)",
        ),
        "en": (
            "an office must be a mapping (kode_wilayah, wilayah, kedudukan, ...)",
            "write the office's keys below its '- ' (see docs/data-format.md, Batch)",
        ),
    },
    "office.bad_code": {
        "id": (
            "kode kantor {value} bukan kode wilayah",
            'tulis kode wilayah Kemendagri sebagai teks dalam tanda kutip: "52" untuk provinsi, '
            '"5201" untuk kabupaten/kota',
        ),
        "en": (
            "office code {value} is not a region code",
            'the Kemendagri code as text in quotes: "52" for a province, "5201" for a kabupaten/kota',
        ),
    },
    "office.duplicate": {
        "id": (
            "kode kantor {kode} tercantum dua kali (juga di kantor[{first}])",
            "cantumkan setiap kantor sekali saja; kodenya menjadi nama folder hasilnya",
        ),
        "en": (
            "office code {kode} is listed twice (also kantor[{first}])",
            "each office once; its code names its output folder",
        ),
    },
    "office.wilayah_missing": {
        "id": ("isian wajib wilayah belum diisi", "tulis wilayahnya, mis. Kabupaten Lombok Barat"),
        "en": ("required value wilayah is missing", "the region, e.g. Kabupaten Lombok Barat"),
    },
    "office.required": {
        "id": (
            "{key} wajib diisi untuk kantor {kode}, yang bukan kantor kasus dasar",
            "setiap kantor menetapkan di kedudukannya sendiri, dengan nomor dan pejabatnya sendiri",
        ),
        "en": (
            "{key} is required for office {kode}, an office other than the base case's own",
            "every office enacts at its own seat, with its own number and officials",
        ),
    },
    "office.number_part": {
        "id": (
            "format nomor memerlukan {{{part}}}, yang tidak diberikan kantor {kode}",
            "isi {part} untuk kantor itu, atau hapus {{{part}}} dari format nomor kasus dasar",
        ),
        "en": (
            "the number format needs {{{part}}}, which office {kode} does not give",
            "give {part} for the office, or remove {{{part}}} from the base case's number format",
        ),
    },
    "office.only_unknown": {
        "id": ("tidak ada kantor dengan kode {kode} di {file}", "mungkin maksudnya {guess}?"),
        "en": ("no office with code {kode} in {file}", "did you mean {guess}?"),
    },
    "office.only_unknown_noguess": {
        "id": ("tidak ada kantor dengan kode {kode} di {file}", "kode yang ada: {codes}"),
        "en": ("no office with code {kode} in {file}", "codes: {codes}"),
    },
    # ---- an office's changes to the base plan (rencana_aksi of an office in kantor.yaml)
    "change.one_action": {
        "id": ("setiap perubahan memerlukan tepat satu dari hapus, ubah, atau tambah", "tulis salah satunya saja"),
        "en": ("each change needs exactly one of hapus, ubah or tambah", "write one of them only"),
    },
    "change.hapus_fields": {
        "id": ("hapus membuang satu baris; {fields} tidak berlaku di sini", "hapus {fields} dari perubahan ini"),
        "en": ("hapus drops a row; {fields} does not apply", "remove {fields} from this change"),
    },
    "change.ubah_nothing": {
        "id": ("ubah belum menyebut apa yang diubah", "tambahkan sub_kegiatan, indikator, bulan, atau keterangan"),
        "en": ("ubah needs what to change", "add sub_kegiatan, indikator, bulan or keterangan"),
    },
    "change.tambah_no_sub": {
        "id": ("tambah memerlukan sub_kegiatan yang ditambahkan", "tambahkan sub_kegiatan:"),
        "en": ("tambah needs the sub_kegiatan to add", "add sub_kegiatan:"),
    },
    "change.setelah_not_tambah": {
        "id": ("setelah (sisipkan sesudah huruf) hanya untuk tambah", "pakai huruf untuk hapus dan ubah"),
        "en": ("setelah (insert after a letter) is for tambah only", "use huruf for hapus and ubah"),
    },
    "change.tambah_huruf": {
        "id": ("tambah memakai setelah (huruf yang disisipi sesudahnya), bukan huruf", "ganti huruf: dengan setelah:"),
        "en": ("tambah takes setelah (the letter to insert after), not huruf", "write setelah: instead of huruf:"),
    },
    "change.month": {
        "id": ("bulan {month} bukan 1-12", "tulis nomor bulan 1 (Januari) sampai 12 (Desember)"),
        "en": ("month {month} is not 1-12", "write month numbers 1 (January) to 12 (December)"),
    },
    "change.which_row": {
        "id": (
            "kegiatan '{kegiatan}' memiliki {n} sub kegiatan",
            "sebutkan yang mana dengan huruf: a, b, ... seperti tercetak di lampiran kasus dasar",
        ),
        "en": (
            "kegiatan '{kegiatan}' has {n} sub-kegiatan",
            "say which with huruf: a, b, ... as printed in the base lampiran",
        ),
    },
    "change.no_letter": {
        "id": ("kegiatan '{kegiatan}' tidak memiliki sub kegiatan {letter}", "sub kegiatannya a sampai {last}"),
        "en": ("kegiatan '{kegiatan}' has no sub-kegiatan {letter}", "it has a to {last}"),
    },
    "change.no_letter_new": {
        "id": ("kegiatan '{kegiatan}' tidak memiliki sub kegiatan {letter}", "kegiatan itu baru dalam batch ini"),
        "en": ("kegiatan '{kegiatan}' has no sub-kegiatan {letter}", "it is new in this batch"),
    },
    "change.no_lampiran": {
        "id": (
            "kasus dasar tidak memiliki lampiran '{ref}'; lampirannya: {known}",
            "sebut lampirannya dengan nomornya (1, 2, … atau I, II, …), nama sheet-nya, atau judulnya",
        ),
        "en": (
            "the base case has no lampiran '{ref}'; its lampiran: {known}",
            "name the lampiran by its number (1, 2, … or I, II, …), its sheet or its title",
        ),
    },
    "change.no_lampiran_none": {
        "id": ("kasus dasar tidak memiliki lampiran, jadi juga tidak memiliki lampiran '{ref}'", "hapus perubahan ini"),
        "en": ("the base case has no lampiran, so no lampiran '{ref}' either", "remove this change"),
    },
    "change.not_a_plan": {
        "id": (
            "{name} ('{ref}') kasus dasar bukan rencana aksi bulanan ({kind}); perubahan baris rencana_aksi hanya "
            "berlaku untuk rencana aksi bulanan",
            "sebut lampiran rencana aksi bulanan ({plans}), atau ubah baris lampiran itu di kasus dasar",
        ),
        "en": (
            "{name} ('{ref}') of the base case is no monthly plan ({kind}); rencana_aksi changes rows of a "
            "monthly plan only",
            "name a monthly plan lampiran ({plans}), or change that lampiran's rows in the base case",
        ),
    },
    "change.not_a_plan_none": {
        "id": (
            "{name} ('{ref}') kasus dasar bukan rencana aksi bulanan ({kind}), dan kasus dasar tidak memiliki rencana "
            "aksi bulanan",
            "hapus perubahan ini, atau ubah baris lampiran itu di kasus dasar",
        ),
        "en": (
            "{name} ('{ref}') of the base case is no monthly plan ({kind}), and the base case has none",
            "remove this change, or change that lampiran's rows in the base case",
        ),
    },
    "change.drops_all": {
        "id": ("perubahan ini menghapus semua baris rencana aksi", "sisakan paling sedikit satu baris"),
        "en": ("the changes drop every plan row", "keep at least one row"),
    },
    "change.no_kegiatan": {
        "id": ("tidak ada kegiatan '{kegiatan}' di rencana aksi kasus dasar", "mungkin maksudnya '{guess}'?"),
        "en": ("no kegiatan '{kegiatan}' in the base plan", "did you mean '{guess}'?"),
    },
    "change.no_kegiatan_noguess": {
        "id": (
            "tidak ada kegiatan '{kegiatan}' di rencana aksi kasus dasar",
            "tulis kegiatannya persis seperti di kolom Kegiatan rencana aksi kasus dasar",
        ),
        "en": (
            "no kegiatan '{kegiatan}' in the base plan",
            "write the kegiatan exactly as in the base plan's Kegiatan column",
        ),
    },
    "change.no_kegiatan_area": {
        "id": (
            "tidak ada kegiatan '{kegiatan}' di area '{area}' rencana aksi kasus dasar",
            "mungkin maksudnya '{guess}'?",
        ),
        "en": ("no kegiatan '{kegiatan}' in area '{area}' in the base plan", "did you mean '{guess}'?"),
    },
    "change.no_kegiatan_area_noguess": {
        "id": (
            "tidak ada kegiatan '{kegiatan}' di area '{area}' rencana aksi kasus dasar",
            "tulis kegiatannya persis seperti di kolom Kegiatan rencana aksi kasus dasar",
        ),
        "en": (
            "no kegiatan '{kegiatan}' in area '{area}' in the base plan",
            "write the kegiatan exactly as in the base plan's Kegiatan column",
        ),
    },
    "change.several_areas": {
        "id": ("kegiatan '{kegiatan}' ada di beberapa area", "tambahkan area: untuk menyebut yang mana"),
        "en": ("kegiatan '{kegiatan}' is in several areas", "add area: to say which"),
    },
    "change.needs_indikator": {
        "id": ("kegiatan baru memerlukan indikatornya", "tambahkan indikator:"),
        "en": ("a new kegiatan needs its indikator", "add indikator:"),
    },
    "change.setelah_new": {
        "id": (
            "setelah menyebut huruf sub kegiatan dari kegiatan yang sudah ada",
            "kegiatan '{kegiatan}' baru di area '{area}': hapus setelah:",
        ),
        "en": (
            "setelah names a letter of an existing kegiatan",
            "kegiatan '{kegiatan}' is new in area '{area}': remove setelah:",
        ),
    },
    # ---- revisions
    "revision.unknown": {
        "id": ("tidak ada revisi '{ref}' (yang ada: {known})", "sebutkan salah satu revisi yang ada, mis. rev-001"),
        "en": ("no revision '{ref}' (there are: {known})", "name one of the revisions there are, e.g. rev-001"),
    },
    "revision.too_few": {
        "id": (
            "baru ada {n} revisi; perbandingan perlu dua",
            "ubah data lalu jalankan keputusan build lagi, atau sebutkan --from dan --to",
        ),
        "en": (
            "only {n} revision(s); a comparison needs two",
            "change the data and build again, or give --from and --to",
        ),
    },
    "revision.no_snapshot": {
        "id": (
            "revisi {rev} tidak menyimpan data masukan (dibuat sebelum ada revisi)",
            "bandingkan dengan revisi lain yang lebih baru",
        ),
        "en": (
            "revision {rev} kept no input snapshot (built before revisions existed)",
            "compare other, newer revisions",
        ),
    },
    # ---- the Word templates (--templates DIR or the case's own)
    "templates.not_folder": {
        "id": ("bukan folder templat", "sebutkan folder yang berisi keputusan.docx dan lampiran.docx"),
        "en": ("is not a folder of templates", "give a folder holding keputusan.docx and lampiran.docx"),
    },
    "templates.missing": {
        "id": (
            "templat {name} tidak ada di {folder}",
            "salin {name} ke folder itu (templat bawaan ada di {default}), atau sebutkan folder lain",
        ),
        "en": (
            "the template {name} is not in {folder}",
            "copy {name} into that folder (the default one is in {default}), or give another folder",
        ),
    },
    "templates.not_docx": {
        "id": (
            "templat {name} bukan dokumen Word (.docx)",
            "buka di Word atau LibreOffice lalu simpan sebagai Word 2007-365 (.docx)",
        ),
        "en": (
            "the template {name} is not a Word document (.docx)",
            "open it in Word or LibreOffice and save it as Word 2007-365 (.docx)",
        ),
    },
    "revision.no_builds": {
        "id": ("belum ada hasil build di folder ini", "jalankan dulu keputusan build {case} --out {out}"),
        "en": ("no builds in this folder yet", "run keputusan build {case} --out {out} first"),
    },
    # ---- limits and hostile input (limits.py; docs/limits.md)
    "file.not_regular": {
        "id": (
            "bukan file biasa (folder, pipa atau perangkat)",
            "ganti dengan file yang disimpan dari Excel atau dari editor teks",
        ),
        "en": (
            "is not a regular file (a folder, a pipe or a device)",
            "put a file saved by Excel or a text editor there",
        ),
    },
    "file.too_large": {
        "id": (
            "file lebih besar dari {max_mb} MB, batas untuk file ini",
            "file ini biasanya jauh lebih kecil: periksa bahwa file yang benar yang dipakai",
        ),
        "en": (
            "the file is larger than {max_mb} MB, the limit for it",
            "such a file is usually far smaller: check that it is the right file",
        ),
    },
    "workbook.too_large": {
        "id": (
            "workbook lebih besar dari {max_mb} MB",
            "hapus gambar dan sheet yang tidak diperlukan, lalu simpan lagi",
        ),
        "en": (
            "the workbook is larger than {max_mb} MB",
            "delete pictures and sheets that are not needed, and save it again",
        ),
    },
    "workbook.too_many_parts": {
        "id": (
            "workbook terdiri atas {parts} bagian (paling banyak {max})",
            "salin sheet yang diperlukan ke workbook baru (buat dengan keputusan init) lalu simpan",
        ),
        "en": (
            "the workbook has {parts} parts (at most {max})",
            "copy the sheets that are needed into a new workbook (made by keputusan init) and save it",
        ),
    },
    "workbook.too_big_unpacked": {
        "id": (
            "workbook terlalu besar setelah dibuka: {size_mb} MB (paling besar {max_mb} MB)",
            "hapus sheet dan gambar yang tidak diperlukan, lalu simpan lagi",
        ),
        "en": (
            "the workbook is too large once unpacked: {size_mb} MB (at most {max_mb} MB)",
            "delete sheets and pictures that are not needed, and save it again",
        ),
    },
    "workbook.packed_oddly": {
        "id": (
            "bagian {part} di dalam workbook terkompresi secara tidak wajar (seperti 'zip bomb')",
            "simpan ulang workbook dari Excel atau LibreOffice Calc; bila tetap ditolak, salin isinya ke workbook baru",
        ),
        "en": (
            "the part {part} inside the workbook is packed like a zip bomb",
            "save the workbook again from Excel or LibreOffice Calc; if it is still refused, copy its contents into a new workbook",
        ),
    },
    "sheet.xml_too_big": {
        "id": (
            "sheet terlalu besar: {size_mb} MB setelah dibuka (paling besar {max_mb} MB)",
            "hapus baris dan kolom kosong yang terformat di bawah dan di kanan tabel, lalu simpan",
        ),
        "en": (
            "the sheet is too large: {size_mb} MB unpacked (at most {max_mb} MB)",
            "delete the formatted empty rows and columns below and right of the table, and save",
        ),
    },
    "sheet.too_many_rows": {
        "id": (
            "sheet memakai lebih dari {max} baris (terbaca sampai baris {rows})",
            "hapus baris kosong yang terformat di bawah tabel (pilih barisnya, klik kanan > Delete), lalu simpan",
        ),
        "en": (
            "the sheet uses more than {max} rows (read up to row {rows})",
            "delete the formatted empty rows below the table (select them, right-click > Delete), and save",
        ),
    },
    "sheet.too_many_columns": {
        "id": (
            "sheet memakai lebih dari {max} kolom (terbaca sampai kolom ke-{columns})",
            "hapus kolom kosong yang terformat di kanan tabel (pilih kolomnya, klik kanan > Delete), lalu simpan",
        ),
        "en": (
            "the sheet uses more than {max} columns (read up to column {columns})",
            "delete the formatted empty columns right of the table (select them, right-click > Delete), and save",
        ),
    },
    "sheet.too_many_cells": {
        "id": (
            "sheet menyimpan lebih dari {max} sel",
            "hapus baris dan kolom kosong yang terformat di luar tabel, lalu simpan",
        ),
        "en": (
            "the sheet stores more than {max} cells",
            "delete the formatted empty rows and columns outside the table, and save",
        ),
    },
    "plan.too_many_rows": {
        "id": (
            "{n} baris rencana aksi (paling banyak {max})",
            "rencana aksi satu keputusan jauh lebih pendek: periksa bahwa tidak ada data lain yang tertempel di sheet ini",
        ),
        "en": (
            "{n} plan rows (at most {max})",
            "a decree's plan is far shorter: check that no other data was pasted into this sheet",
        ),
    },
    "yaml.too_many_nodes": {
        "id": (
            "alias YAML (*nama) mengulang isi terlalu banyak: lebih dari {max} nilai setelah diuraikan",
            "tulis nilainya langsung, tanpa alias (& dan *) yang bersarang",
        ),
        "en": (
            "YAML aliases (*name) repeat too much: more than {max} values once expanded",
            "write the values out, without nested aliases (& and *)",
        ),
    },
    "yaml.alias_recursive": {
        "id": ("alias YAML *{anchor} merujuk ke isinya sendiri", "hapus alias itu dan tulis nilainya langsung"),
        "en": ("the YAML alias *{anchor} refers to its own contents", "remove the alias and write the value out"),
    },
    "yaml.too_deep": {
        "id": ("bersarang terlalu dalam (lebih dari {max} tingkat)", "lihat susunan kunci di docs/data-format.md"),
        "en": ("nested too deeply (more than {max} levels)", "see how the keys are laid out in docs/data-format.md"),
    },
    "kantor.too_many": {
        "id": ("{n} kantor dalam satu batch (paling banyak {max})", "bagi kantor-kantor itu ke dalam beberapa batch"),
        "en": ("{n} offices in one batch (at most {max})", "split the offices into several batches"),
    },
    # errors raised with English text until the catalogue's coded errors are merged (i9-messages)
    "output.lock_timeout": {
        "id": "{folder} masih dibuat oleh proses lain (proses {pid}, sejak {since}) setelah {seconds} detik; "
        "tunggu sampai pembuatan itu selesai, lalu jalankan lagi",
        "en": "{folder} is still being built by another process (pid {pid}, since {since}) after {seconds} s; "
        "wait until it has finished, then run again",
    },
    # text that cannot be printed (printable.py)
    "text.control_char": {
        "id": (
            "karakter kendali {char} di posisi ke-{position}: tidak dapat disimpan dalam dokumen dan tidak tercetak",
            "hapus karakter itu: ketik ulang teksnya, atau tempel sebagai teks biasa (Paste Special > Unformatted Text)",
        ),
        "en": (
            "control character {char} at position {position}: a document cannot hold it and it does not print",
            "delete it: retype the text, or paste it as plain text",
        ),
    },
    "text.invisible_char": {
        "id": (
            "karakter tak terlihat {char} di posisi ke-{position} (biasanya terbawa saat menyalin dari web atau PDF)",
            "hapus karakter itu: ketik ulang kata-kata di sekitarnya",
        ),
        "en": (
            "invisible character {char} at position {position} (it usually comes with copying from the web or a PDF)",
            "delete it: retype the words around it",
        ),
    },
    "text.stray_mark": {
        "id": (
            "tanda diakritik {char} di posisi ke-{position} tanpa huruf di depannya",
            "tulis tanda itu langsung sesudah hurufnya, atau hapus",
        ),
        "en": (
            "the combining mark {char} at position {position} has no letter before it",
            "put it right after its letter, or delete it",
        ),
    },
    "text.rtl_char": {
        "id": (
            "huruf {char} di posisi ke-{position} ditulis dari kanan ke kiri, padahal baris keputusan disusun dari kiri ke kanan: tidak dapat dicetak dengan benar",
            "tulis teks itu dengan huruf Latin (alih aksara)",
        ),
        "en": (
            "the letter {char} at position {position} is written right to left, and the lines of a decree run left to right: it cannot be printed properly",
            "write the text in Latin letters (transliterated)",
        ),
    },
    "text.glyph_missing": {
        "id": (
            "huruf {font} (dicetak dengan {face}) tidak memiliki karakter {char} di posisi ke-{position}: akan tercetak sebagai kotak kosong atau dengan huruf lain",
            "ganti karakter itu (mis. dengan huruf Latin), atau pilih huruf lain yang memilikinya (isian Huruf / profil.font)",
        ),
        "en": (
            "the font {font} (printed with {face}) has no {char}, at position {position}: it would print as an empty box or in another font",
            "replace the character (e.g. by Latin letters), or choose a font that has it (Huruf / profil.font)",
        ),
    },
    "text.glyph_missing_capital": {
        "id": (
            "teks ini dicetak dengan huruf kapital, dan huruf {font} (dicetak dengan {face}) tidak memiliki {char}, bentuk kapital '{small}' di posisi ke-{position}",
            "ganti karakter itu (mis. dengan huruf Latin), atau pilih huruf lain yang memilikinya (isian Huruf / profil.font)",
        ),
        "en": (
            "this text is printed in capitals, and the font {font} (printed with {face}) has no {char}, the capital of '{small}' at position {position}",
            "replace the character (e.g. by Latin letters), or choose a font that has it (Huruf / profil.font)",
        ),
    },
}


def _fill(template: str, params: dict[str, Any]) -> str:
    return template.format(**params) if params else template.format()


def _in_lang(value: Any, lang: Lang) -> Any:
    """A parameter as shown in `lang`: a Message (or a list of them) rendered, a text given in
    every language ({"id": ..., "en": ...}, e.g. Django's own translations) picked."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Message) for v in value):
        return "; ".join(v.render(lang) for v in value)
    if isinstance(value, Mapping) and set(value) == set(LANGS):
        return value[lang]
    return value


def _params(params: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    return {name: _in_lang(value, lang) for name, value in params.items()}


def text(code: str, lang: Lang, /, **params: Any) -> tuple[str, str]:
    """(what, fix) of the problem `code` in `lang`."""
    entry = CATALOGUE[code][lang]
    if not isinstance(entry, tuple):
        raise TypeError(f"{code!r} is not a problem: say() renders it")
    filled = _params(params, lang)
    return _fill(entry[0], filled), _fill(entry[1], filled)


def say(code: str, lang: Lang = DEFAULT_LANG, /, **params: Any) -> str:
    """The text `code` in `lang`, its fields filled from `params`."""
    entry = CATALOGUE[code][lang]
    if not isinstance(entry, str):
        raise TypeError(f"{code!r} is a problem: text() renders it")
    return _fill(entry, _params(params, lang))


def web_text(code: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """A text of the web application's pages (the `web.` section, named without its prefix); a
    code the catalogue does not have (an old one kept in the database) shows as itself."""
    if f"web.{code}" not in CATALOGUE:
        return code
    return say(f"web.{code}", language(lang), **params)


def is_web_code(code: str) -> bool:
    """Whether `code` names a text of the web pages (a refusal of an upload kept by its code)."""
    return f"web.{code}" in CATALOGUE


def is_problem_code(code: str) -> bool:
    """Whether `code` is a problem of the catalogue (a (what, fix) pair)."""
    return isinstance(CATALOGUE.get(code, {}).get("en"), tuple)


def problem(code: str, place: Place, /, **params: Any) -> Problem:
    """A Problem with its code, parameters and place; its plain fields hold the English text."""
    if not is_problem_code(code):
        raise KeyError(f"no problem {code!r} in the catalogue")
    what, fix = text(code, "en", **params)
    return Problem(where=place.render("en"), what=what, fix=fix, code=code, params=tuple(params.items()), place=place)


def render_problem(p: Problem, lang: Lang = DEFAULT_LANG) -> tuple[str, str, str]:
    """(where, what, fix) of a problem in `lang`; uncoded problems (stored by an older version)
    keep their own text."""
    if not p.code or p.code not in CATALOGUE:
        return p.where, p.what, p.fix
    what, fix = text(p.code, lang, **dict(p.params))
    where = p.place.render(lang) if isinstance(p.place, Place) else p.where
    return where, what, fix


def render_problems(problems: Iterable[Problem], lang: Lang = DEFAULT_LANG, case: str = "") -> str:
    """The whole report: a heading, then one block per problem (place, what, fix)."""
    problems = list(problems)
    n = len(problems)
    lines = [say("problems.heading", lang, n=n, s="" if n == 1 else "s", case=f" {case}" if case else "")]
    for p in problems:
        where, what, fix = render_problem(p, lang)
        lines.append(f"  - {where}: {what}")
        if fix:
            lines.append(f"    {say('problems.fix', lang)}{fix}")
    return "\n".join(lines)


def error_text(exc: BaseException, lang: Lang = DEFAULT_LANG, *, case: str = "", technical: bool | None = None) -> str:
    """How an error reads in `lang` (the one renderer of errors, for the CLI and the web alike).

    The problems of a DataError as a report (`case` names the case in its heading); an error of
    errors.py by its code, then its notes (such as where LibreOffice's log was kept); anything
    else as an internal error. `technical`: add the detail another program gave (in its own
    English words); by default only in English."""
    problems = getattr(exc, "problems", None)
    if problems is not None:
        return render_problems(problems, lang, case)
    code = getattr(exc, "code", None)
    if isinstance(code, str) and isinstance(CATALOGUE.get(code, {}).get(lang), str):
        parts = [say(code, lang, **getattr(exc, "params", {}))]
        detail = getattr(exc, "detail", "")
    else:  # a bug: Python's own words about it are the technical detail
        parts, detail = [say("error.internal", lang, kind=type(exc).__name__)], str(exc)
    if detail and (lang == "en" if technical is None else technical):
        parts.append(say("error.technical", lang, detail=detail))
    parts += [note.render(lang) for note in getattr(exc, "notes", ())]
    return " ".join(parts)


_OS_REASONS = {
    errno.EACCES: "os.no_permission",
    errno.EPERM: "os.no_permission",
    errno.ENOENT: "os.missing",
    errno.EISDIR: "os.is_folder",
    errno.ENOTDIR: "os.not_folder",
    errno.ENAMETOOLONG: "os.name_too_long",
}


def os_reason(exc: OSError) -> dict[str, str]:
    """Why the system refused, as a parameter in both languages: the system's own English words,
    and in Indonesian the catalogue's (or the error's name, such as EIO, when it has none)."""
    code = _OS_REASONS.get(exc.errno or 0)
    name = errno.errorcode.get(exc.errno or 0, "?")
    return {"id": say(code, "id") if code else name, "en": exc.strerror or str(exc)}


def yaml_reason(problem_text: str, context: str | None = None) -> dict[str, str]:
    """What PyYAML found wrong, as a parameter in both languages (its own words in English)."""
    found = f"{context or ''} {problem_text}".lower()
    kind = (
        "colon"
        if "mapping values" in found
        else "tab"
        if "\\t" in found or "tab" in found
        else "quote"
        if "quoted" in found or "end of stream" in found
        else "indent"
        if "expected" in found or "indentation" in found
        else "other"
    )
    return {"id": say(f"yaml.why.{kind}", "id"), "en": problem_text}


def placeholders(template: str) -> set[str]:
    """The names of the fields of a catalogue text: {name} fields, and %(name)s ones in click's."""
    names = {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
    return names | set(re.findall(r"%\((\w+)\)s", template))
