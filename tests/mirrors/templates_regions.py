"""Page templates of the regional outlets' mirrors (issue 19), one per region: written for this
project from what ../shared/SITES-regions.md says of each site (URL shapes, feeds, CMS, date formats,
credit lines, furniture, current-date headers). Where it says nothing (most markup), the markup is the
CMS's ordinary one or a plain invented one, and the entry has no selectors: the generic extractor
reads these pages, as it would read the real ones.

A current-date header is written `{{today:ENCODING:FORMAT}}` (newsarchive.ops.mirror.render_today):
the mirror serves today's date there, as the real sites do.
"""

from __future__ import annotations

from urllib.parse import quote

from templates import (
    MONTHS_KK,
    MONTHS_NOM,
    E,
    Generic,
    head,
    is_relative,
    iso,
    og,
    paras,
    pub,
    ru_date,
    simple_listing,
    taglinks,
)

WEEKDAYS_SHORT = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
WEEKDAYS_SHORT_KK = ["Дс", "Сс", "Ср", "Бс", "Жм", "Сб", "Жс"]


def today(fmt: str, encoding: str = "utf-8") -> str:
    """Today's date as the mirror serves it (see the module docstring)."""
    return "{{today:%s:%s}}" % (encoding, fmt)


def figures(site, a: dict, cls: str = "wp-caption") -> str:
    return "".join(
        f'<figure class="{cls}"><img src="{E(u)}" alt="{E(c)}"><figcaption>{E(c)}</figcaption></figure>'
        for u, c in a.get("images", [])
    )


def og_image(site, a: dict) -> str:
    if not a.get("images"):
        return ""
    src = a["images"][0][0]
    return f'<meta property="og:image" content="{E(src if src.startswith("http") else site.base_url + src)}">'


class Regional(Generic):
    """A regional outlet's mirror; `shows_date = False`: its article pages show no publication date."""

    shows_date = True

    def expected(self, site, a):
        exp = super().expected(site, a)
        if not self.shows_date:
            exp["published_at"] = None
        return exp

    def row(self, site, a) -> str:
        return f'<div class="news-item"><a href="{E(a["path"])}">{E(a["title"])}</a></div>'


# -- semey.city: city portal; today's date on every page; no publication date -------------------

SEMEY_TOP = (
    '<div class="top-widgets"><div class="weather">Погода в Семее <b>-6°С</b> в Семее Ясно '
    '<span>давление: 755 мм.рт.ст.</span></div>'
    '<div class="currency">USD<b>512.40</b> EUR<b>538.10</b> RUB<b>5.12</b> CNY<b>71.30</b></div></div>\n'
    '<div class="social-login">Авторизуйтесь через социальную сеть: <a href="/login/google">Google</a>'
    '<a href="/login/mailru">Mailru</a><a href="/login/ok">Odnoklassniki</a><a href="/login/vk">Vkontakte</a>'
    '<a href="/login/yandex">Yandex</a></div>\n'
    f'<div class="date-today">Сегодня {today("{day} {mon} {y}")} года, {today("{wd}")}</div>'
)
SEMEY_BOTTOM = """<div class="like-share">Понравилась статья? Поделитесь с друзьями!</div>
<div class="aphorism"><h3>Афоризм дня</h3><p>Кто рано встаёт, тот успевает прочитать все новости до завтрака.</p></div>
<div class="archive"><h3>Архив новостей</h3><a href="/novosti-semeya/?date=2026-11">Ноябрь 2026</a> <a href="/novosti-semeya/?date=2026-10">Октябрь 2026</a></div>
<div class="editorial"><h3>От редакции</h3><p>Использование материалов возможно только при наличии активной ссылки на городской портал «Семей Сити».</p>
<p>Редакция не несет ответственности за содержание рекламных объявлений, статей и комментариев.</p></div>"""


