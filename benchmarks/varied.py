"""Make briefs from scratch with a seeded generator: each seed gives one valid brief, always the same, with its
own source texts and figures, in French, English or both.

What varies from one seed to the next is what page layout depends on: how many sections and subsections, the
length of paragraphs and list items, tables of 1 to 40 rows, figures (PNG and SVG), block quotes and timelines,
notes quoting excerpts, flags, long names of people and organisations, amounts, counts, percentages and dates
written as facts. The prose is made of parallel clauses in French and English, so that `briefgen check` finds
the same facts, numbers and lists in both. The tests build these briefs and read their pages
(tests/e2e/test_generated_pages.py).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import yaml

LANGS = ("fr", "en")

GIVEN = [
    "Anne-Sophie", "Maximilian", "Oluwaseun", "María José", "Jean-Baptiste", "Bartholomew", "Krzysztof",
    "Marie-Claire", "Konstantinos", "Guðrún", "Françoise", "Alexandre", "Siddharth", "Hélène", "Thaddeus",
    "Chiamaka", "Wolfgang", "Élisabeth", "Xavier", "Eric",
]  # fmt: skip
SURNAME = [
    "Delacroix-Montgolfier", "von Hohenberg", "Adebayo-Okonkwo", "Fernández de Córdoba", "Schmidt",
    "Vandenberghe", "Papadopoulos", "Wiśniewski", "de La Tour d’Auvergne", "Niel", "Ramakrishnan",
    "Oyelaran-Whitfield", "Castelnau-Lestrade", "Sigurðardóttir", "Lefebvre", "Van der Westhuizen",
]  # fmt: skip
ORGS = [
    "Caisse des dépôts et consignations", "International Federation of Renewable Energy Cooperatives",
    "Norddeutsche Landesbank Girozentrale", "Agence nationale de la recherche", "Schmidt Futures",
    "Commissariat à l’énergie atomique et aux énergies alternatives", "CMA CGM", "Iliad",
    "European Organisation for the Exploitation of Meteorological Satellites", "Banque publique d’investissement",
    "Fraunhofer-Gesellschaft zur Förderung der angewandten Forschung", "Kyutai", "Mistral AI",
    "Institut national de recherche en sciences et technologies du numérique", "Scaleway",
    "Massachusetts Institute of Technology",
]  # fmt: skip
PLACES = ["Paris", "Saint-Quentin-en-Yvelines", "Clermont-Ferrand", "Villeneuve-d’Ascq", "Genève", "Montréal"]
EVENTS = ["ai-PULSE", "VivaTech", "Sommet pour l’action sur l’intelligence artificielle", "Web Summit"]
CURRENCIES = ["EUR", "EUR", "USD", "GBP", "CHF", "JPY"]
DISPLAYS = [None, None, None, "name", "symbol", "code"]
UNITS = ["kilometer", "hectare", "megawatt", "gigabyte", "tonne"]
KINDS = ["press-article", "press-release", "report", "interview", "web-page"]
FLAGS = ["off-topic", "doubtful", "ambiguous", "unverified"]

# Parallel clauses, French then English: prose of any length is made of them. No digits (a number is a fact).
CLAUSES = [
    ("les partenaires présentent le projet comme une première étape", "the partners present the project as a first step"),
    ("le calendrier de mise en œuvre reste à préciser", "the implementation schedule has yet to be set out"),
    ("les responsabilités de chacun ne sont pas détaillées", "the responsibilities of each party are not detailed"),
    ("l’internationalisation du programme est annoncée sans précision", "the internationalisation of the programme is announced without detail"),
    ("la gouvernance interdisciplinaire doit encore être constituée", "the interdisciplinary governance has yet to be formed"),
    ("les chercheurs publieront leurs travaux en accès libre", "the researchers will publish their work in open access"),
    ("aucun engagement contraignant n’a été rendu public", "no binding commitment has been made public"),
    ("la communication institutionnelle insiste sur la souveraineté technologique", "the institutional communication stresses technological sovereignty"),
    ("les conditions d’accès aux infrastructures de calcul restent confidentielles", "the terms of access to the computing infrastructure remain confidential"),
    ("plusieurs observateurs jugent l’annonce prématurée", "several observers find the announcement premature"),
    ("le texte ne cite aucune source indépendante", "the text cites no independent source"),
    ("la répartition géographique des équipes n’est pas connue", "the geographical spread of the teams is not known"),
    ("les modalités de financement pluriannuel sont évoquées sans chiffrage", "the multi-year funding arrangements are mentioned without figures"),
    ("les représentants syndicaux n’ont pas été consultés", "the union representatives were not consulted"),
    ("une évaluation extérieure est prévue à mi-parcours", "an external evaluation is planned halfway through"),
    ("les entreprises associées conservent leurs droits de propriété intellectuelle", "the associated companies keep their intellectual property rights"),
]  # fmt: skip
# Sentences about facts: {slot} is a fact of that kind, referred to as {{id}}.
SENTENCES = [
    ("{org} consacrera {money} au programme d’ici {date}.", "{org} will put {money} into the programme by {date}."),
    ("{person} dirige une équipe de {count} personnes chez {org}.", "{person} leads a team of {count} people at {org}."),
    ("{date} : {org} a annoncé un budget de {money}.", "{date}: {org} announced a budget of {money}."),
    ("La part détenue par {org} atteint {percent}, selon {person}.", "The share held by {org} reaches {percent}, according to {person}."),
    ("Le site de {place} couvre {number}.", "The site in {place} covers {number}."),
    ("L’accord a été signé par {group} lors de {event}.", "The agreement was signed by {group} at {event}."),
    ("{person} et {person} n’ont pas commenté le montant de {money}.", "{person} and {person} did not comment on the sum of {money}."),
    ("{money} proviennent de {org}, et {money} de {org}.", "{money} comes from {org}, and {money} from {org}."),
    ("Le premier versement est attendu {date}, le second {date}.", "The first payment is expected {date}, the second {date}."),
]  # fmt: skip
SECTION_TITLES = [
    ("Ce qui est annoncé", "What is announced"), ("Financement", "Funding"), ("Gouvernance", "Governance"),
    ("Calendrier", "Timetable"), ("Partenaires et rôles", "Partners and roles"), ("Ce que l’on ignore", "What is unknown"),
    ("Réactions", "Reactions"), ("Contexte international", "International context"), ("Enjeux", "What is at stake"),
    ("Infrastructures de calcul et accès des chercheurs extérieurs", "Computing infrastructure and access for outside researchers"),
]  # fmt: skip


class _Maker:
    """One brief, drawn from `rng`: its facts first, then the prose that refers to them."""

    def __init__(self, rng: random.Random, languages: tuple[str, ...]) -> None:
        self.rng = rng
        self.langs = languages
        self.facts: dict[str, dict[str, Any]] = {}
        self.by_kind: dict[str, list[str]] = {}
        self.files: dict[str, bytes] = {}
        self.sources: list[dict[str, Any]] = []
        self.source_text: dict[str, list[str]] = {}  # source id → its sentences
        self.long_table = False

    # -- texts --------------------------------------------------------------------------------------------

    def loc(self, fr: str, en: str) -> dict[str, str]:
        both = {"fr": fr, "en": en}
        return {lang: both[lang] for lang in self.langs}

    def clause_text(self, low: int, high: int) -> dict[str, str]:
        """A few sentences of clauses: `low` to `high` clauses, two or three to a sentence."""
        count = self.rng.randint(low, high)
        picked = [self.rng.choice(CLAUSES) for _ in range(count)]
        fr, en = [], []
        while picked:
            take = picked[: self.rng.randint(1, 3)]
            picked = picked[len(take) :]
            fr.append(_sentence(", et ".join(c[0] for c in take)))
            en.append(_sentence(", and ".join(c[1] for c in take)))
        return self.loc(" ".join(fr), " ".join(en))

    def fact_sentence(self) -> dict[str, str]:
        fr, en = self.rng.choice(SENTENCES)
        slots = [part.split("}")[0] for part in en.split("{")[1:]]
        refs = [self.ref(slot) for slot in slots]
        return self.loc(_fill(fr, refs), _fill(en, refs))

    def paragraph(self, low: int = 1, high: int = 4) -> dict[str, str]:
        parts = [self.fact_sentence() if self.rng.random() < 0.5 else self.clause_text(1, 3)]
        for _ in range(self.rng.randint(low, high) - 1):
            parts.append(self.fact_sentence() if self.rng.random() < 0.4 else self.clause_text(1, 3))
        return {lang: " ".join(p[lang] for p in parts) for lang in self.langs}

    def ref(self, kind: str) -> str:
        return "{{" + self.rng.choice(self.by_kind[kind]) + "}}"

    # -- facts --------------------------------------------------------------------------------------------

    def add(self, kind: str, fact: dict[str, Any]) -> str:
        fid = f"{kind}_{len(self.by_kind.get(kind, [])) + 1}"
        self.facts[fid] = fact
        self.by_kind.setdefault(kind, []).append(fid)
        return fid

    def make_facts(self) -> None:
        rng = self.rng
        for name in rng.sample(ORGS, rng.randint(2, 3)):
            self.add("org", {"type": "organisation", "name": name, "role": self.loc("Partenaire", "Partner")})
        for _ in range(rng.randint(1, 3)):
            name = f"{rng.choice(GIVEN)} {rng.choice(SURNAME)}"
            while any(f.get("name") == name for f in self.facts.values()):
                name = f"{rng.choice(GIVEN)} {rng.choice(SURNAME)}"
            role = self.loc("Directrice du programme", "Programme director")
            self.add("person", {"type": "person", "name": name, "role": role})
        for _ in range(rng.randint(1, 3)):
            # round millions and billions (written with their scale in words), or exact sums up to a billion
            scale = rng.choice([1, 1000, 1_000_000, 1_000_000, 1_000_000_000])
            amount: Any = rng.randint(1, 999) * scale if scale > 1000 else rng.randint(1000, 999_999) * scale
            if rng.random() < 0.2:
                low = rng.randint(1, 9) * scale
                amount = [low, low + rng.randint(1, 9) * scale]
            money: dict[str, Any] = {"type": "money", "amount": amount, "currency": rng.choice(CURRENCIES)}
            display = rng.choice(DISPLAYS)
            if display:
                money["currency_display"] = display
            self.add("money", {**money, "label": self.loc("Montant engagé", "Amount committed")})
        for _ in range(rng.randint(1, 3)):
            year, month, day = rng.randint(2019, 2027), rng.randint(1, 12), rng.randint(1, 28)
            value: Any = rng.choice([dt.date(year, month, day), f"{year}-{month:02d}", year])
            date: dict[str, Any] = {"type": "date", "value": value, "label": self.loc("Échéance", "Deadline")}
            if not isinstance(value, dt.date) and rng.random() < 0.5:
                date["part"] = rng.choice(["early", "mid", "late"])
            elif rng.random() < 0.2:
                date["approximate"] = True
            self.add("date", date)
        label = self.loc("Effectif", "Headcount")
        spelled = rng.random() < 0.3  # in words: from 2 to 100
        value = rng.randint(2, 100) if spelled else rng.randint(2, 50_000)
        self.add("count", {"type": "count", "value": value, "spell": spelled, "label": label})
        label = self.loc("Part du capital", "Share of capital")
        self.add("percent", {"type": "percent", "percent": rng.randint(1, 99), "label": label})
        label = self.loc("Surface du site", "Site area")
        self.add(
            "number",
            {"type": "number", "value": rng.randint(2, 90_000), "unit": rng.choice(UNITS), "label": label},
        )
        label = self.loc("Siège", "Headquarters")
        self.add("place", {"type": "place", "name": rng.choice(PLACES), "label": label})
        when = rng.choice(
            [None, f"{rng.randint(2020, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        )
        label = self.loc("Événement", "Event")
        self.add("event", {"type": "event", "name": rng.choice(EVENTS), "date": when, "label": label})
        members = self.by_kind["org"][:2] + self.by_kind["person"][:1]
        self.add(
            "group", {"type": "group", "members": members, "label": self.loc("Signataires", "Signatories")}
        )

    # -- sources and excerpts -----------------------------------------------------------------------------

    def make_sources(self) -> None:
        for number in range(1, self.rng.randint(1, 2) + 1):
            lang = self.rng.choice(LANGS)
            sid = f"source-{number}"
            sentences = []
            for _ in range(self.rng.randint(8, 20)):
                clause = self.rng.choice(CLAUSES)[LANGS.index(lang)]
                name = self.facts[self.rng.choice(self.by_kind["person"] + self.by_kind["org"])]["name"]
                said = {"fr": f"a déclaré {name}", "en": f"said {name}"}[lang]
                if self.rng.random() < 0.3:  # a quotation inside the source: an excerpt may hold it
                    open_, close = {"fr": ("« ", " »"), "en": ("“", "”")}[lang]
                    sentences.append(f"{open_}{_sentence(clause)[:-1]}{close}, {said}.")
                else:
                    sentences.append(f"{_sentence(clause)[:-1]}, {said}.")
            self.source_text[sid] = sentences
            file = f"{sid}.{lang}.txt"
            self.files[file] = ("\n\n".join(sentences) + "\n").encode()
            source: dict[str, Any] = {"id": sid, "kind": self.rng.choice(KINDS), "language": lang}
            source |= {
                "title": None,
                "outlet": self.rng.choice([None, "Le Quotidien numérique"]),
                "date": None,
            }
            source |= {"url": None, "file": file}
            source["not_stated"] = [self.clause_text(1, 2) for _ in range(self.rng.randint(0, 2))]
            self.sources.append(source)

    def excerpt(self) -> str | dict[str, str]:
        sid = self.rng.choice(list(self.source_text))
        words = self.rng.choice(self.source_text[sid]).split(" ")
        length = min(len(words), self.rng.randint(4, 18))
        start = self.rng.randint(0, len(words) - length)
        quote = " ".join(words[start : start + length])
        return quote if sid == "source-1" else {"source": sid, "quote": quote}

    def basis(self) -> list[str | dict[str, str]]:
        return [self.excerpt() for _ in range(self.rng.randint(1, 2))] if self.rng.random() < 0.35 else []

    # -- blocks -------------------------------------------------------------------------------------------

    def block(self) -> dict[str, Any]:
        kind = self.rng.choices(
            ["text", "items", "table", "figure", "quote", "timeline"], weights=[9, 4, 3, 1.5, 1.5, 1.5]
        )[0]
        make = {"text": self.paragraph, "items": self.items, "table": self.table, "figure": self.figure}
        make |= {"quote": self.excerpt, "timeline": self.timeline}
        block: dict[str, Any] = {kind: make[kind]()}
        if kind != "quote":
            basis = self.basis()
            if basis:
                block["basis"] = basis
        return block

    def items(self) -> list[dict[str, str]]:
        return [
            self.fact_sentence() if self.rng.random() < 0.3 else self.clause_text(1, 3)
            for _ in range(self.rng.randint(1, 6))
        ]

    def table(self) -> dict[str, Any]:
        rng = self.rng
        long = not self.long_table and rng.random() < 0.4  # one long table at most: the brief stays short
        rows = rng.randint(10, 40) if long else rng.randint(1, 9)
        self.long_table |= long
        kinds = ["name", *rng.sample(["money", "date", "count", "text", "percent"], rng.randint(1, 3))]
        titles = {
            "name": ("Acteur", "Party"), "money": ("Montant", "Amount"), "date": ("Date", "Date"),
            "count": ("Effectif", "Staff"), "text": ("Commentaire", "Comment"), "percent": ("Part", "Share"),
        }  # fmt: skip
        columns = [
            {
                "title": self.loc(*titles[k]),
                **({"align": "right"} if k in ("money", "count", "percent") else {}),
            }
            for k in kinds
        ]
        body = []
        for _ in range(rows):
            row: list[Any] = []
            for k in kinds:
                if k == "name":
                    row.append(self.ref(rng.choice(["person", "org"])))
                elif k == "text":
                    row.append(self.clause_text(1, 1))
                else:
                    row.append(self.ref(k))
            body.append(row)
        table: dict[str, Any] = {"columns": columns, "rows": body}
        if rng.random() < 0.7:
            table["caption"] = self.loc("Répartition annoncée par partenaire", "Split announced by partner")
        return table

    def figure(self) -> dict[str, Any]:
        number = len([f for f in self.files if f.startswith("figure")]) + 1
        if self.rng.random() < 0.5:
            name = f"figure-{number}.png"
            self.files[name] = _png(self.rng)
        else:
            name = f"figure-{number}.svg"
            self.files[name] = _svg(self.rng)
        figure: dict[str, Any] = {
            "file": name,
            "alt": self.loc("Barres de hauteurs diverses", "Bars of various heights"),
        }
        if self.rng.random() < 0.7:
            figure["caption"] = self.loc("Montants par partenaire", "Amounts by partner")
        figure["width"] = self.rng.choice([0.3, 0.5, 0.8, 1])
        return figure

    def timeline(self) -> dict[str, Any]:
        year = self.rng.randint(2015, 2024)
        events = []
        for _ in range(self.rng.randint(1, 5)):
            year += self.rng.randint(0, 2)
            when: Any = str(year) if self.rng.random() < 0.3 else f"{year}-{self.rng.randint(1, 12):02d}"
            if self.rng.random() < 0.2:
                when = {"value": year, "part": self.rng.choice(["early", "mid", "late"])}
            events.append({"date": when, "text": self.clause_text(1, 2)})
            year += 1
        return {"events": events}

    # -- the brief ----------------------------------------------------------------------------------------

    def brief(self, bid: str) -> dict[str, Any]:
        rng = self.rng
        self.make_facts()
        self.make_sources()
        for fid, fact in self.facts.items():
            if rng.random() < 0.3 and fact["type"] != "group":
                fact["basis"] = self.excerpt()
            if fid.startswith(("money", "date", "count")) and rng.random() < 0.3:
                fact["note"] = self.clause_text(1, 2)
        candidates = [f for f in self.facts if not f.startswith(("person", "org"))]
        key_facts = rng.sample(candidates, rng.randint(2, min(6, len(candidates))))
        sections = []
        for number, title in enumerate(rng.sample(SECTION_TITLES, rng.randint(1, 3)), 1):
            section: dict[str, Any] = {"id": f"section-{number}", "title": self.loc(*title)}
            section["blocks"] = [self.block() for _ in range(rng.randint(1, 2))]
            subsections = []
            for sub in range(rng.choice([0, 0, 0, 1, 2])):
                title = rng.choice(SECTION_TITLES)
                blocks = [self.block()]
                subsections.append(
                    {"id": f"section-{number}-{sub + 1}", "title": self.loc(*title), "blocks": blocks}
                )
            if subsections:
                section["subsections"] = subsections
            sections.append(section)
        flags = []
        for _ in range(rng.randint(0, 3)):
            kind = rng.choice(FLAGS)
            flags.append({"kind": kind, "quote": self.excerpt(), "note": self.clause_text(1, 3)})
        if rng.random() < 0.3:
            flags.append({"kind": "omission", "note": self.clause_text(1, 2)})
        brief: dict[str, Any] = {
            "id": bid,
            "version": "1.0",
            "date": dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
            "languages": list(self.langs),
            "author": f"{rng.choice(GIVEN)} {rng.choice(SURNAME)}",
            "organisation": rng.choice(ORGS),
            "classification": "public",
            "audience": self.loc("Direction", "Leadership"),
            "page_budget": 12,
            "sources": self.sources,
            "facts": self.facts,
            "key_facts": key_facts,
            "headline": self.fact_sentence(),
            "summary": self.paragraph(1, 3),
            "sections": sections,
        }
        if flags:
            brief["flags"] = flags
        return brief


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _fill(template: str, refs: list[str]) -> str:
    """`template` with its slots ({org}, {money} …) replaced by `refs`, in order."""
    given = iter(refs)
    return re.sub(r"\{\w+\}", lambda _: next(given), template)


def _png(rng: random.Random) -> bytes:
    """A small PNG of vertical bars, in colours drawn from `rng`."""
    width, height = rng.randint(60, 240), rng.randint(40, 120)
    bars = [(rng.randint(0, height), bytes(rng.randint(0, 200) for _ in range(3))) for _ in range(6)]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            top, colour = bars[x * len(bars) // width]
            row += colour if height - y <= top else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def _svg(rng: random.Random) -> bytes:
    """A small SVG of bars (no text: a figure's words would need its fonts)."""
    width, height = rng.randint(200, 480), rng.randint(80, 260)
    bars = []
    for i in range(count := rng.randint(2, 8)):
        h = rng.randint(5, height)
        colour = f"#{rng.randint(0, 0xFFFFFF):06x}"
        x = i * width // count
        bars.append(
            f'<rect x="{x}" y="{height - h}" width="{width // count - 4}" height="{h}" fill="{colour}"/>'
        )
    head = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    return (head + "".join(bars) + "</svg>\n").encode()


def brief(seed: int, into: Path, languages: tuple[str, ...] = LANGS) -> Path:
    """The brief of `seed` in `into/<its id>/brief.yaml`, beside its sources and figures; its path returned.
    The same seed and languages always give the same files."""
    maker = _Maker(random.Random(seed), languages)
    data = maker.brief(f"varied-{seed:04d}")
    folder = into / data["id"]
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in maker.files.items():
        (folder / name).write_bytes(content)
    path = folder / "brief.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return path


def corpus(seeds: range, into: Path, languages: tuple[str, ...] | None = None) -> list[Path]:
    """One brief per seed in `into`; in `languages`, or (None) each in one language of its own, French for an
    even seed, English for an odd one."""
    return [brief(seed, into, languages or (LANGS[seed % 2],)) for seed in seeds]
