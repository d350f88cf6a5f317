"""Issue 14, groups 1 and 2: every write is planned, resolved and checked before the first byte.

A run resolves the real path of every file it will create or replace (intermediates
included) and refuses, in one line and before anything is written, when one of them is
an input, holds an input, or leaves the job folder through a symbolic link. Every path,
map and option of a shot is checked before the engine starts. We never delete or
replace a file we did not write.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, save_filmed_pair, sha256s, snapshot, two_voices


@pytest.fixture
def kit(tmp_path) -> Path:
    """A user's project: in/scene.blend (Ann, Bob, a camera), in/dialogue.wav (stereo), their own
    in/A.npz and in/B.npz, and motion files m/A.npz, m/B.npz."""
    (tmp_path / "in").mkdir()
    (tmp_path / "m").mkdir()
    save_filmed_pair(tmp_path / "in" / "scene.blend")
    sf.write(tmp_path / "in" / "dialogue.wav", two_voices(1.0), 16000)
    speak = np.arange(25) < 12
    for folder in ("in", "m"):
        for role, sp in (("A", speak), ("B", ~speak)):
            v = np.random.default_rng(4).uniform(0, 0.8, (25, 55)).astype(np.float32)
            save_motion(tmp_path / folder / f"{role}.npz", Motion("arkit55", v, speaking=sp, role=role))
    return tmp_path


@pytest.fixture
def engine_calls(monkeypatch) -> list:
    """Records engine loads: a refusal "before the engine starts" must leave this empty."""
    import dualtalk.inference.engine as engine_mod

    calls: list = []
    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: calls.append(a) or object())
    return calls


def _everything(kit: Path) -> dict[str, str]:
    return sha256s(*sorted(p for p in kit.rglob("*") if p.is_file()))


def _animate(kit: Path, *extra: str, motions: bool = True, out: str = "out/shot.blend") -> list[str]:
    argv = [
        "animate",
        "--quiet",
        "--blend",
        str(kit / "in" / "scene.blend"),
        "--char-a",
        "Ann",
        "--char-b",
        "Bob",
    ]
    if motions:
        argv += ["--motion-a", str(kit / "m" / "A.npz"), "--motion-b", str(kit / "m" / "B.npz")]
    return [*argv, "--out", str(kit / out), *extra]


# --- group 1: real paths -------------------------------------------------------------------


def test_a_job_output_through_a_symlinked_folder_is_refused(kit, tmp_path_factory, capsys):
    """``"out": "exports/s1.blend"`` with exports -> elsewhere wrote outside the job folder."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (kit / "exports").symlink_to(elsewhere, target_is_directory=True)
    job = kit / "job.json"
    shot = {"name": "s1", "blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob",
            "motion_a": "m/A.npz", "motion_b": "m/B.npz", "out": "exports/s1.blend"}  # fmt: skip
    job.write_text(json.dumps({"version": 1, "shots": [shot]}))
    before = _everything(kit)
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
    line = assert_refused(code, err, "leads outside the job folder")
    assert "symbolic link" in line
    assert snapshot(elsewhere) == {} and _everything(kit) == before


@pytest.mark.parametrize("how", ["--work", "job work"])
def test_a_work_folder_holding_the_input_audio_is_refused(kit, capsys, engine_calls, how):
    """--work at the folder of the input dialogue.wav replaced the stereo take with our mono mix,
    and the user's A.npz/B.npz there too."""
    before = _everything(kit)
    if how == "--work":
        argv = _animate(
            kit, "--audio", str(kit / "in" / "dialogue.wav"), "--work", str(kit / "in"), motions=False
        )
    else:
        job = kit / "job.json"
        shot = {"name": "s1", "blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob",
                "audio": "in/dialogue.wav", "work": "in", "out": "out/s1.blend"}  # fmt: skip
        job.write_text(json.dumps({"version": 1, "shots": [shot]}))
        before = _everything(kit)
        argv = ["animate", "--quiet", "--job", str(job)]
    code, err, _ = run_cli(capsys, argv)
    if how == "job work":
        assert err[-1] == "error: 1 of 1 shots failed: s1 (see the errors above)"
        err = err[:1]
        assert err[0].startswith("error: shot s1: ")
        code = 2
    line = assert_refused(code, err, "would overwrite the input audio")
    assert "dialogue.wav" in line
    assert engine_calls == [] and _everything(kit) == before and not (kit / "out").exists()


