"""The text types of a brief: one text in every language, excerpts checked against the source, fact references."""

from __future__ import annotations

import difflib
import hashlib
import re
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    RootModel,
    StringConstraints,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefgen.brief import limits
from briefgen.brief.inline import FACT_REF, MARKUP, link_allowed, links
from briefgen.brief.read import shown

FACT_STYLES = ("compact", "long", "short")
# Control characters (tab and line feed aside), lone surrogates and noncharacters: no text holds them.
_NONCHARACTERS = "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")


def refused_link(url: str, **where: str) -> PydanticCustomError:
    return PydanticCustomError(
        "link_scheme",
        "the link '{url}' is refused: only https, http and mailto links are allowed",
        {"url": shown(url), **where},
    )


def _clean(text: Any) -> Any:
    """A text as given, before any stripping, with no control character, lone surrogate or noncharacter."""
    match = _FORBIDDEN.search(text) if isinstance(text, str) else None
    if match:
        raise PydanticCustomError(
            "text_char",
            "the character U+{code} is not allowed in a text (remove it)",
            {"code": f"{ord(match.group()):04X}"},
        )
    return text


@cache
def known_language(code: str) -> bool:
    """Whether CLDR (through Babel) knows the language code `code`, e.g. fr, en-GB, pt-BR."""
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _cldr(code: str) -> str:
    if not known_language(code):
        raise PydanticCustomError(
            "lang_unknown",
            "'{code}' is not a language CLDR knows (a code like fr, en, de-CH or pt-BR)",
            {"code": code},
        )
    return code


def bounded(value: Decimal | int) -> Decimal | int:
    """An amount, count or number within the limits: at most 10^15, with at most 10 decimal places."""
    if abs(Decimal(value)) > limits.MAX_NUMBER:
        raise PydanticCustomError("number_bound", "too large (at most 10^15)")
    if isinstance(value, Decimal):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -limits.MAX_DECIMALS:
            raise PydanticCustomError(
                "number_bound", "more than {places} decimal places", {"places": limits.MAX_DECIMALS}
            )
    return value


def _link(url: str) -> str:
    if not link_allowed(url):
        raise refused_link(url)
    return url


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_TEXT),
    BeforeValidator(_clean),
]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$"), AfterValidator(_cldr)]
Url = Annotated[Text, AfterValidator(_link)]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
KebabId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=limits.MAX_ID)]


def brief_context(info: ValidationInfo) -> dict[str, Any]:
    """What the whole brief tells each part: its languages, its fact ids, its source text (when known)."""
    return info.context or {}


