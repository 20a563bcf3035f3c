"""Where a story happens: Kazakhstan's regions from a gazetteer (newsarchive/data/gazetteer.json).

`story_region(title, body)` gives the region a story is about: a dateline at the start of the body
("Усть-Каменогорск. 13 января.", "КОСТАНАЙ. KAZINFORM –") wins; otherwise the region mentioned most
often in title and body (a city, town, district, the oblast's name or abbreviation, in Russian or
Kazakh, inflected: "в Усть-Каменогорске", "Семее", "Өскеменде", "Павлодарской области"); ties go
to the outlet's own region when it is among them, else to the region named first; no place → None.

Region names are the short forms used by site entries: "ВКО", "Абайская область", "Павлодарская
область", ..., "ЗКО", "СКО", and the cities "Астана", "Алматы", "Шымкент". Since 2022 Семей and
Аягоз are in Абайская область, Усть-Каменогорск and Риддер stay in ВКО.

`normalise_region(text)` maps what a user types ("вко", "Восточно-Казахстанская область", "East
Kazakhstan", "Абай", "Жетісу облысы", a centre such as "Семей" or "Өскемен") to that canonical name,
or None; `canonical_region(text)` is how a stored value is spelled (the canonical name when the
gazetteer knows the text, else the text as it is).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.json"

_TOKEN = re.compile(r"\w+(?:-\w+)*")
_ADJ_TAILS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее")
_ADJ_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем",
                "ую", "юю", "ые", "ие", "ых", "их", "ыми", "ими")
#: Kazakh case and derivation suffixes that may follow a place name ("Өскеменде", "Семейдегі").
_KK_SUFFIXES = (
    "да", "де", "та", "те", "нда", "нде", "ға", "ге", "қа", "ке", "на", "не", "а", "е",
    "ның", "нің", "дың", "дің", "тың", "тің", "ны", "ні", "ды", "ді", "ты", "ті", "ы", "і", "сы", "сі",
    "дан", "ден", "тан", "тен", "нан", "нен", "мен", "бен", "пен",
    "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі", "лық", "лік", "дық", "дік", "тық", "тік",
)
#: Words that must follow a regional or district adjective for it to count as a place.
_REGION_NOUNS = ("област", "обл", "регион", "облыс")


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _noun_forms(word: str) -> tuple[str, set[str]]:
    """(stem, endings) of a Russian place noun, by its last letters."""
    w = _fold(word)
    if w.endswith(_ADJ_TAILS) and len(w) > 4:
        return w[:-2], set(_ADJ_ENDINGS)
    if w.endswith(("ово", "ево", "ино")):
        return w, {""}
    last = w[-1]
    if last == "й":
        return w[:-1], {"й", "я", "ю", "е", "ем", "ём"}
    if last == "ь":
        return w[:-1], {"ь", "я", "ю", "е", "ем", "и"}
    if last == "а":
        return w[:-1], {"а", "ы", "и", "е", "у", "ой", "ою"}
    if last == "я":
        return w[:-1], {"я", "и", "е", "ю", "ей"}
    if last in "оеиыуюэөүұіә":
        return w, {""}
    return w, {"", "а", "у", "е", "ом", "ы"}


@dataclass(frozen=True)
class _Word:
    stem: str
    endings: frozenset[str]
    #: Proper noun: the token must be capitalised (or all capitals): "Семей" is a town, "семей" families.
    proper: bool
    #: Also accept Kazakh suffixes after the nominative (only for names in nominative form).
    nominative: str

    def matches(self, token: str) -> bool:
        if self.proper and not (token[:1].isupper() or token.isupper()):
            return False
        t = _fold(token)
        if t.startswith(self.stem) and t[len(self.stem):] in self.endings:
            return True
        if t.startswith(self.nominative) and t[len(self.nominative):] in _KK_SUFFIXES:
            return True
        # a suffix after a doubled consonant or a linking letter: "Өскеменнің", "Семейдегі"
        return False


def _word(word: str, *, prefix_only: bool = False) -> _Word:
    proper = word[:1].isupper()
    if prefix_only:  # "район" matches "района", "районе"; "област" matches "области"
        return _Word(_fold(word), frozenset(_ADJ_ENDINGS + ("", "а", "у", "е", "и", "ом", "ь", "ью", "ях", "ы", "ын")),
                     False, "\0")
    if word.isupper() and len(word) <= 4:  # abbreviations: ВКО, ЗКО, ШҚО
        return _Word(_fold(word), frozenset({""}), True, "\0")
    stem, endings = _noun_forms(word)
    return _Word(stem, frozenset(endings), proper, _fold(word))


@dataclass(frozen=True)
class _Phrase:
    words: tuple[_Word, ...]
    region: str

    def match(self, tokens: list[str], i: int) -> bool:
        if i + len(self.words) > len(tokens):
            return False
        return all(w.matches(tokens[i + k]) for k, w in enumerate(self.words))


@dataclass(frozen=True)
class Gazetteer:
    regions: tuple[dict, ...]
    phrases: tuple[_Phrase, ...]  # longest first
    names: dict  # folded nominative name/alias -> region
    #: Phrases by the first two letters of their first word's stem (a token can only match those).
    by_prefix: dict
    #: The same, of the phrases whose first word need not be capitalised ("области Абай").
    by_prefix_common: dict

    def candidates(self, token: str) -> tuple[_Phrase, ...]:
        return self._by_case(token).get(_fold(token)[:2], ())

    def may_start(self, token: str) -> bool:
        """Could a phrase start with `token`? Its first letters tell, at less than looking (most
        words start none)."""
        return _fold(token[:2])[:2] in self._by_case(token)

    def _by_case(self, token: str) -> dict:
        return self.by_prefix if token[:1].isupper() or token.isupper() else self.by_prefix_common

    def region(self, name: str) -> dict | None:
        for r in self.regions:
            if r["name"] == name:
                return r
        return None


@lru_cache(maxsize=4)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    data = json.loads(Path(path or GAZETTEER_PATH).read_text(encoding="utf-8"))
    phrases: list[_Phrase] = []
    names: dict[str, str] = {}
    for reg in data["regions"]:
        region = reg["name"]
        for text in [reg["name"] if reg["kind"] == "city" else None, *reg["places"], *reg["aliases"], reg["kk"]]:
            if not text:
                continue
            phrases.append(_Phrase(tuple(_word(w) for w in text.split()), region))
            names.setdefault(_fold(text), region)
        full_words = reg["full"].split()
        if len(full_words) == 2:  # "Павлодарская область": adjective + noun
            phrases.append(_Phrase((_word(full_words[0]), _word("област", prefix_only=True)), region))
        for adj in reg["adjectives"]:
            for noun in _REGION_NOUNS:
                phrases.append(_Phrase((_word(adj), _word(noun, prefix_only=True)), region))
            names.setdefault(_fold(adj), region)
            names.setdefault(_fold(adj + " область"), region)
        for district in reg["districts"]:
            head, *rest = district.split()
            phrases.append(_Phrase((_word(head), *(_word(w, prefix_only=True) for w in rest)), region))
            names.setdefault(_fold(district), region)
        for key in (reg["name"], reg["full"], reg["kk"]):
            names[_fold(key)] = region
        for short in _short_names(reg):  # what a user types for the oblast: "Абай", "Жетісу", "Ақмола"
            names.setdefault(_fold(short), region)
            names.setdefault(_fold("область " + short), region)
    phrases.sort(key=lambda p: -len(p.words))
    by_prefix: dict[str, list[_Phrase]] = {}
    by_prefix_common: dict[str, list[_Phrase]] = {}
    for phrase in phrases:
        by_prefix.setdefault(phrase.words[0].stem[:2], []).append(phrase)
        if not phrase.words[0].proper:
            by_prefix_common.setdefault(phrase.words[0].stem[:2], []).append(phrase)
    return Gazetteer(tuple(data["regions"]), tuple(phrases), names,
                     {key: tuple(group) for key, group in by_prefix.items()},
                     {key: tuple(group) for key, group in by_prefix_common.items()})


def _short_names(reg: dict) -> list[str]:
    """An oblast's bare name, in Kazakh and Russian ("Абай" of "Абай облысы" and "область Абай"):
    a user's word for the region, though not a place in a text ("проспект Абая" is a street)."""
    if reg["kind"] != "oblast":
        return []
    out = [reg["kk"].removesuffix(" облысы")]
    out += [alias.removeprefix("область ") for alias in reg["aliases"] if alias.startswith("область ")]
    return out


