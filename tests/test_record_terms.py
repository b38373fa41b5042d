from __future__ import annotations

from index.record_terms import BIGRAM_MARK, char_bigrams, record_text, record_tokens
from index.reply import Reply, Source


def test_bigrams_follow_each_run_of_chinese_characters() -> None:
    # Punctuation, digits and Latin letters end a run; a lone character gives no bigram.
    assert char_bigrams("电动车乱停、A区3号楼堵") == [
        BIGRAM_MARK + b for b in ("电动", "动车", "车乱", "乱停", "号楼", "楼堵")
    ]
    assert char_bigrams("停 A 1") == []


def test_bigrams_match_where_the_jieba_cuts_disagree() -> None:
    # What a staff member types and what the citizen wrote share no word, only characters.
    query, record = "单车乱停", "小区门口电动车乱停乱放"
    shared = set(char_bigrams(query)) & set(char_bigrams(record))
    assert shared == {BIGRAM_MARK + "车乱", BIGRAM_MARK + "乱停"}


def test_record_tokens_are_the_words_then_the_bigrams_of_the_whole_record() -> None:
    reply = Reply(
        doc_id="1",
        kind="message_reply",
        title="路灯不亮",
        question="幸福路路灯坏了",
        body="已修复",
        source=Source("board.csv"),
    )
    assert record_text(reply) == "路灯不亮\n幸福路路灯坏了\n已修复"
    tokens = record_tokens(reply, lambda text: ["路灯"])
    assert tokens[0] == "路灯"
    assert tokens[1:] == char_bigrams(record_text(reply))
