"""What Generate refuses or warns about before the worker starts, not minutes later.

:func:`preflight` checks the options, map files and both rigs the way keying will (and returns the
reports, so keying does not inspect them again); :func:`check_take_fits` refuses a take that would
run past Blender's last frame, measured from the recording's headers (:func:`take_length`);
:func:`scene_warnings` says what the scene will do to the take. A bad map or rig found only after
the run would waste it and could leave one character keyed.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ...inference.core.errors import DualTalkError
from ...inference.core.timebase import SAMPLE_RATE, frames_for
from ..rig.plan import recorded_offset_b
from .panel_settings import check_characters
from .pickers import rig_fingerprint

if TYPE_CHECKING:
    from ...inference.core.motion import Motion
    from ..scene.apply import TakeLength


def preflight(
    s: Any,
    options: Any,
    *,
    scene: Any = None,
    audio: dict[str, Any] | None = None,
    warnings: list[str] | None = None,
) -> list[tuple[Any, tuple[Any, ...]]]:
    """Check before any inference that applying will work: options, map files, both rigs, and,
    given the worker job's ``audio`` and the ``scene``, that the take fits Blender's frames
    (:func:`check_take_fits`). ``warnings`` (given a ``scene``) receives what to say before the run:
    a character that is also in another scene, where this take replaces the one it plays
    (:func:`..scene.remove_take.shared_scene_warnings`).

    Applying happens only after the worker succeeded; finding a bad map file or an
    unusable rig then would waste the run and could leave one character keyed. Returns each
    character's report with the rig fingerprint it was made from, so applying reuses the
    report while the rig is unchanged: one inspection per character per Generate.
    """
    from ..scene.apply import inspect_for, refuse_unusable, role_options

    options.validate()
    roles = list(role_options(options).values())  # each map file read once; a bad own map says whose
    if options.flame_map:
        from ..rig.flame_arkit import load_arkit_flame_map

        load_arkit_flame_map(options.flame_map)
    a, b = check_characters(s)
    inspected = [
        (inspect_for(obj, own), rig_fingerprint(obj)) for obj, own in zip((a, b), roles, strict=True)
    ]
    if inspected[0][0].mesh == inspected[1][0].mesh:
        raise DualTalkError("character A and character B use the same mesh object")
    for (report, _fingerprint), own in zip(inspected, roles, strict=True):  # what applying would refuse
        refuse_unusable(report, own)  # (linked data, no keys...)
    if scene is not None and audio is not None:
        check_take_fits(scene, audio, options)
    if scene is not None and warnings is not None:
        from ..scene.remove_take import shared_scene_warnings

        warnings += shared_scene_warnings((a, b), scene)
    return inspected


def scene_warnings(scene: Any, *, takes: bool = True) -> list[str]:
    """What the scene will do to the take that Generate should say before the run, not minutes later
    in the line after keying: Time Stretching plays the face at another speed than its sound. With
    ``takes`` (the panel), also the picked characters' takes keyed at another frame rate than the
    scene's now (:func:`fps_warnings`); a Generate starting replaces them, so it asks without."""
    from ..rig.plan import time_stretch_warning
    from ..scene.apply import scene_stretch

    stretched = time_stretch_warning(*scene_stretch(scene))
    said = [stretched] if stretched is not None else []
    return said + (fps_warnings(scene) if takes else [])


def fps_warnings(scene: Any) -> list[str]:
    """The panel's characters whose take was keyed at another frame rate than the scene runs at now
    (re-timed for delivery after keying): their keys play faster or slower than the sound strip,
    and Export FBX would write that. One line per frame rate the takes were keyed at."""
    from ..scene.apply import scene_fps

    s = getattr(scene, "dualtalk", None)
    fps = scene_fps(scene)
    keyed: dict[float, list[str]] = {}
    for obj in dict.fromkeys(o for o in (getattr(s, "char_a", None), getattr(s, "char_b", None)) if o):
        was = _keyed_fps(obj)
        if was is not None and abs(was - fps) > 1e-6:
            keyed.setdefault(was, []).append(f"{obj.name}'s")
    return [
        f"{' and '.join(names)} {'takes were' if len(names) > 1 else 'take was'} keyed at {was:g} fps and "
        f"the scene now runs at {fps:g} fps: keys and sound are out of step; set the scene back to "
        f"{was:g} fps or Generate again"
        for was, names in keyed.items()
    ]


