"""Turn a theme's manifest into flat design tokens, derive the values engines need, and write one block per engine.

Tokens are named `colour-accent`, `text-body-size`, `space-paragraph`, `margin-top`, … Derived values (a line's
height in points, TeX letter-spacing units, strut and Typst line-box edges from the font's metrics) are
computed here once, so no template holds a number worked out by hand.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from markupsafe import Markup

from briefgen.themes.fonts import metrics
from briefgen.themes.layers import Theme
from briefgen.themes.manifest import EM, LENGTH, PERCENT, ems, points

Token = str | int | bool


def _num(value: Decimal | float, places: str = "0.001") -> str:
    """A number without trailing zeros: 14.5, 0.987, 12."""
    text = format(Decimal(str(value)).quantize(Decimal(places), ROUND_HALF_EVEN).normalize(), "f")
    return "0" if text in ("-0", "") else text


def tokens(theme: Theme) -> dict[str, Token]:
    """Every design value of the theme by token name, the derived ones included, in manifest order."""
    if "tokens" not in theme.memo:
        theme.memo["tokens"] = _tokens(theme)
    return dict(theme.memo["tokens"])


def _tokens(theme: Theme) -> dict[str, Token]:
    m = theme.manifest
    out: dict[str, Token] = {}
    for name, colour in m.colours.items():
        out[f"colour-{name}"] = colour.lower()
    out["font-text"] = m.font.text
    out["font-headings"] = m.font.headings
    out["page-width"], out["page-height"] = m.page.width, m.page.height
    for side in ("top", "right", "bottom", "left"):
        out[f"margin-{side}"] = getattr(m.page.margin, side)
    out["header-gap"] = m.page.header.gap or "0pt"
    out["footer-gap"] = m.page.footer.gap or m.page.header.gap or "0pt"
    out["logo-height"] = m.page.logo_height
    faces = theme.families()
    for name, style in m.text.items():
        family = m.font.text if style.font == "text" else m.font.headings
        size = points(style.size)
        leading = Decimal(str(style.leading))
        line = size * leading
        font = metrics(faces[family][0].file)  # load_theme has checked that every family has faces
        ascent, descent = font.ascent, font.descent
        half_gap = (leading - Decimal(str(ascent)) - Decimal(str(descent))) / 2
        shift = size * (Decimal(str(ascent)) - Decimal(str(descent))) / 2
        prefix = f"text-{name}"
        out[f"{prefix}-family"] = family
        out[f"{prefix}-size"] = style.size
        out[f"{prefix}-leading"] = _num(leading)
        out[f"{prefix}-line"] = _num(line) + "pt"  # the line's height
        out[f"{prefix}-weight"] = style.weight
        out[f"{prefix}-tracking"] = style.tracking
        out[f"{prefix}-tracking-tex"] = int(ems(style.tracking) * 1000)  # \textls units: thousandths of an em
        out[f"{prefix}-italic"] = style.italic
        out[f"{prefix}-caps"] = style.caps
        out[f"{prefix}-colour"] = style.colour
        # A CSS line box: the font's ascent and descent, half the leading above and below.
        out[f"{prefix}-top-edge"] = _num(Decimal(str(ascent)) + half_gap, "0.0001") + "em"
        out[f"{prefix}-bottom-edge"] = _num(-(Decimal(str(descent)) + half_gap), "0.0001") + "em"
        out[f"{prefix}-strut-height"] = _num(line / 2 + shift) + "pt"
        out[f"{prefix}-strut-depth"] = _num(line / 2 - shift) + "pt"
    for section, key in (("space", "space"), ("rules", "rule"), ("layout", "layout")):
        for name, value in getattr(m, section).items():
            out[f"{key}-{name}"] = value
            if isinstance(value, str) and (match := PERCENT.match(value)):
                out[f"{key}-{name}-ratio"] = _num(Decimal(match.group(1)) / 100, "0.0001")
    return out


# -- one block per engine -------------------------------------------------------------------------------


def css_block(values: dict[str, Token]) -> Markup:
    """CSS custom properties on :root; colours of text styles point at the palette, families are quoted."""
    lines = [":root {"]
    for name, value in values.items():
        if name.endswith("-colour"):
            text = f"var(--colour-{value})"
        elif name.endswith("-family") or name.startswith("font-"):
            text = '"' + str(value).replace('"', "") + '"'
        elif name.endswith("-italic"):
            text = "italic" if value else "normal"
        elif name.endswith("-caps"):
            text = "uppercase" if value else "none"
        elif isinstance(value, bool):
            text = "1" if value else "0"
        else:
            text = str(value)
        lines.append(f"  --{name}: {text};")
    lines.append("}")
    return Markup("\n".join(lines))


def _typst_value(name: str, value: Token) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if name.startswith("colour-"):
        return f'rgb("{value}")'
    if name.endswith("-colour"):
        return f"colour.{value}"
    if name.endswith("-family") or name.startswith("font-"):
        return '"' + str(value).replace("\\", "").replace('"', "") + '"'
    if LENGTH.match(str(value)) or EM.match(str(value)) or PERCENT.match(str(value)):
        return str(value)
    try:
        Decimal(str(value))
        return str(value)
    except ArithmeticError:
        return '"' + str(value).replace("\\", "").replace('"', "") + '"'


def typst_block(values: dict[str, Token]) -> Markup:
    """A Typst dictionary `theme`: theme.colour.accent, theme.text.body.size, theme.space.paragraph, …"""
    # Text styles nest one level deeper: theme.text.fact-value.size.
    text: dict[str, dict[str, str]] = {}
    flat: dict[str, dict[str, str]] = {}
    order = list(
        dict.fromkeys(
            k[len("text-") : -len("-size")] for k in values if k.startswith("text-") and k.endswith("-size")
        )
    )
    styles = sorted(order, key=len, reverse=True)  # longest first: "fact-value" before "fact"
    for name, value in values.items():
        if name.startswith("text-"):
            rest = name[len("text-") :]
            style = next(s for s in styles if rest.startswith(s + "-"))
            text.setdefault(style, {})[rest[len(style) + 1 :]] = _typst_value(name, value)
        else:
            head, _, key = name.partition("-")
            flat.setdefault(head, {})[key] = _typst_value(name, value)
    lines = []
    colour = flat.pop("colour", {})
    lines.append("#let colour = (" + ", ".join(f"{k}: {v}" for k, v in colour.items()) + ",)")
    lines.append("#let theme = (")
    lines.append("  colour: colour,")
    for head, entries in flat.items():
        lines.append(f"  {head}: (" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + ",),")
    lines.append("  text: (")
    for style in order:
        entries = text[style]
        lines.append(f"    {style}: (" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + ",),")
    lines.append("  ),")
    lines.append(")")
    return Markup("\n".join(lines))


def latex_block(values: dict[str, Token]) -> Markup:
    r"""LaTeX: colours `brief-<name>` for xcolor, every other token expandable as \BriefToken{name}."""
    lines = [
        r"\makeatletter",
        r"\providecommand\BriefToken[1]{\csname brief@token@#1\endcsname}",
        r"\providecommand\BriefSetToken[2]{\expandafter\def\csname brief@token@#1\endcsname{#2}}",
        r"\makeatother",
    ]
    for name, value in values.items():
        if name.startswith("colour-"):
            lines.append(
                rf"\definecolor{{brief-{name[len('colour-') :]}}}{{HTML}}{{{str(value).lstrip('#').upper()}}}"
            )
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif name.endswith("-colour"):
            text = f"brief-{value}"
        else:
            text = str(value)
            if PERCENT.match(text):
                continue  # LaTeX reads the -ratio token
        text = "".join(c for c in text if c.isalnum() or c in " .-+#@/:,")  # a token is data, never TeX code
        lines.append(rf"\BriefSetToken{{{name}}}{{{text}}}")
    return Markup("\n".join(lines))


# The writers by the language they write (an engine names its own in its markup's SYNTAX.tokens).
BLOCKS = {"css": css_block, "typst": typst_block, "latex": latex_block}

__all__ = ["BLOCKS", "Token", "css_block", "latex_block", "tokens", "typst_block"]
