"""The command line as a user meets it: output lines, exit codes, atomic writes, --version, python -m."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen import __version__
from tests import pdfcheck
from tests.conftest import FIXTURES, ROOT, run_cli

MINIMAL = FIXTURES / "minimal.yaml"


def test_build_writes_one_pdf_per_language_and_one_line_each(tmp_path: Path) -> None:
    code, stdout, stderr = run_cli("build", MINIMAL, "--out", tmp_path)
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert len(lines) == 2
    for line, lang in zip(lines, ("fr", "en"), strict=True):
        assert re.fullmatch(
            rf"{re.escape(str(tmp_path))}/minimal-brief\.{lang}\.pdf  1 page  \d+ KiB  \d+\.\d\d s", line
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".manifest.json.lock",  # the folder's lock, that builds into it take to update the manifest
        ".uptodate.json",  # what the build read, so that the same build asked again is answered at once
        "manifest.json",
        "minimal-brief.en.pdf",
        "minimal-brief.fr.pdf",
    ]


def test_lang_option_selects_languages(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", MINIMAL, "--lang", "en", "--out", tmp_path)
    assert code == 0, stderr
    assert [p.name for p in tmp_path.glob("*.pdf")] == ["minimal-brief.en.pdf"]


def test_undeclared_lang_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", MINIMAL, "--lang", "de", "--out", tmp_path / "out")
    assert code == 2
    line = next(
        i for i, text in enumerate(MINIMAL.read_text().splitlines(), 1) if text.startswith("languages:")
    )
    assert stderr.strip().endswith(f"minimal.yaml:{line}:12: --lang de: the brief declares fr, en")
    assert not (tmp_path / "out").exists()


def test_failed_build_leaves_a_good_pdf_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", MINIMAL, "--out", out)[0] == 0
    good = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = tmp_path / "minimal.yaml"
    broken.write_text(MINIMAL.read_text().replace("value: 1200", "value: lots"), encoding="utf-8")
    code, stdout, stderr = run_cli("build", broken, "--out", out)
    assert code == 2 and stdout == ""
    assert "value" in stderr and "Traceback" not in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == good, "outputs are replaced only by good builds"


def test_engine_failure_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "default" / "html"
    templates.mkdir(parents=True)
    (templates / "summary.html.j2").write_text('<img src="file:///etc/passwd">\n', encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli("build", MINIMAL, "--templates", tmp_path / "templates", "--out", out)
    assert code == 1
    assert "file:///etc/passwd" in stderr and "outside the theme and font folders" in stderr
    assert not list(out.glob("*.pdf"))


def test_template_error_names_the_template_line(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "default" / "html"
    templates.mkdir(parents=True)
    (templates / "summary.html.j2").write_text("<p>\n{{ doc.nonexistent }}\n</p>\n", encoding="utf-8")
    code, _, stderr = run_cli(
        "build", MINIMAL, "--templates", tmp_path / "templates", "--out", tmp_path / "o"
    )
    assert code == 2
    assert f"{templates / 'summary.html.j2'}:2:1: template error:" in stderr
    assert "nonexistent" in stderr


def test_user_template_overrides_one_file(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "default" / "html"
    templates.mkdir(parents=True)
    (templates / "summary.html.j2").write_text(
        '<section class="summary"><h2>Overridden {{ t("summary") }}</h2><p>{{ doc.summary | inline }}</p></section>\n',
        encoding="utf-8",
    )
    code, _, stderr = run_cli(
        "build", MINIMAL, "--lang", "en", "--templates", tmp_path / "templates", "--out", tmp_path
    )
    assert code == 0, stderr
    text = pdfcheck.text(tmp_path / "minimal-brief.en.pdf")
    assert "OVERRIDDEN BOTTOM LINE" in text  # the theme sets headings in capitals
    assert "KEY FACTS" in text, "the other templates still come from the built-in theme"


def test_unknown_theme_and_missing_path(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", MINIMAL, "--theme", "nope", "--out", tmp_path / "o")
    assert code == 2 and "unknown theme 'nope' (built-in: briefing" in stderr
    code, _, stderr = run_cli("build", tmp_path / "missing.yaml", "--out", tmp_path / "o")
    assert code == 2 and stderr.strip() == f"{tmp_path / 'missing.yaml'}: no such file or folder"


def test_a_symbolic_link_loop_is_named_not_a_traceback(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    briefs.mkdir()
    (briefs / "one.yaml").symlink_to("two.yaml")
    (briefs / "two.yaml").symlink_to("one.yaml")
    code, _, stderr = run_cli("check", briefs / "one.yaml")
    assert code == 2 and stderr.splitlines()[0] == (
        f"{briefs / 'one.yaml'}: a symbolic link that leads to no file (a loop, or a target that is not there)"
    )
    code, _, stderr = run_cli("build", briefs, "--out", tmp_path / "out")  # found in a folder: not skipped
    assert code == 2 and "Traceback" not in stderr
    assert (
        f"{briefs / 'one.yaml'}: cannot read it:" in stderr
        and f"{briefs / 'two.yaml'}: cannot read it:" in stderr
    )
    assert not (tmp_path / "out").exists()


def test_version_and_python_m() -> None:
    code, stdout, _ = run_cli("--version")
    assert code == 0 and stdout.strip() == f"briefgen {__version__}"
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--version"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0 and result.stdout.strip() == f"briefgen {__version__}"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "b.yaml"
    broken.write_text("id: [\n", encoding="utf-8")
    code, _, stderr = run_cli("build", broken, "--debug", "--out", tmp_path / "o")
    assert code == 2 and "Traceback" in stderr and "YAML syntax error" in stderr


@pytest.mark.slow  # builds with several worker processes
def test_parallel_jobs_write_the_same_bytes(tmp_path: Path) -> None:
    """--jobs N builds languages in worker processes; the PDFs are byte-identical to a serial build."""
    from tests.conftest import KYUTAI

    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert run_cli("build", KYUTAI, "--out", serial, "-q")[0] == 0
    code, stdout, stderr = run_cli("build", KYUTAI, "--out", parallel, "--jobs", "2")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 2
    for pdf in serial.iterdir():
        if pdf.name != ".uptodate.json":  # the record of each build names its own output folder
            assert (parallel / pdf.name).read_bytes() == pdf.read_bytes()


@pytest.mark.slow  # builds a wheel and installs it
def test_the_wheel_ships_the_themes_and_catalogs(tmp_path: Path) -> None:
    """And the scaffold of `briefgen new`, the example briefs, the format's reference, the licence."""
    import zipfile

    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names = zipfile.ZipFile(next(tmp_path.glob("briefgen-*.whl"))).namelist()
    for theme in (ROOT / "templates").iterdir():
        expected = {p.relative_to(ROOT).as_posix() for p in theme.rglob("*") if p.is_file()}
        assert expected and {f"briefgen/{n}" for n in expected} <= set(names), theme.name
    assert {"briefgen/language/catalogs/fr.yaml", "briefgen/language/catalogs/en.yaml"} <= set(names)
    # What `briefgen new` writes from, the example briefs and the format's reference, for an installed briefgen.
    examples = {
        f"briefgen/examples/{p.relative_to(ROOT / 'briefs').as_posix()}"
        for p in (ROOT / "briefs").rglob("*")
        if p.is_file()
    }
    assert {
        "briefgen/examples/kyutai-launch/brief.yaml",
        "briefgen/examples/kyutai-launch/source.fr.txt",
    } <= examples
    assert examples <= set(names)
    shipped = {
        "briefgen/scaffold/brief.yaml.j2",
        *(f"briefgen/language/catalogs/{lang}.yaml" for lang in ("en", "fr", "de", "es", "en-US", "en-GB")),
        "briefgen/docs/brief-format.md",
        "briefgen/docs/themes.md",
        "briefgen/docs/brief.schema.json",
        "briefgen/docs/theme.schema.json",
    }
    assert shipped <= set(names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    wheel = zipfile.ZipFile(next(tmp_path.glob("briefgen-*.whl")))
    metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and "Classifier: Environment :: Console" in metadata


def test_templates_list_and_export_then_override(tmp_path: Path) -> None:
    code, stdout, _ = run_cli("templates", "list")
    assert code == 0 and stdout.startswith("briefing  [weasyprint, typst, latex]  An A4 briefing")
    mine = tmp_path / "mine"
    code, stdout, stderr = run_cli("templates", "export", "default", mine, "--engine", "weasyprint")
    assert code == 0, stderr
    assert f"{mine / 'default' / 'html' / 'style.css'}" in stdout.splitlines()
    css = mine / "default" / "html" / "style.css"
    assert "var(--colour-primary)" in css.read_text(), "the style sheet reads the theme's tokens"
    # A rule of the style sheet comes after the generated tokens: redefining a token there wins.
    css.write_text(css.read_text() + "\n:root { --colour-primary: #ff0000; }\n", encoding="utf-8")
    code, _, stderr = run_cli(
        "build", MINIMAL, "--lang", "en", "--templates", mine, "--out", tmp_path / "out"
    )
    assert code == 0, stderr
    content = pdfcheck.reader(tmp_path / "out" / "minimal-brief.en.pdf").pages[0].get_contents().get_data()
    assert b"1 0 0 rg" in content, "the exported style sheet, edited, is the one used"
    code, _, stderr = run_cli("templates", "export", "default", mine, "--engine", "weasyprint")
    assert code == 2 and "already exists; not overwritten" in stderr
    assert css.read_text().count("#ff0000") == 1, "an export never overwrites the user's files"


def test_two_briefs_of_one_id_are_refused_at_the_second_id(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_bytes(MINIMAL.read_bytes())
    code, stdout, stderr = run_cli("build", tmp_path, "--out", tmp_path / "out")
    assert code == 2 and stdout == ""
    assert re.search(r"b\.yaml:1:5: id 'minimal-brief' is also used by .*a\.yaml", stderr), stderr
    assert not (tmp_path / "out").exists()


def test_shell_completion_as_the_readme_says() -> None:
    """The README's `_BRIEFGEN_COMPLETE` lines: a bash script, then commands and the registry's engines."""
    import os
    import subprocess
    import sys

    script = Path(sys.executable).with_name("briefgen")

    def complete(mode: str, words: str = "", cword: int = 0) -> str:
        env = {**os.environ, "_BRIEFGEN_COMPLETE": mode, "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return subprocess.run([script], env=env, capture_output=True, text=True, check=True).stdout

    assert "complete -o nosort -F _briefgen_completion briefgen" in complete("bash_source")
    assert complete("bash_complete", "briefgen bu", 1).split() == ["plain,build", "plain,bundle"]
    engines = complete("bash_complete", "briefgen build --engine ", 3).split()
    assert engines == ["plain,weasyprint", "plain,typst", "plain,latex"]


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "3000000", "-1", "abc"])
def test_a_timeout_that_is_no_usable_number_of_seconds_is_a_usage_error(tmp_path: Path, value: str) -> None:
    code, _, stderr = run_cli(
        "build", MINIMAL, "--engine", "typst", "--timeout", value, "--out", tmp_path / "o"
    )
    assert code == 2 and "Traceback" not in stderr
    assert "Invalid value for '--timeout'" in stderr
    assert not (tmp_path / "o").exists()


def test_help_names_the_documents_and_they_are_there() -> None:
    code, stdout, _stderr = run_cli("--help")
    assert code == 0
    named = re.findall(r"(\S+\.md)", " ".join(stdout.split()))
    assert [Path(p).name for p in named] == ["brief-format.md", "themes.md"]
    for path in map(Path, named):
        assert path.is_absolute() and path.is_file(), path
        assert path.read_text(encoding="utf-8").startswith("# "), path
