"""Make briefs for the benchmarks from the Kyutai example: many briefs that differ (a seeded generator), or one
brief of about N pages (its sections repeated)."""

from __future__ import annotations

import copy
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "briefs" / "kyutai-launch"
# The `pages()` repeat that makes a brief of about 10, 50 and 200 pages (with Typst; the harness counts them).
REPEATS = {10: 4, 50: 36, 200: 170}


def _example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLE / "brief.yaml").read_text(encoding="utf-8"))
    return data


def _write(data: dict[str, Any], folder: Path) -> Path:
    """The brief `data` in `folder`, beside a copy of the example's source file."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in EXAMPLE.iterdir():
        if file.name != "brief.yaml":
            shutil.copyfile(file, folder / file.name)
    brief = folder / "brief.yaml"
    brief.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return brief


def many(count: int, into: Path, seed: int = 19) -> list[Path]:
    """`count` briefs in `into`, each the example with its own id and its sections in an order of its own."""
    rng = random.Random(seed)
    made = []
    for number in range(count):
        data = _example()
        data["id"] = f"brief-{number:04d}"
        first, rest = data["sections"][:1], data["sections"][1:]
        rng.shuffle(rest)
        data["sections"] = first + rest[: rng.randint(len(rest) - 2, len(rest))]
        made.append(_write(data, into / data["id"]))
    return made


def pages(repeat: int, into: Path) -> Path:
    """One brief holding the example's text about `repeat` times (about 4 × `repeat` pages): its sections
    repeated (at most 7 times, as a brief has at most 50), each with its blocks repeated."""
    data = _example()
    rounds = min(repeat, 7)
    blocks = -(-repeat // rounds)
    sections = []
    for number in range(rounds):
        for section in data["sections"]:
            copied = copy.deepcopy(section)
            copied["id"] = f"{section['id']}-{number}"
            for part in [copied, *copied.get("subsections", [])]:
                if "blocks" in part:
                    part["blocks"] = [_copy(b, again) for again in range(blocks) for b in part["blocks"]]
            for sub in copied.get("subsections", []):
                sub["id"] = f"{sub['id']}-{number}"
            sections.append(copied)
    data["id"] = f"pages-{repeat}"
    data["sections"] = sections
    data["languages"] = ["fr"]  # one language: a brief file holds at most 1 MB
    return _write(_only_french(data), into / data["id"])


def _copy(block: dict[str, Any], again: int) -> dict[str, Any]:
    """A block written out (a brief refuses YAML aliases); from its second copy on, without its basis: its
    quotes would make the endnotes, not the body, grow."""
    copied = copy.deepcopy(block)
    if again:
        copied.pop("basis", None)
    return copied


def _only_french(value: Any) -> Any:
    """`value` without the English of every text written in French and English."""
    if isinstance(value, dict):
        if "fr" in value and set(value) <= {"fr", "en"}:
            return {"fr": _only_french(value["fr"])}
        return {key: _only_french(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_only_french(item) for item in value]
    return value
