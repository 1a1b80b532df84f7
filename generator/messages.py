"""The message catalogue: every problem the loader reports, by code, in Indonesian and English.

Staff read these, so each one names the place, what is wrong and how to fix it. A `Problem`
carries its code, parameters and `Place`; it is rendered in a language only when shown
(`render_problem`), so the same problems serve `validate --lang id` and `--lang en`.
Problems made elsewhere without a code (plain text) are shown as they were written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .errors import Problem

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")
DEFAULT_LANG: Lang = "id"


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
            where = f"{self.sheet}!{self.cell}" if self.cell else f"sheet '{self.sheet}'"
            return f"{head}, {where}" if head else where
        parts = [head] if head else []
        if self.key:
            parts.append(f"{'kunci' if lang == 'id' else 'key'} {self.key}")
        text = ", ".join(parts)
        if self.line:
            text += f" ({'baris' if lang == 'id' else 'line'} {self.line})"
        return text


# code: {lang: (what, fix)}; `{name}` fields come from the problem's parameters.
CATALOGUE: dict[str, dict[str, tuple[str, str]]] = {
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
            "kode wilayah Kemendagri: 2 angka untuk provinsi, 4 angka untuk kabupaten/kota (sebagai teks)",
        ),
        "en": (
            "region code '{value}' is not valid",
            "the Kemendagri region code: 2 digits for a province, 4 for a kabupaten/kota, in quotes",
        ),
    },
    "nip.pattern": {
        "id": ("NIP '{value}' tidak sah", "NIP terdiri atas 18 angka (spasi boleh), atau kosongkan"),
        "en": ("NIP '{value}' is not valid", "an NIP has 18 digits (spaces allowed), or leave it empty"),
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
        "id": (
            "{folder} masih dibuat oleh proses lain ({holder}) setelah {seconds} detik",
            "tunggu sampai pembuatan itu selesai, lalu jalankan lagi",
        ),
        "en": (
            "{folder} is still being built by another process ({holder}) after {seconds} s",
            "wait until it has finished, then run again",
        ),
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


def text(code: str, lang: Lang, **params: Any) -> tuple[str, str]:
    """(what, fix) of `code` in `lang`."""
    entry = CATALOGUE[code][lang]
    return _fill(entry[0], params), _fill(entry[1], params)


def problem(code: str, place: Place, **params: Any) -> Problem:
    """A Problem with its code, parameters and place; its plain fields hold the English text."""
    if code not in CATALOGUE:
        raise KeyError(f"no message {code!r} in the catalogue")
    what, fix = text(code, "en", **params)
    return Problem(where=place.render("en"), what=what, fix=fix, code=code, params=tuple(params.items()), place=place)


def render_problem(p: Problem, lang: Lang = DEFAULT_LANG) -> tuple[str, str, str]:
    """(where, what, fix) of a problem in `lang`; uncoded problems keep their own text."""
    if not p.code or p.code not in CATALOGUE:
        return p.where, p.what, p.fix
    params = dict(p.params)
    what, fix = text(p.code, lang, **params)
    where = p.place.render(lang) if isinstance(p.place, Place) else p.where
    return where, what, fix


HEADINGS = {
    "id": ("{n} masalah pada data kasus{case}:", "Perbaikan: "),
    "en": ("{n} problem{s} in the case data{case}:", "Fix: "),
}


def render_problems(problems: Iterable[Problem], lang: Lang = DEFAULT_LANG, case: str = "") -> str:
    """The whole report: a heading, then one block per problem (place, what, fix)."""
    problems = list(problems)
    head, fix_label = HEADINGS[lang]
    lines = [head.format(n=len(problems), s="" if len(problems) == 1 else "s", case=f" {case}" if case else "")]
    for p in problems:
        where, what, fix = render_problem(p, lang)
        lines.append(f"  - {where}: {what}")
        if fix:
            lines.append(f"    {fix_label}{fix}")
    return "\n".join(lines)


# Everything else the commands say to staff (not problems): code -> {lang: text}.
SAYINGS: dict[str, dict[str, str]] = {
    "validate.ok": {
        "id": "{case}: data lengkap dan benar — nomor {nomor}, {rows} baris rencana aksi, {mengingat} dasar hukum{offices}.",
        "en": "{case}: no problems — number {nomor}, {rows} plan rows, {mengingat} legal bases{offices}.",
    },
    "validate.offices": {"id": ", {n} kantor", "en": ", {n} offices"},
    "build.done": {
        "id": "nomor {nomor} dibuat dalam {seconds} detik: revisi baru {rev} ({folder})",
        "en": "built {nomor} in {seconds} s: new revision {rev} ({folder})",
    },
    "build.unchanged": {
        "id": "tidak ada perubahan sejak {rev}: tidak ada revisi baru ({seconds} detik)",
        "en": "nothing changed since {rev}: no new revision ({seconds} s)",
    },
    "error.output": {"id": "tidak menulis hasil: {detail}", "en": "nothing written: {detail}"},
    "error.conversion": {"id": "LibreOffice gagal membuat PDF: {detail}", "en": "LibreOffice failed: {detail}"},
    "error.layout": {"id": "tata letak lampiran bermasalah: {detail}", "en": "layout problem: {detail}"},
    "error.template": {"id": "templat bermasalah: {detail}", "en": "template problem: {detail}"},
    "error.other": {"id": "{detail}", "en": "{detail}"},
    "batch.columns": {"id": "kode|kantor|halaman|status|detik", "en": "code|office|pages|status|seconds"},
    "batch.progress": {"id": "kantor", "en": "offices"},
    "batch.status.built": {"id": "dibuat", "en": "built"},
    "batch.status.unchanged": {"id": "tetap", "en": "unchanged"},
    "batch.status.failed": {"id": "gagal", "en": "failed"},
    "batch.summary": {
        "id": "{n} kantor: {built} dibuat, {unchanged} tidak berubah, {failed} gagal, dalam {seconds} detik{used}; "
        "laporan: {report}",
        "en": "{n} offices: {built} built, {unchanged} unchanged, {failed} failed in {seconds} s{used}; "
        "report: {report}",
    },
    "batch.used": {"id": " dengan {n} proses LibreOffice", "en": " with {n} LibreOffice process{es}"},
    "batch.incomplete": {
        "id": "{failed} dari {n} kantor gagal ({codes}); alasannya di atas dan di {report}",
        "en": "{failed} of {n} offices failed ({codes}); reasons above and in {report}",
    },
    "error.fs.not_writable": {
        "id": "tidak dapat menulis {path}: folder itu tidak boleh ditulisi (hanya-baca atau tanpa izin). "
        "Pilih folder lain dengan --out, atau minta izin tulis kepada pengelola server.",
        "en": "cannot write {path}: the folder is not writable (read-only or no permission). "
        "Choose another folder with --out, or ask the server's administrator for write access.",
    },
    "error.fs.not_folder": {
        "id": "{path} bukan folder: sudah ada file dengan nama itu. Pindahkan file itu atau pilih folder lain.",
        "en": "{path} is not a folder: a file has that name. Move the file away or choose another folder.",
    },
    "error.fs.is_folder": {
        "id": "{path} adalah folder, padahal yang diperlukan file. Sebutkan nama file, mis. hasil.pdf.",
        "en": "{path} is a folder where a file is needed. Give a file name such as result.pdf.",
    },
    "error.fs.disk_full": {
        "id": "disk penuh saat menulis {path}. Kosongkan ruang disk lalu jalankan lagi; "
        "tidak ada file yang ditulis setengah jadi.",
        "en": "the disk is full (writing {path}). Free some space and run again; nothing was half-written.",
    },
    "error.fs.name_too_long": {
        "id": "nama file terlalu panjang untuk sistem berkas: {path}. Pakai nama kasus atau folder yang lebih pendek.",
        "en": "a file name is too long for the file system: {path}. Use a shorter case or folder name.",
    },
    "error.fs.other": {
        "id": "sistem berkas menolak {path} ({detail}). Periksa folder itu dan izinnya, lalu jalankan lagi.",
        "en": "the file system refused {path} ({detail}). Check the folder and its permissions, then run again.",
    },
    "error.internal": {
        "id": "kesalahan internal ({kind}: {detail}). Tidak ada file yang ditulis setengah jadi. "
        "Jalankan lagi dengan --verbose untuk rincian teknis dan laporkan ke pengembang.",
        "en": "internal error ({kind}: {detail}). Nothing was half-written. "
        "Run again with --verbose for technical detail and report it to the developers.",
    },
}


def say(code: str, lang: Lang = DEFAULT_LANG, **params: Any) -> str:
    return SAYINGS[code][lang].format(**params)
