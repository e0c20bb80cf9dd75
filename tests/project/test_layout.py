"""The tests mirror the package: a test file outside tests/e2e/ and tests/project/ is named after the module it
tests and sits in the folder that mirrors the module's, so a module's tests are found by its name.

    src/briefgen/<path>/<module>.py           → tests/<path>/test_<module>.py (or test_<module>_<aspect>.py)
    src/briefgen/<path>/<package>/__init__.py → tests/<path>/<package>/test_<package>.py, or, for a package
                                                tested as a whole, tests/<path>/test_<package>.py

End-to-end tests (a command run as a user runs it, its PDFs read back, across modules and engines) sit in
tests/e2e/; checks of the whole repository (the import graph, this layout) in tests/project/; the tests of a
helper of the tests (tests/<helper>.py) in tests/test_<helper>.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
PACKAGE = TESTS.parent / "src" / "briefgen"
GROUPS = ("e2e", "project")


def module_tested_by(test_file: Path, package: Path = PACKAGE) -> Path | None:
    """The module or package of `package` that `test_file` (under tests/) is named after, or None."""
    folder = test_file.parent.relative_to(TESTS)
    words = test_file.stem.removeprefix("test_").split("_")
    helper = TESTS / f"{test_file.stem.removeprefix('test_')}.py"
    if not folder.parts and helper.is_file():  # a helper of the tests (tests/pagelayout.py) has its own tests
        return helper
    here = package / folder
    # the longest name first: test_theme_catalogue.py is theme_catalogue.py's, not a `theme` module's
    for end in range(len(words), 0, -1):
        name = "_".join(words[:end])
        for candidate in (here / f"{name}.py", here / name / "__init__.py"):
            if candidate.is_file():
                return candidate
        if folder.parts and name == folder.parts[-1] and (here / "__init__.py").is_file():
            return here / "__init__.py"
    return None


def _mirrored_test_files() -> list[Path]:
    return sorted(
        path
        for path in TESTS.rglob("test_*.py")
        if path.relative_to(TESTS).parts[0] not in GROUPS and "fixtures" not in path.relative_to(TESTS).parts
    )


@pytest.mark.parametrize("test_file", _mirrored_test_files(), ids=lambda p: str(p.relative_to(TESTS)))
def test_each_test_file_is_named_after_its_module(test_file: Path) -> None:
    assert module_tested_by(test_file) is not None, (
        f"{test_file.relative_to(TESTS)} names no module of src/briefgen: name it tests/<path>/test_<module>.py "
        f"after src/briefgen/<path>/<module>.py, or put it in tests/e2e/ if it tests across modules"
    )


def test_the_rule_finds_modules_packages_and_aspects(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    for name in (
        "cli.py",
        "theme_catalogue.py",
        "stage/__init__.py",
        "stage/reader.py",
        "stage/sub/__init__.py",
    ):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("")

    def found(test: str) -> str | None:
        module = module_tested_by(TESTS / test, package)
        return None if module is None else str(module.relative_to(package))

    assert found("test_cli.py") == "cli.py"
    assert found("test_cli_errors.py") == "cli.py"
    assert found("test_theme_catalogue.py") == "theme_catalogue.py"
    assert found("stage/test_reader.py") == "stage/reader.py"
    assert found("stage/test_stage.py") == "stage/__init__.py"
    assert found("stage/test_sub.py") == "stage/sub/__init__.py"
    assert found("stage/sub/test_sub.py") == "stage/sub/__init__.py"
    assert found("test_reader.py") is None  # in the wrong folder
    assert found("stage/test_writer.py") is None
    assert found("other/test_cli.py") is None
