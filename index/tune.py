"""Fine-tune the embedder on pairs mined from the corpus (``python -m index tune``).

Mine pairs (``index/pairs.py``), hold out a share of the records, score the base model
on them (``index/tune_eval.py``), train (``index/tune_train.py``), score again, and save
the model only when held-out MRR@10 did not fall. Work in progress lives in
``MODEL_DIR.partial/`` (checkpoints, cached passage vectors), so a killed run resumes; the
finished folder is renamed into place whole, with a model card (``tuning.json``,
``README.md``) and the held-out doc ids beside the weights.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.build import load_replies
from index.embed import DEFAULT_MODEL, default_model_dir, load_embedder
from index.pairs import (
    Pair,
    PairPool,
    Split,
    add_hard_negatives,
    mine_pool,
    pairs_sha256,
    select_pairs,
    split_by_ids,
    split_records,
)
from index.reply import Reply
from index.segment import Segmenter, harvest_terms
from index.tune_card import model_card, write_card
from index.tune_eval import EvalSet, Scores, evaluate
from index.tune_train import TrainSettings, train
from index.tune_work import (
    MODEL,
    check_out,
    discard_run,
    start_run,
    swap_into_place,
    work_folder,
)

logger = logging.getLogger(__name__)

MIN_TRAIN_PAIRS = 200


class CorpusTooSmall(ValueError):
    """Too few records to mine enough training pairs from."""


class NotImproved(ValueError):
    """The tuned model finds held-out records less well than the base model."""


@dataclass(frozen=True)
class TuneOptions:
    """What to tune, on which records, and how."""

    model: str = DEFAULT_MODEL  # as load_embedder takes it
    holdout_fraction: float = 0.1
    holdout_ids: tuple[str, ...] | None = None  # overrides holdout_fraction
    holdout_source: str = ""  # where holdout_ids came from, for the card
    max_pairs: int = 2000
    min_train_pairs: int = MIN_TRAIN_PAIRS
    precision: str = "auto"  # of the evaluation embedders
    require_improvement: bool = True
    train: TrainSettings = field(default_factory=TrainSettings)


@dataclass(frozen=True)
class TuneReport:
    """What a tuning run did, for the CLI and the model card."""

    out: str
    saved: bool
    records: int
    train_pairs: int
    heldout_pairs: int
    heldout_records: int
    before: Scores
    after: Scores
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # seconds of each step

    def describe(self) -> str:
        """A few lines for people."""
        b, a = self.before, self.after
        verdict = f"saved to {self.out}" if self.saved else "NOT saved"
        return "\n".join(
            [
                f"records: {self.records}  training pairs: {self.train_pairs}  held-out pairs: "
                f"{self.heldout_pairs} ({self.heldout_records} records, {a.queries} queries)",
                f"held-out MRR@10: {b.mrr_at_10:.4f} → {a.mrr_at_10:.4f}   "
                f"R@10: {b.recall_at_10:.4f} → {a.recall_at_10:.4f}",
                f"time: {self.seconds:.0f} s; {verdict}",
            ]
        )


@dataclass(frozen=True)
class TuneData:
    """What a run trains and scores on, mined before any model is loaded."""

    records: int
    split: Split
    triplets: tuple[Pair, ...]
    heldout: tuple[Pair, ...]
    eval_set: EvalSet

    def describe(self) -> str:
        """One line for people."""
        return (
            f"{self.records} records: {len(self.triplets)} training pairs, "
            f"{len(self.eval_set.queries)} held-out queries from {len(self.split.heldout)} "
            f"records, ranked among {len(self.eval_set.passages)} passages"
        )


def tune(
    corpus: Sequence[Path],
    out: Path,
    *,
    options: TuneOptions | None = None,
    say: Callable[[str], None] | None = None,
    progress: bool = True,
) -> TuneReport:
    """Tune ``options.model`` on ``corpus`` and write it to ``out``; see the module doc.

    Raises :class:`CorpusTooSmall` before any model is loaded when the training records
    give fewer than ``options.min_train_pairs`` pairs, and :class:`NotImproved` (saving
    nothing) when held-out MRR@10 fell and ``options.require_improvement`` is set.
    """
    opts = options or TuneOptions()
    opts.train.check()
    tell = say or logger.info
    started = time.perf_counter()
    check_out(out)
    data = prepare(corpus, opts)
    tell(data.describe())
    work = work_folder(out)
    phases = {"mining": round(time.perf_counter() - started, 1)}
    before, after = _train_and_score(data, work, opts, tell, progress, phases)
    report = TuneReport(
        out=str(out),
        saved=not (opts.require_improvement and after.mrr_at_10 < before.mrr_at_10),
        records=data.records,
        train_pairs=len(data.triplets),
        heldout_pairs=len(data.heldout),
        heldout_records=len(data.split.heldout),
        before=before,
        after=after,
        seconds=round(time.perf_counter() - started, 1),
        phases=phases,
    )
    if not report.saved:
        discard_run(work)
        raise NotImproved(
            f"held-out MRR@10 fell from {before.mrr_at_10:.4f} to {after.mrr_at_10:.4f} "
            f"(R@10 {before.recall_at_10:.4f} → {after.recall_at_10:.4f}): the tuned model "
            "was not saved. Try fewer --epochs, or more pairs (--max-pairs)."
        )
    card = model_card(corpus, _base_folder(opts.model), data, report, opts)
    write_card(work / MODEL, card, data.split, report)
    swap_into_place(work / MODEL, out)
    shutil.rmtree(work, ignore_errors=True)
    return report


def prepare(corpus: Sequence[Path], opts: TuneOptions) -> TuneData:
    """Read the corpus, mine pairs, split the records; fast, and loads no model."""
    replies, _ = load_replies(corpus)
    pool = mine_pool(replies)
    split = _split(pool, opts)
    triplets = _training_pairs(pool, split, replies, opts)
    heldout = [p for p in pool.pairs if p.doc_id in split.heldout]
    return TuneData(
        records=len(replies),
        split=split,
        triplets=tuple(triplets),
        heldout=tuple(heldout),
        eval_set=EvalSet.build(heldout, pool.passages),
    )


def _train_and_score(
    data: TuneData,
    work: Path,
    opts: TuneOptions,
    tell: Callable[[str], None],
    progress: bool,
    phases: dict[str, float],
) -> tuple[Scores, Scores]:
    """Held-out scores of the base model, then of the model trained into ``work/model``.

    The seconds each step took are added to ``phases``.
    """
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        phases[name] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()

    base = load_embedder(opts.model, precision=opts.precision)
    start_run(work, _run_identity(base.fingerprint, data.triplets, opts))
    tell(f"scoring the base model ({base.name}) on the held-out records")
    before = evaluate(base, data.eval_set, cache_dir=work)
    del base  # free its memory before training
    lap("base_evaluation")
    tell(f"base: MRR@10 {before.mrr_at_10:.4f}, R@10 {before.recall_at_10:.4f}; training")
    shutil.rmtree(work / MODEL, ignore_errors=True)
    folder = _base_folder(opts.model)
    train(folder, data.triplets, work / MODEL, work, opts.train, progress=progress)
    lap("training")
    tell("scoring the tuned model on the held-out records")
    tuned = load_embedder(str(work / MODEL), precision=opts.precision)
    after = evaluate(tuned, data.eval_set, cache_dir=work)
    lap("tuned_evaluation")
    return before, after


def _split(pool: PairPool, opts: TuneOptions) -> Split:
    if opts.holdout_ids is not None:
        return split_by_ids(pool.doc_ids(), opts.holdout_ids)
    return split_records(pool.doc_ids(), fraction=opts.holdout_fraction, seed=opts.train.seed)


def _training_pairs(
    pool: PairPool, split: Split, replies: Sequence[Reply], opts: TuneOptions
) -> list[Pair]:
    """Pairs of the training records, capped and with hard negatives; too few is an error."""
    available = [p for p in pool.pairs if p.doc_id in split.train]
    if len(available) < opts.min_train_pairs:
        raise CorpusTooSmall(
            f"the corpus is too small to tune on: its {len(split.train)} training records give "
            f"{len(available)} pairs, and tuning needs at least {opts.min_train_pairs}. Tune on "
            "a corpus of a few hundred replies or more (e.g. a message-board export)."
        )
    chosen = select_pairs(available, opts.max_pairs, seed=opts.train.seed)
    segmenter = Segmenter(extra_terms=harvest_terms(replies))
    triplets = add_hard_negatives(chosen, pool, segmenter, allowed=split.train)
    if len(triplets) < opts.train.batch_size:
        raise CorpusTooSmall(
            f"only {len(triplets)} pairs have a hard negative, fewer than one batch "
            f"({opts.train.batch_size}): raise --max-pairs or tune on a larger corpus."
        )
    return triplets


def _base_folder(model: str) -> Path:
    """The local folder of the base model (the default is converted by load_embedder)."""
    return default_model_dir() if model in ("", DEFAULT_MODEL) else Path(model).expanduser()


def _run_identity(fingerprint: str, pairs: Sequence[Pair], opts: TuneOptions) -> dict[str, object]:
    return {
        "base_fingerprint": fingerprint,
        "pairs_sha256": pairs_sha256(pairs),
        "train": asdict(opts.train),
    }
