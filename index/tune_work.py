"""The work folder of a tuning run, ``MODEL_DIR.partial/``, and the finished folder's move.

The work folder holds the trainer's checkpoints, cached evaluation vectors, the model
being finished and ``run.json`` naming the run (base model, pairs, settings) so that a
rerun resumes only the same run. The finished model is renamed into place whole.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from index.tune_train import CHECKPOINTS

logger = logging.getLogger(__name__)

CARD = "tuning.json"
RUN_FILE = "run.json"
MODEL = "model"


def work_folder(out: Path) -> Path:
    """Where the run that writes ``out`` keeps its work: ``out`` + ``.partial``."""
    return out.with_name(f"{out.name}.partial")


def start_run(work: Path, identity: dict[str, object]) -> None:
    """Keep the checkpoints of an interrupted run of the same pairs and settings, else clear."""
    run_file = work / RUN_FILE
    if run_file.is_file():
        try:
            same = json.loads(run_file.read_text(encoding="utf-8")) == identity
        except json.JSONDecodeError:
            same = False
        if not same:
            logger.warning("%s holds another run's checkpoints: starting afresh", work)
            discard_run(work)
    work.mkdir(parents=True, exist_ok=True)
    run_file.write_text(json.dumps(identity, ensure_ascii=False, indent=2), encoding="utf-8")


def discard_run(work: Path) -> None:
    """Remove checkpoints and the unsaved model; cached evaluation vectors stay for a retry."""
    for name in (CHECKPOINTS, MODEL):
        shutil.rmtree(work / name, ignore_errors=True)
    (work / RUN_FILE).unlink(missing_ok=True)


def check_out(out: Path) -> None:
    """Refuse an ``out`` that holds something other than an earlier tuned model."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / CARD).is_file())):
        raise ValueError(
            f"{out} exists and is not a tuned model folder: pass a new folder as --out "
            "(a folder holding an earlier tuning.json is replaced)."
        )


def swap_into_place(work: Path, target: Path) -> None:
    """Rename ``work`` to ``target``, replacing an earlier tuned model there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(work, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
