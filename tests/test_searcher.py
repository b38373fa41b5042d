from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from index.build import build_index
from search import Filters, QueryError, Searcher
from tests.conftest import BUNDLED_CORPUS
from tests.fakes import FakeEmbedder


@pytest.fixture(scope="module")
def searcher(fake_index: Path) -> Searcher:
    return Searcher.load(fake_index, embedder=FakeEmbedder())


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "dense"])
def test_each_mode_finds_the_park_reply(searcher: Searcher, mode: str) -> None:
    hits = searcher.search("中心城区 高端制造业 园区", k=5, mode=mode)
    assert hits[0].doc_id == "s01_proposal_reply_specialized_sme_park.txt"
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert len({h.doc_id for h in hits}) == len(hits)


def test_hits_carry_fields_passages_highlights_and_measures(searcher: Searcher) -> None:
    hit = searcher.search("加装电梯 补贴", k=3)[0]
    assert hit.doc_id.startswith("s02_")
    assert hit.kind == "suggestion_reply" and hit.result_grade == "B"
    assert hit.doc_number and "〔2023〕" in hit.doc_number
    passage = hit.passages[0]
    marked = [passage.text[a:b] for a, b in passage.highlights]
    assert any("电梯" in m for m in marked)
    assert hit.measures and "电梯" in hit.measures[0].title + hit.measures[0].text


@pytest.mark.parametrize(
    "written", ["岚住建[2023]42号", "岚住建（2023）42号", "岚住建〔2023〕42号"]
)
def test_doc_number_matches_in_any_bracket_style(searcher: Searcher, written: str) -> None:
    hits = searcher.search(written, k=3)
    assert hits[0].doc_id.startswith("s02_")


def test_filters_apply_before_the_cut(searcher: Searcher) -> None:
    every = searcher.search("答复 工作", k=100, mode="keyword")
    suggestions = [h for h in every if h.kind == "suggestion_reply"]
    hits = searcher.search(
        "答复 工作", k=100, mode="keyword", filters=Filters(kinds=("suggestion_reply",))
    )
    assert {h.doc_id for h in hits} == {h.doc_id for h in suggestions}
    graded = searcher.search("停车 泊位", k=10, filters=Filters(grades=("A",)))
    assert graded and all(h.result_grade == "A" for h in graded)


def test_date_and_issuer_filters(searcher: Searcher) -> None:
    facets = searcher.facets()
    assert facets.date_min and facets.date_max and facets.date_min <= facets.date_max
    issuer = facets.issuers[0]
    hits = searcher.search("工作", k=20, filters=Filters(issuer=issuer))
    assert hits and all(issuer in (h.issuer or "") for h in hits)
    none = searcher.search(
        "工作", k=20, filters=Filters(date_from="1990-01-01", date_to="1990-12-31")
    )
    assert none == []


@pytest.mark.parametrize("bad", [{"k": 0}, {"k": 101}, {"k": 2.5}, {"mode": "fuzzy"}])
def test_bad_arguments_are_clear_errors(searcher: Searcher, bad: dict) -> None:
    with pytest.raises(QueryError):
        searcher.search("停车", **bad)


def test_bad_filter_values_are_clear_errors(searcher: Searcher) -> None:
    with pytest.raises(QueryError, match="2023/01/01"):
        searcher.search("停车", filters=Filters(date_from="2023/01/01"))
    with pytest.raises(QueryError, match="答复类型"):
        searcher.search("停车", filters=Filters(kinds=("memo",)))


@pytest.mark.parametrize(
    "query",
    [
        "x" * 100_000,
        "停车难😀😀",
        "停車難問題怎麼解決",
        "parking problem downtown",
        "<b>加装电梯</b><script>alert(1)</script>",
        "'; DROP TABLE replies; --",
        "\x07\x1b[31m停车",
        "的了和是",
    ],
)
def test_odd_queries_give_ordinary_results(searcher: Searcher, query: str) -> None:
    hits = searcher.search(query, k=5)
    assert isinstance(hits, list) and len(hits) <= 5


def test_empty_query_is_refused(searcher: Searcher) -> None:
    with pytest.raises(QueryError, match="请输入"):
        searcher.search("   ")


def test_similar_leaves_out_the_reply_itself(searcher: Searcher) -> None:
    doc_id = "s01_proposal_reply_specialized_sme_park.txt"
    hits = searcher.similar(doc_id, k=5)
    assert hits and doc_id not in {h.doc_id for h in hits}
    with pytest.raises(QueryError, match="没有编号为 nope"):
        searcher.similar("nope")


