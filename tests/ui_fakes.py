"""A fake searcher for the UI tests: fixed replies and hits, no index or model."""

from __future__ import annotations

from dataclasses import replace

from index.reply import Measure, Policy, Reply, Source
from search import (
    Facets,
    Filters,
    IndexSummary,
    MatchedPassage,
    QueryError,
    SearchHit,
    SearchRequest,
    SearchResult,
)
from search.counts import FacetCount, count_records
from search.topics import Topic, TopicReport

SCRIPT = '<script>alert("先例")</script>'
POLICY = Policy("青岚市专精特新中小企业梯度培育实施方案", "岚政办〔2022〕23号")
MEASURES = (
    Measure(
        "优化园区空间布局",
        "规划建设智能装备、新材料两个专业园区，入驻企业63家。",
        "done",
        (POLICY,),
        ("63家",),
    ),
    Measure("加快园区建设", "2024年底前新建标准化厂房20万平方米。", "planned"),
)


def make_reply(doc_id: str, title: str, body: str, **fields: object) -> Reply:
    """A reply with the given fields and sensible defaults for the rest."""
    base = Reply(
        doc_id=doc_id,
        kind="proposal_reply",
        title=title,
        body=body,
        source=Source(f"{doc_id}.txt"),
        issuer="青岚市工业和信息化局",
        doc_number="岚工信〔2023〕18号",
        signer="郑立衡",
        result_grade="A",
        date="2023-06-12",
        measures=MEASURES,
        policies=(POLICY,),
    )
    return replace(base, **fields)


def hit_for(
    reply: Reply,
    rank: int,
    *,
    text: str | None = None,
    spans: tuple[tuple[int, int], ...] = (),
    duplicates: tuple[str, ...] = (),
) -> SearchHit:
    """A hit on ``reply`` whose one passage is ``text`` (default: the body) with ``spans``."""
    passage = MatchedPassage(
        f"{reply.doc_id}#0", "一、工作基本情况", text or reply.body, 0.8, spans
    )
    return SearchHit.from_reply(
        reply, rank=rank, passages=(passage,), duplicates=duplicates, score=1.0 / rank
    )


FAKE_FACETS = Facets(
    issuers=("青岚市工业和信息化局", "青岚市住房和城乡建设局"),
    kinds=("proposal_reply", "message_reply"),
    grades=("A", "B"),
    date_min="2019-01-01",
    date_max="2023-12-31",
)


class FakeSearcher:
    """Answers every query with the same ranked replies; records what it was asked."""

    def __init__(self) -> None:
        body = "中心城区高端制造业园区建设取得进展。\n第二行。"
        self.replies = {
            "r1": make_reply("r1", "关于在中心城区建设高端制造业园区的提案的答复", body),
            "r2": make_reply(
                "r2",
                f"留言答复 {SCRIPT}",
                f"正文 {SCRIPT} <b>粗</b>",
                kind="message_reply",
                question=f"留言 {SCRIPT}",
            ),
            "r3": make_reply("r3", "关于老旧小区加装电梯的建议的答复", "加装电梯。", measures=()),
        }
        self.calls: list[SearchRequest] = []

    def search(self, query: str, *, k: int = 10, mode: str = "hybrid") -> list[SearchHit]:
        return self.run(SearchRequest(query, k, mode))

    def run(self, request: SearchRequest) -> list[SearchHit]:
        self.calls.append(request)
        if request.query == "无结果":
            return []
        r1, r2, r3 = self.replies.values()
        hits = [
            hit_for(r1, 1, spans=((0, 4), (4, 9)), duplicates=("r9",)),
            hit_for(r2, 2, spans=((3, 11),)),
            hit_for(r3, 3),
        ]
        return hits[: request.k]

    def search_with_overview(self, request: SearchRequest) -> SearchResult:
        hits = self.run(request)
        matching = [self.replies[h.doc_id] for h in hits]
        return SearchResult(tuple(hits), count_records(matching, filters=request.filters))

    def topics(self, date_from: str, date_to: str, filters: Filters | None = None) -> TopicReport:
        topic = Topic(
            terms=("园区", "制造业", "专精特新"),
            titles=tuple(r.title for r in list(self.replies.values())[:2]),
            size=2,
            previous=1,
            issuers=(FacetCount("青岚市工业和信息化局", 2),),
            done_share=0.5,
            doc_ids=("r1", "r2"),
        )
        return TopicReport(date_from, date_to, 3, 1, (topic,), 1)

    def reply(self, doc_id: str) -> Reply:
        if doc_id not in self.replies:
            raise QueryError("unknown_reply", got=doc_id)
        return self.replies[doc_id]

    def similar(self, doc_id: str, *, k: int = 10) -> list[SearchHit]:
        self.reply(doc_id)
        others = [r for d, r in self.replies.items() if d != doc_id]
        return [hit_for(r, i) for i, r in enumerate(others[:k], start=1)]

    def facets(self) -> Facets:
        return FAKE_FACETS

    def summary(self) -> IndexSummary:
        return IndexSummary(replies=3, passages=3, model="fake", built_at="2026-11-30 12:00")
