"""Weighted, L2-regularised logistic regression on sparse rows, fitted with L-BFGS (numpy only).

Training runs on a worker thread or the `train` command, never at start-up: numpy is imported
here only, and this module only by training code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

_MAX_ITER = 400
_HISTORY = 12
_TOL = 1e-6


@dataclass(frozen=True)
class SparseRows:
    """Rows of (column, value) pairs in CSR arrays, for O(nnz) products."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_cols: int

    @classmethod
    def build(cls, rows: Sequence[dict[int, float]], n_cols: int) -> SparseRows:
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indices: list[int] = []
        data: list[float] = []
        for i, row in enumerate(rows):
            for col in sorted(row):
                indices.append(col)
                data.append(row[col])
            indptr[i + 1] = len(indices)
        return cls(indptr, np.array(indices, dtype=np.int64), np.array(data), n_cols)

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def subset(self, columns: np.ndarray) -> SparseRows:
        """The same rows with only the columns where `columns` (a bool mask) is true."""
        keep = columns[self.indices]
        rows = np.repeat(np.arange(self.n_rows), np.diff(self.indptr))
        counts = np.bincount(rows[keep], minlength=self.n_rows)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return SparseRows(indptr, self.indices[keep], self.data[keep], self.n_cols)

    def take(self, row_ids: np.ndarray) -> SparseRows:
        """The rows `row_ids`, in that order."""
        parts_i, parts_d, lengths = [], [], []
        for r in row_ids:
            a, b = self.indptr[r], self.indptr[r + 1]
            parts_i.append(self.indices[a:b])
            parts_d.append(self.data[a:b])
            lengths.append(b - a)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        indices = np.concatenate(parts_i) if parts_i else np.zeros(0, dtype=np.int64)
        data = np.concatenate(parts_d) if parts_d else np.zeros(0)
        return SparseRows(indptr, indices, data, self.n_cols)

    def dot(self, w: np.ndarray) -> np.ndarray:
        prod = self.data * w[self.indices]
        out = np.zeros(self.n_rows)
        lengths = np.diff(self.indptr)
        nonempty = lengths > 0
        if prod.size:
            sums = np.add.reduceat(prod, self.indptr[:-1][nonempty])
            out[nonempty] = sums
        return out

    def tdot(self, g: np.ndarray) -> np.ndarray:
        lengths = np.diff(self.indptr)
        return np.bincount(
            self.indices, weights=self.data * np.repeat(g, lengths), minlength=self.n_cols
        )


@dataclass(frozen=True)
class BinaryModel:
    """coef over the columns (zero where masked out) and the intercept."""

    coef: np.ndarray
    intercept: float


def fit_binary(
    x: SparseRows,
    y: np.ndarray,
    sample_weight: np.ndarray,
    c: float = 1.0,
    balanced: bool = False,
) -> BinaryModel:
    """Minimise C * sum_i w_i * logloss_i + ||coef||^2 / 2 (the intercept is not penalised).

    `balanced` reweights the classes to equal total weight, as scikit-learn's class_weight does.
    Deterministic: full-batch L-BFGS from zero."""
    y = y.astype(float)
    w = sample_weight.astype(float).copy()
    if balanced:
        pos, neg = w[y > 0.5].sum(), w[y <= 0.5].sum()
        total = pos + neg
        if pos > 0 and neg > 0:
            w = np.where(y > 0.5, w * total / (2 * pos), w * total / (2 * neg))
    n = x.n_cols

    def loss_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, b = theta[:n], theta[n]
        z = x.dot(coef) + b
        # log(1 + exp(-s z)) computed stably; s = +1 for positives, -1 for negatives.
        s = 2.0 * y - 1.0
        m = -s * z
        loss = float(np.sum(w * np.logaddexp(0.0, m))) * c + 0.5 * float(coef @ coef)
        p = 1.0 / (1.0 + np.exp(-z))
        r = c * w * (p - y)
        grad = np.empty_like(theta)
        grad[:n] = x.tdot(r) + coef
        grad[n] = float(r.sum())
        return loss, grad

    theta = _lbfgs(loss_grad, np.zeros(n + 1))
    return BinaryModel(theta[:n], float(theta[n]))


def _lbfgs(fun: Callable[[np.ndarray], tuple[float, np.ndarray]], theta: np.ndarray) -> np.ndarray:
    """Plain L-BFGS with a backtracking Armijo line search; enough for a convex, smooth loss."""
    f, g = fun(theta)
    s_hist: list[np.ndarray] = []
    y_hist: list[np.ndarray] = []
    for _ in range(_MAX_ITER):
        # Two-loop recursion for the search direction.
        q = g.copy()
        alphas = []
        for s, yv in zip(reversed(s_hist), reversed(y_hist), strict=True):
            rho = 1.0 / float(yv @ s)
            a = rho * float(s @ q)
            alphas.append((rho, a))
            q -= a * yv
        if y_hist:
            q *= float(s_hist[-1] @ y_hist[-1]) / float(y_hist[-1] @ y_hist[-1])
        for (s, yv), (rho, a) in zip(
            zip(s_hist, y_hist, strict=True), reversed(alphas), strict=True
        ):
            b = rho * float(yv @ q)
            q += (a - b) * s
        direction = -q
        slope = float(g @ direction)
        if slope >= 0:  # not a descent direction: restart from the gradient
            s_hist.clear()
            y_hist.clear()
            direction = -g
            slope = float(g @ direction)
        step = 1.0 if s_hist else min(1.0, 1.0 / max(1e-12, float(np.abs(g).sum())))
        while True:
            candidate = theta + step * direction
            f_new, g_new = fun(candidate)
            if f_new <= f + 1e-4 * step * slope or step < 1e-12:
                break
            step *= 0.5
        s_vec, y_vec = candidate - theta, g_new - g
        theta, f_old, f, g = candidate, f, f_new, g_new
        if float(y_vec @ s_vec) > 1e-12:
            s_hist.append(s_vec)
            y_hist.append(y_vec)
            if len(s_hist) > _HISTORY:
                s_hist.pop(0)
                y_hist.pop(0)
        if abs(f_old - f) <= _TOL * max(1.0, abs(f)) or float(np.abs(g).max()) < 1e-5:
            break
    return theta


def fit_softmax_small(
    z: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, n_classes: int, c: float = 10.0
) -> tuple[np.ndarray, np.ndarray]:
    """A multinomial logistic regression on a few dense inputs (the calibrator)."""
    n, d = z.shape
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0

    def loss_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        wm = theta[: d * n_classes].reshape(d, n_classes)
        b = theta[d * n_classes :]
        logits = z @ wm + b
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        loss = -c * float(np.sum(sample_weight[:, None] * onehot * logp)) + 0.5 * float(
            np.sum(wm * wm)
        )
        r = c * sample_weight[:, None] * (np.exp(logp) - onehot)
        grad = np.concatenate([(z.T @ r + wm).ravel(), r.sum(axis=0)])
        return loss, grad

    theta = _lbfgs(loss_grad, np.zeros(d * n_classes + n_classes))
    return theta[: d * n_classes].reshape(d, n_classes), theta[d * n_classes :]
