"""The training step of tuning: sentence-transformers' own trainer on mined triplets.

MultipleNegativesRankingLoss scores each query against every passage in its batch (the
other pairs' positives and negatives are its in-batch negatives) plus its own BM25 hard
negative. The word-embedding matrix (250k × 384, most of the weights) and the lowest
layers stay frozen, which makes a step on two CPU cores several times cheaper. The
trainer saves checkpoints as it goes and resumes from the last one.

With ``index/embed.py``, the only module that imports sentence-transformers (lazily).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.embed import E5_PROMPTS, cpu_supports_bf16
from index.pairs import Pair

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainingArguments

logger = logging.getLogger(__name__)

CHECKPOINTS = "checkpoints"


@dataclass(frozen=True)
class TrainSettings:
    """How the model is trained; every value is recorded in the model card."""

    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    # Measured on 2 shared cores (32 triplets a step): 256 tokens and 6 frozen layers took
    # 34 s a step; 128 tokens 21 s; 9 frozen layers 23 s. Passages average ~156 tokens, so
    # 128 keeps the head of most of them; the saved model reads 512 again.
    max_seq_length: int = 128
    freeze_layers: int = 8  # lowest transformer layers kept as they are (besides embeddings)
    save_steps: int = 10
    seed: int = 13
    query_prompt: str = E5_PROMPTS["query"]
    document_prompt: str = E5_PROMPTS["document"]

    def check(self) -> None:
        """Raise ``ValueError`` naming the first setting out of range."""
        if self.epochs <= 0:
            raise ValueError(f"--epochs must be above 0; got {self.epochs}")
        if self.batch_size < 2:
            raise ValueError(
                f"--batch-size must be at least 2 (in-batch negatives); got {self.batch_size}"
            )
        if not 0 < self.learning_rate < 1:
            raise ValueError(f"the learning rate must be between 0 and 1; got {self.learning_rate}")
        if not 16 <= self.max_seq_length <= 512:
            raise ValueError(f"max_seq_length must be 16–512 tokens; got {self.max_seq_length}")
        if self.freeze_layers < 0:
            raise ValueError(f"--freeze-layers must be 0 or more; got {self.freeze_layers}")


def train(
    base: Path | str,
    pairs: Sequence[Pair],
    out: Path,
    work: Path,
    settings: TrainSettings,
    *,
    progress: bool = True,
) -> None:
    """Fine-tune ``base`` on ``pairs`` and save the result as a sentence-transformers folder.

    Checkpoints go to ``work/checkpoints``; when one is there (from an interrupted run of
    the same pairs and settings: the caller checks that) training resumes from it.
    """
    settings.check()
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers.trainer_utils import get_last_checkpoint

    model = _load(base)
    full_length = model.max_seq_length
    model.max_seq_length = settings.max_seq_length
    trainable = freeze(model, settings.freeze_layers)
    logger.info("training %.1fM of %.1fM weights", trainable / 1e6, _count(model) / 1e6)
    dataset = Dataset.from_dict(
        {
            "anchor": [p.anchor for p in pairs],
            "positive": [p.positive for p in pairs],
            "negative": [p.negative for p in pairs],
        }
    )
    checkpoints = work / CHECKPOINTS
    checkpoints.mkdir(parents=True, exist_ok=True)
    trainer = SentenceTransformerTrainer(
        model=model,
        args=_arguments(checkpoints, settings, progress),
        train_dataset=dataset,
        loss=MultipleNegativesRankingLoss(model),
    )
    last = get_last_checkpoint(str(checkpoints))
    if last:
        logger.warning("resuming training from %s", last)
    trainer.train(resume_from_checkpoint=last)
    model.max_seq_length = full_length  # the saved model reads whole passages again
    model.save(str(out), create_model_card=False)


def freeze(model: SentenceTransformer, layers: int) -> int:
    """Freeze the embeddings and the lowest ``layers`` transformer layers; trainable count.

    Nothing below the first trainable layer needs gradients, so backward stops there.
    """
    import torch

    modules = [m for m in model.modules() if hasattr(m, "embeddings") and hasattr(m, "encoder")]
    if not modules:
        raise ValueError(
            "the model has no BERT-style encoder (embeddings + encoder layers) to freeze: "
            "tune a BERT/XLM-R based sentence-transformers model such as the default."
        )
    encoder: torch.nn.Module = modules[0]
    blocks = list(getattr(encoder.encoder, "layer", []))
    if layers >= len(blocks):
        raise ValueError(
            f"--freeze-layers {layers} leaves nothing to train: the model has {len(blocks)} "
            f"layers; use at most {len(blocks) - 1}."
        )
    for parameter in encoder.embeddings.parameters():  # type: ignore[union-attr]
        parameter.requires_grad_(False)
    for block in blocks[:layers]:
        for parameter in block.parameters():
            parameter.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _load(base: Path | str) -> SentenceTransformer:
    """The base model in float32 (autocast handles bfloat16), from a local folder."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    folder = Path(base).expanduser()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise FileNotFoundError(
            f"{base} is not a sentence-transformers folder (no modules.json or config.json): "
            "pass the folder of a model on this machine, or omit --model for the default."
        )
    transformers_logging.disable_progress_bar()
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def _arguments(
    checkpoints: Path, settings: TrainSettings, progress: bool
) -> SentenceTransformerTrainingArguments:
    from sentence_transformers import SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers

    documents = settings.document_prompt
    return SentenceTransformerTrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        warmup_steps=settings.warmup_ratio,
        seed=settings.seed,
        data_seed=settings.seed,
        bf16=cpu_supports_bf16(),  # autocast: matmuls in bfloat16, weights kept in float32
        use_cpu=True,
        # the same passage must not be both a positive and an in-batch negative
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        prompts={"anchor": settings.query_prompt, "positive": documents, "negative": documents},
        save_strategy="steps",
        save_steps=settings.save_steps,
        save_total_limit=1,
        logging_steps=max(1, settings.save_steps),
        report_to="none",
        disable_tqdm=not progress,
        dataloader_num_workers=0,
    )


def _count(model: SentenceTransformer) -> int:
    return sum(p.numel() for p in model.parameters())
