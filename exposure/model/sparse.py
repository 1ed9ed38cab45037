"""A sparse holding x driver matrix without SciPy: the look-through step of the engine.

Few holdings carry links (stakes, contracts, funds' constituents' links) and each carries a
handful, so the product ``M @ D`` is done over the non-zeros only, one pass per link rank
(jagged ELLPACK), with one reused scratch buffer per thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

_SCRATCH = threading.local()


def _scratch(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A per-thread work buffer reused across evaluations (fresh large arrays cost page faults;
    a slider move should not pay for them). Never returned to callers."""
    store = _SCRATCH.__dict__.setdefault("buffers", {})
    buf = store.get(name)
    if buf is None or buf.shape != shape:
        buf = store[name] = np.empty(shape)
    return buf



@dataclass(frozen=True)
class SparseLinks:
    """The non-zeros of a holding x driver link matrix (``M`` mapped to holdings), built once
    per portfolio and used for every evaluation.

    Stored by holding, holdings ordered by their number of links (most first): ``cols[k, i]``,
    ``vals[k, i]`` is the k-th link of holding ``holdings[i]`` and ``lengths[k]`` how many
    holdings have more than k links, so pass k touches only those (jagged ELLPACK). Columns
    index ``D``: t for equity, T + t for contract.
    """

    holdings: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    lengths: tuple[int, ...]

    @property
    def nnz(self) -> int:
        return int(sum(self.lengths))

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, holding_of_row: np.ndarray | None = None) -> SparseLinks:
        """From a dense (rows x 2T) matrix; ``holding_of_row`` maps its rows to holdings."""
        rows, cols = np.nonzero(matrix)
        vals = matrix[rows, cols]
        holding = np.asarray(holding_of_row)[rows] if holding_of_row is not None else rows
        holdings, inverse, counts = np.unique(holding, return_inverse=True, return_counts=True)
        rank = np.empty(len(holdings), dtype=np.intp)
        rank[np.argsort(-counts, kind="stable")] = np.arange(len(holdings))
        pos = rank[inverse]                              # position of each link's holding
        order = np.lexsort((cols, pos))
        pos, cols, vals = pos[order], cols[order], vals[order]
        first = np.searchsorted(pos, np.arange(len(holdings)))
        slot = np.arange(len(pos)) - first[pos]
        k = int(counts.max()) if len(counts) else 0
        pc = np.zeros((k, len(holdings)), dtype=np.intp)
        pv = np.zeros((k, len(holdings)))
        pc[slot, pos], pv[slot, pos] = cols, vals
        by_rank = np.sort(counts)[::-1]
        lengths = tuple(int((by_rank > j).sum()) for j in range(k))
        ordered = np.empty_like(holdings)
        ordered[rank] = holdings
        return cls(ordered, pc, pv, lengths)

    def product(self, drivers: np.ndarray) -> np.ndarray:
        """``(M @ D)`` for ``holdings`` (in that order), (len(holdings), S)."""
        return self.accumulate(np.zeros((len(self.holdings), drivers.shape[1])), drivers)

    def accumulate(self, out: np.ndarray, drivers: np.ndarray) -> np.ndarray:
        """``out += M @ D`` in place, with one scratch buffer (no per-link temporaries)."""
        buf = _scratch("links.take", out.shape)
        for cols, vals, n in zip(self.cols, self.vals, self.lengths, strict=True):
            part = buf[:n]
            np.take(drivers, cols[:n], axis=0, out=part)
            part *= vals[:n, None]
            out[:n] += part
        return out