class Semey(Regional):
    listing = "/novosti-semeya/"
    renders = frozenset()
    shows_date = False

    def article(self, site, a):
        return head(site, a, title_suffix=" - Новости Семея") + f"""<body>
<div class="page">
<header class="site-head"><a href="/" class="logo">Семей Сити</a> <a href="/novosti-semeya/">Новости</a> <a href="/afisha/">Афиша</a></header>
{SEMEY_TOP}
<div class="main">
<div class="section-title">Новости Семея</div>
<div class="news-view">
<h1>{E(a["title"])}</h1>
<div class="news-text">
{paras(a)}
</div>
</div>
{SEMEY_BOTTOM}
</div>
<footer>© Семей Сити</footer>
</div></body></html>
"""

    def listing_page(self, site, arts, n, total, path):
        rows = [f'<div class="news-item"><a href="{E(a["path"])}">{E(a["title"])}</a></div>' for a in arts]
        return (f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>Новости Семея</title></head>\n'
                f'<body>{SEMEY_TOP}\n<h1>Новости Семея</h1>\n<div class="news-list">\n' + "\n".join(rows)
                + f"\n</div>\n{SEMEY_BOTTOM}\n</body></html>\n")


# -- WordPress sites --------------------------------------------------------------------------------

class WordPress(Regional):
    """WordPress with an ordinary theme: entry-title, entry-content, rel=tag links, the feed it advertises."""

    feed = "/feed/"
    feed_index = "index.xml"
    listing = "/"
    site_name = ""
    generator = '<meta name="generator" content="WordPress 6.6.2">'
    date_format = "{d}.{m}.{y} {H}:{M}"
    meta_dates = False  # article:published_time (an SEO plugin) in the head
    header_extra = ""   # what the theme prints above the story (a current-date header)

    def head_meta(self, site, a) -> str:
        out = [self.generator, self.feed_link(site)]
        out.append(og(site, a, dates=self.meta_dates) if "lead" in self.renders else
                   f'<meta property="og:title" content="{E(a["title"])}">')
        if "images" in self.renders:
            out.append(og_image(site, a))
        return "\n".join(filter(None, out))

    def feed_link(self, site) -> str:
        if not self.feed:
            return ""
        return f'<link rel="alternate" type="application/rss+xml" title="{E(site.title)}" href="{site.base_url}{self.feed}">'

    def visible_date(self, site, a) -> str:
        return f'<span class="posted-on">{ru_date(a, self.date_format)}</span>'

    def byline(self, site, a) -> str:
        if "author" not in self.renders or not a.get("author"):
            return ""
        slug = quote(a.get("author_slug", "redakciya"))
        return f' <span class="byline"><span class="author vcard"><a class="url fn n" href="/author/{slug}/">{E(a["author"])}</a></span></span>'

    def body(self, site, a) -> str:
        return paras(a)

    def article(self, site, a):
        tags = ""
        if "tags" in self.renders and a.get("tags"):
            links = taglinks(a, "/tag/{}/", ' rel="tag"')
            tags = f'<div class="entry-tags">Метки: {links}</div>'
        imgs = figures(site, a) if "images" in self.renders else ""
        return head(site, a, self.head_meta(site, a), title_suffix=f" – {self.site_name or site.title}") + f"""<body class="post-template-default single single-post">
<div id="page" class="site">
<header id="masthead" class="site-header"><a href="/" rel="home">{E(self.site_name or site.title)}</a>{self.header_extra}
<nav class="main-navigation"><a href="/category/novosti/">Новости</a> <a href="/category/obshhestvo/">Общество</a> <a href="/category/ekonomika/">Экономика</a></nav></header>
<div id="content" class="site-content"><main id="main" class="site-main">
<article class="post type-post status-publish format-standard hentry">
<header class="entry-header"><h1 class="entry-title">{E(a["title"])}</h1>
<div class="entry-meta">{self.visible_date(site, a)}{self.byline(site, a)}</div></header>
<div class="entry-content">
{imgs}
{self.body(site, a)}
</div>
{tags}
</article>
<nav class="post-navigation"><a href="/" rel="prev">Предыдущая запись</a></nav>
</main>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Свежие записи</h2>
<ul><li><a href="/">На главную</a></li></ul></section></aside>
</div>
<footer class="site-footer">© {E(self.site_name or site.title)}. При использовании материалов ссылка обязательна.</footer>
</div></body></html>
"""

    def row(self, site, a) -> str:
        return (f'<article class="post"><h2 class="entry-title"><a href="{E(a["path"])}" rel="bookmark">{E(a["title"])}</a></h2>'
                f'<div class="entry-summary"><p>{E(a["paragraphs"][0][:120])}… <a href="{E(a["path"])}" class="more-link">Читать далее</a></p></div></article>')

    def listing_page(self, site, arts, n, total, path):
        feed = self.feed_link(site)
        rows = "\n".join(self.row(site, a) for a in arts)
        nav = " ".join(f'<a class="page-numbers" href="{self.page_url(k)}">{k}</a>'
                       for k in range(1, total + 1) if k != n) if self.pagination else ""
        return (f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>{E(self.site_name or site.title)}</title>\n'
                f'{self.generator}\n{feed}</head>\n<body class="home blog"><header class="site-header"><a href="/">{E(site.title)}</a>'
                f'{self.header_extra} <a href="/category/novosti/">Новости</a></header>\n<main class="site-main">\n{rows}\n'
                f'<nav class="navigation pagination">{nav}</nav></main></body></html>\n')


