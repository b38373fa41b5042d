"""May an index of an older format be rebuilt by itself? Only when nothing can be lost.

After an upgrade that changes the on-disk format, the app finds an index it cannot read.
Rebuilding it from the corpus the app was started with is what the user would do by hand
(the vectors are reused, so it costs the keyword indexes only), but only when that corpus
still holds every file the old index was built from: an index built from a bureau's own
files must never be replaced by one of the bundled sample. Otherwise the app stops with the
store's message, which names the rebuild command.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index import store
from index.read import corpus_names

__all__ = ["OutdatedIndex", "outdated_index"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutdatedIndex:
    """An older-format index that may be rebuilt from the corpus at hand."""

    format_version: int
    model_spec: str | None  # what built it (``load_embedder``'s argument); None: the default


def outdated_index(index_dir: Path, corpus: Sequence[Path]) -> OutdatedIndex | None:
    """The live index at ``index_dir`` when it is of an older format and ``corpus`` still
    holds every file it was built from (rebuilding from ``corpus`` loses no record); else
    None."""
    try:
        paths = store.live_generation(index_dir)
        manifest = store.read_manifest(paths, any_format=True)
    except store.IndexStoreError:
        return None  # damaged or absent: opening it says what to do
    if manifest.format_version >= store.FORMAT_VERSION:
        return None  # current (or newer: never downgrade)
    try:
        built_from = _source_names(paths.file(store.REPLIES))
        present = corpus_names(corpus)
    except (OSError, ValueError, KeyError, TypeError) as exc:  # unreadable replies, no corpus
        logger.info("not rebuilding %s by itself: %s", index_dir, exc)
        return None
    missing = sorted(built_from - present)
    if missing:
        logger.warning(
            "not rebuilding %s by itself: %d of its source files are not in the corpus "
            "(e.g. %s)", index_dir, len(missing), missing[0],
        )  # fmt: skip
        return None
    spec = manifest.settings.get("model_spec")
    return OutdatedIndex(manifest.format_version, str(spec) if spec else None)


def _source_names(replies_file: Path) -> set[str]:
    """The ``source.path`` of every reply in a replies.jsonl, read as plain JSON (an older
    format's replies need not load as today's :class:`~index.reply.Reply`)."""
    names = set()
    with replies_file.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                names.add(str(json.loads(line)["source"]["path"]))
    return names
