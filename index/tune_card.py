"""The model card of a tuned model: ``tuning.json``, ``README.md`` and the held-out ids."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from index.pairs import Split, pairs_sha256
from index.tune_work import CARD
from index.versions import package_versions

if TYPE_CHECKING:
    from index.tune import TuneData, TuneOptions, TuneReport

HELDOUT_FILE = "heldout_ids.txt"


def model_card(
    corpus: Sequence[Path],
    base_folder: Path,
    data: TuneData,
    report: TuneReport,
    opts: TuneOptions,
) -> dict[str, object]:
    """Everything ``tuning.json`` records about a run."""
    source = opts.holdout_source or f"fraction {opts.holdout_fraction}, seed {opts.train.seed}"
    return {
        "base_model": opts.model,
        "base_folder": str(base_folder),
        "corpus": [str(p) for p in corpus],
        "records": report.records,
        "pairs": {
            "train": len(data.triplets),
            "heldout": len(data.heldout),
            "sha256": pairs_sha256(data.triplets),
            "train_kinds": dict(Counter(p.kind for p in data.triplets)),
        },
        "heldout": {
            "records": len(data.split.heldout),
            "queries": len(data.eval_set.queries),
            "ids_file": HELDOUT_FILE,
            "chosen_by": source,
        },
        "evaluation": {
            "metric": "record-level MRR@10 and recall@10 over all reply passages, cosine",
            "passages": len(data.eval_set.passages),
            "before": asdict(report.before),
            "after": asdict(report.after),
        },
        "settings": {
            **asdict(opts.train),
            "max_pairs": opts.max_pairs,
            "precision": opts.precision,
        },
        "seconds": report.seconds,
        "seconds_by_phase": report.phases,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": package_versions(),
    }


def write_card(folder: Path, card: dict[str, object], split: Split, report: TuneReport) -> None:
    """``tuning.json``, ``heldout_ids.txt`` and ``README.md`` into ``folder``."""
    (folder / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (folder / HELDOUT_FILE).write_text("".join(f"{d}\n" for d in sorted(split.heldout)), "utf-8")
    (folder / "README.md").write_text(_readme(card, report), encoding="utf-8")
    for path in folder.rglob("*"):  # the trainer writes the weights readable by us alone
        path.chmod(0o755 if path.is_dir() else 0o644)


def _readme(card: dict[str, object], report: TuneReport) -> str:
    b, a = report.before, report.after
    corpus = card["corpus"]
    names = ", ".join(map(str, corpus)) if isinstance(corpus, list) else str(corpus)
    return (
        "# Tuned 先例 embedder\n\n"
        f"Fine-tuned from `{card['base_model']}` with sentence-transformers "
        "(MultipleNegativesRankingLoss: in-batch negatives plus one BM25 hard negative) on "
        f"pairs mined from {names}: {report.train_pairs} training pairs; "
        f"{report.heldout_pairs} pairs of {report.heldout_records} held-out records never "
        "trained on.\n\n"
        "| held-out | MRR@10 | R@10 |\n| --- | --- | --- |\n"
        f"| before | {b.mrr_at_10:.4f} | {b.recall_at_10:.4f} |\n"
        f"| after | {a.mrr_at_10:.4f} | {a.recall_at_10:.4f} |\n\n"
        f"Held-out doc ids: `{HELDOUT_FILE}`. Settings, versions and the pairs' sha256: "
        f"`{CARD}`.\n\nUse it with `python -m index build --model THIS_FOLDER`.\n"
    )
