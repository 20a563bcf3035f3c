"""Per-site page templates of the fixture mirrors (see build.py). Written for this project.

Each Spec renders an article page, the site's discovery pages (robots.txt, feed, sitemap, listings
with pagination) and says which fields its markup carries (`expected`): a field the template does
not render is expected to be None (or [] for tags/images).
"""

from __future__ import annotations

import email.utils
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from newsarchive.sites import Site, load_sites

ALMATY = timezone(timedelta(hours=5))
E = html.escape
REPO = Path(__file__).resolve().parents[2]

MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря"]
MONTHS_NOM = ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь",
              "Октябрь", "Ноябрь", "Декабрь"]
MONTHS_KK = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
             "қазан", "қараша", "желтоқсан"]


def site_entry(name: str) -> Site:
    return load_sites(str(REPO / "newsarchive" / "sites"))[name]


# -- article helpers ---------------------------------------------------------------------------

def is_relative(a: dict) -> bool:
    return not a["published"][:1].isdigit()


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=ALMATY) if value else None


def pub(a: dict) -> datetime | None:
    return None if is_relative(a) else dt(a["published"])


def iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def rfc822(d: datetime) -> str:
    return email.utils.format_datetime(d)


def body_text(a: dict) -> str:
    return "\n\n".join(a["paragraphs"])


def paras(a: dict, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{E(p)}</p>" for p in a["paragraphs"])


def img_url(site: Site, src: str) -> str:
    return src if src.startswith("http") else site.base_url + src


def og(site: Site, a: dict, *, dates: bool = True, tags: bool = False, section: bool = False) -> str:
    """OpenGraph and article:* meta, as many sites have them."""
    out = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{E(a["title"])}">',
        f'<meta property="og:url" content="{site.base_url}{E(a["path"])}">',
        f'<meta property="og:site_name" content="{E(site.title)}">',
    ]
    if a.get("lead"):
        out.append(f'<meta property="og:description" content="{E(a["lead"])}">')
        out.append(f'<meta name="description" content="{E(a["lead"])}">')
    if a.get("images"):
        out.append(f'<meta property="og:image" content="{E(img_url(site, a["images"][0][0]))}">')
    if dates and pub(a):
        out.append(f'<meta property="article:published_time" content="{iso(pub(a))}">')
    if dates and a.get("modified"):
        out.append(f'<meta property="article:modified_time" content="{iso(dt(a["modified"]))}">')
    if section and a.get("section"):
        out.append(f'<meta property="article:section" content="{E(a["section"])}">')
    if tags:
        out += [f'<meta property="article:tag" content="{E(t)}">' for t in a.get("tags", [])]
    return "\n".join(out)


def jsonld(site: Site, a: dict, *, body: bool = True, with_tags: bool = True) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"],
        "mainEntityOfPage": site.base_url + a["path"],
        "inLanguage": a.get("language", "ru"),
        "publisher": {"@type": "Organization", "name": site.title},
    }
    if a.get("lead"):
        data["description"] = a["lead"]
    if pub(a):
        data["datePublished"] = iso(pub(a))
    if a.get("modified"):
        data["dateModified"] = iso(dt(a["modified"]))
    if a.get("author"):
        data["author"] = {"@type": "Person", "name": a["author"]}
    if a.get("section"):
        data["articleSection"] = a["section"]
    if with_tags and a.get("tags"):
        data["keywords"] = a["tags"]
    if a.get("images"):
        data["image"] = [{"@type": "ImageObject", "url": img_url(site, u), "caption": c} for u, c in a["images"]]
    if body:
        data["articleBody"] = body_text(a)
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def rss(site: Site, arts: list[dict], title: str | None = None, *, description: bool = True) -> str:
    items = []
    for a in arts:
        link = site.base_url + a["path"]
        parts = [f"<title>{E(a['title'])}</title>", f"<link>{E(link)}</link>", f'<guid isPermaLink="true">{E(link)}</guid>']
        if description and a.get("lead"):
            parts.append(f"<description>{E(a['lead'])}</description>")
        if a.get("section"):
            parts.append(f"<category>{E(a['section'])}</category>")
        if pub(a):  # a page that only shows "Вчера, 09:15" gets no pubDate either
            parts.append(f"<pubDate>{rfc822(pub(a))}</pubDate>")
        items.append("<item>" + "".join(parts) + "</item>")
    newest = max((pub(a) for a in arts if pub(a)), default=None)
    build = f"<lastBuildDate>{rfc822(newest)}</lastBuildDate>" if newest else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n'
        f"<title>{E(title or site.title)}</title><link>{site.base_url}/</link>"
        f"<description>{E(site.title)}: новости</description><language>ru</language>{build}\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    )


