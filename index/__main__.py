"""Command line: ``python -m index build|info|inspect|tune``.

The CLI is where library errors become clean messages for people (exit 2 for input the
user must fix, 1 for a failed build).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from index import store
from index.build import BuildOptions, build_index
from index.embed import DEFAULT_MODEL, load_embedder
from index.logs import configure_logging
from index.pairs import read_holdout_ids
from index.parse import parse_record
from index.read import ReadError, TableError, parse_column_map, read_file
from index.reply import Reply, Skipped
from index.store_spec import parse_store
from index.summary import describe_reply
from index.tune import TuneOptions, tune
from index.tune_train import TrainSettings
from index.tune_work import work_folder


def main(argv: list[str] | None = None, *, own_process: bool = False) -> int:
    """Entry point; returns the exit status. ``own_process``: this is ``python -m index``
    itself, so a build may lower the process's priority and threads (never a caller's)."""
    args = _parser().parse_args(argv)
    args.own_process = own_process
    configure_logging(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return int(args.func(args))
    except (FileNotFoundError, ReadError, TableError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except store.IndexStoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "interrupted: the previous index is unchanged; run the build again to resume.",
            file=sys.stderr,
        )
        return 130


BUILD_NICE = 10  # a build yields the cores to the searches of an app served beside it


def _yield_to_searches(threads: int) -> None:
    """Run this build at lower priority on ``threads`` torch threads (0: all cores but one)."""
    os.nice(BUILD_NICE)
    import torch  # the embedder loads it anyway

    torch.set_num_threads(threads or max(1, len(os.sched_getaffinity(0)) - 1))


def _build(args: argparse.Namespace) -> int:
    if args.threads < 0:
        raise ValueError("--threads must be 0 (all cores but one) or a positive number")
    if args.own_process:
        _yield_to_searches(args.threads)
    spec = parse_store(args.store, args.index or "")
    if spec.is_milvus:  # pymilvus only when Milvus is asked for
        from index.milvus_cli import build_command

        return build_command(args, spec)
    if not args.corpus or not args.index or args.from_index:
        raise ValueError("--corpus and --index are required (--from-index needs --store milvus:…)")
    embedder = load_embedder(args.model, precision=args.precision)
    options = BuildOptions(
        max_chars=args.max_chars,
        batch_size=args.batch_size,
        column_map=parse_column_map(args.columns) if args.columns else {},
        fresh=args.fresh,
        strict=args.strict,
        model_spec=_model_spec(args.model),
    )
    report = build_index(
        [Path(p) for p in args.corpus],
        Path(args.index),
        embedder=embedder,
        options=options,
        progress=not args.quiet,
    )
    print(report.describe())
    if report.skipped:
        print(
            f"warning: {len(report.skipped)} skipped (listed above); the rest is indexed. "
            "Fix them and build again, or use --strict to make a skip fail the build.",
            file=sys.stderr,
        )
    return 0


def _model_spec(model: str) -> str:
    """What the index records as its model: a local folder as an absolute path, so that
    a search started from another folder loads the same model."""
    path = Path(model).expanduser()
    return str(path.resolve()) if model != DEFAULT_MODEL and path.is_dir() else str(model)


def _info(args: argparse.Namespace) -> int:
    """The manifest of a live index, after every check that loading makes."""
    loaded = store.open_index(Path(args.index))
    print(json.dumps(loaded.manifest.to_dict(), ensure_ascii=False, indent=2))
    return 0


def _inspect(args: argparse.Namespace) -> int:
    column_map = parse_column_map(args.columns) if args.columns else None
    path = Path(args.path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist.")
    for item in read_file(path, column_map=column_map):
        if isinstance(item, Skipped):
            print(f"skipped {item.path}: {item.reason}", file=sys.stderr)
        else:
            _show(parse_record(item), as_json=args.json)
    return 0


def _tune(args: argparse.Namespace) -> int:
    holdout = read_holdout_ids(Path(args.holdout_ids)) if args.holdout_ids else None
    options = TuneOptions(
        model=str(args.model),
        holdout_fraction=args.holdout_fraction,
        holdout_ids=tuple(holdout) if holdout is not None else None,
        holdout_source=f"file {args.holdout_ids}" if args.holdout_ids else "",
        max_pairs=args.max_pairs,
        train=TrainSettings(
            epochs=args.epochs,
            batch_size=args.batch_size,
            freeze_layers=args.freeze_layers,
            seed=args.seed,
        ),
    )
    if not args.verbose:  # bm25s sets its own logger to DEBUG when imported
        logging.getLogger("bm25s").setLevel(logging.WARNING)
    try:
        report = tune(
            [Path(p) for p in args.corpus],
            Path(args.out),
            options=options,
            say=lambda line: print(line, file=sys.stderr),
            progress=not args.quiet,
        )
    except KeyboardInterrupt:
        print(
            f"interrupted: the work so far is in {work_folder(Path(args.out))}; run the same "
            "command again to resume from the last checkpoint.",
            file=sys.stderr,
        )
        return 130
    print(report.describe())
    return 0


def _show(reply: Reply, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False))
    else:
        print(describe_reply(reply))
        print()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m index", description="Build and inspect a 先例 index."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    # -v also after the sub-command; SUPPRESS keeps a -v given before it from being reset.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logging"
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    build = sub.add_parser(
        "build", parents=[common], help="build or update an index from corpus files"
    )
    build.add_argument(
        "--corpus",
        nargs="+",
        metavar="PATH",
        help="files or folders (.txt .md .docx .pdf .html .xlsx .csv .jsonl)",
    )
    build.add_argument("--index", metavar="DIR", help="index directory")
    build.add_argument("--store", help="local (default), milvus:PATH.db or milvus://HOST:19530")
    build.add_argument("--from-index", metavar="DIR", help="copy this local index into --store")
    build.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help="sentence-transformers model folder or name (default: bundled e5-small)",
    )
    build.add_argument("--precision", default="auto", choices=("auto", "float32", "bfloat16"))
    build.add_argument(
        "--columns", metavar="SPEC", help="table columns, e.g. body=答复内容,title=主题"
    )
    build.add_argument("--max-chars", type=int, default=400, help="longest passage (characters)")
    build.add_argument("--batch-size", type=int, default=16)
    build.add_argument("--fresh", action="store_true", help="re-embed everything")
    build.add_argument(
        "--threads",
        type=int,
        default=0,
        help="torch threads for embedding (default 0: all cores but one, so an app served "
        "beside the build keeps a core; the build also runs at lower priority)",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 2, the previous index kept) when any file or row is skipped",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    build.set_defaults(func=_build)
    info = sub.add_parser("info", parents=[common], help="check an index and print its manifest")
    info.add_argument("index", metavar="DIR")
    info.set_defaults(func=_info)
    inspect = sub.add_parser(
        "inspect", parents=[common], help="print the parsed record(s) of a file or table"
    )
    inspect.add_argument("path", metavar="PATH")
    inspect.add_argument("--json", action="store_true", help="one JSON object per record")
    inspect.add_argument("--columns", metavar="SPEC", help="table columns, e.g. body=答复内容")
    inspect.set_defaults(func=_inspect)
    _tune_parser(sub, common)
    return parser


def _tune_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    defaults = TrainSettings()
    tune = sub.add_parser(
        "tune",
        parents=[common],
        help="fine-tune the embedder on pairs mined from a corpus",
        description="Fine-tune the embedding model on (question → its reply) pairs mined "
        "from the corpus; saved only when held-out MRR@10 does not fall.",
    )
    tune.add_argument("--corpus", nargs="+", required=True, metavar="PATH")
    tune.add_argument("--out", required=True, metavar="MODEL_DIR", help="new model folder")
    tune.add_argument("--model", default=DEFAULT_MODEL, help="base model (default: e5-small)")
    held = tune.add_mutually_exclusive_group()
    held.add_argument("--holdout-ids", metavar="FILE", help="held-out doc ids, one per line")
    held.add_argument("--holdout-fraction", type=float, default=0.1, metavar="F")
    tune.add_argument("--epochs", type=float, default=defaults.epochs)
    tune.add_argument("--max-pairs", type=int, default=TuneOptions().max_pairs)
    tune.add_argument("--batch-size", type=int, default=defaults.batch_size)
    tune.add_argument(
        "--freeze-layers",
        type=int,
        default=defaults.freeze_layers,
        help=f"lowest transformer layers left as they are (default {defaults.freeze_layers})",
    )
    tune.add_argument("--seed", type=int, default=defaults.seed)
    tune.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    tune.set_defaults(func=_tune)


if __name__ == "__main__":
    sys.exit(main(own_process=True))
