"""Command line: ``python -m index build|info|inspect``.

The CLI is where library errors become clean messages for people (exit 2 for input the
user must fix, 1 for a failed build).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from index import store
from index.build import BuildOptions, build_index
from index.embed import DEFAULT_MODEL, load_embedder
from index.logs import configure_logging
from index.parse import parse_record
from index.read import ReadError, TableError, parse_column_map, read_file
from index.reply import Reply, Skipped
from index.summary import describe_reply


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
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


def _build(args: argparse.Namespace) -> int:
    embedder = load_embedder(args.model, precision=args.precision)
    options = BuildOptions(
        max_chars=args.max_chars,
        batch_size=args.batch_size,
        column_map=parse_column_map(args.columns) if args.columns else {},
        fresh=args.fresh,
        model_spec=str(args.model),
    )
    report = build_index(
        [Path(p) for p in args.corpus],
        Path(args.index),
        embedder=embedder,
        options=options,
        progress=not args.quiet,
    )
    print(report.describe())
    return 0


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
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    build = sub.add_parser("build", help="build or update an index from corpus files")
    build.add_argument(
        "--corpus",
        nargs="+",
        required=True,
        metavar="PATH",
        help="files or folders (.txt .md .docx .pdf .html .xlsx .csv .jsonl)",
    )
    build.add_argument("--index", required=True, metavar="DIR", help="index directory")
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
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    build.set_defaults(func=_build)
    info = sub.add_parser("info", help="check an index and print its manifest")
    info.add_argument("index", metavar="DIR")
    info.set_defaults(func=_info)
    inspect = sub.add_parser("inspect", help="print the parsed record(s) of a file or table")
    inspect.add_argument("path", metavar="PATH")
    inspect.add_argument("--json", action="store_true", help="one JSON object per record")
    inspect.add_argument("--columns", metavar="SPEC", help="table columns, e.g. body=答复内容")
    inspect.set_defaults(func=_inspect)
    return parser


if __name__ == "__main__":
    sys.exit(main())
