"""A table's view says where a page may break in it: three body rows at least on each side, none in a table of
five rows or fewer; and the rows the caption's page must hold."""

from __future__ import annotations

import pytest

from briefgen.document.blocks import TableView


def table(rows: int) -> TableView:
    return TableView(1, "Table 1", None, (), tuple(((),) for _ in range(rows)))


@pytest.mark.parametrize(
    ("rows", "breaks", "first"),
    [
        (1, [False], 1),
        (5, [False] * 5, 5),
        (6, [False, False, False, True, False, False], 3),
        (8, [False, False, False, True, True, True, False, False], 3),
    ],
)
def test_a_table_breaks_only_with_three_rows_on_each_side(rows: int, breaks: list[bool], first: int) -> None:
    assert list(table(rows).breaks) == breaks
    assert table(rows).first_rows == first
