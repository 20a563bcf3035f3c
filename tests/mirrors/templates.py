"""Per-site page templates of the fixture mirrors (see build.py). Written for this project.

Each Spec renders an article page, the site's discovery pages (robots.txt, feed, sitemap, listings
with pagination) and says which fields its markup carries (`expected`): a field the template does
not render is expected to be None (or [] for tags/images).
"""

from __future__ import annotations

import email.utils
import html
import json
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
        f'<meta property="og:type" content="article">',
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
        data["image"] = [img_url(site, a["images"][0][0])]
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
        return pub(a) or dt("2026-11-25T" + a["published"].split(", ")[-1])
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
            "tags": list(a.get("tags", [])) if "tags" in r else [],
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


SPECS: dict[str, Spec] = {
    "matritca": Matritca(),
    "caravan": Caravan(),
    "kt": KT(),
}
