"""Issue 14, group 3: numbers and structures in files are untrusted until checked.

A few kilobytes must never make us allocate gigabytes or recurse until Python gives up:
a motion file's frame rate, a lite weights file's config and tensors, the nesting of
any JSON a user hands us, and the start frame of a take are all checked before anything
is built. Each case: one ``error:`` line, exit 2, nothing written, inputs unchanged.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import bpy
import numpy as np
import pytest
import soundfile as sf
import torch
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, sha256s, snapshot, two_voices


def _inputs(kit: Path, *extra: Path) -> list[Path]:
    return [kit / "in" / "scene.blend", kit / "in" / "A.npz", kit / "in" / "B.npz", *extra]


def _animate(
    capsys, kit: Path, out: Path, *extra: str, motion_a: Path | None = None
) -> tuple[int, list[str]]:
    argv = ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(motion_a or kit / "in" / "A.npz"), "--motion-b", str(kit / "in" / "B.npz"),
            "--out", str(out / "shot.blend"), *extra]  # fmt: skip
    code, err, stdout = run_cli(capsys, argv)
    assert stdout == "" or code == 0, stdout
    return code, err


def _rewrite_npz(src: Path, dst: Path, **changes: np.ndarray) -> Path:
    """A copy of a motion file with some members replaced, written the way numpy does."""
    with np.load(src, allow_pickle=False) as data:
        members = {k: data[k] for k in data.files}
    members.update(changes)
    with open(dst, "wb") as fh:
        np.savez(fh, **members)
    return dst


# --- motion files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fps", "needle"),
    [
        (1e9, "1e+09"),
        (1e-9, "1e-09"),
        (float("nan"), "nan"),
        (0.0, "got 0"),
        ("fast", "fast"),
        ("9" * 100_000, "inf"),
    ],
    ids=["1e9", "1e-9", "NaN", "zero", "text", "100k digits"],
)
def test_a_motion_file_with_an_absurd_frame_rate_is_refused_before_anything_is_sized(
    tmp_path, kit, capsys, fps, needle
):
    """fps = 1e9 grew a 30 KB file to 22 GB (killed by the kernel); 1e-9 was "out of memory"."""
    bad = _rewrite_npz(kit / "in" / "A.npz", tmp_path / "A.npz", fps=np.array(fps))
    before = sha256s(*_inputs(kit, bad))
    out = tmp_path / "out"
    code, err = _animate(capsys, kit, out, motion_a=bad)
    line = assert_refused(code, err, "fps must be")
    assert "A.npz" in line and needle in line and "between 1 and 1000" in line
    assert snapshot(out) == {} and sha256s(*_inputs(kit, bad)) == before


def test_a_motion_file_whose_frames_last_beyond_four_hours_at_its_rate_is_refused(tmp_path, kit, capsys):
    """100,000 frames are fine at 25 fps but 27.8 h at 1 fps: the duration counts, read from the header."""
    v = np.zeros((100_000, 55), np.float32)
    slow = tmp_path / "A.npz"
    save_motion(slow, Motion("arkit55", v, fps=25.0, role="A"))
    slow = _rewrite_npz(slow, slow, fps=np.array(1.0))
    out = tmp_path / "out"
    code, err = _animate(capsys, kit, out, motion_a=slow)
    assert "A.npz" in assert_refused(code, err, "longer than four hours")
    assert snapshot(out) == {}


def test_a_motion_file_with_a_huge_start_time_or_number_is_refused_with_a_short_message(
    tmp_path, kit, capsys
):
    """A 19 MB number quoted into an error would flood the terminal: what is quoted is capped."""
    bad = _rewrite_npz(kit / "in" / "A.npz", tmp_path / "A.npz", fps=np.array("9" * 100_000))
    out = tmp_path / "out"
    code, err = _animate(capsys, kit, out, motion_a=bad)
    line = assert_refused(code, err, "fps must be")
    assert len(line) < 300, len(line)
    bad = _rewrite_npz(kit / "in" / "A.npz", tmp_path / "A2.npz", start_time=np.array(-5.0))
    code, err = _animate(capsys, kit, out, motion_a=bad)
    assert "A2.npz" in assert_refused(code, err, "start time")
    assert snapshot(out) == {}


# --- JSON nesting ----------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_anywhere_is_one_line_not_a_recursion_error(tmp_path, kit, capsys):
    """Job file, --map, --flame-map and a motion file's meta: each says how deep, none crashes."""
    out = tmp_path / "out"
    job = tmp_path / "jobs.json"
    job.write_text('{"version": 1, "shots": ' + DEEP + "}")
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
    assert "jobs.json" in assert_refused(code, err, "nests 100001 levels deep")

    deep_map = tmp_path / "deep_map.json"
    deep_map.write_text('{"version": 1, "map": {"jawOpen": ' + DEEP + "}}")
    flame = tmp_path / "deep_flame.json"
    flame.write_text('{"matrix": ' + DEEP + "}")
    meta = _rewrite_npz(kit / "in" / "A.npz", tmp_path / "A.npz", meta=np.array('{"a": ' + DEEP + "}"))
    before = sha256s(*_inputs(kit, deep_map, flame, meta, job))
    for extra, motion_a, name in (
        (["--map", str(deep_map)], None, "deep_map.json"),
        (["--flame-map", str(flame)], None, "deep_flame.json"),
        ([], meta, "A.npz"),
    ):
        code, err = _animate(capsys, kit, out, *extra, motion_a=motion_a)
        assert name in assert_refused(code, err, "levels deep"), name
        assert snapshot(out) == {}, name
    assert sha256s(*_inputs(kit, deep_map, flame, meta, job)) == before


