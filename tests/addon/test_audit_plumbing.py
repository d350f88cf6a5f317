"""The add-on's plumbing as an animator meets it: settings changed while Generate runs, junk from
the worker's interpreter, refused runs, and an interpreter that is not a Python at all."""

from __future__ import annotations

import glob
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import saved_takes, state, take_sound, ui_run
from dualtalk.dualtalk_blender.addon.worker_client import CRASHED, DONE, RUNNING, WorkerProcess


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plumbing")
    return {
        "take1": ah.write_dialogue_wav(folder / "take1.wav", seconds=3.0),
        "take2": ah.write_dialogue_wav(folder / "take2.wav", seconds=4.0),
        "take2_b": ah.write_dialogue_wav(folder / "take2_b.wav", seconds=4.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def _prefs():
    return bpy.context.preferences.addons["dualtalk"].preferences


def _run_to_end(run: ui_run.GenerationRun, deadline_s: float = 180.0) -> str:
    end = time.monotonic() + deadline_s
    while run.step() == RUNNING:
        assert time.monotonic() < end, "the generation never ended"
        time.sleep(0.05)
    return run.finish().message


def _played(scene) -> list[tuple[str, str]]:
    """(strip name, file it plays) for each sound strip."""
    return [
        (st.name, Path(bpy.path.abspath(st.sound.filepath)).name)
        for st in sorted(scene.sequence_editor.strips, key=lambda st: st.name)
    ]


# 3. a setting changed while Generate runs ----------------------------------------------------


def test_the_sound_strip_plays_the_recording_the_take_was_made_from(scene, assets):
    """The animator generated 1.0-2.5 s of take1.wav and, while it ran, prepared the next shot:
    Two files, take2.wav and take2_b.wav, no part. The strip used to play take2 under take1's lips."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["take1"], assets["ckpt"])
    s = scene.dualtalk
    s.use_range, s.start, s.end = True, 1.0, 2.5
    run = ui_run.GenerationRun(scene, s, _prefs()).start()
    s.audio_form, s.audio, s.audio_b = "TWO_FILES", str(assets["take2"]), str(assets["take2_b"])
    s.use_range = False

    message = _run_to_end(run)

    assert message.startswith("DualTalk: animated") and "1 sound strip" in message, message
    assert _played(scene) == [("DualTalk dialogue", "take1.wav")]
    (strip,) = scene.sequence_editor.strips
    fps = scene.render.fps / scene.render.fps_base
    assert strip.frame_final_start == scene.frame_start  # the part asked for: from 1.0 s ...
    assert strip.frame_start == scene.frame_start - round(1.0 * fps)
    assert strip.frame_final_duration == round(1.5 * fps)  # ... to 2.5 s


def test_sound_strip_turned_on_mid_run_does_not_place_one(scene, assets):
    """*Sound strip* was off when Generate was pressed and ticked while it ran: the take is keyed
    as it was asked for (no strip; the earlier take's strip removed), as the status line says."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["take1"], assets["ckpt"])
    s = scene.dualtalk
    s.sound_strip = False
    take_sound.place_sound_strips(scene, take_sound.TakeSound.of_panel(s), 0.0, 1)  # the earlier take's strip
    run = ui_run.GenerationRun(scene, s, _prefs()).start()
    s.sound_strip = True

    message = _run_to_end(run)

    assert "no sound strip" in message and "removed the earlier take's sound strip" in message, message
    assert list(scene.sequence_editor.strips) == []


def test_a_kept_take_places_its_own_recording(scene, assets, tmp_path):
    """A take kept on disk (its character was deleted while it generated) names the recording it
    was made from; Apply Saved Take places that one, not the file the panel names now."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["take1"], assets["ckpt"])
    s = scene.dualtalk
    run = ui_run.GenerationRun(scene, s, _prefs()).start()
    end = time.monotonic() + 180
    while run.step() == RUNNING:
        assert time.monotonic() < end
        time.sleep(0.05)
    assert run.worker is not None and run.worker.state == DONE
    saying = run._kept("choose the characters")  # what the deleted-character path keeps
    run.cleanup()
    folder = saying.split("directory=")[1].rstrip(")").strip("'")
    try:
        s.audio = str(assets["take2"])
        message = saved_takes.apply_take(scene, s, folder, _prefs())
        assert "1 sound strip" in message, message
        assert _played(scene) == [("DualTalk dialogue", "take1.wav")]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# 4. junk from the worker's interpreter, and a job that raises while polled --------------------


def _junk_then_python(folder: Path) -> str:
    """An "interpreter" that prints JSON-looking junk before the protocol starts (a wrapper script,
    a sitecustomize in the venv), then runs the real worker."""
    junk = folder / "junk.txt"
    junk.write_text(
        '{"event": ' + "[" * 100_000 + "\n"  # too deep for json: RecursionError
        '{"event": "progress", "fraction": 1' + "0" * 5000 + "}\n"  # an integer too long to read
        '{"event": "progress", "stage": "x", "fraction": 1' + "0" * 400 + "}\n"  # too big for a float
    )
    exe = folder / "wrapped_python"
    exe.write_text(f'#!/bin/sh\ncat "{junk}"\nexec "{sys.executable}" "$@"\n')
    exe.chmod(0o755)
    return str(exe)


def _run_folders() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "dualtalk_run_*")))


def test_junk_json_before_the_protocol_is_ignored(scene, assets, tmp_path, private_tmp):
    """The venv's wrapper printed a deeply nested JSON-looking line: Generate used to end in a
    traceback and stay "running" for good. The junk is not an event; the take comes back."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["take1"], assets["ckpt"])
    _prefs().python_path = _junk_then_python(tmp_path)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and status.last.startswith("DualTalk: animated"), status.last
    assert _run_folders() == set()
    assert bpy.ops.dualtalk.generate.poll()


def _break_polling(scene, assets, monkeypatch) -> list[int]:
    """Generate whose polling raises something nobody foresaw (a bug); returns the list that
    collects the pids of its workers."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["take1"], assets["ckpt"])
    pids: list[int] = []

    def broken_step(run: ui_run.GenerationRun) -> str:
        assert run.worker is not None
        pids.append(run.worker.pid or 0)
        raise KeyError("stage")

    monkeypatch.setattr(ui_run.GenerationRun, "step", broken_step)
    return pids


def _cleaned_up(pids: list[int]) -> None:
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running
    assert status.last.startswith("DualTalk: generation stopped by an internal error (KeyError"), status.last
    assert "\n" not in status.last
    assert pids and not any(ah.process_alive(pid) for pid in pids)
    assert _run_folders() == set()
    assert ui_run.ACTIVE is None and bpy.ops.dualtalk.generate.poll()


def test_an_error_while_polling_generate_ends_it_cleanly(scene, assets, monkeypatch, private_tmp):
    """Headless Generate (the poll loop): one line, no worker, no temp folder, Generate usable."""
    pids = _break_polling(scene, assets, monkeypatch)
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match="internal error"):
        bpy.ops.dualtalk.generate()  # an ERROR report is raised by bpy.ops
    _cleaned_up(pids)


def test_an_error_in_the_modal_timer_ends_the_job_cleanly(scene, assets, monkeypatch, private_tmp):
    """Interactive Generate (the window timer): the modal used to die with the job running."""
    from dualtalk.operators import modal

    pids = _break_polling(scene, assets, monkeypatch)
    run = ui_run.GenerationRun(scene, scene.dualtalk, _prefs()).start()
    said: list[str] = []
    op = SimpleNamespace(_job=run, _timer=None, task="generate", report=lambda _kind, text: said.append(text))
    op._failed = lambda context, exc: modal.JobOperator._failed(op, context, exc)

    assert modal.JobOperator.modal(op, bpy.context, SimpleNamespace(type="TIMER")) == {"CANCELLED"}
    assert said == [bpy.context.window_manager.dualtalk_status.last]
    _cleaned_up(pids)


def test_an_error_in_a_followed_job_ends_it_cleanly(scene, assets, monkeypatch, private_tmp):
    """A generation followed after another file was opened, whose polling raises: stopped too."""
    from dualtalk.operators import modal

    pids = _break_polling(scene, assets, monkeypatch)
    modal.follow_after_close(ui_run.GenerationRun(scene, scene.dualtalk, _prefs()).start())
    assert modal.poll_followed() is None
    _cleaned_up(pids)


# 5. a refused job replaces the status line ---------------------------------------------------


def test_a_refused_generate_replaces_the_last_success(scene, assets, tmp_path):
    """After a good take the animator points Audio at a file that is not there: the line under
    the button used to keep saying "animated ..." as if the second Generate had worked."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["take1"], assets["ckpt"])
    status = bpy.context.window_manager.dualtalk_status
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        assert status.last.startswith("DualTalk: animated")
        scene.dualtalk.audio = str(tmp_path / "take_07.wav")
        with pytest.raises(RuntimeError, match="audio file not found"):
            bpy.ops.dualtalk.generate()
    assert status.last == f"DualTalk: audio file not found: {tmp_path / 'take_07.wav'}"
    assert not status.running and bpy.ops.dualtalk.generate.poll()


def test_a_refusal_leaves_a_running_download_alone(scene, assets, tmp_path, monkeypatch):
    """A download still runs when Generate is refused: its progress bar stays, only the line changes."""
    from dualtalk.operators import modal

    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, tmp_path / "take_07.wav", assets["ckpt"])
    download = SimpleNamespace(task="download")
    monkeypatch.setitem(modal._LIVE, id(download), (download, None))
    state.set_status(
        bpy.context, running=True, task="download", fraction=0.4, message="12 MB", last="DualTalk: animated"
    )
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match="audio file not found"):
        bpy.ops.dualtalk.generate()
    status = bpy.context.window_manager.dualtalk_status
    assert (status.running, status.task, status.message) == (True, "download", "12 MB")
    assert status.last.startswith("DualTalk: audio file not found")


def test_a_refused_download_replaces_the_line(scene):
    """Online access off: the refusal is the preferences' line, not the last Generate's success."""
    online = bpy.context.preferences.system.use_online_access
    bpy.context.preferences.system.use_online_access = False
    state.set_status(bpy.context, running=False, last="DualTalk: animated lite engine, 48 frames")
    try:
        with pytest.raises(RuntimeError, match="online access"):
            bpy.ops.dualtalk.download(what="CHECKPOINT")
    finally:
        bpy.context.preferences.system.use_online_access = online
    status = bpy.context.window_manager.dualtalk_status
    assert status.last.startswith("DualTalk: online access is disabled") and not status.running


# 6. an interpreter that is not a Python ------------------------------------------------------


@pytest.mark.parametrize("program", ["/bin/true", "/bin/false"])
def test_a_program_that_is_not_a_python_is_named(scene, assets, program):
    """*Python with torch* picked wrong in the file browser: Generate used to say only "the worker
    crashed (exit code 0)"; now it names the program and where to change it."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["take1"], assets["ckpt"])
    _prefs().python_path = program
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError):
        bpy.ops.dualtalk.generate()
    last = bpy.context.window_manager.dualtalk_status.last
    assert last.startswith(f"DualTalk: {program} did not behave like a Python running DualTalk's worker")
    assert "Check Python" in last and "crashed" not in last


def test_a_python_that_crashes_still_says_why(tmp_path):
    """A real interpreter dying with its last words keeps the crash message (not blamed as "not a
    Python")."""
    fake = tmp_path / "dying"
    fake.write_text("#!/bin/sh\necho 'Fatal Python error: boom' >&2\nexit 3\n")
    fake.chmod(0o755)
    w = WorkerProcess(tmp_path / "job.json", python=str(fake)).start()
    assert w.wait(60) == CRASHED
    assert w.error == "the worker crashed (exit code 3): Fatal Python error: boom"
