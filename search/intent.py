"""What a question asks about, apart from how it asks.

Staff wrap the topic in framing: 「网友反映X，以往是怎么处理答复的？」, 「对Y我们承诺过哪些整改
措施？」. The framing words (以往, 怎么, 答复, 措施) stand in nearly every reply, so given to
BM25 or the embedder as topic they pull in replies that share only the framing. This module
cuts them out and keeps what they say about intent: a question that asks for measures
prefers replies that promise some.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Only short, typed questions are read for framing; a pasted message is all topic.
MAX_FRAMED_CHARS = 120

# 过去 after 不/得/来… is a verb's complement (接不过去), not "in the past".
_TIME = (
    r"(?:以往|之前|以前|(?<![不得来回上下进出])过去|此前|历史上|往年|原来|早先|当时|曾经"
    r"|近年来?|前些年)"
)
_HOW = r"(?:怎么样|怎么|如何|怎样|是怎样|是如何)"
_HANDLE = r"(?:处理|答复|回复|解决|办理|回应|处置|应对|落实|安排|说|讲)"
_KIND = r"(?:留言|问题|投诉|举报|情况|诉求|来信|事项|案例|请求|咨询|建议|反映)"
_LIKE = r"(?:类似|相关|同类|这类|此类|这种|该类|这方面|这样)"
_MEASURE = r"(?:措施|举措|办法|对策|做法|计划|安排|方案|政策|整改|整治|改进)"
_WHICH = r"(?:哪些|什么|那些|何种|啥)"

# Each pattern is cut wherever it stands; order matters (longer framings first).
_FRAMING = tuple(
    re.compile(p)
    for p in (
        rf"{_TIME}?(?:我们|我局|我委|有关部门|相关部门|政府|部门)?(?:都|又|一般|通常|大多|是)?"
        rf"{_HOW}{_HANDLE}+(?:的|了|过)?(?:结果)?",
        rf"(?:有没有|是否|有无)(?:人|群众|网友|市民|居民)?{_KIND}?(?:过|了)?",
        rf"{_HANDLE}(?:过|了)?(?:没有|吗|了吗|没)",
        rf"(?:{_HANDLE}|问|提|反映|投诉|举报)过",
        r"(?:我们|我局|我委|有关部门|相关部门|政府部门)",
        rf"(?:一般|通常|主要|都)?(?:采取|出台|提出|制定|做|有|给)?(?:了|过)?{_WHICH}(?:具体|整改|整治|解决|处理|"
        rf"工作|应对|推进|扶持|补助|打击|督促|改进|查处)?{_MEASURE}?",
        rf"(?:下一步|下步|后续|今后)(?:有|还有|将|会)?(?:{_WHICH})?(?:计划|打算|安排)?",
        r"(?:承诺|答应|表示)(?:过|了)?",
        rf"{_TIME}?(?:有)?{_LIKE}的?{_KIND}?的?(?:处理结果|处理情况|答复|回复|结果)?",
        rf"{_TIME}(?:的)?(?:答复|回复)?(?:里|中)?",
        r"(?:请问|想问一下|想问|想了解一下|想了解|查一下|帮我查一下|帮忙查|我想知道)",
        r"(?:调查结果如何|结果如何|怎么办|可以吗|能不能|行不行)",
        r"(?:网友|群众|市民|居民|村民|业主|家长)(?:反映|投诉|举报|留言|来信|提出|质疑)",
        r"[？?！!吗呢]",
    )
)
_WANTS_MEASURES = re.compile(
    rf"{_MEASURE}|承诺|采取|下一步|下步|怎么解决|如何解决|怎么推进|如何推进|怎么整改"
)
# A 的 or 了 the cut left at the front goes, but not the 的 of 的士 (a taxi).
_EDGE = re.compile(r"^(?:[，,、；;：:。\s了]|的(?!士))+|[，,、；;：:。\s]+$")
_RUNS = re.compile(r"[，,、；;：:。\s]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Intent:
    """A query's topic and what the framing around it asked for."""

    topic: str  # the query without its framing (the query itself when nothing was cut)
    framed: bool  # framing was found and cut
    wants_measures: bool  # it asks which measures were taken or promised


def read_intent(text: str) -> Intent:
    """Split ``text`` into topic and intent; long text (a pasted message) is all topic."""
    if len(text) > MAX_FRAMED_CHARS:
        return Intent(text, framed=False, wants_measures=False)
    topic = text
    for pattern in _FRAMING:
        topic = pattern.sub("，", topic)
    topic = _EDGE.sub("", _RUNS.sub("，", topic))
    if len(_CJK.findall(topic)) < 2:  # nothing but framing: keep the whole question
        topic = text
    framed = topic != text
    return Intent(topic, framed=framed, wants_measures=bool(_WANTS_MEASURES.search(text)))
