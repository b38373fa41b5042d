"""Cut a reply into passages that follow its structure, ready to embed.

One passage per section of a formal reply; otherwise (message-board replies, formal replies
without numbered sections) the body is cut at its paragraphs, short paragraphs packed
together. Measures never make passages: they are clauses, not parts that cover the reply.
Text longer than ``max_chars`` is split at sentence ends with the previous piece's last
sentence(s) repeated, so an action that straddles a cut is still whole in one of the
pieces. Greetings, thanks, contact lines and header lines (文号, 签发人, 办理结果) are left
out: they are in every reply and would make every passage alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.docnum import DOC_NUMBER_RE
from index.measures import is_boilerplate
from index.normalize import heading_level
from index.reply import Chunk, Field, Reply

# Where the embedded title prefix is cut: the prefix names the subject; the passage is
# what counts, and the model reads only ~512 tokens.
MAX_LABEL_CHARS = 50
MAX_HEADING_CHARS = 28

# A paragraph ends at a line break or at the full-width indent (\u3000\u3000) or run of
# spaces that message boards use instead of line breaks.
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*|[\u3000\xa0 \t]{2,}")
# A sentence ends at 。！？； (or ASCII !?;), with any closing quote or bracket after it.
_SENTENCE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)]*)?|[。！？；!?;]+")
_CLAUSE_BREAK = re.compile(r"[，、：,:]")
_SPACES = re.compile(r"\s+")
_INTRO_END = re.compile(r"(?<=如下[：:])")
_MARKDOWN = re.compile(r"^(?:#+\s*|-{3,}$|\*{3,}$)")
_HEADER_FIELD = re.compile(r"^(?:签发人|签发|办理结果|类别|密级|缓急|公开属性|公开方式)\s*[：:]")
# Footer lines: who gets a copy, and the issuing office's 印发 date.
_FOOTER = re.compile(r"^(?:抄送|抄报|分送)[：:]|^.{0,40}印发[。.]?$")
_LONE_GRADE = re.compile(r"^[ABC]\s*类?$")
_DATE_ONLY = re.compile(
    r"^[\d〇零○O一二三四五六七八九十]{4}\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d一二三四五六七八九十]{1,3}\s*日(?:印发)?[。.]?$"
)
_LETTERHEAD = re.compile(r"^[\u4e00-\u9fff]{2,24}文件$")
_SENTENCE_END = re.compile(r"[。！？；!?;]")

# The addressee and greeting at the start of a paragraph, which may go on to say something:
# 李秀萍委员： / 网友“UU008846”： / “邹建礼”网友： / UU0081854网友： / “UU008913”： / 你好。
_NET_USER = r"网[友名民](?:朋友)?"
_QUOTED = r"[“\"][^”\"]{0,20}[”\"]"
_USER_ID = r"[A-Za-z]{1,4}\d{2,}"
_ADDRESSEE = re.compile(
    rf"^(?:尊敬的)?\s*(?:{_NET_USER}\s*(?:{_QUOTED}\s*[：:，,]?|[：:，,])"
    rf"|(?:{_QUOTED}|{_USER_ID})\s*{_NET_USER}\s*[：:，,]?"
    rf"|[“\"]?{_USER_ID}[”\"]?\s*[：:，,]?|[\u4e00-\u9fff]{{1,12}}(?:委员|代表|同志)[：:])\s*"
)
_GREETING = re.compile(r"^[^。！？；]{0,24}?[您你]好[！!，,。.：:]\s*")


def chunk_reply(reply: Reply, *, max_chars: int = 400, overlap: int = 40) -> tuple[Chunk, ...]:
    """Passages of ``reply`` in reading order, each at most ``max_chars`` characters.

    ``overlap`` is how many characters of the previous piece (whole sentences where they
    fit) start the next one when a long text is split. The reply's passages come first,
    then those of the question it answers (``field="question"``). A reply that holds nothing
    but boilerplate and no question yields no chunks.
    """
    if not isinstance(reply, Reply):
        raise TypeError(f"chunk_reply expects a Reply, got {type(reply).__name__}.")
    if max_chars < 20:
        raise ValueError(f"max_chars={max_chars} is too small for a passage: use 20 or more.")
    if not 0 <= overlap < max_chars // 2:
        raise ValueError(
            f"overlap={overlap} must be >= 0 and under half of max_chars "
            f"({max_chars}): use e.g. overlap={max_chars // 10}."
        )
    # Sections first, then the body: the first that leaves any passage once boilerplate is
    # gone (a section may be a bare heading whose text the body still holds).
    answer: tuple[Chunk, ...] = ()
    for units in _units(reply):
        answer = _chunks(reply, units, max_chars, overlap)
        if answer:
            break
    # What was asked (a citizen's message, a proposal's text) describes the case in the
    # words people search with: it is indexed too, as passages of its own field.
    asked = [("", reply.question)] if reply.question.strip() else []
    return answer + _chunks(reply, asked, max_chars, overlap, field="question", start=len(answer))


def _chunks(
    reply: Reply,
    units: list[tuple[str, str]],
    max_chars: int,
    overlap: int,
    *,
    field: Field = "reply",
    start: int = 0,
) -> tuple[Chunk, ...]:
    label = _label(reply)
    chunks: list[Chunk] = []
    for heading, text in units:
        heading = _MARKDOWN.sub("", heading.strip())
        prefix = "｜".join(p for p in (label, _shorten(heading, MAX_HEADING_CHARS)) if p)
        for passage in _pieces(text, reply, max_chars, overlap):
            ordinal = start + len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=f"{reply.doc_id}::{ordinal}",
                    doc_id=reply.doc_id,
                    ordinal=ordinal,
                    heading=heading,
                    passage=passage,
                    text=f"{prefix}\n{passage}" if prefix else passage,
                    field=field,
                )
            )
    return tuple(chunks)


def _units(reply: Reply) -> Iterator[list[tuple[str, str]]]:
    """(heading, text) for each part of the reply: by sections, else as the body.

    Measures are clauses picked out of the text, not parts that cover the reply: cutting
    by them would leave the rest of the answer unindexed, so they never make passages.
    """
    if reply.sections:
        yield [(s.heading, s.text) for s in reply.sections]
    yield [("", reply.body)]


def _label(reply: Reply) -> str:
    # A formal reply's title is generic (对市政协…第120号提案的答复); the proposal's own
    # title says what it is about, so it names the passage when the parser found one.
    label = (reply.proposal_title or "").strip("《》 ") or reply.title.strip()
    return _shorten(_SPACES.sub(" ", label), MAX_LABEL_CHARS)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pieces(text: str, reply: Reply, max_chars: int, overlap: int) -> list[str]:
    """Paragraphs packed greedily up to ``max_chars``; a long one split at sentence ends.

    A heading line (一、… / （一）… / ### …) always starts a new piece, so in a reply the
    parser left unstructured the passages still begin where its parts begin.
    """
    pieces: list[str] = []
    current, lead = "", False  # lead: ``current`` holds only heading lines so far
    for sentences, is_heading in _paragraphs(text, reply):
        paragraph = "".join(sentences)
        fits = bool(current) and len(current) + 1 + len(paragraph) <= max_chars
        if fits and (lead or not is_heading):
            current, lead = f"{current}\n{paragraph}", lead and is_heading
            continue
        if current and lead and not is_heading:
            sentences = [f"{current}\n", *sentences]  # a heading stays with its text
        elif current:
            pieces.append(current)
        split = _split_sentences(sentences, max_chars, overlap)
        pieces += split[:-1]
        current, lead = split[-1], is_heading
    # A heading left at the end has no text of its own, unless it is all the unit holds
    # (an action written as one numbered line).
    if current and (not lead or not pieces):
        pieces.append(current)
    return pieces


def _paragraphs(text: str, reply: Reply) -> list[tuple[list[str], bool]]:
    """Each paragraph's sentences, without boilerplate and header lines, and whether it is
    a heading; empty paragraphs dropped."""
    paragraphs = []
    for raw in _PARAGRAPH_BREAK.split(text):
        line = _MARKDOWN.sub("", _SPACES.sub(" ", raw).strip())
        if not line or _is_header(line, reply):
            continue
        kept = [s for s in _sentences(_strip_salutation(line)) if not _is_noise(s, reply)]
        if kept:
            paragraphs.append((kept, _is_heading(raw.strip(), line)))
    return paragraphs


def _is_heading(raw: str, line: str) -> bool:
    if raw.startswith("#"):
        return True
    level = heading_level(line)
    return level is not None and level <= 2 and len(line) <= 40 and not _SENTENCE_END.search(line)


def _strip_salutation(line: str) -> str:
    line = _ADDRESSEE.sub("", line, count=1)
    return _GREETING.sub("", line, count=1)


def _sentences(line: str) -> list[str]:
    # "现将有关情况回复如下：" ends a sentence too, so the answer after it is judged alone.
    parts = _INTRO_END.split(line)
    return [s for p in parts for s in (m.group().strip() for m in _SENTENCE.finditer(p)) if s]


def _is_noise(sentence: str, reply: Reply) -> bool:
    if not any(ch.isalnum() for ch in sentence):
        return True
    return _is_header(sentence, reply) or is_boilerplate(sentence)


def _is_header(line: str, reply: Reply) -> bool:
    """Letterhead, 文号, 签发人/办理结果, title, date, signature, 抄送 and 印发 lines."""
    compact = _SPACES.sub("", line)
    if (
        DOC_NUMBER_RE.fullmatch(compact)
        or _HEADER_FIELD.match(compact)
        or _LONE_GRADE.match(compact)
        or _DATE_ONLY.match(compact)
        or _LETTERHEAD.match(compact)
        or _FOOTER.search(compact)
    ):
        return True
    # The title line, perhaps after the issuer's name; never a sentence with an end mark.
    title = _SPACES.sub("", reply.title)
    if compact == title or (
        len(title) >= 10
        and compact.endswith(title)
        and len(compact) <= len(title) + 30
        and not _SENTENCE_END.search(compact)
    ):
        return True
    units = {_SPACES.sub("", u) for u in (reply.issuer, reply.contact_unit) if u}
    return compact in units or compact.removesuffix("办公室") in units


def _split_sentences(sentences: list[str], max_chars: int, overlap: int) -> list[str]:
    """Pack sentences into pieces of at most ``max_chars``, each but the first starting
    with the tail of the previous one; a sentence longer than ``max_chars`` is hard-split."""
    pieces: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        size = sum(map(len, current))
        if size + len(sentence) <= max_chars:
            current.append(sentence)
            continue
        if current:
            pieces.append("".join(current))
            tail = _tail(current, overlap)
            current = [tail] if tail and len(tail) + len(sentence) <= max_chars else []
        if len(sentence) <= max_chars:
            current.append(sentence)
            continue
        windows = _windows(sentence, max_chars, overlap)
        pieces += windows[:-1]
        current = [windows[-1]]
    if current:
        pieces.append("".join(current))
    return pieces


def _tail(sentences: list[str], overlap: int) -> str:
    """The last sentences that fit in ``overlap`` chars; else the last clause; else raw chars."""
    tail = ""
    for sentence in reversed(sentences):
        if len(tail) + len(sentence) > overlap:
            break
        tail = sentence + tail
    if tail or overlap == 0:
        return tail
    last = sentences[-1][-overlap:]
    clause = _CLAUSE_BREAK.search(last)
    return last[clause.end() :] if clause and clause.end() < len(last) else last


def _windows(sentence: str, max_chars: int, overlap: int) -> list[str]:
    step = max_chars - overlap
    starts = range(0, max(len(sentence) - overlap, 1), step)
    return [sentence[i : i + max_chars] for i in starts]
