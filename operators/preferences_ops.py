"""Preferences actions: check the worker Python, install dependencies, download models."""

from __future__ import annotations

import bpy

from ..dualtalk_blender.addon import deps, downloads, state, ui_run
from ..dualtalk_blender.addon.state import get_prefs
from ..inference.core.errors import DualTalkError


def _prefs(context):
    prefs = get_prefs(context)
    if prefs is None:
        raise DualTalkError("enable the DualTalk add-on first (its preferences are not available)")
    return prefs


class _Polled(bpy.types.Operator):
    """A modal operator around a pollable job; runs the loop itself in background mode."""

    task = ""

    def _begin(self, context):  # -> job or None
        raise NotImplementedError

    def _progress(self) -> tuple[float, str]:
        raise NotImplementedError

    def _done(self, context) -> set[str]:
        raise NotImplementedError

    def execute(self, context):
        try:
            self._job = self._begin(context)
        except DualTalkError as exc:
            self.report({"ERROR"}, f"DualTalk: {exc}")
            return {"CANCELLED"}
        state.wait(self._poll_job, lambda: self._job.state != "running")
        return self._finish(context)

    def invoke(self, context, event):
        if state.headless() or context.window is None:
            return self.execute(context)
        try:
            self._job = self._begin(context)
        except DualTalkError as exc:
            self.report({"ERROR"}, f"DualTalk: {exc}")
            return {"CANCELLED"}
        wm = context.window_manager
        self._timer = wm.event_timer_add(state.TIMER_STEP, window=context.window)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def _poll_job(self) -> None:
        poll = getattr(self._job, "poll", None)
        if poll is not None:
            poll()

    def modal(self, context, event):
        if event.type == "ESC":
            self._job.cancel()
        elif event.type != "TIMER":
            return {"PASS_THROUGH"}
        self._poll_job()
        fraction, message = self._progress()
        state.set_status(context, running=True, task=self.task, fraction=fraction, message=message)
        if self._job.state == "running":
            return {"RUNNING_MODAL"}
        context.window_manager.event_timer_remove(self._timer)
        return self._finish(context)

    def cancel(self, context):
        """Blender ends the modal run (file load, quit): stop the job."""
        self._job.cancel()
        try:
            context.window_manager.event_timer_remove(self._timer)
            state.set_status(context, running=False, last=f"DualTalk: {self.task} cancelled")
        except (ReferenceError, RuntimeError, AttributeError):
            pass

    def _finish(self, context) -> set[str]:
        return self._done(context)


class DUALTALK_OT_check_python(bpy.types.Operator):
    """Check that the inference Python can import torch, numpy<2, scipy and soundfile"""

    bl_idname = "dualtalk.check_python"
    bl_label = "Check Python"

    def execute(self, context):
        try:
            prefs = _prefs(context)
            python = deps.resolve_python(ui_run.abspath(prefs.python_path), ui_run.model_dir(prefs))
        except DualTalkError as exc:
            self.report({"ERROR"}, f"DualTalk: {exc}")
            return {"CANCELLED"}
        deps.probe_python.cache_clear()
        ok, line = deps.probe_python(python)
        state.PYTHON_CHECK = f"{'OK' if ok else 'not usable'}: {line}"
        self.report({"INFO" if ok else "WARNING"}, f"DualTalk: {python}: {line}")
        state.redraw(context)
        return {"FINISHED"}


class DUALTALK_OT_install_deps(_Polled):
    """Create a private Python environment in the model folder and install torch, numpy<2, scipy, soundfile"""

    bl_idname = "dualtalk.install_deps"
    bl_label = "Install Dependencies"
    task = "deps"

    def _begin(self, context):
        prefs = _prefs(context)
        venv_dir = ui_run.model_dir(prefs) / deps.VENV_NAME
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

    def _progress(self):
        done = self._job.step_index / max(len(self._job.steps), 1)
        last = self._job.lines[-1] if self._job.lines else self._job.label
        return done, last

    def _done(self, context):
        job = self._job
        if job.state == "done":
            deps.probe_python.cache_clear()
            msg = f"DualTalk: dependencies installed in {ui_run.model_dir(_prefs(context)) / deps.VENV_NAME}"
            state.set_status(context, running=False, fraction=1.0, last=msg)
            self.report({"INFO"}, msg)
            return {"FINISHED"}
        msg = f"DualTalk: installing dependencies {job.state}: {job.error}"
        state.set_status(context, running=False, last=msg)
        self.report({"WARNING" if job.state == "cancelled" else "ERROR"}, msg)
        return {"CANCELLED"}


class DUALTALK_OT_download(_Polled):
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

    def _begin(self, context):
        prefs = _prefs(context)
        if self.what == "CHECKPOINT":
            url, sha = prefs.checkpoint_url.strip(), prefs.checkpoint_sha256.strip()
        else:
            url, sha = prefs.flame_map_url.strip(), prefs.flame_map_sha256.strip()
        downloads.check_online(url, bpy.app.online_access)
        dest = ui_run.model_dir(prefs)
        state.set_status(context, running=True, task=self.task, message=f"downloading {url}")
        return downloads.DownloadJob(url, dest, sha or None).start()

    def _poll_job(self) -> None:
        self._job.wait(0.0)

    def _progress(self):
        return self._job.fraction, self._job.message

    def _done(self, context):
        job = self._job
        if job.state == "done":
            prefs = _prefs(context)
            if self.what == "FLAME_MAP":
                prefs.flame_map = str(job.path)
            msg = f"DualTalk: downloaded {job.path}"
            state.set_status(context, running=False, fraction=1.0, last=msg)
            self.report({"INFO"}, msg)
            return {"FINISHED"}
        msg = f"DualTalk: {job.error}"
        state.set_status(context, running=False, last=msg)
        self.report({"WARNING" if job.state == "cancelled" else "ERROR"}, msg)
        return {"CANCELLED"}


CLASSES = (DUALTALK_OT_check_python, DUALTALK_OT_install_deps, DUALTALK_OT_download)
