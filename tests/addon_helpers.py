"""Shared set-up for the add-on tests: a fresh scene with the add-on enabled, two tiny
characters, a short two-voice stereo recording and a tiny (random) lite engine file."""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import soundfile as sf

ADDON = "dualtalk"


def fresh_scene_with_addon(model_dir: Path):
    """Factory scene, add-on enabled, preferences pointing at ``model_dir``."""
    import addon_utils  # importable only once bpy is imported

    br.reset()
    addon_utils.enable(ADDON, default_set=True)
    prefs = bpy.context.preferences.addons[ADDON].preferences
    prefs.model_dir = str(model_dir)
    prefs.python_path = ""
    return bpy.context.scene, prefs


def disable_addon() -> None:
    """Stop a generation still running (so no worker outlives its test), then disable the add-on."""
    import addon_utils
    from dualtalk.dualtalk_blender.addon import ui_run

    if ui_run.ACTIVE is not None:
        ui_run.ACTIVE.cancel()
        ui_run.ACTIVE = None
    addon_utils.disable(ADDON, default_set=True)


def addon_assets(folder: Path) -> dict[str, Path]:
    """A 2 s two-voice dialogue, a tiny lite checkpoint and an (empty) model folder."""
    return {
        "wav": write_dialogue_wav(folder / "dialogue.wav"),
        "ckpt": write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def two_characters():
    a = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    b = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    return a, b


def write_dialogue_wav(path: Path, seconds: float = 2.0) -> Path:
    """A plays a tone in the first half, B in the second half (left = A, right = B)."""
    sr = 16000
    t = np.arange(int(seconds * sr)) / sr
    half = seconds / 2
    a = np.where(t < half, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= half, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    sf.write(str(path), np.stack([a, b], 1).astype(np.float32), sr)
    return path


def write_two_second_take(folder: Path) -> Path:
    """A 2 s take's motion files (``A.npz``, ``B.npz``) in ``folder``: A speaks the first second,
    B the second one; the mouths move a little everywhere."""
    from dualtalk.inference.core.motion import Motion, save_motion

    folder.mkdir(exist_ok=True)
    t = np.arange(50)[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        speaking = (np.arange(50) < 25) if role == "A" else (np.arange(50) >= 25)
        save_motion(
            folder / f"{role}.npz", Motion("arkit55", values, speaking=speaking, role=role, engine="lite")
        )
    return folder


def write_tiny_lite(path: Path) -> Path:
    """Random weights of a very small lite model: exercises the real engine path quickly."""
    import torch
    from dualtalk.inference.models.lite.model import LiteConfig, LiteDualTalk, save_lite

    torch.manual_seed(0)
    model = LiteDualTalk(
        LiteConfig(n_mels=16, audio_dim=16, dim=16, heads=2, lstm_hidden=8, interaction_layers=1)
    )
    return save_lite(model, path)


def scene_fingerprint(scene) -> dict:
    """Everything a DualTalk run may change, to prove a failed/cancelled run changed nothing."""
    objs = {}
    for obj in bpy.data.objects:
        keys = obj.data.shape_keys if obj.type == "MESH" else None
        objs[obj.name] = (
            obj.animation_data.action.name if obj.animation_data and obj.animation_data.action else None,
            keys.animation_data.action.name
            if keys and keys.animation_data and keys.animation_data.action
            else None,
            tuple(round(kb.value, 6) for kb in keys.key_blocks) if keys else (),
            tuple(obj.rotation_euler),
        )
    se = scene.sequence_editor
    return {
        "objects": objs,
        "actions": sorted(a.name for a in bpy.data.actions),
        "markers": sorted((m.name, m.frame) for m in scene.timeline_markers),
        "strips": sorted(s.name for s in se.strips) if se else [],
        "range": (scene.frame_start, scene.frame_end),
    }


def setup_panel(scene, a, b, audio: Path, checkpoint: Path) -> None:
    s = scene.dualtalk
    s.char_a, s.char_b = a, b
    s.audio_form = "STEREO"
    s.audio = str(audio)
    s.engine = "auto"  # the checkpoint's network
    s.checkpoint = str(checkpoint)
    s.device = "cpu"
    s.rounds = 1


# -- runs and processes, as the add-on tests drive them without Blender's event loop --


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie nobody reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def process_gone(pid: int, within: float = 10.0) -> bool:
    """Whether ``pid`` has ended within ``within`` seconds."""
    import time

    end = time.monotonic() + within
    while process_alive(pid) and time.monotonic() < end:
        time.sleep(0.05)
    return not process_alive(pid)


def blender_ends_the_operator(run) -> None:
    """What Blender does to the running Generate operator when a file is opened: its ``cancel``."""
    from types import SimpleNamespace

    from dualtalk.operators import modal

    modal.JobOperator.cancel(SimpleNamespace(_job=run, _timer=None), bpy.context)


def follow_until_done(deadline_s: float = 180.0) -> None:
    """Run the persistent app timer as Blender's event loop would (the bpy module has none)."""
    import time

    from dualtalk.operators import modal

    end = time.monotonic() + deadline_s
    while modal.poll_followed() is not None:
        assert time.monotonic() < end, "the followed generation never ended"
        time.sleep(0.05)


def take_comes_back(run):
    """A started :class:`GenerationRun` polled until its worker is done, then finished: its outcome."""
    import time

    from dualtalk.dualtalk_blender.addon.worker_client import RUNNING

    deadline = time.monotonic() + 180
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.worker is not None and run.worker.state == "done", run.worker and run.worker.error
    return run.finish()


def recorded_settings(scene) -> dict:
    """What Generate's kept take records of the panel as it is now (``GenerationRun._origin``, the
    writer of ``result.json``): made in this file, for Alice and Bob."""
    from types import SimpleNamespace

    from dualtalk.dualtalk_blender.addon import panel_settings, ui_run

    run = SimpleNamespace(
        apply_opts=panel_settings.apply_options(scene.dualtalk),
        chosen=[SimpleNamespace(name="Alice"), SimpleNamespace(name="Bob")],
        blend_file=bpy.data.filepath,
        scene_name=scene.name,
        frame_start=scene.frame_start,
        moved_start=None,  # the take not slid in the NLA editor
    )
    return ui_run.GenerationRun._origin(run)


def range_done(scene, first: int, last: int):
    """Re-generate Preview Range pressed on frames ``first..last`` (a ``ui_run.GenerationRun``), its
    worker run to the end; the keying is left to the caller's ticks."""
    import time

    from dualtalk.dualtalk_blender.addon import ui_run
    from dualtalk.dualtalk_blender.addon.worker_client import RUNNING

    prefs = bpy.context.preferences.addons[ADDON].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs, frame_range=(first, last)).start()
    end = time.monotonic() + 180
    while run.step() == RUNNING:
        assert time.monotonic() < end, "the range's worker never ended"
        time.sleep(0.05)
    return run


# -- one Generate shared by a file's stories (the worker is most of an add-on story's time) --


def made_and_saved(path: Path, models: Path, make):
    """``make(scene)`` run in a fresh scene with the add-on enabled (it Generates what a module's
    stories start from), then the file saved to ``path``, read-only: the stories each open it or a
    copy (:func:`open_take`) instead of running the same workers again, and none can save over it.
    What ``make`` returns is returned. ``_PACE`` (what a take's keying teaches) is put back after,
    so no story sees this one's pace."""
    from dualtalk.dualtalk_blender.addon import ui_run

    pace = dict(ui_run._PACE)
    scene, _prefs = fresh_scene_with_addon(models)
    try:
        made = make(scene)
        bpy.ops.wm.save_as_mainfile(filepath=str(path))
    finally:
        disable_addon()
        ui_run._PACE.clear()
        ui_run._PACE.update(pace)
    path.chmod(0o444)
    return made


def generate_and_save(path: Path, assets: dict[str, Path], prepare=None) -> Path:
    """A take Generated on Alice and Bob (``prepare(scene, alice, bob)`` after the panel is set
    up), keyed to the end and saved to ``path`` (:func:`made_and_saved`)."""
    from dualtalk.dualtalk_blender.addon import ui_run

    def make(scene) -> None:
        a, b = two_characters()
        setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
        if prepare is not None:
            prepare(scene, a, b)
        prefs = bpy.context.preferences.addons[ADDON].preferences
        outcome = take_comes_back(ui_run.GenerationRun(scene, scene.dualtalk, prefs).start())
        assert outcome.ok, outcome

    made_and_saved(path, assets["models"], make)
    return path


def open_take(path: Path):
    """The saved take (:func:`generate_and_save`) opened, as an animator reopens the file the take
    was made in: ``(scene, alice, bob)``. Call it with the add-on enabled (the ``scene`` fixture)."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    return bpy.context.scene, bpy.data.objects["Alice"], bpy.data.objects["Bob"]


# -- one worker run per job and file (a file's keying stories wait on the same take) --

REPLAYER = Path(__file__).with_name("worker_replay.py")


def replay_workers(monkeypatch, records: Path) -> Path:
    """From now on the add-on's worker is started through ``worker_replay.py``: a job seen before in
    this file (``records``, one folder per module) is answered from its record by a child of its own
    (the same lines, exit code and files), a new one runs the real worker and is recorded. For the
    stories about what Blender does with a take, not about the engine. ``records/replayed.log``
    lists the jobs answered from a record."""
    import sys

    from dualtalk.dualtalk_blender.addon import worker_client

    real = worker_client.worker_command

    def command(job_path, python=None) -> list[str]:
        return [sys.executable, str(REPLAYER), str(records), "--", *real(job_path, python)]

    records.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(worker_client, "worker_command", command)
    return records
