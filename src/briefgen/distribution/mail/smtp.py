"""Take the briefings' e-mail and a distribution list; give who gets what, and deliver it through SMTP.

`assign` gives each reader each brief in their language (or the fallback: recipients.language_for). `deliver`
sends each reader's copy (message.for_reader) in a transaction of its own, over one connection (STARTTLS, TLS
or none, as the mail options say, the certificate checked against the system's authorities): a reader the
server refuses, or a time-out, is that reader's failure, and the others are still sent (the connection made
again once when it was lost). A copy the record says was sent is not sent again; each accepted one is
recorded at once (record.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.distribution.mail.message import Composed, for_reader, message_id
from briefgen.distribution.mail.options import SENDER, MailOptions, check_address
from briefgen.distribution.mail.recipients import Readers, Recipient, language_for
from briefgen.distribution.mail.record import Record, Sent


@dataclass(frozen=True)
class Delivery:
    """One reader's copy of one briefing."""

    reader: Recipient
    composed: Composed
    fallback: bool  # the reader's language is not the brief's: they get this one instead


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    status: str  # "sent", "already sent", "failed"
    message_id: str
    reason: str = ""


def assign(groups: list[list[Composed]], readers: Readers) -> list[Delivery]:
    """Each reader's copy of each brief, in the order of the briefs, then of the list."""
    out = []
    for group in groups:
        by_lang = {c.lang: c for c in group}
        languages = list(by_lang)
        for reader in readers.recipients:
            lang, fallback = language_for(reader, languages, readers.fallback)
            out.append(Delivery(reader, by_lang[lang], fallback))
    return out


def deliver(
    deliveries: list[Delivery],
    options: MailOptions,
    password: str | None,
    record: Record,
    said: Callable[[Outcome], None] = lambda _o: None,
) -> list[Outcome]:
    """Send each delivery the record does not hold; `said(outcome)` is called as each is done."""
    assert options.host is not None
    sender = check_address(options.sender or SENDER)[1]
    outcomes: list[Outcome] = []
    connection: smtplib.SMTP | None = None
    failure = ""  # why the last connection could not be made
    try:
        for delivery in deliveries:
            composed, reader = delivery.composed, delivery.reader
            before = record.find(composed.brief_id, composed.lang, reader.address, composed.sha256)
            if before is not None:
                outcome = Outcome(delivery, "already sent", before.message_id, f"on {before.at}")
            else:
                if connection is None and not failure:
                    connection, failure = _connect(options, password)
                if connection is None:
                    outcome = Outcome(delivery, "failed", "", failure)
                else:
                    outcome, lost = _send(connection, delivery, sender, options)
                    if lost:  # the next reader gets a new connection
                        _close(connection)
                        connection = None
                    if outcome.status == "sent":
                        at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
                        record.add(
                            Sent(
                                brief=composed.brief_id,
                                language=composed.lang,
                                to=reader.address,
                                message_id=outcome.message_id,
                                pdf_sha256=composed.sha256,
                                at=at,
                            )
                        )
            outcomes.append(outcome)
            said(outcome)
    finally:
        if connection is not None:
            _close(connection)
    return outcomes


def _connect(options: MailOptions, password: str | None) -> tuple[smtplib.SMTP | None, str]:
    """A connection ready to send, logged in when a user is named; else None and why."""
    host, port, timeout = options.host or "", options.server_port, options.timeout
    context = ssl.create_default_context()
    connection: smtplib.SMTP | None = None
    try:
        if options.security == "tls":
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
            if options.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
        if options.user is not None and password is not None:
            connection.login(options.user, password)
        return connection, ""
    except smtplib.SMTPAuthenticationError as exc:
        reason = (
            f"{host}:{port} refused the login of '{options.user}': {_said(exc.smtp_code, exc.smtp_error)}"
        )
    except smtplib.SMTPNotSupportedError:
        reason = f'{host}:{port} does not offer STARTTLS (security = "starttls")'
    except smtplib.SMTPResponseException as exc:
        reason = f"{host}:{port}: {_said(exc.smtp_code, exc.smtp_error)}"
    except (ssl.SSLError, ssl.CertificateError) as exc:
        reason = f"{host}:{port}: TLS failed: {exc}"
    except TimeoutError:
        reason = f"{host}:{port}: no answer within {options.timeout:g} s"
    except (OSError, smtplib.SMTPException) as exc:
        reason = f"cannot reach {host}:{port}: {getattr(exc, 'strerror', None) or exc}"
    if connection is not None:
        _close(connection)
    return None, reason


def _send(
    connection: smtplib.SMTP, delivery: Delivery, sender: str, options: MailOptions
) -> tuple[Outcome, bool]:
    """The outcome of sending one reader's copy, and whether the connection was lost."""
    reader = delivery.reader
    message = for_reader(delivery.composed, reader.name, reader.address, options.domain)
    ident = message_id(delivery.composed.pdf, options.domain, reader.address)
    try:
        refused = connection.send_message(message, from_addr=sender, to_addrs=[reader.address])
    except smtplib.SMTPRecipientsRefused as exc:
        code, said = exc.recipients.get(reader.address, (0, b""))
        return Outcome(delivery, "failed", ident, f"refused: {_said(code, said)}"), False
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib reports a reply's time-out as a disconnection
            return Outcome(delivery, "failed", ident, f"no answer within {options.timeout:g} s"), True
        return Outcome(delivery, "failed", ident, f"the server closed the connection: {exc}"), True
    except smtplib.SMTPResponseException as exc:
        _reset(connection)
        return Outcome(delivery, "failed", ident, _said(exc.smtp_code, exc.smtp_error)), False
    except TimeoutError:
        return Outcome(delivery, "failed", ident, f"no answer within {options.timeout:g} s"), True
    except (OSError, smtplib.SMTPException) as exc:
        return Outcome(delivery, "failed", ident, f"{exc}"), True
    if refused:
        code, said = next(iter(refused.values()))
        return Outcome(delivery, "failed", ident, f"refused: {_said(code, said)}"), False
    return Outcome(delivery, "sent", ident), False


def _said(code: int, said: bytes | str) -> str:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return f"{code} {' '.join(text.split())}".strip()


def _reset(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.rset()


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


__all__ = ["Delivery", "Outcome", "assign", "deliver"]
