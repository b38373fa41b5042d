"""Text rules of the devset: masking a reply's restatement of the message, typed keywords.

A reply often opens by restating the message ("网友：您好！您反映的“A2区景蓉华苑物业管理有问题”
已收悉。现将有关情况回复如下："); indexed as is, a title query would find its reply by string
match. ``mask_reply`` cuts that opening and every stretch shared verbatim with the title.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

MIN_SHARED = 8
MAX_OPENING_PIECES = 3
# What an opening that acknowledges the message says; a leading piece with one of these goes.
OPENING_MARKERS = (
    "收悉", "反映", "您好", "你好", "留言", "来信", "来邮", "来函", "网友", "网帖", "接到", "收到",
    "如下", "回复", "答复",
)  # fmt: skip
# Pieces end at a sentence end or at the colon of "现将有关情况回复如下：".
_PIECE_END = re.compile(r"(?<=[。！？!?])|(?<=如下[：:])|(?<=回复[：:])|(?<=答复[：:])")
_INTRO_END = re.compile(r"[：:]\s*$")
_SPACE = re.compile(r"\s+")
_PLACE_CODE = re.compile(r"[A-Z]\d{0,2}[市区县]")


@dataclass(frozen=True)
class Masked:
    """A reply's indexed text and how many characters each masking rule removed."""

    text: str
    opening_chars: int
    shared_chars: int


def mask_opening(body: str) -> tuple[str, int]:
    """Cut the leading pieces that acknowledge the message (up to the first "如下：").

    At most ``MAX_OPENING_PIECES`` pieces go, each only when it holds an opening marker;
    returns the rest and the number of characters removed.
    """
    pieces = [p for p in _PIECE_END.split(body) if p]
    cut = 0
    while cut < min(MAX_OPENING_PIECES, len(pieces)):
        if not any(m in pieces[cut] for m in OPENING_MARKERS):
            break
        cut += 1
        if _INTRO_END.search(pieces[cut - 1]):
            break  # "…现回复如下：" ends the opening; what follows is the answer
    rest = "".join(pieces[cut:]).lstrip()
    return rest, len(body) - len(rest)


def shared_substrings(title: str, body: str, min_len: int = MIN_SHARED) -> list[str]:
    """Maximal stretches of ``title`` (≥ ``min_len`` chars) found verbatim in ``body``."""
    title = _SPACE.sub("", title)
    found: list[str] = []
    for i in range(len(title) - min_len + 1):
        for j in range(len(title), i + min_len - 1, -1):
            if title[i:j] in body:
                found.append(title[i:j])
                break
    found = sorted(set(found), key=len, reverse=True)
    return [s for n, s in enumerate(found) if not any(s in longer for longer in found[:n])]


def mask_reply(body: str, titles: Iterable[str]) -> Masked:
    """The reply as indexed: opening cut, stretches shared with any of ``titles`` removed."""
    rest, opening = mask_opening(body)
    before = len(rest)
    for title in titles:
        for shared in shared_substrings(title, rest):
            rest = rest.replace(shared, "")
    return Masked(rest.strip(), opening, before - len(rest))


def keyword_query(
    title: str, tokenize: Callable[[str], list[str]], idf: Callable[[str], float], n: int
) -> str:
    """Up to ``n`` whole title words with the highest idf, in title order ("" when < 2).

    Masked place codes (A市, A2区, K7县) are cut out first: glued to the next word they
    make jieba split it wrongly (A9市北盛镇 → 市北/盛镇). Of search-mode sub-words only the
    longest is kept (公积金, not 公积/积金). Words keep the title's spelling.
    """
    plain = _PLACE_CODE.sub(" ", title)
    tokens = list(dict.fromkeys(tokenize(plain)))
    whole = [t for t in tokens if not any(t != o and t in o for o in tokens)]
    chosen = sorted(whole, key=lambda t: -idf(t))[:n]  # stable: ties keep title order
    if len(chosen) < 2:
        return ""
    lower = plain.lower()
    chosen.sort(key=lambda t: lower.find(t) % (len(lower) + 1))
    return " ".join(_spelled(plain, lower, t) for t in chosen)


def title_idf(
    titles: Sequence[str], tokenize: Callable[[str], list[str]]
) -> Callable[[str], float]:
    """idf of each word over ``titles`` (a word in no title gets the highest)."""
    df = Counter(t for title in titles for t in set(tokenize(title)))
    total = len(titles)
    return lambda term: math.log(1 + total / (1 + df.get(term, 0)))


def _spelled(title: str, lower: str, token: str) -> str:
    at = lower.find(token)
    return title[at : at + len(token)] if at >= 0 else token
