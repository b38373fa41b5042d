"""先例 · 答复先例检索 — the entry point: ``python ui.py [--help]``.

Builds the index from ``corpus/`` when it is missing, loads it and serves the app
(options and safety checks in app/cli.py; the page in app/page.py).
"""

from __future__ import annotations

from app.page import build_app

__all__ = ["build_app"]

if __name__ == "__main__":
    from app.cli import main

    raise SystemExit(main(app_factory=build_app))
