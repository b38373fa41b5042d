"""The build's input: corpus files → raw records → replies, taking over unchanged ones.

Reading never stops at a bad file (it becomes a :class:`Skipped`); parsing reuses the reply
the live index parsed from the very same raw record with the very same code
(:mod:`index.reuse`), so a nightly re-build parses only what changed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from index.build_report import describe_skips
from index.parse import parse_record
from index.read import read_corpus
from index.reply import RawRecord, Reply, Skipped
from index.reuse import Cached, Previous, raw_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parsed:
    """Replies in corpus order (doc ids made unique), and what reuse needs to know of them."""

    replies: list[Reply]
    raw_keys: list[str]  # the raw record each reply came from (index.reuse.raw_key)
    parsed_ids: list[str | None]  # the parser's doc id where it was renamed, else None
    cached: list[Cached | None]  # the live index's copy, when taken over
    skipped: list[Skipped]
    fresh: int  # how many records were parsed by this build


def read_records(
    corpus: Sequence[Path], *, column_map: Mapping[str, str] | None = None, progress: bool = False
) -> tuple[list[RawRecord], list[Skipped]]:
    """Every raw record under ``corpus``, and what could not be read."""
    raws: list[RawRecord] = []
    skipped: list[Skipped] = []
    for item in read_corpus(list(corpus), column_map=column_map, progress=progress):
        (skipped if isinstance(item, Skipped) else raws).append(item)  # type: ignore[arg-type]
    return raws, skipped


def parse_records(raws: Sequence[RawRecord], previous: Previous, code: str) -> Parsed:
    """Parse ``raws``, taking over the live index's reply for each unchanged raw record."""
    replies: list[Reply] = []
    keys: list[str] = []
    cached: list[Cached | None] = []
    skipped: list[Skipped] = []
    fresh = 0
    for raw in raws:
        key = raw_key(raw, code)
        hit = previous.replies.get(key)
        if hit is None:
            fresh += 1
            try:
                reply = parse_record(raw)
            except ValueError as exc:
                skipped.append(Skipped(_where(raw), f"could not be parsed: {exc}"))
                logger.warning("skipped %s: could not be parsed: %s", _where(raw), exc)
                continue
        replies.append(reply if hit is None else hit.reply)
        keys.append(key)
        cached.append(hit)
    unique, renamed = unique_ids(replies)
    return Parsed(unique, keys, renamed, cached, skipped, fresh)


def load_replies(
    corpus: Sequence[Path], *, column_map: Mapping[str, str] | None = None, progress: bool = False
) -> tuple[list[Reply], list[Skipped]]:
    """Read and parse every record under ``corpus``; doc ids are made unique."""
    raws, skipped = read_records(corpus, column_map=column_map, progress=progress)
    parsed = parse_records(raws, Previous(), code="")
    return parsed.replies, skipped + parsed.skipped


def unique_ids(replies: list[Reply]) -> tuple[list[Reply], list[str | None]]:
    """Two sources may use the same id (two tables numbered from 1): qualify the later ones.

    Also returns, per reply, the id the parser gave it where it was renamed (else None).
    """
    seen: set[str] = set()
    unique: list[Reply] = []
    renamed: list[str | None] = []
    for reply in replies:
        original = None
        if reply.doc_id in seen:
            new_id = f"{reply.source.path}#{reply.doc_id}"
            logger.warning("duplicate doc_id %s: renamed to %s", reply.doc_id, new_id)
            original, reply = reply.doc_id, replace(reply, doc_id=new_id)
        seen.add(reply.doc_id)
        unique.append(reply)
        renamed.append(original)
    return unique, renamed


class SkippedInput(ValueError):
    """A build refused because input was skipped (``--strict``) or nothing could be read."""


def check_skips(
    corpus: Sequence[Path], replies: list[Reply], skipped: list[Skipped], *, strict: bool
) -> None:
    """Refuse the build when nothing was readable, or when anything was skipped under strict."""
    where = ", ".join(map(str, corpus))
    if not replies:
        raise SkippedInput(
            f"No readable replies under {where} ({len(skipped)} skipped). See corpus/README.md "
            "for the accepted formats. The previous index (if any) is unchanged.\n"
            + describe_skips(skipped)
        )
    if strict and skipped:
        raise SkippedInput(
            f"--strict: {len(skipped)} file(s) or row(s) under {where} could not be read, so "
            "nothing was built and the previous index (if any) is unchanged. Fix or remove "
            "them, or build without --strict to index the rest.\n" + describe_skips(skipped)
        )


def _where(item: RawRecord) -> str:
    row = f" row {item.source.row}" if item.source.row is not None else ""
    return f"{item.source.path}{row}"
