"""Local mirrors of news sites: static fixture directories served on 127.0.0.1 with the real sites' paths.

A mirror is a directory (tests/mirrors/<name>/) laid out like the site's URL space:

* ``/news/123-slug.html``  → file ``news/123-slug.html``
* ``/news/`` or ``/news``  → ``news/index.html`` (first of ``INDEX_FILES`` that exists)
* ``/rss``                 → file ``rss`` (no extension: content type sniffed, XML or HTML)

Query strings map to files deterministically: a request for ``PATH?QUERY`` is served from the file
that ``PATH`` alone would be served from, with ``@QUERY`` inserted before its extension (appended
when it has none). QUERY is normalised first: percent-decoded, parameters sorted by name (then
value), written ``k=v`` joined by ``&``, with ``/`` in a value written ``%2F``. Examples::

    /news/?p=2                           → news/index@p=2.html
    /modules/news/article.php?storyid=7  → modules/news/article@storyid=7.php
    /?p=4211                             → index@p=4211.html
    /tag/pensiya?page=2                  → tag/pensiya/index@page=2.html  (or tag/pensiya@page=2)

``query_file(path, query)`` gives that name for writers of mirrors. Paths are percent-decoded
(UTF-8) before lookup, so ``/tags/Пенсия%202026/`` is the directory ``tags/Пенсия 2026/``.

Response headers: ``Content-Type`` comes from the extension (``.php`` and extension-less HTML are
``text/html``); a mirror may carry ``_headers.json``, ``{"/path?query": {"Header": "value"}}`` keyed
by the request path exactly as written in the site (decoded, query normalised as above), whose
headers replace the defaults (a ``null`` value removes a header). This is how a page is served as
windows-1251 with ``Content-Type: text/html`` and no charset. Files whose name starts with ``_`` and
``manifest.json`` are never served.

Every request is counted in ``server.requests`` (a ``collections.Counter``) under its target as
sent by the client (path and ``?query``, not decoded), so a test can assert that a known article
was not downloaded again: ``server.requests["/news/1-x.html"] == 0``. ``server.fetched(path)``
counts a path whatever its spelling (percent-encoding, query order).

``serve_synthetic(n)`` serves a generated DLE site (matritca.kz paths and markup) of n articles
without any files; ``server.modify(article_id)`` changes one article's text on the fly.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import random
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

#: tests/mirrors of the repository (the bundled mirrors used by tests and `make demo`).
MIRRORS_DIR = Path(__file__).resolve().parent.parent / "tests" / "mirrors"

#: Files tried, in order, for a directory path.
INDEX_FILES = ("index.html", "index.xml", "index.rss", "index.json", "index.txt")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".php": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
}

#: Fixed "now" of synthetic mirrors, so that their articles are deterministic.
SYNTHETIC_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=5)))


def normalise_query(query: str) -> str:
    """The canonical spelling of a query string used in mirror file names."""
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{k}={v.replace('/', '%2F')}" for k, v in pairs)


def _with_query(name: str, query: str) -> str:
    """`news/index.html` + `p=2` → `news/index@p=2.html`."""
    head, slash, base = name.rpartition("/")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:  # no extension (or a dot file)
        base = f"{base}@{query}"
    else:
        base = f"{stem}@{query}.{ext}"
    return head + slash + base


def query_file(path: str, query: str = "", index: str = "index.html") -> str:
    """Relative file name serving `path?query`, for a directory-style `path` or a file `path`.

    `path` ending in "/" (or empty) is a directory; otherwise a file. For writers of mirrors.
    """
    rel = unquote(path).lstrip("/")
    if not rel or rel.endswith("/"):
        rel += index
    query = normalise_query(query) if query else ""
    return _with_query(rel, query) if query else rel


def _content_type(path: Path) -> str:
    ctype = CONTENT_TYPES.get(path.suffix.lower())
    if ctype:
        return ctype
    head = path.read_bytes()[:200].lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        return "application/xml; charset=utf-8"
    if head[:1] == b"<":
        return "text/html; charset=utf-8"
    return "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsarchive-mirror/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - silence stderr logging
        pass

    def do_HEAD(self):  # noqa: N802
        self._respond(head=True)

    def do_GET(self):  # noqa: N802
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        mirror: MirrorServer = self.server.mirror  # type: ignore[attr-defined]
        target = self.path.split("#", 1)[0]
        mirror._count(target)
        found = mirror.lookup(target)
        if found is None:
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        status, headers, body = found
        self.send_response(status)
        for key, value in headers.items():
            if value is not None:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class MirrorServer:
    """One mirror served in a background thread on 127.0.0.1."""

    def __init__(self, root: Path | None, port: int = 0, name: str | None = None):
        self.root = Path(root).resolve() if root is not None else None
        self.name = name or (self.root.name if self.root else "synthetic")
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._headers = self._load_headers()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.mirror = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"mirror-{self.name}", daemon=True)
        self._thread.start()

    # -- bookkeeping -------------------------------------------------------------------------
    def _count(self, target: str) -> None:
        with self._lock:
            self.requests[target] += 1

    def fetched(self, path: str) -> int:
        """How many times `path` (any spelling: percent-encoding, query order) was requested."""
        want = self._key(path)
        with self._lock:
            return sum(n for target, n in self.requests.items() if self._key(target) == want)

    def reset(self) -> None:
        """Forget the request counts."""
        with self._lock:
            self.requests.clear()

    @staticmethod
    def _key(target: str) -> str:
        parts = urlsplit(target)
        path = unquote(parts.path) or "/"
        return path + (f"?{normalise_query(parts.query)}" if parts.query else "")

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    # -- serving -----------------------------------------------------------------------------
    def _load_headers(self) -> dict[str, dict]:
        if self.root is None:
            return {}
        path = self.root / "_headers.json"
        if not path.exists():
            return {}
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {self._key(k): v for k, v in raw.items()}

    def resolve(self, target: str) -> Path | None:
        """The file serving request target `target`, or None (404)."""
        if self.root is None:
            return None
        parts = urlsplit(target)
        rel = unquote(parts.path).lstrip("/")
        query = normalise_query(parts.query) if parts.query else ""
        base = (self.root / rel).resolve() if rel else self.root
        if base != self.root and self.root not in base.parents:
            return None
        candidates: list[Path] = []
        if base.is_dir() or rel == "" or rel.endswith("/"):
            names = [_with_query(n, query) if query else n for n in INDEX_FILES]
            candidates += [base / n for n in names]
        else:
            candidates.append(base.parent / _with_query(base.name, query) if query else base)
            if query:  # /tag/x?page=2 where tag/x is (or would be) a directory
                candidates += [base / _with_query(n, query) for n in INDEX_FILES]
        for cand in candidates:
            if cand.is_file() and not cand.name.startswith("_") and cand.name != "manifest.json":
                return cand
        return None

    def lookup(self, target: str) -> tuple[int, dict, bytes] | None:
        path = self.resolve(target)
        if path is None:
            return None
        headers = {"Content-Type": _content_type(path)}
        headers.update(self._headers.get(self._key(target), {}))
        return 200, headers, path.read_bytes()

    # -- lifecycle ---------------------------------------------------------------------------
    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "MirrorServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<MirrorServer {self.name} {self.base_url}>"


def serve_mirror(root: Path | str, port: int = 0) -> MirrorServer:
    """Serve the mirror directory `root` on 127.0.0.1:`port` (0: any free port), in a thread."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no mirror directory {root}")
    return MirrorServer(root, port)


