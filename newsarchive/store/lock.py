"""One crawl at a time per archive: an advisory lock file next to the database."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class Locked(RuntimeError):
    """Another crawl holds the archive's lock."""


@contextmanager
def crawl_lock(db_path: str | Path) -> Iterator[Path]:
    """Hold `<db>.lock` for the duration; raise Locked at once when another process holds it."""
    path = Path(f"{db_path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise Locked(f"another crawl is running on {db_path} (pid {holder}); not starting a second one") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield path
    finally:
        handle.close()
