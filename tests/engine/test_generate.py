"""Generation: the paper's setting on a real clip, joint dialogue generation, and windowing for long takes.

All with a tiny random DualTalk network: these tests check the plumbing and the algorithm,
not the quality of trained weights.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dualtalk.inference.audio import Dialogue, load_speech, voice_activity
from dualtalk.inference.checkpoint import load_dualtalk
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion
from dualtalk.inference.core.progress import Recorder
from dualtalk.inference.engine import cpu_bf16_supported, engine_from_model
from dualtalk.inference.generate import (
    generate_dialogue,
    generate_single,
    plan_windows,
    write_dialogue,
)
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def engine(tiny_checkpoint):
    """A tiny random checkpoint saved and loaded like a user's, so sha256 and names are real."""
    net, sha = load_dualtalk(tiny_checkpoint)
    return engine_from_model(net, sha256=sha)


@pytest.fixture(scope="module")
def clip(demo_clip):
    return {
        "a": load_speech(demo_clip["wav1"]),
        "b": load_speech(demo_clip["wav2"]),
        "motion_b": load_motion(demo_clip["npz2"]),
    }


def _normalised(x: np.ndarray) -> torch.Tensor:
    x = torch.from_numpy(x.astype(np.float64))
    return ((x - x.mean()) / torch.sqrt(x.var(unbiased=False) + 1e-7)).float()[None]


def _dialogue(a: np.ndarray, b: np.ndarray) -> Dialogue:
    return Dialogue(a, b, voice_activity(a, partner=b), voice_activity(b, partner=a), names=("Ann", "Ben"))


# Paper mode ---------------------------------------------------------------------------------
def test_paper_mode_on_the_real_clip_reproduces_the_authors_forward(engine, clip):
    """Speaker 1 from both voices + speaker 2's tracked FLAME motion, as in the paper's test."""
    motion_b = clip["motion_b"]
    assert motion_b.num_frames == 587  # tracked frames; the audio needs ceil(23.49 s * 25) = 588
    pred = generate_single(clip["a"], clip["b"], motion_b, engine)
    assert pred.space == "flame56" and pred.num_frames == 588 and pred.fps == 25
    assert pred.exp.shape == (588, 50) and pred.pose.shape == (588, 6)
    assert pred.engine == "dualtalk" and pred.checkpoint_sha256 == engine.sha256
    with torch.inference_mode():
        expected = engine.model(
            _normalised(clip["a"]), _normalised(clip["b"]), torch.from_numpy(motion_b.values)[None]
        )[0].numpy()
    assert np.abs(pred.values - expected).max() <= 1e-5
    # speaker 1 talks for most of the clip
    assert 0.3 < pred.speaking.mean() < 1.0


def test_paper_mode_refuses_motion_of_another_take_or_space(engine, clip):
    short = Motion.from_flame(clip["motion_b"].exp[:100], clip["motion_b"].pose[:100])
    with pytest.raises(DualTalkError, match="same take"):
        generate_single(clip["a"], clip["b"], short, engine)
    arkit = Motion(space="arkit55", values=np.zeros((588, 55), np.float32))
    with pytest.raises(DualTalkError, match="arkit55"):
        generate_single(clip["a"], clip["b"], arkit, engine)


# Dialogue mode --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def short_dialogue(clip) -> Dialogue:
    n = 16000 * 8 + 321  # 8 s and a bit: a partial last frame
    return _dialogue(clip["a"][:n], clip["b"][:n])


