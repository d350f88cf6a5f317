"""A take's recording on the timeline: which files it was made from, and its sound strips.

:class:`TakeSound` fixes the recording when Generate is pressed (a file changed while the worker
runs never plays under the take), or finds it for a take kept on disk (its ``result.json``, or the
motion files' record of the recording, by contents); :func:`place_sound_strips` puts it in the
sequencer in step with the keys, two files recorded apart included. A recording inside the installed
extension (the bundled demo dialogue) plays from a copy where it lasts (:func:`lasting_copy`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy

from ...inference.core.errors import DualTalkError
from ..rig.plan import recorded_offset_b
from ..scene.paths import abspath
from ..scene.sound import add_dialogue_strip, blend_relative, remove_our_strips

ADDON_ROOT = Path(__file__).resolve().parents[2]
"""The add-on's own folder: installed (no ``.git``, ``inference/build_info``'s rule) Blender deletes it
on uninstall and replaces it on update, and every file in it with it."""
RECORDINGS = "recordings"  # the copies for an unsaved .blend, under $DUALTALK_HOME or ~/.cache/dualtalk


@dataclass(frozen=True)
class TakeSound:
    """The recording a take was made from, and whether to place it: fixed when Generate is pressed,
    so a file (or *Form*, or *Sound strip*) changed while the worker runs never plays under the take."""

    files: tuple[str, ...]  # one recording (both voices), or A's and B's files
    place: bool = True  # the panel's *Sound strip*: off removes an earlier take's strip instead
    # each file was chosen ``//``-relative in the panel: its strip keeps it so
    relative: tuple[bool, ...] = ()
    offset_b: float = 0.0  # two files: B's started this many seconds before A's (*B Starts Earlier By*)

    @property
    def roles(self) -> tuple[str, ...]:
        """Strip roles: one recording is named as animate and the demo name it."""
        return ("A", "B") if len(self.files) == 2 else ("dialogue",)

    @classmethod
    def of_panel(cls, s: Any) -> TakeSound:
        """What the panel names now (a kept take made before its recording was saved with it)."""
        two = s.audio_form == "TWO_FILES"
        chosen = [s.audio] + ([s.audio_b] if two else [])
        files = [abspath(c) for c in chosen]
        offset = float(getattr(s, "offset_b", 0.0) or 0.0) if two else 0.0
        return cls(tuple(files), bool(getattr(s, "sound_strip", True)), _relative(chosen), offset)

    @classmethod
    def of_job(cls, audio: dict[str, Any], place: bool, settings: Any = None) -> TakeSound:
        """The worker job's recording: the files the take is animated from (``settings``: the panel
        that chose them, to keep a ``//`` choice ``//``-relative)."""
        files = [audio.get("audio") or ""] + ([audio["audio_b"]] if audio.get("audio_b") else [])
        chosen = [] if settings is None else [settings.audio, settings.audio_b][: len(files)]
        offset = recorded_offset_b(audio) if len(files) == 2 else 0.0
        return cls(tuple(str(f) for f in files), place, _relative(chosen), offset)

    @classmethod
    def of_result(cls, result: dict[str, Any], place: bool) -> TakeSound | None:
        """The recording a kept take's ``result.json`` names (``audio_files``); None when it names none."""
        files = result.get("audio_files")
        if not isinstance(files, list) or not 1 <= len(files) <= 2:
            return None
        if not all(isinstance(f, str) for f in files):
            return None
        source = result.get("source")  # the shift B's file was read with, as the take's audio records it
        offset = recorded_offset_b(source) if isinstance(source, dict) and len(files) == 2 else 0.0
        return cls(tuple(files), place, offset_b=offset)

    @classmethod
    def of_motion(cls, motion_path: Path, s: Any, warnings: list[str]) -> TakeSound | None:
        """The recording a take folder without ``result.json`` (``infer --out``) was made from, as its
        motion file records it (``meta["source"]``: the file names and their contents' fingerprint,
        ``inference/audio/dialogue.recording_fingerprint``): the panel's audio when it is that
        recording, else the recorded file where it is found (as recorded, or from the take's folder
        or one above it) with the same contents, else no strip; ``warnings`` says when the panel's
        audio is another recording. None: the motion records none (the panel's audio, as before)."""
        from ...inference.core.motion import load_motion

        panel = cls.of_panel(s)
        if not panel.place:  # no strip either way (an earlier one is removed)
            return panel
        source = load_motion(motion_path).meta.get("source")
        if not isinstance(source, dict) or not source.get("audio"):
            return None
        recorded = [str(source["audio"])] + ([str(source["audio_b"])] if source.get("audio_b") else [])
        fingerprint = str(source.get("fingerprint") or "")
        names = " and ".join(Path(f).name for f in recorded)
        offset = recorded_offset_b(source) if len(recorded) == 2 else 0.0
        if _same_recording(list(panel.files), recorded, fingerprint):
            return cls(panel.files, True, panel.relative, offset)
        panel_files = " and ".join(Path(f).name for f in panel.files if f) or "no file"
        if _same_sound(list(panel.files), recorded, source.get("sound")):  # re-encoded for the edit
            warnings.append(
                f"the panel's audio ({panel_files}) is another encoding of {names}, the recording this take "
                "was made from (other bytes, the same sound): its sound strip plays the panel's audio"
            )
            return cls(panel.files, True, panel.relative, offset)
        found = _find_recording(recorded, fingerprint, motion_path.parent)
        if found is not None:
            if any(panel.files):
                warnings.append(
                    f"this take was made from {names}, not the panel's audio ({panel_files}): "
                    f"its sound strip plays that recording, found at {found[0]}"
                )
            return cls(tuple(found), True, offset_b=offset)
        warnings.append(
            f"this take was made from {names}, which was not found, and the panel's audio ({panel_files}) "
            f"is another recording: no sound strip placed; choose {names} as the audio and apply the take again"
        )
        return cls(panel.files, False, panel.relative, offset)


