"""Generated sites for the backfill tests (tests/test_backfill.py): two sites the archive has no
entry for, and one whose articles moved to a new URL shape halfway through its history.

Every page is invented here (markup, names, text); none is copied from a real site. Articles are
dated back from the real "now" (the time of the test), so that relative dates ("Вчера, 09:15")
read right when the crawl fetches them; pages are built on each request, with the server's own
address in absolute links.

* `PortalMirror`: a city portal. Its front page shows the six newest stories as cards and links
  to "Все новости" (/novosti/), paginated ?page=N by a numbered pager without rel="next", dates
  without a year ("12 ноября, 10:25"). robots.txt names a sitemap index with one child per month
  (lastmod), the newest two as .xml.gz, and an undated child of section pages. Articles
  /novosti/{section}/{slug}-{id}/ carry JSON-LD. `sitemap=False` serves no sitemap at all.
* `DleMirror`: a DataLife Engine site in windows-1251. The front page is the listing, /page/N/
  after it; an RSS feed of the ten newest items, announced by <link rel="alternate">; no sitemap;
  the day archive /YYYY/MM/DD/ and a calendar linking to it. Articles /{section}/{id}-{slug}.html
  are dated only in their text ("Сегодня, 14:20", "Вчера, 09:15", "24 ноября 2026, 10:25").
* `SchemeMirror`: a site that moved its articles from /news/{id}-{slug}.html to
  /materials/{slug}-{id} (`switch`: the first article of the new shape); /news/ and /news/page/N/
  list both, newest first. Its feed moved from /rss.xml to /export/news.xml, which the front
  page announces.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from mirrors.server import CountingMirror, _slug

ALMATY = ZoneInfo("Asia/Almaty")
MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]

_PLACES = ["Павлодар", "Экибастуз", "Аксу", "Баянаул", "Щербакты", "Иртышск", "Железинка", "Успенка"]
_SUBJECTS = [
    ("Общество", "obshchestvo", ["жители микрорайона", "волонтёры", "родители школьников", "пенсионеры"],
     ["попросили отремонтировать двор", "собрали помощь для приюта", "обсудили новый маршрут автобуса",
      "получили ключи от квартир"]),
    ("Экономика", "ekonomika", ["фермеры", "предприниматели", "аграрии района", "строители"],
     ["получили льготные кредиты", "запустили новый цех", "завершили уборку зерновых", "сдали торговый центр"]),
    ("Происшествия", "proisshestviya", ["спасатели", "полицейские", "пожарные", "медики скорой помощи"],
     ["вытащили рыбака из полыньи", "нашли пропавшего грибника", "потушили склад", "приняли роды в машине"]),
    ("Спорт", "sport", ["борцы", "юные хоккеисты", "лыжники", "футболисты"],
     ["привезли медали с чемпионата", "открыли новый сезон", "провели турнир памяти тренера",
      "вышли в финал кубка"]),
]
_AUTHORS = ["Ирина Соколова", "Асель Нурланова", "Дмитрий Бергер", "Марат Жумабаев"]
_TRANSLIT_SECTION = {name: slug for name, slug, _, _ in _SUBJECTS}


def invent_articles(n: int, days: float, now: datetime, seed: str) -> dict[int, dict]:
    """`n` invented articles, 1 the oldest and n the newest, evenly over the last `days` days."""
    articles = {}
    for i in range(1, n + 1):
        rnd = random.Random(f"{seed}:{i}")
        section, section_slug, who, what = rnd.choice(_SUBJECTS)
        place = _PLACES[i % len(_PLACES)]
        subject, action = rnd.choice(who), rnd.choice(what)
        published = (now - timedelta(days=days) * (n - i) / max(1, n - 1) - timedelta(minutes=20 + i % 40))
        published = published.replace(second=0, microsecond=0)
        title = f"{place}: {subject} {action} ({i})"
        lead = f"В {place.replace('Павлодар', 'Павлодаре')} {subject} {action}, рассказали в местном акимате."
        paragraphs = [
            f"{place}. Как сообщили редакции, {subject} {action}; это уже {i}-й такой случай в этом году, "
            f"и горожане следят за ним с интересом.",
            f"По словам очевидцев, всё прошло спокойно. Подробности редакция уточняет у специалистов, "
            f"обращения принимают по телефону {rnd.randint(100, 999)}-{rnd.randint(10, 99)}-{rnd.randint(10, 99)}.",
            f"Напомним, что в районе {place} такие события обсуждают на собраниях жильцов каждый месяц, "
            f"а итоги публикуют на сайте акимата.",
        ]
        articles[i] = {
            "id": i, "title": title, "lead": lead, "body": "\n\n".join(paragraphs), "published": published,
            "section": section, "section_slug": section_slug, "author": rnd.choice(_AUTHORS),
            "tags": [place, section], "slug": _slug(f"{place} {subject} {action}"),
        }
    return articles


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _ru_date(when: datetime, year: bool = True) -> str:
    local = when.astimezone(ALMATY)
    text = f"{local.day} {MONTHS_GENITIVE[local.month - 1]}"
    return f"{text}{' ' + str(local.year) if year else ''}, {local:%H:%M}"


def _relative(when: datetime) -> str:
    """How a DLE template writes a date: today and yesterday by name, else in full."""
    local, today = when.astimezone(ALMATY), datetime.now(ALMATY).date()
    if local.date() == today:
        return f"Сегодня, {local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"Вчера, {local:%H:%M}"
    return _ru_date(local)


class _Generated(CountingMirror):
    """A generated site: `articles` ({id: fields}), `path(article)`, and `pages()` built per request."""

    def __init__(self, n: int, days: float, seed: str, now: datetime | None = None):
        self.now = now or datetime.now(ALMATY).replace(second=0, microsecond=0) - timedelta(hours=1)
        self.articles = invent_articles(n, days, self.now, seed)
        self.by_path = {}
        super().__init__(None, 0, name=type(self).__name__)
        self.by_path = {self.path(a): a for a in self.articles.values()}

    def path(self, article: dict) -> str:
        raise NotImplementedError

    def newest_first(self) -> list[dict]:
        return [self.articles[i] for i in sorted(self.articles, reverse=True)]

    def page_of(self, items: list[dict], page: int) -> tuple[list[dict], int] | None:
        """The items of listing page `page` (from 1) and how many pages there are; None past the last."""
        pages = -(-len(items) // self.PAGE_SIZE)
        if not 1 <= page <= pages:
            return None
        return items[(page - 1) * self.PAGE_SIZE: page * self.PAGE_SIZE], pages

    def url_of(self, article: dict) -> str:
        """The URL an unknown-site crawl archives the article under (the mirror's own)."""
        return self.base_url + self.path(article)

    def since(self, day: date) -> list[dict]:
        """The articles published on `day` or later (Kazakhstan days)."""
        return [a for a in self.articles.values() if a["published"].astimezone(ALMATY).date() >= day]

    def article_paths(self) -> set[str]:
        return set(self.by_path)

    def fetched_articles(self) -> dict[str, int]:
        """Requests per article page, for those requested."""
        return {path: n for path, n in self.requests.items() if unquote(path.split("?")[0]) in self.by_path}


# ------------------------------------------------------------------------------------------
# A city portal: cards, "Все новости" with ?page=N, a sitemap index with .xml.gz children
# ------------------------------------------------------------------------------------------

class PortalMirror(_Generated):
    PAGE_SIZE = 8

    def __init__(self, n: int = 40, days: float = 90, sitemap: bool = True, seed: str = "portal"):
        self.sitemap = sitemap
        super().__init__(n, days, seed)

    def path(self, article: dict) -> str:
        return f"/novosti/{article['section_slug']}/{article['slug']}-{4000 + article['id']}/"

    def _page(self, title: str, main: str, head: str = "") -> bytes:
        return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta name="viewport" content="width=device-width">{head}</head>
<body><header class="top"><a class="top__logo" href="/">Город-Инфо</a>
<nav class="top__nav"><a href="/novosti/">Все новости</a> <a href="/novosti/obshchestvo/">Общество</a>
<a href="/novosti/ekonomika/">Экономика</a> <a href="/o-proekte/">О проекте</a> <a href="/kontakty/">Контакты</a></nav>
</header>
<main>{main}</main>
<footer class="bottom">© 2026 Город-Инфо. Перепечатка с активной ссылкой.</footer></body></html>""".encode()

    def front(self) -> bytes:
        cards = "\n".join(
            f'<article class="card"><a class="card__link" href="{self.path(a)}"><h3>{_e(a["title"])}</h3></a>'
            f'<p class="card__meta">{_ru_date(a["published"], year=False)}</p></article>'
            for a in self.newest_first()[:6])
        return self._page("Город-Инфо — новости Павлодара", f'<section class="cards">{cards}</section>')

    def listing(self, page: int) -> bytes | None:
        found = self.page_of(self.newest_first(), page)
        if found is None:
            return None
        shown, pages = found
        rows = "\n".join(
            f'<div class="row"><span class="row__when">{_ru_date(a["published"], year=False)}</span> '
            f'<a class="row__title" href="{self.path(a)}">{_e(a["title"])}</a> '
            f'<span class="row__rubric">{_e(a["section"])}</span></div>'
            for a in shown)
        numbers = " ".join(f'<span class="pager__current">{n}</span>' if n == page else
                           f'<a href="/novosti/{"" if n == 1 else f"?page={n}"}">{n}</a>'
                           for n in range(max(1, page - 2), min(pages, page + 2) + 1))
        following = f' <a class="pager__next" href="/novosti/?page={page + 1}">Следующая →</a>' if page < pages else ""
        return self._page(f"Все новости — страница {page}",
                          f'<h1>Все новости</h1><div class="rows">{rows}</div><div class="pager">{numbers}{following}</div>')

    def article(self, a: dict) -> bytes:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
                "datePublished": a["published"].isoformat(), "author": {"@type": "Person", "name": a["author"]},
                "articleSection": a["section"], "keywords": ", ".join(a["tags"])}
        others = [o for o in self.newest_first() if o["id"] != a["id"]][:3]
        related = "".join(f'<li><a href="{self.path(o)}">{_e(o["title"])}</a></li>' for o in others)
        paragraphs = "".join(f"<p>{_e(p)}</p>" for p in a["body"].split("\n\n"))
        tags = ", ".join(f'<a href="/teg/{_slug(t)}/">{_e(t)}</a>' for t in a["tags"])
        main = f"""<article class="post">
<div class="post__crumbs"><a href="/">Главная</a> / <a href="/novosti/{a["section_slug"]}/">{_e(a["section"])}</a></div>
<h1 class="post__title">{_e(a["title"])}</h1>
<div class="post__when">{_ru_date(a["published"])}</div>
<p class="post__lead">{_e(a["lead"])}</p>
<div class="post__text">{paragraphs}</div>
<div class="post__tags">Теги: {tags}</div>
</article>
<aside class="more"><h4>Читайте также</h4><ul>{related}</ul></aside>"""
        head = (f'\n<meta name="description" content="{_e(a["lead"])}">'
                f'\n<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>')
        return self._page(f"{a['title']} — Город-Инфо", main, head)

    def months(self) -> dict[str, list[dict]]:
        months: dict[str, list[dict]] = {}
        for a in self.newest_first():
            months.setdefault(a["published"].astimezone(ALMATY).strftime("%Y-%m"), []).append(a)
        return months

    def child_name(self, month: str) -> str:
        newest_two = sorted(self.months())[-2:]
        return f"/sitemaps/novosti-{month}.xml" + (".gz" if month in newest_two else "")

    def sitemap_index(self) -> bytes:
        children = "".join(
            f"<sitemap><loc>{self.base_url}{self.child_name(month)}</loc>"
            f"<lastmod>{max(a['published'] for a in items).isoformat()}</lastmod></sitemap>"
            for month, items in sorted(self.months().items()))
        children += f"<sitemap><loc>{self.base_url}/sitemaps/razdely.xml</loc></sitemap>"
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{children}</sitemapindex>').encode()

    def urlset(self, entries: list[tuple[str, str | None]]) -> bytes:
        urls = "".join(f"<url><loc>{self.base_url}{path}</loc>" + (f"<lastmod>{when}</lastmod>" if when else "")
                       + "</url>" for path, when in entries)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>").encode()

    def lookup(self, target: str):
        parts = urlsplit(target)
        path, query = unquote(parts.path), parse_qs(parts.query)
        page_type = {"Content-Type": "text/html; charset=utf-8"}
        xml = {"Content-Type": "application/xml; charset=utf-8"}
        if path == "/robots.txt":
            lines = "User-agent: *\nDisallow: /poisk/\n" + (f"Sitemap: {self.base_url}/sitemap.xml\n" if self.sitemap else "")
            return 200, {"Content-Type": "text/plain"}, lines.encode()
        if path == "/":
            return 200, page_type, self.front()
        if path == "/novosti/":
            number = query.get("page", ["1"])[0]
            body = self.listing(int(number)) if number.isdigit() else None
            return (200, page_type, body) if body else None
        if path in self.by_path:
            return 200, page_type, self.article(self.by_path[path])
        sections = {f"/novosti/{a['section_slug']}/": a["section"] for a in self.articles.values()}
        if path in sections:  # a section's newest stories, no pager
            rows = "".join(f'<li><a href="{self.path(a)}">{_e(a["title"])}</a></li>'
                           for a in self.newest_first() if a["section"] == sections[path])
            return 200, page_type, self._page(sections[path], f"<h1>{_e(sections[path])}</h1><ul>{rows}</ul>")
        if path in ("/o-proekte/", "/kontakty/"):
            return 200, page_type, self._page("О проекте", "<p>Городской новостной портал. Пишите нам.</p>")
        if not self.sitemap:
            return None
        if path == "/sitemap.xml":
            return 200, xml, self.sitemap_index()
        if path == "/sitemaps/razdely.xml":
            return 200, xml, self.urlset([("/novosti/obshchestvo/", None), ("/novosti/ekonomika/", None),
                                          ("/o-proekte/", None)])
        for month, items in self.months().items():
            if path == self.child_name(month):
                body = self.urlset([(self.path(a), a["published"].isoformat()) for a in items])
                if path.endswith(".gz"):
                    return 200, {"Content-Type": "application/x-gzip"}, gzip.compress(body)
                return 200, xml, body
        return None


# ------------------------------------------------------------------------------------------
# A DataLife Engine site in windows-1251: /page/N/, RSS of the newest, day archive, no sitemap
# ------------------------------------------------------------------------------------------

class DleMirror(_Generated):
    PAGE_SIZE = 10
    FEED_SIZE = 10
    CHARSET = "windows-1251"

    def __init__(self, n: int = 80, days: float = 120, seed: str = "dle"):
        super().__init__(n, days, seed)

    def path(self, article: dict) -> str:
        return f"/{article['section_slug']}/{17000 + article['id']}-{article['slug']}.html"

    def _page(self, title: str, content: str, head: str = "") -> bytes:
        today = datetime.now(ALMATY).date()
        days_with_news = sorted({a["published"].astimezone(ALMATY).date() for a in self.articles.values()
                                 if a["published"].astimezone(ALMATY).date().replace(day=1) == today.replace(day=1)})
        calendar = " ".join(f'<a href="/{d:%Y/%m/%d}/" class="day-news">{d.day}</a>' for d in days_with_news)
        text = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={self.CHARSET}">
<title>{_e(title)}</title>
<meta name="generator" content="DataLife Engine (http://dle-news.ru)">
<link rel="alternate" type="application/rss+xml" title="Степной вестник" href="{self.base_url}/rss.xml">{head}
<script type="text/javascript" src="/engine/classes/js/jquery.js"></script>
</head><body><div class="wrap"><div class="head"><a href="/" class="logo">Степной вестник</a>
<ul class="menu"><li><a href="/obshchestvo/">Общество</a></li><li><a href="/ekonomika/">Экономика</a></li>
<li><a href="/proisshestviya/">Происшествия</a></li><li><a href="/sport/">Спорт</a></li></ul></div>
<div class="content" id="dle-content">{content}</div>
<div class="side"><div class="calendar">{today:%m.%Y}: {calendar}</div>
<div class="block">Курс валют: USD 512,40 · EUR 540,15</div></div>
<div class="foot">© Степной вестник, 2009–2026</div></div></body></html>"""
        return text.encode(self.CHARSET)

    def _short(self, a: dict) -> str:
        return f"""<div class="shortstory"><h2 class="shortstory-title"><a href="{self.path(a)}">{_e(a["title"])}</a></h2>
<div class="shortstory-info"><span class="ico-date">{_relative(a["published"])}</span> |
<a href="/{a["section_slug"]}/">{_e(a["section"])}</a> | <span class="ico-views">{100 + a["id"] * 7}</span></div>
<div class="shortstory-text">{_e(a["lead"])}</div><a class="more" href="{self.path(a)}">Подробнее</a></div>"""

    def listing(self, items: list[dict], page: int, base: str) -> bytes | None:
        found = self.page_of(items, page)
        if found is None:
            return None
        shown, pages = found
        shorts = "\n".join(self._short(a) for a in shown)
        numbers = " ".join(f"<span>{n}</span>" if n == page else
                           f'<a href="{base if n == 1 else f"{base}page/{n}/"}">{n}</a>' for n in range(1, pages + 1))
        following = f'<span class="pnext"><a href="{base}page/{page + 1}/">Вперед</a></span>' if page < pages else ""
        return self._page("Степной вестник — новости региона",
                          f'{shorts}<div class="navigation"><div class="pages">{numbers}</div>{following}</div>')

    def article(self, a: dict) -> bytes:
        paragraphs = "".join(f"<p>{_e(p)}</p>" for p in a["body"].split("\n\n"))
        tags = ", ".join(f'<a href="/tags/{_e(t)}/">{_e(t)}</a>' for t in a["tags"])
        content = f"""<div class="fullstory"><h1>{_e(a["title"])}</h1>
<div class="fullstory-info"><span class="ico-date">{_relative(a["published"])}</span>
<span class="ico-author">{_e(a["author"])}</span> <a href="/{a["section_slug"]}/">{_e(a["section"])}</a></div>
<div class="fullstory-text" id="news-id-{17000 + a["id"]}"><p><b>{_e(a["lead"])}</b></p>{paragraphs}</div>
<div class="fullstory-tags">Теги: {tags}</div>
<div class="share">Поделиться: <a href="#">VK</a> <a href="#">Telegram</a></div></div>"""
        head = (f'\n<meta property="og:title" content="{_e(a["title"])}">\n<meta property="og:type" content="article">'
                f'\n<meta name="description" content="{_e(a["lead"])}">')
        return self._page(f"{a['title']} » Степной вестник", content, head)

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{_e(a['title'])}</title><guid isPermaLink=\"true\">{self.base_url}{self.path(a)}</guid>"
            f"<link>{self.base_url}{self.path(a)}</link><description>{_e(a['lead'])}</description>"
            f"<category>{_e(a['section'])}</category><pubDate>{format_datetime(a['published'])}</pubDate></item>"
            for a in self.newest_first()[:self.FEED_SIZE])
        text = (f'<?xml version="1.0" encoding="{self.CHARSET}"?>\n<rss version="2.0"><channel>'
                f"<title>Степной вестник</title><link>{self.base_url}/</link><language>ru</language>{items}</channel></rss>")
        return text.encode(self.CHARSET)

    def lookup(self, target: str):
        path = unquote(urlsplit(target).path)
        page_type = {"Content-Type": f"text/html; charset={self.CHARSET}"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /engine/\nDisallow: /user/\n"
        if path == "/rss.xml":
            return 200, {"Content-Type": f"application/rss+xml; charset={self.CHARSET}"}, self.rss()
        if path in self.by_path:
            return 200, page_type, self.article(self.by_path[path])
        match = re.fullmatch(r"/(?:page/(\d+)/)?", path)
        if match:
            body = self.listing(self.newest_first(), int(match.group(1) or 1), "/")
            return (200, page_type, body) if body else None
        match = re.fullmatch(r"/(\d{4})/(\d{2})/(\d{2})/(?:page/(\d+)/)?", path)
        if match:
            day = "-".join(match.groups()[:3])
            items = [a for a in self.newest_first() if a["published"].astimezone(ALMATY).date().isoformat() == day]
            body = self.listing(items, int(match.group(4) or 1), "/" + "/".join(match.groups()[:3]) + "/")
            return (200, page_type, body) if body else None
        return None


# ------------------------------------------------------------------------------------------
# A site that moved its articles to a new URL shape (for site entries)
# ------------------------------------------------------------------------------------------

class SchemeMirror(_Generated):
    """Articles 1..switch-1 at /news/{id}-{slug}.html, switch..n at /materials/{slug}-{id}."""

    PAGE_SIZE = 10
    domain = "vestnik-irtysh.kz"
    base_real = "https://vestnik-irtysh.kz"
    OLD = r"^/news/\d+-[a-z0-9-]+\.html$"
    NEW = r"^/materials/[a-z0-9-]+-\d+$"

    def __init__(self, n: int = 60, days: float = 25, switch: int = 35, seed: str = "scheme"):
        self.switch = switch
        super().__init__(n, days, seed)

    def path(self, article: dict) -> str:
        if article["id"] < self.switch:
            return f"/news/{900 + article['id']}-{article['slug']}.html"
        return f"/materials/{article['slug']}-{900 + article['id']}"

    def real_url(self, article: dict) -> str:
        return self.base_real + self.path(article)

    def entry(self, name: str, patterns: list[str]) -> str:
        """A site entry (TOML) for this site that knows the given article URL shapes."""
        listed = ", ".join(f"'{p}'" for p in patterns)
        return f"""name = "{name}"
domain = "{self.domain}"
base_url = "{self.base_real}"
title = "Вестник Прииртышья"
region = "Павлодарская область"
article_patterns = [{listed}]
date_formats = ["12.11.2026 10:25"]

[discovery]
feeds = ["/rss.xml"]
listings = ["/news/"]
"""

    def _page(self, title: str, content: str, head: str = "") -> bytes:
        return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{_e(title)}</title>
<link rel="alternate" type="application/rss+xml" title="Новости" href="/export/news.xml">{head}</head>
<body><div class="masthead"><a href="/">Вестник Прииртышья</a> <a href="/news/">Лента</a> <a href="/o-gazete/">О газете</a></div>
<div class="page">{content}</div><div class="foot">Вестник Прииртышья, 2026</div></body></html>""".encode()

    def listing(self, page: int) -> bytes | None:
        found = self.page_of(self.newest_first(), page)
        if found is None:
            return None
        shown, pages = found
        rows = "\n".join(
            f'<li class="feed-item"><span class="feed-item__date">{a["published"].astimezone(ALMATY):%d.%m.%Y %H:%M}</span> '
            f'<a href="{self.path(a)}">{_e(a["title"])}</a></li>'
            for a in shown)
        pager = " ".join(f"<b>{n}</b>" if n == page else f'<a href="/news/{"" if n == 1 else f"page/{n}/"}">{n}</a>'
                         for n in range(1, pages + 1))
        return self._page("Лента новостей", f'<ul class="feed">{rows}</ul><div class="pager">{pager}</div>')

    def article(self, a: dict) -> bytes:
        paragraphs = "".join(f"<p>{_e(p)}</p>" for p in a["body"].split("\n\n"))
        head = (f'\n<meta property="og:title" content="{_e(a["title"])}">'
                f'\n<meta property="article:published_time" content="{a["published"].isoformat()}">')
        content = (f'<article><h1>{_e(a["title"])}</h1><time datetime="{a["published"].isoformat()}">'
                   f'{a["published"].astimezone(ALMATY):%d.%m.%Y %H:%M}</time><p class="lead">{_e(a["lead"])}</p>'
                   f'<div class="text">{paragraphs}</div></article>')
        return self._page(a["title"], content, head)

    def rss(self) -> bytes:
        items = "".join(f"<item><title>{_e(a['title'])}</title><link>{self.base_real}{self.path(a)}</link>"
                        f"<pubDate>{format_datetime(a['published'])}</pubDate></item>" for a in self.newest_first()[:10])
        return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Вестник Прииртышья</title>'
                f"{items}</channel></rss>").encode()

    def lookup(self, target: str):
        path = unquote(urlsplit(target).path)
        page_type = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"
        if path == "/export/news.xml":
            return 200, {"Content-Type": "application/rss+xml"}, self.rss()
        if path == "/":
            return 200, page_type, self._page("Вестник Прииртышья", '<p>Главная. <a href="/news/">Все новости</a></p>')
        if path in self.by_path:
            return 200, page_type, self.article(self.by_path[path])
        match = re.fullmatch(r"/news/(?:page/(\d+)/)?", path)
        if match:
            body = self.listing(int(match.group(1) or 1))
            return (200, page_type, body) if body else None
        return None

    def listing_pages(self) -> list[list[dict]]:
        """The articles of each listing page, page 1 first."""
        items = self.newest_first()
        return [items[k:k + self.PAGE_SIZE] for k in range(0, len(items), self.PAGE_SIZE)]
