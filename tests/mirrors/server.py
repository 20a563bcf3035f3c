"""The test side of the mirrors: request counts, generated sites, and the bundled mirrors' manifests.

newsarchive.ops.mirror serves a mirror directory (what `newsarchive demo` needs from a wheel);
tests also need to know what a crawl asked for, and sites no directory holds:

* `CountingMirror` counts every request in ``server.requests`` (a Counter) under its target as sent
  (path and ``?query``, not decoded), so a test can assert that a known article was not downloaded
  again; ``server.fetched(path)`` counts a path whatever its spelling (percent-encoding, query order);
* ``serve_synthetic(n)`` serves a generated DLE site (matritca.kz paths and markup) of n articles
  without any files; ``server.modify(article_id)`` changes one article's text on the fly;
* ``load_manifest(name)`` reads a bundled mirror's ground truth (format: tests/mirrors/README.md);
* ``serve_hostile()`` serves a site that attacks its crawler: each path does what ``route`` tells
  it (bombs, endless bodies generated lazily, redirect loops, hangs, drip-feeding, truncated and
  binary bodies, lying headers; tests/test_hostile.py lists the cases, docs/HOSTILE.md what the
  user sees).
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import html
import json
import random
import re
import threading
import time
import zlib
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from newsarchive.ops import mirror
from newsarchive.ops.mirror import (  # noqa: F401
    MIRRORS_DIR,
    MirrorServer,
    mirror_names,
    normalise_query,
    query_file,
)

#: Fixed "now" of synthetic mirrors, so that their articles are deterministic.
SYNTHETIC_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=5)))


class CountingMirror(MirrorServer):
    """A mirror that counts the requests it serves."""

    def __init__(self, root: Path | None, port: int = 0, name: str | None = None):
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        super().__init__(root, port, name)

    def respond(self, handler, head: bool) -> None:
        with self._lock:
            self.requests[handler.path.split("#", 1)[0]] += 1
        super().respond(handler, head)

    def fetched(self, path: str) -> int:
        """How many times `path` (any spelling: percent-encoding, query order) was requested."""
        want = mirror.request_key(path)
        with self._lock:
            return sum(n for target, n in self.requests.items() if mirror.request_key(target) == want)

    def reset(self) -> None:
        """Forget the request counts."""
        with self._lock:
            self.requests.clear()


def serve_mirror(root: Path | str, port: int = 0) -> CountingMirror:
    """Serve the mirror directory `root` on 127.0.0.1:`port` (0: any free port), in a thread."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no mirror directory {root}")
    return CountingMirror(root, port)


def serve_mirrors(names_or_dirs=None) -> dict[str, CountingMirror]:
    """Several mirrors, each on its own free port: bundled names or directories (default: all)."""
    return mirror.serve_mirrors(names_or_dirs, server=CountingMirror)


def load_manifest(name_or_dir) -> dict:
    """The manifest.json of a bundled mirror (by name) or of a mirror directory."""
    path = Path(name_or_dir)
    if not path.is_dir():
        path = MIRRORS_DIR / str(name_or_dir)
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------
# Synthetic DLE mirror (matritca.kz-style), for scale and change tests.
# ------------------------------------------------------------------------------------------

_SYN_SECTIONS = [
    ("economy", "Экономика"),
    ("state-agencies", "Госорганы"),
    ("education", "Образование"),
    ("incidents", "Происшествия"),
    ("developments", "События"),
    ("sport", "Спорт"),
]
_SYN_PLACES = ["Усть-Каменогорск", "Риддер", "Алтай", "Зайсан", "Шемонаиха", "Глубокое", "Катон-Карагай"]
_SYN_TOPICS = [
    ("пенсии", "Пенсия 2026", "Размер базовой пенсии пересчитают с 1 января"),
    ("МРП", "МРП 2026", "Штрафы и пособия привяжут к новому МРП"),
    ("налоги", "Налоговый кодекс РК 2026", "Предпринимателям разъяснили новые ставки НДС"),
    ("школы", "Образование", "В области достроят три школы вместо аварийных"),
    ("дороги", "Дороги", "Ремонт трассы завершат до конца сезона"),
    ("отопление", "ЖКХ", "Котельные перевели на зимний режим"),
]
_SYN_TRANSLIT = str.maketrans(
    {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
     "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
     "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
     "э": "e", "ю": "yu", "я": "ya", " ": "-"}
)