def _same_recording(files: list[str], recorded: list[str], fingerprint: str) -> bool:
    """Whether ``files`` are the recording a take records: by contents where it records them, else
    by file names (a motion file made before takes recorded a fingerprint)."""
    from ...inference.audio.dialogue import recording_fingerprint

    if not _as_many_files(files, recorded):
        return False
    if fingerprint:
        return recording_fingerprint([Path(f) for f in files]) == fingerprint
    return [Path(f).name for f in files] == [Path(r).name for r in recorded]


def _same_sound(files: list[str], recorded: list[str], sound: Any) -> bool:
    """Whether ``files`` hold the sound a take records (``source["sound"]``, since 2026-12: length
    and loudness over time, :func:`~...inference.audio.dialogue.same_sound`) though their bytes
    differ: the recording normalised, re-tagged or transcoded for the edit."""
    from ...inference.audio.dialogue import same_sound

    if not isinstance(sound, dict) or not _as_many_files(files, recorded):
        return False
    return same_sound(sound, [Path(f) for f in files])


def _as_many_files(files: list[str], recorded: list[str]) -> bool:
    """As many files as the take records, each there to read."""
    return len(files) == len(recorded) and all(f and os.path.isfile(f) for f in files)


def _find_recording(recorded: list[str], fingerprint: str, folder: Path) -> list[str] | None:
    """The recorded files where they are: as recorded (absolute, or from Blender's working folder),
    else from the take's folder or one of the three above it (``infer --out out/take`` run beside
    ``audio/``), else beside the take; only files with the recorded contents (a take that records
    no fingerprint: only an absolute path, as recorded). None when not found."""
    if not fingerprint:
        return recorded if all(os.path.isabs(r) and os.path.isfile(r) for r in recorded) else None
    bases = [Path.cwd(), folder, *list(folder.parents)[:3]]
    tries = [[abspath(r) for r in recorded]]
    tries += [
        [str(base / r) for r in recorded] for base in bases if not any(os.path.isabs(r) for r in recorded)
    ]
    tries.append([str(folder / Path(r).name) for r in recorded])
    for files in tries:
        if _same_recording(files, recorded, fingerprint):
            return [os.path.abspath(f) for f in files]
    return None


def _relative(chosen: list[str]) -> tuple[bool, ...]:
    return tuple(str(c or "").startswith("//") for c in chosen)


def _inside_addon(path: str) -> bool:
    """Whether ``path`` lies in the installed add-on's folder (a checkout's is the developer's: kept)."""
    root = os.path.realpath(ADDON_ROOT)
    if os.path.exists(os.path.join(root, ".git")):
        return False
    try:
        return os.path.commonpath([root, os.path.realpath(path)]) == root
    except ValueError:  # another drive (Windows)
        return False


def _digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _copy_into(path: str, folder: Path) -> Path:
    """``path`` copied into ``folder`` under its own name (``name-2.flac``… where another file holds
    it; one with the same bytes is used as it is): never over a file of the user's."""
    folder.mkdir(parents=True, exist_ok=True)
    src = Path(path)
    want = _digest(src)
    for n in range(1, 100):
        target = folder / (src.name if n == 1 else f"{src.stem}-{n}{src.suffix}")
        if target.exists() or target.is_symlink():
            if target.is_file() and _digest(target) == want:
                return target
            continue
        try:  # made here or not at all: a file that appeared since is never replaced
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        try:
            with open(fd, "wb") as out, open(src, "rb") as inp:
                shutil.copyfileobj(inp, out)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target
    raise OSError(f"{folder} holds {src.stem}-2 to -99 already")