# -- akmolinform.kz (Kokshetau): WordPress, "jj" slugs, a current-date header -------------------------

class Akmolinform(WordPress):
    renders = frozenset({"lead", "author", "tags"})
    date_format = "{d}.{m}.{y}, {H}:{M}"
    header_extra = f' <div class="header-date">{today("{Wd}, {day} {mon}")}</div>'


# -- diapazon.kz (Aktobe): og:type=website, no article markup, /all-news -----------------------------

class Diapazon(Regional):
    listing = "/all-news"
    renders = frozenset({"lead", "author"})
    robots_disallow = ("/admin/", "/search")

    def article(self, site, a):
        meta = (f'<meta property="og:type" content="website">\n<meta property="og:title" content="{E(a["title"])}">\n'
                f'<meta property="og:description" content="{E(a["lead"])}">\n'
                f'<meta property="og:url" content="{site.base_url}{E(a["path"])}">')
        return head(site, a, meta, title_suffix=" | Диапазон") + f"""<body>
<header class="header"><a href="/" class="logo">Диапазон</a> <span class="tagline">Газета для тех, кто думает · Ойлайтындарға арналған газет</span>
<nav><a href="/all-news">Все новости</a> <a href="/search">Поиск</a></nav></header>
<main class="article-page">
<h1 class="article-title">{E(a["title"])}</h1>
<div class="article-info"><span class="article-date">{ru_date(a, "{d}.{m}.{y}, {H}:{M}")}</span> <span class="article-views">{a.get("views", 1295)} просмотров</span></div>
<div class="article-body">
{paras(a)}
</div>
<div class="article-author">Автор — {E(a["author"])}</div>
<div class="article-comments"><h3>Комментарии 0</h3></div>
</main>
<footer>© «Диапазон», Актобе</footer>
</body></html>
"""

    def row(self, site, a) -> str:
        return (f'<div class="news-card"><a class="news-card__title" href="{E(a["path"])}">{E(a["title"])}</a>'
                f'<span class="news-card__views">{a.get("views", 1295)} просмотров</span></div>')


# -- ognialatau.kz: a current-date header; date and views after the headline; "Другие новости" ----------

class Ognialatau(Regional):
    listing = "/"
    renders = frozenset()
    OTHER = (("/news/cat-1/31012", "В Талгаре благоустроят сквер у районного акимата", "02.10.2026", 311),
             ("/news/cat-8/30987", "Жители Есика обсудили ремонт водопровода", "29.09.2026", 187))

    def top(self) -> str:
        return f'<div class="top-line"><span class="current-date">{today("{Wd}, {d} {Mon} {y}")}</span> <a href="/">Огни Алатау</a></div>'

    def article(self, site, a):
        other = "\n".join(f'<li><a href="{p}">{E(t)}</a> <span class="date">{d}</span> <span class="views">{v}</span></li>'
                          for p, t, d, v in self.OTHER)
        return head(site, a, title_suffix=" - Огни Алатау") + f"""<body>
{self.top()}
<div class="menu"><a href="/">Главная</a> <a href="/news/cat-1">Новости</a> <a href="/news/cat-12">Регион</a></div>
<div class="news-full">
<h1>{E(a["title"])}</h1>
<div class="news-info"><span>{ru_date(a, "{d}.{m}.{y}")}</span> <span class="views">{a.get("views", 106)}</span></div>
<div class="news-body">
{paras(a)}
</div>
</div>
<div class="other-news"><h3>Другие новости</h3><ul>
{other}
</ul></div>
</body></html>
"""

    def listing_page(self, site, arts, n, total, path):
        rows = [f'<div class="news-item"><a href="{E(a["path"])}">{E(a["title"])}</a> <span class="date">{ru_date(a, "{d}.{m}.{y}")}</span></div>'
                for a in arts]
        return (f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>Огни Алатау</title></head>\n<body>{self.top()}\n'
                '<main class="news-list">\n' + "\n".join(rows) + "\n</main></body></html>\n")