def test_dialogue_mode_animates_both_characters(engine, short_dialogue):
    progress = Recorder()
    a, b = generate_dialogue(short_dialogue, engine, rounds=3, progress=progress)
    frames = short_dialogue.num_frames
    for m, role, name, active in (
        (a, "A", "Ann", short_dialogue.active_a),
        (b, "B", "Ben", short_dialogue.active_b),
    ):
        assert m.space == "flame56" and m.num_frames == frames and m.role == role
        assert m.meta["name"] == name and m.meta["rounds"] == 3 and m.meta["mode"] == "dialogue"
        assert np.array_equal(m.speaking, active)
        assert m.engine == "dualtalk" and m.checkpoint_sha256 == engine.sha256
    assert not np.allclose(a.values, b.values)
    stages = {s for s, _, _ in progress.events}
    assert {"encode", "generate"} <= stages
    assert progress.events[-1][1] == 1.0
    # convergence is measured from round 2 on: one entry per later round
    assert [c["round"] for c in a.meta["convergence"]] == [2, 3]


def test_one_round_is_a_given_neutral_b_then_b_given_that_a(engine, short_dialogue):
    """The joint algorithm, spelled out with paper-mode calls."""
    a, b = generate_dialogue(short_dialogue, engine, rounds=1, window_s=0)
    neutral = np.zeros((short_dialogue.num_frames, 56), np.float32)
    a_ref = generate_single(short_dialogue.a, short_dialogue.b, neutral, engine, window_s=0)
    b_ref = generate_single(short_dialogue.b, short_dialogue.a, a_ref.values, engine, window_s=0)
    assert np.abs(a.values - a_ref.values).max() <= 1e-5
    assert np.abs(b.values - b_ref.values).max() <= 1e-5


def test_more_rounds_settle(engine, short_dialogue):
    a, _ = generate_dialogue(short_dialogue, engine, rounds=4, window_s=0)
    changes = [c["change_a"] + c["change_b"] for c in a.meta["convergence"]]
    assert len(changes) == 3
    assert changes[-1] <= changes[0]


def test_generation_is_deterministic_on_cpu(engine, short_dialogue):
    a1, b1 = generate_dialogue(short_dialogue, engine, rounds=2)
    a2, b2 = generate_dialogue(short_dialogue, engine, rounds=2)
    assert np.array_equal(a1.values, a2.values) and np.array_equal(b1.values, b2.values)


@pytest.mark.skipif(not cpu_bf16_supported(), reason="no native bf16 on this CPU")
def test_bf16_on_cpu_stays_close_to_fp32(engine, short_dialogue):
    a32, _ = generate_dialogue(short_dialogue, engine, rounds=1)
    engine.precision = "bf16"
    try:
        a16, _ = generate_dialogue(short_dialogue, engine, rounds=1)
    finally:
        engine.precision = "fp32"
    assert a16.meta["precision"] == "bf16"
    rel = np.abs(a16.values - a32.values).mean() / np.abs(a32.values).mean()
    assert 0 < rel < 0.05, rel


def test_write_dialogue_writes_both_files(tmp_path, engine, short_dialogue):
    a, b = generate_dialogue(short_dialogue, engine, rounds=1)
    pa, pb = write_dialogue(tmp_path / "take", a, b)
    assert (pa.name, pb.name) == ("A.npz", "B.npz")
    back = load_motion(pb)
    assert back.role == "B" and np.array_equal(back.values, b.values)
    assert sorted(p.name for p in (tmp_path / "take").iterdir()) == ["A.npz", "B.npz"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rounds": 0}, "rounds"),
        ({"rounds": 99}, "rounds"),
        ({"window_s": 0.5}, "too short"),
        ({"window_s": -3}, "window"),
    ],
)
def test_bad_options_are_clear_errors(engine, short_dialogue, kwargs, match):
    with pytest.raises(DualTalkError, match=match):
        generate_dialogue(short_dialogue, engine, **kwargs)


def test_a_blip_of_audio_is_refused_not_crashed(engine):
    blip = Dialogue(
        np.zeros(800, np.float32), np.zeros(800, np.float32), np.zeros(2, bool), np.zeros(2, bool)
    )
    with pytest.raises(DualTalkError, match="at least 0.1 s"):
        generate_dialogue(blip, engine)


