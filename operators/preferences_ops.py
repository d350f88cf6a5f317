"""Preferences actions: check the worker Python, install dependencies, download models."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import bpy

from ..dualtalk_blender.addon import deps, downloads, panel_settings, recognised_words, state, ui_run
from ..dualtalk_blender.addon.job import Outcome
from ..dualtalk_blender.addon.state import get_prefs
from ..inference.core.errors import DualTalkError
from .modal import JobOperator, busy_with, poll_free


def _prefs(context):
    prefs = get_prefs(context)
    if prefs is None:
        raise DualTalkError("enable the DualTalk add-on first (its preferences are not available)")
    return prefs


# What a refusal says while the status's task runs: one whole sentence per task, since Blender
# looks the message up as it is (translated) when it shows it in the greyed button's tooltip. Each
# names only what really stops that job: Esc reaches the modal operator of the window the job was
# started from (the Preferences window's for an install); the Cancel under its progress (an
# install's or a download's: in the DualTalk panel of the 3D Viewport and in the preferences; a
# generation's: in the panel; each dualtalk.cancel with its task) stops it wherever it runs. A
# script's error shows the first 200 characters of the message (bpy's poll error): each fits.
_BUSY = {
    "deps": "an install is already running; wait for it to end or cancel it (Cancel under its progress "
    "in the 3D Viewport's DualTalk panel or the add-on's preferences, or Esc in the window it was "
    "started from)",
    "download": "a download is already running; wait for it to end or cancel it (Cancel under its "
    "progress in the 3D Viewport's DualTalk panel or the add-on's preferences, or Esc in the window it "
    "was started from)",
    "generate": "a generation is already running; wait for it to end or cancel it "
    "(Cancel in the DualTalk panel of the 3D Viewport, or Esc in the window it was started from)",
}
# The same after another file was opened: the job carries on with no operator, so no Esc reaches it.
_BUSY_FOLLOWED = {
    "deps": "an install is already running (it carried on when another file was opened); wait for "
    "it to end or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel or the "
    "add-on's preferences)",
    "download": "a download is already running (it carried on when another file was opened); wait "
    "for it to end or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel or the "
    "add-on's preferences)",
    "generate": "a generation is already running (it carried on when another file was opened); "
    "wait for it to end or cancel it (Cancel in the DualTalk panel of the 3D Viewport)",
}
_BUSY_OTHER = "a job is already running; wait for it to end"


def _idle(op: type[bpy.types.Operator], context) -> bool:
    """Whether no job runs; else greys the button and says why (one job writes the model folder
    at a time: a second download would write the same .part file). A job followed after another
    file was opened counts before the opened file's status shows it again."""
    busy = busy_with(context.window_manager.dualtalk_status)
    if busy is None:
        return True
    task, followed = busy
    op.poll_message_set(_BUSY_FOLLOWED.get(task, _BUSY_OTHER) if followed else _BUSY.get(task, _BUSY_OTHER))
    return False


def _deps_ended(venv: Path, outcome: Outcome) -> Outcome:
    """Install Dependencies ended (under its operator or followed after a file load): the cached
    Python checks are forgotten, so the worker's next start sees the new environment (also after a
    failure: pip may have changed it half-way). Success was checked by importing torch in the venv
    (``deps.CHECK_STEP``); a torch that does not import ends as a failure in its own words."""
    deps.forget_probes()
    if outcome.ok:
        return Outcome(True, f"DualTalk: dependencies installed in {venv}")
    return Outcome(False, f"DualTalk: {outcome.message}", outcome.cancelled)


def _download_ended(what: str, job: downloads.DownloadJob, outcome: Outcome) -> Outcome:
    """A download ended (under its operator or followed after a file load): a FLAME map becomes
    the preferences' map file (the preferences are Blender's, not the open file's)."""
    if outcome.ok and what == "FLAME_MAP" and job.path is not None:
        prefs = get_prefs(bpy.context)
        if prefs is not None:
            prefs.flame_map = str(job.path)
    return Outcome(outcome.ok, f"DualTalk: {outcome.message}", outcome.cancelled)


class DUALTALK_OT_check_python(bpy.types.Operator):
    """Check that the inference Python can import torch, numpy<2, scipy and soundfile"""

    bl_idname = "dualtalk.check_python"
    bl_label = "Check Python"

    def execute(self, context):
        deps.forget_probes()  # before the choice too: it asks whether Blender's own imports torch
        try:
            prefs = _prefs(context)
            python = deps.resolve_python(ui_run.abspath(prefs.python_path), panel_settings.model_dir(prefs))
        except DualTalkError as exc:
            state.PYTHON_CHECK = f"not usable: {exc}"  # the line must not keep an earlier "OK"
            state.redraw(context)
            self.report({"ERROR"}, f"DualTalk: {exc}")
            return {"CANCELLED"}
        ok, line = deps.probe_python(python)
        state.PYTHON_CHECK = f"{'OK' if ok else 'not usable'}: {line}"
        advice = f"; {deps.repair_advice(python)}" if "does not import" in line else ""
        self.report({"INFO" if ok else "WARNING"}, f"DualTalk: {python}: {line}{advice}")
        state.redraw(context)
        return {"FINISHED"}


