"""Preparing articles in a helper process while the crawl fetches: both cores at work.

Reading an article's words through the dictionary (newsarchive.store.analysis) costs more than
fetching and extracting it, and with bounding, validating and normalising it and compressing its
page (newsarchive.store.prepare.prepare_text) it needs no archive. `TextAnalyser` is a Scrapy
extension that starts a helper process (`python -m newsarchive.crawl.helper`, which imports no
Scrapy) when the spider opens, if NEWSARCHIVE_ANALYSIS_HELPER allows one (default: on a machine
of more than one core); the pipeline awaits `prepare(article, limits)` and stores the article
with the result, so the crawl's process goes on fetching and extracting meanwhile. The crawlers
of one process (one per site of a `newsarchive crawl`) share one helper. It answers requests in
the order they come, over its stdin and stdout; it ends when its stdin closes, so it never
outlives the crawl, even one killed outright. Without a helper, or when it dies, the crawl's own
process prepares the articles: slower, never lost.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import fields

from scrapy import signals

from newsarchive.crawl.helper import LENGTH, receive
from newsarchive.model import Article
from newsarchive.store.analysis import TextAnalysis
from newsarchive.store.normalise import TextLimits
from newsarchive.store.prepare import StoreResult, prepare_text

logger = logging.getLogger(__name__)


class HelperGone(RuntimeError):
    """The helper process ended before it answered."""


class TextAnalyser:
    """The crawl's text analysis: a helper process when there is one, else inline."""

    def __init__(self, helper: bool):
        self.enabled = helper
        self._helper: _Helper | None = None  # the process's shared helper, once this analyser used it

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("NEWSARCHIVE_ANALYSIS_HELPER") is None:
            helper = (os.cpu_count() or 1) > 1
        else:
            helper = crawler.settings.getbool("NEWSARCHIVE_ANALYSIS_HELPER")
        analyser = cls(helper)
        crawler.signals.connect(analyser.start, signal=signals.spider_opened)
        crawler.signals.connect(analyser.close, signal=signals.engine_stopped)
        return analyser

    def start(self) -> None:
        """Start the helper (when there is to be one) while the crawl fetches its first pages:
        it is ready, its dictionary loaded, by the first article."""
        if self.enabled and self._helper is None:
            try:
                self._helper = _Helper.shared()
                self._helper.submit(_WARM_UP)
            except (HelperGone, OSError) as error:
                logger.warning("the text analysis helper did not start (%s): the crawl's process analyses", error)
                self.enabled = False

    async def prepare(self, article: Article, limits: TextLimits | None = None) -> tuple[StoreResult, TextAnalysis | None]:
        """newsarchive.store.prepare.prepare_text's result and analysis for `article`, which is
        checked in place as there; by the helper when there is one."""
        if self.enabled:
            try:
                if self._helper is None:
                    self._helper = _Helper.shared()
                checked, result, analysis = await asyncio.wrap_future(self._helper.submit((article, limits)))
                for name in _TEXT_FIELDS:  # the page itself stays as it was fetched
                    setattr(article, name, getattr(checked, name))
                return result, analysis
            except (HelperGone, OSError) as error:
                logger.warning("the text analysis helper failed (%s): the crawl's process analyses from now on", error)
                self.enabled = False
        _, result, analysis = prepare_text(article, limits)
        return result, analysis

    def close(self) -> None:
        if self._helper is not None:
            self._helper.release()
            self._helper = None


#: An article the helper prepares first, so that it loads the dictionary before the crawl needs it.
_WARM_UP = (Article(url="https://example.kz/news/1.html", title="Пенсии вырастут", body="Пенсии вырастут. " * 10), None)
#: What the helper may change of an article: all but the page as fetched.
_TEXT_FIELDS = tuple(f.name for f in fields(Article) if f.name not in ("raw_html", "http_encoding"))


def text_analyser(crawler) -> TextAnalyser | None:
    """The crawl's TextAnalyser extension, if it is enabled."""
    return crawler.get_extension(TextAnalyser)


class _Helper:
    """The helper process, and the futures of the requests it has not answered yet."""

    _current: _Helper | None = None

    @classmethod
    def shared(cls) -> _Helper:
        """The process's helper, started when none is running; release() it when done."""
        if cls._current is None:
            cls._current = cls()
        cls._current.users += 1
        return cls._current

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0:
            if _Helper._current is self:
                _Helper._current = None
            self.close()

    def __init__(self):
        self.users = 0
        self.process = subprocess.Popen([sys.executable, "-m", "newsarchive.crawl.helper"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.waiting: collections.deque[Future] = collections.deque()
        #: Requests to write, in order; written by a thread of their own, so that a full pipe
        #: (the helper busy) never stops the crawl's process from fetching and extracting.
        self.outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        #: Guards `waiting` and `gone`; never held while blocked on a pipe.
        self.lock = threading.Lock()
        #: Set when the helper's answers ended: no request may wait after that.
        self.gone = False
        threading.Thread(target=self._read, name="newsarchive-analysis", daemon=True).start()
        threading.Thread(target=self._write, name="newsarchive-analysis-writer", daemon=True).start()

    def submit(self, arguments: tuple) -> Future:
        future: Future = Future()
        data = pickle.dumps(arguments, protocol=pickle.HIGHEST_PROTOCOL)
        with self.lock:
            if self.gone or self.process.poll() is not None:
                raise HelperGone(f"exit status {self.process.poll()}")
            self.waiting.append(future)
            self.outbox.put(LENGTH.pack(len(data)) + data)
        return future

    def _write(self) -> None:
        """Write the requests as they come, until close() sends None; then close the stream."""
        stream = self.process.stdin
        try:
            while (data := self.outbox.get()) is not None:
                stream.write(data)
                stream.flush()
        except OSError:  # the helper is gone: the reader fails what waits when its answers end
            pass
        try:
            stream.close()
        except OSError:
            pass

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            message = receive(stream)
            with self.lock:
                if message is None:
                    self.gone = True
                    gone, self.waiting = list(self.waiting), collections.deque()
                else:
                    future = self.waiting.popleft()
            if message is None:
                for future in gone:
                    future.set_exception(HelperGone("it ended before it answered"))
                return
            ok, value = pickle.loads(message)
            future.set_result(value) if ok else future.set_exception(value)

    def close(self) -> None:
        self.outbox.put(None)  # the writer closes the stream after what is queued: the helper ends
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