def test_json_nesting_is_measured_outside_strings():
    from dualtalk.inference.core import safe_json

    assert safe_json.nesting_depth('{"a": [1, {"b": "[[[[[[[[[[ \\" ]]]]"}]}') == 3
    assert safe_json.loads('{"x": "' + "[" * 1000 + '"}', "t") == {"x": "[" * 1000}


# --- start frame -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "needle"),
    [("2000000000", "between 0 and 1,048,574"), ("-5000", "between 0 and 1,048,574"),
     ("1048560", "past Blender's last frame")],
)  # fmt: skip
def test_a_start_frame_outside_blenders_range_is_refused(tmp_path, kit, capsys, start, needle):
    """2e9 and -5000 exited 0 with takes that could not play (float32 frames, Blender's 0..1,048,574)."""
    before = sha256s(*_inputs(kit))
    out = tmp_path / "out"
    code, err = _animate(capsys, kit, out, "--start-frame", start)
    assert_refused(code, err, needle)
    assert snapshot(out) == {} and sha256s(*_inputs(kit)) == before


def test_the_last_frames_blender_has_still_take_a_take(tmp_path, kit, capsys):
    out = tmp_path / "out"
    code, err = _animate(capsys, kit, out, "--start-frame", str(1_048_574 - 29))
    assert code == 0, err
    bpy.ops.wm.open_mainfile(filepath=str(out / "shot.blend"), load_ui=False)
    anim = bpy.data.objects["Ann"].data.shape_keys.animation_data
    # the take is the active action or a named layer (NLA strip), depending on the keying mode
    spans = [tuple(round(f) for f in anim.action.frame_range)] if anim.action else []
    spans += [(round(st.frame_start), round(st.frame_end)) for tr in anim.nla_tracks for st in tr.strips]
    assert (1_048_545, 1_048_574) in spans, spans


# --- lite weights ----------------------------------------------------------------------------


