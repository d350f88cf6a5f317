"""A shot refused before any work, and the settings it would ignore named up front.

:func:`check_shot` checks every input, map, option and output path of a shot before Blender opens
anything; :func:`check_output_folders` is the part a job checks for all its shots before the first
one runs, so a read-only folder fails its shot at once, not after hours of work. Once the scene is
open, :func:`find_object` and :func:`check_fbx_exportable` refuse characters it cannot key or
export, and :func:`check_video_picture` a video size its encoder refuses; :func:`warn_unused_render` and :func:`warn_unused_engine` say which settings a shot gives
but will not use. Every refusal and its wording (flags for a command line, keys for a job file:
:func:`field_names`) in one place, apart from the run.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from ...inference.core.inputs import check_input_file
from .jobs import Shot, fbx_files, intermediates, work_folder
from .shot_reads import ignored_inputs


def warn_unused_render(given: list[str], render: str, where: str = "") -> None:
    """Say that render settings given without a render are ignored (``given``: how the user named
    them, ``where``: which shot of a job file), instead of dropping them silently."""
    if given:
        verb = "apply" if len(given) > 1 else "applies"
        logging.getLogger(__name__).warning(
            "%s%s %s only with %s; ignored", where, " and ".join(given), verb, render
        )


def warn_unused_engine(
    given: list[str], where: str = "", motion: str = "--motion-a/--motion-b", *, gaze_off: bool = False
) -> None:
    """Say that behaviour and lip settings do not reach motion files that were given (the layer
    ran when they were made), instead of keying them as they are without a word. ``gaze_off``: the
    gaze setting given is off, which does reach the take: it switches off the eye contact keyed in
    Blender (``options.link``), so it is said as that, not as ignored (review rv39f F5: with it the
    head yaw went from 73 to 3.5 degrees while the run said the flag had no effect)."""
    gaze = [name for name in given if name.lstrip("-") == "gaze"] if gaze_off else []
    if gaze:
        given = [name for name in given if name not in gaze]
        logging.getLogger(__name__).warning(
            "%s%s off: the eye contact keyed in Blender is off (no head turns or eye aims toward the "
            "partner); the looks in the motion files stay as they were made",
            where, gaze[0],
        )  # fmt: skip
    if given:
        logging.getLogger(__name__).warning(
            "%s%s shape%s the engine's take, which does not run with %s: the motion files keep the "
            "blinks, looks and lips they were made with (make them with these settings: infer)",
            where, ", ".join(given), "" if len(given) > 1 else "s", motion,
        )  # fmt: skip


def field_names(job: bool) -> dict[str, str]:
    """How a shot's run fields are named to the user: flags on the command line (``--out``), the job
    file's keys in a job (``out``; a job shot that said ``--out`` named no field of its file)."""
    keys = ("blend", "char_a", "char_b", "out", "fbx", "render", "work")
    return {k: k if job else f"--{k.replace('_', '-')}" for k in keys}