def unknown_fact(fact_id: str, known: list[str], **where: str) -> PydanticCustomError:
    close = difflib.get_close_matches(fact_id, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return PydanticCustomError("unknown_fact", "unknown fact '{fact}'" + hint, {"fact": fact_id, **where})


def _check_languages(mapping: dict[str, Any], info: ValidationInfo) -> None:
    declared = brief_context(info).get("languages")
    if not declared:
        return
    for lang in mapping:
        if lang not in declared:
            raise PydanticCustomError(
                "lang_undeclared", "language '{lang}' is not declared in 'languages'", {"lang": lang}
            )
    missing = [lang for lang in declared if lang not in mapping]
    if missing:
        raise PydanticCustomError(
            "lang_missing",
            "missing {missing} text (languages: {declared})",
            {"missing": ", ".join(f"'{m}'" for m in missing), "declared": ", ".join(declared)},
        )


def _check_refs(text: str, lang: str, info: ValidationInfo) -> None:
    """Fact references in `text` name known facts and styles. Errors carry `lang` to point at the text."""
    facts = brief_context(info).get("facts")
    for match in FACT_REF.finditer(text):
        fact_id, style = match.group(1), match.group(2)
        if facts is not None and fact_id not in facts:
            raise unknown_fact(fact_id, facts, lang=lang)
        if style and style not in FACT_STYLES:
            styles = ", ".join(FACT_STYLES)
            raise PydanticCustomError(
                "fact_style",
                "unknown style ':{style}' (use {styles})",
                {"style": style, "styles": styles, "lang": lang},
            )
    if "{{" in FACT_REF.sub("", text):
        raise PydanticCustomError(
            "fact_ref", "'{{' opens no fact reference (write {{fact_id}})", {"lang": lang}
        )


def _check_markup(text: str, lang: str) -> None:
    """Few enough markup characters for the inline parser, whose time grows with their number times the length."""
    count = sum(map(text.count, MARKUP))
    if count > limits.MAX_MARKUP:
        raise PydanticCustomError(
            "markup",
            "the text holds {count} of the characters {chars} (at most {limit} in one text)",
            {"count": count, "chars": " ".join(MARKUP), "limit": limits.MAX_MARKUP, "lang": lang},
        )


def _check_links(text: str, lang: str) -> None:
    """Every link of `text` is an https, http or mailto one: anything else is an error, never silent text."""
    for url in links(text):
        if not link_allowed(url):
            raise refused_link(url, lang=lang)


def check_neutral(text: str, info: ValidationInfo) -> None:
    """The checks of a localised text, for a text written once for every language (a table cell)."""
    _check_refs(text, "", info)
    _check_markup(text, "")
    _check_links(text, "")


def declared_language(lang: str, info: ValidationInfo) -> str:
    declared = brief_context(info).get("languages")
    if declared and lang not in declared:
        raise PydanticCustomError(
            "lang_original",
            "'{lang}' is not one of the brief's languages ({declared})",
            {"lang": lang, "declared": ", ".join(declared)},
        )
    return lang


def _known_fact(fact_id: str, info: ValidationInfo) -> str:
    facts = brief_context(info).get("facts")
    if facts is not None and fact_id not in facts:
        raise unknown_fact(fact_id, facts)
    return fact_id


def _in_source(excerpt: str, info: ValidationInfo) -> str:
    """An excerpt written as a string: it comes from the brief's first source."""
    texts = brief_context(info).get("source_texts") or {}
    first = brief_context(info).get("first_source")
    text = texts.get(first)
    if text is not None and squash(excerpt) not in text:
        raise PydanticCustomError("excerpt", _not_found(first, len(texts)) + nearest(squash(excerpt), text))
    return excerpt


# Marks that look alike and are not the same character: an excerpt must use the source's own.
_LOOKALIKES = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"}
)
_NAMES = {
    "'": "straight '",
    '"': 'straight "',
    "-": "hyphen -",
    "’": "curly ’",
    "‘": "curly ‘",
    "“": "curly “",
    "”": "curly ”",
    "«": "«",
    "»": "»",
    "–": "en dash –",
    "—": "em dash —",
    "ʼ": "ʼ",
}
# The nearest passage is searched for an excerpt of at most 600 characters in a source of at most 300,000: the
# search takes time in proportion to their product (a tenth of a second at these sizes).
_NEAREST_LIMIT, _NEAREST_SOURCE = 600, 300_000


