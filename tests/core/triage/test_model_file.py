"""The model file: stored uncompressed, and the gzip'd files of earlier releases still read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from triage_app.core.triage.model import (
    LEGACY_MODEL_FILE,
    MODEL_FILE,
    ModelError,
    VerdictModel,
    decode_model,
    encode_model,
)
from triage_app.storage import team_model


def _tiny_model(threshold: float = 0.7) -> dict:
    heads = {
        "prefect": {"coef": [0.5, -0.25], "intercept": 0.1},
        "infra": {"coef": [-1.0, 2.0], "intercept": -0.2},
    }
    calibrator = {
        "weights": [[0.0] * 4 for _ in range(5)],
        "intercept": [0.0] * 4,
        "classes": ["in_scope", "out_of_scope", "spans_both", "unclear"],
    }
    return {
        "format": 1,
        "features": ["w:helm", "w:nginx"],
        "heads": heads,
        "calibrator": calibrator,
        "confident_threshold": threshold,
        "meta": {"corrections_key": "k"},
    }


def test_the_file_is_not_compressed_and_reads_back_the_same_weights():
    raw = encode_model(_tiny_model())
    assert raw[:2] != b"\x1f\x8b" and raw.startswith(b"TRIAGEM1")
    back = decode_model(raw)
    assert list(back["heads"]["infra"]["coef"]) == [-1.0, 2.0]
    assert back["features"] == ["w:helm", "w:nginx"]


def test_an_earlier_release_gzip_file_still_loads(tmp_path: Path):
    path = tmp_path / LEGACY_MODEL_FILE
    path.write_bytes(gzip.compress(encode_model(_tiny_model())))
    model = VerdictModel.load(path)
    logits = dict(zip(model.head_names, model.logits({"w:nginx": 1.0}), strict=True))
    assert logits == pytest.approx({"prefect": 0.1 - 0.25, "infra": -0.2 + 2.0})


def test_a_cut_short_file_says_so(tmp_path: Path):
    path = tmp_path / MODEL_FILE
    path.write_bytes(encode_model(_tiny_model())[:-3])
    with pytest.raises(ModelError, match="cut short"):
        VerdictModel.load(path)


def test_a_team_trained_model_of_an_earlier_release_is_still_used(tmp_path: Path):
    (tmp_path / LEGACY_MODEL_FILE).write_bytes(gzip.compress(encode_model(_tiny_model(0.55))))
    model, source = team_model.base_model(tmp_path)
    assert model.confident_threshold == 0.55 and LEGACY_MODEL_FILE in source
    # A newer `train` output wins over the old one.
    (tmp_path / MODEL_FILE).write_bytes(encode_model(_tiny_model(0.65)))
    model, source = team_model.base_model(tmp_path)
    assert model.confident_threshold == 0.65 and source.endswith(MODEL_FILE)


def test_the_shipped_model_is_the_uncompressed_file():
    from importlib.resources import files

    raw = (files("triage_app.resources") / MODEL_FILE).read_bytes()
    assert raw.startswith(b"TRIAGEM1")
    header_size = int.from_bytes(raw[8:12], "little")
    header = json.loads(raw[12 : 12 + header_size])
    assert len(raw) == 12 + header_size + 4 * len(header["features"]) * len(header["head_order"])