def regions() -> list[str]:
    """Canonical region names, oblasts first, then the three cities."""
    return [r["name"] for r in load_gazetteer().regions]


@lru_cache(maxsize=16)  # an article's title, lead and body are read for its region and for its story
def mentions(text: str | None) -> tuple[str, ...]:
    """The regions of every place named in `text`, in order (longest names matched first)."""
    if not text:
        return ()
    tokens = _TOKEN.findall(text)
    may_start = load_gazetteer().may_start
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in (_starting(tokens[i]) if may_start(tokens[i]) else ()):
            if phrase.match(tokens, i):
                out.append(phrase.region)
                i += len(phrase.words)
                break
        else:
            i += 1
    return tuple(out)


_UP = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_DATELINE = re.compile(
    rf"^\s*([{_UP}][\w-]*(?:\s[{_UP}][\w-]*){{0,2}})\s*[.,]\s*"
    rf"(?=\d{{1,2}}\s+\w+|[{_UP}]{{3,}}|[-–—])"
)


def dateline_region(body: str | None) -> str | None:
    """The region of a dateline opening `body` ("Риддер. 25 ноября. ...", "АСТАНА. KAZINFORM – ...")."""
    if not body:
        return None
    m = _DATELINE.match(body)
    if not m:
        return None
    place = m.group(1)
    found = mentions(place)
    if found and len(mentions(place)) == 1 and _fold(place) in load_gazetteer().names:
        return found[0]
    return None


