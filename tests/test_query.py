from __future__ import annotations

import pytest

from search import QueryError
from search.query import MAX_QUERY_CHARS, clean_query, prepare_query
from search.settings import SearchSettings

SETTINGS = SearchSettings()


def _tokens(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(0, len(text) - 1, 2)]


def _idf(term: str) -> float:
    return 1.0


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\x00\x01", "<p></p>"])
def test_empty_queries_are_refused(raw: str) -> None:
    with pytest.raises(QueryError, match="请输入") as caught:
        prepare_query(raw, _tokens, _idf, SETTINGS)
    assert caught.value.code == "empty_query"


def test_control_characters_and_markup_are_dropped() -> None:
    assert clean_query("停车\x00难<script>x</script>  问题") == "停车 难 x 问题"


def test_huge_query_is_cut_and_split() -> None:
    prepared = prepare_query("小区加装电梯的补贴政策是什么。" * 10_000, _tokens, _idf, SETTINGS)
    assert len(prepared.text) == MAX_QUERY_CHARS
    assert 1 < len(prepared.dense_texts) <= SETTINGS.max_dense_pieces
    assert len(prepared.terms) <= SETTINGS.max_terms


def test_doc_numbers_and_titles_are_found_in_any_bracket_style() -> None:
    prepared = prepare_query(
        "请问《关于支持制造业的十条意见》焦政[2018]7号", _tokens, _idf, SETTINGS
    )
    assert prepared.doc_numbers == ("焦政〔2018〕7号",)
    assert prepared.titles == ("关于支持制造业的十条意见",)


def test_a_typed_query_sends_its_topic_bigrams_and_a_pasted_text_none() -> None:
    typed = prepare_query("物业锁电梯，以往是怎么答复的？", _tokens, _idf, SETTINGS)
    assert typed.topic.startswith("物业锁电梯")
    assert typed.bigrams[:4] == ("bi:物业", "bi:业锁", "bi:锁电", "bi:电梯")
    assert not any("答复" in b for b in typed.bigrams)  # the framing is cut first
    pasted = prepare_query("小区物业为了催缴物业费锁了电梯。" * 20, _tokens, _idf, SETTINGS)
    assert SETTINGS.is_pasted(len(pasted.text)) and pasted.bigrams == ()
