"""Russian or Kazakh, by the share of letters only Kazakh uses."""

from __future__ import annotations

import re

from newsarchive.defaults import KAZAKH_LETTER_SHARE

_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.I)
_KAZAKH = re.compile(r"[әғқңөұүһі]", re.I)
# Letters Kazakh has and Ukrainian does not (Ukrainian also writes "і").
_KAZAKH_ONLY = re.compile(r"[әғқңөұүһ]", re.I)


def detect_language(text: str | None) -> str:
    """"kk" when Kazakh-specific letters are frequent enough, else "ru"."""
    if not text:
        return "ru"
    sample = text[:20_000]
    if not _KAZAKH_ONLY.search(sample):  # most texts: nothing to count
        return "ru"
    cyrillic = len(_CYRILLIC.findall(sample))
    return "kk" if len(_KAZAKH.findall(sample)) / cyrillic >= KAZAKH_LETTER_SHARE else "ru"
