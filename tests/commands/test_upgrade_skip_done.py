"""A studio upgrades DualTalk between two nights of one batch. Night 1's shots were made by the old
build; night 2 runs the same job with ``--skip-done``. Same ``__version__`` (it was never bumped), same
inputs and settings: but the engine's weights or its code changed, so the kept animation is not what
this build makes. Those shots must run again, and the line says why ("made by another build of
DualTalk"); a shot made by this very build is still skipped."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import torch
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import shot_state
from dualtalk.inference.core.outputs import WORK_MARKER
from dualtalk.inference.models.lite import model as lite
from test_audit_jobs import DEFAULTS, job_folder, voice


def _job(tmp_path: Path, *, engine: bool) -> Path:
    """One shot keying its own recording: given motion files, or (``engine``) the embedded engine's."""
    folder = job_folder(tmp_path)
    voice(folder / "in" / "talk.wav", 180, seconds=1.2)
    shot = {"name": "s1", "out": "out/s1.blend", "audio": "in/talk.wav"}
    defaults = {
        **DEFAULTS,
        **({"device": "cpu"} if engine else {"motion_a": "in/A.npz", "motion_b": "in/B.npz"}),
    }
    (folder / "shots.json").write_text(json.dumps({"defaults": defaults, "shots": [shot]}))
    return folder


def _night(folder: Path, capsys) -> tuple[str, str]:
    report = folder.parent / "report.json"
    capsys.readouterr()
    code = main(
        ["animate", "--quiet", "--job", str(folder / "shots.json"), "--skip-done", "--summary", str(report)]
    )
    assert code == 0
    return json.loads(report.read_text())["shots"][0]["status"], capsys.readouterr().out


def _marker(folder: Path) -> Path:
    return folder / "out" / "s1.dualtalk" / WORK_MARKER


def test_a_shot_done_by_an_older_build_runs_again_and_says_why(tmp_path, capsys):
    folder = _job(tmp_path, engine=False)
    assert _night(folder, capsys)[0] == "done"
    assert _night(folder, capsys)[0] == "skipped"  # this build's own record: kept

    # the record as an older build wrote it: no digest of the build that made the set
    marker = _marker(folder)
    head, line = marker.read_text().splitlines()
    record = json.loads(line)
    record["done"].pop("build", None)
    marker.write_text(f"{head}\n{json.dumps(record)}\n")

    status, out = _night(folder, capsys)
    assert status == "done"
    assert "s1: runs again: done by run " in out and "made by another build of DualTalk" in out
    assert _night(folder, capsys)[0] == "skipped"  # recorded again by this build


def test_new_embedded_weights_make_the_engine_shots_run_again(tmp_path, capsys, monkeypatch):
    """Night 2's build ships other lite weights (as v1 -> v3 did) under the same version."""
    folder = _job(tmp_path, engine=True)
    assert _night(folder, capsys)[0] == "done"
    assert _night(folder, capsys)[0] == "skipped"

    payload = torch.load(lite.DEFAULT_WEIGHTS, map_location="cpu", weights_only=True)
    name = next(k for k, v in payload["state_dict"].items() if v.is_floating_point())
    payload["state_dict"][name] = payload["state_dict"][name] + 1e-3
    other = tmp_path / "lite_next.pt"
    torch.save(payload, other)
    monkeypatch.setattr(lite, "DEFAULT_WEIGHTS", other)

    status, out = _night(folder, capsys)
    assert status == "done" and "made by another build of DualTalk" in out
    assert _night(folder, capsys)[0] == "skipped"


def test_the_build_digest_follows_the_code_and_only_the_weights_a_shot_uses(tmp_path, monkeypatch):
    from dualtalk.dualtalk_blender.commands.jobs import parse_jobs

    folder = _job(tmp_path, engine=False)
    spec = json.loads((folder / "shots.json").read_text())
    keyed = parse_jobs(spec, folder)[0]  # given motion files: no engine, no weights
    spec["defaults"] = {**DEFAULTS}
    made = parse_jobs(spec, folder)[0]  # the embedded engine
    assert shot_state.embedded_weights(keyed) is None and shot_state.embedded_weights(made) is not None
    before = (shot_state.build_digest(keyed), shot_state.build_digest(made))

    monkeypatch.setattr(lite, "DEFAULT_WEIGHTS", tmp_path / "other.pt")
    (tmp_path / "other.pt").write_bytes(b"other weights")
    assert shot_state.build_digest(keyed) == before[0] and shot_state.build_digest(made) != before[1]

    monkeypatch.setattr(shot_state, "code_fingerprint", lambda: "patched engine code")
    assert shot_state.build_digest(keyed) != before[0]


def test_an_edit_of_words_alone_keeps_every_done_shot_and_an_edit_of_code_does_not():
    """Every edit of the shipped code reran every shot, a comment or a docstring included (and a
    Windows checkout's line endings): the digest now follows what the code does."""
    shipped = b'"""Lips."""\n\n\ndef gain(x):\n    """How loud."""\n    return x * 2  # doubled\n'
    reworded = b'"""Lips, re-documented."""\r\n\r\ndef gain(x):\r\n    # louder\r\n    return x * 2\r\n'
    assert shot_state.code_meaning(shipped) == shot_state.code_meaning(reworded)
    for changed in (
        shipped.replace(b"x * 2", b"x * 3"),
        shipped.replace(b'    """How loud."""\n', b'    """How loud."""\n    x = abs(x)\n'),
        shipped.replace(b"def gain(x)", b"def gain(y)"),
    ):
        assert shot_state.code_meaning(changed) != shot_state.code_meaning(shipped)
    assert shot_state.code_meaning(b"def (") == b"def ("  # a file that does not parse counts by its bytes


def _other_pythons() -> list[str]:
    import glob

    found = glob.glob("/root/.pyenv/versions/3.1[23].*/bin/python") + glob.glob("/usr/bin/python3.1[23]")
    return sorted({p for p in found if os.path.realpath(p) != os.path.realpath(sys.executable)})


@pytest.mark.skipif(not _other_pythons(), reason="no Python 3.12 or 3.13 here to compare with")
def test_the_build_digest_reads_alike_under_another_python():
    """Blender 5.0 runs Python 3.11; a farm's tools may run 3.12 or 3.13. ``ast.dump``'s text differs
    between them (new empty fields, empty f-string pieces), which would rerun every done shot."""
    import subprocess

    source = Path(shot_state.__file__).read_text()
    probe = (
        "import ast, hashlib, pathlib, sys\n"
        "tree = ast.parse(pathlib.Path(sys.argv[1]).read_text())\n"
        "ns = {'ast': ast}\n"
        "for node in tree.body:\n"
        "    if isinstance(node, ast.FunctionDef) and node.name in ('code_meaning', '_shape'):\n"
        "        exec(compile(ast.Module([node], []), 'shot_state', 'exec'), ns)\n"
        "digest = hashlib.sha256()\n"
        "for path in sorted(pathlib.Path(sys.argv[2]).rglob('*.py')):\n"
        "    digest.update(hashlib.sha256(ns['code_meaning'](path.read_bytes())).digest())\n"
        "print(digest.hexdigest())\n"
    )
    assert "def _shape" in source
    room = Path(shot_state.__file__).resolve().parents[2] / "inference"
    ours = subprocess.run(
        [sys.executable, "-c", probe, shot_state.__file__, str(room)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for python in _other_pythons():
        theirs = subprocess.run(
            [python, "-c", probe, shot_state.__file__, str(room)], capture_output=True, text=True, check=True
        ).stdout
        assert theirs == ours, python