def test_a_work_folder_with_a_users_motion_files_is_refused(kit, capsys, engine_calls):
    """The user's own A.npz/B.npz are not inputs of this run, but they are not ours to replace."""
    before = _everything(kit)
    argv = _animate(kit, "--audio", str(kit / "in" / "dialogue.wav"), "--work", str(kit / "m"), motions=False)
    code, err, _ = run_cli(capsys, argv)
    line = assert_refused(code, err, "which DualTalk did not write there")
    assert "A.npz, B.npz" in line
    assert engine_calls == [] and _everything(kit) == before


def test_infer_cannot_write_its_prediction_over_the_partner_motion(kit, capsys, engine_calls):
    partner = kit / "in" / "B.npz"
    before = _everything(kit)
    argv = ["infer", "--quiet", "--audio", str(kit / "in" / "dialogue.wav"), "--partner-audio",
            str(kit / "in" / "dialogue.wav"), "--partner-motion", str(partner), "--out", str(partner)]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert "B.npz" in assert_refused(code, err, "would overwrite the input partner motion")
    assert engine_calls == [] and _everything(kit) == before


@pytest.mark.parametrize("theirs", ["numpy archive", "text", "folder"])
def test_infer_out_holding_a_users_own_a_npz_is_refused_and_kept(kit, capsys, engine_calls, theirs):
    """infer --out takes/ replaced the user's own A.npz and B.npz there (not motion files) and exited 0."""
    out = kit / "takes"
    out.mkdir()
    if theirs == "numpy archive":
        np.savez(out / "A.npz", scores=np.arange(5))
    elif theirs == "text":
        (out / "A.npz").write_text("my notes\n")
    else:
        (out / "A.npz").mkdir()
        (out / "A.npz" / "keep.txt").write_text("mine\n")
    before = _everything(kit)
    argv = ["infer", "--quiet", "--audio", str(kit / "in" / "dialogue.wav"), "--out", str(out)]
    code, err, _ = run_cli(capsys, argv)
    line = assert_refused(code, err, "not a DualTalk motion file")
    assert "A.npz" in line and "--out" in line
    assert engine_calls == [] and _everything(kit) == before and not (out / "B.npz").exists()


def test_infer_out_holding_an_earlier_take_is_replaced(kit, capsys):
    """Re-running into a folder of our own motion files is the normal way to redo a take."""
    out = kit / "takes"
    out.mkdir()
    for role in "AB":
        (out / f"{role}.npz").write_bytes((kit / "m" / f"{role}.npz").read_bytes())
    old = _everything(kit)
    argv = ["infer", "--quiet", "--audio", str(kit / "in" / "dialogue.wav"), "--out", str(out)]
    code, err, said = run_cli(capsys, argv)
    assert code == 0, err
    assert said.startswith("wrote ")
    now = _everything(kit)
    assert all(now[str(out / f"{role}.npz")] != old[str(out / f"{role}.npz")] for role in "AB")


