"""Robustness matrix, array headers: every size check starts from the ``.npy`` header of a motion
file's members, a ``--flame-map`` npz or an ``eval --pred`` array. numpy reads three header layouts
(1.0, 2.0 and 3.0, the last 2.0's with its text in UTF-8); a file a TD was sent, a tool re-saved or
someone crafted may carry any of them, or a version numpy never wrote. Each is read before numpy
allocates, and what no take holds is one line, exit 2, nothing written.

Before (review 29a, findings 1 and 6): a 3.0 header skipped every check ("out of memory; try a
shorter --start/--end range or a smaller --window", exit 1, or a zip bomb inflated before it was
refused), and a 545 KB file whose ``meta`` declared a 536 MB string was read (2.1 GB) and keyed."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from robustness_util import assert_refused, run_cli, snapshot


def npy_bytes(
    version: tuple[int, int], descr: str, shape: tuple[int, ...], header: str | None = None
) -> bytes:
    """An ``.npy`` header of any ``version`` (numpy's layout: 1.0 a 2-byte length, later ones 4),
    padded as numpy pads it; ``header``: other text in place of numpy's dict."""
    text = header if header is not None else repr({"descr": descr, "fortran_order": False, "shape": shape})
    size = "<H" if version == (1, 0) else "<I"
    start = 6 + 2 + struct.calcsize(size)
    body = text.encode("utf-8")
    body += b" " * (-(start + len(body) + 1) % 64) + b"\n"
    return b"\x93NUMPY" + bytes(version) + struct.pack(size, len(body)) + body


def with_members(src: Path, dst: Path, **members: bytes) -> Path:
    """A copy of the npz ``src`` with the named members' bytes replaced (``name`` -> ``name.npy``)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename[: -len(".npy")] not in members:
                zout.writestr(info.filename, zin.read(info.filename))
        for name, data in members.items():
            zout.writestr(f"{name}.npy", data)
    return dst


def streamed_member(src: Path, dst: Path, name: str, head: bytes, body_bytes: int, fill: bytes) -> Path:
    """A copy of ``src`` whose member ``name`` is ``head`` and ``body_bytes`` bytes of ``fill``, deflated
    as written (a zip bomb: hundreds of MB in a few hundred KB), never held in memory whole."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != f"{name}.npy":
                zout.writestr(info.filename, zin.read(info.filename))
        chunk = fill * (2**20 // len(fill))
        with zout.open(f"{name}.npy", "w", force_zip64=True) as fh:
            fh.write(head)
            left = body_bytes
            while left > 0:
                fh.write(chunk[:left])
                left -= len(chunk)
    return dst


def claiming(kit: Path, dst: Path, rows: int, version: tuple[int, int] = (3, 0)) -> Path:
    """kit's A.npz whose ``values``/``speaking`` headers (of ``version``) declare ``rows`` frames."""
    return with_members(
        kit / "in" / "A.npz",
        dst,
        values=npy_bytes(version, "<f4", (rows, 55)) + b"\0" * 64,
        speaking=npy_bytes(version, "|u1", (rows,)) + b"\0" * 8,
    )


def animate(capsys, kit: Path, out: Path, motion_a: Path, *extra: str) -> tuple[int, list[str]]:
    argv = ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(motion_a), "--motion-b", str(kit / "in" / "B.npz"),
            "--out", str(out / "shot.blend"), *extra]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    return code, err


def refusal(path: Path) -> str:
    """The one line the Python read (``load_motion``) refuses ``path`` with."""
    with pytest.raises(DualTalkError) as exc:
        load_motion(path)
    said = str(exc.value)
    assert "\n" not in said and path.name in said, said
    return said


def read_in_a_child(path: Path) -> tuple[str, int]:
    """``load_motion(path)`` in a fresh Python: (what it said, its peak memory in MB, Linux's VmHWM)."""
    if not Path("/proc/self/status").is_file():
        pytest.skip("peak memory is read from /proc (Linux)")
    script = textwrap.dedent(
        """
        import sys
        from dualtalk.inference.core.errors import DualTalkError
        from dualtalk.inference.core.motion import load_motion
        try:
            load_motion(sys.argv[1])
            said = "read"
        except DualTalkError as exc:
            said = str(exc)
        with open("/proc/self/status") as fh:  # this process's own peak (getrusage counts the parent's at fork)
            hwm = [line.split()[1] for line in fh if line.startswith("VmHWM:")]
        print(int(hwm[0]) // 1024)
        print(said)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peak, said = done.stdout.strip().split("\n", 1)
    return said, int(peak)


# --- motion files -------------------------------------------------------------------------------


def test_a_version_3_motion_file_claiming_a_billion_frames_is_one_line(tmp_path, kit, capsys):
    """A 2.7 KB file; before: "out of memory; try a shorter --start/--end range or a smaller --window",
    exit 1, and a Python traceback (numpy's _ArrayMemoryError) from ``load_motion``."""
    bomb = claiming(kit, tmp_path / "A.npz", 10**9)
    out = tmp_path / "out"
    code, err = animate(capsys, kit, out, bomb)
    line = assert_refused(code, err, "longer than four hours (values has 1,000,000,000 rows)")
    assert "A.npz" in line and "--window" not in line
    assert snapshot(out) == {}
    assert "longer than four hours" in refusal(bomb)


def test_a_version_3_zip_bomb_is_refused_before_it_is_inflated(tmp_path, kit):
    """2,000,000 frames of zeros (440 MB unpacked) in a ~430 KB file. Before: numpy inflated all of
    it, then it was refused (a 50 MB file of the kind asked for 11 GB)."""
    rows = 2_000_000
    bomb = streamed_member(
        kit / "in" / "A.npz", tmp_path / "bomb.npz", "values", npy_bytes((3, 0), "<f4", (rows, 55)),
        rows * 55 * 4, b"\0",
    )  # fmt: skip
    assert bomb.stat().st_size < 2_000_000
    said, peak_mb = read_in_a_child(bomb)
    assert peak_mb < 120, f"{peak_mb} MB read to refuse a file declaring 440 MB ({said})"
    assert "bomb.npz is longer than four hours (values has 2,000,000 rows)" in said, said


def test_a_header_version_numpy_never_wrote_is_refused_naming_it(tmp_path, kit, capsys):
    """Version 4.0 (no numpy writes it) and a 3.0 header that is no literal: refused from the header
    in one line naming what is wrong, never "left to the real read"."""
    v4 = claiming(kit, tmp_path / "v4.npz", 30, version=(4, 0))
    assert ".npy header version 4.0; numpy writes 1.0, 2.0, 3.0" in refusal(v4)
    code, err = animate(capsys, kit, tmp_path / "out", v4)
    assert "v4.npz" in assert_refused(code, err, "header version 4.0")
    garbled = with_members(
        kit / "in" / "A.npz", tmp_path / "garbled.npz",
        values=npy_bytes((3, 0), "", (), header="{'descr': '<f4', 'shape': (10**9, 55)"),
    )  # fmt: skip
    assert (
        "garbled.npz is not a readable .npz motion file (values: the .npy header is no Python literal)"
        in (refusal(garbled))
    )


def test_a_take_re_saved_with_version_3_headers_reads_as_before(tmp_path):
    """A tool that writes every member with a 3.0 header (numpy's ``write_array(version=(3, 0))``) gives
    the same take back; the 1.0 file DualTalk writes reads as it always did."""
    frames = np.linspace(0, 1, 40 * 55, dtype=np.float32).reshape(40, 55)
    take = save_motion(
        tmp_path / "A.npz",
        Motion("arkit55", frames, speaking=frames[:, 0] > 0.5, role="A", meta={"x": [1, "é"]}),
    )
    with np.load(take) as data:
        arrays = {key: data[key] for key in data.files}
    with zipfile.ZipFile(tmp_path / "v3.npz", "w") as z:
        for key, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arr, version=(3, 0), allow_pickle=False)
            assert buf.getvalue()[6:8] == b"\x03\x00"
            z.writestr(f"{key}.npy", buf.getvalue())
    before, after = load_motion(take), load_motion(tmp_path / "v3.npz")
    np.testing.assert_array_equal(before.values, frames)
    np.testing.assert_array_equal(after.values, before.values)
    np.testing.assert_array_equal(after.speaking, before.speaking)
    assert (
        (after.role, after.meta, after.fps)
        == (before.role, before.meta, before.fps)
        == ("A", {"x": [1, "é"]}, 25.0)
    )


# --- meta and the other small members (finding 6) -------------------------------------------------


def test_a_motion_file_whose_meta_declares_hundreds_of_megabytes_is_refused_from_its_header(tmp_path, kit):
    """A 218 KB file whose ``meta`` is a 50 M-character string of spaces. Before: read (960 MB) and
    keyed as ``{}``."""
    chars = 50_000_000
    bomb = streamed_member(
        kit / "in" / "A.npz", tmp_path / "A.npz", "meta", npy_bytes((1, 0), f"<U{chars}", ()),
        chars * 4, " ".encode("utf-32-le"),
    )  # fmt: skip
    assert bomb.stat().st_size < 1_000_000
    said, peak_mb = read_in_a_child(bomb)
    assert said == "A.npz: meta declares 200 MB of text, more than any take holds; refusing to load it", said
    assert peak_mb < 120, f"{peak_mb} MB read to refuse it"


def test_animate_refuses_a_meta_bomb_in_one_line(tmp_path, kit, capsys):
    """Before: rc 0 and ~400 MB of memory for a 90 KB file."""
    chars = 20_000_000
    bomb = streamed_member(
        kit / "in" / "A.npz", tmp_path / "A.npz", "meta", npy_bytes((1, 0), f"<U{chars}", ()),
        chars * 4, " ".encode("utf-32-le"),
    )  # fmt: skip
    out = tmp_path / "out"
    code, err = animate(capsys, kit, out, bomb)
    assert_refused(code, err, "A.npz: meta declares 80 MB of text, more than any take holds")
    assert snapshot(out) == {}


@pytest.mark.parametrize(
    ("member", "descr", "shape", "needle"),
    [
        ("role", "<U1000000", (), "role declares 4.0 MB of text"),
        ("engine", "<U5000000", (), "engine declares 20 MB of text"),
        ("checkpoint_sha256", "<U2000000", (), "checkpoint_sha256 declares 8.0 MB of text"),
    ],
)
def test_a_single_value_member_declaring_megabytes_is_refused(tmp_path, kit, member, descr, shape, needle):
    """A name is a few bytes in a real take; declared as megabytes (of NULs, which read as ""), it is
    refused before anything is read. Before: read whole (up to 512 MiB) and the take keyed."""
    size = np.dtype(descr).itemsize
    crafted = streamed_member(
        kit / "in" / "A.npz", tmp_path / "A.npz", member, npy_bytes((3, 0), descr, shape), size, b"\0"
    )
    assert f"A.npz: {needle}, more than any take holds" in refusal(crafted)


def test_a_real_take_with_a_long_meta_still_reads(tmp_path):
    """A recognised four-hour take's meta (its script, ~230 K characters, and the sound envelope, at
    most 11 K) is far inside the bound."""
    script = " ".join(["the quick brown fox jumps over the lazy dog"] * 30_000)  # 1.3 M characters
    meta = {"transcript": {"script": script}, "source": {"sound": {"env": [["A" * 2732] * 2] * 2}}}
    take = save_motion(tmp_path / "A.npz", Motion("arkit55", np.zeros((10, 55), np.float32), meta=meta))
    assert load_motion(take).meta == meta


# --- out of memory within the bounds ------------------------------------------------------------


def test_a_motion_file_this_machine_has_no_memory_for_is_named_not_given_the_audio_advice(
    tmp_path, kit, capsys, monkeypatch
):
    """Within every bound, but the machine has no room for it now. Before: "out of memory; try a
    shorter --start/--end range or a smaller --window" (exit 1): advice for audio, and no window is
    involved in reading a motion file."""
    real_getitem = np.lib.npyio.NpzFile.__getitem__

    def no_room(self, key):
        if key == "values":
            raise MemoryError("Unable to allocate")
        return real_getitem(self, key)

    monkeypatch.setattr(np.lib.npyio.NpzFile, "__getitem__", no_room)
    out = tmp_path / "out"
    code, err = animate(capsys, kit, out, kit / "in" / "A.npz")
    line = assert_refused(code, err, "not enough memory to read the motion file")
    assert ".npz" in line and "--window" not in line and "--start" not in line
    assert snapshot(out) == {}


# --- FLAME/ARKit maps and eval predictions ------------------------------------------------------


def test_a_flame_map_npz_with_a_version_3_header_is_refused(tmp_path, kit, capsys):
    """A 272-byte map whose ``mat`` declares (100000, 10^7). Before: "out of memory ...", exit 1."""
    with zipfile.ZipFile(tmp_path / "map_v3.npz", "w") as z:
        z.writestr("mat.npy", npy_bytes((3, 0), "<f4", (100_000, 10**7)) + b"\0" * 64)
    with zipfile.ZipFile(tmp_path / "map_v4.npz", "w") as z:
        z.writestr("mat.npy", npy_bytes((4, 0), "<f4", (51, 103)) + b"\0" * 64)
    out = tmp_path / "out"
    code, err = animate(capsys, kit, out, kit / "in" / "A.npz", "--flame-map", str(tmp_path / "map_v3.npz"))
    assert "map_v3.npz" in assert_refused(
        code, err, "mat declares (100000, 10000000) values, more than a FLAME/ARKit map holds"
    )
    code, err = animate(capsys, kit, out, kit / "in" / "A.npz", "--flame-map", str(tmp_path / "map_v4.npz"))
    assert "map_v4.npz" in assert_refused(code, err, ".npy header version 4.0")
    assert snapshot(out) == {}


def _eval_folders(tmp_path: Path) -> tuple[Path, Path]:
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir(), pred.mkdir()
    frames = (0.3 + 0.2 * np.sin(np.arange(60 * 55).reshape(60, 55) / 7.0)).astype(np.float32)
    for who in (1, 2):
        save_motion(gt / f"t_speaker{who}.npz", Motion("arkit55", frames))
    return gt, pred


def test_eval_reads_a_version_3_prediction_and_refuses_one_claiming_a_billion_frames(tmp_path, capsys):
    """Before: the claim was "out of memory; try a shorter --start/--end range or a smaller --window",
    exit 1. A real prediction saved with a 3.0 header scores as the same one saved with 1.0."""
    gt, pred = _eval_folders(tmp_path)
    frames = (0.25 + 0.2 * np.cos(np.arange(60 * 55).reshape(60, 55) / 5.0)).astype(np.float32)
    np.save(pred / "t_speaker1.npy", frames)
    code, _, v1 = run_cli(capsys, ["eval", "--pred", str(pred), "--gt", str(gt), "--json"])
    assert code == 0
    with open(pred / "t_speaker1.npy", "wb") as fh:
        np.lib.format.write_array(fh, frames, version=(3, 0))
    code, _, v3 = run_cli(capsys, ["eval", "--pred", str(pred), "--gt", str(gt), "--json"])
    assert code == 0 and v3 == v1
    (pred / "t_speaker1.npy").write_bytes(npy_bytes((3, 0), "<f4", (10**9, 55)) + b"\0" * 4096)
    code, err, stdout = run_cli(capsys, ["eval", "--pred", str(pred), "--gt", str(gt)])
    assert "t_speaker1.npy" in assert_refused(
        code, err, "declares (1000000000, 55) values, more than any take holds"
    )
    (pred / "t_speaker1.npy").write_bytes(npy_bytes((4, 0), "<f4", (60, 55)) + frames.tobytes())
    code, err, stdout = run_cli(capsys, ["eval", "--pred", str(pred), "--gt", str(gt)])
    assert "t_speaker1.npy" in assert_refused(code, err, ".npy header version 4.0")