def lasting_copy(path: str, blend: str | None) -> tuple[str, str]:
    """Where a take's sound strip should read ``path`` from, and a line saying why ('' when as it is).

    A recording inside the installed extension (the bundled ``assets/demo_dialogue.flac``) is deleted
    with it on uninstall or update, and the take went silent (review rv38e F4): it plays from a copy
    beside the saved .blend (what the animator can find and ship with the file), or for an unsaved
    .blend from ``$DUALTALK_HOME/recordings`` (else ``~/.cache/dualtalk/recordings``), which outlive
    the extension. Where neither can be written, the extension's file and a line saying so."""
    if not path or not _inside_addon(path) or not os.path.isfile(path):
        return path, ""
    from ...inference.download import default_model_dir

    name = Path(path).name
    tries: list[tuple[str, Any]] = []
    if blend:
        tries.append(("beside the .blend", lambda: Path(os.path.dirname(os.path.abspath(blend)))))
    tries.append(("in DualTalk's folder", lambda: default_model_dir() / RECORDINGS))
    why = ""
    for where, folder in tries:
        try:
            copy = _copy_into(path, folder())
        except (OSError, DualTalkError) as exc:
            why = why or str(exc)
            continue
        return str(copy), (
            f"{name} lies inside the installed extension, which goes when it is uninstalled or updated: "
            f"its sound strip plays a copy {where} ({copy})"
        )
    return path, (
        f"{name} lies inside the installed extension, which goes when it is uninstalled or updated, and "
        f"could not be copied out ({why}): copy it beside the .blend and choose that copy as the audio"
    )


def place_sound_strips(
    scene: Any,
    sound: TakeSound,
    start_time: float,
    start_frame: int,
    frames: int | None = None,
    pair: tuple[str, ...] | None = None,
    said: list[str] | None = None,
) -> list[str]:
    """Put the take's recording in the sequencer aligned with the animation; [] where unsupported.

    ``pair``: the characters' names (a take's two; one where Play Take was given one); the strips
    replace only that pair's earlier ones (and any that name no pair), so another conversation in the
    scene keeps its sound (:mod:`..scene.sound`). ``said`` hears a line for each strip of the user's
    that carried DualTalk's tags and was kept (a copy pointed at their own sound), and one for each
    recording inside the installed extension, which plays from a copy where it lasts (:func:`lasting_copy`).

    ``frames``: the take's length in scene frames; the audio stops where the take does (an *End*
    inside the recording), not at the end of the file. Each sound is stored ``//``-relative as
    ``animate`` stores it (:func:`..scene.sound.blend_relative`): a recording in or under the saved
    .blend's folder, or one the panel named ``//``-relative, still plays once the folder moves.

    Two files recorded apart (``sound.offset_b``: B's file started that many seconds before A's) play in
    step as the take heard them: B's strip is trimmed at its head by that much more (a negative shift:
    it starts that much later on the timeline; none where B's file lies wholly after the take's end)."""
    try:
        import aud  # noqa: F401  (Blender builds without audio have no aud module)
    except ImportError:
        return []
    remove_our_strips(scene, pair, said=said)
    fps = scene.render.fps / scene.render.fps_base
    skip = int(round(start_time * fps))
    end_frame = None if frames is None else int(start_frame) + int(frames)
    names = []
    relative = (*sound.relative, *(False,) * len(sound.files))[: len(sound.files)]
    for path, role, chosen_relative in zip(sound.files, sound.roles, relative, strict=True):
        if not path or not os.path.isfile(path):
            continue
        path, moved = lasting_copy(path, bpy.data.filepath or None)
        if moved and said is not None:
            said.append(moved)
        # where the take's first frame is in this file: B's file runs offset_b seconds ahead of A's
        into = int(round((start_time + sound.offset_b) * fps)) if role == "B" else skip
        first = int(start_frame) + max(0, -into)  # a file started after the take's first frame
        if end_frame is not None and first >= end_frame:
            continue
        try:
            strip = add_dialogue_strip(
                scene, path, role, first, skip_frames=max(0, into), end_frame=end_frame, pair=pair
            )
        except (RuntimeError, TypeError, DualTalkError):  # a file Blender cannot play: no strip for it
            continue
        strip.sound.filepath = blend_relative(bpy, path, chosen_relative)
        names.append(strip.name)
    return names
