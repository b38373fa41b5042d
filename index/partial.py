"""Embedding work saved as it happens, so a killed build resumes instead of starting over.

Vectors are written in slices to ``DIR/partial-<fingerprint>/`` (``.npy`` + a JSON list of
text keys). The next build with the same model reads them back; a committed build
deletes them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from index.embed import Embedder

logger = logging.getLogger(__name__)

SLICE = 256  # passages per saved slice: at ~10 passages/s, at most ~25 s of work is lost


class PartialVectors:
    """Slices of vectors embedded by an unfinished build with one model."""

    def __init__(self, index_dir: Path, fingerprint: str) -> None:
        self.folder = index_dir / f"partial-{fingerprint[:16]}"

    def load(self) -> dict[str, np.ndarray]:
        """Every vector saved so far, by text key; unreadable slices are ignored with a log."""
        found: dict[str, np.ndarray] = {}
        if not self.folder.is_dir():
            return found
        for keys_file in sorted(self.folder.glob("*.json")):
            try:
                keys = json.loads(keys_file.read_text(encoding="utf-8"))
                vectors = np.load(keys_file.with_suffix(".npy"), allow_pickle=False)
            except (OSError, ValueError) as exc:
                logger.info("ignoring unreadable partial slice %s (%s)", keys_file.name, exc)
                continue
            if len(keys) == len(vectors):
                found.update(zip(keys, vectors, strict=True))
        if found:
            logger.info("resuming: %d vectors from an interrupted build", len(found))
        return found

    def embed(
        self,
        todo: Sequence[tuple[str, str]],
        embedder: Embedder,
        *,
        batch_size: int,
        progress: bool,
    ) -> dict[str, np.ndarray]:
        """Embed ``(key, text)`` pairs slice by slice, saving each slice before the next."""
        done: dict[str, np.ndarray] = {}
        if not todo:
            return done
        self.folder.mkdir(parents=True, exist_ok=True)
        bar = tqdm(total=len(todo), desc="embedding", unit="passage", disable=not progress)
        for start in range(0, len(todo), SLICE):
            part = todo[start : start + SLICE]
            vectors = embedder.encode_documents([t for _, t in part], batch_size=batch_size)
            self._save(start, [k for k, _ in part], vectors)
            done.update(zip((k for k, _ in part), vectors, strict=True))
            bar.update(len(part))
        bar.close()
        return done

    def clear(self) -> None:
        """Forget the saved slices (the build they belonged to has been committed)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def _save(self, start: int, keys: list[str], vectors: np.ndarray) -> None:
        stem = self.folder / f"{os.getpid()}-{start:08d}"
        tmp = stem.with_suffix(".npy.tmp")
        with tmp.open("wb") as fh:
            np.save(fh, vectors.astype(np.float32), allow_pickle=False)
        os.replace(tmp, stem.with_suffix(".npy"))
        # keys last: a slice without its keys file is never read
        stem.with_suffix(".json").write_text(json.dumps(keys), encoding="utf-8")
