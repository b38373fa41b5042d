"""Build benchmark: full build of 附件4, an incremental re-build, and bare model throughput.

    python bench/build_speed.py [--work data/bench-build] [--model default] [--sample 200]
    python bench/build_speed.py --updates-of data/fj4/index [--reps 3]

Prints one JSON object: wall time, passages/s and peak memory of a full build of
../shared/corpus/tipdm2020/附件4.xlsx (2,816 records); the same for a re-build after
adding 10 records; and, in the same process with the same model, the bare
``encode_documents`` throughput on a sample of the same passages, so the pipeline's
share of the model's speed is a ratio measured on one machine state.

``--updates-of DIR`` skips the full build: it copies an index of 附件4 built by this code
(the copy is brought up to date once, untimed), then times the nightly case — the same table
plus 10 new records — and an unchanged re-build, ``--reps`` times each (median and the stages).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.build import BuildOptions, build_index  # noqa: E402
from index.embed import load_embedder  # noqa: E402
from index.read import read_file  # noqa: E402
from index.reply import RawRecord  # noqa: E402
from index.store import PASSAGES, live_generation, read_jsonl  # noqa: E402

TIPDM4 = REPO.parent / "shared" / "corpus" / "tipdm2020" / "附件4.xlsx"


def main() -> int:
    args = _args()
    if not TIPDM4.exists():
        print(json.dumps({"skipped": f"{TIPDM4} not found"}))
        return 0
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    (work / "corpus").mkdir(parents=True)
    shutil.copy(TIPDM4, work / "corpus" / TIPDM4.name)
    embedder = load_embedder(args.model, precision=args.precision)
    if args.updates_of:
        print(json.dumps(_updates(Path(args.updates_of), work, embedder, args.reps), indent=2))
        return 0
    full = _timed_build(work, embedder, fresh=True)
    _add_records(work / "corpus" / "added.jsonl", count=10)
    incremental = _timed_build(work, embedder, fresh=False)
    texts = [row["text"] for row in read_jsonl(live_generation(work / "index").file(PASSAGES))]
    sample = random.Random(0).sample(texts, min(args.sample, len(texts)))
    bare = _bare_throughput(embedder, sample, args.batch_size)
    result = {
        "model": embedder.name,
        "precision": embedder.precision,
        "full_build": full,
        "incremental_build_after_adding_10": incremental,
        "bare_model_passages_per_s": round(bare, 2),
        "pipeline_share_of_bare": round(full["embed_passages_per_s"] / bare, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _timed_build(
    work: Path, embedder: object, *, fresh: bool, index: Path | None = None
) -> dict[str, float | int]:
    started = time.perf_counter()
    report = build_index(
        [work / "corpus"],
        index or work / "index",
        embedder=embedder,  # type: ignore[arg-type]
        options=BuildOptions(fresh=fresh, model_spec="default"),
        progress=True,
    )
    wall = time.perf_counter() - started
    return {
        "records": report.replies,
        "passages": report.passages,
        "embedded": report.embedded,
        "reused": report.reused,
        "wall_s": round(wall, 1),
        "embed_s": round(report.embed_seconds, 1),
        "embed_passages_per_s": round(report.passages_per_s, 2),
        "overall_passages_per_s": round(report.passages / wall, 2),
        "peak_rss_mb_so_far": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _updates(source: Path, work: Path, embedder: object, reps: int) -> dict[str, object]:
    """Nightly re-builds on copies of ``source``: +10 records, then unchanged, ``reps`` times."""
    shutil.copytree(source, work / "base")
    _timed_build(work, embedder, fresh=False, index=work / "base")  # up to date, untimed
    _add_records(work / "corpus" / "added.jsonl", count=10)
    runs: dict[str, list[dict[str, float | int]]] = {"plus_10": [], "unchanged": []}
    for _ in range(reps):
        shutil.rmtree(work / "index", ignore_errors=True)
        shutil.copytree(work / "base", work / "index")
        runs["plus_10"].append(_timed_build(work, embedder, fresh=False))
        runs["unchanged"].append(_timed_build(work, embedder, fresh=False))
    median = {k: sorted(r["wall_s"] for r in v)[len(v) // 2] for k, v in runs.items()}
    return {"median_wall_s": median, "runs": runs}


def _add_records(path: Path, *, count: int) -> None:
    """Ten new records: real replies under new ids, each with a new closing sentence."""
    rows = [r for r in read_file(TIPDM4) if isinstance(r, RawRecord)][:count]
    with path.open("w", encoding="utf-8") as fh:
        for i, row in enumerate(rows):
            body = (
                row.fields["body"]
                + f"\n补充说明：本件为第{i + 1}次回访后的补充答复，已电话回访留言人。"
            )
            record = {
                "id": f"added-{i}",
                "title": row.fields.get("title", ""),
                "body": body,
                "date": "2020-12-31",
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _bare_throughput(embedder: object, texts: list[str], batch_size: int) -> float:
    """Median passages/s of encode_documents alone over three runs on the same texts."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        embedder.encode_documents(texts, batch_size=batch_size)  # type: ignore[attr-defined]
        runs.append(len(texts) / (time.perf_counter() - started))
    return sorted(runs)[1]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default=str(REPO / "data" / "bench-build"))
    parser.add_argument("--model", default="default")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--updates-of", help="time nightly re-builds on copies of this index")
    parser.add_argument("--reps", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
