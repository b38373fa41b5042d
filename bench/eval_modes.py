"""Hybrid against dense and keyword retrieval on the devset, side by side, and tuning.

Builds (or reuses) the index of the masked 附件4 replies that ``bench.devset`` wrote, runs
every query kind (title, keywords, message) in every mode and prints a markdown table and
JSON. With ``--tune`` it then searches the fusion settings (RRF weights and k, candidate
depth, keyword terms and dense pieces of long queries) on one half of the queries and
reports the best on the other half.

    python -m bench.devset                 # once: corpus + query files
    python -m bench.eval_modes [--model default | --fake] [--tune] [--rebuild]

A hit counts for a relevant reply when that reply is the hit or one of the near-duplicates
folded into it (the searcher shows a template answer once).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from bench.devset import (
    DATA_DIR,
    KINDS,
    TIPDM4,
    WORK_DIR,
    materialize,
    read_jsonl,
    read_messages,
    table_present,
)
from bench.tuning import CachedEmbedder, tune
from index import store
from index.build import BuildOptions, build_index
from index.embed import Embedder, load_embedder
from search import MODES, Searcher, SearchHit, SearchSettings
from search.eval import LabelledQuery, mrr_at, ndcg_at, recall_at

logger = logging.getLogger(__name__)

Table = dict[str, dict[str, dict[str, float | int]]]  # kind → mode → metric → value


def ensure_index(
    corpus: Path, index_dir: Path, embedder: Embedder, *, model_spec: str, rebuild: bool = False
) -> Path:
    """The live index at ``index_dir``, built from ``corpus`` first when missing or asked to.

    A rebuild is incremental: passages whose text is unchanged keep their vectors.
    """
    try:
        store.live_generation(index_dir)
        if not rebuild:
            return index_dir
    except store.IndexStoreError:
        logger.info("no index at %s yet: building it (minutes with the real model)", index_dir)
    if not corpus.is_file():
        raise FileNotFoundError(f"{corpus} is missing: run `python -m bench.devset` first.")
    options = BuildOptions(model_spec=model_spec)
    report = build_index([corpus], index_dir, embedder=embedder, options=options, progress=True)
    logger.info("built %s: %d replies, %d passages", index_dir, report.replies, report.passages)
    return index_dir


def load_queries(data_dir: Path, table: Path) -> dict[str, list[LabelledQuery]]:
    """The committed query files, message queries filled in from ``table`` by message id."""
    messages = read_messages(table)
    out: dict[str, list[LabelledQuery]] = {}
    for kind in KINDS:
        path = data_dir / f"devset_{kind}.jsonl"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `python -m bench.devset` first.")
        rows = materialize(read_jsonl(path), messages)
        out[kind] = [
            LabelledQuery(str(r["qid"]), str(r["query"]), frozenset(map(str, r["relevant_ids"])))  # type: ignore[call-overload]
            for r in rows
        ]
    return out


def credited(hits: Sequence[SearchHit], relevant: frozenset[str]) -> list[str]:
    """Hit doc ids, a hit standing for a relevant reply folded into it as a near-duplicate."""
    out = []
    for hit in hits:
        found = [d for d in (hit.doc_id, *hit.duplicates) if d in relevant]
        out.append(found[0] if found else hit.doc_id)
    return out


def score(
    searcher: Searcher,
    queries: Sequence[LabelledQuery],
    mode: str,
    *,
    k: int = 10,
    per_query: list[float] | None = None,
) -> dict[str, float | int]:
    """Mean recall@1/5/10, MRR@10 and nDCG@10 of ``mode`` over ``queries``.

    ``per_query``, when given, receives each query's reciprocal rank (for paired tests).
    """
    names = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
    totals = dict.fromkeys(names, 0.0)
    for q in queries:
        ranked = credited(searcher.search(q.query, k=k, mode=mode), q.relevant_ids)
        if per_query is not None:
            per_query.append(mrr_at(ranked, q.relevant_ids, k))
        totals["recall@1"] += recall_at(ranked, q.relevant_ids, 1)
        totals["recall@5"] += recall_at(ranked, q.relevant_ids, 5)
        totals["recall@10"] += recall_at(ranked, q.relevant_ids, 10)
        totals["mrr@10"] += mrr_at(ranked, q.relevant_ids, 10)
        totals["ndcg@10"] += ndcg_at(ranked, q.relevant_ids, 10)
    n = max(len(queries), 1)
    return {**{m: round(v / n, 4) for m, v in totals.items()}, "queries": len(queries)}


def compare(
    searcher: Searcher,
    queries: dict[str, list[LabelledQuery]],
    modes: Sequence[str] = MODES,
    *,
    per_query: dict[tuple[str, str], list[float]] | None = None,
) -> Table:
    """Metrics for every query kind in every mode (per-query MRR into ``per_query``)."""
    table: Table = {}
    for kind, qs in queries.items():
        for mode in modes:
            sink = None if per_query is None else per_query.setdefault((kind, mode), [])
            table.setdefault(kind, {})[mode] = score(searcher, qs, mode, per_query=sink)
    return table


def paired_ci(
    a: Sequence[float], b: Sequence[float], *, rounds: int = 2000, seed: int = 0
) -> dict[str, float]:
    """Mean of ``a - b`` in points (×100) and its 95% paired-bootstrap interval."""
    if len(a) != len(b) or not a:
        raise ValueError(f"paired_ci needs two equally long, non-empty lists ({len(a)}, {len(b)})")
    diff = [x - y for x, y in zip(a, b, strict=True)]
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(diff, k=len(diff))) / len(diff) for _ in range(rounds))
    low, high = means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]
    return {
        "delta": round(100 * sum(diff) / len(diff), 1),
        "low": round(100 * low, 1),
        "high": round(100 * high, 1),
    }


def margin_cis(per_query: dict[tuple[str, str], list[float]]) -> dict[str, dict[str, object]]:
    """Hybrid minus dense and minus keyword MRR@10 per kind, with 95% bootstrap intervals."""
    kinds = sorted({kind for kind, _ in per_query}, key=KINDS.index)
    return {
        kind: {
            f"vs_{other}": paired_ci(per_query[(kind, "hybrid")], per_query[(kind, other)])
            for other in ("dense", "keyword")
        }
        for kind in kinds
    }


def halves(
    queries: dict[str, list[LabelledQuery]],
) -> tuple[dict[str, list[LabelledQuery]], dict[str, list[LabelledQuery]]]:
    """(tuning, confirmation) halves: alternate message ids, a message's queries kept together."""
    ids = sorted({q.qid.split(":")[0] for qs in queries.values() for q in qs}, key=_id_key)
    tuning = {i for n, i in enumerate(ids) if n % 2 == 0}
    first = {k: [q for q in qs if q.qid.split(":")[0] in tuning] for k, qs in queries.items()}
    second = {k: [q for q in qs if q.qid.split(":")[0] not in tuning] for k, qs in queries.items()}
    return first, second


