"""Raw records -> :class:`~index.reply.Reply`: header fields, sections, measures, policies.

A table row (a message-board reply) keeps its cells as they are; a file is a formal reply
whose text is normalised (:func:`normalize_text`), repaired where PDF page breaks split it
(:func:`repair_page_breaks`) and stripped of markdown before its header, numbered sections,
measures and cited policies are read.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from index.measures import extract_policies, is_boilerplate, read_measures, split_sentences
from index.normalize import (
    heading_level,
    is_date_line,
    normalize_text,
    parse_date,
    repair_page_breaks,
    strip_markdown,
)
from index.parse_header import read_header
from index.reply import Measure, RawRecord, Reply, Section, Source

__all__ = [
    "ParseError",
    "formal_body",
    "normalize_text",
    "parse_record",
    "parse_text",
    "repair_page_breaks",
]

logger = logging.getLogger(__name__)

_TAIL_RE = re.compile(r"^(?:联\s*系|抄\s*[送报]|附\s*件\s*[：:]|主\s*题\s*词)")
_HEADING_SPLIT_RE = re.compile(r"[。！？；：]")
_MAX_HEADING = 50


class ParseError(ValueError):
    """A record that cannot become a reply; the message says which record and what to do."""


def parse_record(raw: RawRecord) -> Reply:
    """Parse one raw record: a table row becomes a message reply, a file a formal reply.

    For a row (``raw.fields`` non-empty) the body is kept exactly as given; the date comes
    from the ``date`` cell (``None`` when unparseable) and measures from the body.
    """
    if not raw.fields:
        return parse_text(raw.text, doc_id=raw.source.path, source=raw.source)
    fields = raw.fields
    body = fields.get("body", raw.text)
    doc_id = fields.get("id") or f"{raw.source.path}#{raw.source.row}"
    if not body or not body.strip():
        raise ParseError(
            f"Row {doc_id} has an empty reply body; fill in the reply column or drop the row."
        )
    measures, handling = read_measures(
        body, kind="message_reply", topic=(fields.get("title") or "").strip()
    )
    return Reply(
        doc_id=doc_id,
        kind="message_reply",
        title=(fields.get("title") or "").strip(),
        body=body,
        source=raw.source,
        question=(fields.get("question") or "").strip(),
        issuer=(fields.get("issuer") or "").strip() or None,
        date=parse_date(fields.get("date") or ""),
        measures=measures,
        policies=extract_policies(body),
        handling=handling,
    )


def parse_text(text: str, *, doc_id: str, source: Source) -> Reply:
    """Parse the full text of a formal reply (提案/建议答复, 会办意见) into a :class:`Reply`.

    ``body`` is the normalised, page-break-repaired text without markdown marks; the
    header lines stay in it.
    """
    if not text or not text.strip():
        raise ParseError(
            f"{doc_id} has no text; check that the file is not empty or a scanned image."
        )
    body = formal_body(text)
    lines = body.split("\n")
    head = read_header(lines)
    sections = find_sections(lines, start=head.body_start)
    exclude = (head.proposal_title,) if head.proposal_title else ()
    found, handling = read_measures(body, kind=head.kind)
    measures = _drop_titles(found, exclude)
    logger.debug("%s: %d sections, %d measures", doc_id, len(sections), len(measures))
    title = head.title or _fallback_title(lines, source)
    policies = extract_policies(body, exclude_titles=exclude)
    return Reply(
        doc_id=doc_id,
        title=title,
        body=body,
        source=source,
        sections=sections,
        measures=measures,
        policies=policies,
        handling=handling,
        **head.reply_fields(),
    )


def _drop_titles(measures: tuple[Measure, ...], titles: tuple[str, ...]) -> tuple[Measure, ...]:
    if not titles:
        return measures
    return tuple(
        replace(m, policies=tuple(p for p in m.policies if p.title not in titles)) for m in measures
    )


def formal_body(text: str) -> str:
    """The body of a formal reply as parsed: normalised, page breaks repaired, no markdown."""
    return strip_markdown(repair_page_breaks(normalize_text(text)))


def _fallback_title(lines: list[str], source: Source) -> str:
    """A reply without a recognisable title is named by its first line, else its file."""
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    return first[:60] if first else source.path


def find_sections(lines: list[str], *, start: int = 0) -> tuple[Section, ...]:
    """Each numbered heading from ``lines[start:]`` with the text under it.

    A section's text runs to the next heading of any level, so sections never overlap;
    the last one stops where the tail begins (signing date, 联系人, 抄送, closing thanks).
    A heading written inline ("（一）明确定位。在市委…") is split at its first full stop.
    """
    heads = [(i, lvl) for i in range(start, len(lines)) if (lvl := heading_level(lines[i]))]
    if not heads:
        return ()
    end = _tail_start(lines, heads[-1][0] + 1)
    out: list[Section] = []
    for n, (i, level) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else end
        heading, first = _split_heading(lines[i].strip())
        rest = [ln.strip() for ln in lines[i + 1 : stop] if ln.strip()]
        text = "\n".join(([first] if first else []) + rest)
        out.append(Section(heading=heading, text=text, level=level))
    return tuple(out)


def _split_heading(line: str) -> tuple[str, str]:
    if len(line) <= _MAX_HEADING and not _HEADING_SPLIT_RE.search(line[:-1]):
        return line.rstrip("。；："), ""
    m = _HEADING_SPLIT_RE.search(line)
    if m and m.start() <= _MAX_HEADING:
        return line[: m.start()], line[m.end() :].strip()
    comma = line.find("，")
    cut = comma if 0 < comma <= _MAX_HEADING else 30
    return line[:cut], line[cut:].lstrip("，").strip()


def _tail_start(lines: list[str], after: int) -> int:
    """Index of the first tail line (date, contacts, 抄送, closing thanks) at or after ``after``."""
    for i in range(after, len(lines)):
        line = lines[i].strip()
        if not line:
            continue
        if is_date_line(line) or _TAIL_RE.match(line):
            return i
        sentences = split_sentences(line)
        if sentences and all(is_boilerplate(s) for s in sentences):
            return i
    return len(lines)
