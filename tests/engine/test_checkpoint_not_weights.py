"""A file that is plainly something else, picked by mistake for --checkpoint (the take's WAV, a motion
file, the scene): before, `talk.wav is not a readable PyTorch checkpoint (pop from empty list); a damaged
or cut-short file: download or copy it again`, sending the user off to download again. Now one line says
what the file is."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch
from dualtalk.cli import main
from dualtalk.inference.checkpoint import read_checkpoint_file
from dualtalk.inference.core.errors import DualTalkError

WEIGHTS = "not model weights: a checkpoint is the .pth/.pt file that torch.save wrote"


def _voice(seconds: float = 1.0, sr: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    x = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t))
    return np.stack([x, x[::-1]], 1).astype(np.float32)


def test_the_take_s_wav_given_as_checkpoint_is_called_an_audio_file(tmp_path, capsys):
    talk = tmp_path / "talk.wav"
    sf.write(talk, _voice(), 16000)
    out = tmp_path / "take"
    for engine in ("auto", "dualtalk", "lite"):
        rc = main(["infer", "--quiet", "--audio", str(talk), "--checkpoint", str(talk), "--engine", engine,
                   "--out", str(out)])  # fmt: skip
        err = capsys.readouterr().err.strip().splitlines()
        assert rc == 2 and not out.exists(), engine
        assert err == [f"error: talk.wav is an audio file (WAV), {WEIGHTS} (e.g. DualTalk.pth from "
                       "`python -m dualtalk download`)"], engine  # fmt: skip


def _files(tmp_path):
    """Files a user might pick by mistake, each as the tool that makes it writes it."""
    x = _voice()
    sf.write(tmp_path / "talk.flac", x, 16000, format="FLAC")
    sf.write(tmp_path / "talk.ogg", x, 16000, format="OGG")
    sf.write(tmp_path / "talk.aiff", x, 16000, format="AIFF")
    sf.write(tmp_path / "talk.rf64", x, 16000, format="RF64")
    found = {
        "talk.flac": "an audio file (FLAC)",
        "talk.ogg": "an audio file (Ogg)",
        "talk.aiff": "an audio file (AIFF)",
        "talk.rf64": "an audio file (WAV)",
    }
    if "MP3" in sf.available_formats():
        sf.write(tmp_path / "talk.mp3", x, 16000, format="MP3")
        found["talk.mp3"] = "an audio file (MP3)"
    np.savez(tmp_path / "A.npz", values=np.zeros((10, 52), np.float32), fps=np.float32(25))
    found["A.npz"] = "a NumPy archive (.npz, e.g. a motion file)"
    np.save(tmp_path / "values.npy", np.zeros(3))
    found["values.npy"] = "a NumPy array file (.npy)"
    (tmp_path / "scene.blend").write_bytes(b"BLENDER17-01v0500" + bytes(200))  # Blender 5's header
    found["scene.blend"] = "a Blender file (.blend)"
    return found


def test_other_files_a_user_might_pick_say_what_they_are(tmp_path):
    for name, kind in _files(tmp_path).items():
        with pytest.raises(DualTalkError) as refused:
            read_checkpoint_file(tmp_path / name)
        assert str(refused.value).startswith(f"{name} is {kind}, {WEIGHTS}"), name


def test_real_checkpoints_and_damaged_ones_are_read_as_before(tmp_path):
    """The sniff names only what is plainly not weights: torch's zip and legacy files still load, and
    a cut-short one is still "damaged or cut-short" (its zip holds data.pkl, not .npy arrays)."""
    torch.save({"w": torch.ones(3)}, tmp_path / "ok.pth")
    torch.save({"w": torch.ones(3)}, tmp_path / "legacy.pth", _use_new_zipfile_serialization=False)
    assert torch.equal(read_checkpoint_file(tmp_path / "ok.pth")["w"], torch.ones(3))
    assert torch.equal(read_checkpoint_file(tmp_path / "legacy.pth")["w"], torch.ones(3))
    data = (tmp_path / "ok.pth").read_bytes()
    (tmp_path / "cut.pth").write_bytes(data[: len(data) // 2])
    with pytest.raises(DualTalkError, match="cut.pth is not a readable PyTorch checkpoint .*cut-short"):
        read_checkpoint_file(tmp_path / "cut.pth")


def test_a_missing_dualtalk_checkpoint_says_where_to_get_one(tmp_path, capsys):
    """`--checkpoint DualTalk.pth` typed before downloading it: the line points at `download`, as the
    line for a missing --checkpoint does (review rv37c finding 10: it said only "not found")."""
    talk = tmp_path / "talk.wav"
    sf.write(talk, _voice(), 16000)
    missing = tmp_path / "DualTalk.pth"
    for engine in ("auto", "dualtalk"):
        rc = main(["infer", "--quiet", "--audio", str(talk), "--checkpoint", str(missing), "--engine", engine,
                   "--out", str(tmp_path / "take")])  # fmt: skip
        err = capsys.readouterr().err.strip().splitlines()
        assert rc == 2, engine
        assert err == [
            f"error: checkpoint not found: {missing} (get it with `python -m dualtalk download`)"
        ], engine
    other = tmp_path / "my_weights.pt"  # not the published file: no pointer to download it
    assert (
        main(
            [
                "infer",
                "--quiet",
                "--audio",
                str(talk),
                "--checkpoint",
                str(other),
                "--out",
                str(tmp_path / "t"),
            ]
        )
        == 2
    )
    assert capsys.readouterr().err.strip() == f"error: checkpoint not found: {other}"