# Windowing ----------------------------------------------------------------------------------
class _FrameLocalModel(torch.nn.Module):
    """A TwoPartyModel whose output at a frame depends only on that frame: windowing must be invisible."""

    space, fps, sample_rate = "flame56", 25.0, 16000

    def __init__(self) -> None:
        super().__init__()
        self.mix = torch.nn.Linear(3, 56)

    def _energy(self, audio: torch.Tensor, frame_num: int) -> torch.Tensor:
        x = torch.nn.functional.pad(audio, (0, frame_num * 640 - audio.shape[-1]))
        return x.view(x.shape[0], frame_num, 640).pow(2).mean(-1, keepdim=True)

    def encode_self(self, audio, frame_num):
        return self._energy(audio, frame_num)

    def encode_partner(self, audio, frame_num):
        return 2 * self._energy(audio, frame_num)

    def decode(self, self_feats, partner_feats, partner_motion):
        return self.mix(torch.cat([self_feats, partner_feats, partner_motion[..., :1]], -1))

    def neutral_motion(self, frames):
        return torch.zeros(frames, 56)


def test_cross_faded_windows_reassemble_the_full_take_exactly(clip):
    """Stitching plumbing: with a frame-local model, 4 s windows equal one pass over 23.5 s."""
    torch.manual_seed(0)
    eng = engine_from_model(_FrameLocalModel())
    d = _dialogue(clip["a"], clip["b"])
    full_a, full_b = generate_dialogue(d, eng, rounds=3, window_s=0)
    win_a, win_b = generate_dialogue(d, eng, rounds=3, window_s=4)
    assert win_a.meta["windows"] >= 6
    assert np.abs(win_a.values - full_a.values).max() <= 1e-5
    assert np.abs(win_b.values - full_b.values).max() <= 1e-5


def test_windowed_inference_stays_close_to_full_sequence(engine, clip):
    """The real network sees less context per window; on 23.5 s in 8 s windows the difference stays small."""
    d = _dialogue(clip["a"], clip["b"])
    full_a, _ = generate_dialogue(d, engine, rounds=2, window_s=0)
    win_a, _ = generate_dialogue(d, engine, rounds=2, window_s=8)
    assert win_a.meta["windows"] == 4 and full_a.meta["windows"] == 1
    rel = np.abs(win_a.values - full_a.values).mean() / np.abs(full_a.values).mean()
    assert rel < 0.15, rel
    # no jump at the seams: frame-to-frame steps inside the cross-fades are like those elsewhere
    plan = plan_windows(full_a.num_frames, 200, 50)
    step = np.abs(np.diff(win_a.values, axis=0)).mean(1)
    seam = np.zeros(len(step), bool)
    for (s, _), (_, e) in zip(plan.spans[1:], plan.spans[:-1], strict=True):
        seam[max(s - 2, 0) : e + 1] = True
    assert step[seam].max() <= 1.5 * step[~seam].max()


def test_a_window_longer_than_the_take_is_the_full_pass(engine, short_dialogue):
    full, _ = generate_dialogue(short_dialogue, engine, rounds=1, window_s=0)
    one, _ = generate_dialogue(short_dialogue, engine, rounds=1, window_s=60)
    assert np.array_equal(full.values, one.values)


@settings(max_examples=60, deadline=None)
@given(total=st.integers(1, 3000), window=st.integers(4, 800), overlap=st.integers(1, 200))
def test_window_plan_covers_every_frame_with_weights_summing_to_one(total, window, overlap):
    plan = plan_windows(total, window, overlap)
    acc = np.zeros(total)
    for (s, e), w in zip(plan.spans, plan.weights, strict=True):
        assert 0 <= s < e <= total and e - s == plan.length
        assert (w >= 0).all()
        acc[s:e] += w
    assert np.allclose(acc, 1.0, atol=1e-6)
    assert plan.spans[0][0] == 0 and plan.spans[-1][1] == total
