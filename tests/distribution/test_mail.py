"""`briefgen mail`: the messages it writes read back by the standard library's parser, delivered to a real SMTP
server on loopback (aiosmtpd, in the test process), and their HTML bodies opened in Debian's chromium."""

from __future__ import annotations

import asyncio
import email
import hashlib
import json
import re
import shutil
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from tests.browser import chromium, visit
from tests.conftest import ROOT, require_tool, run_cli

BRIEFS = ("kyutai-launch", "ai-alliance-launch")
CATALOGS = ROOT / "src" / "briefgen" / "language" / "catalogs"
PASSWORD = "BRIEFGEN_SMTP_PASSWORD"

LIST = """\
fallback: en
recipients:
  - {name: Camille Martin, address: camille@example.org, language: fr}
  - {name: Alex Smith, address: alex@example.org, language: en-GB}
groups:
  - name: Berlin office
    language: de
    members:
      - {name: Jonas Weber, address: jonas@example.org}
      - {name: Léa Roux, address: lea@example.org, language: fr}
"""
SLOW = 3  # seconds the server waits before it answers a slow reader, past the 1 s the test allows
# what each reader gets: their language, en-GB the brief's en, de the list's fallback
WANTED = {
    "camille@example.org": "fr",
    "alex@example.org": "en",
    "jonas@example.org": "en",
    "lea@example.org": "fr",
}


@dataclass
class Inbox:
    """What the SMTP server received: (envelope sender, envelope recipients, message); addresses it refuses."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    slow: set[str] = field(default_factory=set)  # answered after SLOW seconds

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.slow:
            await asyncio.sleep(SLOW)
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


@dataclass(frozen=True)
class Project:
    root: Path
    out: Path
    config: Path
    readers: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def built_briefs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two example briefs built by Typst once for the module."""
    root = tmp_path_factory.mktemp("mail")
    for name in BRIEFS:
        shutil.copytree(ROOT / "briefs" / name, root / "briefs" / name)
    code, _stdout, stderr = run_cli("build", root / "briefs", "--engine", "typst", "--out", root / "out")
    assert code == 0, stderr
    return root


@pytest.fixture
def project(built_briefs: Path, smtp_server: tuple[Inbox, int], tmp_path: Path) -> Iterator[Project]:
    """A copy of the built project, with a project file naming the loopback server and a distribution list;
    the inbox emptied."""
    inbox, port = smtp_server
    inbox.received.clear()
    inbox.refuse.clear()
    inbox.slow.clear()
    root = tmp_path / "project"
    shutil.copytree(built_briefs, root)
    config = root / "briefgen.toml"
    config.write_text(
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        'from = "Observatoire <briefings@example.org>"\ndomain = "briefs.example.org"\ntimeout = 10\n',
        encoding="utf-8",
    )
    readers = root / "list.yaml"
    readers.write_text(LIST, encoding="utf-8")
    yield Project(root, root / "out", config, readers)


def _mail(project: Project, *args: str | Path) -> tuple[int, str, str]:
    return run_cli("mail", project.root / "briefs", "--out", project.out, "--config", project.config, *args)


