"""keputusan: KPU decrees (Keputusan) and their Lampiran, from structured data to signing-ready PDF."""

import logging

__version__ = "0.1.0"

# A library logs, its application decides where to: nothing is printed unless one configures
# logging (generator.logs.configure, or the application's own handlers).
logging.getLogger(__name__).addHandler(logging.NullHandler())
