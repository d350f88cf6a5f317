"""The "DualTalk" tab in the 3D viewport sidebar (drawing only; actions are operators)."""

from __future__ import annotations

from typing import Any

import bpy

from ..dualtalk_blender.addon import file_takes, panel_options, pickers, preflight, ui_run
from ..dualtalk_blender.addon.fbx_job import TASK as FBX_TASK
from ..dualtalk_blender.addon.state import SETUP_TASKS, SETUP_WORDS


class DUALTALK_PT_main(bpy.types.Panel):
    bl_label = "DualTalk"
    bl_idname = "DUALTALK_PT_main"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "DualTalk"

    def draw(self, context):
        layout = self.layout
        if layout is None:  # Blender always gives a panel one to draw in
            return
        s = context.scene.dualtalk
        status = context.window_manager.dualtalk_status

        box = layout.box()
        box.label(text="Characters", icon="OUTLINER_OB_ARMATURE")
        resolved: dict[str, Any] = {}  # each pick's (mesh, armature), cached between redraws
        for attr, role in (("char_a", "A"), ("char_b", "B")):
            box.prop(s, attr)
            box.prop(s, f"map_{role.lower()}")  # a rig of its own: its map, instead of the shared one
            obj = getattr(s, attr)
            if obj is not None and not pickers.in_scene(obj, context.scene):
                # deleted with X: the picker still holds the object, no longer in any view
                box.label(text=GONE, icon="ERROR")
            elif obj is not None:
                # its map file, else the shared one, overrides the preset ("custom" to the rig summary)
                summary, resolved[attr] = pickers.picked_character(obj, *pickers.rig_choice(s, role))
                for i, line in enumerate(summary_lines(summary)):
                    box.label(text=line, icon="INFO" if i == 0 else "BLANK1", translate=False)
                if _has_armature(resolved[attr]):  # its head turns: which way is up (a Maya rig: Z)
                    box.prop(s, f"up_axis_{role.lower()}")
                elsewhere = pickers.other_scenes(resolved[attr], context.scene)
                if elsewhere:  # one object, one animation: seen before pressing Generate
                    line = f"also in {elsewhere}: a take here replaces the one it plays there"
                    for i, part in enumerate(summary_lines(line)):
                        box.label(text=part, icon="ERROR" if i == 0 else "BLANK1", translate=False)
        box.prop(s, "preset")
        box.prop(s, "map")

        box = layout.box()
        box.label(text="Audio", icon="SOUND")
        box.prop(s, "audio_form", text="Form")
        box.prop(s, "audio", text="Audio A" if s.audio_form == "TWO_FILES" else "Audio")
        if s.audio_form == "TWO_FILES":
            box.prop(s, "audio_b")
            box.prop(s, "offset_b")  # B's recorder started earlier (negative: later)
        elif s.audio_form == "MONO_TURNS":
            box.prop(s, "turns")
            box.prop(s, "speaker_a")
        box.prop(s, "swap")
        box.prop(s, "transcript")
        if s.transcript:  # the language it is written in (English: pocketsphinx; others: espeak-ng)
            box.prop(s, "transcript_language")
            box.prop(s, "transcript_language_b")  # B's own, in a conversation in two languages
            if kanji_not_read(s.transcript_language):  # Japanese, while the worker cannot read kanji
                box.label(text=KANA_ONLY, icon="INFO")
                box.label(text=KANJI_READER_INSTALL, icon="BLANK1")
        else:  # no script: the words may be recognised from the voices (English)
            box.prop(s, "recognise")
        box.prop(s, "use_range")
        if s.use_range:
            row = box.row(align=True)
            row.prop(s, "start")
            row.prop(s, "end")

        box = layout.box()
        box.label(text="Engine", icon="SETTINGS")
        box.prop(s, "engine", expand=True)
        if s.engine != "lite":  # empty: the embedded model (auto) or DualTalk.pth in the model folder
            box.prop(s, "checkpoint")
        box.prop(s, "device")
        box.prop(s, "rounds")
        if s.engine != "dualtalk":  # the published network writes FLAME: no lips to release or round
            box.prop(s, "lip_release")
            box.prop(s, "lip_rounding")

        box = layout.box()
        box.label(text="Options", icon="MODIFIER")
        col = box.column(align=True)
        for name in panel_options.names("intensity"):
            col.prop(s, name)
        box.prop(s, "smoothing")
        box.prop(s, "blinks")
        box.prop(s, "keys")
        row = box.row()
        row.prop(s, "markers")
        row.prop(s, "sound_strip")

        col = layout.column()
        if status.running and status.task == "generate":
            col.progress(factor=status.fraction, text=status.message[:60] or "working")
            col.operator("dualtalk.cancel", icon="CANCEL")
        else:
            if status.running and status.task in SETUP_TASKS:  # also carried on after another file was opened
                draw_setup_job(col, status)
            for warning in preflight.scene_warnings(context.scene):  # seen before pressing Generate
                for i, line in enumerate(summary_lines(warning)):
                    col.label(text=line, icon="ERROR" if i == 0 else "BLANK1", translate=False)
            draw_take_settings(layout, s, resolved)
            layout.prop(s, "take_name")  # a new name keeps the earlier take in the file (Takes below)
            col = layout.column()
            col.scale_y = 1.4
            col.operator("dualtalk.generate", icon="PLAY")
            row = layout.row()
            row.enabled = context.scene.use_preview_range
            row.operator("dualtalk.regenerate_range", icon="PREVIEW_RANGE")
            layout.operator("dualtalk.apply_take", text="Apply Saved Take...", icon="FILE_FOLDER")
            row = layout.row()
            row.enabled = can_remove_take(s, resolved)
            row.operator("dualtalk.remove_take", icon="TRASH")
        if status.last:  # the whole line, broken between words (the info report has it too)
            col = layout.column(align=True)
            for line in summary_lines(status.last):
                col.label(text=line, translate=False)
        for warning in deleted_warnings(s, resolved):  # a shape key or bone gone since the take
            col = layout.column(align=True)
            for i, line in enumerate(summary_lines(warning)):
                col.label(text=line, icon="ERROR" if i == 0 else "BLANK1", translate=False)
        draw_takes(layout, s, resolved)
        draw_layers(layout, s, context.scene, resolved)
        box = layout.box()
        box.prop(s, "fbx_path")
        box.prop(s, "fbx_scope", expand=True)
        box.prop(s, "fbx_per_character")
        box.operator("dualtalk.export_fbx", icon="EXPORT")
        if status.running and status.task == FBX_TASK:  # the export's own line and Cancel, under its button
            box.progress(factor=status.fraction, text=export_line(status.message), translate=False)
            cancel = box.operator("dualtalk.cancel", icon="CANCEL")
            if cancel is not None:
                cancel.task = status.task