def story_region(title: str | None, body: str | None, outlet_region: str | None = None, lead: str | None = None) -> str | None:
    """The region a story is about: dateline first, else the most-mentioned region, else None."""
    by_dateline = dateline_region(body)
    if by_dateline:
        return by_dateline
    found = mentions(title) + mentions(lead) + mentions(body)
    if not found:
        return None
    counts = Counter(found)
    best = max(counts.values())
    tied = [r for r in dict.fromkeys(found) if counts[r] == best]
    if outlet_region in tied:
        return outlet_region
    return tied[0]


def normalise_region(user_text: str | None) -> str | None:
    """Canonical region name for what a user typed ("вко", "Восточно-Казахстанская", "Семей"), or None.

    "national" (or "республика", "Казахстан") stays "national", the outlet region of national sites.
    """
    if not user_text:
        return None
    text = " ".join(_fold(user_text).split()).strip(" .")
    if text in ("national", "республика", "республиканские", "казахстан", "kazakhstan", "rk", "рк"):
        return "national"
    names = load_gazetteer().names
    if text in names:
        return names[text]
    short = re.sub(r"\s+(обл\.?|области|область|облысы|region|oblast)$", "", text)
    for key in (short, short + " область"):
        if key in names:
            return names[key]
    found = mentions(user_text.strip())
    if not found:
        found = mentions(user_text.strip().title())
    return found[0] if len(set(found)) == 1 else None


def canonical_region(value: str | None) -> str | None:
    """How a region is stored: the gazetteer's name for any of its spellings ("Восточно-Казахстанская
    область" → "ВКО"), so that a facet counts one value per region; anything the gazetteer does not
    know ("unknown", an empty value) as it is."""
    if not value or not value.strip():
        return value
    return normalise_region(value) or value


@lru_cache(maxsize=20_000)  # the common tokens that may start one; 100,000 held 23 MB a process
def _starting(token: str) -> tuple[_Phrase, ...]:
    """The gazetteer's phrases whose first word `token` is (most words start none)."""
    return tuple(phrase for phrase in load_gazetteer().candidates(token) if phrase.words[0].matches(token))
