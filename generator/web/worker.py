"""The job worker: `python -m generator.web.worker`, started and supervised by `keputusan serve`.

One huey consumer thread runs the jobs one after another on the warm LibreOffice pool
(jobs.pool). SIGINT stops it gracefully (the running job finishes), SIGTERM at once; either
way the pool is closed and no LibreOffice stays behind (each LibreOffice's helper also stops
it when this process's pipe closes, even if this process is killed outright).
"""

from __future__ import annotations

import logging
import os


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "generator.web.settings")
    import django

    django.setup()
    from .jobs import close_pool, huey, requeue_unfinished

    log = logging.getLogger("generator.web")
    consumer = huey.create_consumer(
        workers=1,
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        backoff=1.15,
        max_delay=0.2,  # a queued build starts within 0.2 s; a poll of the SQLite queue costs next to nothing
        shutdown_timeout=300,
    )
    queued = requeue_unfinished()
    if queued:
        log.info("job worker: %d unfinished job(s) queued again", queued)
    log.info("job worker started (pid %d)", os.getpid())
    try:
        consumer.run()
    finally:
        close_pool()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
