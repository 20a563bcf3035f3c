"""Importing articles from JSON Lines, through the same validate/normalise/store path as a crawl.

A file given to `import` is read line by line, as bytes: a line that cannot be read — not UTF-8,
longer than MAX_IMPORT_LINE_BYTES, no JSON, JSON nested too deep, not an article — is recorded
in `failures` (with the file name and line number) and the import goes on to the next one. A
file that starts with a UTF-16 or UTF-32 byte-order mark is read in that encoding; a UTF-8 one
skips its mark.
"""

from __future__ import annotations

import codecs
import io
import json
import time
from collections import Counter
from typing import IO, Iterable, Iterator

from newsarchive import defaults
from newsarchive.model import Article
from newsarchive.safetext import for_log
from newsarchive.store.archive import archive_article, record_failure
from newsarchive.store.stories import refresh
from newsarchive.store.transaction import transaction

#: Articles stored per transaction: one commit, and one write of the new index segments, per
#: batch instead of per article. A batch also ends after IMPORT_BATCH_SECONDS of storing
#: (newsarchive.defaults), so that no other writer waits on it for long.
IMPORT_BATCH = 500
#: Bytes of JSON held in memory for one batch at most (a batch of long articles is shorter).
IMPORT_BATCH_BYTES = 32 * 1024 * 1024
#: The outcomes `import_articles` counts, in the order the CLI prints them.
OUTCOMES = ("new", "updated", "unchanged", "duplicate", "rejected", "invalid", "failed")

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


