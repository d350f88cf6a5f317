"""A TD re-generates frames 10-20 of a take with ``animate --range``: there only Ann talks, so the
seconds the engine hears around the range hold nothing on Bob's channel. The command used to print
"warning: speaker B's audio is silent; B only listens" -- read as "Bob's channel is broken", though
Bob talks in the take. The audio loader now marks who is silent as its own kind of warning, and a
range leaves that kind unsaid (as the panel's Re-generate Preview Range line does); the whole take's
run still warns of a channel silent in the whole recording."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from robustness_util import run_cli
from test_animate_range_audio import CHARS
from test_blender_animate import build_scene, two_voices

SILENT_B = "speaker B's audio is silent; B only listens"


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> dict[str, Path]:
    """An 8 s take (Ann talks 0-4 s, Bob 4-8 s) and a monologue take (Bob's channel silent)."""
    folder = tmp_path_factory.mktemp("range_silent")
    scene = build_scene(folder / "in.blend")
    audio = two_voices(folder / "talk.wav", seconds=8.0)
    x, sr = sf.read(str(audio), dtype="float32")
    x[:, 1] = 0.0
    sf.write(str(folder / "monologue.wav"), x, sr)
    return {"folder": folder, "scene": scene, "audio": audio, "monologue": folder / "monologue.wav"}


def _animate(shot, capsys, blend: Path, out: Path, audio: Path, *more: str) -> tuple[int, list[str]]:
    argv = ["animate", "--blend", str(blend), "--out", str(out), "--audio", str(audio), *more, *CHARS]
    code, err, _out = run_cli(capsys, argv)
    return code, err


def test_a_range_where_bob_only_listens_does_not_warn_that_bs_audio_is_silent(shot, tmp_path, capsys):
    take = tmp_path / "take.blend"
    code, err = _animate(shot, capsys, shot["scene"], take, shot["audio"])
    assert code == 0 and not any("silent" in line for line in err), err  # Bob talks in the take
    code, err = _animate(shot, capsys, take, tmp_path / "fixed.blend", shot["audio"], "--range", "10-20")
    assert code == 0, err
    assert not any("silent" in line or "only listens" in line for line in err), err


def test_a_monologue_is_still_warned_of_when_the_whole_take_is_animated(shot, tmp_path, capsys):
    take = tmp_path / "take.blend"
    code, err = _animate(shot, capsys, shot["scene"], take, shot["monologue"])
    assert code == 0 and f"warning: {SILENT_B}" in err, err
    code, err = _animate(shot, capsys, take, tmp_path / "fixed.blend", shot["monologue"], "--range", "10-20")
    assert code == 0 and not any("silent" in line for line in err), err
