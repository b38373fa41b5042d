"""What a build did, for the CLI summary and the benchmarks: counts, skips, time per stage."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from index.reply import Skipped

# The stages of a build, in order; the summary says where the time went.
STAGES = ("read", "reuse", "parse", "chunk", "embed", "segment", "keyword", "dedup", "write")
_ROW_REASON = re.compile(r"^(?:row|line) \d+")


class Stopwatch:
    """Seconds spent per named stage; ``with clock("parse"): …``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def is_row_skip(item: Skipped) -> bool:
    """True for one row of a table (or line of a .jsonl); False for a whole file."""
    return bool(_ROW_REASON.match(item.reason)) or " row " in item.path


def describe_skips(skipped: tuple[Skipped, ...] | list[Skipped]) -> str:
    """``skipped 3 (2 files, 1 row) — not indexed:`` and one line per item."""
    if not skipped:
        return ""
    rows = sum(1 for item in skipped if is_row_skip(item))
    files = len(skipped) - rows
    head = (
        f"skipped {len(skipped)} ({files} file{'s' * (files != 1)}, {rows} row{'s' * (rows != 1)})"
    )
    return "\n".join([head + " — not indexed:", *(f"  {s.path}: {s.reason}" for s in skipped)])


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI summary and the benchmarks."""

    index_dir: str
    replies: int
    passages: int
    embedded: int  # distinct passage texts embedded by this build
    reused: int  # distinct passage texts whose vectors came from an earlier (or killed) build
    skipped: tuple[Skipped, ...]
    seconds: float
    embed_seconds: float
    dense_index: str
    model: str = ""
    precision: str = ""
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage (STAGES)
    parsed: int = -1  # records parsed anew (the rest taken over from the live index); -1: all
    up_to_date: bool = False  # nothing changed: the live generation was kept, nothing written

    @property
    def passages_per_s(self) -> float:
        """Embedding throughput of this build (new passages per second spent embedding)."""
        return self.embedded / self.embed_seconds if self.embed_seconds > 0 else 0.0

    def describe(self) -> str:
        """The summary both ``python -m index build`` and ``python ui.py`` print."""
        lines = [
            f"index: {self.index_dir}  (model {self.model}, {self.precision}, {self.dense_index})",
            f"replies: {self.replies}  passages: {self.passages}  "
            f"embedded: {self.embedded}  reused: {self.reused}  "
            f"repeated: {self.passages - self.embedded - self.reused} (same text as another)",
            f"time: {self.seconds:.1f} s  (embedding {self.embed_seconds:.1f} s, "
            f"{self.passages_per_s:.1f} passages/s)",
        ]
        if self.stages:
            spent = ", ".join(
                f"{name} {self.stages[name]:.2f}" for name in STAGES if name in self.stages
            )
            parsed = f"; parsed {self.parsed} of {self.replies} records" if self.parsed >= 0 else ""
            lines.append(f"stages (s): {spent}{parsed}")
        if self.up_to_date:
            lines.append("up to date: nothing changed since the live index was built; kept it")
        if self.skipped:
            lines.append(describe_skips(self.skipped))
        return "\n".join(lines)
