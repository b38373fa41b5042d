"""Training pairs mined from the corpus itself, for tuning the embedder (``index/tune.py``).

Every record teaches the model what its own answer looks like: what was asked (a message's
title and text, a proposal's title, a section heading) is the query, the record's reply
passages are the positives. A hard negative per pair is the best BM25 passage of another
record that is not a near-copy of the positive. Records, never pairs, are split into
training and held-out sets, so no held-out answer is ever seen in training.

Passages are the chunker's ``passage`` (the record's own words), not its ``text``: the
embedded text starts with the record's title, which would hand a title query its answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from index.chunk import chunk_reply
from index.keyword import Bm25Keyword
from index.normalize import NUMBER_PREFIX_RE
from index.reply import Reply
from index.segment import Segmenter

logger = logging.getLogger(__name__)

PairKind = Literal["title", "message", "heading"]
QUERY_KINDS: tuple[PairKind, ...] = ("title", "message")  # what held-out evaluation asks
MIN_POSITIVE_CHARS = 20  # shorter reply passages are boilerplate left over, not answers
MIN_HEADING_CHARS = 4
NEAR_DUPLICATE = 0.8  # share of character bigrams above which two passages are one text
NEGATIVE_CANDIDATES = 30  # BM25 hits looked at for a hard negative
# A formal reply's own title (对市政协…第120号提案的答复) names a document, not a subject.
_GENERIC_TITLE = re.compile(r"第\s*\d+\s*号(?:提案|建议|议案)?的?(?:答复|回复|会办意见|办理)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Pair:
    """One training example: a query, its record's passage, and a passage of another record."""

    doc_id: str
    kind: PairKind
    anchor: str
    positive: str
    negative: str = ""


@dataclass(frozen=True)
class Passage:
    """A reply passage of one record, as the model sees it in training and evaluation."""

    doc_id: str
    text: str


@dataclass(frozen=True)
class PairPool:
    """Every candidate pair (no negatives yet) and every reply passage of a corpus."""

    pairs: tuple[Pair, ...]
    passages: tuple[Passage, ...]
    reply_keys: dict[str, str]  # doc_id → hash of its reply text: equal keys, equal replies

    def doc_ids(self) -> list[str]:
        """Ids of the records that have reply passages, in corpus order."""
        return list(dict.fromkeys(p.doc_id for p in self.passages))


@dataclass(frozen=True)
class Split:
    """Records used for training and records held out for evaluation."""

    train: frozenset[str]
    heldout: frozenset[str]


def mine_pool(replies: Sequence[Reply], *, max_chars: int = 400, overlap: int = 40) -> PairPool:
    """Candidate pairs and reply passages of ``replies``, chunked as the index chunks them."""
    headings = _shared_headings(replies)
    pairs: list[Pair] = []
    passages: list[Passage] = []
    keys: dict[str, str] = {}
    for reply in replies:
        chunks = chunk_reply(reply, max_chars=max_chars, overlap=overlap)
        answers = [
            c for c in chunks if c.field == "reply" and len(c.passage.strip()) >= MIN_POSITIVE_CHARS
        ]
        if not answers:
            continue
        passages += [Passage(reply.doc_id, c.passage) for c in answers]
        keys[reply.doc_id] = _text_hash(_SPACES.sub("", reply.body))
        asked = [c.passage for c in chunks if c.field == "question"]
        for kind, anchor in _anchors(reply, asked):
            pairs += [Pair(reply.doc_id, kind, anchor, c.passage) for c in answers]
        for c in answers:
            heading = _bare_heading(c.heading)
            if len(heading) >= MIN_HEADING_CHARS and heading not in headings:
                pairs.append(Pair(reply.doc_id, "heading", heading, c.passage))
    return PairPool(tuple(pairs), tuple(passages), keys)


def split_records(doc_ids: Sequence[str], *, fraction: float, seed: int) -> Split:
    """Hold out ``fraction`` of the records, chosen by ``seed`` (at least one of each side)."""
    if not 0 < fraction < 1:
        raise ValueError(f"the held-out fraction must be between 0 and 1; got {fraction}")
    ids = sorted(set(doc_ids))
    if len(ids) < 2:
        raise ValueError("a held-out split needs at least two records with replies")
    count = min(max(1, round(len(ids) * fraction)), len(ids) - 1)
    heldout = frozenset(random.Random(seed).sample(ids, count))
    return Split(frozenset(ids) - heldout, heldout)


def split_by_ids(doc_ids: Sequence[str], heldout_ids: Iterable[str]) -> Split:
    """Hold out the records named in ``heldout_ids``; ids not in the corpus are reported."""
    ids = set(doc_ids)
    wanted = set(heldout_ids)
    missing = sorted(wanted - ids)
    if missing:
        logger.warning(
            "%d held-out ids name no record with reply passages, e.g. %s", len(missing), missing[0]
        )
    heldout = frozenset(wanted & ids)
    if not heldout or heldout == ids:
        raise ValueError(
            f"the held-out ids name {len(heldout)} of the {len(ids)} records with replies: "
            "name at least one, and leave some to train on (one doc id per line)."
        )
    return Split(frozenset(ids - heldout), heldout)


