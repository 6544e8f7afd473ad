"""The learned verdict at run time: plain Python over the trained weights (no numpy at start-up)."""

from __future__ import annotations

import gzip
import json
import math
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage_app.core.verdicts import IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR

MODEL_FORMAT = 1
MODEL_FILE = "verdict_model.json.gz"
PREFECT_HEAD = "prefect"  # "Prefect's side is involved"
INFRA_HEAD = "infra"  # "the customer's infrastructure is a plausible cause"
BULLET_PREFIX = "bullet:"
CALIBRATED_VERDICTS = (IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR)


class ModelError(ValueError):
    """A model file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Prediction:
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
            names = [str(n) for n in data["features"]]
            self._index = {n: i for i, n in enumerate(names)}
            self.head_names: tuple[str, ...] = tuple(str(h) for h in data["heads"])
            self._coef = [array("f", data["heads"][h]["coef"]) for h in self.head_names]
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
        self.bullet_titles = tuple(
            h[len(BULLET_PREFIX) :] for h in self.head_names if h.startswith(BULLET_PREFIX)
        )

    @classmethod
    def load(cls, path: Path) -> VerdictModel:
        try:
            raw = path.read_bytes()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            return cls(json.loads(raw.decode("utf-8")))
        except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ModelError(f"{path}: cannot read the model ({exc})") from None

    def logits(self, values: Mapping[str, float]) -> list[float]:
        z = list(self._intercept)
        coefs = self._coef
        index = self._index
        for name, x in values.items():
            i = index.get(name)
            if i is None:
                continue
            for h, coef in enumerate(coefs):
                z[h] += x * coef[i]
        return z

    def calibrate(
        self, z_prefect: float, z_infra: float, v1_unclear: float, tech: float
    ) -> dict[str, float]:
        inputs = calibrator_inputs(z_prefect, z_infra, v1_unclear, tech)
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
        zp, zi = z[self._head_pos[PREFECT_HEAD]], z[self._head_pos[INFRA_HEAD]]
        probs = self.calibrate(
            zp,
            zi,
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
        heads = [(self._head_pos[h], s) for h, s in weights.items() if h in self._head_pos]
        out: list[tuple[str, float]] = []
        for name, x in values.items():
            i = self._index.get(name)
            if i is None:
                continue
            c = sum(s * x * self._coef[h][i] for h, s in heads)
            if c:
                out.append((name, c))
        out.sort(key=lambda kv: -kv[1])
        return out


def calibrator_inputs(
    z_prefect: float, z_infra: float, v1_unclear: float, tech: float
) -> Sequence[float]:
    """What the calibrator sees: both heads, their interaction, and how much content there is."""
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
