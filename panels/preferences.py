"""Add-on preferences: model folder, worker Python, dependency install, model downloads."""

from __future__ import annotations

import bpy
from bpy.props import IntProperty, StringProperty

from ..dualtalk_blender.addon import kept_preferences, state
from ..dualtalk_blender.addon.downloads import CHECKPOINT_URL
from ..dualtalk_blender.addon.state import ADDON_ID
from .main_panel import summary_lines


def _download_button(layout: bpy.types.UILayout, text: str, what: str, busy: bool) -> None:
    """A button that runs ``dualtalk.download`` for ``what`` (CHECKPOINT or FLAME_MAP), greyed
    while a job runs: a second download would write the same .part file."""
    row = layout.row()
    row.enabled = not busy
    op = row.operator("dualtalk.download", text=text, icon="IMPORT")
    if op is not None:
        op.what = what


def _kept(prefs: bpy.types.AddonPreferences, _context: bpy.types.Context) -> None:
    """A preference changed: the copy kept for when the add-on is ticked again follows it, so a value
    cleared by hand is not brought back (``kept_preferences``)."""
    kept_preferences.keep(prefs)


def _forget_python_check(prefs: bpy.types.AddonPreferences, context: bpy.types.Context) -> None:
    """The interpreter changed: the line beside Check Python spoke of another one."""
    state.PYTHON_CHECK = ""
    _kept(prefs, context)


def _size(n: int) -> str:
    """Bytes as the preferences say them: ``1.3 GB``, ``240 MB``."""
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


def _saved_takes(layout: bpy.types.UILayout, prefs: bpy.types.AddonPreferences) -> None:
    """How many takes were kept (a character or the scene deleted while generating) and where,
    with the button that deletes them, after how many days they go on their own (at start: the line
    of what went), and a warning once they hold more than ``saved_takes.WARN_BYTES``."""
    from ..dualtalk_blender.addon import saved_takes

    takes = saved_takes.kept_takes()
    box = layout.box()
    box.label(text="Saved takes", icon="FILE_FOLDER")
    box.prop(prefs, "kept_takes_days")
    if saved_takes.PRUNED:
        box.label(text=saved_takes.PRUNED.removeprefix("DualTalk: "), translate=False)
    if not takes:
        box.label(text="none kept")
        return
    held = saved_takes.takes_size(takes)
    box.label(
        text=f"{len(takes)} kept in {takes[0].parent} ({held / 1e6:.1f} MB); newest: {takes[-1].name}",
        translate=False,
    )
    if held > saved_takes.WARN_BYTES:
        box.label(
            text=f"Kept takes hold {_size(held)}: apply the ones you need, then delete them",
            icon="ERROR",
            translate=False,
        )
    box.operator("dualtalk.delete_saved_takes", icon="TRASH")


def _kept_caches(layout: bpy.types.UILayout) -> None:
    """What DualTalk keeps between runs under its home folder, so work is not done twice: each
    cache, what it is for, how many recordings, how much disk and where, with the button that clears
    it, and one that clears both."""
    from ..dualtalk_blender.addon import recognised_words

    line, words_kept = recognised_words.held_line(recognised_words.WORDS)
    box = layout.box()
    box.label(text="Recognised words", icon="SPEAKER")
    box.label(text="What Recognise Words heard: a range or a take run again is not recognised again")
    if not line:
        box.label(text="no recognised words kept")
    else:
        box.label(text=line, translate=False)
    if words_kept:
        box.operator("dualtalk.clear_recognised_words", icon="TRASH")

    line, cues_kept = recognised_words.held_line(recognised_words.CUES)
    box = layout.box()
    box.label(text="Recording cues", icon="GRAPH")
    box.label(text="What a take measured in its recording: a re-generated range reads it instead")
    if not line:
        box.label(text="no recording cues kept")
    else:
        box.label(text=line, translate=False)
    if cues_kept:
        box.operator("dualtalk.clear_recording_cues", icon="TRASH")

    if words_kept and cues_kept:
        layout.operator("dualtalk.clear_kept_caches", icon="TRASH")


