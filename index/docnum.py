"""文号 (document numbers) in any bracket style, normalised to one form, and 《titles》.

Bureaus write the year bracket as 〔〕, [], （）, () or 【】; staff search with whichever
they type. Everything stored and indexed uses 〔〕, the form prescribed by GB/T 9704.
"""

from __future__ import annotations

import re

_OPEN = "〔[［（(【"
_CLOSE = "〕]］）)】"

# An issuing-agency abbreviation (1–6 CJK chars), a bracketed year, a number and 号.
DOC_NUMBER_RE = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fff]{{1,6}})\s*[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d{{2}})\s*"
    rf"[{re.escape(_CLOSE)}]\s*(?P<num>\d{{1,5}})\s*号"
)

# A cited title: 《关于…的意见》. One pattern for the parser, the measures, the segmenter
# and the query, so all four agree on what a title is.
BOOK_TITLE_RE = re.compile(r"《(?P<title>[^《》\n]{2,120})》")

# The prefix pattern also takes words before the abbreviation ("印发焦政〔2018〕7号"); the
# abbreviation starts after the last of these verbs and particles, which none contains.
_LEAD = re.compile(
    r"根据|按照|依据|依照|参照|对照|印发|出台|下发|转发|制定|发布|执行|落实|贯彻|"
    r"[了的和与及或即见是在按依据]"
)


def split_lead(prefix: str) -> tuple[str, str]:
    """(words before the issuer's abbreviation, the abbreviation) of a matched prefix.

    >>> split_lead("印发焦政")
    ('印发', '焦政')
    """
    cuts = [m.end() for m in _LEAD.finditer(prefix) if len(prefix) - m.end() >= 2]
    cut = max(cuts, default=0)
    return prefix[:cut], prefix[cut:]


def canonical(match: re.Match[str]) -> str:
    """The normalised 文号 of a :data:`DOC_NUMBER_RE` match, without any leading words."""
    return f"{split_lead(match['prefix'])[1]}〔{match['year']}〕{int(match['num'])}号"


def normalize_doc_number(text: str) -> str:
    """Return ``text`` with every 文号 in it rewritten as ``前缀〔年〕N号``.

    >>> normalize_doc_number("焦政[2018]7号")
    '焦政〔2018〕7号'
    """
    return DOC_NUMBER_RE.sub(lambda m: f"{m['prefix']}〔{m['year']}〕{int(m['num'])}号", text)


def find_doc_numbers(text: str) -> list[str]:
    """All 文号 in ``text``, normalised, in order of appearance, without repeats."""
    seen: dict[str, None] = {}
    for m in DOC_NUMBER_RE.finditer(text):
        seen.setdefault(canonical(m), None)
    return list(seen)


def same_doc_number(found: str, wanted: str) -> bool:
    """Whether two normalised 文号 name the same document.

    A match on the tail is accepted, for leading words :func:`split_lead` does not know.
    """
    return found.endswith(wanted) or wanted.endswith(found)


def doc_number_spans(text: str, wanted: set[str]) -> list[tuple[int, int]]:
    """Where in ``text`` a 文号 from ``wanted`` appears, whatever its bracket style."""
    spans = []
    for m in DOC_NUMBER_RE.finditer(text):
        if any(same_doc_number(canonical(m), w) for w in wanted):
            spans.append((m.start() + len(split_lead(m["prefix"])[0]), m.end()))
    return spans