def read_holdout_ids(path: Path) -> list[str]:
    """Doc ids, one per line; blank lines and ``#`` comments are ignored."""
    if not path.is_file():
        raise FileNotFoundError(f"held-out id file {path} does not exist: one doc id per line.")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


def select_pairs(pairs: Sequence[Pair], limit: int, *, seed: int) -> list[Pair]:
    """At most ``limit`` pairs, spread over records: one pair of every record in turn.

    A record's pairs share their positives, so taking them round by round keeps
    one record from filling a batch with its own passages (false in-batch negatives).
    """
    if limit < 1:
        raise ValueError(f"the number of pairs must be at least 1; got {limit}")
    rng = random.Random(seed)
    by_record: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_record[pair.doc_id].append(pair)
    queues = [by_record[d] for d in sorted(by_record)]
    rng.shuffle(queues)
    for queue in queues:
        rng.shuffle(queue)
    chosen: list[Pair] = []
    for turn in range(max((len(q) for q in queues), default=0)):
        chosen += [q[turn] for q in queues if turn < len(q)]
        if len(chosen) >= limit:
            break
    return chosen[:limit]


def add_hard_negatives(
    pairs: Sequence[Pair], pool: PairPool, segmenter: Segmenter, *, allowed: frozenset[str]
) -> list[Pair]:
    """Each pair with its hard negative: the top BM25 passage of another record in ``allowed``.

    Candidates from the pair's own record, from a record with the same reply text, or
    sharing more than :data:`NEAR_DUPLICATE` of their character bigrams with the positive
    are passed over; a pair with no candidate left is dropped.
    """
    candidates = [p for p in pool.passages if p.doc_id in allowed]
    keyword = Bm25Keyword.build([segmenter.tokenize(p.text) for p in candidates])
    kept: list[Pair] = []
    for pair in pairs:
        _, ids = keyword.search(segmenter.tokenize(pair.anchor), NEGATIVE_CANDIDATES)
        negative = next(
            (
                candidates[i].text
                for i in ids
                if _is_fair_negative(pair, candidates[int(i)], pool.reply_keys)
            ),
            None,
        )
        if negative is not None:
            kept.append(Pair(pair.doc_id, pair.kind, pair.anchor, pair.positive, negative))
    if len(kept) < len(pairs):
        logger.info("%d of %d pairs had no fair hard negative", len(pairs) - len(kept), len(pairs))
    return kept


def pairs_sha256(pairs: Iterable[Pair]) -> str:
    """sha256 over the pairs as JSON lines: two runs trained on the same data agree."""
    digest = hashlib.sha256()
    for pair in pairs:
        digest.update(json.dumps(asdict(pair), ensure_ascii=False, sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def bigram_overlap(a: str, b: str) -> float:
    """Share of the smaller text's character bigrams (whitespace ignored) found in the other."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def _is_fair_negative(pair: Pair, candidate: Passage, reply_keys: dict[str, str]) -> bool:
    if candidate.doc_id == pair.doc_id:
        return False
    if reply_keys.get(candidate.doc_id) == reply_keys.get(pair.doc_id):
        return False
    return bigram_overlap(candidate.text, pair.positive) <= NEAR_DUPLICATE


def _anchors(reply: Reply, asked: list[str]) -> list[tuple[PairKind, str]]:
    """The record's own queries: its subject line, then the passages of what was asked."""
    found: list[tuple[PairKind, str]] = []
    title = _SPACES.sub(" ", (reply.proposal_title or "").strip("《》 "))
    if not title and not _GENERIC_TITLE.search(reply.title):
        title = _SPACES.sub(" ", reply.title.strip())
    if title:
        found.append(("title", title))
    found += [("message", a) for a in asked if len(a.strip()) >= MIN_POSITIVE_CHARS]
    return found


def _bare_heading(heading: str) -> str:
    """A section heading without markdown marks, outline numbering and end punctuation."""
    bare = NUMBER_PREFIX_RE.sub("", heading.strip().lstrip("#* ").strip())
    return bare.rstrip("。：:；; ").strip()


def _shared_headings(replies: Sequence[Reply]) -> set[str]:
    """Headings found in two or more records (工作基本情况, 下步工作计划): they name no subject."""
    seen: dict[str, set[str]] = defaultdict(set)
    for reply in replies:
        for heading in [s.heading for s in reply.sections] + [m.title for m in reply.measures]:
            seen[_bare_heading(heading)].add(reply.doc_id)
    return {h for h, docs in seen.items() if len(docs) > 1}


def _bigrams(text: str) -> set[str]:
    compact = _SPACES.sub("", text)
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def _text_hash(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()