def mirror_names() -> list[str]:
    """Names of the bundled mirrors (directories of MIRRORS_DIR with a manifest.json)."""
    return sorted(p.parent.name for p in MIRRORS_DIR.glob("*/manifest.json"))


def serve_mirrors(names_or_dirs=None) -> dict[str, MirrorServer]:
    """Serve several mirrors, each on its own free port: bundled names or directories (default: all)."""
    servers: dict[str, MirrorServer] = {}
    items = list(names_or_dirs) if names_or_dirs is not None else mirror_names()
    try:
        for item in items:
            path = Path(item)
            if not path.is_dir():
                path = MIRRORS_DIR / str(item)
            server = serve_mirror(path)
            servers[server.name] = server
    except Exception:
        for server in servers.values():
            server.stop()
        raise
    return servers


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


class SyntheticMirror(MirrorServer):
    """A generated DLE site: /news/{id}-{slug}.html, /rss.xml (newest 50), /news/ and /news/page/N/ (20 each).

    Article 1 is the oldest, article n the newest. `articles[id]` holds each article's expected
    fields (same keys as a manifest article); `modify(id)` rewrites one article's body and sets its
    modified date, so a re-crawl sees a changed page under the same URL.
    """

    PAGE_SIZE = 20
    FEED_SIZE = 50
    domain = "matritca.kz"
    base_real = "https://matritca.kz"

    def __init__(self, n_articles: int, port: int = 0, seed: int = 0, now: datetime = SYNTHETIC_NOW):
        self.n = n_articles
        self.seed = seed
        self.now = now
        self.articles: dict[int, dict] = {i: self._make(i) for i in range(1, n_articles + 1)}
        super().__init__(None, port, name="synthetic")

    # -- content -----------------------------------------------------------------------------
    def _make(self, i: int) -> dict:
        rnd = random.Random(f"{self.seed}:{i}")
        topic_word, tag, headline = rnd.choice(_SYN_TOPICS)
        place = rnd.choice(_SYN_PLACES)
        sec_slug, sec_name = rnd.choice(_SYN_SECTIONS)
        published = self.now - timedelta(minutes=37 * (self.n - i) + 30)
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

    def _listing_html(self, page: int) -> str | None:
        newest_first = list(range(self.n, 0, -1))
        pages = max(1, -(-self.n // self.PAGE_SIZE))
        if page < 1 or page > pages:
            return None
        chunk = newest_first[(page - 1) * self.PAGE_SIZE : page * self.PAGE_SIZE]
        rows = "\n".join(self._row(self.articles[i]) for i in chunk)
        nav = ""
        if page < pages:
            nav = f'<div class="navigation"><a href="/news/page/{page + 1}/">Далее</a></div>'
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
            if path.startswith("/news/") and path.endswith(".html"):
                head = path[len("/news/") :].split("-", 1)[0]
                if head.isdigit() and int(head) in self.articles:
                    a = self.articles[int(head)]
                    if a["path"] == path:
                        page = self._article_html(a).encode()
                        etag = hashlib.sha1(page).hexdigest()[:16]
                        return 200, {**html_type, "ETag": f'"{etag}"'}, page
        return None


def serve_synthetic(n_articles: int, port: int = 0, seed: int = 0, now: datetime = SYNTHETIC_NOW) -> SyntheticMirror:
    """Serve a generated matritca-style DLE site of `n_articles` deterministic articles."""
    return SyntheticMirror(n_articles, port=port, seed=seed, now=now)


if __name__ == "__main__":  # python -m newsarchive.mirror NAME [PORT]
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