def check_shot(shot: Shot, *, root: Path | None = None, job: bool = False) -> None:
    """Refuse a shot before any work: every input, map, option and output path is checked here.

    Every file the shot will create or replace (outputs and intermediates) is resolved to
    its real path and must not be an input, hold an input, or (for a job, ``root``) lead
    outside the job folder; each output's folder must be creatable and writable. ``job``: name
    the job file's fields, not the flags.
    """
    from ...inference.core import outputs
    from ..rig.flame_arkit import load_arkit_flame_map
    from ..rig.mapping import load_mapping
    from ..scene.render import check_render_folder, check_video_encoder

    f = field_names(job)
    check_input_file(shot.blend, f["blend"])
    # Blender's backups (.blend1, .blend2 ...) are whole .blend files and open as such
    if not re.fullmatch(r"\.blend\d*", shot.blend.suffix.lower()):
        raise DualTalkError(f"{f['blend']} {shot.blend.name} is not a .blend file")
    if shot.out.suffix.lower() != ".blend":
        raise DualTalkError(f"{f['out']} must end in .blend, got {shot.out.name!r}")  # quoted: a space shows
    if shot.fbx is not None and shot.fbx.suffix.lower() != ".fbx":
        raise DualTalkError(f"{f['fbx']} must end in .fbx, got {shot.fbx.name}")
    inputs = [
        ("input scene", shot.blend),
        ("input audio", shot.audio),
        ("input audio of B", shot.audio_b),
        ("input turns file", shot.turns),
        ("input motion A", shot.motion_a),
        ("input motion B", shot.motion_b),
        ("input map", shot.map),
        ("input map of A", shot.map_a),
        ("input map of B", shot.map_b),
        ("input FLAME map", shot.flame_map),
        ("input checkpoint", shot.checkpoint),
    ]
    _check_own_maps(shot, job)  # first: named by their flags, not "map of A file"
    ignored = {option.name for option in ignored_inputs(shot)}  # read by no part of a motion-file shot's run
    for label, p in inputs[4:]:
        if p is not None and not (label == "input checkpoint" and "checkpoint" in ignored):
            check_input_file(p, f"{label.removeprefix('input ')} file")
    _check_name(shot.char_a, f["char_a"])
    _check_name(shot.char_b, f["char_b"])
    if _nfc(shot.char_a) == _nfc(shot.char_b):  # one name in two Unicode forms: one object (_same_text)
        raise DualTalkError(f"{f['char_a']} and {f['char_b']} name the same object")
    shot.request().validate()
    shot.options.validate()
    # maps are parsed now, not after the engine ran and the .blend was written
    if shot.map is not None:
        load_mapping(shot.map)
    if shot.flame_map is not None:
        load_arkit_flame_map(shot.flame_map)
    work = work_folder(shot)
    _check_sound_path(shot, work, f)
    video = _renders_video(shot)
    fbx = [(f["fbx"], p) for p in fbx_files(shot)]  # one per character with --fbx-per-character
    files = [(f["out"], shot.out), *fbx, (f["render"], shot.render if video else None)]
    files += [(f"work file ({f['work'] if shot.work else 'default'})", work / n) for n in intermediates(shot)]
    folders = [(f["render"], shot.render if shot.render is not None and not video else None)]
    if intermediates(shot):
        folders.append((f["work"], work))
    outputs.check_write_plan(files, inputs, folders=folders, root=root)
    own: list[tuple[str, Path | None, bool]] = [(f["out"], shot.out, False)]
    own += [(label, p, False) for label, p in fbx] + [(f["render"], shot.render, not video)]
    if intermediates(shot):
        own.append((f["work"] if shot.work else "the work folder", work, True))
    _check_overlaps([(label, p, is_folder) for label, p, is_folder in own if p is not None])
    check_output_folders(shot, job=job)
    if shot.render is not None:
        if video:
            check_video_encoder()
        else:
            check_render_folder(shot.render)
    if intermediates(shot):
        _check_work_folder(work, intermediates(shot), f["work"] if shot.work else "work folder")


def _check_own_maps(shot: Shot, job: bool) -> None:
    """Each character's own map (``--map-a`` / ``--map-b``) read now, a bad one refused in one line
    naming its flag (its key in a job): which of the two files to fix."""
    from ..rig.mapping import load_mapping
    from ..rig.options import SCENE_BY_NAME

    for name in ("map_a", "map_b"):
        path = getattr(shot, name)
        if path is None:
            continue
        said = name if job else SCENE_BY_NAME[name].flag
        check_input_file(path, f"{said} file")
        try:
            load_mapping(path)
        except DualTalkError as exc:
            raise DualTalkError(f"{said}: {exc}") from None


def _check_work_folder(work: Path, names: list[str], label: str) -> None:
    """A work folder's files may be replaced only where DualTalk wrote them: a folder ``animate``
    marked as its own, or the motion files of a take ``infer --out`` wrote there (infer marks no
    folder; its files record the engine and the recording that made them), which this run replaces
    as ``infer --out`` on that folder would. Anything else there under those names (the user's own
    files, motion files made by hand or by another tool) is refused in one line."""
    from ...inference.core import outputs

    if not (work / outputs.WORK_MARKER).is_file():
        names = [n for n in names if not (n.endswith(".npz") and _made_by_infer(work / n))]
    outputs.check_work_folder(work, names, label)


def _made_by_infer(path: Path) -> bool:
    """Whether ``path`` is a motion file of a take DualTalk's engine made (as ``infer`` writes them)."""
    from ...inference.core.motion import is_motion_file, load_motion

    if not path.is_file() or path.is_symlink() or not is_motion_file(path):
        return False
    try:
        motion = load_motion(path)
    except DualTalkError:
        return False
    return bool(motion.engine) and isinstance(motion.meta.get("source"), dict)