def _slug(text: str) -> str:
    raw = text.lower().translate(_SYN_TRANSLIT)
    return "-".join(filter(None, "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in raw).split("-")))[:60]


class SyntheticMirror(CountingMirror):
    """A generated DLE site: /news/{id}-{slug}.html, /rss.xml (newest 50), /news/ and /news/page/N/ (20 each),
    and the day archive /YYYY/MM/DD/ (with /page/N/ past 20 articles a day).

    Article 1 is the oldest, article n the newest, one every `spacing` (37 minutes) back from `now`.
    `articles[id]` holds each article's expected fields (same keys as a manifest article); `modify(id)`
    rewrites one article's body and sets its modified date, so a re-crawl sees a changed page under
    the same URL. `listing_limit` serves only that many listing pages (sites that cut their
    pagination short).
    """

    PAGE_SIZE = 20
    FEED_SIZE = 50
    domain = "matritca.kz"
    base_real = "https://matritca.kz"

    def __init__(self, n_articles: int, port: int = 0, seed: int = 0, now: datetime = SYNTHETIC_NOW,
                 spacing: timedelta = timedelta(minutes=37), listing_limit: int | None = None):
        self.n = n_articles
        self.seed = seed
        self.now = now
        self.spacing = spacing
        self.listing_limit = listing_limit
        self.articles: dict[int, dict] = {i: self._make(i) for i in range(1, n_articles + 1)}
        super().__init__(None, port, name="synthetic")

    # -- content -----------------------------------------------------------------------------
    def _make(self, i: int) -> dict:
        rnd = random.Random(f"{self.seed}:{i}")
        topic_word, tag, headline = rnd.choice(_SYN_TOPICS)
        place = rnd.choice(_SYN_PLACES)
        sec_slug, sec_name = rnd.choice(_SYN_SECTIONS)
        published = (self.now - self.spacing * (self.n - i) - timedelta(minutes=30)).replace(microsecond=0)
        title = f"{headline}: {place}, выпуск {i}"
        lead = f"В {place} обсудили {topic_word}: подробности выпуска номер {i}."
        n_par = rnd.randint(3, 5)
        paragraphs = [
            f"{place}. {published.day} ноября. Местные власти сообщили жителям новые сведения о теме «{tag}» "
            f"(материал {i}, абзац 1, код {rnd.randint(1000, 9999)})."
        ] + [
            f"Абзац {k} материала {i}: специалисты напомнили, что {topic_word} остаются в центре внимания, "
            f"а обращения принимаются по номеру {rnd.randint(100, 999)}-{rnd.randint(10, 99)}."
            for k in range(2, n_par + 1)
        ]
        return {
            "id": i,
            "path": f"/news/{i}-{_slug(headline)}-{i}.html",
            "title": title,
            "lead": lead,
            "body": "\n\n".join(paragraphs),
            "published_at": published.isoformat(),
            "modified_at": None,
            "author": rnd.choice(["Анна Петрова", "Ержан Сапаров", "Ольга Ким"]),
            "section": sec_name,
            "section_path": f"/{sec_slug}/",
            "tags": [tag, place],
            "images": [],
            "credited_source": None,
            "credited_via": None,
            "language": "ru",
            "story_region": "ВКО",
            "version": 0,
        }

    def modify(self, article_id: int, when: datetime | None = None) -> dict:
        """Change article `article_id`'s body (a new last paragraph) and mark it modified; returns it."""
        with self._lock:
            art = self.articles[article_id]
            art["version"] += 1
            when = when or (self.now + timedelta(minutes=art["version"]))
            art["body"] += f"\n\nОбновлено: дополнение номер {art['version']} к материалу {article_id}."
            art["modified_at"] = when.isoformat()
            return dict(art)

    def article_url(self, article_id: int) -> str:
        """The real-site URL of an article (what the archive stores)."""
        return self.base_real + self.articles[article_id]["path"]

    @staticmethod
    def _date_ru(iso: str) -> str:
        d = datetime.fromisoformat(iso)
        return d.strftime("%d.%m.%Y, %H:%M")

    def _article_html(self, a: dict) -> str:
        e = html.escape
        paras = "".join(f"<p>{e(p)}</p>" for p in a["body"].split("\n\n"))
        tags = ", ".join(f'<a href="/tags/{quote(t)}/">{e(t)}</a>' for t in a["tags"])
        modified = (
            f'<meta property="article:modified_time" content="{a["modified_at"]}">' if a["modified_at"] else ""
        )
        return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>{e(a["title"])} &raquo; Матрица</title>
<meta name="generator" content="DataLife Engine (http://dle-news.ru)">
<meta property="og:title" content="{e(a["title"])}">
<meta property="og:description" content="{e(a["lead"])}">
<meta property="article:published_time" content="{a["published_at"]}">{modified}
<link rel="alternate" type="application/rss+xml" title="Матрица" href="/rss.xml">
<script src="/engine/classes/js/jquery.js"></script>
</head><body>
<div class="wrapper"><header class="header"><a href="/" class="logo">Матрица</a></header>
<div class="full-news" id="dle-content">
<div class="full-news-header"><h1 class="full-news-title">{e(a["title"])}</h1>
<div class="full-news-info"><span class="date-news">{self._date_ru(a["published_at"])}</span>
<a class="category" href="{a["section_path"]}">{e(a["section"])}</a>
<span class="author">{e(a["author"])}</span></div></div>
<div class="full-news-lead"><b>{e(a["lead"])}</b></div>
<div id="news-id-{a["id"]}" class="full-news-text">{paras}</div>
<div class="full-news-tags">Теги: {tags}</div>
<div class="share-block">Поделиться: <a href="#">VK</a> <a href="#">Telegram</a></div>
</div></div></body></html>"""

    def _row(self, a: dict) -> str:
        t = datetime.fromisoformat(a["published_at"]).strftime("%d.%m.%Y %H:%M")
        return f'<p class="line-news"><span class="date-news">{t}</span> <a href="{a["path"]}">{html.escape(a["title"])}</a></p>'

    def _listing_html(self, page: int, ids: list[int] | None = None, base: str = "/news/") -> str | None:
        newest_first = list(range(self.n, 0, -1)) if ids is None else ids
        pages = max(1, -(-len(newest_first) // self.PAGE_SIZE))
        if ids is None and self.listing_limit:
            pages = min(pages, self.listing_limit)
        if page < 1 or page > pages:
            return None
        chunk = newest_first[(page - 1) * self.PAGE_SIZE : page * self.PAGE_SIZE]
        rows = "\n".join(self._row(self.articles[i]) for i in chunk)
        nav = ""
        if page < pages:
            nav = f'<div class="navigation"><a href="{base}page/{page + 1}/">Далее</a></div>'
        return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Новости &raquo; Матрица</title>
<meta name="generator" content="DataLife Engine (http://dle-news.ru)"></head><body>
<div id="dle-content">{rows}
{nav}</div></body></html>"""

    def _rss(self) -> str:
        items = []
        for i in range(self.n, max(0, self.n - self.FEED_SIZE), -1):
            a = self.articles[i]
            date = email.utils.format_datetime(datetime.fromisoformat(a["published_at"]))
            link = f"{self.base_real}{a['path']}"
            items.append(
                f"<item><title>{html.escape(a['title'])}</title><guid isPermaLink=\"true\">{link}</guid>"
                f"<link>{link}</link><description>{html.escape(a['lead'])}</description>"
                f"<category>{html.escape(a['section'])}</category><pubDate>{date}</pubDate></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Матрица</title>'
            f"<link>{self.base_real}/</link><language>ru</language>" + "".join(items) + "</channel></rss>"
        )

    def lookup(self, target: str) -> tuple[int, dict, bytes] | None:
        parts = urlsplit(target)
        path = unquote(parts.path)
        html_type = {"Content-Type": "text/html; charset=utf-8"}
        with self._lock:
            if path == "/robots.txt":
                body = f"User-agent: *\nDisallow: /engine/\nSitemap: {self.base_real}/sitemap.xml\n"
                return 200, {"Content-Type": "text/plain; charset=utf-8"}, body.encode()
            if path == "/rss.xml":
                return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, self._rss().encode()
            if path in ("/", "/news/", "/news"):
                return 200, html_type, self._listing_html(1).encode()
            if path.startswith("/news/page/"):
                num = path[len("/news/page/") :].strip("/")
                page = self._listing_html(int(num)) if num.isdigit() else None
                return (200, html_type, page.encode()) if page else None
            day = re.match(r"^/(\d{4})/(\d{2})/(\d{2})/(?:page/(\d+)/)?$", path)
            if day:
                stamp = "-".join(day.groups()[:3])
                ids = [i for i in range(self.n, 0, -1) if self.articles[i]["published_at"][:10] == stamp]
                page = self._listing_html(int(day.group(4) or 1), ids, "/" + "/".join(day.groups()[:3]) + "/")
                return (200, html_type, page.encode()) if page and ids else None
            if path.startswith("/news/") and path.endswith(".html"):
                head = path[len("/news/") :].split("-", 1)[0]
                if head.isdigit() and int(head) in self.articles:
                    a = self.articles[int(head)]
                    if a["path"] == path:
                        page = self._article_html(a).encode()
                        etag = hashlib.sha1(page).hexdigest()[:16]
                        return 200, {**html_type, "ETag": f'"{etag}"'}, page
        return None


def serve_synthetic(n_articles: int, port: int = 0, seed: int = 0, now: datetime = SYNTHETIC_NOW,
                    **options) -> SyntheticMirror:
    """Serve a generated matritca-style DLE site of `n_articles` deterministic articles (options:
    `spacing`, `listing_limit`; see SyntheticMirror)."""
    return SyntheticMirror(n_articles, port=port, seed=seed, now=now, **options)


# ------------------------------------------------------------------------------------------
# A hostile site: what a crawler must survive.
# ------------------------------------------------------------------------------------------

class HostileMirror(CountingMirror):
    """A site whose paths each behave as `route(path, behaviour)` says; other paths are 404.

    Behaviours (module functions below) write raw HTTP, so a body can be endless, lazily made,
    compressed into a bomb, cut short, dripped a byte at a time or never sent. Every write to a
    client that went away is ignored: the crawler hanging up is what a bounded crawler does.
    """

    def __init__(self, port: int = 0):
        self.routes: dict[str, object] = {}
        self.prefixes: dict[str, object] = {}
        self.stopping = threading.Event()
        super().__init__(None, port, name="hostile")

    def route(self, path: str, behaviour, *, prefix: bool = False) -> str:
        """Serve `behaviour` at `path` (query included, if any), or with `prefix` at every path
        that starts with it and has no route of its own; returns the path."""
        (self.prefixes if prefix else self.routes)[path] = behaviour
        return path

    def _behaviour(self, target: str):
        found = self.routes.get(target) or self.routes.get(urlsplit(target).path)
        if found is None:
            prefixes = [p for p in self.prefixes if target.startswith(p)]
            found = self.prefixes[max(prefixes, key=len)] if prefixes else None
        return found

    def respond(self, handler, head: bool) -> None:
        target = handler.path.split("#", 1)[0]
        with self._lock:
            self.requests[target] += 1
        behaviour = self._behaviour(target)
        if behaviour is None:
            _write(handler, 404, {"Content-Type": "text/html; charset=utf-8"}, [b"<h1>404</h1>"])
            return
        try:
            behaviour(handler, self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            pass  # the crawler stopped reading: it was meant to
        finally:
            handler.close_connection = True

    def stop(self) -> None:
        self.stopping.set()
        super().stop()


def _write(handler, status: int, headers: dict, chunks, length: int | None | bool = True) -> None:
    """Status, headers, then the chunks. `length`: True announces the real length (the chunks are
    joined first), an int announces that many bytes whatever follows, None announces none (the
    body ends when the connection closes)."""
    if length is True:
        body = b"".join(chunks)
        chunks, length = [body], len(body)
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    if length is not None:
        handler.send_header("Content-Length", str(length))
    handler.send_header("Connection", "close")
    handler.end_headers()
    for chunk in chunks:
        handler.wfile.write(chunk)
    handler.wfile.flush()


HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml; charset=utf-8"}


def page(body: bytes | str, status: int = 200, headers: dict | None = None):
    """A whole response, as given."""
    data = body.encode() if isinstance(body, str) else body

    def behave(handler, mirror):
        _write(handler, status, headers if headers is not None else HTML, [data])
    return behave


def stream(chunks, headers: dict | None = None, length: int | None = None):
    """A body made lazily by `chunks()` (a function returning an iterator of bytes), without a
    Content-Length (or announcing `length`): a body of any size costs the server nothing."""
    def behave(handler, mirror):
        _write(handler, 200, headers if headers is not None else HTML, chunks(), length=length)
    return behave


def redirect(location: str, status: int = 302):
    def behave(handler, mirror):
        _write(handler, status, {"Location": location, **HTML}, [b""])
    return behave


def meta_refresh(location: str):
    return page(f'<html><head><meta http-equiv="refresh" content="0; url={location}"></head><body></body></html>')


def hang(seconds: float = 60):
    """Accept the request and never answer (until `seconds` pass or the server stops)."""
    def behave(handler, mirror):
        mirror.stopping.wait(seconds)
    return behave


def drip(body: bytes, interval: float = 0.25, seconds: float = 60):
    """Headers at once, then the body a byte at a time, forever slower than any timeout."""
    def behave(handler, mirror):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body) * 1000))
        handler.end_headers()
        deadline = time.monotonic() + seconds
        for byte in (body * 1000):
            if mirror.stopping.wait(interval) or time.monotonic() > deadline:
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
    return behave


