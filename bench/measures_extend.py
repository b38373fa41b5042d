"""A fresh, never-read extension of the measure sample (issue #10).

    python -m bench.measures_sample --extend 45   # once; a second run refuses (exit 2)

The labelled sample's dev split was read to write the extractor's rules and its test split
was read once per round, so neither is unseen any more. The extension draws ``n`` more
message replies of 附件4 by the first sample's rules (:mod:`bench.measures_draw`), leaving
out every reply already in the sample (by 留言编号 and by text), with its own seed
(``FRESH_SEED``). The new items continue the numbering after the last item — the existing
ids never change, since labels point into them — and all go to the ``fresh`` split, labelled
once (no ``double``). Nothing is fitted or tuned on ``fresh``: ``bench.measures_train`` reads
``dev`` only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bench.measures_draw import draw_messages, sample_item
from bench.measures_text import SampleItem, labelling_text, text_sha
from index.reply import Reply

FRESH_SEED = 2026
FRESH_SPLIT = "fresh"
TIPDM4_SOURCE = "tipdm4"


class AlreadyExtended(ValueError):
    """The sample already holds a fresh split; drawing again would change what it means."""


def untaken(pool: Sequence[Reply], items: Sequence[SampleItem]) -> list[Reply]:
    """The replies of ``pool`` not in the sample: neither its 附件4 doc_id nor its exact text."""
    ids = {it.doc_id for it in items if it.source == TIPDM4_SOURCE}
    shas = {it.text_sha for it in items}
    return [r for r in pool if r.doc_id not in ids and text_sha(labelling_text(r)) not in shas]


def next_number(items: Sequence[SampleItem]) -> int:
    """The number after the highest ``mNNN`` id of the sample (1 for an empty sample)."""
    return max((int(it.item[1:]) for it in items), default=0) + 1


def fresh_items(
    items: Sequence[SampleItem], drawn: Sequence[Reply], rng: random.Random, *, path: str
) -> list[SampleItem]:
    """The drawn replies as ``fresh`` items, numbered on from ``items`` in a shuffled order."""
    first = next_number(items)
    shuffled = rng.sample(list(drawn), len(drawn))
    return [
        sample_item(first + k, TIPDM4_SOURCE, path, reply, split=FRESH_SPLIT)
        for k, reply in enumerate(shuffled)
    ]


def extend(
    items: Sequence[SampleItem], pool: Sequence[Reply], n: int, *, seed: int, path: str
) -> list[SampleItem]:
    """``n`` fresh items drawn from the eligible ``pool`` (the existing items are not returned).

    Raises AlreadyExtended when ``items`` already hold a fresh split, and ValueError when
    the pool left after the sample is smaller than ``n``.
    """
    if any(it.split == FRESH_SPLIT for it in items):
        done = [it.item for it in items if it.split == FRESH_SPLIT]
        raise AlreadyExtended(
            f"the sample already has {len(done)} fresh items ({done[0]}…{done[-1]}); "
            "it is extended once, so their labels keep one meaning"
        )
    if n < 1:
        raise ValueError(f"--extend needs a positive number of replies, not {n}")
    rng = random.Random(seed)
    drawn = draw_messages(untaken(pool, items), n, rng)
    return fresh_items(items, drawn, rng, path=path)
