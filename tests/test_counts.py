"""Facet counts: they agree with a direct count over the records above the floor."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from index.reply import Measure
from search import Filters, Searcher, SearchRequest
from search.counts import FLOOR_SHARE, UNSTATED, above_floor, count_records
from tests.fakes import FakeEmbedder
from tests.ui_fakes import make_reply


@pytest.fixture(scope="module")
def searcher(fake_index: Path) -> Searcher:
    return Searcher.load(fake_index, embedder=FakeEmbedder())


def _direct(searcher: Searcher, request: SearchRequest) -> list[str]:
    """The records the ranking reached with a score ≥ FLOOR_SHARE × the top, counted by hand."""
    _, ranked = searcher._ranked(request)
    top = ranked[0].score
    return [searcher.index.replies[r.record].doc_id for r in ranked if r.score >= FLOOR_SHARE * top]


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest("园区 企业"),
        SearchRequest("老旧小区加装电梯", k=5, mode="keyword"),
        SearchRequest("企业", filters=Filters.parse(date_from="2022", kinds=["proposal_reply"])),
    ],
)
def test_counts_agree_with_a_direct_count(searcher: Searcher, request_: SearchRequest) -> None:
    result = searcher.search_with_overview(request_)
    counts = result.counts
    expected = _direct(searcher, request_)
    assert list(counts.doc_ids) == expected
    replies = [searcher.reply(d) for d in expected]
    assert counts.total == len(replies) > 0
    assert {c.value: c.count for c in counts.by_kind} == Counter(r.kind for r in replies)
    issuers = Counter(r.issuer or UNSTATED for r in replies)
    assert {c.value: c.count for c in counts.by_issuer} == issuers
    grades = Counter(r.result_grade or UNSTATED for r in replies)
    assert {c.value: c.count for c in counts.by_grade} == grades
    done = sum(any(m.stage == "done" for m in r.measures) for r in replies)
    assert counts.count_of("measures", "done") == done
    assert sum(c.count for c in counts.by_period) == counts.total
    assert list(result.hits) == searcher.run(request_)  # the hits are those of a plain search


def test_counts_respect_the_filters(searcher: Searcher) -> None:
    filters = Filters.parse(kinds=["suggestion_reply"])
    counts = searcher.search_with_overview(SearchRequest("企业", filters=filters)).counts
    assert all(searcher.reply(d).kind == "suggestion_reply" for d in counts.doc_ids)


def test_floor_keeps_the_prefix_at_a_share_of_the_top() -> None:
    assert above_floor([1.0, 0.8, 0.5, 0.49, 0.1]) == 3
    assert above_floor([]) == 0


def test_short_ranges_count_months_long_ones_years() -> None:
    replies = [
        make_reply("a", "甲", "正文", date="2021-03-02"),
        make_reply("b", "乙", "正文", date="2021-03-20", issuer=None, measures=()),
        make_reply("c", "丙", "正文", date=None, result_grade=None),
    ]
    months = count_records(replies)
    assert months.period == "month"
    assert [(c.value, c.count) for c in months.by_period] == [("2021-03", 2), (UNSTATED, 1)]
    assert months.count_of("measures", "none") == 1
    assert months.top_issuer() == "青岚市工业和信息化局"
    years = count_records(replies, filters=Filters.parse(date_from="2015", date_to="2021"))
    assert years.period == "year"
    assert [(c.value, c.count) for c in years.by_period] == [("2021", 2), (UNSTATED, 1)]


def test_a_record_with_done_and_planned_measures_counts_under_both() -> None:
    measures = (Measure("甲", "已建成。", "done"), Measure("乙", "将建设。", "planned"))
    counts = count_records([make_reply("a", "甲", "正文", measures=measures)])
    assert counts.count_of("measures", "done") == counts.count_of("measures", "planned") == 1
    assert counts.count_of("measures", "none") == 0


def test_cli_prints_the_overview_last(
    fake_index: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import __main__ as cli

    monkeypatch.setattr(
        cli, "_load", lambda args: Searcher.load(Path(args.index), embedder=FakeEmbedder())
    )
    base = ["--index", str(fake_index), "--k", "3", "加装电梯"]
    assert cli.main([*base, "--json", "--overview"]) == 0
    lines = capsys.readouterr().out.splitlines()
    overview = json.loads(lines[-1])["overview"]
    assert overview["total"] >= 1 and "by_period" in overview
    assert all("doc_id" in json.loads(line) for line in lines[:-1])
    assert cli.main([*base, "--overview"]) == 0
    assert "概览：相关" in capsys.readouterr().out


FJ4_INDEX = Path(__file__).resolve().parent.parent / "data" / "fj4" / "index"


@pytest.mark.slow
def test_counts_agree_on_the_fj4_index() -> None:
    """On the real model and the 附件4 index at data/fj4/index (skipped when absent)."""
    if not (FJ4_INDEX / "CURRENT").is_file():
        pytest.skip(f"no 附件4 index at {FJ4_INDEX}")
    searcher = Searcher.load(FJ4_INDEX)
    for query in ("小区噪音扰民", "公交线路调整", "学校学位不足入学难"):
        request = SearchRequest(query, filters=Filters.parse(date_from="2016"))
        counts = searcher.search_with_overview(request).counts
        expected = _direct(searcher, request)
        assert list(counts.doc_ids) == expected and counts.total >= 10
        replies = [searcher.reply(d) for d in expected]
        years = Counter(r.date[:4] for r in replies if r.date)
        assert {c.value: c.count for c in counts.by_period} == years
        assert min(years) >= "2016"
        none = sum(not r.measures for r in replies)
        assert counts.count_of("measures", "none") == none
