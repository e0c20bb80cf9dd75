"""Take an output folder; give, and keep, the record of the e-mail `briefgen mail --send` delivered from it:
OUT/mail/sent.json, beside the manifest's folder, so that a briefing is never sent twice to a reader.

One entry per message the server accepted: the brief, the language, the reader's address, the Message-ID,
the sha256 of the PDF attached and when. A reader was sent a briefing when an entry has its brief, language,
address (in any case) and PDF. The record is untrusted input, as everything in OUT: read as a regular file of
its folder, never through a link, never past MOST bytes, checked against its schema, each problem at its
line and column; it is replaced atomically after each message sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from briefgen.distribution import confined
from briefgen.distribution.manifest import _places as json_places
from briefgen.errors import InputError, Problem, display_path
from briefgen.output import write_atomic

FOLDER = "mail"
NAME = "sent.json"
MOST = 16 * 1024 * 1024
_FIX = "(fix it, or remove it to send every briefing again)"


class Sent(BaseModel):
    """A message the server accepted for one reader."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    brief: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
    language: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    to: Annotated[str, StringConstraints(min_length=3, max_length=320, pattern=r"^[^\s@]+@[^\s@]+$")]
    message_id: Annotated[str, StringConstraints(pattern=r"^<[^\s<>]+@[^\s<>]+>$", max_length=400)]
    pdf_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    at: Annotated[str, StringConstraints(max_length=40)]

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.brief, self.language, self.to.lower(), self.pdf_sha256)


@dataclass
class Record:
    """What was sent from an output folder."""

    out: Path
    sent: list[Sent] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.out / FOLDER / NAME

    def find(self, brief: str, language: str, to: str, sha256: str) -> Sent | None:
        key = (brief, language, to.lower(), sha256)
        return next((s for s in self.sent if s.key == key), None)

    def add(self, sent: Sent) -> None:
        """Note `sent` and write the record at once: a run stopped later still knows it."""
        self.sent.append(sent)
        write_atomic(self.path, dumps(self.sent))


def dumps(sent: list[Sent]) -> bytes:
    document = {"sent": [s.model_dump() for s in sent]}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read(out: Path) -> Record:
    """The record of `out` (empty when there is none). Raises InputError with every problem, each placed."""
    folder = out / FOLDER
    where = display_path(folder / NAME)
    try:
        raw = confined.read(folder, NAME, MOST, f" {_FIX}")
    except (FileNotFoundError, NotADirectoryError):
        return Record(out)
    try:
        text = raw.decode("utf-8")
        data: Any = json.loads(text)
    except UnicodeDecodeError as exc:
        raise InputError(Problem(where, 0, 0, f"not UTF-8 text: {exc.reason} {_FIX}")) from None
    except json.JSONDecodeError as exc:
        raise InputError(Problem(where, exc.lineno, exc.colno, f"not valid JSON: {exc.msg} {_FIX}")) from None
    except RecursionError:
        raise InputError(
            Problem(where, 1, 1, f"nested too deep to be a record of sent mail {_FIX}")
        ) from None
    try:
        places = json_places(text)
    except RecursionError:
        places = {}

    def problem(at: tuple[Any, ...], message: str) -> Problem:
        while at and at not in places:
            at = at[:-1]
        line, column = places.get(at, (1, 1))
        return Problem(where, line, column, f"{message} {_FIX}")

    if not isinstance(data, dict) or not isinstance(data.get("sent"), list):
        raise InputError(problem((), "not a record of sent mail: an object whose 'sent' is a list"))
    problems = [problem((key,), f"unknown field {json.dumps(key)}") for key in data if key != "sent"]
    entries: list[Sent] = []
    for index, value in enumerate(data["sent"]):
        try:
            entries.append(Sent.model_validate(value))
        except ValidationError as exc:
            for error in exc.errors():
                at = ("sent", index, *error["loc"])
                field_name = ".".join(str(x) for x in error["loc"]) or "entry"
                problems.append(problem(at, f"sent[{index}].{field_name}: {error['msg'].lower()}"))
    if problems:
        raise InputError(problems)
    return Record(out, entries)


__all__ = ["FOLDER", "NAME", "Record", "Sent", "read"]
