"""Fresh, never-read extensions of the measure sample, one named split each (issue #10).

    python -m bench.measures_sample --extend 45                              # split fresh
    python -m bench.measures_sample --extend 45 --split fresh2 --seed 2027   # split fresh2

The labelled sample's dev split was read to write the extractor's rules and its test split
was read once per round, so neither is unseen any more; once a fresh split has been read
while developing, it is not unseen either, and a new one is drawn. An extension draws ``n``
more message replies of 附件4 by the first sample's rules (:mod:`bench.measures_draw`),
leaving out every reply already in the sample, whatever its split (by 留言编号 and by text),
with its own seed. The new items continue the numbering after the last item — the existing
ids never change, since labels point into them — and all go to the named split, labelled once
(no ``double``). Each split name is extended once: drawing again into it would change what
its labels mean. Nothing is fitted or tuned on an extension: ``bench.measures_train`` reads
``dev`` only.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from bench.measures_draw import draw_messages, sample_item
from bench.measures_text import SampleItem, labelling_text, text_sha
from index.reply import Reply

FRESH_SEED = 2026
FRESH_SPLIT = "fresh"
# dev and test belong to the first sample (assign_splits); ``all`` means every split to
# ``bench.measures --split``, so an extension by that name could never be scored alone.
RESERVED_SPLITS = ("dev", "test", "all")
_SPLIT_NAME = re.compile(r"[a-z][a-z0-9_]*")
TIPDM4_SOURCE = "tipdm4"


class AlreadyExtended(ValueError):
    """The sample already holds the split; drawing again would change what it means."""


def check_split_name(split: str) -> None:
    """Raise ValueError unless ``split`` can name a new extension (not dev, test or all)."""
    if split in RESERVED_SPLITS:
        raise ValueError(
            f"--split {split} is not an extension: dev and test are the first sample's splits "
            f"and all means every split; name the new one, e.g. --split fresh2"
        )
    if not _SPLIT_NAME.fullmatch(split):
        raise ValueError(
            f"--split {split!r}: use lower-case letters, digits and _, starting with a letter"
        )


def untaken(pool: Sequence[Reply], items: Sequence[SampleItem]) -> list[Reply]:
    """The replies of ``pool`` not in the sample: neither its 附件4 doc_id nor its exact text."""
    ids = {it.doc_id for it in items if it.source == TIPDM4_SOURCE}
    shas = {it.text_sha for it in items}
    return [r for r in pool if r.doc_id not in ids and text_sha(labelling_text(r)) not in shas]


def next_number(items: Sequence[SampleItem]) -> int:
    """The number after the highest ``mNNN`` id of the sample (1 for an empty sample)."""
    return max((int(it.item[1:]) for it in items), default=0) + 1


def fresh_items(
    items: Sequence[SampleItem],
    drawn: Sequence[Reply],
    rng: random.Random,
    *,
    path: str,
    split: str = FRESH_SPLIT,
) -> list[SampleItem]:
    """The drawn replies as ``split`` items, numbered on from ``items`` in a shuffled order."""
    first = next_number(items)
    shuffled = rng.sample(list(drawn), len(drawn))
    return [
        sample_item(first + k, TIPDM4_SOURCE, path, reply, split=split)
        for k, reply in enumerate(shuffled)
    ]


def check_extension(items: Sequence[SampleItem], n: int, *, split: str) -> None:
    """Raise unless ``n`` items may be appended to ``items`` as the new split ``split``.

    AlreadyExtended when ``items`` already hold ``split``; ValueError when the name is dev,
    test or all (or malformed), or ``n`` is not positive.
    """
    check_split_name(split)
    if done := [it.item for it in items if it.split == split]:
        raise AlreadyExtended(
            f"the sample already has {len(done)} {split} items ({done[0]}…{done[-1]}); "
            "each split is extended once, so its labels keep one meaning; "
            "draw another split under a new name (--split NAME)"
        )
    if n < 1:
        raise ValueError(f"--extend needs a positive number of replies, not {n}")


def extend(
    items: Sequence[SampleItem],
    pool: Sequence[Reply],
    n: int,
    *,
    seed: int,
    path: str,
    split: str = FRESH_SPLIT,
) -> list[SampleItem]:
    """``n`` new ``split`` items drawn from the eligible ``pool`` (existing items not returned).

    Raises as :func:`check_extension` does, and ValueError when the pool left after the
    sample is smaller than ``n``.
    """
    check_extension(items, n, split=split)
    rng = random.Random(seed)
    drawn = draw_messages(untaken(pool, items), n, rng)
    return fresh_items(items, drawn, rng, path=path, split=split)