def nearest(excerpt: str, source: str) -> str:
    """What a reader needs to fix an excerpt not found: the mark that differs, or the nearest passage."""
    folded_excerpt, folded_source = excerpt.translate(_LOOKALIKES), source.translate(_LOOKALIKES)
    at = folded_source.find(folded_excerpt)
    if at >= 0:
        passage = source[at : at + len(excerpt)]
        mine, theirs = next((a, b) for a, b in zip(excerpt, passage, strict=True) if a != b)
        return (
            f": the source writes {_NAMES.get(theirs, theirs)} where the excerpt has {_NAMES.get(mine, mine)}"
        )
    if len(excerpt) > _NEAREST_LIMIT or len(source) > _NEAREST_SOURCE:
        return ""
    match = difflib.SequenceMatcher(None, folded_source, folded_excerpt, autojunk=False).find_longest_match()
    if match.size < min(12, len(excerpt) // 2):
        return ""
    start = max(0, match.a - match.b)
    return f"; the nearest passage reads '{shown(source[start : start + len(excerpt)].strip(), 100)}'"


def _not_found(source: str | None, count: int) -> str:
    where = f"the file of source '{source}'" if count > 1 and source else "the source file"
    return f"excerpt not found word for word in {where}"


def squash(text: str) -> str:
    """Text with every run of spaces (no-break ones included) made one space, for excerpt matching."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


ExcerptText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_TEXT),
    BeforeValidator(_clean),
]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+([_-][a-z0-9]+)*$", max_length=64)]


def _known_source(source_id: str, info: ValidationInfo) -> str:
    known = brief_context(info).get("source_ids")
    if known is not None and source_id not in known:
        close = difflib.get_close_matches(source_id, known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (sources: {', '.join(known)})"
        raise PydanticCustomError("source_ref", "unknown source '{source}'" + hint, {"source": source_id})
    return source_id


SourceRef = Annotated[SourceId, AfterValidator(_known_source)]


class Cited(BaseModel):
    """An excerpt of a named source: `{source: wire, quote: "…"}` (a plain string comes from the first)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    source: SourceRef
    quote: ExcerptText

    @model_validator(mode="after")
    def _in_its_source(self, info: ValidationInfo) -> Cited:
        texts = brief_context(info).get("source_texts") or {}
        text = texts.get(self.source)
        if text is not None and squash(self.quote) not in text:
            message = _not_found(self.source, len(texts)) + nearest(squash(self.quote), text)
            raise PydanticCustomError("excerpt", message)
        return self


def _excerpt_kind(value: Any) -> str:
    return "cited" if isinstance(value, dict) else "text"


# A verbatim excerpt of a source: a string (from the first source) or `{source: id, quote: "…"}`.
Excerpt = Annotated[
    Annotated[Annotated[ExcerptText, AfterValidator(_in_source)], Tag("text")]
    | Annotated[Cited, Tag("cited")],
    Discriminator(_excerpt_kind),
]
EXCERPT_TAGS = ("text", "cited")  # steps of a validation error's location that are no key of the brief


def excerpt_parts(excerpt: str | Cited, first_source: str) -> tuple[str, str]:
    """The source id and the words of an excerpt."""
    if isinstance(excerpt, Cited):
        return excerpt.source, excerpt.quote
    return first_source, excerpt


FactRef = Annotated[str, AfterValidator(_known_fact)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def one_of_keys(*keys: str) -> dict[str, Any]:
    """The JSON Schema of "exactly one of these keys, not null", which a model validator checks."""
    return {"oneOf": [{"required": [key], "properties": {key: {"not": {"type": "null"}}}} for key in keys]}


def _digits(value: Any) -> Any:
    """A fingerprint of eight digits, which YAML reads as a number: its eight digits again."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**8:
        return f"{value:08d}"
    return value


Fingerprint = Annotated[str, BeforeValidator(_digits), StringConstraints(pattern=r"^[0-9a-f]{8}$")]


def fingerprint(text: str) -> str:
    """A short fingerprint of a text, recorded with a translation to tell when its original changed."""
    return hashlib.sha256(squash(text).encode("utf-8")).hexdigest()[:8]


def _translated_schema(schema: dict[str, Any]) -> None:
    """`translated` beside the languages, in the JSON Schema: a fingerprint per language, which YAML reads as a
    number when it is all digits."""
    (lang,) = schema["patternProperties"]
    fingerprint = {
        "anyOf": [
            {"type": "string", "pattern": "^[0-9a-f]{8}$"},
            {"type": "integer", "minimum": 0, "maximum": 10**8 - 1},
        ]
    }
    schema["properties"] = {
        "translated": {
            "type": "object",
            "patternProperties": {lang: fingerprint},
            "additionalProperties": False,
        }
    }


class Localised(RootModel[dict[LangCode, Text]]):
    """One text in every declared language: `{fr: "…", en: "…"}`.

    `translated: {en: 1a2b3c4d}` may record the fingerprint of the original-language text that the English
    was translated from, so that `briefgen check` can tell a translation older than its original.
    """

    model_config = ConfigDict(frozen=True, json_schema_extra=_translated_schema)
    _translated: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _split_translated(
        cls, data: Any, handler: ModelWrapValidatorHandler[Localised], info: ValidationInfo
    ) -> Localised:
        translated = None
        if isinstance(data, dict) and "translated" in data:
            data = dict(data)
            translated = data.pop("translated")
        value = handler(data)
        if translated is not None:
            try:
                value._translated = _TRANSLATED.validate_python(translated)
            except ValidationError:
                raise PydanticCustomError(
                    "translated",
                    "'translated' maps a language to the 8-hex-digit fingerprint of its original",
                ) from None
            declared = brief_context(info).get("languages") or []
            original = brief_context(info).get("original")
            for lang in value._translated:
                if declared and lang not in declared:
                    raise PydanticCustomError(
                        "translated",
                        "'translated' names '{lang}', which is not declared in 'languages'",
                        {"lang": lang},
                    )
                if lang == original:
                    others = [x for x in declared if x != original]
                    example = f"translated: {{{others[0]}: …}}" if others else "translated on a translation"
                    raise PydanticCustomError(  # pydantic fills in only {named}: the example's braces stay
                        "translated",
                        "'translated' names '{named}', the original language: record the fingerprint on the "
                        "translation made from it, like " + example,
                        {"named": lang},
                    )
        return value

    @property
    def translated(self) -> dict[str, str]:
        return self._translated

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> Localised:
        _check_languages(self.root, info)
        for lang, text in self.root.items():
            _check_refs(text, lang, info)
            _check_markup(text, lang)
            _check_links(text, lang)
        return self

    def __getitem__(self, lang: str) -> str:
        return self.root[lang]


_TRANSLATED = TypeAdapter(dict[LangCode, Fingerprint])


class LocalisedList(RootModel[dict[LangCode, Annotated[list[Text], Field(max_length=limits.MAX_ITEMS)]]]):
    """A list per language: `{fr: [a, b], en: [a, b]}`."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> LocalisedList:
        _check_languages(self.root, info)
        return self

    def __getitem__(self, lang: str) -> list[str]:
        return self.root[lang]


Basis = list[Excerpt]
