"""Many users at once against the running app: latency percentiles and errors.

Each user is a thread with its own HTTP connection that runs its searches back to back (no
think time: the hardest case), all users starting together. Queries are drawn, seeded,
from the staff queries of ``bench/data/staff_queries.jsonl``. Through the REST API
(``--api``: ``POST /api/v1/search``) or the Gradio endpoint the page's API uses
(``/gradio_api/call/search``: submit, then read the event stream).

    python ui.py --index data/fj4/index &
    python -m bench.load --url http://127.0.0.1:7860 --users 20 --searches 10 [--api]

Prints one JSON object: p50/p95/max in milliseconds, errors, searches per second.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx

QUERIES = Path(__file__).resolve().parent / "data" / "staff_queries.jsonl"
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Outcome:
    """One search as a user saw it: how long it took and what went wrong, if anything."""

    ms: float
    error: str | None = None


@dataclass(frozen=True)
class LoadReport:
    """The figures of one load run."""

    door: str
    users: int
    searches: int
    errors: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    wall_s: float
    searches_per_s: float
    first_errors: tuple[str, ...]
    server_cpu_ms_per_search: float | None = None  # with --server-pid: robust to a busy machine


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads) so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_queries(path: Path = QUERIES) -> list[str]:
    """The ``query`` of every line of a JSON-lines file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()]


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0–1) of a non-empty sequence."""
    ordered = sorted(values)
    rank = math.ceil(round(share * len(ordered), 9))  # rounded: 0.95 × 100 is not 95.0…01
    return ordered[min(len(ordered), max(1, rank)) - 1]


def search_api(client: httpx.Client, query: str, k: int) -> str | None:
    """One REST search; an error description, or ``None`` when it answered hits."""
    response = client.post("/api/v1/search", json={"query": query, "k": k})
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    return None if isinstance(response.json().get("hits"), list) else "no hits list"


def search_gradio(client: httpx.Client, query: str, k: int) -> str | None:
    """One search through Gradio's endpoint: submit, then read the result stream."""
    data = [query, k, "hybrid", "", "", "", [], []]
    submitted = client.post("/gradio_api/call/search", json={"data": data})
    if submitted.status_code != 200:
        return f"HTTP {submitted.status_code}: {submitted.text[:200]}"
    event = submitted.json()["event_id"]
    stream = client.get(f"/gradio_api/call/search/{event}")
    if "event: complete" not in stream.text:
        return f"stream: {stream.text[:200]}"
    return None


def run_user(
    url: str, queries: Sequence[str], *, api: bool, k: int, auth: Any, start: threading.Barrier
) -> list[Outcome]:
    """One user's searches, back to back, after every user is ready."""
    search = search_api if api else search_gradio
    outcomes = []
    with httpx.Client(base_url=url, auth=auth, timeout=TIMEOUT_S) as client:
        start.wait()
        for query in queries:
            started = time.perf_counter()
            try:
                error = search(client, query, k)
            except httpx.HTTPError as exc:  # a refused or dropped connection is an error too
                error = f"{type(exc).__name__}: {exc}"
            outcomes.append(Outcome((time.perf_counter() - started) * 1000, error))
    return outcomes


def run_load(
    url: str, *, users: int, searches: int, api: bool, k: int = 10, seed: int = 0, auth: Any = None
) -> LoadReport:
    """``users`` threads × ``searches`` searches against ``url``; the percentiles of all."""
    pool = load_queries()
    rng = random.Random(seed)
    plans = [[rng.choice(pool) for _ in range(searches)] for _ in range(users)]
    start = threading.Barrier(users + 1)
    results: list[list[Outcome]] = [[] for _ in range(users)]

    def user(i: int) -> None:
        results[i] = run_user(url, plans[i], api=api, k=k, auth=auth, start=start)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return _report("api" if api else "gradio", users, [o for r in results for o in r], wall)


def _report(door: str, users: int, outcomes: list[Outcome], wall: float) -> LoadReport:
    ms = [o.ms for o in outcomes]
    errors = [o.error for o in outcomes if o.error]
    return LoadReport(
        door=door,
        users=users,
        searches=len(outcomes),
        errors=len(errors),
        p50_ms=round(percentile(ms, 0.5), 1),
        p95_ms=round(percentile(ms, 0.95), 1),
        max_ms=round(max(ms), 1),
        mean_ms=round(statistics.fmean(ms), 1),
        wall_s=round(wall, 2),
        searches_per_s=round(len(outcomes) / wall, 1),
        first_errors=tuple(errors[:3]),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run the load, print the report as JSON; exit 1 on any error."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--searches", type=int, default=10, help="searches per user")
    parser.add_argument("--api", action="store_true", help="the REST API (default: Gradio's)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="the app's login, if any")
    parser.add_argument(
        "--server-pid", type=int, help="the app's process id (same machine): CPU per search"
    )
    args = parser.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    cpu_before = cpu_seconds(args.server_pid) if args.server_pid else 0.0
    report = run_load(
        args.url, users=args.users, searches=args.searches, api=args.api, k=args.k,
        seed=args.seed, auth=auth,
    )  # fmt: skip
    if args.server_pid:
        cpu = (cpu_seconds(args.server_pid) - cpu_before) * 1000 / max(1, report.searches)
        report = replace(report, server_cpu_ms_per_search=round(cpu, 1))
    print(json.dumps(asdict(report), ensure_ascii=False))
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
