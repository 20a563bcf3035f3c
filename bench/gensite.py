"""A generated news site on 127.0.0.1 for the crawl benchmark: the pages a crawler meets.

    with GeneratedSite(3000) as site:
        site.url  # http://127.0.0.1:PORT/

Every article is a full page the way Kazakh news sites build them: a head with OpenGraph and
article:* meta and a JSON-LD NewsArticle, a menu, the article (headline, date, author, lead,
paragraphs, a figure, tags), a "most read" block and a footer shared by every page. Text comes
from bench.corpus (each article its own text). Discovery: robots.txt names a sitemap index of
sitemaps of 1,000 URLs each (with lastmod), the front page links the newest articles and
advertises an RSS feed of the newest 50. Articles are dated evenly over the SPAN_DAYS days before
the server starts, so that a first crawl's window (30 days) holds them all.

The pages are rendered before the server starts, in its own process, so that serving costs the
crawlers as little CPU as possible, and the same for each of them.
"""

from __future__ import annotations

import html
import json
import multiprocessing as mp
import re
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from corpus import SEED, Generator

ALMATY = timezone(timedelta(hours=5))
SECTIONS = ["Общество", "Экономика", "Происшествия", "Политика", "Регионы", "Спорт", "Культура"]
AUTHORS = ["Айгерим Садыкова", "Олег Петров", "Динара Жумабаева", "Сергей Ким", None]
#: Days the articles are spread over, back from the start of the server (first crawls reach 30).
SPAN_DAYS = 20
SITEMAP_URLS = 1000

_MENU = "".join(f'<li><a href="/section/{i}/">{name}</a></li>' for i, name in enumerate(SECTIONS))
_SCRIPT = "window.dataLayer=window.dataLayer||[];" + "function gtag(){dataLayer.push(arguments)}" * 40


_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  "a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch - y - e yu ya".split()))


def _slug(title: str) -> str:
    latin = "".join(_LATIN.get(c, c) for c in title.lower()).replace("-", " ")
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:60] or "news"


class Pages:
    """The site's pages by path, rendered once: `Pages(n).pages` is {path: (content type, bytes)}."""

    def __init__(self, articles: int, now: datetime | None = None, seed: int = SEED):
        self.now = (now or datetime.now(ALMATY)).astimezone(ALMATY).replace(microsecond=0)
        generator = Generator(seed)
        rng = np.random.default_rng(seed)
        span = SPAN_DAYS * 24 * 60
        step = span / max(1, articles)
        self.articles = []
        for number in range(1, articles + 1):
            data = generator.article(rng, number)
            published = self.now - timedelta(minutes=int(span - number * step) + 5)
            data.update(id=number, published=published, section=SECTIONS[number % len(SECTIONS)],
                        author=AUTHORS[number % len(AUTHORS)])
            data["path"] = f"/news/{number}-{_slug(data['title'])}.html"
            self.articles.append(data)
        newest = self.articles[::-1]
        self.popular = newest[:10]
        self.pages: dict[str, tuple[str, bytes]] = {}
        for article in self.articles:
            self.pages[article["path"]] = ("text/html; charset=utf-8", self._article(article).encode())
        self.pages["/"] = ("text/html; charset=utf-8", self._front(newest[:30]).encode())
        self.pages["/rss.xml"] = ("application/rss+xml; charset=utf-8", self._rss(newest[:50]).encode())
        chunks = [self.articles[i:i + SITEMAP_URLS] for i in range(0, len(self.articles), SITEMAP_URLS)]
        for i, chunk in enumerate(chunks, 1):
            self.pages[f"/sitemap-{i}.xml"] = ("application/xml", self._urlset(chunk).encode())
        self.pages["/sitemap.xml"] = ("application/xml", self._index(len(chunks)).encode())
        self.pages["/robots.txt"] = ("text/plain", b"User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n")

    def article_paths(self) -> list[str]:
        return [a["path"] for a in self.articles]

    def _frame(self, title: str, head: str, main: str) -> str:
        popular = "".join(f'<li><a href="{a["path"]}">{html.escape(a["title"])}</a></li>' for a in self.popular)
        return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{html.escape(title)} — Вести Региона</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/main.css"><link rel="alternate" type="application/rss+xml" href="/rss.xml">
{head}<script>{_SCRIPT}</script></head>
<body><header class="site-header"><a class="logo" href="/">Вести Региона</a><nav><ul>{_MENU}</ul></nav>
<div class="rates">USD 512,40 · EUR 553,10 · RUB 5,61</div></header>
<div class="layout"><main>{main}</main>
<aside class="sidebar"><h3>Самое читаемое</h3><ul>{popular}</ul>
<div class="banner"><a href="/ads/"><img src="/static/banner.jpg" alt="Реклама"></a></div></aside></div>
<footer><p>© 2026 Вести Региона. Все права защищены. При использовании материалов ссылка обязательна.</p>
<p><a href="/about/">О нас</a> · <a href="/contacts/">Контакты</a> · <a href="/ads/">Реклама</a></p></footer>
</body></html>"""

    def _article(self, a: dict) -> str:
        published = a["published"].isoformat()
        title, lead = html.escape(a["title"]), html.escape(a["lead"])
        tags = "".join(f'<a href="/tags/{html.escape(t)}/" rel="tag">{html.escape(t)}</a>' for t in a["tags"])
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in a["body"].split("\n\n"))
        image = f"/uploads/{a['id']}.jpg"
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
              "description": a["lead"], "datePublished": published, "dateModified": published,
              "articleSection": a["section"], "keywords": ", ".join(a["tags"]), "image": [image],
              "mainEntityOfPage": a["path"], "publisher": {"@type": "Organization", "name": "Вести Региона"}}
        if a["author"]:
            ld["author"] = {"@type": "Person", "name": a["author"]}
        head = (f'<meta property="og:type" content="article"><meta property="og:title" content="{title}">'
                f'<meta property="og:description" content="{lead}"><meta property="og:image" content="{image}">'
                f'<meta property="og:url" content="{a["path"]}"><link rel="canonical" href="{a["path"]}">'
                f'<meta property="article:published_time" content="{published}">'
                f'<meta property="article:section" content="{a["section"]}">'
                + "".join(f'<meta property="article:tag" content="{html.escape(t)}">' for t in a["tags"])
                + f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
        byline = f'<span class="author">{html.escape(a["author"])}</span>' if a["author"] else ""
        main = f"""<article class="news-article"><div class="breadcrumbs"><a href="/">Главная</a> /
