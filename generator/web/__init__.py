"""The web application for staff: accounts per office, upload, problems by cell, build, previews,
downloads, revisions, batch. A Django project on top of the library; it calls the library, never
the CLI. `keputusan serve` (server.py) runs it: gunicorn for the pages and one job worker
(jobs.py) that keeps a warm LibreOffice pool between builds.
"""
