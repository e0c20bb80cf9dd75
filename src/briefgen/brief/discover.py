"""Find the brief files that command-line paths name: files as given, folders searched one level down."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import Problem, display_path

BRIEF_NAMES = ("brief.yaml", "brief.yml")
DEFAULT_FOLDER = Path("briefs")  # searched when no path is given
START_HINT = "run `briefgen new NAME` to start a brief, or name a brief file or folder"


_DANGLING = "a symbolic link that leads to no file (a loop, or a target that is not there)"


def _dangling(path: Path) -> bool:
    """Whether `path` is a symbolic link that leads nowhere: a loop, or a target that is not there."""
    return path.is_symlink() and not path.exists()


def find_briefs(paths: list[Path]) -> list[Path]:
    """Brief files named by `paths`: files as given; folders searched for `*.yaml` and `*/brief.yaml`."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            if any((path / name).is_file() for name in BRIEF_NAMES):
                found += [path / n for n in BRIEF_NAMES if (path / n).is_file()]
                continue
            try:
                children = sorted(path.iterdir())
            except OSError:  # an unreadable folder: reading it as a brief says why
                found.append(path)
                continue
            for child in children:
                if child.suffix in (".yaml", ".yml") and (child.is_file() or _dangling(child)):
                    found.append(child)  # a link to nowhere too: reading it says why
                elif child.is_dir():
                    found += [child / n for n in BRIEF_NAMES if (child / n).is_file()]
        elif path.exists():
            found.append(path)
    return found


def brief_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The brief files `paths` name, and a problem for each path that is not there, or for finding none."""
    problems: list[Problem] = []
    for path in paths:
        if _dangling(path):
            problems.append(Problem(display_path(path), 0, 0, _DANGLING))
        elif not path.exists():
            hint = f" ({START_HINT})" if path == DEFAULT_FOLDER else ""
            problems.append(Problem(display_path(path), 0, 0, "no such file or folder" + hint))
    files = find_briefs([p for p in paths if p.exists()])
    if not files and not problems:
        problems.append(
            Problem(", ".join(map(display_path, paths)), 0, 0, "no brief found (*.yaml or */brief.yaml)")
        )
    return files, problems


__all__ = ["BRIEF_NAMES", "DEFAULT_FOLDER", "START_HINT", "brief_files", "find_briefs"]