GONE = "not in this scene (deleted?); choose it again"  # Generate's refusal says the same
SUMMARY_WIDTH = 100  # characters per line under a picker: a label is cut, not wrapped, by Blender


def _has_armature(parts: Any) -> bool:
    """Whether a picked character's (mesh, armature) has an armature: only then has its head an up
    axis to set (a face of shape keys alone turns no head)."""
    return parts is not None and parts[1] is not None


def summary_lines(text: str, width: int = SUMMARY_WIDTH) -> list[str]:
    """A picker's line in labels of at most ``width`` characters, broken between words, so advice at
    the end of a long line (a linked character's refusal) is shown whole."""
    import textwrap

    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


# under Script Language: Japanese while the worker's Python lacks the kanji reader: the words of the
# refusal of a line in kanji (``script_languages.writing_advice``), in two fixed (translated) labels
KANA_ONLY = "Write it in kana (espeak-ng cannot read kanji), or let kanji be read:"
KANJI_READER_INSTALL = "pip install sudachipy sudachidict_core (the add-on's Install dependencies adds them)"


def kanji_not_read(language: str) -> bool:
    """Whether a script in ``language`` is Japanese and the Python that will read it (the worker's:
    Blender's own, the add-on's venv or the preferences' interpreter) lacks the kanji reader. Looked
    up without importing it, and cached (``script_languages.kanji_reader_installed``)."""
    from ..dualtalk_blender.addon.deps import resolve_python
    from ..dualtalk_blender.addon.panel_settings import model_dir
    from ..dualtalk_blender.addon.state import get_prefs
    from ..inference.core.errors import DualTalkError
    from ..inference.phonetic.script_languages import is_japanese, spelling_hint

    if not is_japanese(language):
        return False
    prefs = get_prefs()
    try:
        python = (
            resolve_python(ui_run.abspath(prefs.python_path), model_dir(prefs), probe=False)
            if prefs
            else None
        )
    except DualTalkError:  # the preferences' interpreter is gone: Generate says so; Blender's own here
        python = None
    return bool(spelling_hint(language, python))


