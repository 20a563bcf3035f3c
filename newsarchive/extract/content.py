"""The main text of a page: blocks scored by text density, link density, punctuation and position.

The page is cut into text blocks (paragraph-like runs of text, like jusText). Each block is judged on
its own (long prose, short line, link list, boilerplate phrase); prose blocks vote for their ancestors
(like readability), the best-voted container plus its prose-like siblings is the article, and its
blocks are kept when they, or their neighbours, read like prose.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsarchive.defaults import BLOCK_LONG_CHARS, BLOCK_SHORT_CHARS, MAX_LINK_DENSITY

from .tree import select, text_of

DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "button",
    "input", "select", "textarea", "option", "head", "map", "audio", "video", "source", "dialog", "math",
)
# Landmarks that never hold the story on their own.
DROP_LANDMARKS = ("nav", "aside", "footer", "menu")
BLOCK_TAGS = frozenset(
    "p div section article main td th tr table tbody thead tfoot li ul ol dl dt dd h1 h2 h3 h4 h5 h6 "
    "blockquote pre figure figcaption header footer aside nav form center address hr br fieldset "
    "legend details summary body html caption".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())

# class/id words of blocks that are not the story: widgets, share bars, comments, related links.
# Strong words condemn a block even when another of its words sounds like content
# ("related-articles"); weak ones only when none does. Substrings match anywhere in the lower-cased
# class and id; tokens match whole words split at spaces, "-" and "_".
_STRONG_SUBSTRINGS = (
    "comment", "disqus", "share", "sharing", "social", "socnet", "soc-net", "related", "recommend",
    "readmore", "read-more", "readalso", "also-", "more-news", "other-news", "popular", "trending",
    "mostread", "most-read", "topnews", "top-news", "newsfeed", "news-feed", "sidebar", "side-bar",
    "widget", "banner", "advert", "adfox", "reklam", "promo", "sponsor", "subscri", "newsletter",
    "weather", "pogoda", "currency", "kurs", "valut", "exchange-rate", "cookie", "consent", "gdpr",
    "modal", "popup", "telegram", "whatsapp", "donate", "next-article", "prev-article", "author-bio",
    "authorbio", "about-author",
)
_STRONG_TOKENS = frozenset({"ad", "ads", "adv"})
_WEAK_SUBSTRINGS = (
    "breadcrumb", "pagination", "pager", "navbar", "navigation", "footer", "masthead", "toolbar",
    "rating", "tag-list", "keywords", "copyright", "hidden", "skip-link", "login", "signin", "search",
    "metrika", "counter", "infinite", "footnote-links",
)
_WEAK_TOKENS = frozenset({"menu", "nav", "print", "vote", "poll", "tag", "tags", "auth", "bottom", "rss"})
_LIKELY_SUBSTRINGS = (
    "article", "content", "story", "entry", "postbody", "post-body", "newstext", "news-text",
    "maintext", "main-text", "materia",
)
_LIKELY_TOKENS = frozenset({"body", "text"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_ROLES = {"navigation", "banner", "complementary", "contentinfo", "menu", "menubar", "search", "dialog"}

# Lines that are furniture wherever they stand (Russian, Kazakh, English).
_BOILERPLATE = re.compile(
    r"^(?:читайте (?:также|еще|ещё|нас)|читать (?:также|далее|полностью)|смотрите также|см\. также|"
    r"также читайте|по теме(?::|$)|подробнее(?::|$| здесь| по ссылке| читайте)|поделиться|поделитесь|"
    r"подписывайтесь|подпишитесь|подписаться|присоединяйтесь|следите за (?:новостями|нами)|"
    r"наш (?:telegram|телеграм)|комментарии(?:\s*\(\d+\)|:|$)|оставьте комментарий|добавить комментарий|"
    r"реклама(?::|$)|фото:|видео:|источник фото|автор фото|фотограф:|"
    r"все права защищены|при (?:полном или частичном )?(?:использовании|цитировании|копировании)|"
    r"перепечатка|©|copyright|\(c\)|нашли ошибку|если вы нашли ошибку|выделите (?:ее|её|текст)|"
    r"ошибка в тексте|версия для печати|загрузка\.\.\.|loading\.\.\.|теги:|метки:|тэги:|ключевые слова:|"
    r"share(?: this| on|:|$)|read more|related(?: articles| stories| posts|:|$)|advertisement|sign up|"
    r"subscribe|follow us|click here|photo:|"
    r"оқи отырыңыз|толығырақ|сурет:|бөлісу|жазылыңыз)",
    re.I,
)
# Furniture wherever it stands in a short line.
_BOILERPLATE_ANYWHERE = re.compile(
    r"subscribe to|newsletter|sign up for|get the latest|have a tip|follow (?:us|him|her) on|"
    r"all rights reserved|подписывайтесь|подпишитесь|присоединяйтесь к нам|оцените|ваше мнение|"
    r"нашли ошибку|ctrl\s*\+|все права защищены|мнение редакции|жазылыңыз|скопируйте (?:готовый )?код|"
    r"код для (?:вставки|блога)|перепечатыва|embed code",
    re.I,
)
# Weather and currency widgets: a temperature or an exchange rate with little else around it.
_WIDGET = re.compile(r"\b(?:usd|eur|rub|cny|kzt)\b\s*[:=]?\s*\d|[+-]?\d+\s*°\s*[cс]?\b", re.I)
_LEGAL = re.compile(
    r"©|all rights reserved|все права (?:защищены|принадлежат|на материалы)|барлық құқықтар|"
    r"свидетельство о регистрации|не нес[её]т ответственности|допускается (?:цитирование|использование)|"
    r"гиперссылк|охраняются в соответствии|правовые ограничения|может не совпадать с (?:мнением|позицией) редакции",
    re.I,
)
# Date and time stamps standing alone ("18 Nov 2019, 19:09", "Обновлено: 13.01.2026 09:08").
_DATELINE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}\s+[^\W\d_]{3,9}\.?,?\s+\d{4}|"
    r"[^\W\d_]{3,9}\.?\s+\d{1,2},?\s+\d{4}",
)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_CREDIT_LINE = re.compile(r"^(?:Источник|Дереккөз|Source)\s*:", re.I)
_SENTENCE_END = re.compile(r"[.!?…][»\"”)]?\s*$")
_PROSE_END = re.compile(r"[.!?…»\"”:;)]\s*$")
_WORDS = re.compile(r"\w+")
_SPACES = re.compile(r"[ \t\r\f\v\xa0\u200b\u2009\u202f]+")

STOPWORDS = frozenset(
    # Russian
    "и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только ее её мне было "
    "вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас "
    "нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем "
    "была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем "
    "ним здесь этом один почти мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец "
    "два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя "
    "впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между "
    "это также который которые которая которых году года время является может однако "
    # Kazakh
    "және мен бен пен да де та те бұл осы сол ол біз олар үшін деп деді бойынша туралы бар жоқ емес еді "
    "болды болып болса қазір тағы ғана немесе бірақ сондай кейін дейін арқылы "
    # English
    "the a an and or of to in on for with at by from is are was were be been it its this that as not but "
    "has have had he she they we you his her their our which who will would can could said after about".split()
)


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def clean_tree(root, extra_remove: tuple[str, ...] = ()) -> None:
    """Drop scripts, hidden elements, landmarks and widget-looking blocks from `root` in place."""
    for selector in extra_remove:
        for el in select(root, selector):
            _drop(el)
    doomed = list(root.iter(*DROP_TAGS, *DROP_LANDMARKS))
    for el in root.iter():
        keys = el.keys()
        if not keys:
            continue
        tag = el.tag
        if tag in _KEEP_TAGS:
            continue
        if ("hidden" in keys or el.get("aria-hidden") == "true") and tag != "span":
            doomed.append(el)
        elif "style" in keys and _HIDDEN_STYLE.search(el.get("style")):
            doomed.append(el)
        elif "role" in keys and el.get("role").lower() in _HIDDEN_ROLES:
            doomed.append(el)
        elif tag in _CONTAINER_TAGS and ("class" in keys or "id" in keys):
            if _unlikely(el.get("class"), el.get("id")) and not _holds_story(el):
                doomed.append(el)
    for el in doomed:
        _drop(el)


_KEEP_TAGS = frozenset(("html", "body", "article", "main", "head"))
# Furniture comes in containers; judging every list item or link by its class costs more than it finds.
_CONTAINER_TAGS = frozenset(
    "div section ul ol dl table tbody tr td form header figure center blockquote iframe".split()
)


@lru_cache(maxsize=20_000)
def _unlikely(cls: str | None, ident: str | None) -> bool:
    """Whether class and id name a widget, share bar, comment block or other furniture."""
    names = f"{cls or ''} {ident or ''}".lower()
    tokens = set(names.replace("-", " ").replace("_", " ").split())
    if any(word in names for word in _STRONG_SUBSTRINGS) or not tokens.isdisjoint(_STRONG_TOKENS):
        return True
    if any(word in names for word in _WEAK_SUBSTRINGS) or not tokens.isdisjoint(_WEAK_TOKENS):
        return not (any(word in names for word in _LIKELY_SUBSTRINGS) or not tokens.isdisjoint(_LIKELY_TOKENS))
    return False


def _holds_story(el) -> bool:
    """A block with many long paragraphs is the story, whatever its class says."""
    long_paragraphs = sum(1 for p in el.iter("p") if len(text_of(p)) > 150)
    return long_paragraphs >= 5


def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


class Block:
    """A run of text owned by one block-level element."""

    __slots__ = ("owner", "parts", "link_chars", "text", "tag", "cls", "index", "heading", "ancestors", "caption")

    def __init__(self, owner, index, caption=False):
        self.owner = owner
        self.caption = caption
        self.parts: list[str] = []
        self.link_chars = 0
        self.text = ""
        self.tag = owner.tag
        self.cls = "short"
        self.index = index
        self.heading = owner.tag in HEADINGS
        self.ancestors = ()


def blocks_of(root) -> list[Block]:
    """Text blocks of `root` in document order."""
    blocks: list[Block] = []
    current = [Block(root, 0)]

    def flush(owner, caption):
        block = current[0]
        text = _norm("".join(block.parts))
        if text:
            block.text = text
            block.index = len(blocks)
            blocks.append(block)
        current[0] = Block(owner, 0, caption)

    def add(text, in_link):
        if text:
            current[0].parts.append(text)
            if in_link:
                current[0].link_chars += len(_norm(text))

    def walk(el, owner, in_link, in_caption):
        is_block = el.tag in BLOCK_TAGS
        outer = owner
        caption = in_caption or el.tag in ("figcaption", "caption") or _is_caption(el.get("class"))
        if is_block:
            flush(el, caption)
            owner = el
        link = in_link or el.tag == "a"
        add(el.text, link)
        for child in el:
            walk(child, owner, link, caption)
            add(child.tail, link)
        if is_block:
            flush(outer, in_caption)

    walk(root, root, False, False)
    flush(root, False)
    return blocks


@lru_cache(maxsize=20_000)
def _is_caption(cls: str | None) -> bool:
    """Whether a class names a photo caption or credit (kept with the image, not in the text)."""
    if not cls:
        return False
    cls = cls.lower()
    return any(word in cls for word in ("caption", "credit", "photo-source", "img-source", "image-source", "photo-author"))


def _stopword_density(words: list[str]) -> float:
    if not words:
        return 0.0
    return sum(map(STOPWORDS.__contains__, map(str.lower, words))) / len(words)


def classify(block: Block) -> None:
    """Mark a block good (prose), near (prose-like but short), short, or bad (links, furniture)."""
    text = block.text
    n = len(text)
    if block.caption or n < 200 and (_BOILERPLATE.match(text) or _BOILERPLATE_ANYWHERE.search(text)):
        block.cls = "bad"
        return
    density = block.link_chars / n if n else 1.0
    if density > MAX_LINK_DENSITY:
        # Half-linked lines may be text with a link in it; the story's region gives them a second look.
        block.cls = "linked" if density <= 0.6 and n >= 20 else "bad"
        return
    if n < 60 and _WIDGET.search(text):
        block.cls = "bad"
        return
    if n < 800 and _LEGAL.search(text):
        block.cls = "bad"
        return
    if n < 80 and _DATELINE.search(text) and len(_LETTERS.findall(_DATELINE.sub(" ", text))) <= 3:
        block.cls = "bad"
        return
    words = _WORDS.findall(text)
    stop = _stopword_density(words)
    if n >= BLOCK_LONG_CHARS and stop >= 0.12:
        block.cls = "good"
    elif n >= BLOCK_SHORT_CHARS and (stop >= 0.12 or _PROSE_END.search(text)):
        block.cls = "near" if n < BLOCK_LONG_CHARS else "good"
    elif n >= BLOCK_SHORT_CHARS:
        block.cls = "near" if stop >= 0.05 else "bad"
    else:
        block.cls = "short"


def _ancestors(el) -> list:
    """The element and its ancestors, nearest first."""
    return [el, *el.iterancestors()]


def _signature(block: Block) -> tuple:
    """What kind of paragraph a block is: its element and its parent, with their first class names."""
    parent = block.owner.getparent()
    return (
        block.owner.tag, _first_class(block.owner.get("class")),
        parent.tag if parent is not None else None, _first_class(parent.get("class") if parent is not None else None),
    )


def _first_class(cls: str | None) -> str | None:
    return cls.split()[0] if cls and cls.strip() else None


def _title_index(blocks: list[Block], title: str | None) -> int | None:
    """Where the headline stands among the blocks, if it is there."""
    if not title:
        return None
    wanted = _norm(title).casefold()
    for block in blocks:
        if len(block.text) < 2 * len(wanted) + 20 and block.text.casefold().startswith(wanted[:60]):
            return block.index
    return None


def _choose_container(blocks: list[Block], title_at: int | None = None):
    """The element whose subtree holds the most prose, damped by its share of link text.

    List items vote less (teaser lists look like prose), and so do blocks above the headline.
    """
    votes: dict = {}
    chars: dict = {}
    links: dict = {}
    prose: dict = {}
    for block in blocks:
        n = len(block.text)
        good = n if block.cls in ("good", "near") else 0
        block.ancestors = _ancestors(block.owner)
        for el in block.ancestors:
            chars[el] = chars.get(el, 0) + n
            links[el] = links.get(el, 0) + block.link_chars
            prose[el] = prose.get(el, 0) + good
        if block.cls not in ("good", "near"):
            continue
        score = 1 + block.text.count(",") + min(n / 100, 3)
        if block.tag in ("li", "dd", "dt"):
            score *= 0.5
        previous = blocks[block.index - 1] if block.index else None
        if previous is not None and len(previous.text) <= 150 and previous.link_chars >= 0.7 * len(previous.text):
            score *= 0.3  # a teaser under its headline link, as in news feeds
        if title_at is not None and block.index < title_at:
            score *= 0.4
        for level, el in enumerate(block.ancestors[:5]):
            votes[el] = votes.get(el, 0) + score / (1 if level < 2 else level * 1.5)
    if not votes:
        return None, votes, chars, links, prose
    best = max(votes, key=lambda el: votes[el] * (1 - links[el] / max(chars[el], 1)))
    # Climb while the enclosing element adds more paragraphs of the same kind (a story split into
    # one wrapper per paragraph or column), not teasers or furniture.
    signatures = {_signature(b) for b in blocks if best in b.ancestors and b.cls in ("good", "near")}
    while True:
        parent = best.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        added = chars[parent] - chars[best]
        if added > 0.05 * chars[best]:
            same_kind = sum(
                len(b.text) for b in blocks
                if parent in b.ancestors and best not in b.ancestors
                and b.cls in ("good", "near") and _signature(b) in signatures
            )
            if same_kind < 0.6 * added or links[parent] - links[best] > 0.3 * added:
                break
        best = parent
    return best, votes, chars, links, prose


def _region(best, votes, chars, links, prose) -> set:
    """The container plus the siblings that read like more of the same story."""
    region = {best}
    parent = best.getparent()
    if parent is None:
        return region
    threshold = max(10.0, votes.get(best, 0) * 0.2)
    for sibling in parent:
        if sibling is best or not isinstance(sibling.tag, str):
            continue
        score = votes.get(sibling, 0)
        n = chars.get(sibling, 0)
        density = links.get(sibling, 0) / n if n else 1
        if sibling.tag in ("ul", "ol", "dl") and density > 0.1:
            continue  # a list of linked items beside the story is a feed, not more story
        if score >= threshold and density < 0.25:
            region.add(sibling)
        elif sibling.tag in _LEAF_PROSE and n > 80 and density < 0.25 and prose.get(sibling, 0) >= 0.8 * n:
            region.add(sibling)  # a lead or a paragraph standing beside the story's container
    return region


_LEAF_PROSE = frozenset("p h2 h3 h4 h5 h6 blockquote".split())


def _in_region(block: Block, region: set) -> bool:
    return not region.isdisjoint(block.ancestors)


def _smooth(blocks: list[Block]) -> None:
    """Inside the story's region, short and near-prose blocks follow the prose around them."""
    for block in blocks:
        if block.cls == "linked":
            block.cls = "short"
    def neighbour(i, step):
        i += step
        while 0 <= i < len(blocks):
            if blocks[i].cls in ("good", "near"):
                return "good"
            if blocks[i].cls == "bad":
                return "bad"
            i += step
        return "bad"

    prose = [i for i, b in enumerate(blocks) if b.cls in ("good", "near")]
    first, last = (prose[0], prose[-1]) if prose else (0, -1)
    decided = []
    for i, block in enumerate(blocks):
        if block.cls in ("good", "bad"):
            decided.append(block.cls)
            continue
        before, after = neighbour(i, -1), neighbour(i, 1)
        if _CREDIT_LINE.match(block.text):
            decided.append("good")
        elif block.cls == "near":
            sentence = len(block.text) >= 100 and _SENTENCE_END.search(block.text)
            decided.append("good" if sentence or "good" in (before, after) else "bad")
        elif block.heading:
            decided.append("good" if after == "good" else "bad")
        else:
            # Short lines after the story's first paragraph belong to it (list items, subheadings)
            # until furniture interrupts; before it, only a line that leads straight into prose.
            inside = first < i
            opening = i < first and after == "good"
            decided.append("good" if (inside and "good" in (before, after)) or opening or before == after == "good" else "bad")
    for block, cls in zip(blocks, decided):
        block.cls = cls


