"""A pipeline script exports the pair to the same file the animator exports from the panel.

A script's ``bpy.ops.dualtalk.export_fbx()`` exports in its own Blender and took no lock on the file:
the panel's Export FBX of the same file was not refused, its sweep of dead exports' leftovers removed
the script's live temporary (the same ``.pair.XXXXXXXX.part.fbx`` form as a staged file), and both
said "exported" while the file held only one of the two clips (review rv39b 1). Now the script's
export holds the file's lock as the panel's does, and the exporter's own temporary has a form of its
own that no sweep takes, so even a script calling the scene function directly (no lock) keeps it.
"""

from __future__ import annotations

import os
from pathlib import Path

import bpy
import pytest
import test_export_fbx_esc as esc
from dualtalk.dualtalk_blender.addon import fbx_leftovers
from dualtalk.dualtalk_blender.scene import fbx_bake
from dualtalk.inference.core import locks
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.operators import generate as generate_ops

pair, temp = esc.pair, esc.temp  # a keyed pair over a long range, the job's temp folder

REPORT = 20  # the exporter's progress line every 20 frames: something to hook into early


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_scripts_export_of_a_file_another_export_writes_is_refused_in_one_line(scene, pair, tmp_path):
    path = tmp_path / "pair.fbx"
    path.write_bytes(esc.YESTERDAY)
    with locks.locked(path, "FBX file"), bpy.context.temp_override(scene=scene):  # the panel's export
        with pytest.raises(RuntimeError) as err:
            bpy.ops.dualtalk.export_fbx(filepath=str(path))
    said = str(err.value).strip()
    assert said.startswith("Error: DualTalk: another DualTalk run is writing ") and "\n" not in said
    assert said.endswith("choose another FBX file")
    assert path.read_bytes() == esc.YESTERDAY and hidden(tmp_path) == []


def test_while_a_scripts_export_writes_the_file_another_export_of_it_is_refused(
    scene, pair, tmp_path, monkeypatch
):
    """The panel's Export FBX first takes the file's lock (:class:`.fbx_job.FbxExport`): tried here
    while the script's export samples its frames."""
    scene.frame_end = 100
    monkeypatch.setattr(fbx_bake, "REPORT_EVERY", REPORT)
    path = tmp_path / "pair.fbx"
    tried: list[str] = []
    real = generate_ops.CursorProgress.update

    def panel_pressed(self, stage: str, fraction: float, message: str = "") -> None:
        if not tried:
            try:
                with locks.locked(path, "FBX file", fix="choose another FBX file", what="FBX file"):
                    tried.append("taken")
            except DualTalkError as exc:
                tried.append(str(exc))
        real(self, stage, fraction, message)

    monkeypatch.setattr(generate_ops.CursorProgress, "update", panel_pressed)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(path)) == {"FINISHED"}
    assert len(tried) == 1 and tried[0].startswith("another DualTalk run is writing"), tried
    assert path.stat().st_size > 0 and hidden(tmp_path) == []  # the lock file goes with the export


def test_the_panels_sweep_leaves_a_scripts_live_temporary_alone(scene, pair, tmp_path, temp, monkeypatch):
    """A script calling the scene function (no lock) while the panel's export of the same file takes
    the lock and sweeps what dead exports left beside it: the script's temporary stays, and its file
    is written."""
    from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx

    scene.frame_end = 100
    monkeypatch.setattr(fbx_bake, "REPORT_EVERY", REPORT)
    path = tmp_path / "pair.fbx"
    seen: list[tuple[list[str], list[str]]] = []

    class PanelPressed:
        def update(self, stage: str, fraction: float, message: str = "") -> None:
            if not seen:
                before = hidden(tmp_path)
                with locks.locked(path, "FBX file"):  # as FbxExport.start sweeps
                    fbx_leftovers.sweep([path])
                seen.append((before, hidden(tmp_path)))

        def check_cancel(self) -> None:
            pass

    a, b = pair
    export_fbx([a, b], path, scene=scene, progress=PanelPressed())

    ((before, after),) = seen
    assert len(before) == 1 and before[0].startswith(".pair.") and before[0].endswith(".part.fbx")
    assert after == before  # the script's temporary, being written, was not taken
    assert path.stat().st_size > 0 and hidden(tmp_path) == []


def test_beside_a_staged_copy_the_exporters_temporary_keeps_the_form_the_sweeps_remove(tmp_path):
    """Where the exporter writes a staged copy (the panel's other Blender, ``animate --fbx``), a kill
    leaves its temporary beside that copy: the next run's sweep must still know the name."""
    import tempfile

    from dualtalk.dualtalk_blender.scene.fbx_export import temporary_prefix
    from dualtalk.inference.core import stale_parts

    staged = tmp_path / ".shot.q7w2e9rt.part.fbx"
    start = temporary_prefix(staged) or f".{staged.stem}."
    fd, name = tempfile.mkstemp(prefix=start, suffix=".part.fbx", dir=tmp_path)
    os.close(fd)
    assert list(fbx_leftovers.exporters_temporaries(staged)) == [Path(name)]
    assert stale_parts.sweep([tmp_path / "shot.fbx"]) == [Path(name)]
    assert temporary_prefix(tmp_path / "shot.fbx") == ".shot.writing."
