"""A researcher scoring a folder of motion files with `eval lipsync --pred` is told when the command
cannot do what was asked, instead of printing a table anyway (review 26c, findings 1, 3 and 15):

* engine flags (`--lip-release`, `--checkpoint`, ...) with `--pred` changed nothing, so a sweep of
  `--lip-release` over a `--pred` folder printed the same table each time; they still set how other
  weights run with `--pred X --against W.pt`;
* `--aligned afile.txt` said "aligned folder not found" of a file that exists;
* a listener's motion (`B.npz` copied to `A.npz`, a take made `--audio silence.wav --audio-b clip.wav`
  or with `--swap`) was scored as the speaker's lips: 0 % of M/B/P closed, and no word why.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion, save_motion

FPS, SR = 25, 16000
PHONES = ["SIL", "M", "AA", "B", "AA", "P", "IY", "F", "UW", "V", "AH", "SIL"]  # 3 frames each


def write_clip(folder: Path, stem: str) -> int:
    """``<stem>.phone.json`` (one word a phone, LibriVox layout) + a noise ``<stem>.wav``; its frames."""
    d = 3 / FPS
    words = [
        {"t": p.lower(), "b": i * d, "d": d, "w": [{"t": p, "b": i * d, "d": d}]}
        for i, p in enumerate(PHONES)
    ]
    (folder / f"{stem}.phone.json").write_text(json.dumps({"t": "test", "w": words}), encoding="utf-8")
    n = 3 * len(PHONES)
    sf.write(folder / f"{stem}.wav", np.random.default_rng(1).standard_normal(n * SR // FPS) * 0.1, SR)
    return n


def mouth(n: int) -> np.ndarray:
    """A mouth that opens and shuts: enough to be scored."""
    v = np.zeros((n, len(ARKIT55)), np.float32)
    v[:, ARKIT55.index("jawOpen")] = 0.5 + 0.5 * np.sin(np.arange(n))
    return v


def lipsync(capsys, *args: object) -> tuple[int, str, list[str]]:
    """``eval lipsync`` as typed: (exit status, stdout, stderr lines)."""
    code = main(["eval", "lipsync", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err.strip().splitlines()


@pytest.fixture
def scored(tmp_path: Path) -> tuple[Path, Path, int]:
    """An aligned clip ``one`` and a folder holding a mouth that shuts on every bilabial for it."""
    aligned, pred = tmp_path / "aligned", tmp_path / "pred"
    aligned.mkdir()
    n = write_clip(aligned, "one")
    pred.mkdir()
    save_motion(pred / "one.npz", Motion(space="arkit55", values=mouth(n), engine="lite"))
    return aligned, pred, n


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--lip-release", "0.3"], "--lip-release sets"),
        (["--lip-rounding", "0"], "--lip-rounding sets"),
        (["--checkpoint", "afile.txt", "--lip-release", "0.3"], "--checkpoint, --lip-release set"),
        (["--rounds", "3"], "--rounds sets"),
    ],
)
def test_engine_flags_with_pred_alone_are_refused_not_silently_ignored(scored, capsys, flags, named):
    aligned, pred, _ = scored
    code, out, err = lipsync(capsys, "--aligned", aligned, "--pred", pred, *flags)
    assert code == 2 and out == "" and len(err) == 1, err
    assert err[0].startswith(f"error: {named} how the model runs, and no model runs with --pred:"), err


def test_engine_flags_with_pred_and_other_motion_files_are_refused_too(scored, capsys):
    aligned, pred, _ = scored
    code, _out, err = lipsync(
        capsys, "--aligned", aligned, "--pred", pred, "--against", pred, "--window", "10"
    )
    assert code == 2 and len(err) == 1 and "no model runs with --pred and --against DIR" in err[0], err


def test_with_other_weights_the_engine_flags_set_how_those_run(scored, capsys):
    from dualtalk.inference.models.lite.model import DEFAULT_WEIGHTS

    aligned, pred, _ = scored
    runs = {}
    for release in ("0", "0.75"):
        code, out, err = lipsync(
            capsys, "--aligned", aligned, "--pred", pred, "--against", DEFAULT_WEIGHTS, "--json",
            "--lip-release", release, "--lip-rounding", "0", "--quiet",
        )  # fmt: skip
        assert code == 0, err
        runs[release] = json.loads(out.strip().splitlines()[-1])
    assert runs["0"]["pooled"]["model"] == runs["0.75"]["pooled"]["model"]  # the files, as they are
    assert runs["0"]["against"]["model"] != runs["0.75"]["against"]["model"]  # the weights, released or not
    code, _out, err = lipsync(
        capsys, "--aligned", aligned, "--pred", pred, "--against", DEFAULT_WEIGHTS, "--checkpoint", "x.pt"
    )
    assert code == 2 and err == [
        f"error: --checkpoint x.pt with --pred: the weights run are --against {DEFAULT_WEIGHTS}; give one of them"
    ]


def test_an_aligned_file_is_called_a_file_not_a_missing_folder(scored, capsys):
    aligned, pred, _ = scored
    code, _out, err = lipsync(capsys, "--aligned", aligned / "one.phone.json", "--pred", pred)
    assert code == 2 and err == [
        f"error: --aligned {aligned / 'one.phone.json'} is a file; give the folder that holds the "
        "<stem>.phone.json or <stem>.TextGrid + <stem>.wav files"
    ]


def _take_file(pred: Path, n: int, role: str, voices: tuple[str, str], swap: bool = False, env=None) -> None:
    """``pred/one/A.npz`` as ``infer`` records it: character ``role`` of a take of ``voices``."""
    source: dict = {"form": "pair", "audio": voices[0], "audio_b": voices[1], "swap": swap}
    if env is not None:
        source["sound"] = {"v": 1, "hop": 1600, "start": 0.0, "end": 1.0, "samples": [n, n], "env": env}
    values = mouth(n)
    (pred / "one.npz").unlink(missing_ok=True)
    (pred / "one").mkdir(exist_ok=True)
    save_motion(
        pred / "one" / "A.npz", Motion("arkit55", values, engine="lite", role=role, meta={"source": source})
    )


@pytest.mark.parametrize(
    ("role", "voices", "swap"),
    [
        ("B", ("/data/one.wav", "silence.wav"), False),  # the partner's B.npz copied to A.npz
        ("A", ("silence.wav", "/data/one.wav"), False),  # infer --audio silence.wav --audio-b one.wav
        ("A", ("/data/one.wav", "silence.wav"), True),  # infer ... --swap
    ],
    ids=["copied-B", "voices-reversed", "swap"],
)
def test_a_listeners_motion_is_refused_not_scored_as_the_speakers_lips(scored, capsys, role, voices, swap):
    aligned, pred, n = scored
    _take_file(pred, n, role, voices, swap)
    code, out, err = lipsync(capsys, "--aligned", aligned, "--pred", pred)
    assert code == 2 and out == "" and len(err) == 1, err
    assert err[0].startswith(f"error: one/A.npz holds character {role} of a take made ")
    assert "who listened: the clip's audio was its partner's voice, its own was silence.wav" in err[0]


def test_a_character_whose_own_renamed_audio_was_silent_is_refused_too(scored, capsys):
    aligned, pred, n = scored
    loud, quiet = (base64.b64encode(np.full(10, v, np.uint8).tobytes()).decode() for v in (150, 0))
    _take_file(pred, n, "A", ("quiet.wav", "voice.wav"), env=[[quiet], [loud]])
    code, _out, err = lipsync(capsys, "--aligned", aligned, "--pred", pred)
    assert code == 2 and len(err) == 1 and "who listened: its own audio was silent" in err[0], err


def test_the_speakers_own_take_file_is_scored(scored, capsys):
    aligned, pred, n = scored
    loud, quiet = (base64.b64encode(np.full(10, v, np.uint8).tobytes()).decode() for v in (150, 0))
    _take_file(pred, n, "B", ("silence.wav", "/data/one.wav"), env=[[quiet], [loud]])  # B spoke the clip
    code, out, err = lipsync(capsys, "--aligned", aligned, "--pred", pred)
    assert code == 0 and "M/B/P closed" in out, err
