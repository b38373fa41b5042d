"""Every message a caller can get back for input it must correct, with a stable code.

People read the Chinese message (the app, the CLI, the API); programs branch on ``code``.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    "empty_query": "请输入要检索的问题，或粘贴提案、建议、留言的原文。",
    "query_not_text": "检索内容应为文本，收到的是 {got}。",
    "bad_k": "结果条数应为 1–{high} 之间的整数（收到 {got}）。",
    "bad_mode": "检索方式“{got}”无效；可选：hybrid（混合）、dense（语义）、keyword（关键词）。",
    "bad_date": "日期“{got}”无法识别，请写成 2021-03-05、2021-03、2021 或 2021年3月5日。",
    "bad_month": "日期“{got}”的月份应在 1–12 之间。",
    "bad_day": "日期“{got}”的日应在 1–{last} 之间。",
    "date_order": "起始日期 {start} 晚于截止日期 {stop}，请交换或修改。",
    "bad_kind": "未知的答复类型 {got}；可选：{choices}。",
    "bad_grade": "未知的办理结果 {got}；可选：{choices}。",
    "bad_issuer": "答复单位应为文本（收到 {got}）。",
    "unknown_reply": "索引中没有编号为 {got} 的答复。",
    "no_results_yet": "还没有检索结果：请先检索。",
    "topic_window": "请填写起止日期（如 2019-01 至 2019-12），再分析热点。",
    "bad_query_file": "{detail}",
}


class QueryError(ValueError):
    """Input the user must correct; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, **values: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"no message for error code {code!r}; add it to search.errors")
        self.code = code
        super().__init__(MESSAGES[code].format(**values))