class LineProblem(ValueError):
    """A line of the file that cannot be read; `reason` is what `failures` records."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def read_lines(source: IO[bytes] | IO[str] | Iterable, *,
               max_bytes: int = defaults.MAX_IMPORT_LINE_BYTES) -> Iterator[tuple[int, str | LineProblem]]:
    """(line number, text) of every line of `source`, or (line number, LineProblem) for one that
    cannot be read; never raises for what the file holds. `source` is a binary file (what the CLI
    passes), a text file or any iterable of str or bytes lines."""
    if hasattr(source, "buffer"):  # a text file: read its bytes, the encoding is ours to check
        source = source.buffer
    if hasattr(source, "readline") and hasattr(source, "read") and not isinstance(source, io.TextIOBase):
        yield from _binary_lines(source, max_bytes)
        return
    for number, line in enumerate(source, 1):
        if isinstance(line, bytes):
            yield number, _decode(line, number, max_bytes)
        elif len(line) > max_bytes:
            yield number, LineProblem("line_too_long", f"line {number} is longer than {max_bytes} characters")
        else:
            yield number, line


def _binary_lines(stream, max_bytes: int) -> Iterator[tuple[int, str | LineProblem]]:
    head = stream.read(4)
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            text = io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding=encoding,
                                    errors="replace", newline=None)
            number = 0
            while True:
                line = text.readline(max_bytes + 1)
                if not line:
                    return
                number += 1
                if len(line) > max_bytes and not line.endswith("\n"):
                    while line and not line.endswith("\n"):
                        line = text.readline(max_bytes)
                    yield number, LineProblem("line_too_long", f"line {number} is longer than {max_bytes} characters")
                else:
                    yield number, line
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    stream = _Prefixed(head, stream)
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest unread
                line = stream.readline(1 << 20)
            yield number, LineProblem("line_too_long", f"line {number} is longer than {max_bytes} bytes: skipped")
            continue
        yield number, _decode(line, number, max_bytes)


def _decode(line: bytes, number: int, max_bytes: int) -> str | LineProblem:
    if len(line) > max_bytes:
        return LineProblem("line_too_long", f"line {number} is longer than {max_bytes} bytes: skipped")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as error:
        hint = ""
        try:
            line.decode("cp1251")
            hint = " (windows-1251? convert the file: iconv -f cp1251 -t utf-8)"
        except UnicodeDecodeError:
            pass
        return LineProblem("not_utf8", f"line {number} is not UTF-8: byte 0x{line[error.start]:02x} at "
                                       f"{error.start}{hint}")


class _Prefixed(io.RawIOBase):
    """A binary stream with bytes already read put back in front."""

    def __init__(self, head: bytes, stream):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size], self.head = self.head[:size], self.head[size:]
            return size
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        if self.head:
            if b"\n" in self.head:
                line, _, self.head = self.head.partition(b"\n")
                return line + b"\n"
            head, self.head = self.head, b""
            return head + self.stream.readline(size - len(head) if size >= 0 else -1)
        return self.stream.readline(size)


def import_articles(db, lines: Iterable[str] | IO, *, source: str = "<stdin>",
                    batch_size: int = IMPORT_BATCH, max_seconds: float = defaults.IMPORT_BATCH_SECONDS) -> Counter:
    """Store every JSON object of `lines` (one article per line, the shape `extract` prints).

    Returns counts by outcome (OUTCOMES). A line that cannot be read (see read_lines) or is not
    an article is recorded in `failures` with its line number ("invalid"), and so is an article
    that fails while it is stored ("failed", with the error); the import goes on. Articles are
    stored `batch_size` to a transaction, each transaction ending after `max_seconds` at most:
    an interrupted import keeps every batch before the one it was storing. At the end
    the stories of the articles stored are decided once more with the whole file's words counted
    (newsarchive.store.stories.refresh, `batch_size` articles to a transaction), so that they do
    not depend on the order of the file's lines.
    """
    counts: Counter = Counter()
    batch: list[tuple[int, str, Article]] = []
    held = 0
    for number, line in read_lines(lines):
        if isinstance(line, LineProblem):
            record_failure(db, f"{source}:{number}", line.reason, detail=for_log(line, 300))
            counts["invalid"] += 1
            continue
        if not line.strip():
            continue
        try:
            article = _parse(line)
        except (ValueError, TypeError, RecursionError) as error:
            detail = "JSON nested too deep to read" if isinstance(error, RecursionError) else str(error)
            record_failure(db, f"{source}:{number}", "invalid_json", detail=for_log(detail, 300))
            counts["invalid"] += 1
            continue
        batch.append((number, line, article))
        held += len(line)
        if len(batch) >= batch_size or held >= IMPORT_BATCH_BYTES:
            _store_batch(db, batch, counts, source, max_seconds)
            batch, held = [], 0
    _store_batch(db, batch, counts, source, max_seconds)
    refresh(db, batch=batch_size)
    return counts


def _parse(line: str) -> Article:
    data = json.loads(line)
    if not isinstance(data, dict) or not data.get("url"):
        raise ValueError("not a JSON object with a url")
    data.pop("raw_html", None)  # a page is only kept as fetched, never from a file
    data.pop("http_encoding", None)
    return Article.from_dict(data)


def _store_batch(db, batch: list[tuple[int, str, Article]], counts: Counter, source: str,
                 max_seconds: float = defaults.IMPORT_BATCH_SECONDS) -> None:
    """Archive the batch's articles, in as few transactions as `max_seconds` each allows."""
    while batch:
        done = _store_some(db, batch, counts, source, max_seconds)
        batch = batch[done:]


def _store_some(db, batch, counts: Counter, source: str, max_seconds: float) -> int:
    """Archive the first articles of the batch in one transaction, as many as fit in
    `max_seconds`; returns how many. When one of them fails, the transaction is rolled back and
    they are stored again an article at a time, so that only that one is left out."""
    started = time.monotonic()
    taken = 0
    try:
        with transaction(db):
            outcomes = []
            for _, _, article in batch:
                outcomes.append(archive_article(db, article, decide_story=False).status)
                taken += 1
                if time.monotonic() - started >= max_seconds:
                    break
    except Exception:
        outcomes = []
        taken = min(taken + 1, len(batch))
        for number, line, _ in batch[:taken]:
            try:  # parsed again: storing normalises the article in place
                outcomes.append(archive_article(db, _parse(line), decide_story=False).status)
            except Exception as error:
                record_failure(db, f"{source}:{number}", "store_error",
                               detail=for_log(f"{type(error).__name__}: {error}", 300))
                outcomes.append("failed")
    counts.update(outcomes)
    return taken