<a href="/section/{a['id'] % len(SECTIONS)}/">{a['section']}</a></div>
<h1>{title}</h1><div class="meta"><time datetime="{published}">{a['published']:%d.%m.%Y %H:%M}</time>{byline}</div>
<div class="lead"><p>{lead}</p></div>
<figure><img src="{image}" alt="{title}"><figcaption>Фото: пресс-служба</figcaption></figure>
<div class="article-body">{paragraphs}</div>
<div class="tags">{tags}</div>
<div class="share">Поделиться: <a href="#">Telegram</a> <a href="#">WhatsApp</a></div></article>"""
        return self._frame(a["title"], head, main)

    def _front(self, newest: list[dict]) -> str:
        items = "".join(f'<div class="item"><a href="{a["path"]}">{html.escape(a["title"])}</a>'
                        f'<time>{a["published"]:%H:%M}</time></div>' for a in newest)
        return self._frame("Новости", "", f'<h2>Последние новости</h2><div class="news-list">{items}</div>')

    def _rss(self, newest: list[dict]) -> str:
        items = "".join(f"<item><title>{html.escape(a['title'])}</title><link>{a['path']}</link>"
                        f"<guid>{a['path']}</guid><pubDate>{a['published']:%a, %d %b %Y %H:%M:%S %z}</pubDate>"
                        f"<description>{html.escape(a['lead'])}</description></item>" for a in newest)
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Вести Региона</title>'
                f"<link>/</link><description>Новости</description>{items}</channel></rss>")

    @staticmethod
    def _urlset(chunk: list[dict]) -> str:
        urls = "".join(f"<url><loc>{a['path']}</loc><lastmod>{a['published'].isoformat()}</lastmod></url>"
                       for a in chunk)
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def _index(self, files: int) -> str:
        entries = "".join(f"<sitemap><loc>/sitemap-{i}.xml</loc><lastmod>{self.now.isoformat()}</lastmod></sitemap>"
                          for i in range(1, files + 1))
        return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>')


def _absolute(content: bytes, base: str) -> bytes:
    """Site-relative links made absolute, as real sites print them in sitemaps and feeds."""
    return re.sub(rb"(<loc>|<link>|<guid>|Sitemap: )/", lambda m: m.group(1) + base.encode() + b"/", content)


def _serve(articles: int, ready, port_out, stop) -> None:
    pages = Pages(articles).pages
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.pages = {path: (kind, _absolute(body, base)) for path, (kind, body) in pages.items()}
    port_out.value = server.server_address[1]
    ready.set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait()
    server.shutdown()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's name)
        found = self.server.pages.get(self.path.split("?")[0])
        kind, body = found if found else ("text/html; charset=utf-8", b"<html><body>Not found</body></html>")
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class GeneratedSite:
    """The generated site served from a process of its own for as long as the `with` lasts."""

    def __init__(self, articles: int):
        self.articles = articles
        context = mp.get_context("fork")
        self._ready, self._stop = context.Event(), context.Event()
        self._port = context.Value("i", 0)
        self._process = context.Process(target=_serve, args=(articles, self._ready, self._port, self._stop),
                                        daemon=True)

    def __enter__(self) -> "GeneratedSite":
        self._process.start()
        if not self._ready.wait(timeout=1800):
            raise RuntimeError("the generated site did not start")
        self.url = f"http://127.0.0.1:{self._port.value}/"
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._process.join(timeout=10)
