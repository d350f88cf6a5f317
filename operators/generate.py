"""Generate / Cancel / Apply Take / Export FBX: thin wrappers around ``dualtalk_blender/addon/``
(``ui_run``: Generate and Cancel; ``saved_takes``: Apply Take; ``panel_fbx``: Export FBX)."""

from __future__ import annotations

from collections.abc import Sequence

import bpy

from ..dualtalk_blender.addon import fbx_job, panel_fbx, saved_takes, state, ui_run
from ..dualtalk_blender.addon.job import Outcome
from ..dualtalk_blender.addon.panel_options import in_panel_words
from ..dualtalk_blender.addon.state import get_prefs
from ..dualtalk_blender.addon.take_keying import say_warnings
from ..inference.core.errors import DualTalkError
from . import modal
from .modal import (
    CHOOSE_BOTH,
    SETUP_TASKS,
    JobOperator,
    generation_running,
    internal_error_line,
    poll_export,
    poll_free,
    poll_generation,
    report_failure,
)


class DUALTALK_OT_generate(JobOperator):
    """Animate both characters from the dialogue audio (runs in the background; Esc or Cancel stops it)"""

    bl_idname = "dualtalk.generate"
    bl_label = "Generate"
    bl_options = {"REGISTER", "UNDO"}
    task = "generate"

    @classmethod
    def poll(cls, context):
        return poll_generation(cls, context)

    def begin(self, context) -> ui_run.GenerationRun:
        run = ui_run.GenerationRun(
            context.scene, context.scene.dualtalk, get_prefs(context), scripted=not self.interactive
        ).start()
        state.set_status(context, running=True, task="generate", message="starting the worker")
        return run


class DUALTALK_OT_regenerate_range(JobOperator):
    """Re-generate only the timeline's preview range of the take (cross-faded at both ends); the
    rest of the take, other tracks and hand keys on your own layers stay as they are"""

    bl_idname = "dualtalk.regenerate_range"
    bl_label = "Re-generate Preview Range"
    bl_options = {"REGISTER", "UNDO"}
    task = "generate"

    @classmethod
    def poll(cls, context):
        return poll_generation(cls, context)

    def begin(self, context) -> ui_run.GenerationRun:
        scene = context.scene
        if not scene.use_preview_range:
            raise DualTalkError(
                "set the timeline's preview range (Ctrl+Alt+P in the timeline) around the frames to re-generate"
            )
        frames = (int(scene.frame_preview_start), int(scene.frame_preview_end))
        run = ui_run.GenerationRun(
            scene, scene.dualtalk, get_prefs(context), frame_range=frames, scripted=not self.interactive
        ).start()
        state.set_status(context, running=True, task="generate", message="starting the worker")
        return run


# what ``dualtalk.cancel(task=...)`` names: "" (the panel's button, a script: the generation, else an
# install or download) or one job
CANCELLABLE = ("", "generate", *SETUP_TASKS, fbx_job.TASK)


class DUALTALK_OT_cancel(bpy.types.Operator):
    """Stop the running DualTalk generation, FBX export, dependency install or download; the scene stays as it was"""

    bl_idname = "dualtalk.cancel"
    bl_label = "Cancel"

    # which job: "generate", "deps", "download" or "FBX export" (the button under that job's progress says);
    # "" (the panel's button, a script): the generation, else an install or download
    task: bpy.props.StringProperty(options={"HIDDEN", "SKIP_SAVE"})

    @classmethod
    def poll(cls, context):
        if generation_running() or modal.running_jobs((*SETUP_TASKS, fbx_job.TASK)):
            return True
        cls.poll_message_set(
            "no DualTalk generation, FBX export, install or download is running; there is nothing to cancel"
        )
        return False

    def execute(self, context):
        if self.task not in CANCELLABLE:  # a script's typo must not cancel nothing silently
            return report_failure(
                self,
                context,
                f"DualTalk: no job called {self.task!r} to cancel (generate, deps, download or FBX export)",
            )
        run = ui_run.ACTIVE
        if run is not None and self.task in ("", "generate"):  # the run may have ended since poll
            run.cancel()
            state.set_status(context, running=True, task="generate", message="cancelling")
            return {"FINISHED"}
        tasks = (*SETUP_TASKS, fbx_job.TASK) if self.task == "" else (self.task,)
        for job in modal.running_jobs(tasks):  # under its button or carried on after a file load:
            job.cancel()  # its operator or the follow timer says how it ended
            state.set_status(context, running=True, task=job.task, message="cancelling")
        return {"FINISHED"}


