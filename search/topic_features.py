"""What topics are built from, per record and once per loaded index: vectors and terms.

Both come from what describes the problem — the question-side passages (title + message),
not the reply, whose boilerplate ("经调查核实…") makes every record look alike. A record
without question passages falls back to all of its passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from index.store import LoadedIndex

# Masked place names (A市, A2区), numbers and Latin fragments name no problem.
_NOT_A_TERM = re.compile(r"^[\dA-Za-z.%\-]+[市区县镇乡村街]?$|^.$|^[一二三四五六七八九十]+[组队]$")
# What follows a place or estate name in a title (K7县五一桥, 佳园星城小区, 花卉路): a term
# that mostly stands right before one of these is part of a name (爱琴, 乐坊), not a problem.
_PLACE_SUFFIX = re.compile(r"(?=(小区|花园|广场|社区|[县镇乡村组苑]))")
PLACE_SHARE = 0.5  # of a term's title occurrences before a place suffix: a name fragment
# A term in more than this share of all records says nothing about one problem (政策, 建设,
# 小区, 公司, 村民…): 5% of 附件4 is ~140 records.
MAX_TERM_SHARE = 0.05
# ... and in more than this many records: on a small index 5% is one record, no evidence.
MIN_GENERIC_RECORDS = 20
# Words that slip under the share cap yet name no problem: who writes or answers, and
# connectives people use in complaints.
STOP_TERMS = frozenset(
    "政府 部门 工作 投诉 反映 问题 要求 咨询 请求 相关 希望 情况 处理 管理 调查 西地 西地省 "
    "有关 单位 办理 进行 领导 群众 市民 网友 你好 您好 电话 联系 回复 答复 留言 感谢 感谢您 "
    "支持 我局 先例 既然 差不多 不多 形式 不仅 综上所述 综上 用来 该项 名义 嘴上 为何 "
    "是否 怎么 为什么 一直 已经 目前 现在 至今 迟迟 多次 多年 严重 请问 恳请 谢谢 麻烦 "
    "近期 刚刚 很快 以来 竟然 难以 不敢 极大 种种 之中 百忙之中 每个 每次 上下 位于 此处 "
    "告诉 采取 适用 核实 解决问题 求解 我于 第三 一个月 半年 三年 县市 国际 深圳".split()
)


@dataclass(frozen=True)
class TopicFeatures:
    """Per record: a centred unit vector (rows) and question-side term presence (0/1)."""

    vectors: np.ndarray  # records × dim, float32, unit rows (zeros for a record without text)
    terms: sparse.csr_matrix  # records × vocabulary, 1 where the record's question has it
    vocab: list[str]
    share: np.ndarray  # per term: share of all records whose question has it
    posts: np.ndarray  # per record: one id per post (reposts and same titles share it)


def topic_features(index: LoadedIndex) -> TopicFeatures:
    """Vectors and terms of every record of ``index`` (see the module docstring)."""
    n = len(index.replies)
    position = {r.doc_id: i for i, r in enumerate(index.replies)}
    rows = np.array([position[c.doc_id] for c in index.chunks], dtype=np.int64)
    asked = np.array([c.field == "question" for c in index.chunks], dtype=bool)
    has_question = np.zeros(n, dtype=bool)
    has_question[rows[asked]] = True
    describing = asked | ~has_question[rows]
    vectors = _centred_means(index.vectors, rows, describing, n)
    terms, vocab = _question_terms(index, rows, describing, n)
    share = np.asarray(terms.sum(axis=0)).ravel() / max(n, 1)
    counts = share * n
    generic = (share > MAX_TERM_SHARE) & (counts > MIN_GENERIC_RECORDS)
    places = place_fragments([r.title for r in index.replies], set(vocab))
    keep = np.array([_is_term(t) and t not in places for t in vocab], dtype=bool) & ~generic
    terms = (terms @ sparse.diags(keep.astype(np.float32))).tocsr()
    terms.eliminate_zeros()
    return TopicFeatures(vectors, terms, vocab, share, post_ids(index))


def post_ids(index: LoadedIndex) -> np.ndarray:
    """One id per post: records in a near-duplicate group of the index, or with the same
    title (punctuation and spaces aside), share it — a complaint posted five times is one
    piece of evidence for a topic, not five."""
    position = {r.doc_id: i for i, r in enumerate(index.replies)}
    ids = np.arange(len(index.replies), dtype=np.int64)
    first: dict[str, int] = {}
    for i, reply in enumerate(index.replies):
        key = re.sub(r"\W", "", reply.title)
        ids[i] = first.setdefault(key, i) if key else i
    for group in index.duplicates:
        rows = [position[d] for d in group if d in position]
        if rows:
            ids[np.isin(ids, ids[rows])] = ids[rows].min()
    return ids


def place_fragments(titles: list[str], vocab: set[str]) -> set[str]:
    """Vocabulary terms that in titles mostly stand right before 区/县/市/小区/花园/路…
    (:data:`PLACE_SHARE` of their occurrences, and at least twice)."""
    text = "\n".join(titles)
    before: dict[str, int] = {}
    for match in _PLACE_SUFFIX.finditer(text):
        for size in (2, 3, 4):
            piece = text[max(match.start() - size, 0) : match.start()]
            if len(piece) == size and piece in vocab:
                before[piece] = before.get(piece, 0) + 1
    return {t for t, n in before.items() if n >= 2 and n >= PLACE_SHARE * text.count(t)}


def _is_term(term: str) -> bool:
    return not (_NOT_A_TERM.match(term) or term in STOP_TERMS)


def _centred_means(vectors: np.ndarray, rows: np.ndarray, use: np.ndarray, n: int) -> np.ndarray:
    """Normalised mean of the used passage vectors per record, centred on the index's mean.

    Centring matters: this model's vectors share a large common direction (any two records
    score cosine ~0.85), which leaves no room between "same problem" and "unrelated";
    after centring, unrelated records score ~0 and a problem's records ~0.2–0.4.
    """
    sums = np.zeros((n, vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, rows[use], vectors[use].astype(np.float32))
    present = np.linalg.norm(sums, axis=1) > 0
    means = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    if present.any():
        means[present] -= means[present].mean(axis=0)
    means[~present] = 0.0
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return np.ascontiguousarray(means / np.maximum(norms, 1e-12), dtype=np.float32)


def _question_terms(
    index: LoadedIndex, rows: np.ndarray, use: np.ndarray, n: int
) -> tuple[sparse.csr_matrix, list[str]]:
    """Record × term presence from the passage-level BM25 matrix (jieba tokens, stopwords
    out) over the used passages, and the vocabulary in column order."""
    passages, vocab = index.keyword.term_presence()
    used = np.flatnonzero(use)
    gather = sparse.csr_matrix(
        (np.ones(len(used), dtype=np.float32), (rows[used], used)), shape=(n, len(rows))
    )
    terms = (gather @ passages).tocsr()
    terms.data[:] = 1.0
    return terms, vocab[: terms.shape[1]]
