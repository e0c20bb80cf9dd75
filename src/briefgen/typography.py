"""Apply each language's typographic conventions to plain text, before any engine sees it."""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def french(text: str) -> str:
    text = _APOSTROPHE.sub("’", text)
    text = re.sub(r"[ \u00a0\u202f]*([;!?])", NNBSP + r"\1", text)
    text = re.sub(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)", NBSP + ":", text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    return text


def english(text: str) -> str:
    text = _APOSTROPHE.sub("’", text)
    return re.sub(r"[ \u00a0\u202f]+([;:!?])", r"\1", text)


_RULES = {"fr": french, "en": english}


def typeset(text: str, lang: str) -> str:
    """`text` with the conventions of `lang` (its primary subtag); unknown languages are left as they are."""
    rule = _RULES.get(lang.split("-")[0])
    return rule(text) if rule else text
