"""Contextual clause vectors for the measure experiment (issue 10; not used by the product).

    python -m bench.measures_ctx_encode     # writes data/measures_ctx/{vectors.npy,index.json}

Each reply of the development splits (dev, test, fresh, dev2 — never fresh2) is encoded once
by the shipped model (multilingual-e5-small, bfloat16, the ``passage: `` prompt); the last
layer's token states of each clause (found through the tokenizer's offset mapping) are
averaged, so a clause's vector has seen the whole reply: who writes, the list it sits in, what
came before. A reply longer than the model's 512 positions is read in overlapping windows
(half a window apart), each token taking its state from the window where it sits furthest
from a cut edge. ``bench.measures_ctx_cv`` compares these vectors with the clause model's
cheap features out-of-fold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.measures_train import DEVELOPMENT_SPLITS, TrainItem, load_train_items
from index.clauses import Clause

logger = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent.parent / "data" / "measures_ctx"
VECTORS = "vectors.npy"
INDEX = "index.json"
MAX_POSITIONS = 512


@dataclass(frozen=True)
class ClauseVectors:
    """The cached vectors: one row per clause, items in training order."""

    vectors: np.ndarray
    rows: dict[str, tuple[int, int]]  # item -> (first row, end row)
    meta: dict[str, Any]

    def of(self, it: TrainItem) -> np.ndarray:
        """The rows of one item; a KeyError/ValueError says to re-encode when stale."""
        if it.item not in self.rows:
            raise KeyError(f"{it.item} is not cached: run `python -m bench.measures_ctx_encode`")
        first, end = self.rows[it.item]
        if end - first != len(it.clauses) or self.meta["sha"][it.item] != text_sha(it.text):
            raise ValueError(
                f"{it.item}: cache is stale; run `python -m bench.measures_ctx_encode`"
            )
        return self.vectors[first:end]


def text_sha(text: str) -> str:
    """A short content hash, so a changed text or clause cut is caught."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def windows(n: int, width: int) -> list[tuple[int, int]]:
    """Windows of ``width`` over ``n`` tokens, half a window apart, the last one flush right."""
    if n <= width:
        return [(0, n)]
    step = max(1, width // 2)
    starts = [*range(0, n - width, step), n - width]
    return [(s, s + width) for s in starts]


def best_window(j: int, spans: Sequence[tuple[int, int]], n: int) -> int:
    """The window in which token ``j`` lies furthest from a cut (the text's own ends are no cut)."""

    def room(w: tuple[int, int]) -> float:
        left = j - w[0] if w[0] > 0 else float("inf")
        right = w[1] - 1 - j if w[1] < n else float("inf")
        return min(left, right)

    inside = [k for k, w in enumerate(spans) if w[0] <= j < w[1]]
    return max(inside, key=lambda k: room(spans[k]))


def pool_clauses(
    states: np.ndarray, offsets: Sequence[tuple[int, int]], clauses: Sequence[Clause], shift: int
) -> np.ndarray:
    """Mean token state of each clause: tokens whose characters overlap the clause.
    ``shift`` is the prompt's length (offsets count from the prompt's start)."""
    out = np.zeros((len(clauses), states.shape[1]), dtype=np.float32)
    for i, c in enumerate(clauses):
        lo, hi = c.start + shift, c.end + shift
        picked = [t for t, (s, e) in enumerate(offsets) if e > s and s < hi and e > lo]
        if picked:
            out[i] = states[picked].mean(axis=0)
        else:
            logger.warning("clause %r has no token; its vector stays zero", c.text)
    return out


class ContextEncoder:
    """Token states of whole replies from the shipped sentence-transformers model."""

    def __init__(self) -> None:
        import torch

        from index.embed import load_embedder

        embedder = load_embedder()
        self._torch = torch
        st = embedder._model  # type: ignore[attr-defined]  # experiment: reach the raw model
        self.prompt: str = embedder.document_prompt  # type: ignore[attr-defined]
        self.tokenizer = st[0].tokenizer
        self.model = st[0].auto_model.eval()
        ids = self.tokenizer("x")["input_ids"]
        self.cls, self.sep = ids[0], ids[-1]

    def token_states(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]], int]:
        """States (tokens × 384) of the body tokens, their offsets in prompt + text, windows."""
        full = self.prompt + text
        enc = self.tokenizer(full, add_special_tokens=False, return_offsets_mapping=True)
        cut = len(self.prompt.rstrip())
        n_prefix = sum(1 for _, e in enc["offset_mapping"] if e <= cut)
        prefix, body = enc["input_ids"][:n_prefix], enc["input_ids"][n_prefix:]
        offsets = [tuple(o) for o in enc["offset_mapping"][n_prefix:]]
        spans = windows(len(body), MAX_POSITIONS - 2 - n_prefix)
        batch = [[self.cls, *prefix, *body[s:e], self.sep] for s, e in spans]
        width = max(len(b) for b in batch)
        ids = self._torch.tensor([b + [0] * (width - len(b)) for b in batch])
        mask = self._torch.tensor([[1] * len(b) + [0] * (width - len(b)) for b in batch])
        with self._torch.inference_mode():
            hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
        hidden_np = hidden.float().numpy()
        states = np.zeros((len(body), hidden_np.shape[2]), dtype=np.float32)
        for j in range(len(body)):
            k = best_window(j, spans, len(body))
            states[j] = hidden_np[k, 1 + n_prefix + j - spans[k][0]]
        return states, offsets, len(spans)  # type: ignore[return-value]


