"""Credit lines of syndicated stories: "передает X", "сообщает X со ссылкой на Y", "Источник: X"."""

from __future__ import annotations

import re

# A source name: a quoted name, or up to four words each starting with a capital or digit
# ("Matritca.kz", "Kazakhstan Today", "МИА «Казинформ»", "Устинка LIVE").
_WORD = r"(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9][\w\-]*(?:\.[\w\-]+)*)"
_QUOTED = r"(?:[«\"“„][^»\"”“\n]{1,60}[»\"”“])"
# A site named by its domain, as some credit lines write it in lower case ("передает tengrinews.kz").
_DOMAIN = r"(?:[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:kz|ru|com|info|news|org|net|asia|city|tv)(?!\w|\.\w))"
_NAME = rf"(?:{_QUOTED}|{_DOMAIN}|{_WORD}(?:[ \t]+(?:{_WORD}|{_QUOTED})){{0,3}})"
_VERB = r"(?:переда[её]т|передают|сообща[ею]т|сообщают|информиру[ею]т|пишет|пишут|хабарлайды)"
_WHO = (
    r"(?:(?:собственн\w+\s+)?(?:корреспондент\w*|корр\.|собкор\w*)\s+)?"
    r"(?:(?:агентств\w*|издани\w*|портал\w*|сайт\w*|газет\w*|телеканал\w*|информагентств\w*)\s+)?"
)
_VIA = rf"\s+со\s+ссылкой\s+на\s+(?P<via>{_NAME}|[^\s,.;:()]+(?:\s+[^\s,.;:()]+){{0,4}}?(?=[,.;:()]|\s*$))"
_CREDIT = re.compile(rf"\b{_VERB}\s+{_WHO}(?P<source>{_NAME})(?:{_VIA})?", re.U)
_SOURCE_LINE = re.compile(
    rf"(?:^|\n|\s)(?:Источник|Дереккөз|Source)\s*:\s*(?P<source>{_NAME}|[^\n.,;]{{2,60}})", re.I
)
#: The words a source line starts with, folded: a text holding none has no source line.
_SOURCE_WORDS = ("источник", "дереккөз", "source")
_NOT_SOURCES = re.compile(r"^(?:фото|photo|видео|сурет)", re.I)


def _clean(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().rstrip(".,;:")
    name = re.sub(r"\s+", " ", name)
    if len(name) > 2 and name[0] in "«\"“„" and name[-1] in "»\"”“" and not re.search("[«»\"“”„]", name[1:-1]):
        name = name[1:-1].strip()
    return name or None


def _candidates(text: str):
    for match in _CREDIT.finditer(text):
        yield match.start(), _clean(match.group("source")), _clean(match.group("via"))
    folded = text.casefold()
    if not any(word in folded for word in _SOURCE_WORDS):
        return
    for match in _SOURCE_LINE.finditer(text):
        source = _clean(match.group("source"))
        if source and not _NOT_SOURCES.match(source):
            yield match.start(), source, None


def find_credit(text: str | None) -> tuple[str | None, str | None]:
    """(source, via) of the credit line of `text`, or (None, None).

    The first credit in the opening paragraph wins, then a closing "Источник: X", then the first
    credit anywhere.
    """
    if not text:
        return None, None
    found = sorted(_candidates(text), key=lambda c: c[0])
    if not found:
        return None, None
    first_break = text.find("\n")
    opening = [c for c in found if first_break < 0 or c[0] < first_break]
    if opening:
        return opening[0][1], opening[0][2]
    closing = [c for c in found if c[0] > len(text) - 300]
    if closing:
        return closing[-1][1], closing[-1][2]
    return found[0][1], found[0][2]
