"""The one standards plan: decided from `--pdf-standard`, `--attach` and the engine, read by everything after."""

from __future__ import annotations

import pytest

from briefgen.backends import BACKENDS
from briefgen.distribution import standards
from briefgen.errors import InputError


def test_the_plan_orders_names_and_says_what_each_engine_writes() -> None:
    made = standards.plan("PDF/A-3b, ua-1", BACKENDS["typst"])
    assert made.standards == ("ua-1", "a-3b") and made.key == "ua-1+a-3b"
    assert made.accessible and made.archival == "a-3b" and made.pdfa == (3, "B")
    assert made.attach == "all" and made.associated_files and not made.notes
    assert standards.plan((), BACKENDS["latex"]) == standards.NONE


def test_pdfa2_attaches_nothing_and_says_why() -> None:
    made = standards.plan(("a-2b",), BACKENDS["weasyprint"], "record")
    assert made.attach == "none" and not made.attaches and not made.associated_files
    (note,) = made.notes
    assert "PDF/A-2 allows no attached files" in note
    assert standards.plan(("a-2b",), BACKENDS["weasyprint"], "none").notes == ()


def test_a_refused_standard_is_a_usage_error_with_the_reason_and_the_engines_that_write_it() -> None:
    with pytest.raises(InputError) as raised:
        standards.plan(("ua-1", "a-3b"), BACKENDS["latex"])
    (problem,) = raised.value.problems
    assert "the latex engine does not write ua-1 (TeX Live 2022" in problem.message
    assert problem.message.endswith("engines that write it: weasyprint, typst")


@pytest.mark.parametrize(
    ("asked", "attach", "said"),
    [
        ("a-2b,a-3b", "all", "one PDF/A part, not a-2b and a-3b"),
        ("pdf/x-4", "all", "unknown PDF standard 'pdf/x-4'"),
        ("ua-1", "some", "--attach some: not one of all, record, none"),
    ],
)
def test_what_no_plan_can_hold_is_refused(asked: str, attach: str, said: str) -> None:
    with pytest.raises(InputError, match=said):
        standards.plan(asked, BACKENDS["weasyprint"], attach)