# -- azh.kz (Atyrau): a weather, currency and clock bar; /ru/news/view/{id}; ?page=N ------------------

class Azh(Regional):
    listing = "/ru/news/in-atyrau"
    pagination = "/ru/news/in-atyrau?page={n}"
    renders = frozenset({"images"})

    def bar(self) -> str:
        return (f'<div class="info-bar"><span class="info-bar__date">Атырау, {today("{day} {mon} {H}:{M}")}</span> '
                '<span class="info-bar__weather">-4°C</span> <span class="info-bar__rates">USD 512.40 EUR 538.10</span></div>')

    def article(self, site, a):
        return head(site, a, f'<meta property="og:title" content="{E(a["title"])}">\n' + og_image(site, a),
                    title_suffix=" | Ак Жайык") + f"""<body>
{self.bar()}
<header><a href="/ru">Ак Жайык</a> <a href="/ru/news/in-atyrau">В Атырау</a> <a href="/ru/news/neft-i-gaz">Нефть и газ</a> <a href="/kz">Қазақша</a> <a href="/en">English</a></header>
<div class="news-view">
<h1>{E(a["title"])}</h1>
<div class="news-view__meta"><span class="news-view__date">{ru_date(a, "{day} {mon} {y}, {H}:{M}")}</span> <span>{a.get("views", 3040)} просмотров</span> <span>1 комментарий</span></div>
{figures(site, a, "news-view__photo")}
<div class="news-view__text">
{paras(a)}
</div>
</div>
</body></html>
"""

    def listing_page(self, site, arts, n, total, path):
        rows = [f'<div class="news-row"><a href="{E(a["path"])}">{E(a["title"])}</a> <span class="views">{a.get("views", 3040)} просмотров</span></div>'
                for a in arts]
        nav = " ".join(f'<a href="{self.page_url(k)}">{k}</a>' for k in range(1, total + 1) if k != n)
        return (f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>В Атырау | Ак Жайык</title></head>\n<body>{self.bar()}\n'
                '<main class="news-list">\n' + "\n".join(rows) + f'\n</main><div class="pager">{nav}</div></body></html>\n')


# -- mgorod.kz (Uralsk) -------------------------------------------------------------------------------------

class Mgorod(Regional):
    listing = "/news"
    renders = frozenset({"lead", "author", "tags", "images"})

    def article(self, site, a):
        return head(site, a, og(site, a, dates=False), title_suffix=" - Мой ГОРОД") + f"""<body>
<header class="header"><a href="/">Мой ГОРОД</a> <a href="/news">Новости</a> <a href="https://t.me/mgorod_kz">Telegram</a></header>
<main class="news-detail">
<h1 class="news-detail__title">{E(a["title"])}</h1>
<div class="news-detail__meta"><span class="news-detail__date">{ru_date(a, "{d}.{m}.{y} {H}:{M}")}</span> <span class="news-detail__author">{E(a["author"])}</span></div>
{figures(site, a, "news-detail__image")}
<div class="news-detail__text">
{paras(a)}
</div>
<div class="news-detail__tags">{taglinks(a, "/tags/{}")}</div>
<div class="share">Поделиться: WhatsApp Telegram</div>
</main>
</body></html>
"""


# -- 77tv.kz (Taraz): WordPress; transliterated or Cyrillic slugs; "9 Май 2025, Пт" ----------------------

class TV77(WordPress):
    renders = frozenset({"tags", "images"})
    site_name = "77 TV"

    def visible_date(self, site, a) -> str:
        d = pub(a)
        kk = a.get("language") == "kk"
        months, days = (MONTHS_KK, WEEKDAYS_SHORT_KK) if kk else (MONTHS_NOM, WEEKDAYS_SHORT)
        text = f"{d.day} {months[d.month - 1].capitalize()} {d.year}, {days[d.weekday()]}"
        return f'<span class="td-post-date">{text}</span>'


# -- zhetysutv.kz (light): WordPress with a language plugin, /ru/novosti-ru/{slug}/ -------------------------

class Zhetysutv(WordPress):
    feed = "/ru/feed/"
    listing = "/ru/"
    renders = frozenset({"tags"})
    site_name = "Жетысу TV"

    def visible_date(self, site, a) -> str:
        return f'<time class="entry-date published" datetime="{iso(pub(a))}">{ru_date(a, "{d}.{m}.{y}")}</time>'