def main_blocks(root, title: str | None = None) -> list[Block]:
    """The blocks of the story, in order; `title` (the headline) helps to find where it starts."""
    blocks = blocks_of(root)
    for block in blocks:
        classify(block)
    best, votes, chars, links, prose = _choose_container(blocks, _title_index(blocks, title))
    if best is None:
        return []
    region = _region(best, votes, chars, links, prose)
    inside = [b for b in blocks if _in_region(b, region)]
    _smooth(inside)
    return [b for b in inside if b.cls == "good"]


def main_text(root, title: str | None = None) -> str:
    """The story's text, paragraphs separated by blank lines."""
    return "\n\n".join(b.text for b in main_blocks(root, title))


def element_text(el) -> str:
    """All readable text of one element, paragraphs separated by blank lines."""
    return "\n\n".join(b.text for b in blocks_of(el) if b.text)


def selected_text(elements: list) -> str:
    """The text of elements a site entry selects as the body, without the furniture inside them.

    An element inside another selected one is not read twice.
    """
    chosen = set(elements)
    paragraphs = []
    for el in elements:
        if any(a in chosen for a in el.iterancestors()):
            continue
        for block in blocks_of(el):
            classify(block)
            if block.cls != "bad":
                paragraphs.append(block.text)
    return "\n\n".join(paragraphs)
