"""What survives a rewrite: the facts of a news text that tell one event from another.

A rewrite keeps few sentences but most facts: the rare content words, the numbers with their
units («157 843 тенге», «6,7 балла»), the names of people, places and organisations, and the
day the text says the event happened on. `facts()` reads them; newsarchive.store.stories
weighs them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from newsarchive.months import month_number
from newsarchive.regions import mentions
from newsarchive.textnorm import LEXEME_MARK, analyse, fold, stem, word_tokens

#: Parts of speech that carry no fact.
_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO", "PRED", "NUMR"})
#: A stated date further than this from the publication is history, not the event's day.
EVENT_DAY_SPAN = 14
#: Numbers that say nothing on their own (counts and ordinals of everyday text).
_TRIVIAL_NUMBERS = frozenset(str(n) for n in range(0, 13))

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_START = re.compile(r"[.!?…:«“„(\"—–-]\s*$|^\s*$")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?(?![\d])\s*(%|[^\W\d_]+\.?)?")
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:-го)?\s+([^\W\d_]{3,12})\.?(?:\s+(\d{4}))?")
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")
_DATELINE = re.compile(r"^\s*[^\W\d_][\w-]*(?:\s[^\W\d_][\w-]*){0,2}\s*[.,]\s*\d{1,2}\s+[^\W\d_]+\.\s*")
_WEEKDAY = re.compile(r"\b(понедельник|вторник|сред[ау]|четверг|пятниц|суббот|воскресень)")
_WEEKDAYS = ("поне", "втор", "сред", "четв", "пятн", "субб", "воск")
_YEAR = re.compile(r"^(19[89]\d|20[0-4]\d)$")


@dataclass
class StoryFacts:
    """The facts of one article (see the module's docstring)."""

    #: Content words (index tokens) and how often the text uses them.
    terms: dict[str, int] = field(default_factory=dict)
    #: Numbers with their unit, "157843 тенге": unit → values.
    numbers: dict[str, set[str]] = field(default_factory=dict)
    #: Names of people, places, organisations (index tokens).
    names: set[str] = field(default_factory=set)
    #: The regions of the places the title and first paragraph name (where the event is;
    #: newsarchive.regions: a city counts as its region, a country not at all).
    places: set[str] = field(default_factory=set)
    #: Days (date.toordinal()) the title and first paragraph say the event happened on, and the
    #: title alone (a daily item's title names its day: «Курс доллара на 10 октября»).
    event_days: set[int] = field(default_factory=set)
    title_days: set[int] = field(default_factory=set)
    #: How many days and regions the whole text names: many make a digest, not a report.
    days_named: int = 0
    regions_named: int = 0

    def anchors(self) -> set[str]:
        """The facts two reports of one event share however they are worded: each number with its
        unit and alone («27 школ», «27 учебных заведений»), each name."""
        found = {f"n|{value}|{unit}" for unit, values in self.numbers.items() for value in values}
        found |= {f"n|{value}" for values in self.numbers.values() for value in values}
        return found | {f"e|{name}" for name in self.names}


def facts(title: str | None, lead: str | None, body: str | None, published: date | None) -> StoryFacts:
    """The facts of an article published on `published` (its Kazakhstan day, or None)."""
    found = StoryFacts()
    paragraphs = [p for p in (body or "").split("\n") if p.strip()]
    first = _DATELINE.sub("", paragraphs[0]) if paragraphs else None  # «Семей. 19 января. KAZINFORM –» is no event day
    opening = "\n".join(filter(None, [title, lead, first]))
    for text, weight in ((title, 2), (lead, 1), (body, 1)):
        if text:
            _read_words(text, weight, found)
            _read_numbers(text, found)
    # field by field (no place name runs from one field into the next), as normalisation reads them
    found.places = {*mentions(title), *mentions(lead), *mentions(first)}
    found.regions_named = len({*mentions(title), *mentions(lead), *mentions(body)})
    whole = "\n".join(filter(None, [title, lead, *paragraphs]))
    if published is not None:
        found.event_days = stated_days(opening, published, relative=True)
        found.title_days = stated_days(title or "", published)
        weekdays = {m.group(1)[:4] for m in _WEEKDAY.finditer(fold(whole))}
        found.days_named = max(len(stated_days(whole, published)), len(weekdays))
    return found


@lru_cache(maxsize=16_384)  # ~4 MB; a text's ~300 terms are mostly common lemmas: 5 in 6 found here
def token_hash(token: str) -> int:
    """A stable 63-bit key of a term or anchor (SQLite integers are signed; hash() is salted)."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big") & 0x7FFF_FFFF_FFFF_FFFF


def _read_words(text: str, weight: int, found: StoryFacts) -> None:
    parts = Counter(part for word in _WORD.findall(fold(text)) for part in word.split("-"))
    terms = found.terms
    for part, count in parts.items():
        analysis = analyse(part)
        if analysis.pos in _FUNCTION_POS:  # a preposition, conjunction, particle, pronoun… by its likeliest reading
            continue
        for token in analysis.tokens:
            if len(token.partition(LEXEME_MARK)[0]) > 2:
                terms[token] = terms.get(token, 0) + weight * count
    found.names.update(_names(text))


def _names(text: str):
    """The capitalised words of `text` that name someone or something (not a sentence's first
    word; acronyms anywhere), as name_form gives them."""
    previous_end = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].isupper():
            starts_sentence = bool(_SENTENCE_START.search(text[max(0, previous_end - 3):match.start()]))
            if not starts_sentence or (word.isupper() and len(word) > 1):
                parts = tuple(fold(part) for part in word.split("-"))
                if _is_name(parts, word.isupper()):
                    yield "-".join(map(name_form, parts))
        previous_end = match.end()


def _is_function(word: str) -> bool:
    """A preposition, conjunction, particle, pronoun… by its likeliest dictionary reading."""
    return analyse(word).pos in _FUNCTION_POS


def name_form(word: str) -> str:
    """A name as its inflections share it: the dictionary's name it is a form of («Астане» →
    астана), else its Snowball stem less a surname's -ов/-ев/-ин/-ын («Токаева» → тока)."""
    return analyse(word).name or stem(word)


