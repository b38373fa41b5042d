"""The per-record steps of a build that take over the live index's work: passages, tokens.

A reply taken over whole (:mod:`index.build_input`) keeps its passages and their stored JSON
lines; a text whose tokens the live index cut with the same segmenter keeps them.
"""

from __future__ import annotations

from typing import Any

from index.build_input import Parsed
from index.chunk import chunk_reply
from index.reply import Chunk
from index.reuse import Previous, text_key
from index.segment import Segmenter


def chunk_all(
    parsed: Parsed, previous: Previous, *, max_chars: int, overlap: int
) -> tuple[list[Chunk], list[str | None], list[str | None]]:
    """Passages of every reply, and the stored JSON lines taken over with unchanged replies."""
    chunks: list[Chunk] = []
    reply_lines: list[str | None] = []
    chunk_lines: list[str | None] = []
    same_chunking = previous.chunking == chunking(max_chars, overlap)
    for reply, hit in zip(parsed.replies, parsed.cached, strict=True):
        if hit is not None and same_chunking and hit.stored_id == reply.doc_id:
            chunks += hit.chunks
            chunk_lines += hit.chunk_lines
            reply_lines.append(hit.line)
            continue
        mine = chunk_reply(reply, max_chars=max_chars, overlap=overlap)
        chunks += mine
        chunk_lines += [None] * len(mine)
        reply_lines.append(None)
    return chunks, reply_lines, chunk_lines


class Tokens:
    """The segmenter's tokens of a text, from the live index's cut where it is still valid."""

    def __init__(self, segmenter: Segmenter, cached: dict[str, list[str]]) -> None:
        self.segmenter = segmenter
        self.cached = cached
        self.used: dict[str, list[str]] = {}  # what this build used: the next build's cache

    def __call__(self, text: str) -> list[str]:
        key = text_key(text)
        tokens = self.used.get(key) or self.cached.get(key)
        if tokens is None:
            tokens = self.segmenter.tokenize(text)
        self.used[key] = tokens
        return tokens


def chunking(max_chars: int, overlap: int) -> dict[str, Any]:
    """The settings passages depend on, as stored in ``reuse.json``."""
    return {"max_chars": max_chars, "overlap": overlap}
