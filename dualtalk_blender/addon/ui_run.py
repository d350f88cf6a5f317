"""What the panel's Generate and Cancel buttons do, kept out of the operators.

A :class:`GenerationRun` turns the panel settings into a worker job, starts the worker
(:mod:`.worker_client`), is polled by the modal operator's timer, and only when the
worker succeeded reads the two motion files back and keys both characters, the turn
markers and the sound strips -- all inside the operator's single undo step. Cancel or a
failed worker leaves the scene exactly as it was.

The run's parts live beside it: :mod:`.panel_settings` (the settings read into the worker job and
the keying options), :mod:`.preflight` (refused before the worker starts), :mod:`.preview_range`
(Re-generate Preview Range), :mod:`.take_keying` (a finished take keyed), :mod:`.take_sound` (its
sound strips), :mod:`.saved_takes` (takes kept on disk, Apply Saved Take), :mod:`.pickers` (what
the character pickers offer and draw) and :mod:`.panel_fbx` (Export FBX). :func:`set_panel` stays
importable from here, as docs/scripting.md shows it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

import bpy

from ...inference.core.errors import DualTalkError
from ..rig.options import AUTO
from ..scene.deleted_parts import deleted_warnings
from ..scene.held_data import held, lost
from ..scene.paths import abspath
from ..scene.steps import Steps
from . import worker_client
from .job import Outcome
from .panel_settings import apply_options, build_job, check_characters, ignored_settings, model_dir
from .panel_settings import set_panel as set_panel  # documented for scripts here (docs/scripting.md)
from .pickers import in_scene_uid, qualifies
from .preflight import preflight, scene_warnings
from .preview_range import (
    PANEL_OFFSET,
    check_recording_reaches,
    plan_panel_range,
    range_options,
    range_take_gone,
)
from .saved_takes import keep_take, reading_said
from .take_keying import KeyedTake, key_into_scene_steps
from .take_sound import TakeSound, lasting_copy
from .worker_client import CANCELLED, DONE, RUNNING, WorkerProcess

# The run in progress (one at a time per Blender session); the Cancel operator reaches it here.
ACTIVE: GenerationRun | None = None


def generation_running() -> bool:
    """Whether a DualTalk generation runs now (one at a time per Blender session): its worker, or
    the modal's keying of its take, which lets Blender redraw and hear Esc between its steps."""
    return ACTIVE is not None and (ACTIVE.running or ACTIVE.keying)


# The last stretch of a Generate's progress bar: keying the take into the scene, on Blender's UI
# thread once the worker is done (the worker's stages fill the rest, ``WorkerProcess.overall``).
KEYING_SHARE = 0.15
KEYING = "keying the take…"
KEYED = "the take is keyed; finishing"  # between the keying tick and the line (Esc takes it off again)
# What keying costs on Blender's UI thread, in seconds per scene frame, with eye contact aimed (the
# heads read back from the scene) and without: measured on a 10-minute take (15,000 frames: 3.2 and
# 0.85 CPU-s after 6c32855; 20 minutes: 4.5 CPU-s aimed), a little more for a busier machine, then
# learnt from each take of a minute or more this session keys (:func:`_learn_pace`).
_PACE = {True: 2.5e-4, False: 8e-5}
SAY_SECONDS = 1.5  # a keying expected to take less is not timed in the status line
# A keying tick runs the take's next steps (:func:`..scene.apply.apply_dialogue_steps`) while it has
# run less than this, then returns to Blender: a take expected to key in under SAY_SECONDS keys in
# one tick, a long one in steps of at most about half a second each (a character's keys, a few
# hundred readings of the heads).
TICK_SECONDS = 0.1
# A re-generated range's frame costs about this many of a whole take's (it reads and rewrites keys
# around its frames, twice with eye contact: a 2-minute range of a 10-minute take, 6 CPU-s for 3,108
# frames, against 3 CPU-s for a 15,000-frame take), so a range is not keyed "quickly" in one tick
RANGE_COST = 8.0
PACE_FROM_FRAMES = 1500  # a take this long (a minute) or longer teaches the pace


