"""The helper's side (newsarchive.crawl.analysis starts it): read a request, prepare the
article, answer, until the crawl closes the stream. It imports no Scrapy, no extractor and no
archive writer, so the process holds only what preparing articles needs.

Messages both ways are a 4-byte length and a pickle: a request is the arguments of
newsarchive.store.prepare.prepare_text (the article, the text limits), an answer (True, what it
returned: the checked article, the result, the analysis with the page compressed) or (False,
the exception raised).
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
            article, result, analysis = prepare_text(*pickle.loads(message))
            article.raw_html = None  # the crawl has the page; it needs it back compressed only
            answer = (True, (article, result, analysis))
        except Exception as error:  # sent back: the crawl decides what becomes of the article
            answer = (False, error)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(LENGTH.pack(len(data)) + data)
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