@pytest.mark.parametrize("how", ["same folder", "symlink to it"])
def test_align_tts_out_at_the_corpus_never_replaces_the_recordings(tmp_path, capsys, how):
    """--out at the --corpus folder replaced each 44.1 kHz recording with its 16 kHz 16-bit copy, exit 0."""
    from dualtalk.inference.audio.tts import Voice, available_engines, speak
    from dualtalk.training.lite import align_tts

    if "espeak" not in available_engines():
        pytest.skip("espeak-ng is not installed")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    utt = speak("hola mundo", Voice("espeak", "es", 1.0, 40.0, 60.0, False))
    sf.write(corpus / "rec0.wav", np.repeat(utt.audio, 3), 48000, subtype="FLOAT")
    (corpus / "rec0.lab").write_text("hola mundo\n")
    out = corpus
    if how == "symlink to it":
        out = tmp_path / "aligned"
        out.symlink_to(corpus)
    before = _everything(tmp_path)
    capsys.readouterr()
    code = align_tts.main(["--corpus", str(corpus), "--lang", "es", "--out", str(out)])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert "rec0.wav" in assert_refused(code, err, "would overwrite the input audio")
    assert _everything(tmp_path) == before


def test_a_render_folder_with_a_users_subfolder_is_refused_and_kept(kit, capsys):
    """A user folder ``frame_refs/`` passed the "other files" check and the folder was rmtree'd."""
    frames = kit / "renders"
    (frames / "frame_refs").mkdir(parents=True)
    (frames / "frame_refs" / "reference.png").write_bytes(b"\x89PNG the user's reference")
    (frames / "frame_0001.png").write_bytes(b"\x89PNG an earlier frame of ours")
    before = _everything(kit)
    code, err, _ = run_cli(capsys, _animate(kit, "--render", str(frames), "--resolution", "16x16"))
    assert "frame_refs" in assert_refused(code, err, "holds files DualTalk did not render")
    assert _everything(kit) == before and not (kit / "out").exists()


def test_a_render_folder_of_our_own_frames_is_refreshed_frame_by_frame(kit, capsys):
    """Our earlier frames (the render's record lists them) are replaced; a ``frame_0999.png`` no render
    of ours wrote is the user's (review rv35a F9: deleted, exit 0) and stops the render before any work."""
    frames = kit / "renders"
    code, err, _ = run_cli(capsys, _animate(kit, "--render", str(frames), "--resolution", "16x16"))
    assert code == 0, err
    names = sorted(p.name for p in frames.iterdir())
    assert names[0] == ".dualtalk-render.frames" and all(n.startswith("frame_") for n in names[1:])
    code, err, _ = run_cli(capsys, _animate(kit, "--render", str(frames), "--resolution", "16x16"))
    assert code == 0, err
    assert sorted(p.name for p in frames.iterdir()) == names
    (frames / "frame_0999.png").write_bytes(b"a frame of the user's, not of ours")
    before = _everything(kit)
    code, err, _ = run_cli(capsys, _animate(kit, "--render", str(frames), "--resolution", "16x16"))
    line = assert_refused(code, err, "holds files DualTalk did not render (1 file; first: frame_0999.png)")
    assert str(frames) in line and _everything(kit) == before


def test_demo_out_holding_the_users_dialogue_wav_is_refused(kit, capsys):
    before = _everything(kit)
    code, err, stdout = run_cli(capsys, ["demo", "--out", str(kit / "in"), "--seconds", "2"])
    assert "dialogue.wav" in assert_refused(code, err, "which DualTalk did not write there")
    assert stdout == "" and _everything(kit) == before


def test_demo_seconds_zero_says_what_is_allowed(kit, capsys):
    code, err, _ = run_cli(capsys, ["demo", "--out", str(kit / "demo"), "--seconds", "0"])
    line = assert_refused(code, err, "--seconds must be more than 0 and at most 600")
    assert "between 0 and 600" not in line and not (kit / "demo").exists()


# --- group 2: everything up front ----------------------------------------------------------


def _bad_flame_map(kit: Path) -> Path:
    path = kit / "flame_map.npy"
    np.save(path, np.zeros((3, 3)))
    return path


