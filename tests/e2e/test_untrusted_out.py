"""`out/` is untrusted input: a manifest or a PDF someone else wrote may make `bundle`, `publish` and `build`
fail cleanly (one located error, exit 2, nothing written), never read or write a file outside its folder,
never render a theme the manifest names, never end in a traceback."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, run_cli

MINIMAL = FIXTURES / "minimal.yaml"
EN = "minimal-brief.en.pdf"
FR = "minimal-brief.fr.pdf"


@pytest.fixture(scope="module")
def typst_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal brief's two PDFs and their manifest, built by Typst once for the module."""
    root = tmp_path_factory.mktemp("typst-out")
    shutil.copy(MINIMAL, root / "minimal.yaml")
    code, _stdout, stderr = run_cli(
        "build", root / "minimal.yaml", "--engine", "typst", "--out", root / "out"
    )
    assert code == 0, stderr
    return root / "out"


@pytest.fixture
def project(workdir: Path, typst_out: Path) -> Path:
    """A working folder holding minimal.yaml and a copy of its built out/."""
    shutil.copy(MINIMAL, workdir / "minimal.yaml")
    shutil.copytree(typst_out, workdir / "out")
    return workdir


def _read(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _write(out: Path, data: dict[str, Any]) -> str:
    """Write the manifest as briefgen lays it out; its text."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return text


def _place(text: str, needle: str, after: str = "") -> str:
    """`line:col` (1-based) of `needle` in `text`, searched from the first `after`."""
    start = text.index(after) if after else 0
    at = text.index(needle, start)
    line = text.count("\n", 0, at) + 1
    return f"{line}:{at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _one_error(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# -- the manifest is checked by its schema before any use -------------------------------------------------

BAD_VALUES = [
    ("pages", "many", "'pages'"),
    ("pages", -1, "'pages'"),
    ("pages", True, "'pages'"),
    ("bytes", "12 kB", "'bytes'"),
    ("sha256", "not-a-digest", "'sha256'"),
    ("sha256", "A" * 64, "'sha256'"),
    ("inputs", 42, "'inputs'"),
    ("engine", "../../bin/sh", "'engine'"),
    ("attached", "everything", "'attached'"),
    ("standards", "ua-1", "'standards'"),
    ("theme", ["briefing"], "'theme'"),
    ("theme", "briefing\x1b]0;owned\x07", "'theme'"),
    ("brief", "../minimal-brief", "'brief'"),
]


@pytest.mark.parametrize(("key", "value", "named"), BAD_VALUES)
@pytest.mark.parametrize("command", ["bundle", "publish", "build"])
def test_a_bad_value_is_one_located_error_and_nothing_is_written(
    project: Path, command: str, key: str, value: object, named: str
) -> None:
    out = project / "out"
    data = _read(out)
    data["files"][EN][key] = value
    text = _write(out, data)
    before = _snapshot(project)
    args = {
        "bundle": ("bundle", "minimal.yaml"),
        "publish": ("publish", "site", "minimal.yaml"),
        "build": ("build", "minimal.yaml", "--engine", "typst", "--lang", "en"),
    }[command]
    code, stdout, stderr = run_cli(*args)
    line = _one_error(stderr)
    assert code == 2 and stdout == ""
    where = _place(text, f'"{key}"', after=f'"{EN}"')
    assert line.startswith(f"out/manifest.json:{where}: "), line
    assert named in line and EN in line, line
    assert _snapshot(project) == before, "nothing is written"


def test_a_missing_field_and_an_unknown_one_are_placed_at_their_entry(project: Path) -> None:
    out = project / "out"
    data = _read(out)
    del data["files"][EN]["sha256"]
    data["files"][FR]["shell"] = "rm -rf ~"
    text = _write(out, data)
    code, _stdout, stderr = run_cli("bundle", "minimal.yaml")
    assert code == 2 and "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr
    entry = "out/manifest.json:" + _place(text, json.dumps(EN)) + ": "
    unknown = "out/manifest.json:" + _place(text, '"shell"') + ": "
    assert any(line.startswith(entry) and "'sha256'" in line for line in lines), stderr
    assert any(line.startswith(unknown) and "'shell'" in line for line in lines), stderr
    assert not (out / "bundles").exists()


def test_an_entry_must_name_its_own_file(project: Path) -> None:
    """A key `<id>.<lang>.pdf` whose entry says another brief or language is refused at the key."""
    out = project / "out"
    data = _read(out)
    data["files"][EN]["language"] = "fr"
    text = _write(out, data)
    code, _stdout, stderr = run_cli("bundle", "minimal.yaml")
    line = _one_error(stderr)
    assert code == 2
    assert line.startswith("out/manifest.json:" + _place(text, json.dumps(EN)) + ": "), line
    assert "minimal-brief.fr.pdf" in line, line


# -- every file the manifest names is a plain file inside out/ --------------------------------------------


def _smuggle(out: Path, key: str, secret: Path) -> str:
    """A manifest entry `key` for `secret`, with its right sha256, size and the brief's inputs."""
    data = _read(out)
    entry = dict(data["files"][EN])
    blob = secret.read_bytes()
    entry.update(sha256=hashlib.sha256(blob).hexdigest(), bytes=len(blob))
    data["files"][key] = entry
    return _write(out, data)


@pytest.mark.parametrize("form", ["relative", "absolute", "etc"])
def test_a_name_leading_out_of_the_folder_never_gets_into_a_bundle(project: Path, form: str) -> None:
    secret = project / "secret.txt"
    secret.write_text("the user's secret\n", encoding="utf-8")
    key = {
        "relative": "../secret.txt",
        "absolute": str(secret),
        "etc": "../../../../../../../../../../../../../../../../../../" + str(secret).lstrip("/"),
    }[form]
    assert (project / "out" / key).resolve() == secret.resolve()
    text = _smuggle(project / "out", key, secret)
    code, stdout, stderr = run_cli("bundle", "minimal.yaml")
    line = _one_error(stderr)
    assert code == 2 and stdout == ""
    assert line.startswith(f"out/manifest.json:{_place(text, json.dumps(key))}: "), line
    assert "<brief-id>.<lang>.pdf" in line, line
    assert not (project / "out" / "bundles").exists()


def test_a_symbolic_link_in_out_is_not_followed(project: Path) -> None:
    out = project / "out"
    secret = project / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 the user's secret\n")
    (out / EN).unlink()
    (out / EN).symlink_to(secret)
    data = _read(out)
    data["files"][EN].update(
        sha256=hashlib.sha256(secret.read_bytes()).hexdigest(), bytes=secret.stat().st_size
    )
    _write(out, data)
    for args in (("bundle", "minimal.yaml"), ("publish", "site", "minimal.yaml")):
        code, _stdout, stderr = run_cli(*args)
        line = _one_error(stderr)
        assert code == 2
        assert (
            line == f"out/{EN}: a symbolic link, not a file briefgen wrote: run `briefgen build minimal.yaml`"
        )
    assert not (out / "bundles").exists() and not (project / "site").exists()


def test_a_fifo_in_out_is_refused_without_blocking(project: Path) -> None:
    out = project / "out"
    (out / EN).unlink()
    import os

    os.mkfifo(out / EN)
    code, _stdout, stderr = run_cli("bundle", "minimal.yaml")
    line = _one_error(stderr)
    assert code == 2 and line.startswith(f"out/{EN}: not a regular file"), line


def test_publish_writes_only_inside_its_site_folder(project: Path) -> None:
    """`pdf/<name>` of a name climbing out of out/ would land beside the site: the name is refused."""
    deep = project / "o1" / "o2" / "o3"
    deep.mkdir(parents=True)
    shutil.move(project / "out", deep / "out")
    out = deep / "out"
    escaped = project / "o1" / "newdir" / "escaped.pdf"
    escaped.parent.mkdir()
    shutil.copy(out / EN, escaped)
    key = "../../../newdir/escaped.pdf"
    assert (out / key).resolve() == escaped.resolve()
    text = _smuggle(out, key, escaped)
    (project / "s1" / "s2").mkdir(parents=True)
    site = project / "s1" / "s2" / "site"
    code, _stdout, stderr = run_cli("publish", site, "minimal.yaml", "--out", out)
    line = _one_error(stderr)
    assert code == 2
    assert line.startswith(f"o1/o2/o3/out/manifest.json:{_place(text, json.dumps(key))}: "), line
    assert sorted(p.name for p in (project / "s1").iterdir()) == ["s2"], "nothing written beside the site"
    assert list((project / "s1" / "s2").iterdir()) == []


# -- publish renders the theme it is given, never a theme the manifest names -------------------------------


def _marked_theme(folder: Path, mark: str) -> Path:
    """A theme extending briefing whose WeasyPrint title prints `mark`."""
    (folder / "html").mkdir(parents=True)
    (folder / "theme.yaml").write_text(f"name: {folder.name}\nextends: briefing\n", encoding="utf-8")
    (folder / "html" / "title.html.j2").write_text(
        f'{{% include "briefing:title.html.j2" %}}\n<p class="mark">{mark}</p>\n', encoding="utf-8"
    )
    return folder


def test_publish_never_renders_a_theme_the_manifest_names(project: Path) -> None:
    other = _marked_theme(project / "elsewhere" / "sent", "RENDERED-FROM-THE-MANIFEST")
    out = project / "out"
    data = _read(out)
    for entry in data["files"].values():
        entry["theme"] = str(other)
    _write(out, data)
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 0, stderr
    for lang in ("en", "fr"):
        page = (project / "site" / f"minimal-brief.{lang}.html").read_text(encoding="utf-8")
        assert "RENDERED-FROM-THE-MANIFEST" not in page
        assert (
            f"warning: out/minimal-brief.{lang}.pdf: built with the theme '{other}'; its page is made with "
            "the theme 'briefing' (give the theme to use with --theme)"
        ) in stderr.splitlines()


def test_publish_theme_option_and_project_file(project: Path) -> None:
    """--theme (or the project file's theme) makes every page; a PDF built with another theme is a warning."""
    _marked_theme(project / "mine", "MY-THEME")
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--theme", "mine")
    assert code == 0, stderr
    assert "MY-THEME" in (project / "site" / "minimal-brief.en.html").read_text(encoding="utf-8")
    assert (
        "warning: out/minimal-brief.en.pdf: built with the theme 'briefing'; its page is made with the theme "
        "'mine'"
    ) in stderr
    (project / "briefgen.toml").write_text('theme = "mine"\n', encoding="utf-8")
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 0, stderr
    assert "MY-THEME" in (project / "site" / "minimal-brief.fr.html").read_text(encoding="utf-8")
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml", "--theme", "nowhere")
    assert code == 2 and "unknown theme 'nowhere'" in _one_error(stderr)


# -- crafted PDFs in out/ ---------------------------------------------------------------------------------


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of `objects` (numbered from 1) with a right cross-reference table."""
    body = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    body += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(body)


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
CRAFTED = {
    "garbage": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    "broken-xref": _pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE]
    )
    .replace(b"startxref\n", b"startxref\n9")
    .replace(b"xref\n0 4", b"xref\n0 9"),
    "page-tree-loop": _pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", PAGE]
    ),
    "no-pages": _pdf([b"<< /Type /Catalog >>"]),
}


@pytest.mark.parametrize("kind", sorted(CRAFTED))
@pytest.mark.parametrize("command", ["bundle", "publish"])
def test_a_crafted_pdf_is_a_located_error(project: Path, kind: str, command: str) -> None:
    out = project / "out"
    crafted = CRAFTED[kind]
    (out / EN).write_bytes(crafted)
    data = _read(out)
    data["files"][EN].update(sha256=hashlib.sha256(crafted).hexdigest(), bytes=len(crafted))
    _write(out, data)
    before = _snapshot(project)
    args = ("bundle", "minimal.yaml") if command == "bundle" else ("publish", "site", "minimal.yaml")
    code, stdout, stderr = run_cli(*args)
    line = _one_error(stderr)
    assert code == 2 and stdout == ""
    assert re.fullmatch(
        rf"out/{re.escape(EN)}: not a PDF briefgen can read \(.+\): run `briefgen build minimal\.yaml`", line
    ), line
    assert _snapshot(project) == before


def test_pages_the_page_tree_does_not_have_are_refused(project: Path) -> None:
    out = project / "out"
    data = _read(out)
    real = data["files"][EN]["pages"]
    data["files"][EN]["pages"] = real + 40
    _write(out, data)
    code, _stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    line = _one_error(stderr)
    assert code == 2
    assert line == (
        f"out/{EN}: the manifest says {real + 40} pages, its page tree has {real}: run `briefgen build minimal.yaml`"
    )


def test_a_good_out_still_bundles_and_publishes(project: Path) -> None:
    """The checks above refuse nothing briefgen wrote itself."""
    assert run_cli("bundle", "minimal.yaml")[0] == 0
    with zipfile.ZipFile(project / "out" / "bundles" / "minimal-brief.zip") as archive:
        assert sorted(archive.namelist()) == ["SHA256SUMS", "manifest.json", EN, FR]
    code, stdout, stderr = run_cli("publish", "site", "minimal.yaml")
    assert code == 0, stderr
    assert "warning" not in stderr
    pages = subprocess.run(["pdfinfo", project / "out" / EN], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)$", pages.stdout, re.M)[1])  # type: ignore[index]
    assert f"site/minimal-brief.en.html  {count} page" in stdout
