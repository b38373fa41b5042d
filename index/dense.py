"""The dense side: a FAISS inner-product index over L2-normalised passage vectors.

The index type follows the size, as FAISS's own guidelines suggest:

- below ``FLAT_BELOW`` passages, exact search (``IndexFlatIP``): exact, and fast enough;
- above it, an inverted file (IVF) with about 2·√n lists, searched in ``nprobe`` of them.
  IVF rather than HNSW because it builds several times faster on two cores (k-means on a
  sample, then one assignment pass: 22 s against 106 s for HNSW32 at 100k passages, see
  bench/README.md) and because an ID filter only narrows the lists' scan instead of cutting
  a graph;
- when the float vectors would take more than ``FLOAT_BYTES_BUDGET``, the IVF stores them
  as 8-bit scalar-quantised codes (SQ8: a quarter of the memory, ranking barely changes).

Which kind was built is recorded in the manifest (``dense_index``) and read back from the
FAISS file itself on load. Indexes built as HNSW by earlier versions still load and search.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

import faiss
import numpy as np

FLAT_BELOW = 50_000
FLOAT_BYTES_BUDGET = 1 << 30  # 1 GiB of float32 vectors: ~700k passages at dimension 384
IVF_LISTS_PER_SQRT = 2  # nlist ≈ 2·√n: k-means cost grows as nlist², so fewer lists build faster
IVF_MIN_TRAIN_PER_LIST = 39  # FAISS's k-means warns below 39 training points per centroid
IVF_TRAIN_PER_LIST = 64  # training sample: 64 points per list is plenty for k-means
IVF_PROBE_SHARE = 16  # search nlist / 16 lists (128 of 2048): recall@10 ≥ 0.95, see bench.scale
IVF_MIN_PROBE = 32
HNSW_EF_SEARCH = 128  # for HNSW indexes built by earlier versions
KINDS = ("flat_ip", "ivf_flat", "ivf_sq8", "hnsw")


class FaissDense:
    """A FAISS index behind the :class:`index.engine.DenseIndex` interface."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        self.kind = index_kind(index)
        self.ivf = faiss.extract_index_ivf(index) if self.kind.startswith("ivf") else None
        self.nprobe = 0 if self.ivf is None else default_nprobe(int(self.ivf.nlist))
        self._direct_map_lock = threading.Lock()

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        *,
        threshold: int = FLAT_BELOW,
        float_budget: int = FLOAT_BYTES_BUDGET,
        seed: int = 0,
    ) -> FaissDense:
        """Index ``vectors`` (rows are passages): exact below ``threshold`` rows, IVF above."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dimension = vectors.shape
        kind = choose_kind(count, dimension, threshold=threshold, float_budget=float_budget)
        if kind == "flat_ip":
            index: faiss.Index = faiss.IndexFlatIP(dimension)
        else:
            storage = "SQ8" if kind == "ivf_sq8" else "Flat"
            factory = f"IVF{ivf_lists(count)},{storage}"
            index = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
            index.train(_training_sample(vectors, ivf_lists(count), seed))
        if count:
            index.add(vectors)
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> FaissDense:
        """Read an index written by :meth:`save`."""
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        """Write with FAISS's own serialiser (no pickle)."""
        faiss.write_index(self.index, str(path))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passages per query as (scores, ids); ``allowed`` restricts to those ids.

        Restricting inside FAISS (a bitmap ID selector) rather than after the cut means a
        filter never returns fewer hits than exist: an IVF probes more lists the fewer
        passages the filter allows, so it sees as many allowed candidates as without one.
        """
        k = min(k, len(self))
        if k <= 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        bitmap = None if allowed is None else _bitmap(allowed, len(self))
        params = self._params(bitmap, None if allowed is None else len(allowed))
        scores, ids = self.index.search(queries, k, params=params)
        return scores, ids

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of passages ``ids`` (an IVF decodes them from its lists)."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if self.ivf is not None:
            with self._direct_map_lock:  # search workers may ask at the same time
                if self.ivf.direct_map.no():
                    self.ivf.make_direct_map()  # once: id → list position, 8 bytes a vector
        return np.asarray(self.index.reconstruct_batch(ids), dtype=np.float32)

    def _params(self, bitmap: np.ndarray | None, allowed: int | None) -> faiss.SearchParameters:
        # The fewer passages a filter allows, the wider the search, so that as many allowed
        # candidates are seen as without a filter.
        share = 1.0 if allowed is None else max(allowed, 1) / max(len(self), 1)
        if self.ivf is not None:
            ivf_params = faiss.SearchParametersIVF()
            ivf_params.nprobe = min(int(self.ivf.nlist), math.ceil(self.nprobe / share))
            params: faiss.SearchParameters = ivf_params
        elif self.kind == "hnsw":
            hnsw_params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
            hnsw_params.efSearch = min(len(self), math.ceil(HNSW_EF_SEARCH / share))
            params = hnsw_params
        else:
            params = faiss.SearchParameters()
        if bitmap is not None:
            # FAISS keeps a raw pointer: the caller holds ``bitmap`` until the search returns
            params.sel = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
        return params


def choose_kind(
    count: int,
    dimension: int,
    *,
    threshold: int = FLAT_BELOW,
    float_budget: int = FLOAT_BYTES_BUDGET,
) -> str:
    """The index kind for ``count`` vectors: exact, IVF, or IVF with 8-bit codes."""
    if count < threshold:
        return "flat_ip"
    return "ivf_sq8" if count * dimension * 4 > float_budget else "ivf_flat"


def ivf_lists(count: int) -> int:
    """Number of IVF lists: a power of two near 2·√count, with enough points to train each."""
    target = IVF_LISTS_PER_SQRT * math.sqrt(max(count, 1))
    lists = 2 ** round(math.log2(max(target, 1)))
    trainable = max(count // IVF_MIN_TRAIN_PER_LIST, 1)
    return int(max(1, min(lists, 2 ** int(math.log2(trainable)))))


def default_nprobe(nlist: int) -> int:
    """Lists searched per query: a fixed share of them, at least ``IVF_MIN_PROBE``."""
    return min(nlist, max(IVF_MIN_PROBE, nlist // IVF_PROBE_SHARE))


def index_kind(index: faiss.Index) -> str:
    """What kind of index a FAISS object is, or ValueError naming what it is."""
    if isinstance(index, faiss.IndexFlatIP):
        return "flat_ip"
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(index, faiss.IndexIVFScalarQuantizer):
        return "ivf_sq8"
    if isinstance(index, faiss.IndexIVFFlat):
        return "ivf_flat"
    raise ValueError(
        f"unsupported FAISS index type {type(index).__name__}: this version of 先例 reads "
        f"{', '.join(KINDS)}; rebuild the index with python -m index build --fresh"
    )


def _training_sample(vectors: np.ndarray, lists: int, seed: int) -> np.ndarray:
    """A random sample of rows for k-means: enough per list, no more (training is the cost)."""
    size = min(len(vectors), lists * IVF_TRAIN_PER_LIST)
    rows = np.random.default_rng(seed).choice(len(vectors), size=size, replace=False)
    return vectors[np.sort(rows)]


def _bitmap(allowed: np.ndarray, total: int) -> np.ndarray:
    """``allowed`` ids as FAISS's little-endian bitmap (one bit per passage)."""
    mask = np.zeros(total, dtype=bool)
    mask[np.asarray(allowed, dtype=np.int64)] = True
    return np.packbits(mask, bitorder="little")
