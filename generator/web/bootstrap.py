"""Django set up for a command of this process (`keputusan serve`, `keputusan user ...`)."""

from __future__ import annotations

import os
from pathlib import Path


def configure(data: Path | None = None, database_url: str | None = None) -> None:
    """Point the settings at `data` (and a database URL), then start Django in this process."""
    if data is not None:
        os.environ["KEPUTUSAN_DATA"] = str(Path(data).resolve())
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "generator.web.settings")
    import django

    django.setup()


def migrate() -> None:
    """Create or update the database tables (Django migrations); quick when nothing is to do."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
