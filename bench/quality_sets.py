"""The query sets of :mod:`bench.quality`: who wrote them, and which were read to choose what.

- **dev** (defaults chosen on it): ``staff_queries.jsonl`` (66 staff queries in three styles)
  and 41 unanswered 附件3 messages pasted whole (seeded; the first 30 are ``bench.judge``'s);
- **held-out**: ``staff_queries_heldout.jsonl`` (57, two later writers) and the next 40
  messages of the same draw; read once to choose one change (pasted query-term frequency);
- **confirm**: ``staff_queries_confirm.jsonl`` (56, two more writers) and the 40 messages
  after those, written before that change was scored on them;
- **rephrased**: ``staff_queries_rephrased.jsonl``, every question and measure question of
  the three staff sets asked twice more by two new writers, who changed only *how* it is asked
  (「帮我找一下…的答复」, 「…的答复口径」, 「…有没有可参考的先例」) and kept the topic. A
  rephrasing is graded as the query it rephrases (same need, same grades), so it measures how
  much the framing of a question, not its topic, moves the ranking. The rephrasings of the dev
  queries (split ``rephrased-dev``) were read to write the framing patterns of
  :mod:`search.intent`; those of the held-out and confirmation queries (``rephrased``) judge them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from pathlib import Path

from bench.devset import DATA_DIR, read_jsonl
from bench.judge import TIPDM3, sample_unanswered

STAFF = DATA_DIR / "staff_queries.jsonl"
STAFF_HELD_OUT = DATA_DIR / "staff_queries_heldout.jsonl"
STAFF_CONFIRM = DATA_DIR / "staff_queries_confirm.jsonl"
STAFF_REPHRASED = DATA_DIR / "staff_queries_rephrased.jsonl"
N_PASTED = 41
N_PASTED_HELD_OUT = 40
N_PASTED_CONFIRM = 40
DEV, HELD_OUT, CONFIRM = "dev", "held-out", "confirm"
REPHRASED_DEV, REPHRASED = "rephrased-dev", "rephrased"


@dataclass(frozen=True)
class Query:
    """One query of a set, with its style (keyword / question / measure / pasted)."""

    qid: str
    style: str
    text: str
    need: str = ""
    split: str = DEV  # which set it belongs to (see the module doc)
    judged_as: str = ""  # a rephrasing is graded as this query ("": as itself)

    @property
    def grades_qid(self) -> str:
        """The qid its grades are stored under."""
        return self.judged_as or self.qid


def staff_queries(path: Path = STAFF, split: str = DEV) -> list[Query]:
    """The hand-written staff queries."""
    return [
        Query(str(r["qid"]), str(r["style"]), str(r["query"]), str(r.get("need", "")), split)
        for r in read_jsonl(path)
    ]


def pasted_queries(n: int = N_PASTED, skip: int = 0, split: str = DEV) -> list[Query]:
    """Unanswered 附件3 messages, whole, as staff would paste them: the seeded draw's
    messages ``skip`` to ``skip + n`` (the draw is prefix-stable, so a longer draw keeps
    the earlier messages and their grades)."""
    drawn = sample_unanswered(TIPDM3, skip + n)[skip:]
    return [Query(m["id"], "pasted", m["message"], split=split) for m in drawn]


def rephrased_queries(originals: list[Query], path: Path = STAFF_REPHRASED) -> list[Query]:
    """The rephrasings of ``originals`` (each line names the qid it rephrases in ``of``);
    a rephrasing of a dev query is in ``rephrased-dev``, of any other in ``rephrased``."""
    by_qid = {q.qid: q for q in originals}
    out = []
    for r in read_jsonl(path):
        of = by_qid.get(str(r["of"]))
        if of is None:
            raise ValueError(f"{path}: {r['qid']} rephrases {r['of']}, which no staff set holds.")
        split = REPHRASED_DEV if of.split == DEV else REPHRASED
        out.append(Query(str(r["qid"]), of.style, str(r["query"]), of.need, split, of.qid))
    return out


def all_queries() -> list[Query]:
    """The dev sets, the held-out and the confirmation sets (附件3 is read once), then the
    rephrased questions."""
    sizes = {DEV: N_PASTED, HELD_OUT: N_PASTED_HELD_OUT, CONFIRM: N_PASTED_CONFIRM}
    drawn = iter(pasted_queries(sum(sizes.values())))
    staff = {DEV: STAFF, HELD_OUT: STAFF_HELD_OUT, CONFIRM: STAFF_CONFIRM}
    out: list[Query] = []
    for split, size in sizes.items():
        out += staff_queries(staff[split], split)
        out += [replace(q, split=split) for q in itertools.islice(drawn, size)]
    return out + rephrased_queries([q for q in out if q.style != "pasted"])


def group(style: str, split: str = DEV) -> str:
    """The table row a query's figures go to: its style, prefixed by its split if not dev."""
    return style if split == DEV else f"{split} {style}"