class DUALTALK_AP_preferences(bpy.types.AddonPreferences):
    bl_idname = ADDON_ID

    model_dir: StringProperty(
        name="Model folder",
        subtype="DIR_PATH",
        description="Where checkpoints, maps and the private Python environment go (empty: ~/.cache/dualtalk)",
        update=_forget_python_check,  # the private environment it holds may be the Python checked
    )
    python_path: StringProperty(
        name="Python with torch",
        subtype="FILE_PATH",
        description="Interpreter that runs inference (empty: Blender's own if it has torch, else the private environment)",
        update=_forget_python_check,
    )
    index_url: StringProperty(
        update=_kept,
        name="Package index",
        description="pip index URL for Install Dependencies (empty: PyPI)",
    )
    checkpoint_url: StringProperty(
        update=_kept,
        name="Checkpoint URL",
        default=CHECKPOINT_URL,
        description=(
            "Where Download DualTalk Checkpoint fetches DualTalk.pth (default: the authors' Hugging Face "
            "repository). The weights are the DualTalk authors', under the authors' terms, which you must "
            "check before use; this add-on does not redistribute them and its GPL does not cover them"
        ),
    )
    checkpoint_sha256: StringProperty(
        update=_kept, name="Checkpoint sha256", description="Expected sha256 (optional)"
    )
    flame_map_url: StringProperty(
        update=_kept,
        name="FLAME map URL",
        description=(
            "Where to fetch the ARKit/FLAME 51x103 linear map (.npy/.npz/.json/.csv). A published map "
            "(e.g. from the BEAT2 tools) may carry a non-commercial licence: check it before use. "
            "Without a map, only jaw and head transfer (built in, no licence needed)"
        ),
    )
    flame_map_sha256: StringProperty(
        update=_kept, name="Map sha256", description="Expected sha256 (optional)"
    )
    flame_map: StringProperty(
        update=_kept,
        name="FLAME map file",
        subtype="FILE_PATH",
        description="ARKit/FLAME map used when rig and engine spaces differ",
    )

    kept_takes_days: IntProperty(
        update=_kept,
        name="Delete Kept Takes After (days)",
        default=14,  # saved_takes.PRUNE_DAYS
        min=0,
        max=3650,
        description=(
            "When the add-on starts, delete the takes kept in the temp folder last changed this many days "
            "ago (never one the open file uses or a running Blender kept); 0: never"
        ),
    )

    @classmethod
    def register(cls) -> None:
        """Blender calls this as the add-on starts: the kept takes are pruned once, just after."""
        from ..dualtalk_blender.addon import saved_takes

        saved_takes.start_pruning()

    @classmethod
    def unregister(cls) -> None:
        from ..dualtalk_blender.addon import saved_takes

        saved_takes.stop_pruning()

    def draw(self, context):
        from ..inference.build_info import build_id

        layout = self.layout
        status = context.window_manager.dualtalk_status
        # the build a bug report names; takes record it too (python -m dualtalk --version prints it)
        layout.label(text=f"Build {build_id()}", icon="INFO", translate=False)
        layout.prop(self, "model_dir")

        box = layout.box()
        box.label(text="Inference Python", icon="CONSOLE")
        box.prop(self, "python_path")
        row = box.row()
        row.operator("dualtalk.check_python", icon="CHECKMARK")
        row.label(text=state.PYTHON_CHECK or "not checked yet")
        box.prop(self, "index_url")
        row = box.row()
        row.enabled = not status.running
        row.operator("dualtalk.install_deps", icon="IMPORT")
        if state.INSTALL_LINES:
            col = box.column(align=True)
            for line in list(state.INSTALL_LINES)[-8:]:
                col.label(text=line[:120], translate=False)  # pip's output: the tail of a line says little

        _saved_takes(layout, self)
        _kept_caches(layout)

        box = layout.box()
        box.label(text="Downloads", icon="URL")
        if not bpy.app.online_access:
            box.label(text="Online access is disabled (Preferences > System > Network)", icon="ERROR")
        box.prop(self, "checkpoint_url")
        box.prop(self, "checkpoint_sha256")
        _download_button(box, "Download DualTalk Checkpoint", "CHECKPOINT", status.running)
        box.separator()
        box.prop(self, "flame_map_url")
        box.prop(self, "flame_map_sha256")
        _download_button(box, "Download FLAME Map", "FLAME_MAP", status.running)
        box.prop(self, "flame_map")
        if status.running and status.task in state.SETUP_TASKS:
            row = box.row()
            row.progress(factor=status.fraction, text=status.message[:80])
            # this job's, not a generation running beside it; also once another file was opened (no Esc then)
            cancel = row.operator("dualtalk.cancel", icon="CANCEL")
            if cancel is not None:
                cancel.task = status.task
        elif status.last:  # the whole line, broken between words
            col = box.column(align=True)
            for line in summary_lines(status.last):
                col.label(text=line, translate=False)


CLASSES = (DUALTALK_AP_preferences,)
