"""Robustness matrix, text inputs: turns files, custom maps and job files from someone else.

Each bad file gets one ``error:`` line and exit 2; the input scene and the output
folder are left exactly as they were. Job files may not reach outside their folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import StandInEngine, assert_refused, run_cli, snapshot, two_voices

# --- turns ---------------------------------------------------------------------------------

BAD_TURNS = {
    "rttm, missing fields": ("t.rttm", "SPEAKER f 1 0.5\n", "line 1"),
    "rttm, NaN onset": ("t.rttm", "SPEAKER f 1 nan 1.0 <NA> <NA> A <NA> <NA>\n", "line 1"),
    "rttm, negative duration": ("t.rttm", "SPEAKER f 1 0.2 -1.0 <NA> <NA> A <NA> <NA>\n", "line 1"),
    "labels, text in a time": ("t.txt", "0.1\t0.9\tAna\nsoon\t1.5\tBen\n", "line 2"),
    "labels, end before start": ("t.txt", "0.5\t0.2\tAna\n", "line 1"),
    "srt, broken clock": ("t.srt", "1\n00:00:0x,000 --> 00:00:01,000\nAna: hi\n", "t.srt"),
    "srt, no speaker": ("t.srt", "1\n00:00:00,100 --> 00:00:00,900\nhello there\n", "line"),
    "vtt, no header": ("t.vtt", "00:00.100 --> 00:00.900\n<v Ana>hi\n", "t.vtt"),
    "vtt, arrow only": ("t.vtt", "WEBVTT\n\n-->\n<v Ana>hi\n", "t.vtt"),
    "binary": ("t.rttm", "\x00\x01\x02 SPEAKER", "binary"),
    "not UTF-8": ("t.txt", None, "UTF-8"),
    "empty": ("t.srt", "", "empty"),
    "three speakers": ("t.txt", "0.1\t0.3\tAna\n0.3\t0.6\tBen\n0.6\t0.9\tCy\n", "Ana, Ben, Cy"),
    "beyond the audio": ("t.txt", "0.1\t0.5\tAna\n30\t31\tBen\n", "line 2"),
}


def test_every_malformed_turns_file_is_one_line_naming_the_file(tmp_path, capsys, monkeypatch):
    import dualtalk.inference.engine as engine_mod

    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: StandInEngine())
    mix = tmp_path / "mix.wav"
    sf.write(mix, two_voices(1.0).sum(axis=1), 16000)
    out = tmp_path / "out"
    for case, (name, text, needle) in BAD_TURNS.items():
        path = tmp_path / case.replace(" ", "_").replace(",", "") / name
        path.parent.mkdir()
        if text is None:
            path.write_bytes(b"0.1\t0.9\tAn\xe9\n")
        else:
            path.write_text(text)
        code, err, _ = run_cli(
            capsys, ["infer", "--quiet", "--audio", str(mix), "--turns", str(path), "--out", str(out)]
        )
        line = assert_refused(code, err, needle)
        assert name in line, (case, line)
        assert snapshot(out) == {}, case


def test_an_unknown_speaker_name_lists_the_ones_in_the_turns(tmp_path, capsys, monkeypatch):
    import dualtalk.inference.engine as engine_mod

    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: StandInEngine())
    mix = tmp_path / "mix.wav"
    sf.write(mix, two_voices(1.0).sum(axis=1), 16000)
    (tmp_path / "t.txt").write_text("0.1\t0.4\tAna\n0.5\t0.9\tBen\n")
    code, err, _ = run_cli(
        capsys,
        ["infer", "--quiet", "--audio", str(mix), "--turns", str(tmp_path / "t.txt"), "--speaker-a", "Zed",
         "--out", str(tmp_path / "o")],
    )  # fmt: skip
    assert "speakers: Ana, Ben" in assert_refused(code, err, "'Zed' is not in the turns")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name", ["huge.rttm", "huge.srt"])
def test_a_huge_turns_file_is_refused_by_its_size_without_reading_it(tmp_path, capsys, monkeypatch, name):
    import dualtalk.inference.engine as engine_mod

    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: StandInEngine())
    mix = tmp_path / "mix.wav"
    sf.write(mix, two_voices(1.0).sum(axis=1), 16000)
    with open(tmp_path / name, "wb") as fh:  # 3 GB on paper, nothing on disk
        fh.truncate(3 << 30)
    code, err, _ = run_cli(
        capsys,
        [
            "infer",
            "--quiet",
            "--audio",
            str(mix),
            "--turns",
            str(tmp_path / name),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert_refused(code, err, "small text file")


# --- scenes, maps and job files ---------------------------------------------------------------


def _animate(capsys, kit: Path, out: Path, *extra: str) -> tuple[int, list[str]]:
    argv = ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(kit / "in" / "A.npz"), "--motion-b", str(kit / "in" / "B.npz"),
            "--out", str(out / "shot.blend"), *extra]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    return code, err


BAD_MAPS = {
    "not JSON": ("{'jawOpen': 'Jaw'", "not valid JSON"),
    "not UTF-8": (None, "not UTF-8"),
    "top level a list": ("[1, 2]", "map"),
    "unknown channel": ('{"version": 1, "map": {"jawOpenWide": "jawOpen"}}', "jawOpenWide"),
    "NaN weight": ('{"version": 1, "map": {"jawOpen": {"key": "jawOpen", "weight": NaN}}}', "finite"),
    "huge weight": ('{"version": 1, "map": {"jawOpen": {"key": "jawOpen", "weight": 1e9}}}', "within"),
    "bad axis": ('{"version": 1, "map": {"jawOpen": {"bone": "head", "axis": "W"}}}', "axis"),
    "future version": ('{"version": 7, "map": {"jawOpen": "jawOpen"}}', "version"),
    "key not on the rig": ('{"version": 1, "map": {"jawOpen": "NoSuchKey"}}', "NoSuchKey"),
    "bone not on the rig": (
        '{"version": 1, "map": {"jawOpen": {"bone": "NoSuchBone", "axis": "X"}}}',
        "NoSuchBone",
    ),
}


def test_every_bad_custom_map_is_one_line_and_the_scene_is_untouched(tmp_path, kit, capsys):
    scene_sum = sha256_file(kit / "in" / "scene.blend")
    out = tmp_path / "out"
    for case, (text, needle) in BAD_MAPS.items():
        path = tmp_path / f"{case.replace(' ', '_')}.json"
        if text is None:
            path.write_bytes(b'{"version": 1, "map": {"jawOpen": "M\xfcnd"}}')
        else:
            path.write_text(text)
        code, err = _animate(capsys, kit, out, "--map", str(path))
        assert_refused(code, err, needle)
        assert snapshot(out) == {}, case
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(2 << 30)
    code, err = _animate(capsys, kit, out, "--map", str(huge))
    assert_refused(code, err, "larger than")
    assert snapshot(out) == {} and sha256_file(kit / "in" / "scene.blend") == scene_sum


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--char-a", "Nobody"], "'Nobody' is not in the scene"),
        (["--char-b", "Ann"], "same object"),
        (["--char-b", "Camera"], "'Camera' is not in the scene"),
    ],
)
def test_references_to_missing_objects_are_refused(tmp_path, kit, capsys, extra, needle):
    scene_sum = sha256_file(kit / "in" / "scene.blend")
    code, err = _animate(capsys, kit, tmp_path / "out", *extra)
    assert_refused(code, err, needle)
    assert snapshot(tmp_path / "out") == {} and sha256_file(kit / "in" / "scene.blend") == scene_sum


def _job(kit: Path, shot: dict, **top) -> Path:
    spec = {
        "version": 1,
        "defaults": {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz",
                     "motion_b": "in/B.npz"},
        "shots": [{"name": "s1", "out": "out/s1.blend", **shot}],
        **top,
    }  # fmt: skip
    path = kit / "job.json"
    path.write_text(json.dumps(spec))
    return path


JOB_ESCAPES = {
    "out climbs out": ({"out": "../escaped.blend"}, "'..' is not allowed"),
    "out absolute": ({"out": "/tmp/dualtalk_robust_escape.blend"}, "must be relative"),
    "fbx climbs out": ({"fbx": "out/../../x.fbx"}, "'..' is not allowed"),
    "render absolute": ({"render": "/tmp/dualtalk_robust_escape.mp4"}, "must be relative"),
    "work climbs out": ({"work": "../../work"}, "'..' is not allowed"),
    "windows drive": ({"out": "C:\\Users\\x\\a.blend"}, "must be relative"),
    "windows climb": ({"out": "out\\..\\..\\a.blend"}, "'..' is not allowed"),
    "input climbs out": ({"blend": "../../../etc/scene.blend"}, "'..' is not allowed"),
    "overwrite an input": ({"out": "in/scene.blend"}, "overwrite an input"),
    "name with a slash": ({"name": "../s1"}, "no path separators"),
    "control characters": ({"out": "out/a\nb.blend"}, "control characters"),
}


def test_job_files_cannot_write_outside_their_folder(kit, capsys):
    scene_sum = sha256_file(kit / "in" / "scene.blend")
    before = snapshot(kit)
    for case, (shot, needle) in JOB_ESCAPES.items():
        job = _job(kit, shot)
        before["job.json"] = snapshot(kit)["job.json"]
        code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
        assert_refused(code, err, needle)
        assert snapshot(kit) == before, case
    assert not Path("/tmp/dualtalk_robust_escape.blend").exists()
    assert sha256_file(kit / "in" / "scene.blend") == scene_sum


BAD_JOBS = {
    "not JSON": ("{shots: []}", "not valid JSON"),
    "a list": ("[]", "top level must be a JSON object"),
    "no shots": ('{"version": 1, "shots": []}', "non-empty list"),
    "unknown field": ('{"version": 1, "shots": [{"out": "o.blend", "blend": "in/scene.blend", "colour": 1}]}', "colour"),
    "future version": ('{"version": 2, "shots": []}', "unsupported version"),
    "string number": ('{"shots": [{"out": "o.blend", "blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", '
                      '"audio": "a.wav", "start": "12"}]}', "finite number"),
    "infinite number": ('{"shots": [{"out": "o.blend", "blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", '
                        '"audio": "a.wav", "end": Infinity}]}', "finite number"),
    "not UTF-8": (None, "not UTF-8"),
}  # fmt: skip


def test_malformed_and_huge_job_files_are_one_line(kit, capsys, tmp_path):
    out_before = snapshot(kit / "out")
    for case, (text, needle) in BAD_JOBS.items():
        job = tmp_path / f"{case.replace(' ', '_')}.json"
        if text is None:
            job.write_bytes(b'{"shots": [{"name": "caf\xe9"}]}')
        else:
            job.write_text(text)
        code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
        assert_refused(code, err, needle)
    many = tmp_path / "many.json"  # under the size limit, over the shot limit
    many.write_text(json.dumps({"shots": [{"out": f"o{i}.blend"} for i in range(10_001)]}))
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(many)])
    assert_refused(code, err, "too many shots")
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(4 << 30)
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(huge)])
    assert_refused(code, err, "larger than")
    assert snapshot(kit / "out") == out_before


def test_a_job_shot_naming_a_missing_character_fails_alone(kit, capsys):
    """Shot-level problems are reported per shot (one line each) and the good shots still run."""
    spec = json.loads(_job(kit, {}).read_text())
    spec["shots"].append({"name": "ghost", "out": "out/ghost.blend", "char_b": "Ghost"})
    (kit / "job.json").write_text(json.dumps(spec))
    code, err, stdout = run_cli(capsys, ["animate", "--quiet", "--job", str(kit / "job.json")])
    assert code == 2
    assert err == [
        "error: shot ghost: character B 'Ghost' is not in the scene (meshes/armatures: Ann, Ann_rig, Bob, Bob_rig)",
        "error: 1 of 2 shots failed: ghost (see the errors above)",
    ]
    assert "s1: wrote" in stdout
    assert (kit / "out" / "s1.blend").is_file() and not (kit / "out" / "ghost.blend").exists()
    hidden = [p.name for p in (kit / "out").iterdir() if p.name.startswith(".")]
    assert hidden == [".s1.blend.dualtalk-done"]  # no temp leftovers: the done shot's record only


def _npz_claiming(path: Path, rows: int) -> Path:
    """A few-KB motion file whose header declares ``rows`` x 55 float32 (a crafted or zip-bombed file)."""
    import io
    import zipfile

    hdr = io.BytesIO()
    np.lib.format.write_array_header_1_0(hdr, {"descr": "<f4", "fortran_order": False, "shape": (rows, 55)})
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("values.npy", hdr.getvalue() + b"\0" * 4096)
        for key, value in {"space": np.array("arkit55"), "format": np.array("dualtalk-motion")}.items():
            buf = io.BytesIO()
            np.save(buf, value)
            z.writestr(f"{key}.npy", buf.getvalue())
    return path


def test_a_motion_file_claiming_billions_of_frames_is_refused_before_allocating(tmp_path, kit, capsys):
    bomb = _npz_claiming(tmp_path / "A.npz", 10**9)  # 205 GiB declared
    out = tmp_path / "out"
    argv = ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(bomb), "--motion-b", str(kit / "in" / "B.npz"), "--out", str(out / "shot.blend")]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert "A.npz" in assert_refused(code, err, "longer than four hours")
    assert snapshot(out) == {}


def test_a_flame_map_claiming_terabytes_is_refused_without_allocating(tmp_path, kit, capsys):
    import io
    import zipfile

    hdr = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        hdr, {"descr": "<f4", "fortran_order": False, "shape": (10**9, 1000)}
    )
    (tmp_path / "map.npy").write_bytes(hdr.getvalue() + b"\0" * 100)
    with zipfile.ZipFile(tmp_path / "map.npz", "w") as z:
        z.writestr("map.npy", hdr.getvalue() + b"\0" * 100)
    with open(tmp_path / "map.csv", "wb") as fh:
        fh.truncate(3 << 30)
    out = tmp_path / "out"
    for name, needle in (
        ("map.npy", "cannot read"),
        ("map.npz", "no 2-D matrix"),
        ("map.csv", "larger than"),
    ):
        code, err = _animate(capsys, kit, out, "--flame-map", str(tmp_path / name))
        assert name in assert_refused(code, err, needle)
        assert snapshot(out) == {}
