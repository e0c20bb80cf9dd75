"""Every page's words, characters and drawings as pdfplumber finds them, read faster and once per file.

pdfplumber reads a page through pdfminer.six, whose content-stream tokenizer is pure Python, then turns each of
its objects into a dictionary of some twenty attributes: most of the page-layout checker's time went there. Here
the same pdfminer interpreter and device draw each page (so each character's box, size and text are pdfminer's,
to the last bit), fed the operators of qpdf's tokenizer (pikepdf, a C++ library the tests already use); pdfplumber's
own word extractor then groups the characters, given only the attributes it reads. A content stream qpdf and
pdfminer could read differently (an inline image, a `null`) is tokenized by pdfminer itself. What one file holds is
kept while the file is unchanged (its path, size and modification time), so the tests of one process that read it
again pay once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

# What pdfplumber's extract_words is given: a word breaks at a gap over 0.12 of the font size (1 pt at most where
# the ratio is not met), blanks are not kept, and each word carries its first character's size.
WORDS = {"x_tolerance": 1, "x_tolerance_ratio": 0.12, "keep_blank_chars": False, "extra_attrs": ["size"]}


@dataclass(frozen=True)
class RawPage:
    """One page as read: its size, its words (text, x0, x1, top, bottom, size, upright), every character's
    text, and the box (x0, x1, top, bottom) of each image, rectangle, curve and line, in pdfplumber's order."""

    number: int
    width: float
    height: float
    words: tuple[tuple[str, float, float, float, float, float, bool], ...]
    chars: tuple[str, ...]
    graphics: tuple[tuple[float, float, float, float], ...]


def read(pdf: Path) -> tuple[RawPage, ...]:
    """The pages of `pdf`, read once while the file is unchanged."""
    path = Path(pdf).resolve()
    stat = path.stat()
    return _read(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _read(path: str, _size: int, _mtime_ns: int) -> tuple[RawPage, ...]:
    import pdfplumber
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage
    from pdfplumber.utils.text import WordExtractor

    extractor = WordExtractor(**WORDS)
    pages = []
    with pdfplumber.open(path) as document:
        for number, page in enumerate(document.pages, 1):
            device = PDFPageAggregator(document.rsrcmgr, pageno=number, laparams=None)
            _Interpreter(document.rsrcmgr, device).process_page(page.page_obj)
            # pdfplumber's coordinates: from the top of the page, shifted by the media box's origin
            height, (mb_x0, mb_top) = page.height, page.mediabox[:2]
            chars: list[dict[str, Any]] = []
            graphics: dict[type, list[tuple[float, float, float, float]]] = {}
            stack = [iter(device.get_result()._objs)]
            while stack:  # pdfplumber's order: a figure's objects where the figure is
                obj = next(stack[-1], None)
                if obj is None:
                    stack.pop()
                    continue
                if isinstance(obj, LTContainer):
                    stack.append(iter(obj._objs))
                    continue
                top = (height - obj.y1) + mb_top
                bottom = (height - obj.y0) + mb_top
                x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
                if isinstance(obj, LTChar):
                    chars.append(
                        {
                            "text": obj.get_text(),
                            "x0": x0,
                            "x1": x1,
                            "top": top,
                            "bottom": bottom,
                            "doctop": page.initial_doctop + top,
                            "upright": obj.upright,
                            "size": obj.size,
                        }
                    )
                elif isinstance(obj, LTImage | LTCurve):  # LTRect and LTLine are curves
                    graphics.setdefault(type(obj), []).append((x0, x1, top, bottom))
            words = tuple(
                (w["text"], w["x0"], w["x1"], w["top"], w["bottom"], float(w["size"]), bool(w["upright"]))
                for w in extractor.extract_words(chars)
            )
            drawn = [box for kind in _KINDS for box in graphics.get(kind, [])]
            pages.append(
                RawPage(
                    number,
                    float(page.width),
                    float(page.height),
                    words,
                    tuple(c["text"] for c in chars),
                    tuple(drawn),
                )
            )
    return tuple(pages)


def _kinds() -> tuple[type, ...]:
    from pdfminer.layout import LTCurve, LTImage, LTLine, LTRect

    return (LTImage, LTRect, LTCurve, LTLine)  # pdfplumber's images, rects, curves, lines


_KINDS = _kinds()


def _interpreter() -> type:
    import pikepdf
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFStackT
    from pdfminer.pdftypes import stream_value
    from pdfminer.psparser import LIT

    scratch = pikepdf.new()  # owns the streams qpdf tokenizes
    kinds = pikepdf.ObjectType

    def operand(value: Any) -> PDFStackT:
        """A qpdf operand as pdfminer's tokenizer gives it: names as literals, strings as bytes, reals as floats."""
        if isinstance(value, int):  # and bool
            return value
        if isinstance(value, Decimal):
            return float(value)
        kind = value._type_code
        if kind == kinds.name_:
            return LIT(str(value)[1:])
        if kind == kinds.string:
            return bytes(value)
        if kind == kinds.array:
            return [operand(v) for v in value]
        if kind == kinds.dictionary:
            return {str(k)[1:]: operand(v) for k, v in value.items()}
        raise _Unsure(str(kind))

    def program(data: bytes) -> list[tuple[list[PDFStackT], str]]:
        """Each operator of the content stream `data` with its operands, as pdfminer would read them."""
        if b"null" in data:  # pdfminer reads it as an operator, qpdf as an operand
            raise _Unsure("null")
        out = []
        for instruction in pikepdf.parse_content_stream(pikepdf.Stream(scratch, data)):
            if type(instruction) is not pikepdf.ContentStreamInstruction:  # an inline image
                raise _Unsure(type(instruction).__name__)
            operands = [v if type(v) is int else operand(v) for v in instruction.operands]
            out.append((operands, str(instruction.operator)))
        return out

    class Interpreter(PDFPageInterpreter):
        def execute(self, streams: Any) -> None:
            """pdfminer's loop over the operators, given qpdf's tokens; pdfminer's own where either could differ."""
            valid = []
            self.stream_ids.clear()
            for obj in streams:
                stream = stream_value(obj)
                if stream.objid is None or stream.objid in self.parent_stream_ids:
                    return super().execute(streams)  # pdfminer warns and skips it
                valid.append(stream)
                self.stream_ids.add(stream.objid)
            try:
                operators = program(b"".join(s.get_data() for s in valid))  # pdfminer reads them as one
            except Exception:  # an inline image, a `null`, a stream qpdf cannot read: pdfminer reads it
                return super().execute(streams)
            methods: dict[str, tuple[Any, int]] = {}
            for operands, name in operators:
                self.argstack.extend(operands)
                if name not in methods:
                    method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
                    func = getattr(self, method, None)
                    methods[name] = (func, func.__code__.co_argcount - 1 if func else 0)
                func, nargs = methods[name]
                if func is None:  # an operator pdfminer does not know: its operands stay, as in pdfminer
                    continue
                if nargs:
                    args = self.pop(nargs)
                    if len(args) == nargs:
                        func(*args)
                else:
                    func()
            return None

    return Interpreter


class _Unsure(Exception):
    """A token qpdf and pdfminer could read differently: pdfminer reads the stream."""


def _chosen() -> type:
    """The interpreter to draw pages with: pdfminer's own where it predates the loop guard mirrored here."""
    from pdfminer.pdfinterp import PDFPageInterpreter

    return _interpreter() if hasattr(PDFPageInterpreter, "subinterp") else PDFPageInterpreter


_Interpreter = _chosen()
