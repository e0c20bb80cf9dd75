"""Write inline trees and plain strings in each engine's markup, so brief text is always data, never code.

Each module gives `SYNTAX`: the entry template, how Jinja is delimited, and the escaping of values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from briefgen.document.inline import Inline


@dataclass(frozen=True)
class Syntax:
    """How one engine's templates are written and how values are escaped into them."""

    entry: str  # the template rendered first, e.g. "brief.html.j2"
    inline: Callable[[Inline], str]  # an inline tree -> markup of the engine
    text: Callable[[str], str] | None  # a plain string -> markup (None: Jinja's HTML autoescape does it)
    delimiters: dict[str, str] = field(
        default_factory=dict
    )  # Jinja delimiters, for engines where {% %} clash
    filters: dict[str, Callable[..., object]] = field(default_factory=dict)  # extra Jinja filters
