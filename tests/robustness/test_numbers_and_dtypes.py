"""Numbers a pipeline hands us that are valid but unusual: arrays of the wrong kind of number and
integers no float holds (audit "hostile and unlucky input files", sections 3a, 3c, 4b, 5 and 6).

A TD's conversion script saved motion as complex, bool, dates, records or 64-bit integers; a
capture tool wrote float64 beyond float32's range; a spreadsheet export put a 400-digit integer in
a job or map file. Each reader follows one of two shared rules (``inference/core/numeric.py``):
arrays must be real numbers (float or integer), finite and within the reader's bound, checked
before any cast; numbers from JSON or the command line that no float holds are refused like any
other out-of-range value. Every case runs the real CLI entry and checks exit 2, exactly one
``error:`` line naming the file or option, no Python warning, and that the scene, the inputs
and the output folder are untouched.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.motion import Motion, save_motion
from robustness_util import assert_refused, run_cli, sha256s, snapshot, two_voices

BIG = int("9" * 400)  # valid JSON, and a valid argparse int; float() of it raises OverflowError
BIG_SHOWN = "999999999999...(400 digits)"


def _run(capsys, argv: list[str]) -> tuple[int, list[str], str]:
    """The CLI as a user runs it; a Python warning (which would reach the user's terminal before
    our line: numpy's ComplexWarning or "overflow encountered in cast") fails the test."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        code, err, out = run_cli(capsys, argv)
    shown = [w for w in seen if not issubclass(w.category, DeprecationWarning | PendingDeprecationWarning)]
    assert not shown, [f"{w.category.__name__}: {w.message}" for w in shown]
    return code, err, out


def _animate(kit: Path, out: Path, *extra: str, motion_a: Path | None = None) -> list[str]:
    return ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--motion-a", str(motion_a or kit / "in" / "A.npz"),
            "--motion-b", str(kit / "in" / "B.npz"), "--out", str(out / "shot.blend"), *extra]  # fmt: skip


def _inputs(kit: Path) -> dict[str, str]:
    return sha256s(kit / "in" / "scene.blend", kit / "in" / "A.npz", kit / "in" / "B.npz")


def _motion_file(kit: Path, path: Path, **members: object) -> Path:
    """A's motion file with some members replaced, as another tool might have written it."""
    with np.load(kit / "in" / "A.npz") as data:
        arrays = {key: data[key] for key in data.files}
    arrays.update(members)
    np.savez(path, **arrays)
    return path


def _values(dtype: object, fill: object = 0) -> np.ndarray:
    return np.full((30, 55), fill, dtype=dtype)


# --- motion files (animate --motion-a, the add-on's seam) -------------------------------------

