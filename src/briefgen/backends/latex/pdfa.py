r"""Turn a job's PDF standards and attached files into the files of a LaTeX build: a wrapper that opens with
\DocumentMetadata (PDF/A: XMP, output intent, checks) and inputs main.tex, and the Lua that embeds the files.

TeX Live 2022's pdfmanagement writes PDF/A-2b and PDF/A-3b. Its tagging does not hold for PDF/UA-1 (see
UA_REFUSAL). Every value the wrapper gives TeX is computed here (sizes, checksums, dates, PDF strings as hex),
so the same job gives the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefgen.backends import BACKENDS, Attachment, Job

WRAPPER = "briefgen-pdf.tex"  # typeset with -jobname=main: main.tex keeps its name, its log and its aux
FOLDER = "briefgen-attached"  # the attached files, by number (no name of the brief's clashes with a figure)
EMBED = f"{FOLDER}/embed.lua"
# \DocumentMetadata's name of each standard LaTeX writes.
PDFSTANDARD = {"a-2b": "A-2b", "a-3b": "A-3b"}
UA_REFUSAL = BACKENDS["latex"].refusal("ua-1")  # why LaTeX does not write PDF/UA-1


def needs_wrapper(job: Job) -> bool:
    """Whether the job is typeset through the wrapper: it asks for a standard or carries files."""
    return bool(job.plan.standards or job.attachments)


def write(job: Job, build: Path) -> None:
    """Write the wrapper and the attached files into `build`, as the job's standards plan says."""
    lines = [
        f"% Written by briefgen: {', '.join(job.plan.standards) or 'no PDF standard'}, "
        f"{len(job.attachments)} attached files; typeset as -jobname=main."
    ]
    if job.plan.standards:
        lines += _metadata(job)
    if job.attachments:
        folder = build / FOLDER
        folder.mkdir()
        for number, attachment in enumerate(job.attachments, 1):
            (folder / str(number)).write_bytes(attachment.data)
        (build / EMBED).write_text(_embed_lua(job), encoding="utf-8")
        if job.plan.associated_files:  # each file an associated file of the document, in the catalog's AF
            lines += [
                r"\ExplSyntaxOn",
                r"\cs_new_protected:Npn \BriefgenAssociated #1 { \pdfmanagement_add:nnn {Catalog} {AF} {#1~0~R} }",
                r"\ExplSyntaxOff",
            ]
        lines.append(rf'\directlua{{dofile("{EMBED}")}}')
    lines.append(r"\input{main.tex}")
    (build / WRAPPER).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _pdf_date(job: Job) -> str:
    return f"D:{job.doc.date.strftime('%Y%m%d')}000000Z"


def _uuid(job: Job) -> str:
    """The XMP document and instance id: the PDF file identifier as a UUID (the same inputs, the same id)."""
    name = job.identifier or f"{job.doc.id}.{job.doc.lang}"
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}"


# PDF/A-2 and PDF/A-3 predefine the pdfaid properties part, conformance and amd, and forbid redefining them.
# TeX Live 2022's pdfmanagement also writes pdfaid:year, and declares it in an extension schema of the pdfaid
# namespace, which a validator rejects (a property the predefined schema lacks; a predefined schema redefined).
# \DocumentMetadata has just copied the standard's properties into \g__pdfmeta_standard_prop: the year goes
# from there (an empty value writes no XMP line), and the pdfaid schema from the extension schemas written.
_PDFAID_YEAR = [
    r"\prop_if_exist:NT \g__pdfmeta_standard_prop { \prop_gremove:Nn \g__pdfmeta_standard_prop {year} }",
    r"\seq_if_exist:NT \l__pdfmeta_xmp_schema_seq { \seq_remove_all:Nn \l__pdfmeta_xmp_schema_seq {pdfaid} }",
]


