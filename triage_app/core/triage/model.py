"""The learned verdict at run time: plain Python over the trained weights (no numpy at start-up)."""

from __future__ import annotations

import json
import math
import sys
from array import array
from collections.abc import Mapping, Sequence
from operator import itemgetter, mul
from pathlib import Path
from typing import Any, NamedTuple

from triage_app.core.verdicts import IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR

MODEL_FORMAT = 1
MODEL_FILE = "verdict_model.bin"
# Where models lived before they were stored uncompressed: still read (a team's `train` output,
# a refit cache), never written.
LEGACY_MODEL_FILE = "verdict_model.json.gz"
PREFECT_HEAD = "prefect"  # "Prefect's side is involved"
INFRA_HEAD = "infra"  # "the customer's infrastructure is a plausible cause"
VERDICT_HEADS = (PREFECT_HEAD, INFRA_HEAD)
BULLET_PREFIX = "bullet:"
CALIBRATED_VERDICTS = (IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR)


class ModelError(ValueError):
    """A model file that cannot be used; the message says why."""


class Prediction(NamedTuple):
    """Calibrated verdict probabilities, bullet probabilities and the heads' raw scores."""

    probabilities: dict[str, float]
    bullets: dict[str, float]
    logits: dict[str, float]

    @property
    def verdict(self) -> str:
        return max(CALIBRATED_VERDICTS, key=lambda v: self.probabilities.get(v, 0.0))

    @property
    def confidence(self) -> float:
        return self.probabilities.get(self.verdict, 0.0)


