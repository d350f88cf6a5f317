"""An older take's settings are read from the record its motion files keep (``core/motion_meta``),
once per range re-generated: the record is a few hundred bytes of JSON beside every frame of the
character. Read alone, it is what loading the whole file gives, and a file ``load_motion`` refuses
for what the record reader reads is refused in the same line; the frames are never read."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from dualtalk.inference.core.motion_meta import read_motion_meta
from dualtalk.inference.core.take_record import audio_record

SOURCE = {"audio": "/takes/talk_a.wav", "audio_b": "/takes/talk_b.wav", "end": 12.0, "form": "pair",
          "fingerprint": "sha256-v1:0123", "swap": False}  # fmt: skip
MADE_WITH = {"behaviour": {"seed": 7, "mood": "friendly", "mood_b": None, "gaze_on": True,
                           "amounts": {"blinks": 1.0}, "blinks": None, "brows": None, "gaze": None, "head": None},
             "lip_release": 0.75, "lip_rounding": 0.5}  # fmt: skip


def take_file(path, space="arkit55", frames=300, start=2.0):
    """A motion file as the engine's pipeline writes it: 12 s of one character from 2 s into a pair."""
    channels = 55 if space == "arkit55" else 56
    values = np.random.default_rng(0).uniform(0, 0.5, (frames, channels)).astype(np.float32)
    meta = {"source": SOURCE, **MADE_WITH}
    motion = Motion(space, values, speaking=np.arange(frames) % 50 < 25, engine="lite", role="A",
                    start_time=start, meta=meta, gaze_target=(np.arange(frames) % 40 < 30).astype(np.int8),
                    gaze_dir=np.zeros((frames, 2), np.float32))  # fmt: skip
    return save_motion(path, motion)


@pytest.mark.parametrize("space", ["arkit55", "flame56"])
def test_the_record_read_alone_is_the_one_the_whole_file_gives(tmp_path, space):
    path = take_file(tmp_path / "A.npz", space)
    whole, alone = load_motion(path), read_motion_meta(path)
    assert (alone.space, alone.num_frames, alone.fps, alone.start_time, alone.engine, alone.role, alone.meta) == (
        whole.space, whole.num_frames, whole.fps, whole.start_time, whole.engine, whole.role, whole.meta
    )  # fmt: skip
    assert audio_record(alone) == audio_record(whole)  # type: ignore[arg-type]
    assert audio_record(alone)["settings"]["seed"] == 7  # type: ignore[arg-type,index]


def test_the_frames_are_never_read(tmp_path, monkeypatch):
    path = take_file(tmp_path / "A.npz", frames=30_000)  # 20 minutes
    read = []
    real = np.lib.npyio.NpzFile.__getitem__
    monkeypatch.setattr(
        np.lib.npyio.NpzFile, "__getitem__", lambda self, key: read.append(key) or real(self, key)
    )
    assert read_motion_meta(path).num_frames == 30_000
    assert read and not {"values", "speaking", "gaze_target", "gaze_dir"} & set(read), read


def rewrite(path, **members):
    """The file with ``members`` replaced (None: taken out), as another tool might have saved it."""
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    for key, value in members.items():
        if value is None:
            arrays.pop(key, None)
        else:
            arrays[key] = value
    np.savez(path, **arrays)
    return path


def damage_member(path, key, keep_header=False):
    """The member ``key`` damaged in a file that still opens: its header overwritten, or (``keep_header``)
    its data cut to half."""
    with zipfile.ZipFile(path) as z:
        blobs = {name: z.read(name) for name in z.namelist()}
    blob = blobs[f"{key}.npy"]
    blobs[f"{key}.npy"] = blob[: 128 + (len(blob) - 128) // 2] if keep_header else b"\x93NUMPY\x01\x00garbage"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in blobs.items():
            z.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def written(path, content):
    path.write_bytes(content)
    return path


BROKEN = {
    "empty": lambda p: written(p, b""),
    "not a zip": lambda p: written(p, b"RIFF\x24\x00\x00\x00WAVEfmt "),
    "cut short": lambda p: written(p, take_file(p).read_bytes()[:5000]),
    "meta damaged": lambda p: damage_member(take_file(p), "meta"),
    "values' header damaged": lambda p: damage_member(take_file(p), "values"),
    "newer version": lambda p: rewrite(take_file(p), version=np.array(2)),
    "newer feature": lambda p: rewrite(take_file(p), requires=np.array(["teleport"])),
    "not ours": lambda p: rewrite(take_file(p), format=np.array("other-motion")),
    "fps 0": lambda p: rewrite(take_file(p), fps=np.array(0.0)),
    "two fps": lambda p: rewrite(take_file(p), fps=np.array([24.0, 30.0])),
    "unknown space": lambda p: rewrite(take_file(p), space=np.array("mocap9")),
    "channels renamed": lambda p: rewrite(take_file(p), channels=np.array(["x"] * 55)),
    "wrong width": lambda p: rewrite(take_file(p), values=np.zeros((300, 54), np.float32), channels=None),
    "values a vector": lambda p: rewrite(take_file(p), values=np.zeros(300, np.float32)),
    "start before the audio": lambda p: rewrite(take_file(p), start_time=np.array(-3.0)),
    "no motion": lambda p: rewrite(take_file(p), values=None),
    "meta pickled": lambda p: rewrite(take_file(p), meta=np.array([{"a": 1}], dtype=object)),
}


@pytest.mark.parametrize("broken", BROKEN)
def test_a_broken_file_is_refused_in_the_line_loading_it_gives(tmp_path, broken):
    path = BROKEN[broken](tmp_path / "A.npz")
    with pytest.raises(DualTalkError) as whole:
        load_motion(path)
    with pytest.raises(DualTalkError) as alone:
        read_motion_meta(path)
    assert str(alone.value) == str(whole.value)
    assert "\n" not in str(alone.value)


def test_frames_cut_short_are_refused_without_reading_them(tmp_path, monkeypatch):
    """A file whose frames hold half the bytes their header declares (a tool's broken write): loading
    it refuses it, and so does the record reader, from the archive's directory."""
    path = damage_member(take_file(tmp_path / "A.npz"), "values", keep_header=True)
    with pytest.raises(DualTalkError, match=r"^A.npz is not a valid motion file \(EOF"):
        load_motion(path)
    read = []
    real = np.lib.npyio.NpzFile.__getitem__
    monkeypatch.setattr(
        np.lib.npyio.NpzFile, "__getitem__", lambda self, key: read.append(key) or real(self, key)
    )
    with pytest.raises(
        DualTalkError,
        match=r"^A.npz is not a valid motion file \(values holds 33,000 of the 66,000 bytes its header declares\)$",
    ):
        read_motion_meta(path)
    assert "values" not in read