# -- ekaraganda.kz: ?id=N&mod=news_read, rss.php, windows-1251 (inferred), "Лента событий" ------------------

class Ekaraganda(Regional):
    feed = "/rss.php"
    renders = frozenset({"author"})
    ENC = "windows-1251"

    def lenta(self) -> str:
        return ('<div class="lenta"><h3>Лента событий</h3><div class="lenta-day">Вчера</div>'
                '<div class="lenta-item"><a href="/?id=154100&amp;mod=news_read">В Темиртау откроют новый каток</a></div>'
                '<div class="lenta-day">10 марта</div><div class="lenta-item"><a href="/?id=153998&amp;mod=news_read">'
                'Жители Сарани пожаловались на автобусы</a></div></div>')

    def article(self, site, a):
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={self.ENC}">'
        date = ru_date(a, "{day} {Mon}, {y} {H}:{M}") if not is_relative(a) else a["published"]
        return head(site, a, meta, charset=None, title_suffix=" - eKaraganda") + f"""<body>
<div class="header"><a href="/">eKaraganda.kz</a> <a href="/?mod=news">Новости</a> <a href="https://tv.ekaraganda.kz/">ТВ</a></div>
<table class="layout"><tr><td class="center">
<div class="news-read">
<h1>{E(a["title"])}</h1>
<div class="news-date">{E(date)}</div>
<div class="news-text">
{paras(a)}
</div>
<div class="news-author">Автор: {E(a["author"])}</div>
</div>
<div class="poll"><h3>Опрос</h3><p>Как вы оцениваете работу общественного транспорта?</p><label>Хорошо</label> <label>Плохо</label></div>
</td><td class="right">
{self.lenta()}
</td></tr></table>
</body></html>
"""

    def build(self, site, arts):
        pages = super().build(site, arts)
        for (path, _), page in pages.files.items():
            if path == self.feed:
                page.content = page.content.replace('encoding="utf-8"', f'encoding="{self.ENC}"')
                page.headers = {"Content-Type": f"application/rss+xml; charset={self.ENC}"}
            elif path != "/robots.txt":
                page.headers = {"Content-Type": f"text/html; charset={self.ENC}"}
            if path != "/robots.txt":
                page.encoding = self.ENC
        return pages

    def expected(self, site, a):
        exp = super().expected(site, a)
        exp["encoding"] = self.ENC
        exp["declared_charset"] = self.ENC
        return exp


# -- kzvesti.kz (Kyzylorda): WordPress; /{category}/{slug}-{id} ----------------------------------------

class Kzvesti(WordPress):
    renders = frozenset({"author", "tags", "images"})
    site_name = "Кызылординские вести"


# -- pkzsk.info (Petropavl): WordPress; month, day and year in separate elements ---------------------------

MONTHS_SHORT = ["Янв", "Фев", "Мар", "Апр", "Май", "Июн", "Июл", "Авг", "Сен", "Окт", "Ноя", "Дек"]


class Pkzsk(WordPress):
    renders = frozenset({"author", "tags"})
    site_name = "Петропавловск.news"

    def date_widget(self, a) -> str:
        d = pub(a)
        return (f'<div class="post-date"><span class="post-date__month">{MONTHS_SHORT[d.month - 1]}</span>'
                f'<span class="post-date__day">{d.day}</span><span class="post-date__year">{d.year}</span></div>')

    def visible_date(self, site, a) -> str:
        return self.date_widget(a)

    def row(self, site, a) -> str:
        return (f'<article class="post">{self.date_widget(a)} by <a href="/author/{quote(a.get("author_slug", "redakciya"))}/">'
                f'{E(a.get("author") or "Редакция")}</a><h2><a href="{E(a["path"])}">{E(a["title"])}</a></h2>'
                f'<p>{E(a["paragraphs"][0][:100])} <a href="{E(a["path"])}">(далее…)</a></p></article>')


# -- yujanka.kz (light): WordPress with an SEO plugin -------------------------------------------------------

class Yujanka(WordPress):
    renders = frozenset({"lead", "tags"})
    meta_dates = True
    site_name = "Южный Казахстан"

    def visible_date(self, site, a) -> str:
        return f'<time class="entry-date published" datetime="{iso(pub(a))}">{ru_date(a, "{day} {mon} {y}")}</time>'


