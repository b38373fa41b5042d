"""``python ui.py``: options, the safety checks on host and login, index build, launch.

This is the part of the app that talks to people on the terminal, so it prints.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI

from app.api import API_PREFIX, ApiAuth, build_api
from app.style import CSS, theme
from app.workers import SearchWorkers, default_workers, set_torch_threads
from search import (
    IndexStoreError,
    IndexSummary,
    SearcherLike,
    SearchRequest,
    configure_logging,
    ensure_index,
)

logger = logging.getLogger(__name__)

DEFAULT_INDEX = Path("data/index")
DEFAULT_CORPUS = Path("corpus")
BUILD_NICE = 10  # a build started by the app yields the cores to searches (and other work)
# Gradio events of one kind that may run at once; the search workers bound the CPU work
# behind them, so this only needs to keep every worker fed while cards are rendered.
EVENT_CONCURRENCY = 8


# Gradio's page says lang="en"; Chinese text wants zh-CN (fonts, line breaking, screen readers).
LANG_HEAD = "<script>document.documentElement.lang = 'zh-CN';</script>"


class StartupError(Exception):
    """A setting that stops the app from starting; the message says how to fix it."""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; XIANLI_INDEX and XIANLI_AUTH fill in when not given."""
    parser = argparse.ArgumentParser(
        prog="python ui.py",
        description="先例 · 答复先例检索",
        epilog="The REST API is served at /api/v1 (docs: /api/v1/docs) with the same login, "
        "or a bearer token from env XIANLI_API_TOKEN.",
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        help=f"index directory (env XIANLI_INDEX; default {DEFAULT_INDEX})",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        default=None,
        help=f"files or folders to build from when the index is missing "
        f"(default {DEFAULT_CORPUS}/)",
    )
    parser.add_argument(
        "--model",
        default=None,
        help="sentence-transformers model (folder or name); default: the "
        "model that built the index, or multilingual-e5-small",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument(
        "--auth", default=None, help="user:password for the login page (env XIANLI_AUTH)"
    )
    parser.add_argument(
        "--allow-no-auth",
        action="store_true",
        help="serve a non-loopback host without a login (not recommended)",
    )
    _serving_options(parser)
    parser.add_argument("--store", help="local (default), milvus:PATH.db or milvus://HOST:19530")
    args = parser.parse_args(argv)
    args.index = args.index or Path(os.environ.get("XIANLI_INDEX") or DEFAULT_INDEX)
    args.store = args.store or os.environ.get("XIANLI_STORE") or None
    args.corpus = args.corpus or [DEFAULT_CORPUS]
    args.auth = args.auth or os.environ.get("XIANLI_AUTH") or None
    args.api_token = os.environ.get("XIANLI_API_TOKEN") or None
    args.workers = args.workers or default_workers()
    return args


def _serving_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="searches run at once (default: one per core)",
    )
    parser.add_argument(
        "--torch-threads", type=int, default=1, help="model threads per search (default 1)"
    )
    parser.add_argument(
        "--log-queries",
        action="store_true",
        help="write the text of API queries to the log (off: only their length)",
    )


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` → a pair (the password may contain colons); ``None`` when not set."""
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise StartupError("--auth / XIANLI_AUTH must look like user:password (both non-empty).")
    return user, password


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses, which only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def check_exposure(host: str, auth: tuple[str, str] | None, allow_no_auth: bool) -> None:
    """Refuse to serve other machines without a login unless explicitly allowed."""
    if is_loopback(host) or auth is not None or allow_no_auth:
        return
    raise StartupError(
        f"Refusing to bind {host} without a login: anyone on the network could read every "
        "reply in the index. Add --auth user:password (or set XIANLI_AUTH), or pass "
        "--allow-no-auth if the network itself is access-controlled."
    )


def build_if_missing(index_dir: Path, corpus: Sequence[Path], model: str | None) -> None:
    """Build the index from ``corpus`` when ``index_dir`` has none (progress on the terminal).

    The build runs on a thread of its own at lower priority, with all cores but one, so it
    never crowds out other work on the machine (another app serving searches).
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        os.nice(BUILD_NICE)  # Linux: the nice value is per thread, so this thread only
        set_torch_threads(max(1, default_workers() - 1))
        try:
            outcome["report"] = ensure_index(index_dir, corpus, model=model, progress=True)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    builder = threading.Thread(target=work, name="xianli-build", daemon=True)
    builder.start()
    builder.join()
    if isinstance(outcome.get("error"), FileNotFoundError):
        raise StartupError(str(outcome["error"])) from None
    if "error" in outcome:
        raise outcome["error"]
    if outcome.get("report") is not None:
        print(outcome["report"].describe())


@dataclass
class Served:
    """A server started with ``block=False``: its address, and how to stop it."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def close(self) -> None:
        """Stop serving and wait for the server's thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def launch(
    demo: gr.Blocks,
    *,
    host: str,
    port: int,
    auth: tuple[str, str] | None,
    api: FastAPI | None = None,
    block: bool = True,
) -> Served | None:
    """Serve ``demo`` (and ``api`` at /api/v1) in one server; tests pass ``block=False``."""
    # Searches are bounded by the search workers (app/workers.py); gradio only needs to
    # hand them over, and to keep one slow export from holding up everyone's searches.
    demo.queue(default_concurrency_limit=EVENT_CONCURRENCY)
    root = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    if api is not None:
        root.mount(API_PREFIX, api)  # before the page, which takes every other path
    gr.mount_gradio_app(
        root, demo, path="/", server_name=host, server_port=port, auth=auth,
        auth_message="先例 · 请登录" if auth else None, footer_links=["api"],
        theme=theme(), css=CSS, head=LANG_HEAD, show_error=True,
    )  # fmt: skip
    server = uvicorn.Server(uvicorn.Config(root, host=host, port=port, log_level="warning"))
    url = f"http://{'localhost' if host == '0.0.0.0' else host}:{port}/"
    if block:
        print(f"先例 · 服务地址 {url}  (API: {url.rstrip('/')}{API_PREFIX}/docs)", flush=True)
        server.run()
        return None
    thread = threading.Thread(target=server.run, name="xianli-server", daemon=True)
    thread.start()
    started = time.monotonic()
    while not server.started:
        if not thread.is_alive() or time.monotonic() - started > 30:
            raise StartupError(f"the server did not start on {host}:{port}: is the port free?")
        time.sleep(0.01)
    return Served(url, server, thread)


def main(argv: Sequence[str] | None = None, *, app_factory: Callable[..., gr.Blocks]) -> int:
    """Check settings, build the index if needed, load it and serve ``app_factory(searcher)``.

    Returns the exit code: 2 for a setting or index the user must fix (message on stderr).
    """
    configure_logging(logging.INFO)
    for noisy in ("faiss.loader", "httpx"):  # CPU-feature probing and gradio's own health checks
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parse_args(argv)
    try:
        auth = parse_auth(args.auth)
        check_exposure(args.host, auth, args.allow_no_auth)
        if args.store in (None, "local"):  # a Milvus store is built by its own job
            build_if_missing(args.index, args.corpus, args.model)
        from search import Searcher  # torch: only once the settings are known to be good

        loaded = Searcher.load(args.index, model=args.model, store=args.store)
        searcher = SearchWorkers(loaded, workers=args.workers, torch_threads=args.torch_threads)
        warm_up(searcher)
    except (StartupError, IndexStoreError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    demo = app_factory(searcher, subtitle=subtitle(searcher.summary()))
    api = build_api(searcher, auth=ApiAuth(auth, args.api_token), log_queries=args.log_queries)
    launch(demo, host=args.host, port=args.port, auth=auth, api=api)
    return 0


def warm_up(searcher: SearcherLike) -> None:
    """Run one search so the first person to search doesn't wait for the tokenizer and model."""
    started = time.perf_counter()
    searcher.run(SearchRequest("答复", k=1))
    logger.info("warm-up search took %.2f s", time.perf_counter() - started)


def subtitle(summary: IndexSummary) -> str:
    """One line about the index under the title: size, model, build time."""
    return (f"{summary.replies} 件答复 · {summary.passages} 个段落 · "
            f"模型 {summary.model} · 建于 {summary.built_at}")  # fmt: skip