def encode_items(items: Sequence[TrainItem], out_dir: Path) -> dict[str, Any]:
    """Encode every item, write the vectors and index, return the timing."""
    encoder = ContextEncoder()
    blocks, rows, sha, seconds, n_windows = [], {}, {}, {}, {}
    row = 0
    for it in items:
        t0 = time.perf_counter()
        states, offsets, n_win = encoder.token_states(it.text)
        vectors = pool_clauses(states, offsets, it.clauses, len(encoder.prompt))
        seconds[it.item] = round(time.perf_counter() - t0, 4)
        blocks.append(vectors)
        rows[it.item] = (row, row + len(vectors))
        sha[it.item] = text_sha(it.text)
        n_windows[it.item] = n_win
        row += len(vectors)
    out_dir.mkdir(parents=True, exist_ok=True)
    np.save(out_dir / VECTORS, np.concatenate(blocks), allow_pickle=False)
    meta = {"prompt": encoder.prompt, "sha": sha, "seconds": seconds, "windows": n_windows}
    (out_dir / INDEX).write_text(json.dumps({"rows": rows, "meta": meta}, ensure_ascii=False))
    return meta


def load_vectors(cache: Path = CACHE_DIR) -> ClauseVectors:
    """The cached vectors; errors say how to write them."""
    if not (cache / VECTORS).is_file():
        raise FileNotFoundError(
            f"{cache / VECTORS} missing: run `python -m bench.measures_ctx_encode`"
        )
    index = json.loads((cache / INDEX).read_text("utf-8"))
    rows = {k: (int(v[0]), int(v[1])) for k, v in index["rows"].items()}
    return ClauseVectors(np.load(cache / VECTORS, allow_pickle=False), rows, index["meta"])


def main(argv: list[str] | None = None) -> int:
    """Encode the development splits and print the cost per reply."""
    parser = argparse.ArgumentParser(prog="python -m bench.measures_ctx_encode")
    parser.add_argument("--out", type=Path, default=CACHE_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    items = load_train_items(splits=DEVELOPMENT_SPLITS)
    meta = encode_items(items, args.out)
    secs = sorted(meta["seconds"].values())
    long = sum(1 for n in meta["windows"].values() if n > 1)
    print(
        f"{len(items)} replies, {sum(len(it.clauses) for it in items)} clauses, "
        f"{long} in more than one window; seconds per reply: mean {np.mean(secs):.3f}, "
        f"median {np.median(secs):.3f}, max {secs[-1]:.3f}; total {sum(secs):.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
