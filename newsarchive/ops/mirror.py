"""Serving a mirror of a news site on 127.0.0.1: what `newsarchive demo` crawls, offline.

A mirror is a directory laid out like the site's URL space; the bundled ones
(newsarchive/data/mirrors/<site entry>/, written for this project) ship with the package:

* ``/news/123-slug.html``  → file ``news/123-slug.html``
* ``/news/`` or ``/news``  → ``news/index.html`` (the first of ``INDEX_FILES`` that exists)
* ``/rss``                 → file ``rss`` (no extension: served as XML or HTML by its first bytes)

A request for ``PATH?QUERY`` is served from the file ``PATH`` alone would be served from, with
``@QUERY`` inserted before its extension (appended when it has none); QUERY is normalised first:
percent-decoded, parameters sorted, written ``k=v`` joined by ``&``, ``/`` in a value as ``%2F``
(``/news/?p=2`` → ``news/index@p=2.html``; ``query_file`` computes the name). Paths are
percent-decoded (UTF-8) before lookup. A mirror may carry ``_headers.json``,
``{"/path?query": {"Header": "value"}}``, whose headers replace the defaults (``null`` removes
one): how a page is served as windows-1251 without a charset. Files whose name starts with ``_``
and ``manifest.json`` are never served.

Many sites print today's date, or a clock, at the top of every page. A mirror reproduces that with
``{{today:ENCODING:FORMAT}}`` in a file: it is served as the moment of the request in Kazakhstan
time, written by FORMAT (``{d}`` 05, ``{day}`` 5, ``{m}`` 12, ``{y}`` 2026, ``{H}`` ``{M}``, ``{mon}``
декабря, ``{Mon}`` Декабря, ``{nom}`` Декабрь, ``{wd}`` суббота, ``{Wd}`` Суббота, ``{kk}`` желтоқсан)
and encoded as ENCODING (the page's: utf-8, windows-1251).
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

#: The bundled mirrors, one directory per site entry.
MIRRORS_DIR = Path(__file__).resolve().parent.parent / "data" / "mirrors"

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
    ".gz": "application/gzip",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
}


_TODAY = re.compile(rb"\{\{today:([\w-]+):((?:[\x20-\x7a|~]|\{\w+\})*)\}\}")
_MONTHS_GEN = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
               "ноября", "декабря")
_MONTHS_NOM = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
               "Ноябрь", "Декабрь")
_MONTHS_KK = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
              "қараша", "желтоқсан")
_WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def render_today(body: bytes, now: datetime | None = None) -> bytes:
    """`body` with each ``{{today:ENCODING:FORMAT}}`` replaced by `now` (default: the present,
    Kazakhstan time) as FORMAT writes it."""
    if b"{{today:" not in body:
        return body
    from newsarchive.clock import LOCAL

    when = (now or datetime.now(LOCAL)).astimezone(LOCAL)
    mon = _MONTHS_GEN[when.month - 1]
    wd = _WEEKDAYS[when.weekday()]
    values = {"d": f"{when.day:02d}", "day": str(when.day), "m": f"{when.month:02d}", "y": str(when.year),
              "H": f"{when.hour:02d}", "M": f"{when.minute:02d}", "mon": mon, "Mon": mon.capitalize(),
              "nom": _MONTHS_NOM[when.month - 1], "wd": wd, "Wd": wd.capitalize(), "kk": _MONTHS_KK[when.month - 1]}

    def one(match: re.Match) -> bytes:
        encoding, fmt = match.group(1).decode(), match.group(2).decode()
        return fmt.format(**values).encode(encoding)

    return _TODAY.sub(one, body)


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
    """Relative file name serving `path?query`: `path` ending in "/" (or empty) is a directory."""
    rel = unquote(path).lstrip("/")
    if not rel or rel.endswith("/"):
        rel += index
    query = normalise_query(query) if query else ""
    return _with_query(rel, query) if query else rel


def request_key(target: str) -> str:
    """A request target as `_headers.json` keys it: path decoded, query normalised."""
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    return path + (f"?{normalise_query(parts.query)}" if parts.query else "")


def _content_type(path: Path) -> str:
    ctype = CONTENT_TYPES.get(path.suffix.lower())
    if ctype:
        return ctype
    head = path.read_bytes()[:200].lstrip()
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex")):
        return "application/xml; charset=utf-8"
    if head[:1] == b"<":
        return "text/html; charset=utf-8"
    return "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsarchive-mirror/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - no access log on stderr
        pass

    def do_HEAD(self):  # noqa: N802
        self.server.mirror.respond(self, head=True)  # type: ignore[attr-defined]

    def do_GET(self):  # noqa: N802
        self.server.mirror.respond(self, head=False)  # type: ignore[attr-defined]


class MirrorServer:
    """One mirror directory served in a background thread on 127.0.0.1."""

    def __init__(self, root: Path | None, port: int = 0, name: str | None = None):
        self.root = Path(root).resolve() if root is not None else None
        self.name = name or (self.root.name if self.root else "mirror")
        self._headers = self._load_headers()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.mirror = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"mirror-{self.name}", daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def _load_headers(self) -> dict[str, dict]:
        path = self.root / "_headers.json" if self.root else None
        if path is None or not path.exists():
            return {}
        return {request_key(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}

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
            candidates += [base / (_with_query(n, query) if query else n) for n in INDEX_FILES]
        else:
            candidates.append(base.parent / _with_query(base.name, query) if query else base)
            if query:  # /tag/x?page=2 where tag/x is (or would be) a directory
                candidates += [base / _with_query(n, query) for n in INDEX_FILES]
        for candidate in candidates:
            if candidate.is_file() and not candidate.name.startswith("_") and candidate.name != "manifest.json":
                return candidate
        return None

    def lookup(self, target: str) -> tuple[int, dict, bytes] | None:
        """(status, headers, body) for a request target, or None for a 404."""
        path = self.resolve(target)
        if path is None:
            return None
        headers = {"Content-Type": _content_type(path)}
        headers.update(self._headers.get(request_key(target), {}))
        return 200, headers, render_today(path.read_bytes())

    def respond(self, handler: BaseHTTPRequestHandler, head: bool) -> None:
        found = self.lookup(handler.path.split("#", 1)[0])
        status, headers, body = found or (404, {"Content-Type": "text/html; charset=utf-8"},
                                          b"<html><body><h1>404 Not Found</h1></body></html>")
        handler.send_response(status)
        for key, value in headers.items():
            if value is not None:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if not head:
            handler.wfile.write(body)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "MirrorServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.base_url}>"


def mirror_names() -> list[str]:
    """Names of the bundled mirrors (the site entries they mirror)."""
    return sorted(p.parent.name for p in MIRRORS_DIR.glob("*/manifest.json"))


def serve_mirrors(names_or_dirs=None, server=MirrorServer) -> dict[str, MirrorServer]:
    """Serve several mirrors, each on its own free port: bundled names or directories (default:
    every bundled one). `server` is the class serving each."""
    servers: dict[str, MirrorServer] = {}
    try:
        for item in (list(names_or_dirs) if names_or_dirs is not None else mirror_names()):
            path = Path(item) if Path(item).is_dir() else MIRRORS_DIR / str(item)
            if not path.is_dir():
                raise FileNotFoundError(f"no mirror directory {path}")
            instance = server(path)
            servers[instance.name] = instance
    except Exception:
        for instance in servers.values():
            instance.stop()
        raise
    return servers