def _renders_video(shot: Shot) -> bool:
    from ..scene.render import VIDEO_SUFFIXES

    return shot.render is not None and shot.render.suffix.lower() in VIDEO_SUFFIXES


def check_output_folders(shot: Shot, *, job: bool = False) -> None:
    """Each of the shot's outputs can be created where it goes (its folder exists or can be made, and
    is writable; no folder where a file goes): for a job, every shot is checked so before the first
    one runs, and a read-only ``out`` folder fails its shot at the start, not after hours of work."""
    from ...inference.core import outputs

    f = field_names(job)
    outputs.check_target(shot.out, f["out"])
    for fbx in fbx_files(shot):
        outputs.check_target(fbx, f["fbx"])
    if shot.render is not None:
        if _renders_video(shot):
            outputs.check_target(shot.render, f["render"])
        else:
            outputs.check_folder_target(shot.render, f["render"])
    if intermediates(shot):
        work = work_folder(shot)
        why = outputs.too_long(work) if shot.work is None else None
        if why is not None:  # a legal name for out, too long once ".blend" becomes ".dualtalk"
            raise DualTalkError(
                f"work folder {work} (made from {f['out']}: its name with .dualtalk): {why}; give "
                f"{f['out']} a shorter name, or give {f['work']} a folder"
            )
        outputs.check_folder_target(work, f["work"] if shot.work else "work folder")


def _check_overlaps(targets: list[tuple[str, Path, bool]]) -> None:
    """Refuse outputs that collide with each other (``--work`` at the ``--out`` path, or at the
    ``--render`` folder): found only when writing, they failed after the engine ran and left a
    folder named OUT.blend, or a frames folder no later render would accept."""
    from ...inference.core.outputs import real

    reals = [(label, p, real(p), is_folder) for label, p, is_folder in targets]
    for i, (label, p, rp, _) in enumerate(reals):
        for other, op, orp, other_is_folder in reals[:i] + reals[i + 1 :]:
            if rp == orp:
                raise DualTalkError(f"{label} {p} is the same path as {other} {op}; give each its own")
            if orp in rp.parents and (not other_is_folder or other == "--render"):
                what = "a file" if not other_is_folder else "the render folder, which holds only frames"
                raise DualTalkError(f"{label} {p} lies inside {other} {op} ({what}); choose another path")


def _check_name(name: str, label: str) -> None:
    """A character's name must be text: a Blender name is UTF-8, and bpy fails inside its own call
    (SystemError) when asked for ``$'\\xff'`` (a byte that is not UTF-8) or a JSON ``"\\ud800"``."""
    from ..rig.options import escaped, is_unicode

    if not is_unicode(name):
        raise DualTalkError(
            f"{label} '{escaped(name)}' is not valid Unicode text, so no Blender object has that name"
        )


def _check_sound_path(shot: Shot, work: Path, f: dict[str, str]) -> None:
    """A file name need not be UTF-8 and Blender writes such a .blend, FBX or render; but its sound
    strips take only UTF-8 paths (``strips.new_sound`` fails inside its call), and the shot's strip
    plays ``dialogue.wav`` in the work folder, named after ``--out`` unless ``--work`` is given."""
    from ..rig.options import escaped, is_unicode

    wav = work / "dialogue.wav"
    if "dialogue.wav" in intermediates(shot) and not is_unicode(str(wav)):
        locale = _locale_spelling(wav)
        if locale is not None:  # good UTF-8 bytes, read by a locale whose file names are ASCII (rv40c F7)
            shown, encoding = locale
            raise DualTalkError(
                f"work file {escaped(shown)}: its path is UTF-8, but this locale reads file names as "
                f"{encoding}, and Blender's sound strips take only UTF-8 paths; set PYTHONUTF8=1 or a "
                "UTF-8 locale (LC_ALL=C.UTF-8)"
            )
        fix = f["work"] if shot.work is not None else f"{f['out']} a UTF-8 name, or give {f['work']}"
        raise DualTalkError(
            f"work file {escaped(str(wav))}: its path is not valid UTF-8, and Blender's sound strips "
            f"take only UTF-8 paths; give {fix} a folder whose path is UTF-8"
        )


