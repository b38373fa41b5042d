"""Turning what the user typed into what each retriever needs.

A staff member types three words, a whole question, or pastes a 5,000-character
proposal. Short queries go to both sides as they are; long ones give BM25 their most
distinctive terms (tf·idf against the index) and the dense side their opening passages.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from index.docnum import BOOK_TITLE_RE, find_doc_numbers
from index.record_terms import char_bigrams
from search.errors import QueryError
from search.intent import read_intent
from search.settings import SearchSettings

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 5_000  # beyond a long proposal: the rest is cut (and logged)
_TAG = re.compile(r"<[^<>]{0,200}>")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


@dataclass(frozen=True)
class PreparedQuery:
    """A cleaned query and its parts for each retriever."""

    text: str
    terms: tuple[str, ...]
    dense_texts: tuple[str, ...]
    doc_numbers: tuple[str, ...]
    titles: tuple[str, ...]
    topic: str = ""  # the text without the framing of a question (see search/intent.py)
    bigrams: tuple[str, ...] = ()  # the topic's character bigrams; none for a pasted text
    wants_measures: bool = False


def prepare_query(
    raw: str,
    tokenize: Callable[[str], list[str]],
    idf: Callable[[str], float],
    settings: SearchSettings,
) -> PreparedQuery:
    """Clean ``raw`` and split it for BM25, the dense side and exact 文号/《title》 matches."""
    if not isinstance(raw, str):
        raise QueryError("query_not_text", got=type(raw).__name__)
    text = clean_query(raw)
    if not text:
        raise QueryError("empty_query")
    intent = read_intent(text)
    topic = intent.topic if settings.strip_framing else text
    pasted = settings.is_pasted(len(text))
    counts = settings.pasted_term_frequency and pasted
    return PreparedQuery(
        text=text,
        terms=tuple(key_terms(tokenize(topic), idf, settings.max_terms, keep_counts=counts)),
        dense_texts=tuple(
            dense_pieces(topic, settings.dense_piece_chars, settings.max_dense_pieces)
        ),
        doc_numbers=tuple(find_doc_numbers(text)),
        titles=tuple(dict.fromkeys(m["title"].strip() for m in BOOK_TITLE_RE.finditer(text))),
        topic=topic,
        bigrams=() if pasted else _bigrams(topic, settings.max_terms),
        wants_measures=intent.wants_measures,
    )


def _bigrams(topic: str, limit: int) -> tuple[str, ...]:
    """The topic's distinct character bigrams, first ``limit`` of them (see record_terms)."""
    return tuple(dict.fromkeys(char_bigrams(topic)))[:limit]


def clean_query(raw: str) -> str:
    """Drop control characters and markup, collapse whitespace, cut at MAX_QUERY_CHARS."""
    if len(raw) > 4 * MAX_QUERY_CHARS:
        raw = raw[: 4 * MAX_QUERY_CHARS]  # bound the work below on 100k-character input
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in raw)
    text = _TAG.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_QUERY_CHARS:
        logger.info("query of %d characters cut to %d", len(text), MAX_QUERY_CHARS)
        text = text[:MAX_QUERY_CHARS]
    return text


def key_terms(
    tokens: list[str], idf: Callable[[str], float], max_terms: int, *, keep_counts: bool = False
) -> list[str]:
    """All distinct tokens of a short query; the ``max_terms`` most distinctive of a long one.

    With ``keep_counts`` each kept term is repeated as often as it occurs, so BM25 weighs it
    by its frequency in the query.
    """
    counts = Counter(tokens)
    kept = list(counts)
    if len(counts) > max_terms:
        kept = sorted(counts, key=lambda t: -counts[t] * idf(t))[:max_terms]
    return [t for t in kept for _ in range(counts[t])] if keep_counts else kept


def dense_pieces(text: str, piece_chars: int, max_pieces: int) -> list[str]:
    """The query itself when short; else its first few sentence-aligned pieces."""
    if len(text) <= piece_chars * 1.25:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if len(current) + len(sentence) > piece_chars and current:
            pieces.append(current)
            if len(pieces) == max_pieces:
                return pieces
            current = ""
        current += sentence[: piece_chars * 2]
    return [*pieces, current][:max_pieces] if current else pieces