class DUALTALK_OT_apply_take(bpy.types.Operator):
    """Key a take kept on disk (a folder with A.npz and B.npz) onto the characters it was made for (else
    the panel's) with the settings it was made with (or the panel's), e.g. the take kept when a character
    was deleted while generating"""

    bl_idname = "dualtalk.apply_take"
    bl_label = "Apply Take"
    bl_options = {"REGISTER", "UNDO"}

    directory: bpy.props.StringProperty(
        subtype="DIR_PATH", options={"SKIP_SAVE", "PATH_SUPPORTS_BLEND_RELATIVE"}
    )
    # shown in the file browser's side panel (Blender draws an operator's properties there but its
    # directory) and in Adjust Last Operation; As Made each time the browser opens
    settings: bpy.props.EnumProperty(
        name="Settings", items=saved_takes.SETTINGS, default=saved_takes.AS_MADE, options={"SKIP_SAVE"}
    )

    @classmethod
    def poll(cls, context):
        return poll_free(cls, context)

    def invoke(self, context, event):
        if self.directory:
            return self.execute(context)
        context.window_manager.fileselect_add(self)
        return {"RUNNING_MODAL"}

    def execute(self, context):
        warned: list[str] = []
        try:
            message = saved_takes.apply_take(
                context.scene,
                context.scene.dualtalk,
                self.directory,
                get_prefs(context),
                use=self.settings,
                warned=warned,
            )
        except DualTalkError as exc:
            return report_failure(self, context, f"DualTalk: {exc}")
        message = in_panel_words(message)  # the take's audio warnings name the engine's flags
        state.set_status(context, running=False, fraction=1.0, last=message)
        self.report({"INFO"}, message)
        say_warnings(self, warned)  # the line shows the first: each is read in the Info editor
        return {"FINISHED"}


class DUALTALK_OT_delete_saved_takes(bpy.types.Operator):
    """Delete the takes kept in the temp folder (when a character or the scene was deleted while
    generating, or keying failed); a folder holding anything else is left alone"""

    bl_idname = "dualtalk.delete_saved_takes"
    bl_label = "Delete Saved Takes"

    @classmethod
    def poll(cls, context):
        return poll_free(cls, context, scene=False)

    def invoke(self, context, event):
        return context.window_manager.invoke_confirm(self, event)

    def execute(self, context):
        count, freed = saved_takes.delete_kept_takes()
        message = f"DualTalk: deleted {count} saved take{'' if count == 1 else 's'} ({freed / 1e6:.1f} MB)"
        state.set_status(context, running=False, last=message)
        self.report({"INFO"}, message)
        return {"FINISHED"}


class CursorProgress:
    """An export that blocks Blender (FBX: half a minute on a production pair) shows how far it is
    in the mouse cursor, the one thing Blender redraws while an operator runs (percent done)."""

    def __init__(self, window_manager) -> None:
        self.wm = window_manager
        self.last = -1

    def __enter__(self) -> CursorProgress:
        self.wm.progress_begin(0, 100)
        return self

    def __exit__(self, *exc) -> None:
        self.wm.progress_end()

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent != self.last:
            self.last = percent
            self.wm.progress_update(percent)

    def check_cancel(self) -> None:
        """Blocking: nothing can press Cancel meanwhile."""