def markdown(
    table: Table, metrics: Sequence[str] = ("recall@1", "recall@10", "mrr@10", "ndcg@10")
) -> str:
    """One row per (kind, mode)."""
    lines = [
        "| kind | mode | " + " | ".join(metrics) + " | queries |",
        "|---|---|" + "---|" * (len(metrics) + 1),
    ]
    for kind, modes in table.items():
        for mode, values in modes.items():
            cells = " | ".join(f"{values[m]:.3f}" for m in metrics)
            lines.append(f"| {kind} | {mode} | {cells} | {values['queries']} |")
    return "\n".join(lines)


def margins(table: Table) -> dict[str, dict[str, float]]:
    """Hybrid minus dense and minus keyword, in points (×100) of MRR@10 and recall@10."""
    out: dict[str, dict[str, float]] = {}
    for kind, modes in table.items():
        for other in ("dense", "keyword"):
            for metric in ("mrr@10", "recall@10"):
                delta = 100 * (float(modes["hybrid"][metric]) - float(modes[other][metric]))
                out.setdefault(kind, {})[f"vs_{other}.{metric}"] = round(delta, 1)
    return out


def _id_key(message_id: str) -> tuple[int, str]:
    return (int(message_id), "") if message_id.isdigit() else (sys.maxsize, message_id)


