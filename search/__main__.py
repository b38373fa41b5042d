"""Command line: ``python -m search [--index DIR] "QUERY"``, ``python -m search eval`` and
``python -m search topics --from 2019-01 --to 2019-12``.

Errors the user can fix (empty query, bad k, missing index) print one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from index.embed import CrossEncoderReranker
from index.reply import GRADES, KINDS, STAGE_LABELS
from search import (
    MODES,
    IndexStoreError,
    Searcher,
    SearchHit,
    SearchRequest,
    configure_logging,
)
from search.eval import evaluate, read_queries
from search.topics_cli import describe_counts, run_topics, topics_parser

DEFAULT_INDEX = "data/index"


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in ("eval", "topics") else "search"
    parsers = {"eval": _eval_parser, "topics": topics_parser, "search": _search_parser}
    args = parsers[command]().parse_args(argv if command == "search" else argv[1:])
    configure_logging(logging.DEBUG if args.verbose else logging.WARNING)
    runners = {"eval": _eval, "topics": run_topics, "search": _search}
    try:
        return runners[command](args)
    except (ValueError, IndexStoreError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `python -m search … | head`: the reader has all it wanted
        sys.stderr.close()
        return 0


def _query_text(args: argparse.Namespace) -> str:
    """The query from the arguments, or from --query-file (``-`` reads standard input)."""
    if args.query_file is None:
        return " ".join(args.query)
    if args.query:
        raise ValueError("give the query as arguments or with --query-file, not both.")
    if args.query_file == "-":
        return sys.stdin.read()
    path = Path(args.query_file)
    if not path.is_file():
        raise FileNotFoundError(f"query file {path} does not exist.")
    return path.read_text(encoding="utf-8-sig", errors="replace")


def _search(args: argparse.Namespace) -> int:
    request = SearchRequest.parse(  # checked before the model is loaded
        _query_text(args),
        args.k,
        args.mode,
        date_from=args.date_from,
        date_to=args.date_to,
        issuer=args.issuer,
        kinds=args.kind,
        grades=args.grade,
    )
    searcher = _load(args)
    if args.overview:
        result = searcher.search_with_overview(request)
        hits, counts = list(result.hits), result.counts
    else:
        hits, counts = searcher.run(request), None
    for hit in hits:
        print(json.dumps(hit.to_dict(), ensure_ascii=False) if args.json else _describe(hit))
    if not hits and not args.json:
        print("no results", file=sys.stderr)
    if counts is not None:
        overview = {"overview": counts.to_dict()}
        print(json.dumps(overview, ensure_ascii=False) if args.json else describe_counts(counts))
    return 0


def _eval(args: argparse.Namespace) -> int:
    queries = read_queries(Path(args.queries))
    searcher = _load(args)

    def run(query: str) -> list[tuple[str, ...]]:
        # a hit stands for the near-duplicates folded into it too
        hits = searcher.search(query, k=args.k, mode=args.mode)
        return [(h.doc_id, *h.duplicates) for h in hits]

    print(json.dumps(evaluate(queries, run), ensure_ascii=False))
    return 0


def _load(args: argparse.Namespace) -> Searcher:
    reranker = CrossEncoderReranker(args.reranker) if args.reranker else None
    return Searcher.load(Path(args.index), model=args.model, reranker=reranker, store=args.store)


def _describe(hit: SearchHit) -> str:
    meta = " · ".join(
        x
        for x in (
            hit.issuer,
            hit.date,
            hit.doc_number,
            f"办理结果 {hit.result_grade}" if hit.result_grade else None,
        )
        if x
    )
    lines = [f"{hit.rank}. [{hit.score:.3f}] {hit.title}  ({hit.doc_id})", f"   {meta}"]
    if hit.duplicates:
        lines.append(f"   另有 {len(hit.duplicates)} 条相同或近似答复")
    for passage in hit.passages[:2]:
        lines.append("   > " + _mark(passage.text, passage.highlights)[:160].replace("\n", " "))
    for measure in hit.measures[:3]:
        lines.append(f"   - [{STAGE_LABELS.get(measure.stage, measure.stage)}] {measure.title}")
    return "\n".join(lines)


def _mark(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    for start, end in reversed(spans):
        text = f"{text[:start]}【{text[start:end]}】{text[end:]}"
    return text


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", default=DEFAULT_INDEX, metavar="DIR")
    parser.add_argument("--store", help="local (default), milvus:PATH.db or milvus://HOST:19530")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--mode", default="hybrid", choices=MODES)
    parser.add_argument("--model", default=None, help="override the model recorded in the index")
    parser.add_argument(
        "--reranker",
        metavar="FOLDER",
        help="rerank the top passages with a local cross-encoder (off by default)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")


def _search_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m search", description="Search a 先例 index (or: python -m search eval -h)."
    )
    _common(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per hit")
    parser.add_argument(
        "--overview",
        action="store_true",
        help="also print facet counts over every match above the relevance floor "
        '(with --json: a last line {"overview": {...}})',
    )
    parser.add_argument("--date-from", metavar="DATE", help="2021, 2021-03 or 2021-03-05")
    parser.add_argument("--date-to", metavar="DATE", help="2021, 2021-03 or 2021-03-05")
    parser.add_argument("--issuer")
    parser.add_argument("--kind", action="append", choices=KINDS)
    parser.add_argument("--grade", action="append", choices=GRADES)
    parser.add_argument(
        "--query-file",
        metavar="FILE",
        help="read the query (e.g. a long pasted message) from FILE, or from stdin with -",
    )
    parser.add_argument("query", nargs="*", help="a question, keywords or a pasted message")
    return parser


def _eval_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m search eval", description="Recall, MRR and nDCG over a query file."
    )
    _common(parser)
    parser.add_argument(
        "--queries",
        required=True,
        metavar="FILE",
        help='JSON lines: {"qid": ..., "query": ..., "relevant_ids": [...]}',
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