class DUALTALK_OT_install_deps(JobOperator):
    """Create a private Python environment in the model folder and install torch, numpy<2, scipy,
    soundfile, pocketsphinx and the voice encoder for automatic speaker separation (resemblyzer)
    from the package index (needs Allow Online Access, unless the index is on this machine)"""

    bl_idname = "dualtalk.install_deps"
    bl_label = "Install Dependencies"
    task = "deps"

    @classmethod
    def poll(cls, context):
        return _idle(cls, context)

    def begin(self, context) -> deps.Installer:
        prefs = _prefs(context)
        deps.check_online(prefs.index_url, bpy.app.online_access)  # before anything is made or run
        venv_dir = panel_settings.model_dir(prefs) / deps.VENV_NAME
        steps = deps.install_steps(venv_dir, index_url=prefs.index_url.strip(), packages=self._packages())
        state.set_status(context, running=True, task=self.task, message="installing dependencies")
        installer = deps.Installer(steps)
        installer.ended = partial(_deps_ended, venv_dir)
        state.INSTALL_LINES = installer.lines  # the preferences draw pip's output from here
        return installer.start()

    packages: bpy.props.StringProperty(
        name="Packages",
        description="Space-separated pip requirements to install instead of the default set (advanced)",
        options={"SKIP_SAVE"},
    )

    def _packages(self) -> tuple[str, ...]:
        return tuple(self.packages.split()) or deps.PACKAGES


class DUALTALK_OT_download(JobOperator):
    """Download the DualTalk checkpoint or the FLAME map into the model folder (resumable, sha256-checked)"""

    bl_idname = "dualtalk.download"
    bl_label = "Download"
    task = "download"

    what: bpy.props.EnumProperty(
        items=[
            ("CHECKPOINT", "Checkpoint", "DualTalk.pth"),
            ("FLAME_MAP", "FLAME map", "ARKit/FLAME linear map"),
        ],
        default="CHECKPOINT",
    )

    @classmethod
    def poll(cls, context):
        return _idle(cls, context)

    @classmethod
    def description(cls, context, properties) -> str:
        """The button's tooltip: what is fetched and whose terms it comes under (translated here:
        Blender shows what a description callback returns as it is)."""
        if getattr(properties, "what", "CHECKPOINT") == "FLAME_MAP":
            return bpy.app.translations.pgettext_tip(
                "Download the ARKit/FLAME map from the URL given into the model folder (resumable, "
                "sha256-checked). Such a map (e.g. from the BEAT2 tools) may carry a non-commercial "
                "licence: check it before use"
            )
        return bpy.app.translations.pgettext_tip(
            "Download the published DualTalk.pth into the model folder (resumable, sha256-checked). "
            "The weights are the DualTalk authors', under the authors' terms, which you must check "
            "before use; this add-on does not redistribute them"
        )

    def begin(self, context) -> downloads.DownloadJob:
        prefs = _prefs(context)
        if self.what == "CHECKPOINT":
            url, sha = prefs.checkpoint_url.strip(), prefs.checkpoint_sha256.strip()
        else:
            url, sha = prefs.flame_map_url.strip(), prefs.flame_map_sha256.strip()
        downloads.check_online(url, bpy.app.online_access)
        job = downloads.DownloadJob(url, panel_settings.model_dir(prefs), sha or None)
        job.ended = partial(_download_ended, self.what, job)
        job.start()
        state.set_status(context, running=True, task=self.task, message=f"downloading {url}")
        return job


class _ClearKept:
    """Clear what DualTalk kept between runs (:meth:`cleared`), after a confirmation: only the files
    DualTalk wrote there go, and nothing from a folder holding a file of the user's."""

    @classmethod
    def poll(cls, context):
        return poll_free(cls, context, scene=False)  # a generation may be reading them

    def invoke(self, context, event):
        return context.window_manager.invoke_confirm(self, event)

    def cleared(self) -> tuple[bool, str]:
        raise NotImplementedError

    def execute(self, context):
        try:
            cleared, message = self.cleared()
        except DualTalkError as exc:  # no home folder
            cleared, message = False, f"DualTalk: {exc}"
        state.set_status(context, running=False, last=message)
        self.report({"INFO" if cleared else "WARNING"}, message)  # type: ignore[attr-defined]
        state.redraw(context)
        return {"FINISHED"} if cleared else {"CANCELLED"}


class DUALTALK_OT_clear_recognised_words(_ClearKept, bpy.types.Operator):
    """Delete the words Recognise Words kept (a range or a take run again reads them instead of
    recognising the recording again); only the files DualTalk wrote there go"""

    bl_idname = "dualtalk.clear_recognised_words"
    bl_label = "Clear Recognised Words"

    def cleared(self) -> tuple[bool, str]:
        return recognised_words.clear(recognised_words.WORDS)


class DUALTALK_OT_clear_recording_cues(_ClearKept, bpy.types.Operator):
    """Delete the recording cues takes kept (a re-generated range reads them instead of reading its
    whole recording again); only the files DualTalk wrote there go"""

    bl_idname = "dualtalk.clear_recording_cues"
    bl_label = "Clear Recording Cues"

    def cleared(self) -> tuple[bool, str]:
        return recognised_words.clear(recognised_words.CUES)


class DUALTALK_OT_clear_kept_caches(_ClearKept, bpy.types.Operator):
    """Delete both the recognised words and the recording cues DualTalk kept between runs; only the
    files DualTalk wrote there go"""

    bl_idname = "dualtalk.clear_kept_caches"
    bl_label = "Clear Words and Cues"

    def cleared(self) -> tuple[bool, str]:
        return recognised_words.clear_all()


CLASSES = (
    DUALTALK_OT_check_python,
    DUALTALK_OT_install_deps,
    DUALTALK_OT_download,
    DUALTALK_OT_clear_recognised_words,
    DUALTALK_OT_clear_recording_cues,
    DUALTALK_OT_clear_kept_caches,
)
