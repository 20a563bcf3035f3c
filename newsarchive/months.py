"""Month names as news pages write them, in Russian, Kazakh and English, inflected or cut short.

Apart from newsarchive.extract.dates, which reads pages' dates, because the story facts
(newsarchive.store.storyfacts) read the days a text names without the page extractor.
"""

from __future__ import annotations

MONTHS = {
    # Russian, genitive and nominative, with the abbreviations sites use.
    "январ": 1, "янв": 1, "феврал": 2, "фев": 2, "март": 3, "мар": 3, "апрел": 4, "апр": 4,
    "ма": 5, "май": 5, "мая": 5, "июн": 6, "июл": 7, "август": 8, "авг": 8,
    "сентябр": 9, "сен": 9, "сент": 9, "октябр": 10, "окт": 10, "ноябр": 11, "ноя": 11,
    "декабр": 12, "дек": 12,
    # Kazakh.
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6,
    "шілде": 7, "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
    # English, for the odd page that writes them.
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_ENDINGS = ("ь", "я", "е", "а", "у", "ем", "ём", "й", "ы", "і", "uary", "ruary", "ch", "il",
                  "e", "y", "ust", "tember", "ober", "ember", "t", "")


def month_number(word: str) -> int | None:
    """The month (1–12) a Russian, Kazakh or English month name or abbreviation stands for."""
    word = word.lower().rstrip(".")
    if word in MONTHS:
        return MONTHS[word]
    for ending in _MONTH_ENDINGS:
        if ending and word.endswith(ending) and word[: -len(ending)] in MONTHS:
            return MONTHS[word[: -len(ending)]]
    for key in _LONG_MONTHS:
        if word.startswith(key):
            return MONTHS[key]
    if len(word) == 4 and word[:3] in MONTHS:  # "сент", "janv"-style abbreviations
        return MONTHS[word[:3]]
    return None


_LONG_MONTHS = sorted((k for k in MONTHS if len(k) >= 5), key=len, reverse=True)