def _locale_spelling(path: Path) -> tuple[str, str] | None:
    """``path`` as text and the locale's file-name encoding, where its bytes are UTF-8 but the locale
    is not (``LC_ALL=C`` with Python's UTF-8 mode off): the user's path is fine, the locale is the
    cause (a job says so in its own words: ``jobs._unencodable``). None where the bytes are not UTF-8."""
    import codecs
    import os
    import sys

    encoding = sys.getfilesystemencoding()
    if codecs.lookup(encoding).name == "utf-8":
        return None
    try:
        return os.fsencode(path).decode("utf-8"), encoding
    except UnicodeDecodeError:
        return None


def find_object(bpy: Any, name: str, label: str, scene: Any, blend: Path) -> Any:
    """The object named ``name``, linked into ``scene`` (the one ``blend`` opens with): a character
    of another scene would be keyed at this scene's frame rate, and its sound strip, markers and
    range would go into a scene that does not hold it."""
    from ..rig.options import escaped

    _check_name(name, label)
    obj = bpy.data.objects.get(name) or _same_text(bpy, name)
    if obj is None:
        names = sorted(o.name for o in bpy.data.objects if o.type in ("MESH", "ARMATURE"))
        listed = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
        folded = [n for n in names if n.casefold() == name.casefold()]
        hint = (
            f" (did you mean {' or '.join(repr(n) for n in folded)}? names are case-sensitive)"
            if folded
            else ""
        )
        raise DualTalkError(
            f"{label} {name!r} is not in the scene{hint} (meshes/armatures: {listed or 'none'})"
        )
    if not any(sc == scene for sc in obj.users_scene):
        others = sorted(sc.name for sc in obj.users_scene)
        where = (
            f"it is in scene{'s' if len(others) > 1 else ''} {', '.join(repr(n) for n in others)}; "
            f"save {escaped(blend.name)} with {'that scene' if len(others) == 1 else 'its scene'} active"
            if others
            else f"it is in no scene; link it into {scene.name!r}"
        )
        raise DualTalkError(
            f"{label} {name!r} is not in scene {scene.name!r}, the scene {escaped(blend.name)} opens "
            f"with ({where})"
        )
    return obj


def named_in(names: set[str], name: str) -> bool:
    """Whether :func:`find_object` finds ``name`` among ``names`` (a .blend's own objects, read
    without loading it): the name itself, or one name in another Unicode form."""
    if name in names:
        return True
    want = _nfc(name)
    return sum(_nfc(n) == want for n in names) == 1


def check_video_picture(scene: Any, shot: Shot, *, job: bool = False) -> None:
    """Refuse the shot's video (if it renders one) at a size its encoder refuses, judged with the
    scene open: its stereo layout and render border decide the picture written (``--resolution
    17x16`` side by side is a 34x16 video). The size as given, in a scene of one view, uncropped,
    reads as the flag's own line, as when it was refused before the scene was open."""
    from ..scene.render import check_video_size, render_size, stereo_layout
    from .render_args import check_video_resolution

    if shot.render is None:
        return
    views, _words = stereo_layout(scene)
    if not job and views == (1, 1) and not render_size(scene, shot.resolution)[2]:
        check_video_resolution(shot.render, shot.resolution, "--resolution", views=views)
    check_video_size(scene, shot.render, shot.resolution, job=job)


def _same_text(bpy: Any, name: str) -> Any:
    """The one object whose name is ``name`` in another Unicode form (NFD, as a macOS terminal or
    Finder types "Ä", against the NFC a .blend usually holds): the same text, which Blender's exact
    lookup misses. None when no object, or more than one, reads so."""
    want = _nfc(name)
    found = [o for o in bpy.data.objects if _nfc(o.name) == want]
    return found[0] if len(found) == 1 else None


def _nfc(text: str) -> str:
    """``text`` in Unicode's composed form (NFC): "Ä" typed as A and a combining mark reads as "Ä"."""
    return unicodedata.normalize("NFC", text)


def check_fbx_exportable(characters: tuple[Any, Any], scope: str) -> None:
    """Refuse an FBX the exporter would refuse before any work: found at export time, it came after
    the .blend was written, left looking done."""
    from ..scene.fbx_export import check_exportable

    try:
        check_exportable(characters, scope, hint="show it, or drop --fbx")
    except DualTalkError as exc:
        raise DualTalkError(f"--fbx: {exc}") from None