def truncated(body: bytes, announced: int):
    """Announce `announced` bytes, send `body` (fewer), hang up."""
    def behave(handler, mirror):
        _write(handler, 200, HTML, [body], length=announced)
    return behave


@functools.lru_cache(maxsize=4)
def compression_bomb(size: int, encoding: str = "gzip") -> bytes:
    """`size` bytes of zeros (a multiple of 1 MiB), gzip- or deflate-encoded in about size/1000
    bytes: one full-flushed deflate block of 1 MiB repeated, so it is made in milliseconds."""
    megabytes = size >> 20
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(b"\0" * (1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    zeros, crc, adler = b"\0" * (1 << 20), 0, 1
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc) if encoding == "gzip" else crc
        adler = zlib.adler32(zeros, adler) if encoding == "deflate" else adler
    body = block * megabytes + end
    if encoding == "gzip":
        return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + body + crc.to_bytes(4, "little")
                + (size & 0xFFFFFFFF).to_bytes(4, "little"))
    return b"\x78\xda" + body + adler.to_bytes(4, "big")


def bomb(size: int, encoding: str = "gzip", content_type: str = "text/html; charset=utf-8"):
    """A body of `size` bytes once decompressed, sent compressed (Content-Encoding: `encoding`)."""
    def behave(handler, mirror):
        _write(handler, 200, {"Content-Type": content_type, "Content-Encoding": encoding},
               [compression_bomb(size, encoding)])
    return behave


def serve_hostile(port: int = 0) -> HostileMirror:
    """A HostileMirror on 127.0.0.1 (no routes yet)."""
    return HostileMirror(port)


if __name__ == "__main__":  # python -m mirrors.server NAME [PORT]
    import sys
    import time

    name = sys.argv[1] if len(sys.argv) > 1 else "matritca"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    srv = serve_mirror(Path(name) if Path(name).is_dir() else MIRRORS_DIR / name, port)
    print(f"serving {srv.name} on {srv.base_url}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
