"""Text that is safe to store, print and open in a spreadsheet.

A page controls every character of its title, text, tags and URLs. Control characters (raw,
as `&#27;` entities, as `\\u001b` in JSON-LD) could set a terminal's title, clear its screen or
hide text when `search` prints them; bidirectional overrides reorder what a reader sees; a cell
that starts with `=` is a formula to a spreadsheet. So:

* `clean` is applied where text enters the archive (newsarchive.store.normalise): control
  characters go (tab and newline stay), bidi overrides and isolates go, U+2028/U+2029 become
  newlines, lone surrogates (invalid in UTF-8) become U+FFFD;
* `for_terminal` shows what is left of them in older rows visibly (`\\x1b`), for every command
  that prints the archive; `for_json` does so inside JSON strings;
* `for_spreadsheet` makes a CSV cell that starts like a formula plain text;
* `for_log` makes one short line of anything a site sent, for logs and `failures.detail`.
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, C1 controls, and the invisible characters that reorder
#: or annotate text: bidi embeddings, overrides and isolates, the Arabic letter mark, deprecated
#: format characters, interlinear annotations, and the byte-order mark inside text.
_INVISIBLE = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u206a-\u206f\ufeff\ufff9-\ufffb"
_UNSAFE = "\x00-\x08\x0b-\x1f" + _INVISIBLE
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_LINE_SEPARATORS_RE = re.compile("[\u2028\u2029\x85]")
#: What a terminal or a JSON reader must not get raw (carriage return included: it rewrites a line).
_TERMINAL_RE = re.compile(f"[{_UNSAFE}\r\u2028\u2029]")
#: What json.dumps leaves raw (it escapes only U+0000–U+001F) but a terminal must not get.
_JSON_ESCAPE_RE = re.compile(f"[{_INVISIBLE}\u2028\u2029]")
#: A spreadsheet reads a cell starting with one of these as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def clean(text: str | None) -> str | None:
    """`text` without control characters (tab and newline kept) and invisible reordering marks;
    carriage returns and line and paragraph separators become newlines, lone surrogates U+FFFD."""
    if not text:
        return text
    text = _LINE_SEPARATORS_RE.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _UNSAFE_RE.sub("", text)
    return _SURROGATE_RE.sub("\ufffd", text)


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text):
    """A value to print on a terminal: unsafe characters shown as `\\x1b`, `\\u202e`; non-text
    values unchanged."""
    if not isinstance(text, str):
        return text
    text = _TERMINAL_RE.sub(_visible, text)
    return _SURROGATE_RE.sub("\ufffd", text)


def for_json(encoded: str) -> str:
    """JSON text (from json.dumps(…, ensure_ascii=False)) with the characters json leaves raw but a
    terminal obeys (DEL, C1 controls, bidi overrides, line separators) written as \\uXXXX escapes:
    the same JSON to a program."""
    return _JSON_ESCAPE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def for_spreadsheet(value):
    """A CSV cell that a spreadsheet shows as text: a string starting like a formula gets a
    leading apostrophe (and is made safe for a terminal); numbers are left alone."""
    if not isinstance(value, str):
        return value
    value = for_terminal(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def for_log(text, limit: int = 200) -> str:
    """One line of at most `limit` characters: unsafe characters and line breaks shown escaped."""
    text = for_terminal(str(text)).replace("\n", "\\n").replace("\t", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