# -- saryarqa.info (light, Kazakh) ------------------------------------------------------------------------

class Saryarqa(Regional):
    listing = "/"
    renders = frozenset()

    def article(self, site, a):
        return head(site, a, title_suffix=" | Сарыарқа") + f"""<body>
<header class="header"><a href="/">Сарыарқа</a> <a href="/news/qogam">Қоғам</a> <a href="/news/saiasat">Саясат</a></header>
<main class="news">
<h1>{E(a["title"])}</h1>
<div class="news-date">{ru_date(a, "{day} {kk} {y}, {H}:{M}")}</div>
<div class="news-content">
{paras(a)}
</div>
</main>
<footer>© Сарыарқа. Барлық құқықтар қорғалған.</footer>
</body></html>
"""

    def listing_page(self, site, arts, n, total, path):
        rows = [f'<div class="news-item"><a href="{E(a["path"])}">{E(a["title"])}</a></div>' for a in arts]
        return simple_listing(site, "Жаңалықтар", rows, extra_links='<a href="/news/qogam">Қоғам</a>')


# -- vechastana.kz (Astana): WordPress; /{slug}/ and /news/{slug} ------------------------------------------

class Vechastana(WordPress):
    renders = frozenset({"lead", "author", "tags", "images"})
    meta_dates = True
    site_name = "Вечерняя Астана"

    def visible_date(self, site, a) -> str:
        return f'<span class="posted-on">{ru_date(a, "{day} {mon} {y}")}</span>'


# -- vecher.kz (Almaty): /ru/article/{slug}.html; image_750x_{hex} -------------------------------------------

class Vecher(Regional):
    listing = "/ru/"
    renders = frozenset({"lead", "author", "images"})

    def article(self, site, a):
        meta = og(site, a, dates=False)
        return head(site, a, meta, title_suffix=" | Вечерний Алматы") + f"""<body>
<header class="header"><a href="/ru/">Вечерний Алматы</a> <a href="/kz/">Қазақша</a> <a href="/ru/news/">Новости</a></header>
<main class="article">
<h1 class="article__title">{E(a["title"])}</h1>
<div class="article__meta"><span class="article__date">{ru_date(a, "{d}.{m}.{y}, {H}:{M}")}</span> <span class="article__author">{E(a["author"])}</span></div>
{figures(site, a, "article__image")}
<div class="article__text">
{paras(a)}
</div>
</main>
<footer>© «Вечерний Алматы»</footer>
</body></html>
"""


# -- otyrar.kz (Shymkent): WordPress; /YYYY/MM/{slug}/; /page/N/?cat=-1; [youtube] shortcodes leak -----------

class Otyrar(WordPress):
    feed = None  # a WordPress feed is likely, but none was seen: the entry reads the listing
    pagination = "/page/{n}/?cat=-1"
    renders = frozenset({"tags", "images"})
    meta_dates = True
    site_name = "Отырар"
    page_size = 2

    def head_meta(self, site, a) -> str:
        return super().head_meta(site, a) + f'\n<meta property="article:published_time" content="{iso(pub(a))}">'

    def visible_date(self, site, a) -> str:
        return f'<time datetime="{iso(pub(a))}">{ru_date(a, "{d}.{m}.{y}")}</time>'

    def body(self, site, a) -> str:
        out = paras(a).split("\n")
        if a.get("shortcode"):  # the raw shortcode of an embedded video, as the theme leaks it
            out.insert(a.get("shortcode_at", 1), f"<p>{E(a['shortcode'])}</p>")
        return "\n".join(out)

    def listing_page(self, site, arts, n, total, path):
        page = super().listing_page(site, arts, n, total, path)
        crumbs = f'<div class="breadcrumbs"><a href="/">На главную</a> » Блог » Страница {n}</div>' if n > 1 else ""
        return page.replace('<main class="site-main">', f'<main class="site-main">{crumbs}')



# -- avestnik.kz (Aktobe): WordPress, the paper's heading on every page, [divider] leaks ----------------------

class Avestnik(WordPress):
    renders = frozenset({"author", "tags"})
    site_name = "Актюбинский вестник"
    header_extra = (' <div class="site-description">Областная газета «Актюбинский вестник» / Все новости Актобе '
                    'и Актюбинской области</div>')

    def visible_date(self, site, a) -> str:
        return f'<time class="entry-date published" datetime="{iso(pub(a))}">{ru_date(a, "{d}.{m}.{y}")}</time>'

    def body(self, site, a) -> str:
        out = paras(a).split("\n")
        out.insert(len(out) - 1, "<p>[divider]</p>")  # the theme's shortcode, unexpanded
        return "\n".join(out)


