"""``python -m search topics``: the recurring topics of a date window, and the words for counts.

Opens the index without the embedding model (topics need only what the build stored), so it
answers in about a second.
"""

from __future__ import annotations

import argparse
import json

from index.reply import GRADES, KIND_LABELS, KINDS
from index.store import open_index
from search.counts import MEASURE_LABELS, OverviewCounts
from search.request import Filters, parse_date
from search.topics import OTHERS_LABEL, TopicModel, TopicReport


def topics_parser() -> argparse.ArgumentParser:
    """Options of ``python -m search topics``."""
    parser = argparse.ArgumentParser(
        prog="python -m search topics",
        description="Recurring topics (热点) of a date window, with sizes and trends.",
    )
    parser.add_argument("--index", default="data/index", metavar="DIR")
    parser.add_argument("--from", dest="date_from", required=True, metavar="DATE",
                        help="2019, 2019-01 or 2019-01-01")  # fmt: skip
    parser.add_argument("--to", dest="date_to", required=True, metavar="DATE",
                        help="2019, 2019-12 or 2019-12-31 (inclusive)")  # fmt: skip
    parser.add_argument("--issuer")
    parser.add_argument("--kind", action="append", choices=KINDS)
    parser.add_argument("--grade", action="append", choices=GRADES)
    parser.add_argument("--json", action="store_true", help="one JSON object for the report")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def run_topics(args: argparse.Namespace) -> int:
    """Print the topics of ``--from``–``--to``; returns the exit status."""
    start, stop = parse_date(args.date_from), parse_date(args.date_to, end=True)
    if start is None or stop is None:
        raise ValueError("give both --from and --to, e.g. --from 2019-01 --to 2019-12.")
    filters = Filters.parse(start, stop, args.issuer, args.kind, args.grade)
    report = TopicModel(open_index(args.index)).topics(start, stop, filters)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else describe(report))
    return 0


def describe(report: TopicReport) -> str:
    """The topics as lines people read."""
    window = f"{report.date_from} 至 {report.date_to}"
    lines = [f"{window}：{report.records} 件，{len(report.topics)} 个话题"]
    for n, topic in enumerate(report.topics, start=1):
        trend = "新出现" if topic.trend is None else f"{topic.trend:+.0%}"
        issuers = "、".join(f"{c.value} {c.count}" for c in topic.issuers[:3])
        lines.append(
            f"{n}. {' / '.join(topic.terms)}　{topic.size} 件（上期 {topic.previous}，{trend}）"
            f"　已落实 {topic.done_share:.0%}　{issuers}"
        )
        lines += [f"   · {title}" for title in topic.titles]
    if report.others:
        lines.append(f"{OTHERS_LABEL}：{report.others} 件")
    return "\n".join(lines)


def describe_counts(counts: OverviewCounts) -> str:
    """Facet counts as a few lines (the CLI's ``--overview``)."""

    def row(label: str, items: str) -> str:
        return f"   {label}：{items}"

    def join(pairs: list[tuple[str, int]]) -> str:
        return "，".join(f"{v} {n}" for v, n in pairs if n)

    lines = [f"概览：相关 {counts.total} 件（得分 ≥ {counts.floor:.3f}）"]
    lines.append(row("按年" if counts.period == "year" else "按月",
                     join([(c.value, c.count) for c in counts.by_period])))  # fmt: skip
    lines.append(row("答复单位", join([(c.value, c.count) for c in counts.by_issuer[:8]])))
    lines.append(row("类型", join([(KIND_LABELS.get(c.value, c.value), c.count)
                                  for c in counts.by_kind])))  # fmt: skip
    lines.append(row("办理结果", join([(c.value, c.count) for c in counts.by_grade])))
    lines.append(row("措施", join([(MEASURE_LABELS[c.value], c.count) for c in counts.measures])))
    return "\n".join(lines)