def _keyed_fps(obj: Any) -> float | None:
    """The frame rate ``obj``'s take was keyed at (``layers.take_meta``), None without one. The panel
    asks on every redraw, so the rig comes from its cache (``pickers.character_parts``)."""
    from ..scene.keying import action_meta, is_ours
    from ..scene.layers import REST, character_idblocks, our_strips
    from .pickers import character_parts

    try:
        parts = character_parts(obj)
        for idblock in character_idblocks(obj, parts) if parts is not None else []:
            for layer, strip in our_strips(idblock).items():
                if layer != REST and is_ours(strip.action):
                    was = action_meta(strip.action).get("fps")
                    return float(was) if isinstance(was, (int, float)) else None
    except (ReferenceError, AttributeError, DualTalkError):  # mid-deletion, or no face to animate
        return None
    return None


def check_take_fits(scene: Any, audio: dict[str, Any], options: Any) -> None:
    """Refuse, before the worker starts, a take that would run past Blender's last frame: the motion
    the worker will make of the job's ``audio`` (its recording, or the Start/End part, or the window of
    a Re-generate Preview Range) is checked by the check keying applies to it (``check_frame_span``, with
    ``options.start_frame``), so both refuse the same takes in the same words. A length read
    generously is refused only when its fewest frames do not fit either; without a length to read
    (see :func:`take_length`) the keying's check alone refuses the take, after the run."""
    from ..scene.apply import TakeLength, check_frame_span

    length = take_length(audio)
    if length is None:
        return
    try:
        check_frame_span(scene, cast("Motion", length), options.start_frame)
    except DualTalkError:
        if length.at_least is not None:
            with contextlib.suppress(DualTalkError):
                check_frame_span(scene, cast("Motion", TakeLength(length.at_least)), options.start_frame)
                return  # it may fit after all: keying decides, on the motion itself
        raise


# Blender's own audio library counts an MP3's decoder delay and padding (measured: 0.03 s more than
# the worker's libsndfile; WAV, FLAC and Ogg agree to the sample): a length read with it may be this
# much shorter, so the check up front never refuses a take the keying would accept.
AUD_SLACK_S = 0.1


def take_length(audio: dict[str, Any]) -> TakeLength | None:
    """The frames of the motion the worker will make of the job's ``audio``, from the files' headers:
    as many as cover the 16 kHz samples its reader cuts (``loader.read_channels``: the part's ends
    rounded as it rounds them; two files: the longer one, both padded to the part, as
    ``dialogue._load_pair``). A Start/End the worker would refuse is refused here in its words.

    The headers are read as the worker reads them (soundfile); Blender's own Python usually lacks it,
    and then Blender's audio library reads them, an MP3's a little generously (``at_least`` allows for
    :data:`AUD_SLACK_S`). None when neither can (a build without audio, a file the worker will refuse
    in its own words)."""
    from ...inference.audio.loader import check_range, window_samples
    from ..scene.apply import TakeLength

    paths = [str(p) for p in (audio.get("audio"), audio.get("audio_b")) if p]
    lengths = [n for n in (_header_length(p) for p in paths) if n is not None and n[1] > 0]
    if not paths or len(lengths) != len(paths):
        return None
    durations = [frames / rate for frames, rate, _exact in lengths]
    if len(durations) == 2:  # B's file in the take's time ends offset_b earlier (negative: later)
        durations[1] -= recorded_offset_b(audio)
    exact = all(exact for _frames, _rate, exact in lengths)
    name = Path(paths[0]).name if len(paths) == 1 else "the longer file"
    try:
        start, end = check_range(max(durations), audio.get("start"), audio.get("end"), name)
    except DualTalkError:
        if exact:
            raise
        return None  # the worker reads the file its own way and says it
    first, last = window_samples(start, end)
    samples = last - first
    if len(paths) == 2:
        samples = max(samples, round((end - start) * SAMPLE_RATE))
    fewest = None if exact else frames_for(max(samples - round(AUD_SLACK_S * SAMPLE_RATE), 1))
    return TakeLength(frames_for(max(samples, 1)), at_least=fewest)


def _header_length(path: str) -> tuple[int, int, bool] | None:
    """(sample frames, sample rate, read as the worker reads it) of a recording, from its header."""
    try:
        import soundfile  # noqa: F401
    except ImportError:
        pass
    else:
        from ...inference.audio.loader import audio_info

        info = audio_info(path)  # a file the worker would refuse is refused here, in its words
        return info.frames, info.samplerate, True
    try:
        import aud
    except ImportError:
        return None
    try:
        sound = aud.Sound.file(path)
        return int(sound.length), int(sound.specs[0]), False
    except Exception:  # not a file Blender reads: the worker says why
        return None