# -- kokshetoday.kz (light): only its WordPress feed ------------------------------------------------------

class Kokshetoday(WordPress):
    listing = None
    renders = frozenset({"author"})
    site_name = "Кокшетау Сегодня"

    def visible_date(self, site, a) -> str:
        return f'<time class="entry-date published" datetime="{iso(pub(a))}">{ru_date(a, "{day} {mon} {y}")}</time>'


# -- panorama.shymkala.kz (light): Joomla K2, "Среда, 01 Ноябрь 2023 04:52" ----------------------------------

WEEKDAYS = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]


class Panorama(Regional):
    listing = "/"
    renders = frozenset({"author"})

    def article(self, site, a):
        d = pub(a)
        date = f"{WEEKDAYS[d.weekday()]}, {d.day:02d} {MONTHS_NOM[d.month - 1]} {d.year} {d:%H:%M}"
        meta = (f'<meta name="generator" content="Joomla! - Open Source Content Management">\n'
                f'<meta property="og:title" content="{E(a["title"])}">')
        return head(site, a, meta, title_suffix=" - Панорама Шымкента") + f"""<body>
<div id="header"><a href="/">Панорама Шымкента</a> <a href="/index.php/society">Общество</a> <a href="/index.php/culture">Культура</a></div>
<div id="k2Container" class="itemView">
<div class="itemHeader"><span class="itemDateCreated">{date}</span>
<h2 class="itemTitle">{E(a["title"])}</h2>
<span class="itemAuthor">Автор: <a rel="author" href="/index.php/society/itemlist/user/{a.get("author_id", 177)}-{a.get("author_slug", "redakciya")}">{E(a["author"])}</a></span></div>
<div class="itemBody"><div class="itemFullText">
{paras(a)}
</div></div>
<div class="itemLinks"><div class="itemCategory">Опубликовано в <a href="/index.php/society">Общество</a></div></div>
</div>
</body></html>
"""

    def listing_page(self, site, arts, n, total, path):
        rows = [f'<div class="catItemView"><h3 class="catItemTitle"><a href="{E(a["path"])}">{E(a["title"])}</a></h3>'
                f'<a class="k2ReadMore" href="{E(a["path"])}">Подробнее...</a></div>' for a in arts]
        return simple_listing(site, "Панорама Шымкента", rows,
                              extra_links='<a href="/index.php/culture/itemlist/user/177-galinagepman">Галина Гепман</a>')


# -- uralskweek.kz (light): no date markup (the day is in the URL), the title only in <title> ---------------

class Uralskweek(Regional):
    listing = "/"
    renders = frozenset()

    def article(self, site, a):
        return head(site, a, '<meta name="generator" content="WordPress 6.5">', title_suffix=" | Уральская неделя") + f"""<body>
<div class="logo"><a href="/">Уральская неделя</a></div>
<div class="top-banner"><p>AltynCar-қауіпсіздік</p><p>Автосалон в Уральске: кредит без первого взноса</p></div>
<div class="main-column">
<p class="rubric"><a href="/category/novosti/">Новости</a></p>
<p class="views">Просмотров: 418</p>
<div class="post-text">
{paras(a)}
</div>
<form class="antispam"><p>Enter something special:</p><p>Please enter an answer in digits: 3 + 4 =</p></form>
</div>
</body></html>
"""


SPECS = {
    "semey": Semey(),
    "akmolinform": Akmolinform(),
    "diapazon": Diapazon(),
    "ognialatau": Ognialatau(),
    "azh": Azh(),
    "mgorod": Mgorod(),
    "tv77": TV77(),
    "zhetysutv": Zhetysutv(),
    "ekaraganda": Ekaraganda(),
    "kzvesti": Kzvesti(),
    "pkzsk": Pkzsk(),
    "yujanka": Yujanka(),
    "saryarqa": Saryarqa(),
    "vechastana": Vechastana(),
    "vecher": Vecher(),
    "otyrar": Otyrar(),
    "avestnik": Avestnik(),
    "kokshetoday": Kokshetoday(),
    "panorama": Panorama(),
    "uralskweek": Uralskweek(),
}
