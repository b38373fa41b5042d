from __future__ import annotations

import pytest

from index.segment import Segmenter
from search import QueryError
from search.query import MAX_QUERY_CHARS, clean_query, key_terms, prepare_query
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
    assert len(set(prepared.terms)) <= SETTINGS.max_terms  # distinct terms; repeats count


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


def test_a_pasted_message_sends_its_terms_as_often_as_they_occur() -> None:
    message = (
        "小区门口夜宵摊噪音扰民，" * 3 + "王某某说过几次，物业也管不了，" + "晚上噪音很大" * 20
    )
    tokenize = Segmenter().tokenize
    pasted = prepare_query(message, tokenize, lambda t: 1.0, SearchSettings())
    plain = prepare_query(
        message, tokenize, lambda t: 1.0, SearchSettings(pasted_term_frequency=False)
    )
    assert pasted.terms.count("噪音") == tokenize(message).count("噪音") > 3
    assert plain.terms.count("噪音") == 1 and set(plain.terms) == set(pasted.terms)
    typed = prepare_query("夜宵摊 噪音 噪音", tokenize, lambda t: 1.0, SearchSettings())
    assert typed.terms.count("噪音") == 1  # a typed query's words count once


def test_key_terms_keeps_the_counts_of_the_terms_it_keeps() -> None:
    tokens = ["噪音", "噪音", "夜宵", "王某", "噪音"]
    idf = {"噪音": 1.0, "夜宵": 2.0, "王某": 0.5}.__getitem__
    assert key_terms(tokens, idf, 2) == ["噪音", "夜宵"]
    assert key_terms(tokens, idf, 2, keep_counts=True) == ["噪音", "噪音", "噪音", "夜宵"]
