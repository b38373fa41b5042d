"""文号 (document numbers) in any bracket style, normalised to one form.

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
        seen.setdefault(f"{m['prefix']}〔{m['year']}〕{int(m['num'])}号", None)
    return list(seen)


def same_doc_number(found: str, wanted: str) -> bool:
    """Whether two normalised 文号 name the same document.

    The prefix pattern may swallow a verb before it (印发焦政〔2018〕7号), so a match on
    the tail is accepted: ``印发焦政〔2018〕7号`` is ``焦政〔2018〕7号``.
    """
    return found.endswith(wanted) or wanted.endswith(found)


def doc_number_spans(text: str, wanted: set[str]) -> list[tuple[int, int]]:
    """Where in ``text`` a 文号 from ``wanted`` appears, whatever its bracket style."""
    spans = []
    for m in DOC_NUMBER_RE.finditer(text):
        found = f"{m['prefix']}〔{m['year']}〕{int(m['num'])}号"
        if any(same_doc_number(found, w) for w in wanted):
            spans.append((m.start(), m.end()))
    return spans
