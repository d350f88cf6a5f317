"""Preferences actions: check the worker Python, install dependencies, download models."""

from __future__ import annotations

import bpy

from ..dualtalk_blender.addon import deps, downloads, panel_settings, state, ui_run
from ..dualtalk_blender.addon.job import Outcome
from ..dualtalk_blender.addon.state import get_prefs
from ..inference.core.errors import DualTalkError
from .modal import JobOperator


def _prefs(context):
    prefs = get_prefs(context)
    if prefs is None:
        raise DualTalkError("enable the DualTalk add-on first (its preferences are not available)")
    return prefs


# What a refusal says while the status's task runs: one whole sentence per task, since Blender
# looks the message up as it is (translated) when it shows it in the greyed button's tooltip.
_BUSY = {
    "deps": "an install is already running; wait for it to end or press Esc to cancel it",
    "download": "a download is already running; wait for it to end or press Esc to cancel it",
    "generate": "a generation is already running; wait for it to end or press Esc to cancel it",
}
_BUSY_OTHER = "a job is already running; wait for it to end or press Esc to cancel it"


def _idle(op: type[bpy.types.Operator], context) -> bool:
    """Whether no job runs; else greys the button and says why (one job writes the model folder
    at a time: a second download would write the same .part file)."""
    status = context.window_manager.dualtalk_status
    if not status.running:
        return True
    op.poll_message_set(_BUSY.get(status.task, _BUSY_OTHER))
    return False


class DUALTALK_OT_check_python(bpy.types.Operator):
    """Check that the inference Python can import torch, numpy<2, scipy and soundfile"""

    bl_idname = "dualtalk.check_python"
    bl_label = "Check Python"

    def execute(self, context):
        try:
            prefs = _prefs(context)
            python = deps.resolve_python(ui_run.abspath(prefs.python_path), panel_settings.model_dir(prefs))
        except DualTalkError as exc:
            state.PYTHON_CHECK = f"not usable: {exc}"  # the line must not keep an earlier "OK"
            state.redraw(context)
            self.report({"ERROR"}, f"DualTalk: {exc}")
            return {"CANCELLED"}
        deps.probe_python.cache_clear()
        ok, line = deps.probe_python(python)
        state.PYTHON_CHECK = f"{'OK' if ok else 'not usable'}: {line}"
        self.report({"INFO" if ok else "WARNING"}, f"DualTalk: {python}: {line}")
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
        state.INSTALL_LINES = installer.lines  # the preferences draw pip's output from here
        return installer.start()

    packages: bpy.props.StringProperty(
        name="Packages",
        description="Space-separated pip requirements to install instead of the default set (advanced)",
        options={"SKIP_SAVE"},
    )

    def _packages(self) -> tuple[str, ...]:
        return tuple(self.packages.split()) or deps.PACKAGES

    def finished(self, context, outcome: Outcome) -> Outcome:
        if outcome.ok:
            deps.probe_python.cache_clear()
            venv = panel_settings.model_dir(_prefs(context)) / deps.VENV_NAME
            return Outcome(True, f"DualTalk: dependencies installed in {venv}")
        return Outcome(False, f"DualTalk: {outcome.message}", outcome.cancelled)


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
        job = downloads.DownloadJob(url, panel_settings.model_dir(prefs), sha or None).start()
        state.set_status(context, running=True, task=self.task, message=f"downloading {url}")
        return job

    def finished(self, context, outcome: Outcome) -> Outcome:
        job = self._job
        if outcome.ok and self.what == "FLAME_MAP" and isinstance(job, downloads.DownloadJob):
            _prefs(context).flame_map = str(job.path)
        return Outcome(outcome.ok, f"DualTalk: {outcome.message}", outcome.cancelled)


CLASSES = (DUALTALK_OT_check_python, DUALTALK_OT_install_deps, DUALTALK_OT_download)