def _embedder(args: argparse.Namespace) -> tuple[Embedder, str]:
    if args.fake:
        from tests.fakes import FakeEmbedder

        return FakeEmbedder(), "fake"
    return load_embedder(args.model), args.model


def main(argv: list[str] | None = None) -> int:
    """Compare the modes (and tune with ``--tune``); prints markdown and JSON."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not table_present(args.table):
        return 2
    embedder, spec = _embedder(args)
    index_dir = args.work_dir / ("index-fake" if args.fake else f"index-{Path(spec).name}")
    corpus = args.work_dir / "corpus" / "replies.jsonl"
    ensure_index(corpus, index_dir, embedder, model_spec=spec, rebuild=args.rebuild)
    cached = CachedEmbedder(embedder)
    searcher = Searcher.load(index_dir, embedder=cached)
    queries = load_queries(args.data_dir, args.table)
    if args.limit:
        queries = {k: qs[: args.limit] for k, qs in queries.items()}
    started = time.perf_counter()
    per_query: dict[tuple[str, str], list[float]] = {}
    table = compare(searcher, queries, per_query=per_query)
    result: dict[str, object] = {
        "index": str(index_dir),
        "defaults": table,
        "margins": margins(table),
        "mrr_margin_ci": margin_cis(per_query),
    }
    print(markdown(table))
    if args.tune:
        result.update(_tune(searcher, queries))
    result["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


def ablation(
    searcher: Searcher, queries: dict[str, list[LabelledQuery]], best: SearchSettings
) -> dict[str, dict[str, dict[str, float]]]:
    """MRR@10 per kind and mode with the defaults and each tuned change alone."""
    default = SearchSettings()
    changes = {"default": default} | {
        f"{name}={value}": replace(default, **{name: value})
        for name, value in asdict(best).items()
        if value != getattr(default, name)
    }
    out: dict[str, dict[str, dict[str, float]]] = {}
    for label, settings in changes.items():
        table = compare(searcher.with_settings(settings), queries)
        out[label] = {
            kind: {mode: float(v["mrr@10"]) for mode, v in modes.items()}
            for kind, modes in table.items()
        }
    return out


def _tune(searcher: Searcher, queries: dict[str, list[LabelledQuery]]) -> dict[str, object]:
    tuning, confirm = halves(queries)
    best, trials = tune(searcher, lambda trial: compare(trial, tuning, ("hybrid",)))
    default_confirm = compare(searcher, confirm)
    best_confirm = compare(searcher.with_settings(best), confirm)
    print("\nconfirmation half, default settings:\n" + markdown(default_confirm))
    print(f"\nconfirmation half, tuned {best}:\n" + markdown(best_confirm))
    return {
        "ablation_confirm": ablation(searcher, confirm, best),
        "best": asdict(best),
        "default": asdict(SearchSettings()),
        "trials": trials,
        "confirm_default": default_confirm,
        "confirm_best": best_confirm,
        "confirm_margins_best": margins(best_confirm),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.eval_modes", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--model", default="default", help="what load_embedder gets (default model)"
    )
    parser.add_argument("--fake", action="store_true", help="FakeEmbedder: a quick smoke run")
    parser.add_argument("--tune", action="store_true", help="grid on half, confirm on the other")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index (incremental)")
    parser.add_argument("--limit", type=int, default=0, help="first N queries of each kind")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    parser.add_argument("--table", type=Path, default=TIPDM4)
    parser.add_argument("--work-dir", type=Path, default=WORK_DIR)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    return parser


if __name__ == "__main__":
    sys.exit(main())