SETUP_MESSAGE_CHARS = 60  # of the job's own line (pip's), after its words (which no longer eat into it)


def iface_(text: str) -> str:
    """``text`` in the interface's language (the add-on's tables): what Blender does to a fixed label."""
    return bpy.app.translations.pgettext_iface(text)


def export_line(message: str) -> str:
    """The line in Export FBX's progress bar: what runs, in the interface's language, then the export's
    own stage as it said it ("sampling frame 1,500/3,000"), as the setup jobs' line is made (review
    rv39b 4: the bar drew the stage alone, untranslated, and the translated word never showed)."""
    words = iface_("exporting")
    return f"{words}: {message[:SETUP_MESSAGE_CHARS]}" if message else words


def draw_setup_job(layout, status) -> None:
    """A running install or download (``state.SETUP_WORDS``): its progress line, named in the
    interface's language, then the job's own line as it is (pip's output), and the Cancel that stops
    it, wherever it was started and also once another file was opened (its operator ended: no Esc
    reaches it then). Generate waits for it meanwhile (its poll), so this is the panel's one Cancel."""
    words, message = SETUP_WORDS[status.task].running, status.message
    if message.startswith(words):  # the job's first line names it already ("downloading <url>")
        message = message[len(words) :].lstrip(": ")
    text = f"{iface_(words)}: {message[:SETUP_MESSAGE_CHARS]}" if message else iface_(words)
    layout.progress(factor=status.fraction, text=text, translate=False)
    cancel = layout.operator("dualtalk.cancel", icon="CANCEL")
    if cancel is not None:
        cancel.task = status.task


def picked_idblocks(s, attr: str, resolved: dict[str, Any] | None = None) -> list[Any]:
    """The datablocks the layers of the character picked in ``attr`` live on
    (``layers.character_idblocks``), from its (mesh, armature) in ``resolved`` (this draw's) or in the
    panel's cache (``pickers.character_parts``): a redraw does not look the rig up again. [] for none."""
    from ..dualtalk_blender.scene import layers

    obj = getattr(s, attr)
    if obj is None:
        return []
    parts = resolved[attr] if resolved is not None and attr in resolved else pickers.character_parts(obj)
    return [] if parts is None else layers.character_idblocks(obj, parts)


def can_remove_take(s, resolved: dict[str, Any] | None = None) -> bool:
    """Remove Take is enabled: a chosen character carries a take (``remove_take.carries_take``) and no
    generation is running. ``resolved``: see :func:`picked_idblocks`."""
    from ..dualtalk_blender.scene import layers, remove_take

    if ui_run.generation_running():
        return False
    try:
        return any(
            remove_take.our_tracks(b) or layers.legacy_take(b) is not None
            for attr in ("char_a", "char_b")
            for b in picked_idblocks(s, attr, resolved)
        )
    except Exception:  # a half-set-up character: nothing to remove
        return False


def draw_take_settings(layout, s, resolved: dict[str, Any]) -> None:
    """*Use Take's Settings*, offered where the panel is not the take's: no character chosen in a
    file whose characters play a take (a .blend made by ``animate``), or settings the take was not
    made with, named (Re-generate Preview Range and Generate use the panel's)."""
    try:
        chosen = {attr: picked_idblocks(s, attr, resolved) for attr in resolved}
        differ = file_takes.differences(s, chosen) if chosen else []
        empty = not chosen and file_takes.file_plays_take()
    except Exception:  # a half-set-up character: nothing to compare
        differ, empty = [], False
    if not differ and not empty:
        return
    col = layout.column(align=True)
    col.label(text="The panel's settings are not the take's", icon="INFO")
    if differ:
        col.label(text=", ".join(differ), icon="BLANK1", translate=False)
    col.operator("dualtalk.use_take_settings", icon="IMPORT")