def test_near_duplicates_show_once_with_their_count(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus, ignore=shutil.ignore_patterns("tools", "README.md"))
    original = (corpus / "s05_proposal_reply_parking.txt").read_text(encoding="utf-8")
    (corpus / "copy_a.txt").write_text(original, encoding="utf-8")
    (corpus / "copy_b.txt").write_text(original.replace("。", "。 ", 3), encoding="utf-8")
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    hits = Searcher.load(tmp_path / "idx", embedder=FakeEmbedder()).search("停车 泊位", k=10)
    parking = [
        h
        for h in hits
        if h.doc_id in {"copy_a.txt", "copy_b.txt", "s05_proposal_reply_parking.txt"}
    ]
    assert len(parking) == 1
    assert len(parking[0].duplicates) == 2


def test_what_the_citizen_wrote_is_searched_too(searcher: Searcher) -> None:
    query = "窗户都不敢开 客人喝酒划拳"  # words of the message, not of the reply
    hit = searcher.search(query, k=3)[0]
    assert hit.doc_id == "QL20230412"
    assert hit.passages[0].field == "question"
    replies_only = searcher.with_settings(replace(searcher.settings, question_weight=0.0))
    assert all(p.field == "reply" for h in replies_only.search(query, k=3) for p in h.passages)


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "dense"])
def test_an_exact_doc_number_puts_its_own_reply_first_in_every_mode(
    searcher: Searcher, mode: str
) -> None:
    hits = searcher.search("岚住建[2023]42号 的答复", k=3, mode=mode)
    assert hits[0].doc_id.startswith("s02_") and hits[0].score == 1.0


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "dense"])
def test_scores_are_on_one_scale_in_every_mode(searcher: Searcher, mode: str) -> None:
    hits = searcher.search("停车 泊位 老旧小区", k=10, mode=mode)
    assert hits and all(0.0 < h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def _board(tmp_path: Path, rows: str) -> Searcher:
    """A searcher over a message board of ``rows`` (CSV lines: id, title, message, reply, date)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    header = "留言编号,留言主题,留言详情,答复意见,答复时间\n"
    (corpus / "board.csv").write_text(header + rows, encoding="utf-8")
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    return Searcher.load(tmp_path / "idx", embedder=FakeEmbedder())


def test_an_acknowledgment_does_not_outrank_a_real_answer(tmp_path: Path) -> None:
    searcher = _board(
        tmp_path,
        "1,幸福路路灯不亮,幸福路的路灯坏了三个月，晚上很黑。,网友：您好！留言已收悉。,2020/1/2\n"
        "2,幸福路路灯坏了,幸福路一段路灯不亮，请修理。,"
        "网友：您好！经区城管局核实，幸福路12盏路灯线路老化，已于1月5日更换线路并恢复照明，"
        "下一步将加强巡查。,2020/1/9\n",
    )
    hits = searcher.search("幸福路路灯不亮", k=2)
    assert [h.doc_id for h in hits] == ["2", "1"]
    flat = searcher.with_settings(replace(searcher.settings, thin_answer_factor=1.0))
    undamped = {h.doc_id: h.score for h in flat.search("幸福路路灯不亮", k=2)}
    assert hits[1].score == pytest.approx(undamped["1"] * searcher.settings.thin_answer_factor)


def test_characters_find_a_record_whose_words_jieba_cut_differently(tmp_path: Path) -> None:
    # 单车乱停 is cut to 单车; the message's 电动车乱停乱放 to 电动车 / 乱放: no shared word,
    # but the bigrams 车乱 and 乱停 are in both.
    searcher = _board(
        tmp_path,
        "1,小区门口乱停放,小区门口电动车乱停乱放，堵住了消防通道。,"
        "网友：您好！经物业核实，已在门口划定停放区，并安排专人每日巡查。,2020/1/9\n"
        "2,幸福路路灯坏了,幸福路一段路灯不亮，请修理。,"
        "网友：您好！经区城管局核实，已于1月5日更换线路并恢复照明。,2020/1/9\n",
    )
    assert [h.doc_id for h in searcher.search("单车乱停", k=2, mode="keyword")] == ["1"]
    words_only = searcher.with_settings(replace(searcher.settings, bigram_weight=0.0))
    assert words_only.search("单车乱停", k=2, mode="keyword") == []
