"""Does a fine-tuned clause classifier beat the linear clause model? (issue 10 experiment)

    python -m bench.measures_ft_cv --probe 200   # throughput: forward and training examples/s
    python -m bench.measures_ft_cv               # fine-tune per fold, cache out-of-fold probs
    python -m bench.measures_ft_cv --reuse       # compare again from the cached probs

The default embedding model (multilingual-e5-small, the folder ``index.embed`` resolves) is
loaded as a sentence-pair classifier (sentence-transformers ``CrossEncoder``, a fresh 3-way
head on e5's pooler): the pair is (the clause, its context: the clauses around it as they
stand in the text, punctuation included), the label the clause model's H / C / O.

Only the top ``top_layers`` encoder layers, the pooler and the head are fine-tuned (cross
entropy, AdamW). The layers under them are frozen, so their output is the same in every fold
and is computed once; this is what makes cross-validation fit on two shared cores.
``CrossEncoderTrainer`` over the whole encoder (word embeddings frozen, AdamW over the other
21.6M weights) ran at 1.5 training examples/s here: ~5 h for 5 folds of one epoch.

Items are dev, test, fresh and dev2 (never fresh2); folds by item as ``bench.measures_cv``
deals them, and the same decode (``apply_rules``, ``decode_spans``), span scoring and
threshold choice (F0.5 and F1, out of fold). Compared on those folds:

- ``a``: the linear clause model (``bench.measures_cv.out_of_fold``);
- ``b``: the fine-tuned classifier's H / C / O probabilities in its place;
- ``c``: a stack, both models' probabilities averaged (``c avg``) or a logistic regression
  over both models' log-probabilities fitted on the other folds' out-of-fold rows (``c lr``).

Nothing here is used by the product.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.measures_ctx_cv import Probs, print_table
from bench.measures_cv import _folds, out_of_fold
from bench.measures_train import (
    CLAUSE_CLASSES,
    DEVELOPMENT_SPLITS,
    TrainItem,
    clause_labels,
    load_train_items,
)
from index.clauses import Clause

logger = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent.parent / "data" / "measures_ft"
THREADS = 2


@dataclass(frozen=True)
class FtSettings:
    """What the fine-tuning run uses (recorded beside the cached probabilities)."""

    before: int = 1  # clauses of context before the clause
    after: int = 1  # and after it
    max_length: int = 96  # tokens of the pair
    top_layers: int = 2  # encoder layers fine-tuned (with the pooler and the head)
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 1e-4
    folds: int = 5
    seed: int = 13


def clause_pairs(
    text: str, clauses: Sequence[Clause], before: int, after: int
) -> list[tuple[str, str]]:
    """(clause, context) for each clause; the context is the text from ``before`` clauses
    ahead of it to ``after`` clauses past it, cut from the text so the punctuation, list
    markers and line ends between them stay."""
    out = []
    for i, c in enumerate(clauses):
        first = clauses[max(0, i - before)]
        last = clauses[min(len(clauses) - 1, i + after)]
        out.append((c.text, text[first.start : last.end].strip()))
    return out


def item_pairs(
    items: Sequence[TrainItem], s: FtSettings
) -> tuple[list[tuple[str, str]], list[int], list[int]]:
    """Pairs, label ids (index into ``CLAUSE_CLASSES``) and item index of every clause."""
    pairs: list[tuple[str, str]] = []
    labels: list[int] = []
    owner: list[int] = []
    for n, it in enumerate(items):
        pairs += clause_pairs(it.text, it.clauses, s.before, s.after)
        labels += [CLAUSE_CLASSES.index(y) for y in clause_labels(it.clauses, it.gold)]
        owner += [n] * len(it.clauses)
    return pairs, labels, owner


def new_classifier(s: FtSettings) -> Any:
    """The default model as a ``CrossEncoder`` with a fresh 3-way head (its pooler is e5's)."""
    import torch
    from sentence_transformers import CrossEncoder

    from index import e5convert
    from index.embed import default_model_dir

    torch.set_num_threads(THREADS)
    torch.manual_seed(s.seed)
    folder = e5convert.ensure_converted(default_model_dir())
    return CrossEncoder(str(folder), num_labels=len(CLAUSE_CLASSES), max_length=s.max_length)


@dataclass(frozen=True)
class States:
    """Per-pair hidden states under the fine-tuned layers, and the full forward's seconds."""

    rows: list[Any]
    seconds: float


def lower_states(model: Any, pairs: Sequence[tuple[str, str]], s: FtSettings) -> States:
    """Each pair's hidden states below the fine-tuned layers (frozen, so the same in every
    fold: computed once), and the seconds the whole model's forward pass took."""
    import torch

    hf, cut = model.model.eval(), -s.top_layers - 1
    states: list[Any] = [None] * len(pairs)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    t0 = time.perf_counter()
    for b in range(0, len(order), 32):  # length-sorted batches: little padding
        idx = order[b : b + 32]
        enc = tokenize(model, [pairs[i] for i in idx], s)
        with torch.inference_mode():
            hidden = hf(**enc, output_hidden_states=True).hidden_states[cut]
        for row, i in enumerate(idx):
            states[i] = hidden[row, : int(enc["attention_mask"][row].sum())].clone()
    return States(states, time.perf_counter() - t0)


def tokenize(model: Any, pairs: Sequence[tuple[str, str]], s: FtSettings) -> Any:
    """The pairs as the cross-encoder reads them ([CLS] clause [SEP] context [SEP])."""
    return model.tokenizer(
        [p[0] for p in pairs],
        [p[1] for p in pairs],
        padding=True,
        truncation=True,
        max_length=s.max_length,
        return_tensors="pt",
    )


def top_part(model: Any, s: FtSettings) -> Any:
    """A copy of the classifier that starts at the cached states: its embeddings pass the
    states through and only the top ``top_layers`` layers, the pooler and the head remain."""
    import copy

    import torch

    class PassThrough(torch.nn.Module):
        def forward(self, inputs_embeds: Any, **_: Any) -> Any:
            return inputs_embeds

    top = copy.deepcopy(model.model)
    top.base_model.embeddings = PassThrough()
    top.base_model.encoder.layer = top.base_model.encoder.layer[-s.top_layers :]
    return top


def padded(rows: Sequence[Any]) -> tuple[Any, Any]:
    """A batch of variable-length states, zero-padded, and its attention mask."""
    import torch

    x = torch.nn.utils.rnn.pad_sequence(list(rows), batch_first=True)
    mask = torch.zeros(x.shape[:2], dtype=torch.long)
    for r, row in enumerate(rows):
        mask[r, : len(row)] = 1
    return x, mask


def train_top(model: Any, rows: Sequence[Any], labels: Sequence[int], s: FtSettings) -> Any:
    """Fine-tune the top part on cached states: AdamW (fused), linear warm-up then decay."""
    import torch

    torch.manual_seed(s.seed)
    top = top_part(model, s).train()
    opt = torch.optim.AdamW(top.parameters(), lr=s.learning_rate, fused=True)
    steps = s.epochs * -(-len(rows) // s.batch_size)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min((k + 1) / warm, max(0.0, (steps - k) / (steps - warm)))
    )
    y = torch.tensor(list(labels))
    for _ in range(s.epochs):
        for b in torch.randperm(len(rows)).split(s.batch_size):
            x, mask = padded([rows[i] for i in b.tolist()])
            loss = top(inputs_embeds=x, attention_mask=mask, labels=y[b]).loss
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
    return top.eval()


def predict_top(top: Any, rows: Sequence[Any]) -> np.ndarray:
    """``(n, 3)`` softmax probabilities in ``CLAUSE_CLASSES`` order."""
    import torch

    out = []
    with torch.inference_mode():
        for b in range(0, len(rows), 64):
            x, mask = padded(rows[b : b + 64])
            out.append(torch.softmax(top(inputs_embeds=x, attention_mask=mask).logits, -1))
    return torch.cat(out).double().numpy()


def probe(items: Sequence[TrainItem], s: FtSettings, n: int) -> dict[str, float]:
    """Examples per second on ``n`` clauses: the whole model's forward (what an index build
    would run), and one epoch of training the top part."""
    pairs, labels, _ = item_pairs(items, s)
    picked = list(range(0, len(pairs), max(1, len(pairs) // n)))[:n]
    model = new_classifier(s)
    states = lower_states(model, [pairs[i] for i in picked], s)
    t0 = time.perf_counter()
    train_top(model, states.rows, [labels[i] for i in picked], replace(s, epochs=1))
    return {"forward_per_s": n / states.seconds, "train_per_s": n / (time.perf_counter() - t0)}


def oof_ft(items: Sequence[TrainItem], s: FtSettings) -> tuple[np.ndarray, dict[str, Any]]:
    """Out-of-fold probabilities of every clause (``clause_examples`` order) and timings."""
    pairs, labels, owner = item_pairs(items, s)
    model = new_classifier(s)
    states = lower_states(model, pairs, s)
    logger.warning("forward of %d pairs: %.0f s", len(pairs), states.seconds)
    own = np.asarray(owner)
    out = np.zeros((len(pairs), len(CLAUSE_CLASSES)))
    timing: dict[str, Any] = {"forward_s": round(states.seconds, 1), "train_s": []}
    for k, held in enumerate(_folds(len(items), s.folds)):
        rows = np.isin(own, held)
        kept = np.flatnonzero(~rows).tolist()
        t0 = time.perf_counter()
        top = train_top(model, [states.rows[i] for i in kept], [labels[i] for i in kept], s)
        timing["train_s"].append(round(time.perf_counter() - t0, 1))
        out[rows] = predict_top(top, [states.rows[i] for i in np.flatnonzero(rows)])
        logger.warning("fold %d: train %.0f s", k, timing["train_s"][-1])
    return out, timing


def save(out: np.ndarray, meta: dict[str, Any], cache: Path = CACHE_DIR) -> None:
    """The out-of-fold probabilities as ``.npy`` and what made them as JSON."""
    cache.mkdir(parents=True, exist_ok=True)
    np.save(cache / "oof.npy", out, allow_pickle=False)
    (cache / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")


def load(cache: Path = CACHE_DIR) -> tuple[np.ndarray, dict[str, Any]]:
    """The cached probabilities; the error says how to make them."""
    if not (cache / "oof.npy").is_file():
        raise FileNotFoundError(f"{cache}/oof.npy missing: run `python -m bench.measures_ft_cv`")
    meta = json.loads((cache / "meta.json").read_text("utf-8"))
    return np.load(cache / "oof.npy", allow_pickle=False), meta


def per_item(items: Sequence[TrainItem], rows: np.ndarray) -> Probs:
    """Rows in clause order → one list of ``{"H", "C", "O"}`` dicts per item."""
    probs: Probs = []
    start = 0
    for it in items:
        block = rows[start : start + len(it.clauses)]
        probs.append([dict(zip(CLAUSE_CLASSES, map(float, r), strict=True)) for r in block])
        start += len(it.clauses)
    return probs


def flat(probs: Probs) -> np.ndarray:
    """One list of dicts per item → ``(clauses, 3)`` in ``CLAUSE_CLASSES`` order."""
    return np.asarray([[p[k] for k in CLAUSE_CLASSES] for ps in probs for p in ps])


def stack_lr(
    items: Sequence[TrainItem], base: np.ndarray, ft: np.ndarray, folds: int
) -> np.ndarray:
    """A logistic regression over both models' log-probabilities, each fold's rows scored by
    one fitted on the other folds (so the stack is out-of-fold too)."""
    from sklearn.linear_model import LogisticRegression

    x = np.log(np.clip(np.hstack([base, ft]), 1e-6, 1.0))
    _, labels, owner = item_pairs(items, FtSettings())
    y, own = np.asarray(labels), np.asarray(owner)
    out = np.zeros_like(base)
    for held in _folds(len(items), folds):
        rows = np.isin(own, held)
        clf = LogisticRegression(C=1.0, max_iter=2000).fit(x[~rows], y[~rows])
        out[np.ix_(rows, clf.classes_)] = clf.predict_proba(x[rows])
    return out


def compare(items: Sequence[TrainItem], ft: np.ndarray, folds: int) -> None:
    """Message P/R/F1 of each variant at the F0.5 and F1 thresholds."""
    cv_args = argparse.Namespace(
        folds=folds, c=1.0, stage_c=1.0, min_weight=0.05, formal_weight=1.0
    )
    base_probs, stage_models = out_of_fold(items, cv_args)
    base = flat(base_probs)
    variants = [
        ("a  clause model", base_probs),
        ("b  fine-tuned", per_item(items, ft)),
        ("c  avg", per_item(items, (base + ft) / 2)),
        ("c  lr", per_item(items, stack_lr(items, base, ft, folds))),
    ]
    print_table(items, variants, stage_models, f"out-of-fold ({folds} folds), {len(items)} items")


def main(argv: list[str] | None = None) -> int:
    """Probe, or fine-tune out of fold (or reuse the cache), then compare."""
    parser = argparse.ArgumentParser(prog="python -m bench.measures_ft_cv")
    parser.add_argument("--probe", type=int, default=0, help="only time N train/predict examples")
    parser.add_argument("--reuse", action="store_true", help="compare from the cached probs")
    for field, default in asdict(FtSettings()).items():
        parser.add_argument(f"--{field.replace('_', '-')}", type=type(default), default=default)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    s = FtSettings(**{k: getattr(args, k) for k in asdict(FtSettings())})
    items = load_train_items(splits=DEVELOPMENT_SPLITS)
    if args.probe:
        print(json.dumps({**asdict(s), **probe(items, s, args.probe)}))
        return 0
    if args.reuse:
        ft, meta = load()
    else:
        ft, timing = oof_ft(items, s)
        meta = {"settings": asdict(s), "timing": timing, "clauses": len(ft)}
        save(ft, meta)
    t = meta["timing"]
    print(f"settings {json.dumps(meta['settings'])}")
    print(
        f"whole-model forward {t['forward_s']} s for {meta['clauses']} clauses "
        f"({t['forward_s'] / len(items):.3f} s per reply); train s per fold {t['train_s']}"
    )
    compare(items, ft, meta["settings"]["folds"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