def sitemap(site: Site, arts: list[dict]) -> str:
    rows = []
    for a in arts:
        d = pub(a) or dt("2026-11-25T09:15")
        last = dt(a["modified"]) if a.get("modified") else d
        rows.append(f"<url><loc>{E(site.base_url + a['path'])}</loc><lastmod>{iso(last)}</lastmod></url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


def robots(site: Site, sitemaps: list[str] = (), disallow: list[str] = ("/admin/",)) -> str:
    lines = ["User-agent: *"] + [f"Disallow: {d}" for d in disallow]
    lines += [f"Sitemap: {site.base_url}{s}" for s in sitemaps]
    return "\n".join(lines) + "\n"


def newest_first(arts: list[dict]) -> list[dict]:
    """Relative dates ("Вчера") count as the day before the build anchor (2026-11-26)."""
    def key(a):
        return pub(a) or dt("2026-11-25T" + re.findall(r"\d{1,2}:\d{2}", a["published"])[-1].zfill(5))
    return sorted(arts, key=key, reverse=True)


def chunks(seq: list, size: int) -> list[list]:
    return [seq[i : i + size] for i in range(0, len(seq), size)] or [[]]


# -- pages ---------------------------------------------------------------------------------------

@dataclass
class Page:
    content: str | bytes
    encoding: str = "utf-8"
    headers: dict | None = None
    index: str = "index.html"


@dataclass
class Pages:
    files: dict = field(default_factory=dict)
    feeds: list = field(default_factory=list)
    sitemaps: list = field(default_factory=list)
    listings: list = field(default_factory=list)
    other: list = field(default_factory=list)
    found_in: dict = field(default_factory=dict)

    def add(self, path: str, content, query: str = "", kind: str | None = None, links: list[dict] = (), **kw):
        self.files[(path, query)] = Page(content, **kw)
        full = path + (f"?{query}" if query else "")
        {"feed": self.feeds, "sitemap": self.sitemaps, "listing": self.listings, "other": self.other,
         None: []}[kind].append(full)
        for a in links:
            self.found_in.setdefault(a["path"], []).append(full)


class Spec:
    """Base template: a plain article page; subclasses set the markup."""

    #: Optional fields the article markup carries.
    renders: frozenset = frozenset({"lead", "author", "section", "tags", "images", "modified"})
    page_size = 2

    def article(self, site: Site, a: dict) -> str:
        raise NotImplementedError

    def discovery(self, site: Site, arts: list[dict], pages: Pages) -> None:
        raise NotImplementedError

    def build(self, site: Site, arts: list[dict]) -> Pages:
        pages = Pages()
        for a in arts:
            path, _, query = a["path"].partition("?")
            enc = a.get("encoding", "utf-8")
            html_text = self.article(site, a)
            headers = {"Content-Type": "text/html"} if enc != "utf-8" else None
            pages.add(path, html_text, query, encoding=enc, headers=headers)
        self.discovery(site, arts, pages)
        return pages

    def expected(self, site: Site, a: dict) -> dict:
        r = self.renders
        return {
            "path": a["path"],
            "url": site.base_url + a["path"],
            "title": a["title"],
            "lead": a.get("lead") if "lead" in r else None,
            "body": body_text(a),
            "published_at": {"relative": a["published"]} if is_relative(a) else iso(pub(a)),
            "modified_at": iso(dt(a.get("modified"))) if "modified" in r else None,
            "author": a.get("author") if "author" in r else None,
            "section": a.get("section") if "section" in r else None,
            # as a browser shows them: case kept, runs of white space collapsed ("Пенсия  2026" → "Пенсия 2026")
            "tags": [" ".join(t.split()) for t in a.get("tags", [])] if "tags" in r else [],
            "images": [{"url": img_url(site, u), "caption": c} for u, c in a.get("images", [])] if "images" in r else [],
            "credited_source": a.get("credited_source"),
            "credited_via": a.get("credited_via"),
            "language": a.get("language", "ru"),
            "region": site.region,
            "story_region": a.get("story_region"),
            "encoding": a.get("encoding", "utf-8"),
            "declared_charset": a.get("declared_charset", "utf-8"),
            "syndicated_from": a.get("syndicated_from"),
        }


def head(site: Site, a: dict, extra: str = "", charset: str | None = "utf-8", title_suffix: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{a.get("language", "ru")}">\n<head>\n{meta}\n'
        f"<title>{E(a['title'])}{E(title_suffix)}</title>\n"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{extra}\n</head>\n'
    )


# -- matritca.kz: DataLife Engine ------------------------------------------------------------------

def dle_date(a: dict) -> str:
    return a["published"] if is_relative(a) else pub(a).strftime("%d.%m.%Y, %H:%M")


class Matritca(Spec):
    page_size = 2
    renders = frozenset({"lead", "author", "section", "tags", "images"})

    def article(self, site, a):
        tags = ", ".join(f'<a href="/tags/{quote(t)}/">{E(t)}</a>' for t in a.get("tags", []))
        imgs = "".join(
            f'<div class="full-news-image"><img src="{E(u)}" alt="{E(c)}" title="{E(c)}"></div>' for u, c in a.get("images", [])
        )
        meta = (
            '<meta name="generator" content="DataLife Engine (http://dle-news.ru)">\n'
            + og(site, a)
            + '\n<link rel="alternate" type="application/rss+xml" title="Матрица" href="/rss.xml">'
            + '\n<script src="/engine/classes/js/jquery.js"></script>'
        )
        return head(site, a, meta, title_suffix=" » Матрица") + f"""<body>
<div class="wrapper">
<header class="header"><a href="/" class="logo">Матрица</a>
<nav><a href="/state-agencies/">Госорганы</a> <a href="/economy/">Экономика</a> <a href="/incidents/">Происшествия</a> <a href="/education/">Образование</a></nav></header>
<div id="dle-content"><div class="full-news">
<div class="full-news-header"><h1>{E(a["title"])}</h1>
<div class="full-news-info"><span class="date-news">{dle_date(a)}</span>
<a class="category" href="/{a["section_slug"]}/">{E(a["section"])}</a>
<span class="author">{E(a["author"])}</span> <span class="views">1 204</span></div></div>
{imgs}
<div class="full-news-lead"><b>{E(a["lead"])}</b></div>
<div id="news-id-{a["id"]}" class="full-news-text">
{paras(a)}
</div>
<div class="full-news-tags">Теги: {tags}</div>
<div class="share-block">Поделиться: <a href="https://vk.com/share.php">VK</a> <a href="https://t.me/share">Telegram</a></div>
<div class="related-news"><h3>Читайте также</h3><a href="/news/38001-vesennij-pavodok.html">Весенний паводок: что известно</a></div>
</div></div>
<footer>© Матрица, Усть-Каменогорск</footer>
</div></body></html>
"""

    def listing(self, site, arts, page, pages_total):
        rows = "\n".join(
            f'<p class="line-news"><span class="date-news">{a["listing_time"]}</span> '
            f'<a href="{E(a["path"])}">{E(a["title"])}</a></p>'
            for a in arts
        )
        nav = " ".join(
            f'<a href="/news/page/{n}/">{n}</a>' if n != page else f"<span>{n}</span>" for n in range(1, pages_total + 1)
        )
        return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Новости » Матрица</title>
<meta name="generator" content="DataLife Engine (http://dle-news.ru)">
<link rel="alternate" type="application/rss+xml" title="Матрица" href="/rss.xml"></head>
<body><div class="wrapper"><header><a href="/">Матрица</a> <a href="/economy/">Экономика</a> <a href="/2026/11/24/">Архив за 24 ноября</a></header>
<div id="dle-content">
{rows}
<div class="navigation">{nav}</div>
</div></div></body></html>
"""

    def discovery(self, site, arts, pages):
        pages.add("/robots.txt", robots(site, ["/sitemap.xml"], ["/engine/", "/user/", "/index.php?do=search"]), kind="other")
        feed_arts = [a for a in newest_first(arts) if not is_relative(a)]
        pages.add("/rss.xml", rss(site, feed_arts, "Матрица - новости Усть-Каменогорска"), kind="feed", links=feed_arts)
        ordered = newest_first(arts)
        parts = chunks(ordered, self.page_size)
        for n, part in enumerate(parts, start=1):
            path = "/news/" if n == 1 else f"/news/page/{n}/"
            pages.add(path, self.listing(site, part, n, len(parts)), kind="listing", links=part)


# -- caravan.kz: no known selectors; JSON-LD + OpenGraph; trending tags under the text ----------------

TRENDING = [
    ("Пенсия 2026", "Пенсионерке из Павлодара восстановили девять лет стажа"),
    ("МРП 2026", "Какие штрафы вырастут вместе с МРП"),
    ("Налоговый кодекс РК 2026", "Упрощёнка по-новому: что изменится для ИП"),
    ("Алматы", "В горах Алматы открыли новый туристический маршрут"),
    ("Медицина", "Перечень услуг по ОСМС расширили"),
]


class Caravan(Spec):
    page_size = 3
    renders = frozenset({"lead", "author", "section", "tags", "images", "modified"})

    def article(self, site, a):
        imgs = "".join(
            f'<figure class="article-photo"><img src="{E(u)}" alt="{E(c)}"><figcaption>{E(c)}</figcaption></figure>'
            for u, c in a.get("images", [])
        )
        trend = "\n".join(
            f'<li><a class="trend-tag" href="/tags/{quote(t)}">{E(t)}</a><a class="trend-title" href="/news/trend-{i}">{E(h)}</a></li>'
            for i, (t, h) in enumerate(TRENDING)
        )
        tags = " ".join(f'<a href="/tags/{quote(t)}" rel="tag">{E(t)}</a>' for t in a.get("tags", []))
        date = a["published"] if is_relative(a) else pub(a).strftime("%d.%m.%Y %H:%M")
        return head(site, a, og(site, a, tags=True, section=True) + "\n" + jsonld(site, a)
                    + '\n<link rel="alternate" type="application/rss+xml" href="https://www.caravan.kz/rss/">',
                    title_suffix=" | Караван") + f"""<body>
<header class="site-header"><a href="/">Караван</a> <a href="/news/">Новости</a> <a href="/gazeta/">Газета</a></header>
<main><article class="article">
<div class="article-meta"><span class="article-date">{date}</span> <span class="article-rubric">{E(a["section"])}</span></div>
<h1>{E(a["title"])}</h1>
<div class="article-announce">{E(a["lead"])}</div>
{imgs}
<div class="article-text">
{paras(a)}
</div>
<div class="article-tags">{tags}</div>
<div class="article-author">Автор: {E(a["author"])}</div>
</article>
<div class="trend-tags"><h3>Популярные теги</h3><ul>
{trend}
</ul></div>
</main>
<footer>© Караван</footer>
</body></html>
"""

    def listing(self, site, arts, title):
        rows = "\n".join(
            f'<div class="news-item"><span class="news-item-date">{dle_date(a)}</span>'
            f'<a class="news-item-title" href="{E(a["path"])}">{E(a["title"])}</a></div>'
            for a in arts
        )
        return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{E(title)} | Караван</title>
<link rel="alternate" type="application/rss+xml" href="https://www.caravan.kz/rss/"></head>
<body><header><a href="/">Караван</a> <a href="/news/">Новости</a> <a href="/gazeta/">Газета</a> <a href="/tags/{quote("Пенсия 2026")}">Пенсия 2026</a></header>
<main><h1>{E(title)}</h1>
{rows}
</main></body></html>
"""

    def discovery(self, site, arts, pages):
        pages.add("/robots.txt", robots(site, ["/sitemap.xml"], ["/search/", "/admin/"]), kind="other")
        ordered = newest_first(arts)
        pages.add("/rss/", rss(site, ordered, "Караван"), kind="feed", links=ordered, index="index.xml")
        pages.add("/sitemap.xml", sitemap(site, ordered), kind="sitemap", links=ordered)
        news = [a for a in ordered if a.get("listing", "news") == "news"]
        gazeta = [a for a in ordered if a.get("listing") == "gazeta"]
        pages.add("/news/", self.listing(site, news, "Новости"), kind="listing", links=news)
        pages.add("/gazeta/", self.listing(site, gazeta, "Газета «Караван»"), kind="listing", links=gazeta)


# -- kt.kz: Kazakhstan Today, East Kazakhstan section ----------------------------------------------

class KT(Spec):
    renders = frozenset({"tags", "images"})

    def article(self, site, a):
        date = a["published"] if is_relative(a) else pub(a).strftime("%d.%m.%Y, %H:%M")
        tags = " ".join(f'<a href="/rus/archive_tags/{quote(t)}">{E(t)}</a>' for t in a.get("tags", []))
        imgs = "".join(f'<div class="page-image"><img src="{E(u)}" alt="{E(c)}"></div>' for u, c in a.get("images", []))
        return head(site, a, og(site, a, dates=False), title_suffix=" - Kazakhstan Today") + f"""<body>
<div class="layout">
<nav class="top-menu"><a href="/rus/all">Все новости</a> <a href="/rus/vostochno-kazahstanskaya_oblast/">ВКО</a> <a href="/rus/economy/">Экономика</a></nav>
<article class="page">
<header class="page-heading"><h1>{E(a["title"])}</h1></header>
<div class="page-meta"><span>{date}</span> <span class="views">Просмотров: 512</span></div>
{imgs}
<div class="page-content">
{paras(a)}
</div>
<div class="page-tags">Теги: {tags}</div>
<div class="page-share"><a href="#">Поделиться</a></div>
</article>
</div></body></html>
"""

    def discovery(self, site, arts, pages):
        pages.add("/robots.txt", robots(site, [], ["/admin/", "/search"]), kind="other")
        ordered = newest_first(arts)
        rows = []
        for a in ordered:
            date = a["published"] if is_relative(a) else pub(a).strftime("%d.%m.%Y, %H:%M")
            rows.append(f'<div class="news-line"><span class="news-date">{date}</span> <a href="{E(a["path"])}">{E(a["title"])}</a></div>')
        # other sections of kt.kz are on /rus/all too: not in this site entry's scope
        rows.insert(1, '<div class="news-line"><span class="news-date">24.11.2026, 16:40</span> <a href="/rus/economy/natsbank_sohranil_bazovuyu_stavku_1153589012.html">Нацбанк сохранил базовую ставку</a></div>')
        rows.insert(3, '<div class="news-line"><span class="news-date">23.11.2026, 12:05</span> <a href="/rus/society/v_astane_otkryli_novyy_most_1153588871.html">В Астане открыли новый мост</a></div>')
        body = "\n".join(rows)
        listing = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Все новости - Kazakhstan Today</title></head>
<body><nav><a href="/rus/all">Все новости</a> <a href="/rus/vostochno-kazahstanskaya_oblast/">ВКО</a> <a href="/rus/archive_tags/{quote("Пенсия 2026")}">Пенсия 2026</a></nav>
<div class="news-list">
{body}
</div></body></html>
"""
        pages.add("/rus/all", listing, kind="listing", links=ordered, index="all.html")


# -- helpers for the remaining sites ---------------------------------------------------------------

def ru_date(a: dict, fmt: str) -> str:
    """Visible date: the relative text as is, else `fmt` with {d} {m} {y} {H} {M} {mon} {Mon} {kk}."""
    if is_relative(a):
        return a["published"]
    d = pub(a)
    return fmt.format(d=f"{d.day:02d}", day=d.day, m=f"{d.month:02d}", y=d.year, H=f"{d.hour:02d}",
                      M=f"{d.minute:02d}", mon=MONTHS_GEN[d.month - 1], Mon=MONTHS_NOM[d.month - 1],
                      kk=MONTHS_KK[d.month - 1])


def figure(site, a, cls: str, caption: bool = True) -> str:
    out = []
    for u, c in a.get("images", []):
        cap = f"<figcaption>{E(c)}</figcaption>" if caption else ""
        out.append(f'<figure class="{cls}"><img src="{E(u)}" alt="{E(c)}">{cap}</figure>')
    return "".join(out)


def taglinks(a: dict, href: str, attrs: str = "") -> str:
    return " ".join(f'<a href="{href.format(quote(t))}"{attrs}>{E(t)}</a>' for t in a.get("tags", []))


def simple_listing(site: Site, title: str, rows: list[str], nav: str = "", extra_links: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>{E(title)} | {E(site.title)}</title></head>\n'
        f'<body><header><a href="/">{E(site.title)}</a> {extra_links}</header>\n<main class="news-list">\n'
        + "\n".join(rows) + f"\n</main>\n<nav class=\"pagination\">{nav}</nav>\n</body></html>\n"
    )


class Generic(Spec):
    """A site whose discovery is feeds (RSS) and/or paginated listings; subclasses give the markup."""

    feed: str | None = None
    feed_index = "index.xml"
    listing: str | None = None          # first listing page
    pagination: str | None = None       # "/news/page/{n}/" or "/news/?p={n}"
    listing_index = "index.html"
    sitemap_path: str | None = None
    extra_listings: tuple = ()          # (path, filter key value) further listings
    robots_disallow = ("/admin/",)
    page_size = 2
    listing_extra = ""

    def row(self, site, a) -> str:
        return f'<div class="item"><span class="date">{ru_date(a, "{d}.{m}.{y} {H}:{M}")}</span> <a href="{E(a["path"])}">{E(a["title"])}</a></div>'

    def listing_page(self, site, arts, n, total, path) -> str:
        nav = ""
        if self.pagination:
            nav = " ".join(
                f'<a href="{self.page_url(k)}">{k}</a>' for k in range(1, total + 1) if k != n
            )
        return simple_listing(site, "Новости", [self.row(site, a) for a in arts], nav, self.listing_extra)

    def page_url(self, n: int) -> str:
        return self.listing if n == 1 else self.pagination.format(n=n)

    def discovery(self, site, arts, pages):
        pages.add("/robots.txt", robots(site, [self.sitemap_path] if self.sitemap_path else [], list(self.robots_disallow)), kind="other")
        ordered = newest_first(arts)
        if self.feed:
            in_feed = [a for a in ordered if not (self.listing and is_relative(a))]
            pages.add(self.feed, rss(site, in_feed), kind="feed", links=in_feed, index=self.feed_index)
        if self.sitemap_path:
            pages.add(self.sitemap_path, sitemap(site, ordered), kind="sitemap", links=ordered)
        if self.listing:
            lst = [a for a in ordered if not a.get("listing")]
            parts = chunks(lst, self.page_size) if self.pagination else [lst]
            for n, part in enumerate(parts, start=1):
                url = self.page_url(n)
                path, _, query = url.partition("?")
                pages.add(path, self.listing_page(site, part, n, len(parts), url), query, kind="listing",
                          links=part, index=self.listing_index)
        for path, key in self.extra_listings:
            lst = [a for a in ordered if a.get("listing") == key]
            pages.add(path, simple_listing(site, key, [self.row(site, a) for a in lst]), kind="listing", links=lst,
                      index=self.listing_index)


# -- ustinka.kz -------------------------------------------------------------------------------------------

WEATHER = ('<div class="widget-weather"><span class="city">Усть-Каменогорск</span> <span class="temp">-12°C</span> '
           '<span>облачно, ветер 3 м/с</span></div>')
CURRENCY = ('<div class="widget-currency"><span>USD 512.40</span> <span>EUR 538.10</span> <span>RUB 5.12</span></div>')


class Ustinka(Generic):
    listing = "/vko/"
    extra_listings = (("/kz/vko/", "kz"),)
    renders = frozenset({"lead", "author", "tags", "images"})

    def article(self, site, a):
        kk = a.get("language") == "kk"
        date = ru_date(a, "{day} {kk} {y}, {H}:{M}" if kk else "{d}.{m}.{y} {H}:{M}")
        ps = [f"<p>{E(p)}</p>" for p in a["paragraphs"]]
        ps.insert(1, CURRENCY)  # the currency widget sits between the paragraphs
        src = a.get("credited_source") or "Устинка LIVE"
        return head(site, a, og(site, a), title_suffix=" - Устинка LIVE") + f"""<body>
<header class="top"><a href="/">Устинка LIVE</a> <a href="/vko/">ВКО</a> <a href="/kz/vko/">Қазақша</a>{WEATHER}</header>
<div class="content"><div class="news-full">
<h1>{E(a["title"])}</h1>
<div class="news-meta"><time>{date}</time></div>
{figure(site, a, "news-photo")}
<div class="news-lead">{E(a["lead"])}</div>
<div class="news-text">
{chr(10).join(ps)}
</div>
<p class="news-author">{E(a["author"])}</p>
<p class="news-source">{"Дереккөз" if kk else "Источник"}: {E(src)}</p>
<div class="news-tags">{taglinks(a, "/tags/{}/")}</div>
</div>
<aside>{WEATHER}{CURRENCY}</aside></div>
</body></html>
"""


# -- time.kz ------------------------------------------------------------------------------------------------

class Time(Generic):
    feed = "/rss"
    feed_index = "rss.xml"
    listing = "/news"
    renders = frozenset({"lead", "author", "tags", "images"})

    def article(self, site, a):
        return head(site, a, og(site, a), title_suffix=" — Время") + f"""<body>
<header><a href="/">Время</a> <a href="/news">Новости</a></header>
<article class="article">
<h1 class="article-title">{E(a["title"])}</h1>
<div class="article-meta"><time>{ru_date(a, "{d}.{m}.{y} · {H}:{M}")}</time> <a href="/journalists/{a["author_slug"]}">{E(a["author"])}</a></div>
<div class="article-lead">{E(a["lead"])}</div>
{figure(site, a, "article-image")}
<div class="article-body">
{paras(a)}
</div>
<div class="article-tags">{taglinks(a, "/tags/{}")}</div>
<div class="article-share">Поделиться</div>
</article></body></html>
"""


# -- lada.kz (DLE, RSS only) -----------------------------------------------------------------------------------

class Lada(Generic):
    feed = "/rss.xml"
    renders = frozenset({"author", "tags", "images"})

    def article(self, site, a):
        imgs = "".join(f'<div class="story-image"><img src="{E(u)}" alt="{E(c)}"></div>' for u, c in a.get("images", []))
        meta = '<meta name="generator" content="DataLife Engine (http://dle-news.ru)">\n' + og(site, a)
        return head(site, a, meta, title_suffix=" » Лада") + f"""<body>
<header><a href="/">Lada.kz</a> <a href="/aktau-news/">Актау</a> <a href="/kazakhstan-news/">Казахстан</a></header>
<div id="dle-content"><div class="full-story">
<h1>{E(a["title"])}</h1>
<div class="story-info"><span class="story-date">{ru_date(a, "{day} {mon} {y}, {H}:{M}")}</span> <span class="story-author">{E(a["author"])}</span></div>
{imgs}
<div id="news-id-{a["id"]}" class="story-text">
{paras(a)}
</div>
<div class="story-tags">{taglinks(a, "/tags/{}/")}</div>
<div class="share-block">Поделиться</div>
</div></div></body></html>
"""


# -- tengrinews.kz --------------------------------------------------------------------------------------------

class Tengrinews(Generic):
    feed = "/news.rss"
    feed_index = "news.rss"
    listing = "/news/"
    pagination = "/news/page/{n}/"
    renders = frozenset({"tags", "images", "section", "modified"})
    listing_extra = '<a href="/tag/pensiya-2026/">Пенсия 2026</a> <a href="/news/page/2/">Все новости</a>'

    def row(self, site, a):
        return (f'<div class="tn-article-item"><a class="tn-link" href="{E(a["path"])}">{E(a["title"])}</a>'
                f'<time>{ru_date(a, "{day} {mon} {y}, {H}:{M}")}</time></div>')

    def article(self, site, a):
        imgs = "".join(f'<div class="tn-image-container"><img src="{E(u)}" alt="{E(c)}" title="{E(c)}"></div>' for u, c in a.get("images", []))
        return head(site, a, og(site, a, section=True), title_suffix=": Tengrinews.kz") + f"""<body>
<header class="tn-header"><a href="/">Tengrinews</a> <a href="/news/">Новости</a></header>
<main class="tn-content"><h1 class="tn-content-title">{E(a["title"])}</h1>
<div class="tn-side-bar"><time>{ru_date(a, "{day} {mon} {y}, {H}:{M}")}</time> <span class="tn-hidden">Просмотров 3 418</span></div>
{imgs}
<article class="tn-news-text"><div class="tn-news-content">
{paras(a)}
</div></article>
<div class="tn-tags">{taglinks(a, "/tag/{}/")}</div>
<div class="tn-article-share">Поделиться</div>
<div class="tn-related"><a href="/kazakhstan_news/drugaya-novost-540001/">Другая новость</a></div>
</main></body></html>
"""

    def discovery(self, site, arts, pages):
        super().discovery(site, arts, pages)
        tagged = [a for a in arts if "Пенсия 2026" in a.get("tags", [])]
        pages.add("/tag/pensiya-2026/", simple_listing(site, "Пенсия 2026", [self.row(site, a) for a in tagged]), kind="other")


# -- nur.kz ------------------------------------------------------------------------------------------------------

class Nur(Generic):
    listing = "/latest/"
    renders = frozenset({"lead", "author", "tags", "images"})

    def article(self, site, a):
        d = dt(a["published_abs"]) if a.get("published_abs") else pub(a)
        visible = a.get("visible_date") or ru_date(a, "{day} {mon} {y}, {H}:{M}")
        return head(site, a, og(site, a), title_suffix=" — NUR.KZ") + f"""<body>
<header><a href="/">NUR.KZ</a> <a href="/latest/">Последние новости</a></header>
<article class="article">
<h1 class="main-headline">{E(a["title"])}</h1>
<div class="article__meta"><time class="datetime datetime--publication" datetime="{iso(d)}">{visible}</time>
<address class="author-item">{E(a["author"])}</address></div>
{figure(site, a, "article-figure")}
<div class="formatted-body__content--wrapper">
<strong class="formatted-body__strong">{E(a["lead"])}</strong>
{paras(a, "formatted-body__paragraph")}
<div class="formatted-body__ad">Реклама</div>
</div>
<ul class="tags-list">{"".join(f'<li><a href="/tags/{quote(t)}/">{E(t)}</a></li>' for t in a.get("tags", []))}</ul>
</article></body></html>
"""


# -- zakon.kz --------------------------------------------------------------------------------------------------

class Zakon(Generic):
    feed = "/rss/all.xml"
    listing = "/news/"
    pagination = "/news/?p={n}"
    renders = frozenset({"lead", "tags", "images"})

    def article(self, site, a):
        imgs = "".join(f'<div class="article-image"><img src="{E(u)}" alt="{E(c)}"></div>' for u, c in a.get("images", []))
        return head(site, a, og(site, a), title_suffix=" - Zakon.kz") + f"""<body>
<header><a href="/">Zakon.kz</a> <a href="/news/">Новости</a></header>
<div class="article">
<h1>{E(a["title"])}</h1>
<time class="date">{ru_date(a, "{H}:{M}, {day} {mon} {y}")}</time>
<div class="description">{E(a["lead"])}</div>
{imgs}
<div class="content">
{paras(a)}
</div>
<div class="tags">{taglinks(a, "/tags/{}/")}</div>
<div class="content__share">Поделиться</div>
</div></body></html>
"""


# -- inform.kz (Kazinform) ---------------------------------------------------------------------------------

class Inform(Generic):
    feed = "/rss/ru.xml"
    listing = "/lenta/"
    renders = frozenset({"tags", "images"})

    def row(self, site, a):
        return (f'<div class="allNewsCard"><a class="allNewsCard_title" href="{E(a["path"])}">{E(a["title"])}</a>'
                f'<span class="allNewsCard_time">{ru_date(a, "{H}:{M}, {d} {Mon} {y}")}</span></div>')

    def article(self, site, a):
        first, rest = a["paragraphs"][0], a["paragraphs"][1:]
        return head(site, a, og(site, a), title_suffix=" - Kazinform") + f"""<body>
<header><a href="/">Kazinform</a> <a href="/lenta/">Лента</a></header>
<article class="article">
<h1 class="article__title">{E(a["title"])}</h1>
<div class="article__info"><time>{ru_date(a, "{H}:{M}, {d} {Mon} {y}")}</time></div>
{figure(site, a, "article__photo")}
<div class="article__description">{E(first)}</div>
<div class="article__body-text">
{chr(10).join(f"<p>{E(p)}</p>" for p in rest)}
</div>
<div class="article__tags">{taglinks(a, "/ru/tags/{}")}</div>
<div class="article__share">Поделиться</div>
</article></body></html>
"""


# -- 24.kz (Joomla) --------------------------------------------------------------------------------------------

class KZ24(Generic):
    listing = "/ru/news"
    renders = frozenset({"tags", "images"})

    def article(self, site, a):
        imgs = "".join(f'<div class="entry-image"><img src="{E(u)}" alt="{E(c)}"></div>' for u, c in a.get("images", []))
        return head(site, a, '<meta name="generator" content="Joomla! - Open Source Content Management">\n' + og(site, a),
                    title_suffix=" - Хабар 24") + f"""<body>
<header><a href="/ru/">Хабар 24</a> <a href="/ru/news">Новости</a></header>
<div class="item-page">
<div class="entry-title"><h1>{E(a["title"])}</h1></div>
<div class="post-meta-author"><time>{ru_date(a, "{H}:{M}, {d}.{m}.{y}")}</time></div>
{imgs}
<div class="entry-content">
{paras(a)}
</div>
<div class="post-tags">{taglinks(a, "/ru/tags/{}")}</div>
<div class="post-share">Поделиться</div>
</div></body></html>
"""


# -- informburo.kz ------------------------------------------------------------------------------------------

class Informburo(Generic):
    listing = "/novosti"
    renders = frozenset({"author", "tags", "images"})

    def article(self, site, a):
        return head(site, a, og(site, a), title_suffix=" | Informburo.kz") + f"""<body>
<header><a href="/">Informburo</a> <a href="/novosti">Новости</a></header>
<main>
<h1 class="article-title">{E(a["title"])}</h1>
<div class="article-meta"><time>{ru_date(a, "{day} {mon} {y}, {H}:{M}")}</time> <span class="article-author">{E(a["author"])}</span></div>
{figure(site, a, "article-cover")}
<div class="article">
{paras(a)}
</div>
<div class="article-tags">{taglinks(a, "/tag/{}")}</div>
<div class="article-share">Поделиться</div>
</main></body></html>
"""


# -- ng.kz (XOOPS, windows-1251) ------------------------------------------------------------------------------

class NG(Generic):
    listing = "/modules/news/"
    renders = frozenset({"author", "tags"})

    def article(self, site, a):
        decl = a.get("declared_charset")
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={decl}">' if decl else ""
        return head(site, a, meta + '\n<meta name="generator" content="XOOPS">', charset=None,
                    title_suffix=" - Наша газета") + f"""<body>
<div id="xo-header"><a href="/">Наша газета</a> <a href="/modules/news/">Новости</a></div>
<div class="item">
<h1 class="itemTitle">{E(a["title"])}</h1>
<div class="itemInfo"><span class="itemPoster">{E(a["author"])}</span> <span class="itemPostDate">{ru_date(a, "{d}.{m}.{y} {H}:{M}")}</span></div>
<div class="itemText">
{paras(a)}
</div>
<div class="itemKeywords">{taglinks(a, "/modules/news/tag.php?tag={}")}</div>
<div class="itemFoot"><a href="/modules/news/print.php">Версия для печати</a></div>
</div></body></html>
"""

    def listing_page(self, site, arts, n, total, path):
        rows = [f'<div class="newsItem"><a href="{E(a["path"])}">{E(a["title"])}</a> <span>{ru_date(a, "{d}.{m}.{y}")}</span></div>' for a in arts]
        return (
            '<!DOCTYPE html>\n<html lang="ru"><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            '<title>Новости - Наша газета</title></head>\n<body><h1>Новости</h1>\n' + "\n".join(rows) + "\n</body></html>\n"
        )

    def build(self, site, arts):
        pages = super().build(site, arts)
        for key, page in pages.files.items():  # the whole old site is windows-1251, without a charset header
            if key[0] != "/robots.txt":
                page.encoding = "windows-1251"
                page.headers = {"Content-Type": "text/html"}
        return pages


# -- lifepvl.kz (WordPress, ?p=ID) -------------------------------------------------------------------------

class LifePVL(Generic):
    feed = "/feed/"
    listing = "/"
    renders = frozenset({"author", "tags", "images"})

    def article(self, site, a):
        imgs = "".join(f'<div class="post-thumbnail"><img src="{E(u)}" alt="{E(c)}"></div>' for u, c in a.get("images", []))
        date = ru_date(a, "{d}.{m}.{y}") if not a.get("time_shown") else ru_date(a, "{d}.{m}.{y} {H}:{M}")
        return head(site, a, '<meta name="generator" content="WordPress 6.6">\n' + og(site, a)
                    + '\n<link rel="alternate" type="application/rss+xml" href="https://lifepvl.kz/feed/">',
                    title_suffix=" – Life PVL") + f"""<body class="single">
<header class="site-header"><a href="/">Life PVL</a></header>
<article class="post">
<h1 class="entry-title">{E(a["title"])}</h1>
<div class="entry-meta"><time class="entry-date" datetime="{iso(pub(a)) or ""}">{date}</time> <span class="author">{E(a["author"])}</span></div>
{imgs}
<div class="entry-content">
{paras(a)}
<div class="sharedaddy">Поделиться: Facebook, WhatsApp</div>
<div class="jp-relatedposts">Похожие записи</div>
</div>
<footer class="entry-footer"><span class="tags-links">{taglinks(a, "/?tag={}", ' rel="tag"')}</span></footer>
</article></body></html>
"""


# -- 365info.kz (WordPress; JSON-LD dates) ---------------------------------------------------------------

class Info365(Generic):
    listing = "/category/poslednie-novosti"
    pagination = "/category/poslednie-novosti/page/{n}"
    renders = frozenset({"author", "tags", "images", "modified"})

    def article(self, site, a):
        visible = a.get("visible_date") or ru_date(a, "{d}.{m}.{y}, {H}:{M}")
        return head(site, a, og(site, a, dates=False) + "\n" + jsonld(site, a, body=False, with_tags=False),
                    title_suffix=" - 365info") + f"""<body>
<header><a href="/">365info</a> <a href="/category/poslednie-novosti">Последние новости</a></header>
<article class="singular">
<h1 class="singular__title">{E(a["title"])}</h1>
<div class="singular__meta"><span class="singular__date">{visible}</span></div>
{figure(site, a, "singular__thumb")}
<div class="singular__content">
{paras(a)}
</div>
<div class="singular__tags">{taglinks(a, "/tag/{}", ' rel="tag"')}</div>
<div class="singular__share">Поделиться</div>
</article></body></html>
"""


# -- ru.sputnik.kz -----------------------------------------------------------------------------------------

class Sputnik(Generic):
    feed = "/export/rss2/archive/index.xml"
    renders = frozenset({"lead", "tags", "images"})

    def article(self, site, a):
        imgs = "".join(f'<div class="article__announce"><img src="{E(u)}" alt="{E(c)}"></div>' for u, c in a.get("images", []))
        return head(site, a, og(site, a), title_suffix=" - Sputnik Казахстан") + f"""<body>
<header><a href="/">Sputnik Казахстан</a></header>
<div class="article">
<div class="article__header"><h1>{E(a["title"])}</h1>
<div class="article__announce-text">{E(a["lead"])}</div>
<div class="article__info-date"><a href="/{a["path"][1:9]}/">{ru_date(a, "{d}.{m}.{y}, {H}:{M}")}</a></div></div>
{imgs}
<div class="article__text">
{paras(a)}
</div>
<ul class="article__tags">{"".join(f'<li><a href="/keyword_{quote(t)}/">{E(t)}</a></li>' for t in a.get("tags", []))}</ul>
<div class="article__share">Поделиться</div>
</div></body></html>
"""


SPECS: dict[str, Spec] = {
    "matritca": Matritca(),
    "caravan": Caravan(),
    "kt": KT(),
    "ustinka": Ustinka(),
    "time": Time(),
    "lada": Lada(),
    "tengrinews": Tengrinews(),
    "nur": Nur(),
    "zakon": Zakon(),
    "inform": Inform(),
    "kz24": KZ24(),
    "informburo": Informburo(),
    "ng": NG(),
    "lifepvl": LifePVL(),
    "info365": Info365(),
    "sputnik": Sputnik(),
}
