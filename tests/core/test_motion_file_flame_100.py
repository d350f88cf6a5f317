"""A researcher's FLAME tracker writes all 100 expression coefficients, and they load its files.

Before (review rv43b, finding 3): ``exp`` (T, 100) was cut to its first 50 columns without a word, in
``Motion.from_flame``, the dataset layout and a motion file's ``exp`` beside ``values``: a file whose
columns 50-99 were noise keyed and scored exactly as a clean one. Now the first 50 are read with one
warning naming the file and the count; columns past 50 that are all zero lose nothing and pass
quietly; a scorer that asks (``strict_exp``) is refused in one line.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
from dualtalk.inference.core.channels import FLAME56
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion

FRAMES = 30


def _tracker_arrays(rest: float) -> tuple[np.ndarray, np.ndarray]:
    """exp (T, 100) whose columns 50-99 are ``rest``, and pose (T, 6) = [neck, jaw]."""
    rng = np.random.default_rng(4)
    exp = np.concatenate([rng.normal(0, 1, (FRAMES, 50)), np.full((FRAMES, 50), rest)], axis=1)
    pose = rng.normal(0, 0.1, (FRAMES, 6))
    return exp.astype(np.float32), pose.astype(np.float32)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "dualtalk" and r.levelno == logging.WARNING]


def test_flame_100_coefficients_keep_50_with_one_warning_or_a_refusal_when_asked(tmp_path, caplog):
    exp, pose = _tracker_arrays(rest=0.5)
    np.savez(tmp_path / "take_speaker1.npz", exp=exp, pose=pose)
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        motion = load_motion(tmp_path / "take_speaker1.npz")
    assert motion.values.shape == (FRAMES, 56) and np.array_equal(motion.exp, exp[:, :50])
    assert _warnings(caplog) == [
        "take_speaker1.npz: exp has 100 coefficients; DualTalk's FLAME space (flame56) keeps the first 50: "
        "columns 50-99, which hold values up to 0.5, are not read"
    ]

    # the scorers ask for a refusal: a prediction's noise in 50-99 would otherwise score as perfect
    with pytest.raises(DualTalkError) as exc:
        load_motion(tmp_path / "take_speaker1.npz", strict_exp=True)
    assert str(exc.value).startswith("take_speaker1.npz: exp has 100 coefficients and columns 50-99 hold")
    assert "save exp[:, :50]" in str(exc.value)

    # our own layout, values with a 100-column exp written beside it by another tool: said alike
    values = np.concatenate([exp[:, :50], pose[:, 3:6], pose[:, 0:3]], axis=1)
    own = dict(space="flame56", channels=np.array(FLAME56), values=values, fps=25.0, exp=exp, pose=pose)
    np.savez(tmp_path / "own.npz", **own)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        assert np.array_equal(load_motion(tmp_path / "own.npz").values, values)
    assert len(_warnings(caplog)) == 1 and _warnings(caplog)[0].startswith("own.npz: exp has 100")
    with pytest.raises(DualTalkError, match="own.npz: exp has 100 coefficients"):
        load_motion(tmp_path / "own.npz", strict_exp=True)

    # the Python API says it too, without a file to name
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        assert Motion.from_flame(exp, pose).values.shape == (FRAMES, 56)
    assert len(_warnings(caplog)) == 1 and _warnings(caplog)[0].startswith("exp has 100 coefficients")


def test_columns_past_50_that_are_all_zero_lose_nothing_and_pass_quietly(tmp_path, caplog):
    exp, pose = _tracker_arrays(rest=0.0)
    np.savez(tmp_path / "padded_speaker1.npz", exp=exp, pose=pose)
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        motion = load_motion(tmp_path / "padded_speaker1.npz", strict_exp=True)
    assert np.array_equal(motion.exp, exp[:, :50]) and _warnings(caplog) == []