def _floats(values: Any) -> array:
    return values if isinstance(values, array) and values.typecode == "f" else array("f", values)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class VerdictModel:
    """Linear heads over sparse features, and a small calibrator from the heads to four verdicts."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping) or data.get("format") != MODEL_FORMAT:
            raise ModelError("not a triage-app verdict model (or a newer format)")
        try:
            # A name that is not text never matches a feature (and one that cannot be a key is
            # a TypeError below): no pass over the 16,000 names to check them.
            names = data["features"]
            self._index = dict(zip(names, range(len(names)), strict=True))
            self.head_names: tuple[str, ...] = tuple(str(h) for h in data["heads"])
            # decode_model gives float32 arrays already: used as they are (no copy of 300,000).
            self._coef = [_floats(data["heads"][h]["coef"]) for h in self.head_names]
            self._intercept = [float(data["heads"][h]["intercept"]) for h in self.head_names]
            if any(len(c) != len(names) for c in self._coef):
                raise ModelError("a head's weights do not match the feature list")
            cal = data["calibrator"]
            self._cal_w = [[float(x) for x in row] for row in cal["weights"]]
            self._cal_b = [float(x) for x in cal["intercept"]]
            self._cal_classes = tuple(str(c) for c in cal["classes"])
            self.confident_threshold = float(data.get("confident_threshold", 0.7))
            self.meta: dict[str, Any] = dict(data.get("meta", {}))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelError):
                raise
            raise ModelError(f"malformed model file ({exc})") from None
        self._head_pos = {h: i for i, h in enumerate(self.head_names)}
        self._memo: tuple[Mapping[str, float], tuple[list[int], list[float], list[str]]] | None = (
            None
        )
        self.bullet_titles = tuple(
            h[len(BULLET_PREFIX) :] for h in self.head_names if h.startswith(BULLET_PREFIX)
        )

    @classmethod
    def load(cls, path: Path) -> VerdictModel:
        try:
            return cls(decode_model(path.read_bytes()))
        except (OSError, EOFError, ValueError, RecursionError) as exc:  # gzip's errors are OSError
            if isinstance(exc, ModelError):
                raise ModelError(f"{path}: {exc}") from None
            raise ModelError(f"{path}: cannot read the model ({exc})") from None

    def _known(self, values: Mapping[str, float]) -> tuple[list[int], list[float], list[str]]:
        """The ticket's features this model knows: columns, values, names. One triage asks several
        times (prediction, explanation, bullet evidence) for the same values: the last answer is
        kept, as one tuple, so a thread that races another only computes it again."""
        memo = self._memo
        if memo is not None and memo[0] is values:
            return memo[1]
        index = self._index
        cols: list[int] = []
        xs: list[float] = []
        names: list[str] = []
        for name, x in values.items():
            i = index.get(name)
            if i is not None:
                cols.append(i)
                xs.append(x)
                names.append(name)
        self._memo = (values, (cols, xs, names))
        return cols, xs, names

    @staticmethod
    def _gather(coef: array, cols: list[int]) -> Sequence[float]:
        # itemgetter picks many columns in one C call; a Python loop per head and feature was
        # the cost of inference.
        if not cols:
            return ()
        got = itemgetter(*cols)(coef)
        return (got,) if len(cols) == 1 else got

    def logits(self, values: Mapping[str, float]) -> list[float]:
        cols, xs, _names = self._known(values)
        return [
            b + sum(map(mul, xs, self._gather(coef, cols)))
            for b, coef in zip(self._intercept, self._coef, strict=True)
        ]

    def calibrate(self, heads: Sequence[float], v1_unclear: float, tech: float) -> dict[str, float]:
        inputs = calibrator_inputs(heads, v1_unclear, tech)
        scores = [
            b + sum(inputs[k] * self._cal_w[k][c] for k in range(len(inputs)))
            for c, b in enumerate(self._cal_b)
        ]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        probs = {v: 0.0 for v in CALIBRATED_VERDICTS}
        for c, e in zip(self._cal_classes, exps, strict=True):
            probs[c] = e / total
        return probs

    def predict(self, values: Mapping[str, float]) -> Prediction:
        z = self.logits(values)
        probs = self.calibrate(
            [z[self._head_pos[h]] for h in VERDICT_HEADS],
            values.get("v1v:" + UNCLEAR, 0.0),
            values.get("v1:in", 0.0) + values.get("v1:out", 0.0),
        )
        bullets = {
            title: _sigmoid(z[self._head_pos[BULLET_PREFIX + title]])
            for title in self.bullet_titles
        }
        return Prediction(probs, bullets, {h: z[i] for i, h in enumerate(self.head_names)})

    def contributions(
        self, values: Mapping[str, float], weights: Mapping[str, float]
    ) -> list[tuple[str, float]]:
        """Per-feature contributions to a combination of heads (head name -> sign), largest first."""
        cols, xs, names = self._known(values)
        totals = [0.0] * len(cols)
        for head, sign in weights.items():
            pos = self._head_pos.get(head)
            if pos is None:
                continue
            picked = self._gather(self._coef[pos], cols)
            totals = [t + sign * x * w for t, x, w in zip(totals, xs, picked, strict=True)]
        out = [(n, c) for n, c in zip(names, totals, strict=True) if c]
        out.sort(key=lambda kv: -kv[1])
        return out


_MAGIC = b"TRIAGEM1"


def encode_model(data: Mapping[str, Any]) -> bytes:
    """The model file: a JSON header (features, calibrator, meta) and each head's weights as
    little-endian float32, so loading parses no numbers. Not compressed: float weights shrink by a
    fifth under gzip (1.52 -> 1.21 MB) and inflating them was 8 ms of every start, two thirds of
    loading the model. Byte-identical for identical data."""
    heads = data["heads"]
    order = list(heads)
    header = {k: v for k, v in data.items() if k != "heads"}
    header["heads"] = {h: {"intercept": heads[h]["intercept"]} for h in order}
    header["head_order"] = order
    head_bytes = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    parts = [_MAGIC, len(head_bytes).to_bytes(4, "little"), head_bytes]
    for h in order:
        coef = array("f", heads[h]["coef"])
        if sys.byteorder != "little":
            coef.byteswap()
        parts.append(coef.tobytes())
    return b"".join(parts)


def decode_model(raw: bytes) -> dict[str, Any]:
    """The inverse of encode_model (also reads the gzip'd files of earlier releases, and JSON)."""
    if raw[:2] == b"\x1f\x8b":
        import gzip

        raw = gzip.decompress(raw)
    if not raw.startswith(_MAGIC):
        return json.loads(raw.decode("utf-8"))
    size = int.from_bytes(raw[len(_MAGIC) : len(_MAGIC) + 4], "little")
    start = len(_MAGIC) + 4
    header = json.loads(raw[start : start + size].decode("utf-8"))
    n = len(header["features"])
    offset = start + size
    for h in header.pop("head_order"):
        coef = array("f")
        chunk = raw[offset : offset + 4 * n]
        if len(chunk) != 4 * n:
            raise ModelError("the model file is cut short")
        coef.frombytes(chunk)
        if sys.byteorder != "little":
            coef.byteswap()
        header["heads"][h]["coef"] = coef
        offset += 4 * n
    return header


def calibrator_inputs(heads: Sequence[float], v1_unclear: float, tech: float) -> Sequence[float]:
    """What the calibrator sees: the verdict heads (prefect, infra), their interaction, and how
    much content there is. (A third head, "a cause too" among Prefect tickets, measured no better
    on cross-validation: real-ticket accuracy at the deployment mix 0.754 vs 0.760.)"""
    z_prefect, z_infra = heads
    return (z_prefect, z_infra, z_prefect * z_infra / 4.0, v1_unclear, tech)


def verdict_weights(verdict: str) -> dict[str, float]:
    """Which heads, with which sign, moved a ticket towards `verdict` (for explanations)."""
    if verdict == IN_SCOPE:
        return {PREFECT_HEAD: 1.0, INFRA_HEAD: -1.0}
    if verdict == OUT_OF_SCOPE:
        return {PREFECT_HEAD: -1.0, INFRA_HEAD: 1.0}
    if verdict == SPANS_BOTH:
        return {INFRA_HEAD: 1.0, PREFECT_HEAD: 0.5}
    return {}
