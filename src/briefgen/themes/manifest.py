"""The typed theme manifest (`theme.yaml`): fonts, colours, page, type scale, spacing, rules, layout, logo."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from tinycss2.color3 import parse_color

LENGTH = re.compile(r"^(-?\d+(?:\.\d+)?)(pt|mm|cm|in)$")
EM = re.compile(r"^(-?\d+(?:\.\d+)?)em$")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
FIELD = re.compile(r"\{([a-z_]+)\}")
RUNNING_FIELDS = (
    "briefing",
    "title",
    "classification",
    "date",
    "version",
    "author",
    "section",
    "page",
    "pages",
    "page_x_of_y",
)
FACES = ("regular", "italic", "bold", "bold-italic", "black")
PAGE_SIZES = {
    "A4": ("210mm", "297mm"),
    "A5": ("148mm", "210mm"),
    "letter": ("8.5in", "11in"),
    "legal": ("8.5in", "14in"),
}

UNITS = "pt, mm, cm or in"


def _colour(value: object) -> object:
    """A colour as CSS writes it (#rrggbb, #rgb, a colour name, rgb()), made #rrggbb; an opaque one only."""
    if isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return value
    rgba = parse_color(value) if isinstance(value, str) else None
    if rgba is None or isinstance(rgba, str) or rgba.alpha != 1:
        raise PydanticCustomError(
            "colour",
            "'{value}' is not a colour: write #rrggbb (#00a878), #rgb, a CSS colour name (navy) or "
            "rgb(0, 168, 120), opaque",
            {"value": str(value)[:40]},
        )
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgba[:3])


