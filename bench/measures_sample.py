"""A seeded sample of replies for labelling measures (措施), and the labellers' packets.

    python -m bench.measures_sample            # sample (once) + packets + INDEX.txt
    python -m bench.measures_sample --resample # draw the sample again (overwrites it!)
    python -m bench.measures_sample --extend 45  # append 45 fresh message replies (once)
    python -m bench.measures_sample --extend 45 --split fresh2 --seed 2027  # another split
    python -m bench.measures_sample locate m012 "已责令其于7日内整改"

The sample: 140 message replies of 附件4 (no reply under 30 characters, no duplicate
reply), allotted to the years of 答复时间 in proportion with at least 3 per year, and within
a year taken in turn from rough topics of 留言主题 so no topic crowds out the rest; every
reply in ``corpus/`` (the formal s01–s09 and the 4 message rows of s10); and the seed.
Item ids are shuffled (m001…). Per kind (and, for message replies, year) 40% go to ``test``
and 60% to ``dev``; 36 items, formal and message alike, are marked ``double`` for a second
labeller. ``bench/data/measures_sample.json`` is written once and kept: labels point into it;
``--extend`` only appends a new named split (:mod:`bench.measures_extend`).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from bench.devset import table_present
from bench.measures_draw import draw_messages, eligible_messages, sample_item
from bench.measures_extend import (
    FRESH_SEED,
    FRESH_SPLIT,
    AlreadyExtended,
    check_extension,
    extend,
)
from bench.measures_text import (
    PACKET_DIR,
    REPO,
    SHARED_CORPUS,
    SampleItem,
    check_text,
    labelling_text,
    load_item_replies,
    locate,
    read_replies,
    write_index,
    write_packets,
)
from index.reply import Reply

logger = logging.getLogger(__name__)

SAMPLE_PATH = REPO / "bench" / "data" / "measures_sample.json"
TIPDM4_REL = "tipdm2020/附件4.xlsx"
SEED_REL = "seed/000_b90c929a2134fc54.txt"
CORPUS_DIR = REPO / "corpus"
CORPUS_SUFFIXES = (".txt", ".md", ".docx", ".html", ".csv")
SEED = 2024
N_MESSAGES = 140
TEST_SHARE = 0.4
N_DOUBLE = 36


def make_items(picked: Sequence[tuple[str, str, Reply]], rng: random.Random) -> list[SampleItem]:
    """Items from (source, path, reply), numbered in a shuffled order, split and doubled."""
    order = rng.sample(list(picked), len(picked))
    items = [
        sample_item(k, source, path, reply, split="dev")
        for k, (source, path, reply) in enumerate(order, start=1)
    ]
    return assign_double(assign_splits(items, rng), rng)


def assign_splits(items: Sequence[SampleItem], rng: random.Random) -> list[SampleItem]:
    """``TEST_SHARE`` of each stratum (kind, and year for message replies) goes to test.

    Items are ordered by stratum then at random, and every item where the running share
    crosses a whole number becomes a test item: the split is exact overall and even
    across strata.
    """
    keyed = sorted(items, key=lambda it: (it.kind, it.year, rng.random()))
    out = {}
    for kind in sorted({it.kind for it in keyed}):
        group = [it for it in keyed if it.kind == kind]
        for i, it in enumerate(group):
            test = int((i + 1) * TEST_SHARE + 0.5) > int(i * TEST_SHARE + 0.5)
            out[it.item] = replace(it, split="test" if test else "dev")
    return [out[it.item] for it in items]


def assign_double(items: Sequence[SampleItem], rng: random.Random) -> list[SampleItem]:
    """Mark ``N_DOUBLE`` items for a second labeller, formal replies in their share (≥ 3)."""
    formal = [it.item for it in items if it.group == "formal"]
    message = [it.item for it in items if it.group == "message"]
    n_formal = min(len(formal), max(3, round(N_DOUBLE * len(formal) / len(items))))
    doubled = set(rng.sample(formal, n_formal)) | set(rng.sample(message, N_DOUBLE - n_formal))
    return [replace(it, double=it.item in doubled) for it in items]


def build_sample(
    *, tipdm4: Path, seed_file: Path, corpus_dir: Path = CORPUS_DIR, seed: int = SEED
) -> list[SampleItem]:
    """Draw the sample from 附件4, ``corpus_dir`` and the seed reply."""
    rng = random.Random(seed)
    pool = eligible_messages(read_replies(tipdm4, root=tipdm4.parent))
    picked = [("tipdm4", TIPDM4_REL, r) for r in draw_messages(pool, N_MESSAGES, rng)]
    for path in _corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir.parent).as_posix()
        picked += [("corpus", rel, r) for r in read_replies(path, root=corpus_dir).values()]
    seed_replies = read_replies(seed_file, root=seed_file.parent)
    picked += [("seed", SEED_REL, r) for r in seed_replies.values()]
    return make_items(picked, rng)


def _corpus_files(corpus_dir: Path) -> list[Path]:
    """The replies shipped in ``corpus/`` (its README documents them and is no reply)."""
    files = (p for p in corpus_dir.iterdir() if p.suffix.lower() in CORPUS_SUFFIXES)
    return sorted(p for p in files if not p.name.lower().startswith("readme"))


def save_sample(items: Sequence[SampleItem], path: Path = SAMPLE_PATH) -> None:
    """Write the sample as a JSON list, an item a line (ids and hashes, never reply text)."""
    rows = ",\n".join(json.dumps(asdict(it), ensure_ascii=False) for it in items)
    path.write_text(f"[\n{rows}\n]\n", encoding="utf-8")


def load_sample(path: Path = SAMPLE_PATH) -> list[SampleItem]:
    """Read the sample written by :func:`save_sample`."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not there; run python -m bench.measures_sample")
    return [SampleItem(**row) for row in json.loads(path.read_text(encoding="utf-8"))]