def _broken_lite_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    from dualtalk.inference.models.lite.model import LiteConfig, LiteDualTalk, save_lite

    torch.manual_seed(0)
    good = save_lite(
        LiteDualTalk(
            LiteConfig(n_mels=16, audio_dim=16, dim=16, heads=2, lstm_hidden=8, interaction_layers=1)
        ),
        tmp / "good.pt",
    )
    base = torch.load(good, weights_only=True)

    def variant(name: str, change) -> Path:
        payload = {**base, "config": dict(base["config"]), "state_dict": dict(base["state_dict"])}
        change(payload)
        torch.save(payload, tmp / name)
        return tmp / name

    first = next(iter(base["state_dict"]))
    nan_key = next(k for k, v in base["state_dict"].items() if v.is_floating_point() and v.numel() > 4)
    return {
        "dim of 4,000,000": (variant("huge.pt", lambda p: p["config"].update(dim=4_000_000)), "outside"),
        "heads do not divide dim": (variant("heads.pt", lambda p: p["config"].update(heads=3)), "does not divide"),
        "dim given as a string": (variant("strdim.pt", lambda p: p["config"].update(dim="16")), "integer"),
        "config a list": (variant("cfglist.pt", lambda p: p.update(config=[16, 2])), "not a mapping"),
        "a string among the weights": (
            variant("str.pt", lambda p: p["state_dict"].update({first: "weights"})), "not a tensor"),
        "a list among the weights": (
            variant("list.pt", lambda p: p["state_dict"].update({first: [1.0, 2.0]})), "not a tensor"),
        "state dict missing": (variant("nosd.pt", lambda p: p.pop("state_dict")), "no lite weights"),
        "NaN weights": (
            variant("nan.pt", lambda p: p["state_dict"].update({nan_key: torch.full_like(p["state_dict"][nan_key],
                                                                                      float("nan"))})),
            "weights file is damaged"),
    }  # fmt: skip


def test_every_broken_lite_weights_file_is_one_line_before_the_network_is_built(
    tmp_path, capsys, monkeypatch
):
    """Untrusted config and tensors are checked first: no 5 GB allocation, no "internal error" (exit 1)."""
    import dualtalk.inference.models.lite.model as lite_model

    built = []
    real_init = lite_model.LiteDualTalk.__init__

    def spy(self, cfg=None):
        if not torch.get_default_device().type == "meta":
            built.append(cfg)
        real_init(self, cfg)

    audio = tmp_path / "talk.wav"
    sf.write(audio, two_voices(1.0), 16000)
    files = _broken_lite_files(tmp_path)
    monkeypatch.setattr(lite_model.LiteDualTalk, "__init__", spy)
    out = tmp_path / "out"
    for case, (path, needle) in files.items():
        before = sha256s(audio, path)
        argv = ["infer", "--quiet", "--audio", str(audio), "--engine", "lite", "--checkpoint", str(path),
                "--out", str(out)]  # fmt: skip
        code, err, stdout = run_cli(capsys, argv)
        line = assert_refused(code, err, needle)
        assert path.name in line and stdout == "", (case, line)
        assert built == [], case
        assert snapshot(out) == {} and sha256s(audio, path) == before, case
    # NaN weights are blamed on the weights file, never on the user's motion or audio
    code, err, _ = run_cli(capsys, ["infer", "--quiet", "--audio", str(audio), "--engine", "lite",
                                    "--checkpoint", str(files["NaN weights"][0]), "--out", str(out)])  # fmt: skip
    line = assert_refused(code, err, "NaN or Inf")
    assert "nan.pt" in line and "not your audio or motion" in line


def test_a_torchscript_program_is_refused_in_one_line_without_torch_warnings(tmp_path, capsys):
    """torch.load on a TorchScript archive prints its own UserWarning: stderr had three lines."""
    ts = tmp_path / "scripted.pt"
    with warnings.catch_warnings():  # torch's own deprecation note about jit.script, not ours
        warnings.simplefilter("ignore")
        torch.jit.script(torch.nn.Linear(2, 2)).save(str(ts))
    assert any(n.endswith("constants.pkl") for n in zipfile.ZipFile(ts).namelist())
    audio = tmp_path / "talk.wav"
    sf.write(audio, two_voices(1.0), 16000)
    for engine in ("auto", "dualtalk", "lite"):
        argv = ["infer", "--quiet", "--audio", str(audio), "--engine", engine, "--checkpoint", str(ts),
                "--out", str(tmp_path / "out")]  # fmt: skip
        code, err, _ = run_cli(capsys, argv)
        assert "scripted.pt" in assert_refused(code, err, "TorchScript program"), engine
    assert snapshot(tmp_path / "out") == {}
