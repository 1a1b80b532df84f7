"""keputusan: KPU decrees (Keputusan) and their Lampiran, from structured data to signing-ready PDF."""

__version__ = "0.1.0"