def draw_takes(layout, s, resolved: dict[str, Any]) -> None:
    """The takes the file holds of the chosen characters, once it holds more than one (a Generate
    under another *Take* name keeps the earlier one): which plays, and *Play* for each other one
    both characters hold (one only one holds is named for it, ``Bob only``: Play Take refuses it).
    ``resolved``: the characters drawn under their pickers this draw (see :func:`picked_idblocks`)."""
    try:
        chosen = [(getattr(s, attr), picked_idblocks(s, attr, resolved)) for attr in resolved]
        takes = file_takes.takes_in_file(chosen)
    except Exception:  # a half-set-up character: nothing to list
        takes = []
    if len(takes) < 2:
        return
    box = layout.box()
    box.label(text="Takes in this file", icon="ACTION")
    for take in takes:
        row = box.row()
        row.label(text=take_label(take.name), icon="PLAY" if take.playing else "BLANK1", translate=False)
        if take.only:  # a take one character holds (its partner's removed): named, Play needs both
            row.label(text=" and ".join(take.only), translate=False)
            row.label(text="only")
        if take.playing:
            row.label(text="playing")
        elif not take.only:
            op = row.operator("dualtalk.play_take", text="Play")
            if op is not None:
                op.take = take.name


def deleted_warnings(s, resolved: dict[str, Any]) -> list[str]:
    """A line for each picked character whose playing take keys a shape key or bone deleted since
    (:mod:`..dualtalk_blender.scene.deleted_parts`), drawn while it is so: its curves move nothing
    and no operator's line said it. ``resolved``: see :func:`picked_idblocks`."""
    from ..dualtalk_blender.scene.deleted_parts import deleted_parts, deleted_warning

    out = []
    for attr in resolved:
        try:
            parts = deleted_parts(picked_idblocks(s, attr, resolved))
        except Exception:  # a half-set-up character: nothing to say
            parts = []
        if parts:
            face = resolved[attr][0] if resolved[attr] is not None else getattr(s, attr)
            out.append(deleted_warning(face.name, parts))
    return out


def take_label(name: str) -> str:
    """A take's name in *Takes in this file*: quoted where spaces start or end it (a take of an earlier
    build: the panel's *Take* is stripped now), so 'v1 ' and ' v1' are not two rows that read "v1"."""
    return f"'{name}'" if name != name.strip() else name


def draw_layers(layout, s, scene=None, resolved: dict[str, Any] | None = None) -> None:
    """Each character's layers with their influence (a dragged slider holds; right-click it to key it); a character
    no longer in ``scene`` (deleted with X) is skipped. ``resolved``: see :func:`picked_idblocks`."""
    from ..dualtalk_blender.scene import layers

    rows = []
    for attr in ("char_a", "char_b"):
        obj = getattr(s, attr)
        drawn = resolved is not None and attr in resolved  # under its picker this draw: in the scene
        if obj is None or (scene is not None and not drawn and not pickers.in_scene(obj, scene)):
            continue
        try:
            infos = layers.character_layers(picked_idblocks(s, attr, resolved))
        except Exception:  # a half-set-up character: nothing to list
            infos = []
        if infos:
            rows.append((obj, infos))
    if not rows:
        return
    box = layout.box()
    box.label(text="Layers", icon="NLA")
    for obj, infos in rows:
        col = box.column(align=True)
        col.label(text=obj.name, translate=False)
        for info in infos:
            suffix = "" if info.idblock.id_type == "KEY" else " (bones)"
            col.prop(info.strip, "influence", text=f"{info.layer}{suffix}", slider=True, translate=False)


class DUALTALK_PT_behaviour(bpy.types.Panel):
    """Blinks, eye contact, head motion and nods, brows and smiles added after the engine."""

    bl_label = "Behaviour"
    bl_idname = "DUALTALK_PT_behaviour"
    bl_parent_id = "DUALTALK_PT_main"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "DualTalk"

    def draw(self, context):
        layout = self.layout
        if layout is None:  # Blender always gives a panel one to draw in
            return
        s = context.scene.dualtalk
        row = layout.row(align=True)
        row.prop(s, "behaviour_mood", text="")
        row.prop(s, "behaviour_seed")
        if s.behaviour_seed < 0:  # held as its signed 32-bit view: say the seed the command line takes
            seed = s.behaviour_seed % panel_options.UINT32
            layout.label(text=f"Seed {seed} (as on the command line and in shot files)", translate=False)
        layout.prop(s, "behaviour_mood_b")
        layout.prop(s, "gaze")
        sub = layout.column()
        sub.enabled = s.gaze
        sub.prop(s, "head_turn")
        sub.prop(s, "side_by_side")
        layout.prop(s, "behaviour_custom")
        if s.behaviour_custom:
            col = layout.column(align=True)
            for option in panel_options.ENGINE_SIDE:
                if option.kind == "amount":
                    col.prop(s, panel_options.property_names(option)[0][0])


CLASSES = (DUALTALK_PT_main, DUALTALK_PT_behaviour)
