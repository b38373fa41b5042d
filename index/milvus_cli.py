"""``python -m index build --store milvus:…``: the CLI half of a Milvus build.

Kept apart from :mod:`index.__main__` so the local CLI needs no pymilvus, and so the
engine's own errors (a server gone mid-build) become one line naming the fix.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pymilvus.exceptions import MilvusException

from index.build import BuildOptions
from index.embed import load_embedder
from index.milvus_build import build_milvus, import_index
from index.read import parse_column_map
from index.store_spec import StoreSpec


def build_command(args: argparse.Namespace, spec: StoreSpec) -> int:
    """Build from ``--corpus`` (or copy ``--from-index DIR``) into ``spec``; exit status."""
    try:
        if args.from_index:
            report = import_index(Path(args.from_index), spec)
        elif not args.corpus:
            raise ValueError("--corpus PATH (or --from-index DIR) is required.")
        else:
            options = BuildOptions(
                max_chars=args.max_chars,
                batch_size=args.batch_size,
                column_map=parse_column_map(args.columns) if args.columns else {},
                fresh=args.fresh,
                model_spec=str(args.model),
            )
            report = build_milvus(
                [Path(p) for p in args.corpus],
                spec,
                embedder=load_embedder(args.model, precision=args.precision),
                options=options,
                progress=not args.quiet,
            )
    except MilvusException as exc:
        print(
            f"error: Milvus 出错，上一版索引仍在服务 / Milvus failed ({exc.message}); the "
            f"previous generation in {spec.describe()} still answers. Check the server and "
            "run the build again.",
            file=sys.stderr,
        )
        return 1
    print(report.describe())
    return 0