CASES = {
    "bad --flame-map": (lambda k: ["--flame-map", str(_bad_flame_map(k))], "flame_map.npy"),
    "--fbx under a file": (lambda k: ["--fbx", str(k / "notes.txt" / "shot.fbx")], "is a file, not a folder"),
    "--render at an existing file": (lambda k: ["--render", str(k / "notes.txt")], "not a folder"),
    "--out under a file": (lambda k: ["--out", str(k / "in" / "A.npz" / "shot.blend")], "is a file, not a folder"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_path_or_map_is_refused_before_the_engine_runs(kit, capsys, engine_calls, case):
    """These were found after the engine ran or the .blend was written, leaving partial outputs."""
    extra, needle = CASES[case]
    (kit / "notes.txt").write_text("a user's notes, not a folder")
    argv = _animate(kit, "--audio", str(kit / "in" / "dialogue.wav"), motions=False) + extra(kit)
    before = _everything(kit)
    code, err, _ = run_cli(capsys, argv)
    assert_refused(code, err, needle)
    assert engine_calls == [] and not (kit / "out").exists()
    assert _everything(kit) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_an_unwritable_fbx_folder_is_refused_before_the_engine_runs(kit, capsys, engine_calls):
    locked = kit / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        argv = _animate(kit, "--audio", str(kit / "in" / "dialogue.wav"), "--fbx", str(locked / "s.fbx"),
                        motions=False)  # fmt: skip
        code, err, _ = run_cli(capsys, argv)
        assert_refused(code, err, "not writable")
        assert engine_calls == [] and not (kit / "out").exists()
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("folder", ["/proc", "/sys"])
def test_a_folder_the_permission_bits_call_writable_but_that_takes_no_file_is_refused(folder):
    """As root, os.access says yes to /proc and /sys; ensure_writable_dir trusted it, so the failure
    came only when the first output was written. It now makes a file there, as the write checks do."""
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.core.fileio import ensure_writable_dir

    if not os.access(folder, os.W_OK | os.X_OK):
        pytest.skip(f"the permission bits already refuse {folder} here")
    with pytest.raises(DualTalkError, match="does not take new files") as info:
        ensure_writable_dir(folder)
    msg = str(info.value)
    assert "\n" not in msg and folder in msg and "choose another folder" in msg, msg


def test_an_output_folder_on_a_read_only_mount_is_refused(tmp_path, monkeypatch):
    """A read-only mount can pass the permission bits; the real probe is what finds it."""
    import tempfile

    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.core.fileio import ensure_writable_dir

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    with pytest.raises(DualTalkError, match="Read-only file system") as info:
        ensure_writable_dir(tmp_path / "out")
    assert str(tmp_path / "out") in str(info.value)


def test_infer_out_under_a_file_is_refused_before_the_engine_runs(kit, capsys, engine_calls):
    before = _everything(kit)
    argv = [
        "infer",
        "--quiet",
        "--audio",
        str(kit / "in" / "dialogue.wav"),
        "--out",
        str(kit / "in" / "A.npz" / "t"),
    ]
    code, err, _ = run_cli(capsys, argv)
    assert_refused(code, err, "is a file, not a folder")
    assert engine_calls == [] and _everything(kit) == before


@pytest.mark.parametrize(
    "extra", [["--fbx", "x.fbx"], ["--start-frame", "10"], ["--checkpoint", "c.pth"], ["--engine", "lite"]]
)
def test_job_with_single_shot_options_is_refused_not_ignored(kit, capsys, extra):
    job = kit / "job.json"
    shot = {"name": "s1", "blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob",
            "motion_a": "m/A.npz", "motion_b": "m/B.npz", "out": "out/s1.blend"}  # fmt: skip
    job.write_text(json.dumps({"version": 1, "shots": [shot]}))
    before = _everything(kit)
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job), *extra])
    line = assert_refused(code, err, "cannot be combined with --job")
    assert extra[0] in line
    assert _everything(kit) == before and not (kit / "out").exists()