def _is_name(parts: tuple[str, ...], acronym: bool) -> bool:
    """Is a capitalised word (its folded parts) in mid-sentence a name: an acronym, or a word the
    dictionary knows as a name (of a person, place, organisation) or does not know at all?"""
    return acronym or any(analyse(part).pos is None or analyse(part).name is not None for part in parts)


def _read_numbers(text: str, found: StoryFacts) -> None:
    for match in _NUMBER.finditer(text):
        whole, fraction, unit_word = match.groups()
        value = re.sub(r"\D", "", whole)
        fraction = (fraction or "").rstrip("0")
        value = value.lstrip("0") or "0"
        if fraction:
            value = f"{value}.{fraction}"
        unit = _unit(unit_word)
        if unit is None or (unit == "" and (value in _TRIVIAL_NUMBERS or _YEAR.match(value))):
            continue  # a date, or a bare small number or year
        found.numbers.setdefault(unit, set()).add(value)


@lru_cache(maxsize=50_000)
def _unit(word: str | None) -> str | None:
    """The unit a number is of: "" for none, None when the word makes it a date («13 февраля»)."""
    if not word:
        return ""
    if word == "%":
        return "%"
    folded = fold(word.rstrip("."))
    if _is_function(folded):
        return ""
    if month_number(folded) or folded in ("год", "года", "году", "годом", "г"):
        return None
    tokens = word_tokens(folded)
    return tokens[0] if tokens else ""


def stated_days(text: str, published: date, *, relative: bool = False) -> set[int]:
    """Days a text names («13 февраля», «13 февраля 2025 года», «13.02.2025»), a missing year
    taken as the one nearest the publication; only those within EVENT_DAY_SPAN days of it.
    `relative`: also «сегодня», «вчера», «накануне» and weekdays («в субботу»: the last Saturday
    up to the publication), as a report's opening means them."""
    days = set()
    if relative:
        folded = fold(text)
        for word, back in (("сегодня", 0), ("вчера", 1), ("накануне", 1), ("позавчера", 2)):
            if re.search(rf"\b{word}\b", folded):
                days.add(published.toordinal() - back)
        for match in _WEEKDAY.finditer(folded):
            weekday = _WEEKDAYS.index(match.group(1)[:4])
            days.add(published.toordinal() - (published.weekday() - weekday) % 7)
    for match in _DAY_MONTH.finditer(text):
        day, word, year = match.groups()
        month = month_number(fold(word))
        if month:
            days.add(_nearest(int(day), month, int(year) if year else None, published))
    for match in _NUMERIC_DATE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        days.add(_nearest(day, month, year, published))
    return {d for d in days if d is not None and abs(d - published.toordinal()) <= EVENT_DAY_SPAN}


def _nearest(day: int, month: int, year: int | None, published: date) -> int | None:
    years = [year] if year else [published.year - 1, published.year, published.year + 1]
    found = []
    for candidate in years:
        try:
            found.append(date(candidate, month, day).toordinal())
        except ValueError:
            continue
    return min(found, key=lambda d: abs(d - published.toordinal())) if found else None


def kazakh_day(published_day: str | None) -> date | None:
    """A stored published_day (YYYY-MM-DD) as a date."""
    try:
        return date.fromisoformat(published_day) if published_day else None
    except ValueError:
        return None