class DUALTALK_OT_export_fbx(JobOperator):
    """Export both characters with their animation and shape keys to FBX (Esc cancels)"""

    bl_idname = "dualtalk.export_fbx"
    bl_label = "Export FBX"
    task = fbx_job.TASK
    # what the file will warn of, worked out when its copy was saved (:meth:`begin`)
    _clip: Sequence[str] = ()
    _said: Sequence[str] | None = None

    filepath: bpy.props.StringProperty(
        subtype="FILE_PATH", options={"SKIP_SAVE", "PATH_SUPPORTS_BLEND_RELATIVE"}
    )

    @classmethod
    def poll(cls, context):
        s = getattr(context.scene, "dualtalk", None)
        if s is None:
            cls.poll_message_set("open a scene with the DualTalk panel first")
            return False
        if s.char_a is None or s.char_b is None:
            cls.poll_message_set(CHOOSE_BOTH)
            return False
        return poll_export(cls, context)  # one job at a time writes the status line (review rv38g 2)

    def begin(self, context) -> fbx_job.FbxExport:
        """From the panel's button (a window): the export runs in a Blender of its own, so Blender
        stays responsive and Esc stops it (:mod:`..dualtalk_blender.addon.fbx_job`)."""
        s = context.scene.dualtalk
        job = fbx_job.FbxExport(context.scene, s, self.filepath or s.fbx_path).start()
        try:  # what the file holds is the copy just saved: its warnings are said at the end (rv38g 1)
            self._clip = panel_fbx.clip_warnings(s, job.finals)
            self._said = panel_fbx.file_warnings(s)
        except BaseException:
            job.cancel()
            job.result()
            raise
        state.set_status(context, running=True, task=self.task, message=job.message, last=_exporting(job))
        return job

    def modal(self, context, event):
        ended = JobOperator.modal(self, context, event)
        job = self._job
        if ended == {"RUNNING_MODAL"} and isinstance(job, fbx_job.FbxExport) and job.state == "running":
            fraction, message = job.progress
            state.set_status(  # the panel draws the line under Export FBX, with how far it is
                context,
                running=True,
                task=self.task,
                fraction=fraction,
                message=message,
                last=_exporting(job),
            )
        return ended

    def finished(self, context, outcome: Outcome) -> Outcome:
        job = self._job
        if not outcome.ok or not isinstance(job, fbx_job.FbxExport):
            return outcome
        # worked out when the copy was saved: the scene may have changed since, the file has not
        clip, said = self._clip, self._said
        line = panel_fbx.fbx_message(job.settings, job.finals, clip, said=said)
        return Outcome(True, f"DualTalk: {line}", warnings=tuple(clip))

    def execute(self, context):
        """A script's call, or Blender in the background: the export in this Blender, which returns
        once the file is written (Ctrl-C stops it at the next frame); the percent done in the cursor."""
        s = context.scene.dualtalk
        try:
            with CursorProgress(context.window_manager) as progress:
                paths = panel_fbx.export_fbx(
                    s, self.filepath or s.fbx_path, scene=context.scene, progress=progress
                )
        except DualTalkError as exc:
            return report_failure(self, context, f"DualTalk: {exc}")
        except Exception as exc:  # a bug or the exporter failing: one line, the traceback to the console
            import traceback

            traceback.print_exc()
            return report_failure(self, context, internal_error_line("FBX export", exc, last_line=True))
        clip = panel_fbx.clip_warnings(s, paths)  # the clip an engine will play, if not the take
        message = f"DualTalk: {panel_fbx.fbx_message(s, paths, clip)}"
        state.set_status(context, running=False, last=message)
        self.report({"INFO"}, message)
        say_warnings(self, clip)
        return {"FINISHED"}


FBX_RUNNING = modal.FBX_RUNNING


def _exporting(job: fbx_job.FbxExport) -> str:
    """The panel's line while the export runs: which file, how far, and that Esc stops it."""
    names = " and ".join(p.name for p in job.finals)
    fraction, message = job.progress
    return f"DualTalk: exporting {names} ({fraction:.0%}: {message}); Esc cancels"


CLASSES = (
    DUALTALK_OT_generate,
    DUALTALK_OT_regenerate_range,
    DUALTALK_OT_cancel,
    DUALTALK_OT_apply_take,
    DUALTALK_OT_delete_saved_takes,
    DUALTALK_OT_export_fbx,
)
