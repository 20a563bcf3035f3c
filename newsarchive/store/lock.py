"""One writer at a time per archive: an advisory lock file next to the database.

`crawl`, `import`, `reparse` and `upgrade` all hold it while they write. A crawl started by cron
while another writer holds it gives up at once (exit code 3; the next run carries on); `import`
and `reparse` started by a person may wait for their turn (`wait=True`). The lock file holds the
holder's pid and what it is doing.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


class Locked(RuntimeError):
    """Another writer holds the archive's lock."""


@contextmanager
def crawl_lock(db_path: str | Path, *, what: str = "crawl", wait: bool = False,
               waiting: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold `<db>.lock` for the duration. When another process holds it: raise Locked at once,
    or with `wait` wait until it is free (calling `waiting(holder)` once first)."""
    path = Path(f"{db_path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                what_else, pid = _holder(handle)
                holder = f"{what_else} (pid {pid})"
                if not wait:
                    raise Locked(f"another {what_else} is running on {db_path} (pid {pid}); "
                                 "not starting a second writer") from None
                if waiting and not told:
                    waiting(holder)
                    told = True
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n{what}\n")
        handle.flush()
        yield path
    finally:
        handle.close()


def _holder(handle) -> tuple[str, str]:
    """(what, pid) the lock file says holds it."""
    handle.seek(0)
    lines = handle.read().split()
    return (lines[1] if len(lines) > 1 else "crawl"), (lines[0] if lines else "?")
