"""Take the project file's `[tool.briefgen.mail]` table (or `[mail]` in briefgen.toml); give the mail options,
checked: the SMTP server and how to reach it, the sender, the domain of the Message-IDs.

A password is never read from a file: a `password` key is an error that says where it goes instead (the
environment variable BRIEFGEN_SMTP_PASSWORD, or the system keyring), and `security = "none"` with a `user` is
refused, as the password would cross the network in clear.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from briefgen.errors import InputError, Problem

PASSWORD_VARIABLE = "BRIEFGEN_SMTP_PASSWORD"
KEYRING_SERVICE = "briefgen-smtp"  # keyring's service; the user name is `user@host`
DOMAIN = "briefgen.invalid"  # the Message-IDs' domain when the table names none (RFC 2606: never a real one)
SENDER = "briefgen <briefgen@briefgen.invalid>"  # a dry run's From: when the table names no sender
SECURITY = ("starttls", "tls", "none")
PORTS = {"starttls": 587, "tls": 465, "none": 25}
KEYS = ("host", "port", "security", "user", "from", "domain", "timeout")


@dataclass(frozen=True)
class MailOptions:
    """What the mail table says; `port` is the security's usual port when the table names none."""

    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    user: str | None = None
    sender: str | None = None  # the table's `from`, checked: `Name <address>` or an address
    domain: str = DOMAIN
    timeout: float = 30.0

    @property
    def server_port(self) -> int:
        return self.port if self.port is not None else PORTS[self.security]


def check_address(text: str) -> tuple[str, str]:
    """The display name and the address of `Name <address>` or `address`, the address checked by
    email-validator (syntax only, no DNS). Raises ValueError with the reason."""
    from email.headerregistry import Address
    from email.policy import SMTP

    from email_validator import EmailNotValidError, validate_email

    header = SMTP.header_factory("To", text)
    found: tuple[Any, ...] = tuple(getattr(header, "addresses", ()))
    if header.defects or len(found) != 1 or not found[0].addr_spec.strip("<>@"):
        raise ValueError(f"'{text}' is not one address, `Name <name@example.org>` or `name@example.org`")
    name, address = found[0].display_name, found[0].addr_spec
    try:
        address = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"'{address}' is not a valid address: {exc}") from None
    Address(display_name=name, addr_spec=address)  # raises ValueError where the stdlib cannot write it
    return name, address


class TableProblems(ValueError):
    """A mail table with keys that are not allowed: each key's message."""

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in keys.items()))
        self.keys = keys


def check_table(value: Any) -> MailOptions:
    """The options of the mail table `value` (a TOML table, as tomllib reads it). Raises TypeError when it is
    not a table, TableProblems with every key's problem."""
    if isinstance(value, MailOptions):
        return value
    if not isinstance(value, dict):
        raise TypeError("a table: [tool.briefgen.mail] in pyproject.toml, [mail] in briefgen.toml")
    bad: dict[str, str] = {}
    found: dict[str, Any] = {}
    for key, given in value.items():
        if key == "password":
            bad[key] = (
                f"a password is never read from a file: set the environment variable {PASSWORD_VARIABLE}, or "
                f"store it in the system keyring (service '{KEYRING_SERVICE}', user 'USER@HOST')"
            )
        elif key not in KEYS:
            bad[key] = f"unknown key (known keys: {', '.join(KEYS)})"
        elif key == "port":
            if isinstance(given, bool) or not isinstance(given, int) or not 0 < given < 65536:
                bad[key] = f"must be a port number from 1 to 65535, not {given!r}"
            else:
                found[key] = given
        elif key == "timeout":
            if isinstance(given, bool) or not isinstance(given, int | float) or not 0 < given <= 600:
                bad[key] = f"must be a number of seconds above 0 and at most 600, not {given!r}"
            else:
                found[key] = float(given)
        elif not isinstance(given, str) or not given.strip():
            bad[key] = "must be a non-empty string" + ("" if isinstance(given, str) else f", not {given!r}")
        elif key == "security" and given not in SECURITY:
            bad[key] = f"must be one of {', '.join(SECURITY)}, not '{given}'"
        elif key == "from":
            try:
                check_address(given)
            except ValueError as exc:
                bad[key] = str(exc)
            found["sender"] = given
        elif key == "domain" and not _hostname(given):
            bad[key] = f"'{given}' is not a domain name (letters, digits, hyphens and dots)"
        else:
            found[key] = given.strip()
    options = MailOptions(**found)
    if "user" in found and options.security == "none" and "security" not in bad:
        bad["security"] = "'none' with a user would send the password in clear: use starttls or tls"
    if bad:
        raise TableProblems(bad)
    return options


def _hostname(text: str) -> bool:
    labels = text.split(".")
    return len(text) <= 253 and all(
        0 < len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii() for label in labels
    )


def password(options: MailOptions, where: str) -> str | None:
    """The password of the options' user: the environment's BRIEFGEN_SMTP_PASSWORD, else the system keyring's
    (when the `keyring` package is installed). None when the options name no user. Raises InputError, at
    `where`, when a user is named and neither has a password."""
    if options.user is None:
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        keyring = None
    if keyring is not None:
        found = keyring.get_password(KEYRING_SERVICE, f"{options.user}@{options.host}")
        if found:
            return str(found)
    raise InputError(
        Problem(
            where,
            0,
            0,
            f"the mail user '{options.user}' has no password: set {PASSWORD_VARIABLE}, or store it in "
            f"the system keyring (service '{KEYRING_SERVICE}', user '{options.user}@{options.host}')",
        )
    )


__all__ = [
    "DOMAIN",
    "PASSWORD_VARIABLE",
    "SENDER",
    "MailOptions",
    "TableProblems",
    "check_address",
    "check_table",
    "password",
]