def _length(value: object) -> object:
    """A length with its unit: a bare number or another unit says which units are accepted."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return value
    if not isinstance(value, str) or re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise PydanticCustomError(
            "length",
            "{value} has no unit: write it with one of {units} (like {value}pt)",
            {"value": str(value), "units": UNITS},
        )
    if not LENGTH.match(value):
        raise PydanticCustomError(
            "length",
            "'{value}' is not a length: a number and a unit, {units} (like 10pt or 2.5mm)",
            {"value": value[:40], "units": UNITS},
        )
    return value


def _positive(value: object) -> object:
    """A size: a length more than zero."""
    value = _length(value)
    if isinstance(value, str) and points(value) <= 0:
        raise PydanticCustomError("length", "a size must be more than 0, not '{value}'", {"value": value})
    return value


def _page_size(value: object) -> object:
    if isinstance(value, str) and value not in PAGE_SIZES:
        close = [name for name in PAGE_SIZES if name.lower() == value.lower()]
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise PydanticCustomError(
            "page_size",
            "'{value}' is not a page size: A4, A5, letter, legal, or [width, height] (like [6in, 9in]){hint}",
            {"value": value[:40], "hint": hint},
        )
    if not isinstance(value, (str, list, tuple)) or (not isinstance(value, str) and len(value) != 2):
        raise PydanticCustomError(
            "page_size", "a page size is A4, A5, letter, legal, or [width, height] (like [6in, 9in])"
        )
    if not isinstance(value, str):
        for side in value:  # each checked here: the union would also say the list is not 'A4'
            _positive(side)
    return value


Colour = Annotated[str, BeforeValidator(_colour)]  # #rrggbb once validated; any CSS colour in
Length = Annotated[str, StringConstraints(pattern=LENGTH.pattern), BeforeValidator(_length)]
Size = Annotated[str, StringConstraints(pattern=LENGTH.pattern), BeforeValidator(_positive)]
Em = Annotated[str, StringConstraints(pattern=EM.pattern)]
Percent = Annotated[str, StringConstraints(pattern=PERCENT.pattern)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # a language as briefs and catalogs name it: fr, en-GB
CATALOG_KEY = re.compile(r"^[a-z][a-z0-9_.-]*$")  # a catalog string's name: briefing, status.draft
Lang = Annotated[str, StringConstraints(pattern=LANG.pattern)]
CatalogKey = Annotated[str, StringConstraints(pattern=CATALOG_KEY.pattern)]


def points(length: str) -> Decimal:
    """A length in points: `10pt`, `2.2mm`, `1in`."""
    match = LENGTH.match(length)
    if match is None:
        raise ValueError(f"not a length: {length!r}")
    factor = {
        "pt": Decimal(1),
        "in": Decimal(72),
        "mm": Decimal(72) / Decimal("25.4"),
        "cm": Decimal(720) / Decimal("25.4"),
    }
    return Decimal(match.group(1)) * factor[match.group(2)]


def ems(value: str) -> Decimal:
    match = EM.match(value)
    if match is None:
        raise ValueError(f"not an em value: {value!r}")
    return Decimal(match.group(1))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Family(_Strict):
    """Where a font family's files come from: a pip font package, or files beside the manifest."""

    package: str | None = Field(None, description="A pip font package (fontpkg-*), e.g. fontpkg-lato.")
    files: dict[Literal["regular", "italic", "bold", "bold-italic", "black"], str] | None = Field(
        None,
        description="Font files by face, relative to the manifest's folder (OFL fonts shipped with the theme).",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Family:
        if (self.package is None) == (self.files is None):
            raise ValueError("give either 'package' (a pip font package) or 'files' (font files by face)")
        if self.files is not None:
            missing = [face for face in ("regular", "bold") if face not in self.files]
            if missing:
                raise ValueError(
                    f"'files' needs at least the regular and bold faces (missing: {', '.join(missing)})"
                )
        return self


class Fonts(_Strict):
    text: str = Field(description="The family of the text.")
    headings: str = Field(description="The family of the headings.")


class Margins(_Strict):
    top: Length
    right: Length
    bottom: Length
    left: Length


class Running(_Strict):
    """A running header or footer: text with {fields} on the left and on the right."""

    left: str | None = None
    right: str | None = None
    first_page: bool = Field(True, alias="first-page", description="Also on the first page.")
    gap: Length | None = None

    @field_validator("left", "right")
    @classmethod
    def _known_fields(cls, value: str | None) -> str | None:
        for name in FIELD.findall(value or ""):
            if name not in RUNNING_FIELDS:
                raise ValueError(f"unknown field '{{{name}}}' (fields: {', '.join(RUNNING_FIELDS)})")
        return value


class Logo(_Strict):
    """The logo and what it says to a reader who cannot see it: its alt text, or nothing (decorative)."""

    file: str = Field(description="An SVG, PNG or JPEG file, relative to the manifest, printed on page 1.")
    alt: dict[Lang, Annotated[str, StringConstraints(min_length=1)]] | CatalogKey | None = Field(
        None,
        description="Its alt text, by language ({fr: …, en: …}), or the name of a catalog string. Every "
        "language a brief is built in needs one.",
    )
    decorative: bool = Field(
        False,
        description="A logo that tells the reader nothing the page does not: drawn as page furniture (an "
        "artifact in a tagged PDF), with no alt text.",
    )

    @field_validator("alt", mode="before")
    @classmethod
    def _alt_form(cls, value: object) -> object:
        """One clear message for each wrong form (a union would report one per branch)."""
        if value is None:
            return value
        if isinstance(value, str):
            if not CATALOG_KEY.match(value):
                raise PydanticCustomError(
                    "logo_alt",
                    "'{value}' is not the name of a catalog string; write the text by language: "
                    "{fr: …, en: …}",
                    {"value": value[:60]},
                )
            return value
        if not isinstance(value, dict) or not value:
            raise PydanticCustomError(
                "logo_alt", "give the text by language ({fr: …, en: …}) or the name of a catalog string"
            )
        for lang, text in value.items():
            if not isinstance(lang, str) or not LANG.match(lang):
                raise PydanticCustomError(
                    "logo_alt", "'{lang}' is not a language code (like fr or en-GB)", {"lang": str(lang)[:20]}
                )
            if not isinstance(text, str) or not text.strip():
                raise PydanticCustomError(
                    "logo_alt", "the text in '{lang}' must not be empty", {"lang": lang}
                )
        return value


class Page(_Strict):
    size: Annotated[Literal["A4", "A5", "letter", "legal"] | tuple[Size, Size], BeforeValidator(_page_size)]
    margin: Margins
    header: Running
    footer: Running
    logo: Logo | None = Field(
        None,
        description="The logo printed on page 1: {file, alt} or {file, decorative: true}; a file's name "
        "alone is an undescribed logo (drawn as an artifact; a PDF/UA-1 build warns).",
    )
    logo_height: Length = Field(alias="logo-height")

    @field_validator("logo", mode="before", json_schema_input_type=str | Logo | None)
    @classmethod
    def _bare_file(cls, value: object) -> object:
        """`logo: logo.svg`, the form before logos had alt text: the file alone."""
        return {"file": value} if isinstance(value, str) else value

    @property
    def width(self) -> str:
        return PAGE_SIZES[self.size][0] if isinstance(self.size, str) else self.size[0]

    @property
    def height(self) -> str:
        return PAGE_SIZES[self.size][1] if isinstance(self.size, str) else self.size[1]


class TextStyle(_Strict):
    """One step of the type scale."""

    size: Size
    leading: float = Field(1.45, gt=0.5, le=3, description="Line height as a multiple of the size.")
    weight: Literal[400, 700, 900] = 400
    tracking: Em = "0em"
    italic: bool = False
    caps: bool = False
    colour: str = "ink"
    font: Literal["text", "headings"] = "text"


class Manifest(_Strict):
    """A theme: its name, its parent, and every design value its templates read."""

    name: Name
    description: str = ""
    extends: str | None = Field(None, description="The parent theme: a built-in name or a folder.")
    fonts: dict[str, Family]
    font: Fonts
    colours: dict[Name, Colour]
    page: Page
    text: dict[Name, TextStyle]
    space: dict[Name, Length]
    rules: dict[Name, Length]
    layout: dict[Name, Length | Percent | Em | int | bool | str] = {}


# Layout values that name a choice the templates make: any other value is an error, never a quiet default.
LAYOUT_CHOICES = {
    "notes": ("endnotes", "footnotes"),  # where the notes quoting the sources go
    "banner": ("auto", "always", "never"),  # the classification banner: a brief not public, every brief, none
}


def _percentage(value: object) -> bool:
    match = PERCENT.match(value) if isinstance(value, str) else None
    return match is not None and Decimal(match.group(1)) <= 100


def _degrees(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -180 <= value <= 180


def _columns(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


# Layout values of one form: what the value must be, and the test.
LAYOUT_FORMS = {
    "columns": ("a whole number of columns from 1 to 4", _columns),
    "watermark-opacity": ("a percentage from 0% to 100%", _percentage),
    "watermark-angle": ("a whole number of degrees from -180 to 180", _degrees),
}


def json_schema() -> dict[str, object]:
    """The JSON Schema of a theme manifest, for editors. Only `name` is required: a theme that extends
    another names only what it changes (briefgen checks the merged manifest)."""

    def loosen(node: object) -> None:
        if isinstance(node, dict):
            node.pop("required", None)
            for value in node.values():
                loosen(value)
        elif isinstance(node, list):
            for value in node:
                loosen(value)

    schema = Manifest.model_json_schema(by_alias=True)
    loosen(schema)
    schema["required"] = ["name"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "briefgen theme (theme.yaml)",
        **schema,
    }


__all__ = [
    "FACES",
    "Family",
    "Logo",
    "Manifest",
    "Page",
    "Running",
    "TextStyle",
    "ems",
    "json_schema",
    "points",
]
