import subprocess
import sys

import pytest

from newsarchive.store.lock import Locked, crawl_lock


def test_second_holder_is_refused_at_once(tmp_path):
    db = tmp_path / "news.db"
    with crawl_lock(db):
        with pytest.raises(Locked, match="another crawl is running"):
            with crawl_lock(db):
                pass
    with crawl_lock(db):  # released on exit
        pass


def test_lock_is_held_across_processes(tmp_path):
    db = tmp_path / "news.db"
    code = f"from newsarchive.store.lock import crawl_lock, Locked\ntry:\n with crawl_lock({str(db)!r}): print('got')\nexcept Locked as e: print('locked')"
    with crawl_lock(db):
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert other.stdout.strip() == "locked"
