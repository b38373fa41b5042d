"""What a measure's title is made from: the clause that states the act (past a run-in
number, a lead-in, a clause that only says who leads), the clauses around it, and the
reply's topic, handed to :func:`index.measure_title.make_title`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index import measure_cues as cue
from index.clauses import Clause
from index.measure_leads import is_lead_in
from index.measure_title import make_title

__all__ = ["measure_title", "opening_topic", "title_clause", "title_lead"]


def measure_title(
    text: str, clauses: Sequence[Clause], span: tuple[int, int], head: int, topic: str
) -> str:
    """The title of the measure ``clauses[span]`` of ``text`` (``head``: its action clause)."""
    first, last = span
    before = [c.text for c in clauses[:first] if c.sentence == clauses[head].sentence]
    titled = clauses[title_clause(clauses, head, last)]
    return make_title(
        text[titled.start + title_lead(titled.text) : clauses[last].end],
        context="，".join(before),
        previous="" if before else "，".join(_sentence_before(clauses, first)),
        following="，".join(
            c.text for c in clauses[last + 1 :] if c.sentence == clauses[last].sentence
        ),
        topic=topic,
    )


def title_clause(clauses: Sequence[Clause], head: int, last: int) -> int:
    """The clause a measure's title is made from: the first from ``head`` on that opens
    with an action verb ("对余下的养殖户，已分批关闭" -> the second), read after a run-in
    number ("2、11月29日上午我中心召开…"), else ``head``. A clause that only says who leads
    ("A7县规建局牵头，组织…排查") gives way to the act after it."""
    for i in range(head, last + 1):
        rest = clauses[i].text[title_lead(clauses[i].text) :]
        if cue.head_verb(rest) is not None and not (i < last and _LEADS_ONLY_RE.match(rest)):
            return i
    for i in range(head, last + 1):  # "早上6:00-8:00，对该处严格管理": not the times
        if cue.ACTION_VERB_RE.search(clauses[i].text) and not is_lead_in(clauses[i].text):
            return i
    return head


# A run-in number or heading the clause splitter left inside a clause: "2、11月29日…",
# "下一步工作安排1、根据…", "问题处理情况（1）针对…", "第二要求门店…".
_TITLE_LEAD_RE = re.compile(
    r"^(?:[^，。：:、]{0,8}?(?:措施|安排|情况|结果|意见))?"
    r"(?:[（(][0-9一二三四五六七八九十]{1,2}[）)]|[0-9]{1,2}[、.．](?!\d)"
    r"|[一二三四五六七八九十]{1,2}(?:、|是)|第[一二三四五六七八九十]{1,2}(?:[，、是]|(?=要求|责令|督促)))"
)
# A clause that only names who leads ("由B9市政协牵头"): its act is in the next clause.
_LEADS_ONLY_RE = re.compile(r"^(?:由)?[^，。]{0,20}?牵头$")


def title_lead(clause: str) -> int:
    """How many characters of ``clause`` are a run-in number or heading (0 when none, and
    when no action verb opens what follows: "问题处理情况（1）针对…" stays whole)."""
    m = _TITLE_LEAD_RE.match(clause)
    if not m or m.end() >= len(clause) or cue.head_verb(clause[m.end() :]) is None:
        return 0
    return m.end()


def opening_topic(clauses: Sequence[Clause]) -> str:
    """The reply's opening 关于/针对…问题 clause, within its first three sentences ("" when
    none): what a message reply without a 留言主题 answers."""
    for c in clauses:
        if c.sentence > 2:
            break
        if re.match(r"(?:关于|针对|对于)[^，。]{2,40}(?:问题|一事|情况|投诉|反映)”?$", c.text):
            return c.text
    return ""


def _sentence_before(clauses: Sequence[Clause], first: int) -> list[str]:
    """The clauses of the sentence before ``clauses[first]``: a measure that opens its
    sentence with a bare verb (正在进行调试) is about what that sentence names."""
    if first == 0:
        return []
    previous = clauses[first - 1].sentence
    return [c.text for c in clauses[:first] if c.sentence == previous and not c.is_heading]
