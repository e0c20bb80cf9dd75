"""Turn each block of a section into the view its kind's template renders: one function per kind.

A template finds a block's own template by its kind, `blocks/<kind>.<ext>.j2` in the engine's folder, and reads
`block.content`: the view this module makes for that kind. A new kind is its model (brief/blocks.py), its
function here and its template in each engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, assert_never, cast

from briefgen.brief import model
from briefgen.brief.blocks import BlockKind, Timeline
from briefgen.brief.inline import Inline, keep, plain
from briefgen.document.context import Context, ExcerptView, NoteView
from briefgen.language.facts import format_when
from briefgen.language.typography import typeset_text


@dataclass(frozen=True)
class ColumnView:
    title: Inline
    align: str  # left, right, center


# The fewest body rows a table split across pages leaves on either side of the break.
KEEP_ROWS = 3


@dataclass(frozen=True)
class TableView:
    number: int
    label: str  # "Table 2"
    caption: Inline | None
    columns: tuple[ColumnView, ...]
    rows: tuple[tuple[Inline, ...], ...]

    @property
    def breaks(self) -> tuple[bool, ...]:
        """For each body row, whether a page (or column) may break before it: a split table keeps at least
        KEEP_ROWS rows on each side, so a table of fewer than 2 × KEEP_ROWS rows does not split at all."""
        count = len(self.rows)
        return tuple(KEEP_ROWS <= i <= count - KEEP_ROWS for i in range(count))

    @property
    def first_rows(self) -> int:
        """How many body rows the page that holds the caption and the header must hold too: up to the first place a
        break may come, or all of them when none may."""
        return next((i for i, may in enumerate(self.breaks) if may), len(self.rows))


@dataclass(frozen=True)
class FigureView:
    number: int
    label: str  # "Figure 1"
    path: Path  # the image file in the brief's folder
    name: str  # its name beside the engine's source: figure-1.png
    format: str  # png, jpeg, svg
    alt: str
    caption: Inline | None
    width: float  # a fraction of the text's width


@dataclass(frozen=True)
class EventView:
    """A dated event: its date as the language writes it (14 June 2023, mid-2023), as written in the brief
    (`iso`: 2023-06-14, 2023-06, 2023, for HTML's `<time datetime>`), and what happened."""

    date: Inline
    iso: str
    text: Inline


@dataclass(frozen=True)
class TimelineView:
    events: tuple[EventView, ...]


# What `block.content` holds, by kind: a paragraph, the items of a list, a table, a figure, a quote, a timeline.
Content = Inline | tuple[Inline, ...] | TableView | FigureView | ExcerptView | TimelineView


@dataclass(frozen=True)
class BlockView:
    kind: BlockKind
    content: Content
    ref: NoteView | None = None  # the note quoting the block's basis


def text_view(ctx: Context, text: model.Localised) -> Inline:
    return ctx.prose(text)


def items_view(ctx: Context, items: list[model.Localised]) -> tuple[Inline, ...]:
    return tuple(ctx.prose(i) for i in items)


def table_view(ctx: Context, table: model.Table) -> TableView:
    number = ctx.number("table")
    return TableView(
        number,
        f"{ctx.catalog('table')} {number}",
        ctx.prose(table.caption) if table.caption else None,
        tuple(ColumnView(ctx.prose(c.title), c.align) for c in table.columns),
        tuple(tuple(ctx.prose(cell) for cell in row) for row in table.rows),
    )


def figure_view(ctx: Context, figure: model.Figure) -> FigureView:
    number = ctx.number("figure")
    fmt = model.FIGURE_FORMATS[Path(figure.file).suffix.lower()]
    return FigureView(
        number,
        f"{ctx.catalog('figure')} {number}",
        ctx.loaded.figure_path(figure.file),
        f"figure-{number}.{'jpg' if fmt == 'jpeg' else fmt}",
        fmt,
        plain(ctx.prose(figure.alt)),
        ctx.prose(figure.caption) if figure.caption else None,
        float(figure.width),
    )


def quote_view(ctx: Context, quote: str | model.Cited) -> ExcerptView:
    return ctx.excerpt(quote, quoted=False)  # a block quote is set apart, not in quotation marks


def timeline_view(ctx: Context, timeline: Timeline) -> TimelineView:
    return TimelineView(
        tuple(
            EventView(
                (keep(typeset_text(format_when(event.date, ctx.catalog), ctx.catalog.typography)),),
                str(event.date.value),
                ctx.prose(event.text),
            )
            for event in timeline.events
        )
    )


T = TypeVar("T")


def _held(value: T | None) -> T:
    """The value of the block's one kind, which the model guarantees is there."""
    if value is None:
        raise ValueError("a block without the value of its kind")
    return value


def content_of(ctx: Context, block: model.Block) -> Content:
    """The view of a block's content, by its kind (mypy checks that every kind is handled)."""
    kind = block.kind
    match kind:
        case "text":
            return text_view(ctx, _held(block.text))
        case "items":
            return items_view(ctx, _held(block.items))
        case "table":
            return table_view(ctx, _held(block.table))
        case "figure":
            return figure_view(ctx, _held(block.figure))
        case "quote":
            # (an `Excerpt` is a text or a `Cited`; mypy reads its validated text type as object)
            return quote_view(ctx, cast("str | model.Cited", _held(block.quote)))
        case "timeline":
            return timeline_view(ctx, _held(block.timeline))
        case _:
            assert_never(kind)


def block_view(ctx: Context, block: model.Block) -> BlockView:
    """A block's view: its content first, then the note of its basis (notes are numbered in page order)."""
    content = content_of(ctx, block)
    return BlockView(block.kind, content, ctx.note_of(block.basis))


__all__ = [
    "BlockView",
    "ColumnView",
    "Content",
    "EventView",
    "FigureView",
    "TableView",
    "TimelineView",
    "block_view",
    "content_of",
]
