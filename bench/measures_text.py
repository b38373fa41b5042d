"""The reply text that measure labels point into, and the packets labellers read.

The labelling text of a reply is exactly the text the measure extractor reads:
``normalize_text(reply.body)`` (``index.measures.extract_measures`` normalises the body it is
given; for a formal reply the body is already normalised, so this is ``reply.body``). Label
offsets are 0-based ``str`` indices into it, end exclusive. Each sample item records the
text's length and a short sha256, so a change in the readers that moves offsets is caught.

A packet (``data/measures/packets/m001.txt``, gitignored) shows the text a sentence per line,
each line prefixed by the offset of its first character; ``m001.text`` beside it holds the
exact text, and ``locate`` turns a quoted stretch into ``start end``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.normalize import normalize_text
from index.parse import parse_record
from index.read import read_file
from index.reply import RawRecord, Reply

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
PACKET_DIR = REPO / "data" / "measures" / "packets"
# A sample item's ``path`` is relative to the root of its source.
SOURCE_ROOTS = {"tipdm4": SHARED_CORPUS, "seed": SHARED_CORPUS, "corpus": REPO}
LINE_WIDTH = 40
_SENTENCE_END_RE = re.compile(r"(?<=[。！？；!?;])|(?=\n)")


@dataclass(frozen=True)
class SampleItem:
    """One reply chosen for labelling; ``path`` is relative to its source's root."""

    item: str
    source: str
    doc_id: str
    path: str
    kind: str
    split: str
    year: str
    topic: str
    double: bool
    chars: int
    text_sha: str

    @property
    def group(self) -> str:
        """``message`` for a message-board reply, ``formal`` for a proposal/suggestion reply."""
        return "message" if self.kind == "message_reply" else "formal"


def labelling_text(reply: Reply) -> str:
    """The text labels point into: the body as the measure extractor reads it."""
    return normalize_text(reply.body)


def text_sha(text: str) -> str:
    """First 12 hex digits of the text's sha256 (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def read_replies(path: Path, *, root: Path) -> dict[str, Reply]:
    """Every reply in one corpus file, by ``doc_id`` (a table's 留言编号, else the file name)."""
    out: dict[str, Reply] = {}
    for raw in read_file(path, root=root):
        if isinstance(raw, RawRecord):
            reply = parse_record(raw)
            out[reply.doc_id] = reply
        else:
            logger.warning("skipped %s: %s", raw.path, raw.reason)
    return out


def load_item_replies(
    items: Sequence[SampleItem], *, roots: dict[str, Path] | None = None
) -> dict[str, Reply]:
    """The parsed reply of each item, by item id; each file is read once.

    Raises FileNotFoundError when a source file is missing and KeyError when a ``doc_id``
    is no longer in its file.
    """
    roots = roots or SOURCE_ROOTS
    by_file: dict[tuple[str, str], list[SampleItem]] = defaultdict(list)
    for it in items:
        by_file[(it.source, it.path)].append(it)
    out: dict[str, Reply] = {}
    for (source, rel), group in by_file.items():
        root = roots[source]
        path = root / rel
        replies = read_replies(path, root=path.parent)
        for it in group:
            if it.doc_id not in replies:
                raise KeyError(f"{it.item}: doc_id {it.doc_id!r} is not in {path}; resample")
            out[it.item] = replies[it.doc_id]
    return out


def check_text(item: SampleItem, text: str) -> str | None:
    """Why ``text`` is not the text the item was labelled on, or None when it is."""
    if len(text) == item.chars and text_sha(text) == item.text_sha:
        return None
    return (
        f"{item.item}: the reply text changed since sampling ({item.chars} chars, sha "
        f"{item.text_sha} then; {len(text)}, {text_sha(text)} now): the readers or the "
        "normaliser changed, so label offsets may no longer line up. Re-check its labels."
    )


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, cut after 。！？； and at line ends, spaces trimmed."""
    pos = 0
    for piece in _SENTENCE_END_RE.split(text):
        start, end = pos, pos + len(piece)
        pos = end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            yield start, end


def packet_lines(text: str, *, width: int = LINE_WIDTH) -> Iterator[str]:
    """``[0123] sentence`` lines; a long sentence goes on over ``[0163]   …`` lines.

    A blank line marks a line break in the text (a new paragraph).
    """
    digits = max(4, len(str(len(text))))
    prev_end = 0
    for start, end in sentence_spans(text):
        if prev_end and "\n" in text[prev_end:start]:
            yield ""
        for k in range(start, end, width):
            mark = " " if k == start else "   "
            yield f"[{k:0{digits}d}]{mark}{text[k : min(k + width, end)]}"
        prev_end = end


def render_packet(item: SampleItem, reply: Reply, text: str) -> str:
    """The labeller's packet for one item: header, the message as context, the numbered text."""
    head = [
        f"# 先例 measure labelling packet {item.item}",
        f"# source: {item.source}   doc_id: {item.doc_id}   kind: {item.kind}",
        f"# chars: {item.chars}   text_sha: {item.text_sha}",
        "# Offsets: 0-based characters of the reply text (exact copy in "
        f"{item.item}.text); a span is [start, end), end exclusive.",
        "# Each line starts with the offset of its first character; a sentence longer than",
        f"# {LINE_WIDTH} characters goes on in indented lines, each with its own offset.",
        f'# Exact span of a quote: python -m bench.measures_sample locate {item.item} "…"',
        "# Guide: bench/MEASURES_LABELLING.md",
    ]
    context: list[str] = []
    if reply.kind == "message_reply":
        context = ["", "## 留言 / message (context only, not labelled)"]
        context += [f"主题: {reply.title}", f"详情: {reply.question}"]
    body = ["", "## 答复 / reply (label this)", *packet_lines(text)]
    return "\n".join([*head, *context, *body]) + "\n"


def write_packets(
    items: Iterable[SampleItem], replies: dict[str, Reply], out_dir: Path = PACKET_DIR
) -> int:
    """Write ``<item>.txt`` (the packet) and ``<item>.text`` (the exact text) per item."""
    out_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for it in items:
        reply = replies[it.item]
        text = labelling_text(reply)
        (out_dir / f"{it.item}.txt").write_text(render_packet(it, reply, text), encoding="utf-8")
        (out_dir / f"{it.item}.text").write_text(text, encoding="utf-8", newline="")
        n += 1
    return n


def write_index(items: Sequence[SampleItem], out_dir: Path = PACKET_DIR) -> Path:
    """``INDEX.txt``: one line per item (id, kind, split, source, doc_id, double, chars)."""
    header = "item\tkind\tsplit\tsource\tdoc_id\tdouble\tchars\tyear\ttopic"
    rows = [
        f"{it.item}\t{it.kind}\t{it.split}\t{it.source}\t{it.doc_id}\t"
        f"{'yes' if it.double else 'no'}\t{it.chars}\t{it.year}\t{it.topic}"
        for it in items
    ]
    path = out_dir / "INDEX.txt"
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def locate(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``quote`` occurs in ``text``."""
    if not quote:
        raise ValueError("give a non-empty stretch of the reply to locate")
    out, pos = [], text.find(quote)
    while pos >= 0:
        out.append((pos, pos + len(quote)))
        pos = text.find(quote, pos + 1)
    return out
