"""A reply cut into clauses: the units the measure extractor classifies.

Labellers mark one measure per action, and an action is usually one clause (a stretch
between ，。；：！？ or a line end), so the extractor reads clauses, not sentences or sections.
Each :class:`Clause` keeps its offsets into the text it was cut from, the sentence it
belongs to, the punctuation around it, its outline marker (一、 （一） 1. 一是 …) and the
headings above it, which is all the context the classifier and the stage rules need.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.normalize import heading_level

_CN = "一二三四五六七八九十"
# Punctuation that ends a clause; a colon between two digits (6:00) does not.
_CLAUSE_END = set("，,。；;！!？?\n：:")
_SENTENCE_END = set("。；;！!？?\n：: ")
_OPEN = "（(【[《“‘"
_CLOSE = "）)】]》”’"
_MARKER_RE = re.compile(
    rf"^(?:(?P<cnum>[{_CN}]{{1,3}}\s*[、.．])|(?P<paren>[（(]\s*[{_CN}\d]{{1,3}}\s*[）)])"
    rf"|(?P<num>\d{{1,2}}\s*[.．、](?!\d))|(?P<shi>[{_CN}]是|[一两另]方面)"
    rf"|(?P<ordinal>第[{_CN}][，、,])|(?P<circle>[①-⑳]))\s*"
)
_MAX_BRACKETED = 120
_LINE_HEAD = 6


@dataclass(frozen=True)
class Clause:
    """One clause of a reply text: ``text == source[start:end]``, marker and spaces excluded.

    ``sentence`` numbers the sentence (cut at 。；！？： and line ends) the clause is in and
    ``position`` is its place in that sentence (0 = first). ``before``/``after`` are the
    punctuation that precede and follow it ("" at the start or end of the text). ``marker``
    names its outline marker kind (cnum 一、, paren （一）, num 1., shi 一是, ordinal 第一，,
    circle ①) or is "". ``headings`` are the outline headings above it, outermost first;
    ``is_heading`` is true for a clause that is itself such a heading; ``line`` holds the
    first characters of its line (联系电话… / 抄送… tell a tail line apart) and ``paragraph``
    numbers the line.
    """

    start: int
    end: int
    text: str
    sentence: int
    position: int
    before: str = ""
    after: str = ""
    marker: str = ""
    headings: tuple[str, ...] = ()
    is_heading: bool = False
    line: str = ""
    paragraph: int = 0


def split_clauses(text: str) -> tuple[Clause, ...]:
    """Every clause of ``text`` in reading order (empty stretches dropped).

    Punctuation inside brackets and quotes (（…）《…》“…”) does not cut a clause, so a
    parenthesised note or a quoted slogan stays with the clause around it.
    """
    out: list[Clause] = []
    headings = _HeadingTracker()
    sentence, position, before, paragraph = 0, 0, "", 0
    for start, end, after in _raw_clauses(text):
        line_start = text.rfind("\n", 0, start) + 1
        heads = headings.at(text, line_start)
        s, marker = _strip_marker(text, start, end)
        if s < end:
            where = (sentence, position, paragraph, text[line_start : line_start + _LINE_HEAD])
            heading = headings.is_heading_clause(line_start, start, after)
            out.append(_clause(text, s, end, where, (before, after, marker), heads, heading))
            position += 1
        if after and after[0] in _SENTENCE_END:
            sentence, position = sentence + 1, 0
        paragraph += after == "\n"
        before = after
    return tuple(out)


def _clause(
    text: str,
    start: int,
    end: int,
    where: tuple[int, int, int, str],
    marks: tuple[str, str, str],
    headings: tuple[str, ...],
    is_heading: bool,
) -> Clause:
    sentence, position, paragraph, line = where
    before, after, marker = marks
    return Clause(
        start=start,
        end=end,
        text=text[start:end],
        sentence=sentence,
        position=position,
        before=before,
        after=after,
        marker=marker,
        headings=headings,
        is_heading=is_heading,
        line=line.strip(),
        paragraph=paragraph,
    )


def _raw_clauses(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, punctuation after) of each stretch between clause-ending marks."""
    depth, opened, start, i, n = 0, 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _OPEN:
            depth, opened = depth + 1, i
        elif ch in _CLOSE and depth:
            depth -= 1
        elif depth and i - opened > _MAX_BRACKETED:
            depth = 0  # an unclosed bracket: stop waiting for it
        if _ends_clause(text, i, depth) or _paragraph_space(text, i):
            j = i
            while j < n and (_ends_clause(text, j, 0) or text[j] == " "):
                j += 1
            gap = text[i:j]
            yield from _trimmed(text, start, i, "\n" if "\n" in gap else gap.strip() or " ")
            start, i, depth = j, j, 0 if text[i] == "\n" else depth
            continue
        i += 1
    yield from _trimmed(text, start, n, "")


def _ends_clause(text: str, i: int, depth: int) -> bool:
    ch = text[i]
    if ch == "\n":
        return True
    if ch not in _CLAUSE_END or depth:
        return False
    # 6:00 and 1,000 are numbers, not clause ends.
    return not (ch in ":：,，" and 0 < i < len(text) - 1 and text[i - 1].isdigit()
                and text[i + 1].isdigit())  # fmt: skip


def _paragraph_space(text: str, i: int) -> bool:
    # A converter's space between two Chinese paragraphs ("…回复如下： 一、…").
    return (
        text[i] == " " and 0 < i < len(text) - 1 and not text[i - 1].isascii()
        and not text[i + 1].isascii()
    )  # fmt: skip


def _trimmed(text: str, start: int, end: int, after: str) -> Iterator[tuple[int, int, str]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end, after


def _strip_marker(text: str, start: int, end: int) -> tuple[int, str]:
    m = _MARKER_RE.match(text[start:end])
    if not m:
        return start, ""
    return start + m.end(), next(k for k, v in m.groupdict().items() if v)


class _HeadingTracker:
    """The outline headings in force at each line, found as lines are reached in order."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []
        self._line = -1
        self._heading_line = False

    def at(self, text: str, line_start: int) -> tuple[str, ...]:
        if line_start != self._line:
            self._line = line_start
            line_end = text.find("\n", line_start)
            line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
            level = heading_level(line)
            self._heading_line = bool(level)
            if level:
                while self._stack and self._stack[-1][0] >= level:
                    self._stack.pop()
                self._stack.append((level, re.split(r"[。；：:]", line, maxsplit=1)[0]))
        return tuple(h for _, h in self._stack)

    def is_heading_clause(self, line_start: int, start: int, after: str) -> bool:
        """The first clause of a heading line, when it ends at 。 or the line's end."""
        if not self._heading_line or start - line_start > 8:
            return False
        return after in ("", "。", "：", ":", "\n", " ") or after[0] in "。：:\n"