GOOD = np.random.default_rng(3).uniform(0, 0.8, (30, 55))
MOTIONS = {
    "complex": ({"values": (GOOD + 1j * GOOD).astype(np.complex64)}, "not complex numbers (dtype complex64)"),
    "bool": ({"values": GOOD > 0.4}, "not true/false flags (dtype bool)"),
    "datetime": ({"values": _values("datetime64[s]")}, "not dates"),
    "structured": ({"values": _values([("a", "<f4")])}, "not records"),
    "text": ({"values": _values("<U1", "a")}, "not text"),
    "int64 2^62": ({"values": _values(np.int64, 2**62)}, "motion values reach 4.61169e+18, beyond ±1000"),
    "float64 1e48": ({"values": _values(np.float64, 1e48)}, "motion values reach 1e+48, beyond ±1000"),
    "float32 1e30": ({"values": _values(np.float32, 1e30)}, "motion values reach 1e+30, beyond ±1000"),
    "fps as an array": ({"fps": np.array([25.0, 30.0])}, "fps must be a single value"),
    "complex start time": ({"start_time": np.array(1 + 2j)}, "start time must be 0 to"),
    "complex gaze": (
        {"gaze_dir": np.zeros((30, 2), np.complex64), "gaze_target": np.ones(30, np.int8)},
        "gaze_dir degrees must be real numbers",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", MOTIONS)
def test_a_motion_file_of_the_wrong_kind_of_numbers_is_one_line_naming_it(kit, tmp_path, capsys, case):
    """Before: complex was keyed without its imaginary part (a ComplexWarning on the terminal), bool,
    dates, records and 2^62 were keyed silently (the shape keys clamped at 10, the mesh blown up), float64
    1e48 said "overflow encountered in cast" then a false "contains NaN or Inf", an fps of [25, 30]
    became 25 without a word, a complex start time was "internal error (TypeError ...)"."""
    members, needle = MOTIONS[case]
    before = _inputs(kit)
    bad = _motion_file(kit, tmp_path / "from_tool.npz", **members)
    out = tmp_path / "out"
    code, err, _ = _run(capsys, _animate(kit, out, motion_a=bad))
    line = assert_refused(code, err, needle)
    assert "from_tool.npz" in line
    assert snapshot(out) == {} and _inputs(kit) == before


def test_motion_saved_as_float64_float16_or_small_integers_is_keyed_but_bool_is_not(kit, tmp_path, capsys):
    """The rule is about numbers, not dtypes: a converter that wrote float64, float16 or 0/1 integers
    gave real motion, and it is keyed as before. True/false is refused: a mask or the ``speaking``
    flags saved as ``values`` by mistake, which no one means as "every key at 1"."""
    for dtype in (np.float64, np.float16, np.int8):
        motion = _motion_file(kit, tmp_path / "ok.npz", values=(GOOD > 0.4).astype(dtype))
        out = tmp_path / f"out_{np.dtype(dtype).name}"
        code, err, _ = _run(capsys, _animate(kit, out, motion_a=motion))
        assert code == 0 and err == [], (dtype, err)
        assert (out / "shot.blend").is_file()
    flags = _motion_file(kit, tmp_path / "flags.npz", values=GOOD > 0.4)
    code, err, _ = _run(capsys, _animate(kit, tmp_path / "out_bool", motion_a=flags))
    assert "flags.npz: motion values" in assert_refused(code, err, "true/false flags")


# --- paper mode: the partner's captured motion --------------------------------------------------


def test_a_partner_motion_of_huge_values_is_refused_up_front_naming_the_file(tmp_path, capsys):
    """Before: ``--partner-motion`` at 1e30 (finite) ran the engine, whose output overflowed, and
    the line was "motion values contain NaN or Inf", naming no file; the input has no NaN. Now it
    is refused before the engine, naming the file and the bound; a partner at the bound runs."""
    sf.write(tmp_path / "self.wav", two_voices(3.0)[:, 0], 16000)
    sf.write(tmp_path / "partner.wav", two_voices(3.0)[:, 1], 16000)
    speaking = np.arange(75) >= 37
    save_motion(
        tmp_path / "edge.npz", Motion("arkit55", np.full((75, 55), -1000.0, np.float32), speaking=speaking)
    )
    with np.load(tmp_path / "edge.npz") as data:  # the capture tool's file: our layout, values 1e30
        arrays = {key: data[key] for key in data.files}
    np.savez(tmp_path / "captured.npz", **{**arrays, "values": np.full((75, 55), 1e30, np.float32)})

    def paper(partner: str, out: str) -> list[str]:
        return ["infer", "--quiet", "--engine", "lite", "--device", "cpu", "--audio", str(tmp_path / "self.wav"),
                "--partner-audio", str(tmp_path / "partner.wav"), "--partner-motion", str(tmp_path / partner),
                "--out", str(tmp_path / out)]  # fmt: skip

    before = sha256s(tmp_path / "captured.npz", tmp_path / "self.wav", tmp_path / "partner.wav")
    code, err, _ = _run(capsys, paper("captured.npz", "pred.npz"))
    line = assert_refused(code, err, "captured.npz: motion values reach 1e+30, beyond ±1000")
    assert "NaN" not in line
    assert not (tmp_path / "pred.npz").exists()
    assert sha256s(tmp_path / "captured.npz", tmp_path / "self.wav", tmp_path / "partner.wav") == before
    code, err, _ = _run(capsys, paper("edge.npz", "edge_pred.npz"))
    assert code == 0 and err == [], err
    with np.load(tmp_path / "edge_pred.npz") as data:
        assert np.isfinite(data["values"]).all() and np.abs(data["values"]).max() < 10


# --- eval: predictions and ground truth ----------------------------------------------------------


def _npy_claiming(path: Path, rows: int) -> Path:
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f4", "fortran_order": False, "shape": (rows, 55)}
        )
        fh.write(b"\0" * 4096)
    return path


PREDICTIONS = {
    "text": (_values("<U1", "a"), "not text"),
    "complex": ((GOOD + 1j).astype(np.complex64), "not complex numbers"),
    "bool": (GOOD > 0.5, "not true/false flags"),
    "float64 1e300": (_values(np.float64, 1e300), "values reach 1e+300, beyond ±1000"),
    "uint64 max": (_values(np.uint64, 2**64 - 1), "values reach 1.84467e+19, beyond ±1000"),
    "claims 10^9 frames": (None, "more than any take holds"),
}


@pytest.mark.parametrize("case", PREDICTIONS)
def test_an_eval_prediction_of_the_wrong_kind_of_numbers_is_one_line_naming_it(tmp_path, capsys, case):
    """Before: text was "internal error (ValueError: could not convert string to float)", complex was
    scored without its imaginary part (a ComplexWarning), bool and uint64 2^64 were scored, float64
    1e300 said "overflow encountered in cast" then a false "contains NaN or Inf", and a header claiming
    10^9 frames was "out of memory" (exit 1)."""
    arr, needle = PREDICTIONS[case]
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir(), pred.mkdir()
    for who in (1, 2):
        save_motion(gt / f"t_speaker{who}.npz", Motion("arkit55", GOOD.astype(np.float32)))
    if arr is None:
        _npy_claiming(pred / "t_speaker1.npy", 10**9)
    else:
        np.save(pred / "t_speaker1.npy", arr)
    before = snapshot(tmp_path)
    code, err, stdout = _run(capsys, ["eval", "--pred", str(pred), "--gt", str(gt)])
    assert "t_speaker1.npy" in assert_refused(code, err, needle)
    assert stdout == "" and snapshot(tmp_path) == before


def test_eval_ground_truth_of_complex_numbers_is_one_line_naming_it(tmp_path, capsys):
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir(), pred.mkdir()
    save_motion(gt / "t_speaker1.npz", Motion("arkit55", GOOD.astype(np.float32)))
    save_motion(tmp_path / "base.npz", Motion("arkit55", GOOD.astype(np.float32)))
    with np.load(tmp_path / "base.npz") as data:
        arrays = {key: data[key] for key in data.files}
    np.savez(gt / "t_speaker2.npz", **{**arrays, "values": (GOOD + 1j).astype(np.complex128)})
    np.save(pred / "t_speaker1.npy", GOOD.astype(np.float32))
    code, err, _ = _run(capsys, ["eval", "--pred", str(pred), "--gt", str(gt)])
    assert "t_speaker2.npz: motion values" in assert_refused(code, err, "not complex numbers")


# --- FLAME/ARKit maps (--flame-map) --------------------------------------------------------------


def _map_file(folder: Path, case: str) -> Path:
    ones = np.ones((51, 103))
    big_row = ", ".join(["1" * 400] + ["1"] * 102)
    if case == "json 400-digit integer":
        path = folder / "map.json"
        path.write_text('{"matrix": [' + ", ".join([f"[{big_row}]"] * 51) + "]}")
    elif case == "csv 400-digit integer":
        path = folder / "map.csv"
        path.write_text("\n".join([big_row] * 51))
    elif case == "npz complex":
        path = folder / "map.npz"
        np.savez(path, matrix=ones.astype(np.complex64))
    else:
        path = folder / "map.npy"
        np.save(
            path,
            {"npy text": ones.astype(str), "npy bool": ones > 0, "npy float64 1e300": ones * 1e300}[case],
        )
    return path


FLAME_MAPS = {
    "json 400-digit integer": "holds a number too large for a float (111111111111...(400 digits))",
    "csv 400-digit integer": "a number too large for a float",
    "npz complex": "not complex numbers",
    "npy text": "not text",
    "npy bool": "not true/false flags",
    "npy float64 1e300": "values reach 1e+300, beyond ±1000",
}


@pytest.mark.parametrize("case", FLAME_MAPS)
def test_a_flame_map_of_the_wrong_kind_of_numbers_is_one_line_naming_it(kit, tmp_path, capsys, case):
    """Before: a JSON integer of 400 digits was "internal error (OverflowError)", a text .npy
    "internal error (ValueError)", complex was used without its imaginary part (ComplexWarning),
    bool and 1e300 were taken as a map, and a CSV's 400-digit number was "contains NaN or Inf"."""
    before = _inputs(kit)
    path = _map_file(tmp_path, case)
    out = tmp_path / "out"
    code, err, _ = _run(capsys, _animate(kit, out, "--flame-map", str(path)))
    assert path.name in assert_refused(code, err, FLAME_MAPS[case])
    assert snapshot(out) == {} and _inputs(kit) == before


# --- numbers from JSON and the command line ------------------------------------------------------


def test_a_custom_map_weight_of_400_digits_is_one_line_naming_the_entry(kit, tmp_path, capsys):
    """Before: "internal error (OverflowError: int too large to convert to float)", exit 1."""
    before = _inputs(kit)
    path = tmp_path / "rig.json"
    path.write_text('{"version": 1, "map": {"jawOpen": {"key": "jawOpen", "weight": ' + "9" * 400 + "}}}")
    code, err, _ = _run(capsys, _animate(kit, tmp_path / "out", "--map", str(path)))
    line = assert_refused(
        code, err, f"mapping.map['jawOpen']: weight {BIG_SHOWN} must be finite and within ±100"
    )
    assert len(line) < 200
    assert snapshot(tmp_path / "out") == {} and _inputs(kit) == before


JOB_FIELDS = {
    "smoothing": (
        BIG,
        f"shot 's1'.smoothing: expected a finite number, got {BIG_SHOWN}, too large for a float",
    ),
    "head_turn": (BIG, "shot 's1'.head_turn: expected a finite number"),
    "start": (BIG, "shot 's1'.start: expected a finite number"),
    "intensity": ({"mouth": BIG}, "shot 's1'.intensity.mouth: expected a finite number"),
    "layer_influence": ({"head": BIG}, "shot 's1'.layer_influence.head: expected a finite number"),
    # an integer, so typed fine: its bound is checked with the shot's other values as the file is read
    "start_frame": (BIG, f"shot 's1'.start_frame must be between 0 and 1,048,574, got {BIG_SHOWN}"),
}


@pytest.mark.parametrize("field", JOB_FIELDS)
def test_a_job_number_of_400_digits_is_one_line_naming_the_shot_and_field(kit, tmp_path, capsys, field):
    """A spreadsheet export wrote 400 nines into one cell of the overnight job file. Before:
    "internal error (OverflowError: int too large to convert to float)", exit 1; now refused while the
    job file is read, before any shot runs."""
    value, needle = JOB_FIELDS[field]
    before = _inputs(kit)
    shot = {"name": "s1", "blend": str(kit / "in" / "scene.blend"), "char_a": "Ann", "char_b": "Bob",
            "motion_a": str(kit / "in" / "A.npz"), "motion_b": str(kit / "in" / "B.npz"),
            "out": "o/s1.blend", field: value}  # fmt: skip
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"version": 1, "shots": [shot]}))
    code, err, _ = _run(capsys, ["animate", "--quiet", "--job", str(job)])
    line = assert_refused(code, err, needle)
    assert len(line) < 200
    assert sorted(snapshot(tmp_path)) == ["job.json"] and _inputs(kit) == before


def test_command_line_integers_of_400_digits_are_one_line_naming_the_option(kit, tmp_path, capsys):
    """``--start-frame 999...9`` and ``infer --rounds 999...9``: argparse reads them as ints, and
    the bound check said "internal error (OverflowError ...)", exit 1."""
    before = _inputs(kit)
    out = tmp_path / "out"
    code, err, _ = _run(capsys, _animate(kit, out, "--start-frame", "9" * 400))
    assert_refused(code, err, f"--start-frame must be between 0 and 1,048,574, got {BIG_SHOWN}")
    sf.write(tmp_path / "talk.wav", two_voices(2.0), 16000)
    code, err, _ = _run(capsys, ["infer", "--audio", str(tmp_path / "talk.wav"), "--out", str(out / "take"),
                                 "--rounds", "9" * 400])  # fmt: skip
    assert_refused(code, err, f"--rounds must be between 1 and 20, got {BIG_SHOWN}")
    assert snapshot(out) == {} and _inputs(kit) == before
