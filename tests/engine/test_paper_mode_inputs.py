"""A researcher runs paper mode (one character, given the partner's voice and tracked motion) on
DualTalk-format files: the inputs must be one take and one voice each, a wrong engine says what to
pass, and the Python example in docs/engine.md does what ``infer`` does.

Before: a 2 s partner track against 6 s of own audio was padded with 4 s of silence without a word; a
stereo ``--audio`` of both voices was averaged into the character's own voice; without
``--checkpoint`` the line blamed "the lite engine" the user never chose; docs/engine.md had no
paper-mode call from Python."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio import load_speech
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.engine import load_engine
from dualtalk.inference.generate import generate_single
from train_data import make_folder

REPO = Path(__file__).resolve().parents[2]
SECONDS = 6.0


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """conv0_speaker{1,2}.wav + .npz (the dataset's exp/pose), 6 s."""
    return make_folder(tmp_path_factory.mktemp("clip"), conversations=1, seconds=SECONDS)


def paper(
    clip, tiny_checkpoint, out, *, audio="conv0_speaker1.wav", partner="conv0_speaker2.wav", checkpoint=True
):
    argv = ["infer", "--quiet", "--audio", str(clip / audio), "--partner-audio", str(clip / partner),
            "--partner-motion", str(clip / "conv0_speaker2.npz"), "--device", "cpu", "--out", str(out)]  # fmt: skip
    return argv + (["--checkpoint", str(tiny_checkpoint)] if checkpoint else [])


def refused(capsys, argv) -> str:
    capsys.readouterr()
    rc = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def write_cut(clip, name, src, seconds):
    x, sr = sf.read(clip / src, dtype="float32")
    sf.write(clip / name, x[: int(seconds * sr)], sr, subtype="FLOAT")


# --- the partner's audio: the same take, within 1 s ------------------------------------------------


def test_a_partner_track_of_another_length_is_refused_naming_both_lengths(
    tmp_path, clip, tiny_checkpoint, capsys
):
    write_cut(clip, "partner_2s.wav", "conv0_speaker2.wav", 2.0)
    out = tmp_path / "pred.npz"
    line = refused(capsys, paper(clip, tiny_checkpoint, out, partner="partner_2s.wav"))
    assert "the partner's audio lasts 2.00 s but the character's own lasts 6.00 s" in line
    assert "same take (within 1 s)" in line and not out.exists()
    # the Python call refuses it too
    engine = load_engine(str(tiny_checkpoint), engine="dualtalk", device="cpu")
    own, short = load_speech(clip / "conv0_speaker1.wav"), load_speech(clip / "partner_2s.wav")
    with pytest.raises(DualTalkError, match=r"lasts 2\.00 s .* lasts 6\.00 s"):
        generate_single(own, short, load_motion(clip / "conv0_speaker2.npz"), engine)
    # half a second short is the same take (an export's rounding): padded, as before
    write_cut(clip, "partner_5.5s.wav", "conv0_speaker2.wav", 5.5)
    assert main(paper(clip, tiny_checkpoint, tmp_path / "ok.npz", partner="partner_5.5s.wav")) == 0
    assert load_motion(tmp_path / "ok.npz").num_frames == 150


# --- one voice per file ---------------------------------------------------------------------------


def test_a_stereo_file_of_both_voices_is_refused_in_paper_mode(tmp_path, clip, tiny_checkpoint, capsys):
    own, sr = sf.read(clip / "conv0_speaker1.wav", dtype="float32")
    other, _ = sf.read(clip / "conv0_speaker2.wav", dtype="float32")
    sf.write(clip / "both.wav", np.stack([own, other], axis=1), sr, subtype="FLOAT")
    for flag in ("audio", "partner"):
        out = tmp_path / f"{flag}.npz"
        line = refused(capsys, paper(clip, tiny_checkpoint, out, **{flag: "both.wav"}))
        assert "both.wav has 2 different channels" in line and "one voice per file" in line
        assert "own mono track" in line and "dialogue mode" in line and not out.exists()
    # a mono recording saved as stereo, or with a silent second channel, is that one voice
    assert main(paper(clip, tiny_checkpoint, tmp_path / "mono.npz")) == 0
    mono = load_motion(tmp_path / "mono.npz").values
    for name, second in (("dual_mono.wav", own), ("one_silent.wav", np.zeros_like(own))):
        sf.write(clip / name, np.stack([own, second], axis=1), sr, subtype="FLOAT")
        assert main(paper(clip, tiny_checkpoint, tmp_path / name.replace(".wav", ".npz"), audio=name)) == 0
        np.testing.assert_array_equal(load_motion(tmp_path / name.replace(".wav", ".npz")).values, mono)


def test_generate_single_refuses_a_two_channel_array(clip, tiny_checkpoint):
    engine = load_engine(str(tiny_checkpoint), engine="dualtalk", device="cpu")
    own, partner = load_speech(clip / "conv0_speaker1.wav"), load_speech(clip / "conv0_speaker2.wav")
    with pytest.raises(DualTalkError, match=r"\(2, 96000\) array, several channels"):
        generate_single(np.stack([own, partner]), partner, load_motion(clip / "conv0_speaker2.npz"), engine)


# --- the engine: FLAME motion needs the published network -----------------------------------------


def test_without_a_checkpoint_the_line_says_to_pass_one(tmp_path, clip, tiny_checkpoint, capsys):
    line = refused(capsys, paper(clip, tiny_checkpoint, tmp_path / "pred.npz", checkpoint=False))
    assert "partner motion is FLAME (flame56)" in line and "embedded lite engine" in line
    assert "pass --checkpoint DualTalk.pth" in line and "--engine dualtalk" in line
    assert "the lite engine needs" not in line


# --- docs/engine.md's Python example, as written ---------------------------------------------------


def paper_mode_example() -> str:
    """The ```python block of docs/engine.md that calls generate_single."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "docs" / "engine.md").read_text(), flags=re.S)
    found = [b for b in blocks if "generate_single(" in b]
    assert len(found) == 1, "docs/engine.md has no Python example of paper mode"
    return found[0]


def test_the_docs_python_example_makes_what_infer_makes(tmp_path, clip, tiny_checkpoint, monkeypatch, capsys):
    """The example's files in a folder as a reader has them (the tiny network with the published
    layout standing in for the 2.6 GB DualTalk.pth), run as written: the same arrays as ``infer``."""
    shutil.copy(tiny_checkpoint, tmp_path / "DualTalk.pth")
    for src, dst in (("conv0_speaker1.wav", "clip_speaker1.wav"), ("conv0_speaker2.wav", "clip_speaker2.wav"),
                     ("conv0_speaker2.npz", "clip_speaker2.npz")):  # fmt: skip
        shutil.copy(clip / src, tmp_path / dst)
    monkeypatch.chdir(tmp_path)
    exec(compile(paper_mode_example(), "docs/engine.md paper-mode example", "exec"), {})
    printed = capsys.readouterr().out
    assert "(150, 56) (150, 50) (150, 6)" in printed
    cli = ["infer", "--quiet", "--audio", "clip_speaker1.wav", "--partner-audio", "clip_speaker2.wav",
           "--partner-motion", "clip_speaker2.npz", "--checkpoint", "DualTalk.pth", "--device", "cpu",
           "--out", "cli.npz"]  # fmt: skip
    assert main(cli) == 0
    with np.load(tmp_path / "pred.npz") as ours, np.load(tmp_path / "cli.npz") as cli:
        for key in ("values", "exp", "pose", "speaking"):
            np.testing.assert_array_equal(ours[key], cli[key], err_msg=key)


# --- the dataset's names: a partner input named for the character's own speaker ---------------------


def test_a_partner_motion_named_for_the_character_s_own_speaker_is_warned_of(
    tmp_path, clip, tiny_checkpoint, capsys
):
    """The shared demo ships only speaker 2's FLAME, so `--audio X_speaker2.wav --partner-motion
    X_speaker2.npz` is an easy slip: it ran without a word (review rv37c finding 9). Now one warning
    names the file the partner's would be; the run still writes (an ablation may mean it)."""
    out = tmp_path / "pred.npz"
    argv = paper(clip, tiny_checkpoint, out, audio="conv0_speaker2.wav", partner="conv0_speaker1.wav")
    capsys.readouterr()
    assert main(argv) == 0 and out.is_file()
    warned = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]
    assert warned == [
        "warning: --partner-motion conv0_speaker2.npz is named for the character's own speaker "
        "(conv0_speaker2.wav); the partner's would be conv0_speaker1.npz"
    ]


def test_partner_inputs_named_for_the_partner_say_nothing(tmp_path, clip, tiny_checkpoint, capsys):
    out = tmp_path / "pred.npz"
    capsys.readouterr()
    assert main(paper(clip, tiny_checkpoint, out)) == 0
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]
