"""What the record-level BM25 reads: a record's text, as words and as character bigrams.

jieba cuts a query and a record independently, and the two cuts disagree more often than
one would hope: 停水停电 may be one word in a question and 停水 / 停电 in the reply,
电梯故障 one token here and 电梯 / 故障 there, a place name whole in one text and split in
the other. Word BM25 then scores nothing. Overlapping character bigrams — the classic
indexing unit of Chinese retrieval — do not depend on the cut, so the record index holds
both: the segmenter's words, and each run of Chinese characters as marked bigrams
(:data:`BIGRAM_MARK` keeps 电梯-the-bigram apart from 电梯-the-word). The searcher queries
the words and the bigrams as two separate rankings (see ``search/rank.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from index.reply import Reply

BIGRAM_MARK = "bi:"  # no segmenter token starts with it (punctuation is dropped from words)
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def record_text(reply: Reply) -> str:
    """What the record-level BM25 reads: the title, what was asked, and the whole answer.

    Short topic queries often have their words spread over the message and the reply;
    a passage holds only part of them, the record all of them.
    """
    return "\n".join(
        x for x in (reply.proposal_title, reply.title, reply.question, reply.body) if x
    )


def char_bigrams(text: str) -> list[str]:
    """Marked overlapping bigrams of each run of Chinese characters, in text order.

    >>> char_bigrams("锁电梯、停水")
    ['bi:锁电', 'bi:电梯', 'bi:停水']
    """
    return [
        BIGRAM_MARK + run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)
    ]


def record_tokens(reply: Reply, words: Callable[[str], list[str]]) -> list[str]:
    """The record's keyword tokens: ``words`` (the segmenter) of its text, then its bigrams."""
    text = record_text(reply)
    return [*words(text), *char_bigrams(text)]
