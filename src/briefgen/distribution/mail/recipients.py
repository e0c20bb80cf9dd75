"""Take a distribution list (YAML); give its readers, each with a checked address and a known language.

    fallback: en                  # optional: the language for a reader whose language a brief lacks
    recipients:
      - {name: Camille Martin, address: camille@example.org, language: fr}
    groups:
      - name: Berlin office
        language: de              # optional: the language of the members that name none
        members:
          - {name: Jonas Weber, address: jonas@example.org}

Every problem is reported at its line and column, all together: a key that is not one of these, an address
email-validator refuses (syntax only: no DNS), a language without a catalog, an address listed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.brief.read import Located, Path_, load_yaml
from briefgen.distribution.mail.options import check_address
from briefgen.errors import InputError, Problem
from briefgen.language.catalog import available_languages

TOP_KEYS = ("fallback", "recipients", "groups")
READER_KEYS = ("name", "address", "language")
GROUP_KEYS = ("name", "language", "members")


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str  # as email-validator normalises it
    language: str
    group: str = ""

    @property
    def shown(self) -> str:
        """`Name <address>`, as a summary line shows the reader."""
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(frozen=True)
class Readers:
    """A distribution list: its readers in the order of the file, and its fallback language (or none)."""

    file: Path
    recipients: tuple[Recipient, ...]
    fallback: str | None = None


def read(file: Path) -> Readers:
    """The readers of the list `file`. Raises InputError with every problem, each at its place."""
    located = load_yaml(file)
    problems: list[Problem] = list(located.problems)
    data = located.data
    if not isinstance(data, dict):
        raise InputError(
            located.problem((), "a distribution list is a mapping: recipients, groups, fallback")
        )
    known = _languages()
    problems += [
        located.problem((key,), f"unknown key '{key}' (a list has {', '.join(TOP_KEYS)})", at_key=True)
        for key in data
        if key not in TOP_KEYS
    ]
    fallback = data.get("fallback")
    if fallback is not None and (message := _language_problem(fallback, known)):
        problems.append(located.problem(("fallback",), message))
        fallback = None
    readers: list[Recipient] = []
    seen: dict[str, int] = {}  # address (lower case) → line of its first listing
    entries: list[tuple[Path_, Any, str, Any]] = []  # (where, entry, group, group's language)
    listed = data.get("recipients", [])
    if not isinstance(listed, list):
        problems.append(located.problem(("recipients",), "'recipients' is a list of readers"))
        listed = []
    entries += [(("recipients", i), entry, "", None) for i, entry in enumerate(listed)]
    groups = data.get("groups", [])
    if not isinstance(groups, list):
        problems.append(
            located.problem(("groups",), "'groups' is a list of groups, each with name and members")
        )
        groups = []
    for g, group in enumerate(groups):
        where: Path_ = ("groups", g)
        if not isinstance(group, dict):
            problems.append(located.problem(where, "a group is a mapping: name, language, members"))
            continue
        problems += _unknown(located, where, group, GROUP_KEYS)
        name = group.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(located.problem(where, "a group needs a name"))
            name = ""
        language = group.get("language")
        if language is not None and (message := _language_problem(language, known)):
            problems.append(located.problem((*where, "language"), message))
            language = None
        members = group.get("members")
        if not isinstance(members, list) or not members:
            problems.append(located.problem((*where, "members"), "a group's 'members' is a list of readers"))
            continue
        entries += [((*where, "members", i), entry, name, language) for i, entry in enumerate(members)]
    for where, entry, group_name, group_language in entries:
        found = _reader(located, where, entry, group_name, group_language, known, problems)
        if found is None:
            continue
        key = found.address.lower()
        line = located.values.get(where, (0, 0))[0]
        if key in seen:
            problems.append(
                located.problem(
                    (*where, "address"), f"{found.address} is listed twice (first on line {seen[key]})"
                )
            )
            continue
        seen[key] = line
        readers.append(found)
    if not readers and not problems:
        problems.append(located.problem((), "no recipients: list them under 'recipients' or in 'groups'"))
    if problems:
        raise InputError(problems)
    return Readers(file, tuple(readers), fallback)


def _reader(
    located: Located,
    where: Path_,
    entry: Any,
    group: str,
    group_language: str | None,
    known: set[str],
    problems: list[Problem],
) -> Recipient | None:
    if not isinstance(entry, dict):
        problems.append(located.problem(where, "a reader is a mapping: name, address, language"))
        return None
    count = len(problems)
    problems += _unknown(located, where, entry, READER_KEYS)
    name = entry.get("name", "")
    if not isinstance(name, str):
        problems.append(located.problem((*where, "name"), "a name is text"))
    address = entry.get("address")
    if not isinstance(address, str) or not address.strip():
        problems.append(located.problem(where, "a reader needs an address"))
    else:
        try:
            shown, address = check_address(address.strip())
        except ValueError as exc:
            problems.append(located.problem((*where, "address"), str(exc)))
        else:
            if shown:
                problems.append(
                    located.problem((*where, "address"), "write the name under 'name', the address alone")
                )
    language = entry.get("language", group_language)
    if language is None:
        problems.append(located.problem(where, "a reader needs a language (or a group that gives one)"))
    elif message := _language_problem(language, known):
        problems.append(located.problem((*where, "language"), message))
    if len(problems) > count:
        return None
    return Recipient(str(name).strip(), str(address), str(language), group)


def _unknown(located: Located, where: Path_, entry: dict[str, Any], keys: tuple[str, ...]) -> list[Problem]:
    return [
        located.problem((*where, key), f"unknown key '{key}' ({', '.join(keys)})", at_key=True)
        for key in entry
        if key not in keys
    ]


def _languages() -> set[str]:
    """The languages a reader may ask for: those with a catalog."""
    return set(available_languages())


def _language_problem(value: Any, known: set[str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "a language is a code, e.g. fr"
    if value not in known and value.split("-")[0] not in known:
        return f"unknown language '{value}' (one of: {', '.join(sorted(known))})"
    return None


def language_for(reader: Recipient, languages: list[str], fallback: str | None) -> tuple[str, bool]:
    """The language of a brief (which holds `languages`, its own first) a reader gets, and whether it is a
    fallback: the reader's, or the brief's in the reader's language without its region (en for en-GB, or en-GB
    for en); else the list's fallback, when the brief has it; else the brief's first language."""
    wanted = reader.language
    if wanted in languages:
        return wanted, False
    base = wanted.split("-")[0]
    for lang in languages:
        if lang.split("-")[0] == base:
            return lang, False
    if fallback is not None:
        for lang in languages:
            if lang == fallback or lang.split("-")[0] == fallback.split("-")[0]:
                return lang, True
    return languages[0], True


__all__ = ["Readers", "Recipient", "language_for", "read"]
