"""A development benchmark from 附件4.xlsx: find a message's own reply among all replies.

Each message of ../shared/corpus/tipdm2020/附件4.xlsx was answered by one reply. The index
holds the replies ALONE (id, masked reply text, date — never the message title or text),
and three kinds of query ask for the reply of a sampled message:

- ``title``: its 留言主题 as is (a short question);
- ``keywords``: 2–4 of the title's most distinctive words (what staff type);
- ``message``: its whole 留言详情 (a pasted message).

Replies restate the message ("您反映的A市xx小区yy问题收悉"), so the indexed text is masked:
the opening sentences that acknowledge the message are cut, and so is every stretch of
≥ ``MIN_SHARED`` characters the reply shares verbatim with the title. Replies identical
before masking are indexed once (the first id); every message they answer points to it.
Messages whose reply holds < ``MIN_BODY_CHARS`` characters once masked (pure boilerplate
such as 网友：您好！留言已收悉) get no query: nothing in the index can answer them.

    python -m bench.devset [--table 附件4.xlsx] [--work-dir data/devset] [--n 300]

writes the masked corpus and full query files under the work dir (gitignored) and the
committed query files under bench/data/ (message queries there hold the message id only,
so no long text from the shared data enters the repository).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.devset_text import (
    Masked,
    keyword_query,
    mask_reply,
    shared_substrings,
    title_idf,
)
from index.read import read_file
from index.reply import RawRecord
from index.segment import Segmenter

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
TIPDM = REPO.parent / "shared" / "corpus" / "tipdm2020"
TIPDM4 = TIPDM / "附件4.xlsx"
DATA_DIR = REPO / "bench" / "data"
WORK_DIR = REPO / "data" / "devset"
KINDS = ("title", "keywords", "message")
SEED = 20200
N_PER_KIND = 300
MIN_BODY_CHARS = 30
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Message:
    """One row of 附件4: a message and the reply that answered it."""

    id: str
    title: str
    message: str
    reply: str
    date: str


@dataclass(frozen=True)
class DevSet:
    """The masked corpus, the queries by kind, and statistics on what masking did."""

    corpus: list[dict[str, str]]
    queries: dict[str, list[dict[str, object]]]
    stats: dict[str, float | int]


def read_messages(path: Path) -> list[Message]:
    """The rows of an 附件4-style table (留言编号 留言主题 留言详情 答复意见 答复时间)."""
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is not there; the devset needs ../shared/corpus/tipdm2020/附件4.xlsx "
            "(or pass --table with a table of the same columns)."
        )
    rows = [r for r in read_file(path) if isinstance(r, RawRecord)]
    return [
        Message(
            id=r.fields.get("id", ""),
            title=r.fields.get("title", ""),
            message=r.fields.get("question", ""),
            reply=r.fields.get("body", ""),
            date=r.fields.get("date", ""),
        )
        for r in rows
        if r.fields.get("id")
    ]


def duplicate_groups(messages: Sequence[Message]) -> dict[str, str]:
    """Message id → the id of the first message with the same reply (whitespace ignored)."""
    first: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for m in messages:
        key = _SPACE.sub("", m.reply)
        canonical[m.id] = first.setdefault(key, m.id)
    return canonical


def build_devset(
    messages: Sequence[Message],
    *,
    tokenize: Callable[[str], list[str]],
    n: int = N_PER_KIND,
    seed: int = SEED,
) -> DevSet:
    """Masked corpus (one record per distinct reply) and ``n`` seeded queries per kind."""
    canonical = duplicate_groups(messages)
    titles: dict[str, list[str]] = {}
    for m in messages:
        titles.setdefault(canonical[m.id], []).append(m.title)
    masked = {m.id: mask_reply(m.reply, titles[m.id]) for m in messages if canonical[m.id] == m.id}
    dates = {m.id: m.date for m in messages}
    # A reply masked to nothing cannot be indexed (the reader would skip it): leave it out.
    corpus = [{"id": i, "body": x.text, "date": dates[i]} for i, x in masked.items() if x.text]
    eligible = [
        m
        for m in messages
        if m.title and m.message and _content_chars(masked[canonical[m.id]]) >= MIN_BODY_CHARS
    ]
    rng = random.Random(seed)
    sample = sorted(rng.sample(eligible, min(n, len(eligible))), key=lambda m: _id_key(m.id))
    idf = title_idf([m.title for m in messages], tokenize)
    queries: dict[str, list[dict[str, object]]] = {kind: [] for kind in KINDS}
    for m in sample:
        relevant = [canonical[m.id]]
        texts = {
            "title": m.title,
            "keywords": keyword_query(m.title, tokenize, idf, rng.choice((2, 3, 4))),
            "message": m.message,
        }
        for kind, text in texts.items():
            if text:
                queries[kind].append(
                    {"qid": f"{m.id}:{kind}", "query": text, "relevant_ids": relevant}
                )
    stats = _stats(messages, masked, canonical, eligible)
    return DevSet(corpus, queries, stats)


def committed_rows(kind: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """What goes into bench/data: message queries by id only (no long shared text)."""
    if kind != "message":
        return rows
    return [
        {
            "qid": r["qid"],
            "message_id": str(r["qid"]).split(":")[0],
            "relevant_ids": r["relevant_ids"],
        }
        for r in rows
    ]


def materialize(
    rows: Iterable[dict[str, object]], messages: Sequence[Message]
) -> list[dict[str, object]]:
    """Committed rows with their query text filled in from the table (message rows by id)."""
    by_id = {m.id: m.message for m in messages}
    out = []
    for row in rows:
        if "query" in row:
            out.append(row)
            continue
        message_id = str(row["message_id"])
        if message_id not in by_id:
            raise ValueError(
                f"message {message_id} is not in the table; regenerate with bench.devset."
            )
        out.append(
            {"qid": row["qid"], "query": by_id[message_id], "relevant_ids": row["relevant_ids"]}
        )
    return out


def write_jsonl(path: Path, rows: Iterable[dict[str, object]]) -> None:
    """JSON lines, UTF-8, ``ensure_ascii=False``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(r, ensure_ascii=False) for r in rows)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Rows of a JSON lines file."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def write_devset(devset: DevSet, *, work_dir: Path, data_dir: Path) -> Path:
    """Corpus and full query files under ``work_dir``, committed query files under ``data_dir``.

    Returns the corpus file (the one thing the devset index is built from).
    """
    corpus = work_dir / "corpus" / "replies.jsonl"
    write_jsonl(corpus, devset.corpus)
    for kind, rows in devset.queries.items():
        write_jsonl(work_dir / "queries" / f"devset_{kind}.jsonl", rows)
        write_jsonl(data_dir / f"devset_{kind}.jsonl", committed_rows(kind, rows))
    (data_dir / "devset_stats.json").write_text(
        json.dumps(devset.stats, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return corpus


def _stats(
    messages: Sequence[Message],
    masked: dict[str, Masked],
    canonical: dict[str, str],
    eligible: list[Message],
) -> dict[str, float | int]:
    sizes = Counter(canonical.values())
    chars = sum(len(m.reply) for m in messages if m.id in masked)
    opening = sum(x.opening_chars for x in masked.values())
    shared = sum(x.shared_chars for x in masked.values())
    return {
        "messages": len(messages),
        "distinct_replies": len(masked),
        "messages_sharing_a_reply": sum(1 for m in messages if sizes[canonical[m.id]] > 1),
        "boilerplate_replies": sum(
            1 for x in masked.values() if _content_chars(x) < MIN_BODY_CHARS
        ),
        "eligible_messages": len(eligible),
        "replies_quoting_title_before_masking": sum(
            1 for m in messages if m.id in masked and shared_substrings(m.title, m.reply)
        ),
        "reply_chars": chars,
        "opening_chars_removed": opening,
        "shared_chars_removed": shared,
        "replies_with_opening_cut": sum(1 for x in masked.values() if x.opening_chars),
        "replies_with_shared_cut": sum(1 for x in masked.values() if x.shared_chars),
        "removed_share": round((opening + shared) / max(chars, 1), 4),
    }


def _content_chars(masked: Masked) -> int:
    return len(_SPACE.sub("", masked.text))


def _id_key(message_id: str) -> tuple[int, str]:
    return (int(message_id), "") if message_id.isdigit() else (sys.maxsize, message_id)


def table_present(table: Path) -> bool:
    """Whether the shared table is there; says why the benchmark is skipped when it is not."""
    if table.is_file():
        return True
    print(f"skipped: {table} is not there (the devset needs the shared corpus)", file=sys.stderr)
    return False


def main(argv: list[str] | None = None) -> int:
    """Build the devset files; prints the masking statistics as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.devset", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--table", type=Path, default=TIPDM4)
    parser.add_argument("--work-dir", type=Path, default=WORK_DIR)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--n", type=int, default=N_PER_KIND)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not table_present(args.table):
        return 2
    messages = read_messages(args.table)
    devset = build_devset(messages, tokenize=Segmenter().tokenize, n=args.n, seed=args.seed)
    corpus = write_devset(devset, work_dir=args.work_dir, data_dir=args.data_dir)
    print(json.dumps({"corpus": str(corpus), **devset.stats}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