def _read(path: Path) -> EmailMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _parts(message: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def _pdf_of(message: EmailMessage) -> bytes:
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    data = attachment.get_content()
    assert isinstance(data, bytes)
    return data


def _tag(lang: str) -> str:
    """The language tag of a language's catalog: en is en-GB."""
    return str(yaml.safe_load((CATALOGS / f"{lang}.yaml").read_text(encoding="utf-8"))["tag"])


def _classification(brief: str, lang: str) -> str:
    data = yaml.safe_load((ROOT / "briefs" / brief / "brief.yaml").read_text(encoding="utf-8"))
    catalog = yaml.safe_load((CATALOGS / f"{lang}.yaml").read_text(encoding="utf-8"))
    return str(catalog["strings"][f"classification.{data['classification']}"])


def test_a_dry_run_writes_an_eml_per_brief_and_language_and_says_who_gets_which(project: Project) -> None:
    code, stdout, stderr = _mail(project, "--to", project.readers)
    assert code == 0, stderr
    names = sorted(p.name for p in (project.out / "mail").iterdir())
    assert names == sorted(f"{b}.{lang}.eml" for b in BRIEFS for lang in ("fr", "en"))
    assert "nothing sent" in stderr
    for name in names:
        brief, lang, _eml = name.split(".")
        message = _read(project.out / "mail" / name)
        assert _parts(message) == [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "application/pdf",
        ]
        assert message["Content-Language"] == _tag(lang)
        pdf = (project.out / f"{brief}.{lang}.pdf").read_bytes()
        assert hashlib.sha256(_pdf_of(message)).hexdigest() == hashlib.sha256(pdf).hexdigest()
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == f"{brief}.{lang}.pdf"
        title = str(PdfReader(project.out / f"{brief}.{lang}.pdf").metadata.title)
        # the title (whose no-break spaces the PDF's metadata may write as spaces), no space doubled where it folds
        assert (
            message["Subject"].replace("\xa0", " ")
            == f"[{_classification(brief, lang)}] {' '.join(title.split())}"
        )
        assert message["From"] == "Observatoire <briefings@example.org>"
        assert re.fullmatch(rf"<{brief}\.{lang}\.[0-9a-f]{{20}}@briefs\.example\.org>", message["Message-ID"])
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        assert f'<html lang="{_tag(lang)}">' in html
        assert f"{brief}.{lang}.pdf" in html and f"{brief}.{lang}.pdf" in text
        assert "<style" not in html and 'style="' in html, "the style sheet is inlined"
    # who gets which, under each message
    block = stdout.split("kyutai-launch.en.eml", 1)[1].split(".eml", 1)[0]
    assert "Alex Smith <alex@example.org>" in block
    assert "Jonas Weber <jonas@example.org>  (de: not in this brief)" in block
    assert "Camille Martin" not in block


def test_the_same_pdfs_give_the_same_messages(project: Project) -> None:
    assert _mail(project)[0] == 0
    first = {p.name: p.read_bytes() for p in (project.out / "mail").iterdir()}
    assert _mail(project)[0] == 0
    assert {p.name: p.read_bytes() for p in (project.out / "mail").iterdir()} == first


def test_send_delivers_each_reader_their_language_once(
    project: Project, smtp_server: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD, raising=False)
    inbox, _port = smtp_server
    code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 0, stderr
    assert "8 sent, 0 already sent, 0 failed" in stderr
    assert len(inbox.received) == len(BRIEFS) * len(WANTED)
    got: dict[tuple[str, str], EmailMessage] = {}
    for sender, recipients, message in inbox.received:
        assert sender == "briefings@example.org"
        (address,) = recipients
        assert message["To"].addresses[0].addr_spec == address
        brief = message["Message-ID"].strip().split(".")[0].lstrip("<")
        assert (brief, address) not in got, "one copy per reader and brief"
        got[brief, address] = message
        lang = WANTED[address]
        assert message["Content-Language"] == _tag(lang)
        assert f'<html lang="{_tag(lang)}">' in message.get_body(("html",)).get_content()
        pdf = (project.out / f"{brief}.{lang}.pdf").read_bytes()
        assert hashlib.sha256(_pdf_of(message)).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert sorted(got) == sorted((b, a) for b in BRIEFS for a in WANTED)
    record = json.loads((project.out / "mail" / "sent.json").read_text(encoding="utf-8"))["sent"]
    assert sorted((s["brief"], s["to"]) for s in record) == sorted(got)
    for entry in record:
        assert entry["message_id"] == got[entry["brief"], entry["to"]]["Message-ID"].strip()
        pdf = project.out / f"{entry['brief']}.{entry['language']}.pdf"
        assert entry["pdf_sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()

    code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 0, stderr
    assert len(inbox.received) == 8, "nothing is sent twice"
    assert "0 sent, 8 already sent, 0 failed" in stderr
    assert stdout.count("already sent") == 8


def test_a_refused_reader_is_reported_and_the_others_are_sent(
    project: Project, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _port = smtp_server
    inbox.refuse.add("jonas@example.org")
    code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 1
    failed = [line for line in stdout.splitlines() if line.startswith("failed")]
    assert len(failed) == 2 and all(
        "Jonas Weber <jonas@example.org>: refused: 550" in line for line in failed
    )
    assert sorted(r[0] for _s, r, _m in inbox.received) == sorted(
        a for a in WANTED if a != "jonas@example.org" for _b in BRIEFS
    )
    assert "6 sent, 0 already sent, 2 failed" in stderr
    # the server takes it now: the next run sends it alone
    inbox.refuse.clear()
    inbox.received.clear()
    code, _stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 0, stderr
    assert [r for _s, r, _m in inbox.received] == [["jonas@example.org"]] * 2


def test_a_reader_the_server_does_not_answer_in_time_fails_alone(
    project: Project, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _port = smtp_server
    inbox.slow.add("alex@example.org")
    project.config.write_text(
        project.config.read_text(encoding="utf-8").replace("timeout = 10", "timeout = 1"), encoding="utf-8"
    )
    code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 1
    failed = [line for line in stdout.splitlines() if line.startswith("failed")]
    assert len(failed) == 2 and all(
        "alex@example.org" in line and "no answer within 1 s" in line for line in failed
    )
    assert sorted(r[0] for _s, r, _m in inbox.received) == sorted(
        a for a in WANTED if a != "alex@example.org" for _b in BRIEFS
    )
    assert "6 sent, 0 already sent, 2 failed" in stderr
    record = json.loads((project.out / "mail" / "sent.json").read_text(encoding="utf-8"))["sent"]
    assert "alex@example.org" not in {s["to"] for s in record}


def test_a_server_that_does_not_answer_fails_every_reader(project: Project) -> None:
    text = project.config.read_text(encoding="utf-8")
    project.config.write_text(re.sub(r"port = \d+", f"port = {_free_port()}", text), encoding="utf-8")
    code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 1
    assert "0 sent, 0 already sent, 8 failed" in stderr
    assert stdout.count("failed") == 8 and "cannot reach 127.0.0.1" in stdout
    assert not (project.out / "mail" / "sent.json").exists()


def test_a_bad_list_is_located_and_nothing_is_written(project: Project) -> None:
    lines = [
        "recipients:",
        "  - {name: A, address: a@example.org, language: fr}",
        "  - {name: B, address: not-an-address, language: en}",
        "  - {name: C, address: c@example.org, language: xx}",
        "  - {name: D, address: A@example.org, language: en}",
    ]
    project.readers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad, unknown, twice = (lines[2].index("not-an"), lines[3].index("xx"), lines[4].index("A@"))
    code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 2
    said = stderr.strip().splitlines()
    assert len(said) == 3, stderr
    assert re.match(rf"\S*list\.yaml:3:{bad + 1}: 'not-an-address' is not one address", said[0])
    assert re.match(rf"\S*list\.yaml:4:{unknown + 1}: unknown language 'xx' \(one of: de, en,", said[1])
    assert re.match(
        rf"\S*list\.yaml:5:{twice + 1}: A@example.org is listed twice \(first on line 2\)", said[2]
    )
    assert stdout == "" and not (project.out / "mail").exists()


def test_a_stale_pdf_is_an_error_naming_the_build_command(project: Project) -> None:
    brief = project.root / "briefs" / "kyutai-launch" / "brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("version: ", "version: 2", 1), encoding="utf-8"
    )
    code, _stdout, stderr = _mail(project)
    assert code == 2
    assert re.search(
        r"kyutai-launch\.fr\.pdf: built from an older \S*brief\.yaml: run `briefgen build", stderr
    )
    assert not (project.out / "mail").exists()


def test_a_password_in_the_project_file_is_refused_where_it_is_written(project: Project) -> None:
    with project.config.open("a", encoding="utf-8") as handle:
        handle.write('user = "me"\npassword = "hunter2"\n')
    code, stdout, stderr = _mail(project)
    assert code == 2
    assert re.fullmatch(
        r"\S*briefgen\.toml:9:1: mail\.password: a password is never read from a file: set the environment "
        r"variable BRIEFGEN_SMTP_PASSWORD.*\n"
        r"\S*briefgen\.toml:4:1: mail\.security: 'none' with a user would send the password in clear.*\n",
        "".join(sorted(stderr.splitlines(keepends=True), key=lambda line: "security" in line)),
    ), stderr
    assert "hunter2" not in stdout + stderr and not (project.out / "mail").exists()


def test_a_malformed_record_is_a_located_error_and_nothing_is_sent(
    project: Project, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _port = smtp_server
    (project.out / "mail").mkdir()
    (project.out / "mail" / "sent.json").write_text(
        '{"sent": [\n  {"brief": "kyutai-launch", "language": "fr", "to": "x@example.org",\n'
        '   "message_id": "__import__(\'os\')", "pdf_sha256": "00", "at": "now"}\n]}\n',
        encoding="utf-8",
    )
    code, _stdout, stderr = _mail(project, "--to", project.readers, "--send")
    assert code == 2
    record = (project.out / "mail" / "sent.json").read_text(encoding="utf-8").splitlines()
    column = record[2].index('"pdf_sha256"') + 1
    assert re.search(r"mail/sent\.json:3:4: sent\[0\]\.message_id: string should match", stderr)
    assert re.search(rf"mail/sent\.json:3:{column}: sent\[0\]\.pdf_sha256: string should match", stderr)
    assert inbox.received == [] and not (project.out / "mail" / "kyutai-launch.fr.eml").exists()


def test_the_html_body_in_a_browser_asks_for_nothing(project: Project, tmp_path: Path) -> None:
    require_tool("chromium", "the e-mail's HTML body is opened in a headless browser")
    assert _mail(project)[0] == 0
    with chromium() as browser:
        for eml in sorted((project.out / "mail").glob("*.eml")):
            message = _read(eml)
            html = message.get_body(("html",)).get_content()
            assert "<script" not in html.lower() and "@font-face" not in html.lower()
            loaded = re.findall(r"""(?:\ssrc=|url\()\s*["']?([^"')\s>]+)""", html)
            assert loaded == [], f"{eml.name} loads {loaded}"
            page_file = tmp_path / f"{eml.stem}.html"
            page_file.write_text(html, encoding="utf-8")
            url = page_file.as_uri()
            with visit(browser, url, lambda asked, url=url: asked == url) as seen:
                assert seen.requests == [url], f"{eml.name} asked for {seen.requests[1:]}"
                assert seen.failed == [] and seen.errors == []
                page = seen.page
                assert page.evaluate("document.documentElement.lang") == message["Content-Language"]
                title = " ".join(str(PdfReader(project.out / f"{eml.stem}.pdf").metadata.title).split())
                assert " ".join(page.locator("h1").inner_text().split()) == title
                assert page.evaluate("document.fonts.size") == 0, "no web font"


@dataclass
class Login:
    """An authenticator for aiosmtpd: the one user and password it accepts; what it was given."""

    user: str
    password: str
    given: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert isinstance(data, LoginPassword)
        user, password = data.login.decode(), data.password.decode()
        self.given.append((user, password))
        return AuthResult(success=(user, password) == (self.user, self.password))


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_tls_check_the_certificate_and_log_in_with_the_environment_password(
    project: Project, security: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trustme
    from aiosmtpd.controller import Controller

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    inbox, login, port = Inbox(), Login("observatoire", "s3cret"), _free_port()
    if security == "starttls":
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=server_context,
            require_starttls=True,
            authenticator=login,
            auth_require_tls=True,
        )
    else:
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            ssl_context=server_context,
            authenticator=login,
            auth_require_tls=False,
        )
    text = re.sub(r"port = \d+", f"port = {port}", project.config.read_text(encoding="utf-8"))
    text = text.replace('security = "none"', f'security = "{security}"\nuser = "observatoire"')
    project.config.write_text(text, encoding="utf-8")
    monkeypatch.setenv(PASSWORD, "s3cret")
    controller.start()
    try:
        # not trusted: the system's authorities do not know this one; nothing is sent, each reader says why
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
        code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
        assert code == 1 and inbox.received == [] and login.given == []
        assert "0 sent, 0 already sent, 8 failed" in stderr
        assert "certificate" in stdout + stderr, stdout + stderr

        authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
        code, stdout, stderr = _mail(project, "--to", project.readers, "--send")
    finally:
        controller.stop()
    assert code == 0, stdout + stderr
    assert "8 sent, 0 already sent, 0 failed" in stderr
    assert len(inbox.received) == 8 and set(login.given) == {("observatoire", "s3cret")}
    assert "s3cret" not in stdout + stderr
