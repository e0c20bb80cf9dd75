"""Take the PDFs `build` wrote for briefs; give each briefing's e-mail: one RFC 5322 message per brief and
language, written by the standard library's `email` package under its SMTP policy.

A message is multipart/mixed: a multipart/alternative (text/plain, then the HTML body: body.py) and the PDF
attached, the very bytes the manifest describes. Its headers come from the brief: Subject `[classification]
headline` (and the draft's word), Content-Language the catalog's tag, Date the brief's date at 00:00 UTC, and a
Message-ID made of the brief's id, the language and the PDF's sha256 at the mail options' domain
(`briefgen.invalid` unless the project file names one). The same PDFs give the same bytes. Each reader's copy
has its reader in To and a Message-ID of its own (`for_reader`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from briefgen.distribution.built import Built, built, by_language, theme_for, themed
from briefgen.distribution.mail.body import bodies
from briefgen.distribution.mail.options import SENDER, MailOptions
from briefgen.errors import InputError, Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Composed:
    """One briefing's e-mail, before it has a reader."""

    pdf: Built
    message: EmailMessage
    subject: str

    @property
    def brief_id(self) -> str:
        return self.pdf.entry.brief

    @property
    def lang(self) -> str:
        return self.pdf.lang

    @property
    def name(self) -> str:
        """Its file's name in OUT/mail/: <brief-id>.<lang>.eml."""
        return f"{self.brief_id}.{self.lang}.eml"

    @property
    def sha256(self) -> str:
        """The attached PDF's sha256: what a reader was sent."""
        return self.pdf.entry.sha256

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=SMTP)


def compose(paths: list[Path], out: Path, options: MailOptions) -> list[list[Composed]]:
    """The e-mail of every language of each brief of `paths`, from its PDF in `out` (each brief's in the order
    of its languages). Raises InputError with every problem, before anything is written: a brief that does not
    load, a language without its PDF, a PDF that is not the manifest's or is older than its brief."""
    from briefgen.document.view import build_document
    from briefgen.language.facts import format_day
    from briefgen.themes.layers import Theme, load_theme

    found = built(paths, out, every_language=True)
    if options.sender is None:
        log.warning("no sender ('from') in the mail settings: the messages say From: %s", SENDER)
    problems: list[Problem] = []
    themes: dict[str, Theme] = {}
    groups: list[list[Composed]] = []
    for pdfs in found:
        group = []
        for pdf in by_language(pdfs):
            try:
                theme, catalog = themed(pdf, out, theme_for(pdf, out, None, option=False), themes, load_theme)
            except InputError as exc:
                problems += exc.problems
                continue
            doc = build_document(pdf.loaded, pdf.lang, catalog)
            made = bodies(
                doc, catalog, theme, pdf.name, pdf.entry.pages, len(pdf.data), format_day(doc.date, catalog)
            )
            marks = " · ".join(x for x in (doc.classification, doc.watermark) if x)
            subject = f"[{marks}] {doc.title}"
            message = EmailMessage(policy=SMTP)
            _set_subject(message, subject)
            message["From"] = options.sender or SENDER
            message["To"] = "undisclosed-recipients:;"
            date = dt.datetime.combine(doc.date, dt.time(0, 0), tzinfo=dt.UTC)
            message["Date"] = format_datetime(date)
            message["Message-ID"] = message_id(pdf, options.domain)
            message["MIME-Version"] = "1.0"
            message.set_content(made.text, subtype="plain", charset="utf-8", cte="quoted-printable")
            message.add_alternative(made.html, subtype="html", charset="utf-8", cte="quoted-printable")
            message.add_attachment(pdf.data, maintype="application", subtype="pdf", filename=pdf.name)
            # after the parts are made: making them moves each Content- header of the message into its first part
            message["Content-Language"] = catalog.tag
            for number, part in enumerate(p for p in message.walk() if p.is_multipart()):
                # "=_" is in no base64 or quoted-printable text: the boundary cannot occur in a part
                part.set_boundary(f"=_briefgen_{pdf.entry.sha256[:24]}_{number}")
            group.append(Composed(pdf, message, subject))
        groups.append(group)
    if problems:
        raise InputError(problems)
    return groups


def message_id(pdf: Built, domain: str, address: str = "") -> str:
    """`<brief-id.lang.sha@domain>`, the sha being the PDF's (its first 20 hexadecimal digits), followed by the
    first 12 of the reader's address's sha256 for a reader's copy."""
    parts = [pdf.entry.brief, pdf.lang, pdf.entry.sha256[:20]]
    if address:
        parts.append(hashlib.sha256(address.lower().encode("utf-8")).hexdigest()[:12])
    return f"<{'.'.join(parts)}@{domain}>"


def for_reader(composed: Composed, name: str, address: str, domain: str) -> EmailMessage:
    """The briefing's message as the reader `address` gets it: To the reader, a Message-ID of its own."""
    import copy

    message = copy.deepcopy(composed.message)
    local, _, host = address.rpartition("@")
    del message["To"]
    message["To"] = Address(display_name=name, username=local, domain=host)
    message.replace_header("Message-ID", message_id(composed.pdf, domain, address))
    return message


def _set_subject(message: EmailMessage, subject: str) -> None:
    """The subject as RFC 2047 encoded words when it is not ASCII: the SMTP policy's own folding can end a line
    with a space before an encoded word, which a reader's client unfolds into two spaces ("laboratoire  d'IA")."""
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n"))


__all__ = ["Composed", "compose", "for_reader", "message_id"]
