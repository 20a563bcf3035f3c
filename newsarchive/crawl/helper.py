"""The text analysis helper's side (newsarchive.crawl.analysis starts it): read a request,
analyse, answer, until the crawl closes the stream. It imports no Scrapy, so the process holds
only what analysing text needs.

Messages both ways are a 4-byte length and a pickle: a request is the arguments of
newsarchive.store.archive.prepare_text (the article without its raw page, the text limits), an
answer (True, what it returned) or (False, the exception raised).
"""

from __future__ import annotations

import pickle
import struct
import sys

from newsarchive.store.prepare import prepare_text

LENGTH = struct.Struct("!I")


def receive(stream) -> bytes | None:
    """The next message, or None when the stream ended."""
    head = stream.read(LENGTH.size)
    if len(head) < LENGTH.size:
        return None
    (length,) = LENGTH.unpack(head)
    data = stream.read(length)
    return data if len(data) == length else None


def serve(requests, answers) -> None:
    """The helper's loop: prepare each article until the crawl closes the stream."""
    while (message := receive(requests)) is not None:
        try:
            answer = (True, prepare_text(*pickle.loads(message)))
        except Exception as error:  # sent back: the crawl decides what becomes of the article
            answer = (False, error)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(LENGTH.pack(len(data)) + data)
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
