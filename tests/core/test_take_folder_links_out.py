"""A take folder whose A.npz is a symbolic link into another take's folder (review rv43c F2).

``infer --out T`` wrote through ``T/A.npz -> ../K/A.npz``: take K got a new A.npz beside its old
B.npz, a pair `animate` then refuses, and its A.npz was gone, written outside infer's lock on T.
Now infer stops in one line, before its engine loads, naming the link; K and T keep every byte. A
link within the take folder, and ``--out`` itself a link to a take folder (that take is the one
named), are written as before, as is a link given as a single output (``--fbx``, ``--summary``)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core import outputs
from dualtalk.inference.core.motion import Motion, save_motions
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic import script_reading
from robustness_util import assert_refused, run_cli, sha256s, write_stereo

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links")


@pytest.fixture
def engine_calls(monkeypatch) -> list:
    """Records engine loads: a refusal before any work leaves this empty."""
    import dualtalk.inference.engine as engine_mod

    calls: list = []
    monkeypatch.setattr(engine_mod, "load_engine", lambda *a, **k: calls.append(a) or object())
    return calls


def a_take(folder: Path) -> Path:
    folder.mkdir(parents=True)
    save_motions(
        [folder / "A.npz", folder / "B.npz"],
        [Motion("arkit55", np.full((4, 55), v, np.float32), role=r) for v, r in ((0.1, "A"), (0.2, "B"))],
    )
    (folder / "script_read.tsv").write_text("line\tread as\n")
    return folder


def test_infer_refuses_a_take_folder_whose_files_link_into_another_take(tmp_path, capsys, engine_calls):
    talk = write_stereo(tmp_path / "talk.wav")
    other = a_take(tmp_path / "K")
    kept = sha256s(*sorted(other.iterdir()))
    for n, linked in enumerate((["A.npz"], ["script_read.tsv"], ["A.npz", "B.npz"])):
        take = tmp_path / f"T{n}"
        take.mkdir()
        for name in linked:
            (take / name).symlink_to(f"../K/{name}")
        code, err, _ = run_cli(capsys, ["infer", "--quiet", "--audio", str(talk), "--out", str(take)])

        line = assert_refused(code, err, "outside the folder")
        assert all(f"{n} (a link to ../K/{n})" in line for n in linked), line
        assert sha256s(*sorted(other.iterdir())) == kept and sorted(os.listdir(take)) == sorted(linked)
        assert all((take / n).is_symlink() for n in linked)
    assert engine_calls == []
    assert script_reading.FILE_NAME in outputs.TAKE_FILES  # the reading the take writes is checked


def test_a_link_within_the_take_folder_or_to_the_folder_itself_is_still_a_take_to_write(tmp_path):
    talk = write_stereo(tmp_path / "talk.wav")
    request = Request(audio=str(talk))
    inner = a_take(tmp_path / "T")
    (inner / "versions").mkdir()
    os.replace(inner / "A.npz", inner / "versions" / "A1.npz")
    (inner / "A.npz").symlink_to("versions/A1.npz")
    assert pipeline.check_take_folder(inner, request, label="--out") == inner

    a_take(tmp_path / "keep")
    (tmp_path / "t4").symlink_to("keep")  # --out names take 'keep' through the link: replaced, as asked
    assert pipeline.check_take_folder(tmp_path / "t4", request, label="--out") == tmp_path / "t4"