def composition(items: Sequence[SampleItem]) -> dict[str, object]:
    """Counts by kind × split, by year and topic (message replies), and doubled items."""
    return {
        "items": len(items),
        "kind_split": dict(sorted(Counter(f"{i.kind}/{i.split}" for i in items).items())),
        "source": dict(Counter(i.source for i in items)),
        "year": dict(sorted(Counter(i.year for i in items if i.source == "tipdm4").items())),
        "topic": dict(Counter(i.topic for i in items if i.source == "tipdm4").most_common()),
        "double": dict(Counter(i.group for i in items if i.double)),
    }


def _locate_main(item: str, quote: str, packet_dir: Path) -> int:
    path = packet_dir / f"{item}.text"
    if not path.is_file():
        print(f"no {path}; run python -m bench.measures_sample first", file=sys.stderr)
        return 1
    spans = locate(path.read_text(encoding="utf-8"), quote)
    for start, end in spans:
        print(start, end)
    if not spans:
        print(f"not found in {item}; copy the stretch exactly from {item}.text", file=sys.stderr)
    return 0 if spans else 1


def _extend_main(
    n: int, seed: int, split: str, tipdm4: Path, sample: Path, packet_dir: Path
) -> int:
    """Append ``n`` items of ``split`` to the sample, write their packets and INDEX.txt."""
    items = load_sample(sample)
    try:
        check_extension(items, n, split=split)  # before the slow read of 附件4
        pool = eligible_messages(read_replies(tipdm4, root=tipdm4.parent))
        new = extend(items, pool, n, seed=seed, path=TIPDM4_REL, split=split)
    except ValueError as exc:  # AlreadyExtended too: say why and leave the sample as it is
        print(f"not extended: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, AlreadyExtended) else 1
    save_sample([*items, *new], sample)
    by_id = {r.doc_id: r for r in pool}
    write_packets(new, {it.item: by_id[it.doc_id] for it in new}, packet_dir)
    write_index([*items, *new], packet_dir)
    print(f"{len(new)} fresh items (split {split}, seed {seed}) appended to {sample}:")
    print(" ".join(it.item for it in new))
    print(json.dumps(composition(new), ensure_ascii=False, indent=1))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.measures_sample")
    parser.add_argument("command", nargs="*", help='nothing, or: locate ITEM "QUOTE"')
    parser.add_argument("--shared", type=Path, default=SHARED_CORPUS)
    parser.add_argument("--sample", type=Path, default=SAMPLE_PATH)
    parser.add_argument("--packets", type=Path, default=PACKET_DIR)
    parser.add_argument("--resample", action="store_true", help="draw anew, overwriting")
    parser.add_argument("--extend", type=int, metavar="N", help="append N fresh message replies")
    parser.add_argument("--seed", type=int, help=f"default {SEED}; {FRESH_SEED} with --extend")
    parser.add_argument(
        "--split", help=f"with --extend: the new split's name (default {FRESH_SPLIT}; once each)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Sample (unless kept), write the packets and INDEX.txt; or extend; or ``locate``."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.split is not None and args.extend is None:
        parser.error("--split names the split that --extend appends; give --extend N too")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command:
        if len(args.command) != 3 or args.command[0] != "locate":
            parser.error('the only command is: locate ITEM "QUOTE"')
        return _locate_main(args.command[1], args.command[2], args.packets)
    tipdm4, seed_file = args.shared / TIPDM4_REL, args.shared / SEED_REL
    if not (table_present(tipdm4) and table_present(seed_file)):
        return 2
    if args.extend is not None:
        seed = FRESH_SEED if args.seed is None else args.seed
        split = FRESH_SPLIT if args.split is None else args.split
        return _extend_main(args.extend, seed, split, tipdm4, args.sample, args.packets)
    if args.resample or not args.sample.is_file():
        seed = SEED if args.seed is None else args.seed
        save_sample(build_sample(tipdm4=tipdm4, seed_file=seed_file, seed=seed), args.sample)
    items = load_sample(args.sample)
    roots = {"tipdm4": args.shared, "seed": args.shared, "corpus": REPO}
    replies = load_item_replies(items, roots=roots)
    for it in items:
        if problem := check_text(it, labelling_text(replies[it.item])):
            logger.warning("%s", problem)
    write_packets(items, replies, args.packets)
    write_index(items, args.packets)
    print(json.dumps(composition(items), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