def _metadata(job: Job) -> list[str]:
    r"""\DocumentMetadata and the XMP values TeX Live 2022 would otherwise take from the clock (the dates, the
    instance id); the title, author and subject each one XMP item (pdfmanagement splits them at commas), in the
    x-default language, the one a reader compares with the document information dictionary's."""
    standard = f"pdfstandard={PDFSTANDARD[job.plan.archival]}" if job.plan.archival else ""
    date, uuid = _pdf_date(job), _uuid(job)
    return [
        rf"\DocumentMetadata{{{standard}, lang={job.doc.tag}}}",
        r"\ExplSyntaxOn",
        *_PDFAID_YEAR,
        rf"\AddToDocumentProperties[document]{{pdfcreationdate}}{{{date}}}",
        rf"\AddToDocumentProperties[document]{{pdfmoddate}}{{{date}}}",
        rf"\AddToDocumentProperties[hyperref]{{pdfmetadate}}{{{date}}}",
        rf"\AddToDocumentProperties[hyperref]{{pdfdate}}{{{date}}}",
        rf"\AddToDocumentProperties[hyperref]{{pdfdocumentid}}{{{uuid}}}",
        rf"\AddToDocumentProperties[hyperref]{{pdfinstanceid}}{{{uuid}}}",
        r"\AddToDocumentProperties[hyperref]{pdfmetalang}{x-default}",  # the title's default, as Info's
        r"\hook_gput_code:nnn {begindocument} {briefgen}",
        r"  {",
        r"    \clist_map_inline:nn { pdftitle, pdfauthor, pdfsubject }",
        r"      {",
        r"        \pdfmanagement_get_documentproperties:nNT {hyperref/#1} \l_tmpa_tl",
        r"          { \use:e { \AddToDocumentProperties [hyperref] {#1} { { \exp_not:V \l_tmpa_tl } } } }",
        r"      }",
        r"  }",
        r"\ExplSyntaxOff",
    ]


# -- the attached files ----------------------------------------------------------------------------------


def pdf_text(text: str) -> str:
    """A PDF text string as hex: its bytes when ASCII, else UTF-16BE after a byte order mark."""
    data = text.encode("ascii") if text.isascii() else b"\xfe\xff" + text.encode("utf-16-be")
    return f"<{data.hex().upper()}>"


def pdf_name(name: str) -> str:
    """A PDF name: `/application#2Fyaml`."""
    return "/" + "".join(c if c.isalnum() or c in "-._" else f"#{ord(c):02X}" for c in name)


def lua_string(text: str) -> str:
    """A Lua string literal of `text`'s UTF-8 bytes, every byte but letters, digits and ./-_ as \\ddd."""
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./-_ <>[]"
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03d}" for b in text.encode("utf-8")) + '"'


def _stream_attributes(attachment: Attachment, date: str) -> str:
    checksum = hashlib.md5(attachment.data, usedforsecurity=False).hexdigest().upper()
    return (
        f"/Type /EmbeddedFile /Subtype {pdf_name(attachment.mime)} "
        f"/Params << /Size {len(attachment.data)} /ModDate {pdf_text(date)} /CheckSum <{checksum}> >>"
    )


def _filespec(attachment: Attachment) -> str:
    """The file specification, with %d for the embedded stream's object number (twice)."""
    name = pdf_text(attachment.name)
    return (
        f"<< /Type /Filespec /F {name} /UF {name} /Desc {pdf_text(attachment.description)} "
        f"/AFRelationship {pdf_name(attachment.relationship)} /EF << /F %d 0 R /UF %d 0 R >> >>"
    )


def _embed_lua(job: Job) -> str:
    r"""Lua that embeds each file and names it in the catalog's EmbeddedFiles, a name tree of its own sorted by
    key (pdfmanagement's would write a name that is not ASCII in UTF-8, which PDF 1.7 does not read), and for
    PDF/A-3 lists it in the catalog's AF through pdfmanagement."""
    date = _pdf_date(job)
    rows = []
    for number, attachment in enumerate(job.attachments, 1):
        rows.append(
            "  {"
            f"file = {lua_string(f'{FOLDER}/{number}')}, "
            f"key = {lua_string(pdf_text(attachment.name))}, "
            f"attr = {lua_string(_stream_attributes(attachment, date))}, "
            f"spec = {lua_string(_filespec(attachment))}"
            "},"
        )
    keyed = sorted(
        range(len(job.attachments)),
        key=lambda i: bytes.fromhex(pdf_text(job.attachments[i].name)[1:-1]),
    )
    return "\n".join(
        [
            "-- Written by briefgen: the files attached to the PDF, embedded when the wrapper runs this.",
            "local files = {",
            *rows,
            "}",
            f"local order = {{{', '.join(str(i + 1) for i in keyed)}}}",
            f"local associated = {str(job.plan.associated_files).lower()}",
            "local names = {}",
            "for _, index in ipairs(order) do",
            "  local file = files[index]",
            '  local stream = pdf.immediateobj("streamfile", file.file, file.attr)',
            "  local spec = pdf.immediateobj(string.format(file.spec, stream, stream))",
            '  names[#names + 1] = file.key .. " " .. spec .. " 0 R"',
            "  if associated then",
            r'    tex.sprint("\\BriefgenAssociated{" .. spec .. "}")',
            "  end",
            "end",
            'local tree = pdf.immediateobj("<< /Names [" .. table.concat(names, " ") .. "] >>")',
            r'tex.sprint("\\pdfextension names {/EmbeddedFiles " .. tree .. " 0 R}")',
            "",
        ]
    )


__all__ = ["EMBED", "FOLDER", "UA_REFUSAL", "WRAPPER", "needs_wrapper", "write"]