class GenerationRun:
    """One Generate click (a :class:`~.job.Job`): worker job in a temp folder, polled by a timer,
    applied on success."""

    task = "generate"
    # Keying in the modal's steps (:meth:`advance`): under way; the take keyed, its line still to
    # say; an end decided there; Esc (or Cancel) heard meanwhile; the scene held no DualTalk take,
    # marker or strip before (Remove Take then puts it back exactly); the status line's estimate and
    # what it was made from, once read
    keying = False
    _keyed: KeyedTake | None = None
    _ended: Outcome | None = None
    _stop_keying = False
    _undoable = False
    _steps: Steps[KeyedTake] | None = None  # the keying's steps once begun, until they end
    _said: _KeyingProgress | None = None  # how far they are
    _spent = 0.0  # seconds the keying's steps have run so far (the pace learnt)
    _estimate: str | None = None
    _measured: tuple[int | None, bool] | None = None
    # what the keying steps held when Blender last ran (:func:`..scene.held_data.held`), told again after
    _held: dict[tuple[Any, ...], str] | None = None
    # Another file opened while it runs: it carries on (operators/modal.py follows it) and, as
    # the scene is gone when it ends, keeps the take in a folder of its own instead of losing it.
    outlives_file = True
    moved_start: int | None = None  # where a whole take goes after the animator slid the earlier one

    def __init__(
        self,
        scene: Any,
        settings: Any,
        prefs: Any = None,
        python: str | None = None,
        frame_range: tuple[int, int] | None = None,
        scripted: bool = True,
    ) -> None:
        """``scripted``: started by a script (the operator's execute), which may set values the panel
        hides behind an unticked toggle: :func:`ignored_settings` says so. From the panel's button
        (invoke) those values are hidden and left on purpose: nothing to say."""
        self.scene = scene
        self.settings = settings
        self.scene_uid = scene.session_uid
        # where Generate was pressed, for a take kept after that file was closed (_origin)
        self.blend_file, self.scene_name = bpy.data.filepath, scene.name
        self.frame_start = scene.frame_start  # where the take would be keyed, for a take kept later
        self.scene_fps = scene.render.fps / (scene.render.fps_base or 1.0)  # for the keying's estimate
        self._sounds_before: set[int] = set()  # the file's sounds before keying (a take off again)
        self.warned: list[str] = []  # the keyed take's warnings, for the Info editor
        self.prefs = prefs
        self.frame_range = frame_range
        self.range_plan: dict[str, Any] | None = None  # what a re-generated range was planned on
        self.notes: list[str] = []  # warnings found before the run, shown in the status line after it
        self.work_dir = Path(tempfile.mkdtemp(prefix="dualtalk_run_"))
        try:
            self.job = self._build_job(prefs)
            self.apply_opts = apply_options(settings, prefs)
            self.sound = TakeSound.of_job(self.job["audio"], bool(settings.sound_strip), settings)
            if frame_range is not None:
                self._plan_range(*frame_range)
            at_start: list[str] = []  # a character in another scene: said now, and after the run
            self.inspected = preflight(
                settings, self.apply_opts, scene=scene, audio=self.job["audio"], warnings=at_start
            )
            if frame_range is not None:  # a layer or curve the take lacks: refused before the engine runs
                from ..scene.range_ready import check_range_ready

                check_range_ready([report for report, _rig in self.inspected], self.apply_opts.head)
            # hidden in the panel, set by a script: said, not used
            ignored = ignored_settings(settings, regenerating=frame_range is not None) if scripted else []
            self.notes += ignored
            # a shape key or bone the playing take keys, deleted since: read now, as the take that
            # replaces it (or the range keyed into it) no longer keys the part; said again at the end
            gone = deleted_warnings(check_characters(settings))
            self.notes += gone
            self.warnings_at_start = ignored + scene_warnings(scene, takes=False) + at_start + gone
            # who was chosen, by session id (never reused, unlike a name or a freed pointer)
            self.chosen = tuple(_Chosen.of(obj, scene) for obj in check_characters(settings))
            # where a whole take would be keyed now that the animator slid the earlier one (the frame
            # Generate keys it from, :func:`..scene.moved_take.where_moved`), for a take kept later
            self.moved_start = self._moved_start(scene)
            self.python = python or self._python()
        except Exception:
            self.cleanup()
            raise
        self.worker: WorkerProcess | None = None

    def _moved_start(self, scene: Any) -> int | None:
        """The frame a whole take goes to where the animator slid the take the characters play (None:
        not slid, slid unevenly, a range, or a start frame set): what :meth:`_origin` records, so a take
        kept after a Generate that could not key goes where Generate would have put it (marks37)."""
        from ..scene.moved_take import where_moved

        if self.frame_range is not None:
            return None
        return where_moved(scene, self.apply_opts, check_characters(self.settings)).start

    def _build_job(self, prefs: Any) -> dict[str, Any]:
        """The worker job (:func:`build_job`); for a range whose audio the panel lacks or names wrongly
        (a .blend made by ``animate`` opens with an empty panel), the refusal says what the take was
        made from, as its record holds it: the form, the file names, its turns file and Speaker A."""
        try:
            return build_job(self.settings, self.work_dir, prefs)
        except DualTalkError as exc:
            if self.frame_range is None or not _AUDIO_FIELD.search(str(exc)):
                raise
            made = _take_made_from(self.scene, self.settings, self.frame_range)
            if not made:
                raise
            raise DualTalkError(f"{exc}: {made}") from None

    def _plan_range(self, first: int, last: int) -> None:
        """Re-generate only ``first..last`` of the take: the engine hears the audio around it, in the
        recording the take was made from where the take records it (``plan.audio``): without *Part of
        the recording* the take's own part; a Start/End, *Swap A/B* or recording that is not the
        take's is refused in one line, in ``animate --range``'s words (``scene/range_plan.take_part``,
        ``check_take_recording``). A take that records none uses the panel's Start/End, as before."""
        from ..rig.plan import range_offset_b
        from ..scene.range_plan import PANEL_WORDS, check_take_recording, made_from, take_part, take_speaker

        plan, self.range_plan = plan_panel_range(
            self.scene, self.settings, first, last, self.apply_opts.crossfade
        )
        audio = self.job["audio"]
        need = f"Re-generate Preview Range (frames {first}-{last})"
        record = plan.audio
        if record is None:  # as animate --range says it (commands/shot_range.py)
            self.notes.append(
                f"the take {plan.take!r} does not record which audio it was made from (keyed before takes "
                f"recorded it, or from motion files that do not say): {need} cannot check that the panel's "
                "audio and Part of the recording are the take's"
            )
            base = audio.get("start") or 0.0
            end = base + plan.audio_end
            end = end if audio.get("end") is None else min(end, audio["end"])
        else:
            base, take_end = take_part(record, audio.get("start"), audio.get("end"), need, PANEL_WORDS)
            end = min(base + plan.audio_end, take_end)
        audio["start"], audio["end"] = base + plan.audio_start, end
        if record is not None:  # B's file is read with the take's shift; another one is refused
            made = f"{need}: {made_from(record, PANEL_WORDS)}"
            audio["offset_b"] = range_offset_b(record, audio.get("offset_b"), made, PANEL_OFFSET)
        check_recording_reaches(audio, need)
        if record is not None:
            files = (audio.get("audio"), audio.get("audio_b"))
            self.notes += check_take_recording(record, files, bool(audio.get("swap")), need, PANEL_WORDS)
            speaker, said = take_speaker(
                record, audio.get("turns"), audio.get("speaker_a"), need, PANEL_WORDS
            )
            self.notes += said
            audio["speaker_a"] = speaker  # the take's label: A's and B's lips as in the take
            unused = self._take_settings(record) + self._take_lips(record)
        else:
            unused = []
        unused += self._take_keying()
        if unused:
            listed = ", ".join(unused)
            self.notes.append(f"the range was made with the take's own settings, not the panel's {listed}")
        range_options(self.apply_opts, self.range_plan)

    def _take_settings(self, record: dict[str, Any]) -> list[str]:
        """A range is made with the take's behaviour settings (its record's ``settings``), whatever
        the panel holds now: returns the panel values not used, in its words. A take that does not
        record them is re-generated with the panel's, as before, and says so."""
        from ..scene.range_plan import NO_SETTINGS, keyed_as_take, take_settings

        take = take_settings(record)
        if take is None:
            self.notes.append(f"the take {NO_SETTINGS}: the range used the panel's Seed, Mood and amounts")
            return []
        behaviour = self.job["behaviour"]
        unused = _panel_unused(behaviour, take)
        behaviour.update(take)
        keyed_as_take(self.apply_opts, take)
        return unused

    def _take_lips(self, record: dict[str, Any]) -> list[str]:
        """A range's lips are drawn with the take's lip release and rounding where it records them
        (a range drawn otherwise would show a seam): returns the panel values not used."""
        from ..scene.range_plan import LIP_WORDS, differing_lips, take_lips

        take = take_lips(record)
        if take is None:
            return []
        generate = self.job["generate"]
        said = [
            f"{LIP_WORDS[f][1]} {float(generate[f]):g} (the take's {take[f]:g})"
            for f in differing_lips(generate, take)
        ]
        generate.update(take)
        return said

    def _take_keying(self) -> list[str]:
        """A range is keyed with the take's keys, intensities, smoothing, head turn and side by side where
        the take records them (``scene/range_plan.take_keyed``): returns the panel values not used."""
        from ..scene.range_plan import keyed_differs, take_keyed

        take = take_keyed(check_characters(self.settings))
        if take is None:
            return []
        opts = self.apply_opts
        if opts.side_by_side == AUTO:  # the panel's "As the take": apply_dialogue makes it the take's (and
            take = {**take, "side_by_side": AUTO}  # a kept range records it as the panel has it): unsaid
        said = [_keyed_said(field, getattr(opts, field), take[field]) for field in keyed_differs(opts, take)]
        for field, value in take.items():
            setattr(opts, field, dict(value) if isinstance(value, dict) else value)
        return said

    def _python(self) -> str:
        from .deps import resolve_python

        if self.prefs is None:
            return sys.executable
        return resolve_python(abspath(self.prefs.python_path), model_dir(self.prefs))

    def start(self) -> GenerationRun:
        global ACTIVE
        if generation_running():
            self.cleanup()
            raise DualTalkError("a DualTalk generation is already running; cancel it first")
        try:
            job_path = worker_client.write_job(self.work_dir / "job.json", self.job)
            self.worker = WorkerProcess(job_path, python=self.python, env=self._worker_env()).start()
        except BaseException:  # a full disk or a worker that cannot start: no temp folder left behind
            self.cleanup()
            raise
        ACTIVE = self
        return self

    def _worker_env(self) -> dict[str, str]:
        """The worker's environment: this one, with its temp folder inside the run's folder
        (removed after every run), so what its libraries leave there (espeak-ng's copy of itself,
        flite's voice files) goes with the run though the worker is killed before it can clean up
        (the out-of-memory killer, Cancel's SIGKILL, Blender dying under it; review 33s)."""
        temp = self.work_dir / "tmp"
        temp.mkdir(exist_ok=True)
        return {**os.environ, "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)}

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.state == RUNNING

    @property
    def fraction(self) -> float:
        """How far the whole run is: the worker's stages, then keying the take (:data:`KEYING_SHARE`)."""
        return self.worker.overall * (1.0 - KEYING_SHARE) if self.worker else 0.0

    @property
    def message(self) -> str:
        return self.finishing or (self.worker.message if self.worker else "")

    @property
    def finishing(self) -> str | None:
        """What :meth:`result` (or :meth:`advance`) does next on Blender's UI thread, for the status
        line before it blocks: keying the take once the worker is done, named with its characters,
        frames and the seconds it is expected to take (Blender does not respond meanwhile); None while
        the worker runs or when it failed."""
        if self.worker is None or self.worker.state != DONE or self._ended is not None:
            return None
        if self._keyed is not None:
            return KEYED
        if self._steps is not None and self._said is not None:
            return self._keying_now(self._said)
        if self._estimate is None:
            self._estimate = self._keying_words()
        return self._estimate

    def _keying_words(self) -> str:
        """``keying the take onto Ava and Ben (15,000 frames, about 4 s; Blender does not respond
        until then)``, from the motion files' lengths and :data:`_PACE`; :data:`KEYING` for a result
        whose motion files cannot be read (the keying says why)."""
        frames, aiming = self._frames()
        if frames is None:
            return KEYING
        seconds = self._seconds(frames, aiming)
        if seconds < SAY_SECONDS:
            return f"{self._keying_what()} ({frames:,} frames)"
        return (
            f"{self._keying_what()} ({frames:,} frames, about {seconds:.0f} s; "
            "Blender does not respond until then)"
        )

    def _keying_what(self) -> str:
        """``keying the take onto Ava and Ben``; a range: ``re-generating frames 90-150 on Ava and Ben``
        (its line said "keying the take" over a take Esc "puts back as it was": as if the whole take
        were being replaced)."""
        names = " and ".join(chosen.name for chosen in self.chosen)
        if self.frame_range is not None:
            return f"re-generating frames {self.frame_range[0]}-{self.frame_range[1]} on {names}"
        return f"keying the take onto {names}"

    def _seconds(self, frames: int, aiming: bool) -> float:
        """How long keying ``frames`` scene frames is expected to take on this Blender (a range's
        frame costs :data:`RANGE_COST` of a take's)."""
        return frames * _PACE[aiming] * (RANGE_COST if self.frame_range is not None else 1.0)

    def _keying_now(self, said: _KeyingProgress) -> str:
        """The line between two keying steps: ``keying the take onto Ava and Ben: 40 % (aiming the eyes:
        frame 6,000/15,000); Esc takes it off again`` (Esc over an earlier take keys it to the end)."""
        what = f" ({said.message})" if said.message else ""
        esc = (
            "; Esc takes it off again"
            if self._undoable
            else "; Esc puts the take back as it was"
            if self.frame_range is not None
            else ""
        )
        return f"{self._keying_what()}: {int(100 * said.fraction)} %{what}{esc}"

    def _frames(self) -> tuple[int | None, bool]:
        """The scene frames the take keys (its longer motion at the scene's rate), and whether eye
        contact is aimed (the slower keying); (None, False) when the motion files cannot be read."""
        if self._measured is None:
            self._measured = self._read_frames()
        return self._measured

    def _read_frames(self) -> tuple[int | None, bool]:
        from ...inference.core.motion import load_motion

        result = self.worker.result if self.worker is not None else None
        try:
            motions = [load_motion(result[key]) for key in ("a", "b")]  # type: ignore[index]
        except Exception:  # missing, of another shape: the keying refuses it in its own words
            return None, False
        frames = max(round(m.num_frames * self.scene_fps / m.fps) for m in motions)
        aiming = bool(self.apply_opts.gaze) and any(m.gaze_target is not None for m in motions)
        return frames, aiming

    def step(self) -> str:
        """Poll the worker; returns its state (running / done / error / cancelled / crashed)."""
        assert self.worker is not None
        self.worker.poll()
        return self.worker.state

    def poll(self) -> bool:
        return self.step() == RUNNING

    @property
    def progress(self) -> tuple[float, str]:
        if self._keyed is not None:
            return 1.0 - KEYING_SHARE * 0.1, self.message
        if self._steps is not None and self._said is not None:  # the keying's own share, as it goes
            return 1.0 - KEYING_SHARE * (1.0 - 0.9 * self._said.fraction), self.message
        return self.fraction, self.message

    def result(self) -> Outcome:
        return self.finish()

    def cancel(self) -> None:
        """Stop the worker; while the modal keys the take (:meth:`advance` began: the Cancel button
        pressed while Blender keyed), as Esc does (:meth:`cancel_keying`). A take whose worker is done
        and that no modal keys yet (the add-on disabled meanwhile) is still keyed by :meth:`result`."""
        if self.worker is not None:
            self.worker.cancel()
        if self.keying:
            self._stop_keying = True

    def cancel_keying(self) -> None:
        """Esc while the modal keys the take (:meth:`advance`): not keyed yet, nothing will be; keyed,
        :meth:`result` takes it off again where that leaves the scene exactly as it was."""
        self._stop_keying = True

    def advance(self) -> bool:
        """The modal's keying tick, once the worker is done and the status line says what comes
        (:attr:`finishing`): runs the take's next keying steps (:meth:`_step`) for about
        :data:`TICK_SECONDS` (Blender is busy meanwhile: the mouse cursor shows how far it is) and
        returns True, so the modal returns to Blender, which redraws (the status line says how far
        the keying is) and delivers an Esc pressed meanwhile; the tick after the last step returns
        False and :meth:`result` says the line. False also when there is nothing to key (the
        worker failed, or the keying ended or was refused)."""
        import time

        if self.worker is None or self.worker.state != DONE or self._stop_keying:
            return False
        if self._keyed is not None or self._ended is not None:
            return False
        self.keying = True
        frames, aiming = self._frames()
        quick = frames is None or self._seconds(frames, aiming) < SAY_SECONDS  # keyed in one tick
        t0 = time.perf_counter()
        while self._keyed is None and self._ended is None:
            self._step()
            if not quick and time.perf_counter() - t0 >= TICK_SECONDS:
                break
        if self._steps is not None:  # back to Blender, which runs scripts: told again at the next step
            self._held = self._holding()
        return self._ended is None

    def finish(self) -> Outcome:
        """After the worker stopped: apply on success (scene changes happen only here and in
        :meth:`advance`), clean up. An Esc between two keying steps on a scene that held none of
        DualTalk's stops there and takes off what was keyed (:meth:`_taken_off`); over an earlier take
        (its layers are rewritten in place: nothing to go back to) the steps run to the end."""
        global ACTIVE
        assert self.worker is not None
        try:
            self._run_out()
            if self._ended is not None:
                return self._ended
            assert self._keyed is not None
            return self._conclude(self._keyed)
        finally:
            if ACTIVE is self:
                ACTIVE = None
            _hold_saves(False)
            self.keying = False
            self.cleanup()

    def _step(self) -> None:
        """The keying's next step (the first begins it: :meth:`_keying_or_end`); at its end the keyed
        take, or the outcome that ends the run."""
        import time

        t0 = time.perf_counter()
        try:
            if self._steps is not None and self._scene_now() is None:  # another file opened between steps
                steps, self._steps = self._steps, None
                steps.close()  # nothing of the heads' reading is on between steps; the range is not put back
                self._ended = Outcome(
                    False,
                    "DualTalk: the scene was closed while its take was keyed"
                    + self._kept("choose the characters in a scene", closed=True),
                )
                return
            if self._steps is not None and self._gone():  # a character deleted between two steps
                self._stop_gone()
                return
            changed = self._changed() if self._steps is not None else None
            if changed is not None:  # its shape keys, rig or their animation gone between two steps
                self._stop_gone(changed)
                return
            if self._steps is None:
                got = self._keying_or_end()
                if isinstance(got, Outcome):
                    self._ended = got
                    return
                self._steps = got
                _hold_saves(True)
            keyed = self._next(self._steps)
            if keyed is None:
                return
            self._keyed = keyed
            if keyed.sound is not None:  # the copy its strips play of a file inside the extension
                self.sound = keyed.sound
            if self.frame_range is None:  # a range's pace is not a take's (RANGE_COST)
                _learn_pace(keyed.frames, self._spent + time.perf_counter() - t0, self._frames()[1])
        except BaseException:  # a bug outside the keying's own guard: ended, never keyed twice
            self._steps = None
            self._ended = Outcome(
                False, "DualTalk: internal error while applying; details in the system console"
            )
            raise
        finally:
            self._spent += time.perf_counter() - t0

    def _next(self, steps: Steps[KeyedTake]) -> KeyedTake | None:
        """Run one step of ``steps``: the keyed take after the last, else None (an end that refused
        the take, in its words, goes to :attr:`_ended`)."""
        assert self._said is not None
        ended: Outcome | None = None
        with _CursorProgress(self._said):
            try:
                next(steps)
                return None
            except StopIteration as done:
                self._steps = None
                return cast(KeyedTake, done.value)
            except DualTalkError as exc:
                kept = "" if self._never_keyable(str(exc)) else self._kept("fix that")
                ended = Outcome(False, f"DualTalk: {exc}{kept}")
            except Exception as exc:  # a bug while keying: still one clear line, never a dead modal
                import traceback

                traceback.print_exc()
                ended = Outcome(
                    False, f"DualTalk: internal error while applying ({type(exc).__name__}: {exc})"
                )
        self._steps, self._ended = None, ended
        return None

    def _stop_steps(self) -> None:
        """Esc between two keying steps of a take on a scene that held none of DualTalk's: no step
        more, and what the steps keyed so far taken off again (:meth:`_taken_off`)."""
        steps, self._steps = self._steps, None
        if steps is not None:
            steps.close()  # the scene's range as it was; nothing of the heads' reading is left on
        self._ended = self._taken_off() or Outcome(
            False,
            "DualTalk: cancelled while keying; what was keyed stays (its scene or a character is gone)",
            cancelled=True,
        )

    def _stop_range(self) -> None:
        """Esc between two keying steps of a re-generated range: no step more, and closing the steps
        puts the take back as it was before the range (:func:`..scene.range_keys.kept_on_failure`)."""
        steps, self._steps = self._steps, None
        if steps is not None:
            steps.close()
        self._ended = Outcome(
            False, "DualTalk: cancelled while keying the range; the take is as it was before", cancelled=True
        )

    def _holding(self) -> dict[tuple[Any, ...], str]:
        """What the keying steps may touch on the characters chosen (found alive by :meth:`_gone`)."""
        found = [(role, chosen.find()) for role, chosen in zip("AB", self.chosen, strict=True)]
        return held((role, obj) for role, obj in found if obj is not None)

    def _changed(self) -> str | None:
        """What of the characters' data the steps held when Blender last ran (:meth:`advance`'s end)
        went meanwhile (their shape keys cleared, their rig deleted, the shape keys' animation
        cleared...), or None. Told once: the steps that follow in the same tick run with no script
        between them."""
        before, self._held = self._held, None
        return None if before is None else lost(before, self._holding())

    def _stop_gone(self, what: str | None = None) -> None:
        """A character deleted (or moved, or stripped of its face), or data of it that the steps hold
        gone (``what``: its shape keys, rig, animation), between two keying steps, from the Python
        console or a script: no step more (the next one failed inside Blender's data: "internal error
        ... 'NoneType' object is not subscriptable", or crashed Blender on freed data), and one line
        that says what happened and what the scene holds: a range's take is put back as it was; a
        whole take keeps what was keyed."""
        if what is None:
            what = "; ".join(w.replace(" while generating", "") for _role, w in self._gone())
        self._held = None
        steps, self._steps = self._steps, None
        if steps is not None:
            steps.close()  # a range: the take put back (kept_on_failure); a take: what was keyed stays
        if self.frame_range is not None:
            done = "the range was not keyed and the take is as it was before"
        else:
            done = "keying stopped; what was keyed so far stays (Remove Take takes it off)"
        self._ended = Outcome(
            False, f"DualTalk: {what} while keying; {done}" + self._kept("choose the characters")
        )

    def settle_before_save(self) -> None:
        """The file is about to be saved while the take is keyed in steps (a script's or a timer's save:
        the panel holds the animator's own): the file must not get a half-made take (a range's heads
        read on un-turned keys, a take on one character only), so the steps run to the end now and the
        next tick says the usual line; an Esc already pressed closes them instead, as it would."""
        if self._steps is None or self._keyed is not None or self._ended is not None:
            return
        self._run_out()

    def _run_out(self) -> None:
        """The keying to its end now: an Esc pressed between two steps closes them instead, taking off
        what a first take keyed (:meth:`_stop_steps`) or putting a range's take back
        (:meth:`_stop_range`); over an earlier take the steps run to the end."""
        if self._steps is not None and self._stop_keying and self._undoable:
            self._stop_steps()
        elif self._steps is not None and self._stop_keying and self.frame_range is not None:
            self._stop_range()
        while self._keyed is None and self._ended is None:
            self._step()

    def _keying_or_end(self) -> Steps[KeyedTake] | Outcome:
        """The steps that key a finished worker's take into the scene it was made for; the outcome
        instead where the run ends without it (cancelled, failed, its scene or characters gone)."""
        assert self.worker is not None
        state = self.worker.state
        if state == CANCELLED:
            return Outcome(False, "DualTalk: cancelled; the scene was not changed", cancelled=True)
        if state != DONE:
            return Outcome(False, f"DualTalk: {self.worker.error}")
        # Another file was opened (or the scene deleted) meanwhile: our scene and settings
        # pointers are dangling, and touching them would crash Blender. Look the scene up by its
        # session id (never reused, unlike a freed pointer) instead of dereferencing it.
        scene = self._scene_now()
        if scene is None:
            return Outcome(
                False,
                "DualTalk: the scene was closed or deleted during generation; nothing was applied"
                + self._kept("choose the characters in a scene", closed=True),
            )
        # an undo meanwhile reloads the scene's settings into new memory: read them afresh
        settings = getattr(scene, "dualtalk", None)
        if settings is None:  # the add-on is being disabled: nothing can be keyed, the take is kept
            message = (
                "DualTalk: the add-on was disabled before the take was keyed; nothing was applied"
                + self._kept("enable the add-on again", named_in=scene)
            )
            print(message)  # no status line is left to show it
            return Outcome(False, message)
        self.scene, self.settings = scene, settings
        if self._stop_keying:  # Esc (or Cancel) after the worker was done, before Blender keyed
            return Outcome(
                False, "DualTalk: cancelled before keying; the scene was not changed", cancelled=True
            )
        gone = self._gone()
        if gone:  # refused before keying either character: the partner is not half-animated
            roles = " and ".join(role for role, _what in gone)
            what = " and ".join(what for _role, what in gone)
            pick = f"choose character{'s' if len(gone) > 1 else ''} {roles}"
            return Outcome(False, f"DualTalk: {what}, so neither character was keyed" + self._kept(pick))
        characters = (self.chosen[0].find(), self.chosen[1].find())  # found alive by _gone
        if self.range_plan is not None:
            removed = range_take_gone(characters, self.range_plan)
            if removed:  # a range re-does part of that take: it could never be keyed, keep nothing
                return Outcome(
                    False,
                    f"DualTalk: the take this range re-does was {removed} while generating; "
                    "nothing was applied",
                )
        self._undoable = self.frame_range is None and _untouched(scene, characters)
        self._sounds_before = {sound.session_uid for sound in bpy.data.sounds}
        self.warned = []
        self._said = _KeyingProgress()
        return self._apply(self._result(), characters, self.warned, self._said)

    def _scene_now(self) -> Any | None:
        """The run's scene, found by its session id (None once closed or deleted)."""
        return next((sc for sc in bpy.data.scenes if sc.session_uid == self.scene_uid), None)

    def _conclude(self, keyed: KeyedTake) -> Outcome:
        """The keyed take's end: its line (the words' text written), or, after an Esc heard while
        Blender keyed, the take off again (:meth:`_take_off`)."""
        if self._scene_now() is None:  # another file opened between the keying and its line
            return Outcome(
                False,
                "DualTalk: the scene was closed right after the take was keyed, and the keys went with it"
                + self._kept("choose the characters in a scene", closed=True),
            )
        if self._stop_keying:
            return self._take_off(keyed)
        return Outcome(True, keyed.line(), warnings=tuple(self.warned))

    def _take_off(self, keyed: KeyedTake) -> Outcome:
        """Esc came while Blender keyed (it is heard once the keying step returns): where the scene
        held no DualTalk take, marker or sound strip before, Remove Take puts it back exactly as it
        was (the sound it loaded goes too); else the take stays (Remove Take would also take off the
        take it replaced) and the line says that Undo puts the scene back as it was."""
        off = self._taken_off()
        if off is not None:
            return off
        line = keyed.line().removeprefix("DualTalk: ")
        return Outcome(
            True,
            "DualTalk: Esc came while Blender was keying, too late to stop it (the take replaced an "
            f"earlier one): {line}; Edit > Undo puts the scene back as it was before Generate",
            warnings=tuple(self.warned),
        )

    def _taken_off(self) -> Outcome | None:
        """Where the scene held no DualTalk take, marker or sound strip before: the characters that
        carry the take (both once keyed; after an Esc between steps, those keyed so far) lose it
        (Remove Take's way back: the scene as it was, the sound the take loaded gone too), and the
        cancelled line; None where that cannot put the scene back (an earlier take)."""
        from ..scene.remove_take import carries_take, remove_take

        characters = [chosen.find() for chosen in self.chosen]
        scene = self._scene_now()
        if not self._undoable or scene is None or None in characters:
            return None
        carrying = [obj for obj in characters if carries_take(obj)]
        if carrying:
            try:
                remove_take(carrying, scene, undo_push=False)
            except DualTalkError:  # an undo meanwhile took the take off already: nothing left to remove
                pass
        for sound in list(bpy.data.sounds):
            if sound.session_uid not in self._sounds_before and sound.users == 0:
                bpy.data.sounds.remove(sound)
        return Outcome(
            False,
            "DualTalk: cancelled while keying; the take was taken off again and the scene is as it "
            "was before Generate",
            cancelled=True,
        )

    def _result(self) -> dict[str, Any]:
        """The worker's result, and whether the words were to be recognised: a take where none
        sounded English has no transcript report to say so (:func:`.take_keying.recognition_warnings`),
        kept with the take for Apply Saved Take."""
        result = dict(self.worker.result or {}) if self.worker is not None else {}
        if self.job["audio"].get("recognise") is True:
            result["recognise"] = True
        return result

    def _apply(
        self, result: dict[str, Any], characters: tuple[Any, Any], warned: list[str], progress: Any = None
    ) -> Steps[KeyedTake]:
        """The steps that key the take (:func:`.take_keying.key_into_scene_steps`), each returning
        the scene to Blender as it should be drawn."""
        return key_into_scene_steps(
            self.scene,
            self.settings,
            self.apply_opts,
            result,
            self.inspected,
            self.frame_range,
            self.sound,
            self.notes,
            characters=characters,
            picks=self._picks_changed(characters),
            warned=warned,
            progress=progress,
            pauses=True,
        )

    def _gone(self) -> list[tuple[str, str]]:
        """Each character chosen when Generate was pressed that cannot be keyed now, as (role,
        what happened): deleted (freed, or unlinked from every scene and kept alive only by the
        picker), moved to another scene, or no longer a character (its mesh or rig deleted). Found
        by session id, never by name: a new object may carry the name. A picker changed meanwhile
        (another character chosen, A and B exchanged, cleared by an undo) is not listed: the take
        goes to the characters chosen when Generate was pressed, like its sound and options, and
        the line says what the panel picks now (:meth:`_picks_changed`)."""
        gone = []
        for role, chosen in zip("AB", self.chosen, strict=True):
            obj = chosen.find()
            here = obj is not None and in_scene_uid(obj, self.scene_uid)
            if obj is None or (chosen.was_in_scene and not here):
                elsewhere = [repr(sc.name) for sc in obj.users_scene] if obj is not None else []
                if obj is not None and elsewhere:
                    moved = f"is no longer in scene {self.scene.name!r} (now in {', '.join(elsewhere)})"
                    gone.append((role, f"character {role} {obj.name!r} {moved}"))
                else:
                    gone.append((role, f"character {role} {chosen.name!r} was deleted while generating"))
            elif not qualifies(obj):
                lost = f"character {role} {obj.name!r} lost its face mesh or rig while generating"
                gone.append((role, lost + " (needs shape keys or an armature)"))
        return gone

    def _picks_changed(self, characters: tuple[Any, Any]) -> str:
        """The line's clause when the pickers no longer hold the characters being keyed: whom the take
        went to and what the panel picks now (``keyed Alice and Bob, the characters chosen when
        Generate was pressed (the panel now picks Carol for B)``); "" while they still do."""
        s = self.settings
        now = []
        for role, chosen, picked in zip("AB", self.chosen, (s.char_a, s.char_b), strict=True):
            if picked is None:
                now.append(f"nobody for {role}")
            elif picked.session_uid != chosen.uid:
                now.append(f"{picked.name} for {role}")
        if not now:
            return ""
        keyed = " and ".join(obj.name for obj in characters)
        return (
            f"keyed {keyed}, the characters chosen when Generate was pressed "
            f"(the panel now picks {' and '.join(now)})"
        )

    def _origin(self, scene: Any = None) -> dict[str, Any]:
        """Where the take was made, for its kept ``result.json``: the .blend (its path now while the
        scene is still open, else when Generate was pressed), the scene, both characters' names and
        the scene-side options of the press, with the frame the take is keyed from."""
        from . import panel_options

        opts = {o.name: getattr(self.apply_opts, o.field) for o in panel_options.SCENE_SIDE}
        for name in ("map", "map_a", "map_b"):  # the shared map and each character's own
            if opts.get(name) is not None and not isinstance(opts[name], str):  # parsed: JSON can't hold it
                opts[name] = str(opts[name])
        # the frame keying starts from (the scene's start, or where the animator slid the take, as
        # take_keying reads them), so Apply Saved Take's As Made puts the take where it would have
        # gone though the scene's start moved since
        start = self.apply_opts.start_frame if self.moved_start is None else self.moved_start
        opts["start_frame"] = int(start if start is not None else (scene or self).frame_start)
        live = [chosen.find() if scene is not None else None for chosen in self.chosen]
        names = [o.name if o is not None else c.name for o, c in zip(live, self.chosen, strict=True)]
        return {
            "blend_file": bpy.data.filepath if scene is not None else self.blend_file,
            "scene": scene.name if scene is not None else self.scene_name,
            "characters": names,
            "scene_options": opts,
        }

    def _never_keyable(self, refusal: str) -> bool:
        """Whether a range refused while keying could never be keyed from a kept folder: its fix is a
        new take (a layer or curve the take lacks: ``animate the whole take``), which the kept range
        is not for (:func:`.preview_range.kept_range` refuses it then), so nothing is kept for it."""
        return self.frame_range is not None and "the whole take" in refusal and "rename" not in refusal

    def _kept(self, then: str, closed: bool = False, named_in: Any = None) -> str:
        """Move the take out of the run's temp folder (removed after every run) into one of its own,
        with where it was made (:meth:`_origin`), and say how to key it: ``"; the take is kept:
        <then>, then run bpy.ops...(directory=...)"``. Where its scene is no longer open (``closed``)
        or the add-on is going (``named_in``: the scene, still open), the line names whose take it is
        and where it was made (``the take for Alice & Bob in shot1.blend › Scene is kept``); once
        another file was opened, ``then`` is to reopen that one (:func:`_reopen`). A re-generated
        range keeps its frames and the plan it was made for (:func:`.saved_takes.apply_take` keys it
        only onto that same take): first reopen the file that held the take. A take drawn from a typed
        script says where what each line was read as went with it (:func:`.saved_takes.reading_said`,
        as Generate's line names its text). "" when the move fails."""
        if self.worker is None or not self.worker.result:
            return ""
        origin = self._origin(None if closed else (named_in or self.scene))
        # the recording goes with it: Apply Saved Take places the audio the take was made from, a file
        # inside the installed extension (the demo dialogue) as its lasting copy: an update replaces it
        blend = origin["blend_file"] or None
        files = [lasting_copy(f, blend)[0] if f else f for f in self.sound.files]
        kept = {**self._result(), "audio_files": files, **origin}
        if self.frame_range is not None:
            if self.range_plan is None:
                return ""
            kept.update(frame_range=list(self.frame_range), range_plan=self.range_plan)
        what = "the take"
        if closed or named_in is not None:
            what = f"the take for {' & '.join(origin['characters'])} in {_where(origin)}"
        if closed:
            then = _reopen(origin) or ("reopen the file that held the take" if self.frame_range else then)
        folder = keep_take(kept)
        if folder is None:
            return ""
        line = f"; {what} is kept: {then}, then run bpy.ops.dualtalk.apply_take(directory={str(folder)!r})"
        return line + reading_said(folder)

    def cleanup(self) -> None:
        shutil.rmtree(self.work_dir, ignore_errors=True)


def _settle_before_save(*_args: Any) -> None:
    """``save_pre`` while a run keys in steps: :meth:`GenerationRun.settle_before_save`. A failure is
    said in the system console and never stops the save."""
    run = ACTIVE
    if run is None:
        return
    try:
        run.settle_before_save()
    except Exception:  # the run's own guard ended it with its line; the save goes on
        import traceback

        traceback.print_exc()


def _hold_saves(on: bool) -> None:
    """Put :func:`_settle_before_save` into ``save_pre`` (``on``) or take it out; one at a time, found
    by name, so a reloaded add-on does not leave an old copy behind."""
    handlers = bpy.app.handlers.save_pre
    for fn in list(handlers):
        if getattr(fn, "__name__", "") == _settle_before_save.__name__ and fn.__module__ == __name__:
            handlers.remove(fn)
    if on:
        handlers.append(_settle_before_save)


def _learn_pace(frames: int, seconds: float, aiming: bool) -> None:
    """This Blender's keying pace (:data:`_PACE`), from a take it keyed, for the next estimate; not
    from a short take, whose fixed cost (inspecting the rigs, markers, sound) would read as a pace
    many times too slow for a long one."""
    if frames >= PACE_FROM_FRAMES and seconds > 0:
        _PACE[aiming] = seconds / frames


def _untouched(scene: Any, characters: tuple[Any, Any]) -> bool:
    """Whether the scene holds nothing of DualTalk's a take would replace: no take on either
    character, no turn marker or sound strip of ours. Remove Take then puts the scene back exactly
    as it was before the take (:meth:`GenerationRun._take_off`)."""
    from ..scene.apply import owned_markers
    from ..scene.remove_take import carries_take
    from ..scene.sound import our_strips

    if any(carries_take(obj) for obj in characters):
        return False
    return not owned_markers(scene) and not our_strips(scene)


class _KeyingProgress:
    """How far the keying's steps are (``update``/``check_cancel``, as :mod:`..scene.apply` reports):
    the fraction and words the status line shows between steps, and the mouse cursor during one."""

    def __init__(self) -> None:
        self.fraction, self.message = 0.0, ""
        self.cursor: _CursorProgress | None = None

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.fraction = max(0.0, min(1.0, float(fraction)))
        self.message = message or self.message
        if self.cursor is not None:
            self.cursor.show(self.fraction)

    def check_cancel(self) -> None:
        """Esc cannot reach Python during a step: it is heard between steps (:meth:`GenerationRun.finish`)."""


class _CursorProgress:
    """The keying's progress in the mouse cursor (percent done) during one step, the one thing
    Blender redraws while it keys; nothing in background mode, where there is no cursor."""

    def __init__(self, said: _KeyingProgress) -> None:
        self.said = said
        self.wm = None if bpy.app.background else getattr(bpy.context, "window_manager", None)
        self.last = -1

    def __enter__(self) -> _CursorProgress:
        if self.wm is not None:
            self.wm.progress_begin(0, 100)
        self.said.cursor = self
        self.show(self.said.fraction)
        return self

    def __exit__(self, *exc: object) -> None:
        self.said.cursor = None
        if self.wm is not None:
            self.wm.progress_end()

    def show(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if self.wm is not None and percent != self.last:
            self.last = percent
            self.wm.progress_update(percent)


# the panel's refusals of its audio fields (panel_settings.need_file): empty, missing or a folder
_AUDIO_FIELD = re.compile(r"\b(audio file|turns file)\b")


def _take_made_from(scene: Any, settings: Any, frame_range: tuple[int, int]) -> str:
    """``the take was made from dev00.wav (Mono + turns, Turns file x.rttm, Speaker A MEE009) from
    0.00 s to 30.00 s``, read from the take on the panel's characters; "" when it cannot be read."""
    from ..scene.range_plan import PANEL_WORDS, made_from

    try:
        plan, _record = plan_panel_range(scene, settings, *frame_range, 0)
    except DualTalkError:
        return ""
    return made_from(plan.audio, PANEL_WORDS) if plan.audio is not None else ""


def _keyed_said(field: str, now: Any, was: Any) -> str:
    """``Keys Every frame (the take's Reduced)``, ``Mouth intensity 1.5 (the take's 1)``."""
    from . import panel_options

    if field == "intensities":
        groups = sorted(set(now) | set(was))
        return ", ".join(
            f"{g.capitalize()} intensity {float(now.get(g, 1.0)):g} (the take's {float(was.get(g, 1.0)):g})"
            for g in groups
            if abs(float(now.get(g, 1.0)) - float(was.get(g, 1.0))) > 1e-9
        )
    option = next(o for o in panel_options.SCENE_SIDE if o.field == field)
    name = panel_options.title(option)
    if field in ("keys", "side_by_side"):  # as the dropdown shows it
        labels = {value: label for value, label, _tip in panel_options.items(option)}
        return f"{name} {labels.get(now, now)} (the take's {labels.get(was, was)})"
    return f"{name} {float(now):g} (the take's {float(was):g})"


def _panel_unused(panel: dict[str, Any], take: dict[str, Any]) -> list[str]:
    """The panel's behaviour values a range does not use, in its fields' words: ``Seed 12345 (the
    take's 0)``, ``Eye contact off (the take's on)``; none when the panel holds the take's."""
    from ..scene.range_plan import SETTING_WORDS, differing_settings, setting_effect, shown_setting

    said = []
    for field in differing_settings(panel, take):
        name = SETTING_WORDS[field][1]
        now, was = shown_setting(field, panel[field]), shown_setting(field, take[field])
        if field == "gaze":  # the Eye contact box switches it off; an amount is the Gaze Amount's
            off = not setting_effect("gaze", panel[field])[0]
            name = "Eye contact" if off else "Gaze Amount"
            was = "on" if off and was == "auto" else was
        said.append(f"{name} {now} (the take's {was})")
    return said


def _where(origin: dict[str, Any]) -> str:
    """``shot1.blend › Scene``, or ``scene 'Scene' of an unsaved file``: where a kept take was made."""
    blend = origin.get("blend_file") or ""
    if not blend:
        return f"scene {origin['scene']!r} of an unsaved file"
    return f"{Path(blend).name} › {origin['scene']}"


def _reopen(origin: dict[str, Any]) -> str:
    """What to do first with a take whose scene was closed: reopen its saved file while another is
    open; in that file again (a revert), check the characters in its scene; "" when neither is known."""
    blend = origin.get("blend_file") or ""
    if not blend:
        return ""
    if bpy.data.filepath != blend:
        return f"reopen {Path(blend).name}"
    if origin["scene"] in bpy.data.scenes:
        return f"check the characters in scene {origin['scene']!r}"
    return ""


class _Chosen:
    """A character as it was chosen when Generate was pressed."""

    def __init__(self, name: str, uid: int, was_in_scene: bool) -> None:
        self.name, self.uid, self.was_in_scene = name, uid, was_in_scene

    @classmethod
    def of(cls, obj: Any, scene: Any) -> _Chosen:
        return cls(obj.name, obj.session_uid, in_scene_uid(obj, scene.session_uid))

    def find(self) -> Any | None:
        """The object itself if it still exists (renamed or not), else None."""
        return next((o for o in bpy.data.objects if o.session_uid == self.uid), None)
