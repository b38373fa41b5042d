"""Drawing message replies for the measure sample: eligibility, years, rough topics.

Shared by the first sample (``bench.measures_sample``) and the fresh extension
(``bench.measures_extend``), so both draw by the same rules: no reply under ``MIN_CHARS``
characters, no duplicate reply, allotted to the years of 答复时间 in proportion with at
least ``MIN_PER_YEAR`` per year, and within a year taken in turn from rough topics.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Sequence

from bench.measures_text import SampleItem, labelling_text, text_sha
from index.reply import Reply

MIN_PER_YEAR = 3
MIN_CHARS = 30
_SPACE = re.compile(r"\s+")
# Rough topics of 留言主题 (the TipDM first-level classes), used only to spread the sample.
TOPICS: dict[str, tuple[str, ...]] = {
    "城乡建设": tuple(
        "小区 物业 拆迁 征收 安置 房 建设 施工 工地 道路 路灯 电梯 规划 违建 棚改".split()
    ),
    "环境保护": tuple("污染 噪音 噪声 油烟 排放 垃圾 臭 环保 扬尘 粉尘 水质 河 化工".split()),
    "交通运输": tuple("公交 交通 出租 地铁 高速 车站 红绿灯 驾 客运 停车 火车 航班".split()),
    "教育文体": tuple("学校 学生 教师 老师 幼儿园 教育 招生 学位 中学 小学 体育 文化".split()),
    "劳动社保": tuple("社保 养老 医保 工资 就业 公积金 退休 劳动 失业 低保 补贴 人才".split()),
    "商贸旅游": tuple("商户 市场 旅游 景区 消费 超市 价格 经营 传销 商家 快递".split()),
    "卫生计生": tuple("医院 医疗 卫生 疫苗 计生 生育 药 医生 护士 诊所".split()),
}


def topic_of(title: str) -> str:
    """The rough topic whose words occur most in ``title`` (first on ties), else 其他."""
    counts = {t: sum(w in title for w in words) for t, words in TOPICS.items()}
    best = max(counts, key=lambda t: counts[t])
    return best if counts[best] else "其他"


def eligible_messages(replies: dict[str, Reply]) -> list[Reply]:
    """Replies of ≥ ``MIN_CHARS`` non-space characters, the first of any duplicate set."""
    seen: set[str] = set()
    out = []
    for reply in replies.values():
        key = _SPACE.sub("", labelling_text(reply))
        if len(key) >= MIN_CHARS and key not in seen:
            out.append(reply)
        seen.add(key)
    return out


def allot(counts: dict[str, int], n: int, *, floor: int = MIN_PER_YEAR) -> dict[str, int]:
    """Split ``n`` over strata in proportion to ``counts``, each getting ≥ ``floor`` (or all).

    Largest remainders fill what the floors leave; raises ValueError when ``n`` is larger
    than the strata hold, or smaller than the floors add up to.
    """
    if n > sum(counts.values()):
        raise ValueError(f"cannot draw {n} from {sum(counts.values())} eligible replies")
    quota = {k: min(c, floor) for k, c in counts.items()}
    if sum(quota.values()) > n:  # the floors alone would overshoot n
        raise ValueError(
            f"cannot draw only {n}: {len(quota)} strata at ≥ {floor} each need "
            f"{sum(quota.values())}; draw at least that many"
        )
    while (left := n - sum(quota.values())) > 0:
        room = {k: counts[k] - quota[k] for k in counts if counts[k] > quota[k]}
        total = sum(room.values())
        shares = {k: left * r / total for k, r in room.items()}
        adds = {k: min(int(s), room[k]) for k, s in shares.items()}
        if not any(adds.values()):
            adds[max(shares, key=lambda k: (shares[k], k))] = 1
        for k, a in adds.items():
            quota[k] += a
    return quota


def draw_messages(pool: Sequence[Reply], n: int, rng: random.Random) -> list[Reply]:
    """``n`` replies, allotted over years and taken round-robin over topics within a year."""
    by_year: dict[str, list[Reply]] = defaultdict(list)
    for reply in pool:
        by_year[(reply.date or "????")[:4]].append(reply)
    quota = allot({y: len(rs) for y, rs in by_year.items()}, n)
    chosen: list[Reply] = []
    for year in sorted(by_year):
        by_topic: dict[str, list[Reply]] = defaultdict(list)
        for reply in by_year[year]:
            by_topic[topic_of(reply.title)].append(reply)
        queues = [rng.sample(rs, len(rs)) for _, rs in sorted(by_topic.items())]
        rng.shuffle(queues)
        chosen.extend(_round_robin(queues, quota[year]))
    return chosen


def _round_robin(queues: list[list[Reply]], n: int) -> list[Reply]:
    """One from each queue in turn until ``n`` are taken (``n`` ≤ what the queues hold)."""
    out: list[Reply] = []
    while len(out) < n:
        for queue in queues:
            if queue and len(out) < n:
                out.append(queue.pop())
    return out


def sample_item(number: int, source: str, path: str, reply: Reply, *, split: str) -> SampleItem:
    """The sample entry for ``reply`` as item ``m{number:03d}`` (not doubled)."""
    text = labelling_text(reply)
    return SampleItem(
        item=f"m{number:03d}",
        source=source,
        doc_id=reply.doc_id,
        path=path,
        kind=reply.kind,
        split=split,
        year=(reply.date or "")[:4],
        topic=topic_of(reply.title) if reply.kind == "message_reply" else "",
        double=False,
        chars=len(text),
        text_sha=text_sha(text),
    )
