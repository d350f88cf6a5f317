"""A finished take keyed onto the panel's characters, and the status line that says how it went.

:func:`key_take` is the one keying step of Generate and Apply Saved Take: both motion files onto
both characters (reusing the preflight's rig reports while the rigs are unchanged), the turn
markers and the sound strips, replacing only this pair's earlier ones; its one-line result names
the engine (:func:`engine_name`), what changed and the first of the warnings
(:func:`source_warnings`, the keying's). A take whose words were recognised leaves them in a text
of the Text Editor (:func:`recognised_words_text`), which the line names; a take drawn from a typed
script leaves what each line was read as in a text of its own (:mod:`..scene.reading_text`, named by
the line too), replaced by the next take of its name and removed with the take.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..rig.options import ApplyOptions
from ..scene.layers import losses_first
from ..scene.moved_take import MovedTo, where_moved
from ..scene.sound import remove_our_strips
from ..scene.steps import Steps, run_steps
from .panel_settings import check_characters
from .pickers import rig_fingerprint
from .state import LAST_CHARS
from .take_sound import TakeSound, lasting_copy, place_sound_strips

RECOGNISED_TEXT = "DualTalk Recognised Words"  # the Text Editor's text a recognised take's words go to
_WRITTEN = "dualtalk_recognised"  # on such a text: the words as DualTalk wrote them


def _unchanged(obj: Any, report: Any, fingerprint: tuple[Any, ...]) -> Any | None:
    """``report`` while ``obj`` is still the rig it was made from, else None."""
    try:
        return report if rig_fingerprint(obj) == fingerprint else None
    except (ReferenceError, AttributeError, RuntimeError):  # an object mid-deletion: inspect it again
        return None


def key_take(
    scene: Any,
    settings: Any,
    options: ApplyOptions,
    result: dict[str, Any],
    inspected: list[tuple[Any, tuple[Any, ...]]],
    frame_range: tuple[int, int] | None = None,
    sound: TakeSound | None = None,
    notes: list[str] | None = None,
    characters: tuple[Any, Any] | None = None,
    picks: str = "",
    warned: list[str] | None = None,
    reading_kept: bool = False,
) -> str:
    """Key a take's two motion files (``result["a"]``, ``result["b"]``) onto the panel's characters
    (or ``characters``: Generate's, those chosen when it was pressed), with the markers and sound
    strips; returns the status line. ``inspected``: the preflight's reports, reused for each rig
    unchanged since; a rig that changed meanwhile is inspected again and, when the panel would now
    say otherwise of it, the line warns first (:func:`_changed_while_generating`). ``sound``: the
    recording the take was made from (default: the panel's, for a take that does not say).
    ``notes``: warnings found before the run; the line shows the first warning of those, a
    character's other scene (where this take replaces the one it plays), the take's audio
    (``source["warnings"]``: a silent speaker, the diarizer's weaker method) and the keying's, and
    how many more there are; ``warned`` (a list) receives every one of them, for the Info editor
    (:func:`say_warnings`). ``picks``: a clause the line says after what was keyed (Generate's
    when the pickers changed while it ran). ``reading_kept``: the ``script_read.tsv`` beside the
    motion files stays there (Apply Saved Take's folder), so the line names it with its text.

    The markers and sound strips replace only this pair's earlier ones: another conversation in the
    scene keeps its own (:func:`..scene.apply.marker_records`, :mod:`..scene.sound`).

    Generate keys over the modal's ticks (:func:`key_into_scene_steps`, then :meth:`KeyedTake.line`
    on the tick after), so an Esc pressed while Blender keyed is heard between two steps, and before
    the words' and the reading's texts are written."""
    keyed = key_into_scene(
        scene,
        settings,
        options,
        result,
        inspected,
        frame_range,
        sound,
        notes,
        characters=characters,
        picks=picks,
        warned=warned,
    )
    keyed.reading_kept = reading_kept
    return keyed.line()


@dataclass
class KeyedTake:
    """A take keyed into the scene (both characters, markers, sound strips) whose status line is
    still to be said: :meth:`line` also puts a recognised take's words in their text and a scripted
    take's reading in its own (:meth:`reading`), the things left out of the scene until the run is
    sure to keep the take (an Esc heard after keying takes it off again, :mod:`.ui_run`)."""

    result: dict[str, Any]
    head: str  # "DualTalk: animated lite engine, 15000 frames, ..." or a range's "re-generated frames"
    lips: str  # the clause on the take's words, "" without a transcript
    said: str  # "; <picks>" or ""
    warnings: list[str]
    ranged: bool
    frames: int  # scene frames keyed (the longer character's)
    # the recording the sound strips play: a file inside the installed extension as its lasting copy
    # (:func:`lasting_sound`), for the take kept with it to name; None where no strip was placed
    sound: TakeSound | None = None
    take: str = ""  # the take name it was keyed under, and its characters (face meshes' names, A, B)
    pair: tuple[str, str] | None = None
    reading_kept: bool = False  # its script_read.tsv lasts where it is (Apply Saved Take's folder)
    noted: str = ""  # "; <a note the keying made>" (a pair side by side glances), after the head

    def line(self) -> str:
        """The status line; a recognised take's words go into their text here (:func:`_words_text`),
        a whole take's reading into its own (:meth:`reading`). The keying's notes go where the line
        has room for them: a warning is never cut to make room for a note (the panel keeps
        :data:`.state.LAST_CHARS`)."""
        words = _words_text(self.result)
        if self.ranged:
            rest = words + self.said + _warning_tail(self.warnings)
        else:
            lips = f", {self.lips}{words}" if self.lips else ""
            rest = lips + self.reading() + self.said + _warning_tail(self.warnings)
        noted = self.noted if len(self.head) + len(self.noted) + len(rest) <= LAST_CHARS else ""
        return self.head + noted + rest

    def reading(self) -> str:
        """What each script line of the take was read as (the ``script_read.tsv`` the engine wrote
        beside its motion files) put in the take's text (:func:`..scene.reading_text.write`), and the
        line's clause naming it (``; each script line as read is in the text 'DualTalk script read –
        v1 (Alice & Bob)'``); a take without a typed script leaves none, and DualTalk's reading of the
        take it replaces goes (the animator's texts stay). A re-generated range keeps the take's."""
        from ...inference.phonetic.script_reading import FILE_NAME, is_reading
        from ..scene import reading_text

        if self.pair is None or self.ranged:
            return ""
        path = Path(str(self.result.get("a", ""))).parent / FILE_NAME
        ours = is_reading(path)
        words = _read_reading(path) if ours else None
        if words is None:
            reading_text.drop(self.take, self.pair)
            return f"; each script line as read is in {path}" if ours and self.reading_kept else ""
        text = reading_text.write(words, self.take, self.pair)
        also = f" and in {path}" if self.reading_kept else ""
        return f"; each script line as read is in the text {text.name!r}{also}"


MAX_READING_BYTES = 16_000_000  # a script's reading is a few MB at most (scripts: 1 MB); more is no text


def _read_reading(path: Path) -> str | None:
    """The reading's words, or None where they cannot be read or are more than a text should hold
    (said nowhere: the take is keyed; a kept folder's file is still named)."""
    try:
        if path.stat().st_size > MAX_READING_BYTES:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def key_into_scene(
    scene: Any,
    settings: Any,
    options: ApplyOptions,
    result: dict[str, Any],
    inspected: list[tuple[Any, tuple[Any, ...]]],
    frame_range: tuple[int, int] | None = None,
    sound: TakeSound | None = None,
    notes: list[str] | None = None,
    *,
    characters: tuple[Any, Any] | None = None,
    picks: str = "",
    warned: list[str] | None = None,
    progress: Any = None,
) -> KeyedTake:
    """:func:`key_take`'s keying, all but the words' text: both characters, the markers and the sound
    strips. ``progress`` (``update``/``check_cancel``) hears the keying as
    :func:`..scene.apply.apply_dialogue` says it ("aiming the eyes: frame n/N").
    :func:`key_into_scene_steps` keys the same in steps."""
    return run_steps(
        key_into_scene_steps(
            scene,
            settings,
            options,
            result,
            inspected,
            frame_range,
            sound,
            notes,
            characters=characters,
            picks=picks,
            warned=warned,
            progress=progress,
        )
    )


def key_into_scene_steps(
    scene: Any,
    settings: Any,
    options: ApplyOptions,
    result: dict[str, Any],
    inspected: list[tuple[Any, tuple[Any, ...]]],
    frame_range: tuple[int, int] | None = None,
    sound: TakeSound | None = None,
    notes: list[str] | None = None,
    *,
    characters: tuple[Any, Any] | None = None,
    picks: str = "",
    warned: list[str] | None = None,
    progress: Any = None,
    pauses: bool = False,
) -> Steps[KeyedTake]:
    """:func:`key_into_scene` in the steps of :func:`..scene.apply.apply_dialogue_steps` (Generate:
    one per timer tick, ``pauses``); the markers and sound strips come in the last one."""
    from ...inference.core.motion import load_motion
    from ..scene.apply import apply_dialogue_steps, inspect_for, owned_markers, role_options
    from ..scene.before_take import shot_range
    from ..scene.characters import find_mesh_and_armature
    from ..scene.remove_take import shared_scene_warnings

    motion_a = load_motion(result["a"])
    motion_b = load_motion(result["b"])
    engine = engine_name(result, motion_a, motion_b)
    a, b = characters if characters is not None else check_characters(settings)
    fresh = [_unchanged(obj, *seen) for obj, seen in zip((a, b), inspected, strict=True)]
    # a rig that changed since the preflight is inspected again with its own map, read now (once, a
    # shared one too): a map file that went bad meanwhile is refused as A's or B's
    own = role_options(options, "".join(role for role, f in zip("AB", fresh, strict=True) if f is None))
    changed: list[str] = []
    for i, (obj, (report, _fingerprint)) in enumerate(zip((a, b), inspected, strict=True)):
        if fresh[i] is None:  # inspected again, said when it shows
            fresh[i] = inspect_for(obj, own["AB"[i]])
            changed += _changed_while_generating(obj.name, report, fresh[i])
    range_before = (int(scene.frame_start), int(scene.frame_end))
    shot = shot_range(scene)  # the shot's own range, while the range is still the one a take set
    pair = (find_mesh_and_armature(a)[0].name, find_mesh_and_armature(b)[0].name)  # what the reports name
    earlier_markers = bool(owned_markers(scene, pair)) and not options.markers and frame_range is None
    moved = MovedTo(options)  # a whole take keyed where the animator moved the earlier one
    behind: list[str] = []  # characters still playing the take this one replaces for their partner
    if frame_range is None:
        moved = where_moved(scene, options, (a, b))
        options = moved.options
        behind = left_behind(scene, pair)
    shared = [w for w in shared_scene_warnings((a, b), scene) if w not in (notes or [])]
    # what the result says is read before keying: a result of another shape fails with nothing keyed
    heard = source_warnings(result, excerpt=frame_range is not None)  # a range's: not who is silent there
    words = transcript_warnings(result, settings)
    lips = _lips(result)
    start_time = _recorded_start(result, motion_a)
    rep_a, rep_b, n_markers = yield from apply_dialogue_steps(
        a,
        b,
        motion_a,
        motion_b,
        options,
        scene=scene,
        reports=(fresh[0], fresh[1]),
        progress=progress,
        pauses=pauses,
    )
    strips: list[str] = []
    warnings = [*changed, *words, *(notes or []), *shared, *behind, *moved.warnings, *heard]
    warnings += [*rep_a.warnings, *rep_b.warnings]
    warnings = losses_first(warnings)  # a loss of hand edits is what the status line shows (rv41a F8)
    if warned is not None:
        warned += warnings
    said = f"; {picks}" if picks else ""
    noted = "".join(f"; {note}" for note in dict.fromkeys([*rep_a.notes, *rep_b.notes]))  # said once
    frames = max(rep_a.frames, rep_b.frames)
    if frame_range is not None:
        assert rep_a.replaced is not None and options.replace_range is not None
        shift = frame_range[0] - options.replace_range[0]  # strips moved in the NLA
        lo, hi = (f + shift for f in rep_a.replaced)
        redone = (
            f"DualTalk: re-generated frames {frame_range[0]}-{frame_range[1]} "
            f"(cross-faded over {lo}-{hi}) {f'with the {engine} engine' if engine else f'from {made_by(engine)}'}"
        )
        return KeyedTake(result, redone, lips, said, warnings, ranged=True, frames=frames, noted=noted)
    removed = 0
    kept: list[str] = []
    sound = sound or TakeSound.of_panel(settings)
    if not sound.place:  # an earlier take's strip would play another recording under this one
        removed = remove_our_strips(scene, pair, said=kept)
    else:
        start = options.start_frame
        start = int(scene.frame_start if start is None else start)
        chosen, sound = sound, lasting_sound(sound, kept)
        point_panel_at_copies(settings, chosen, sound)
        strips = place_sound_strips(
            scene,
            sound,
            start_time,
            start,
            frames=frames,
            pair=pair,
            said=kept,
        )
    warnings += kept  # the animator's copies of our strip, kept: said with the take's warnings
    if warned is not None:
        warned += kept
    last = max(rep_a.last_frame, rep_b.last_frame)
    parts = [
        made_by(engine),
        f"{rep_a.frames} frames",  # scene frames (the motion's 25 fps frames differ at 24 or 30 fps)
        *moved.said(min(rep_a.first_frame, rep_b.first_frame), last, range_before[0]),
        f"{n_markers} turn marker{'' if n_markers == 1 else 's'}",
        (f"{len(strips)} sound strip{'' if len(strips) == 1 else 's'}" if strips else "no sound strip"),
        *(["removed the earlier take's sound strip"] if removed else []),
        *(
            ["removed the earlier take's turn markers"]
            if earlier_markers and not owned_markers(scene, pair)
            else []
        ),
        *_range_change(range_before, (int(scene.frame_start), int(scene.frame_end)), shot, last),
    ]
    head = "DualTalk: animated " + ", ".join(parts)
    return KeyedTake(
        result,
        head,
        lips,
        said,
        warnings,
        ranged=False,
        frames=frames,
        noted=noted,
        sound=sound if sound.place else None,
        take=str(options.take),
        pair=pair,
    )


def lasting_sound(sound: TakeSound, said: list[str] | None = None) -> TakeSound:
    """``sound`` with each recording that lies inside the installed extension (the bundled demo
    dialogue) replaced by the copy its sound strip plays (:func:`.take_sound.lasting_copy`: beside
    the saved .blend, or in DualTalk's folder for an unsaved one), the line saying where going to
    ``said``. The strip played the copy, but the panel's *Audio* and the kept take still named the
    extension's file, which an update replaces (fix38 pack38's follow-up)."""
    import bpy

    files = []
    for path in sound.files:
        copy, line = lasting_copy(path, bpy.data.filepath or None) if path else (path, "")
        if line and said is not None:
            said.append(line)
        files.append(copy)
    return replace(sound, files=tuple(files)) if tuple(files) != sound.files else sound


def point_panel_at_copies(settings: Any, chosen: TakeSound, played: TakeSound) -> None:
    """The panel's *Audio* (and *Audio B*) fields that name a recording now played from a copy
    (:func:`lasting_sound`) name that copy: ``//``-relative beside the saved .blend, as a strip
    stores it. A field changed to another file meanwhile is left as it is."""
    import bpy

    from ..scene.sound import blend_relative

    moved = [(old, new) for old, new in zip(chosen.files, played.files, strict=True) if old != new]
    for field in ("audio", "audio_b"):
        value = str(getattr(settings, field, "") or "")
        if not value:
            continue
        here = os.path.realpath(bpy.path.abspath(value))
        for old, new in moved:
            if here == os.path.realpath(old):
                setattr(settings, field, blend_relative(bpy, new))


def left_behind(scene: Any, pair: tuple[str, str]) -> list[str]:
    """One line per character outside ``pair`` that still plays the take this one replaces for its
    partner (rig swapped: A was Alice, now Carol, with Bob): Alice keeps playing the old take, its
    sound strip and turn markers replaced by the new pair's (review rv37a F6). Generate never touches
    a character the panel does not choose (the animator may keep the old rig to compare, or delete
    it), so it is said, with the way to clear it."""
    from ..scene.apply import marker_records
    from ..scene.layers import take_meta
    from ..scene.remove_take import carries_take
    from ..scene.sound import our_strips, strip_pair

    ours = set(pair)
    pairs = [e["pair"] for e in marker_records(scene) if e["pair"]]
    pairs += [sorted(p) for s in our_strips(scene) if (p := strip_pair(s)) is not None]
    said: dict[str, str] = {}
    for names in pairs:
        partners = [n for n in names if n in ours]
        for name in names:
            obj = scene.objects.get(name)
            if not partners or name in ours or name in said or obj is None or not carries_take(obj):
                continue
            take = (take_meta(obj) or {}).get("take")
            what = f"take {take!r}" if isinstance(take, str) and take else "a DualTalk take"
            said[name] = (
                f"{name} still plays {what}, made with {' and '.join(partners)}: this take replaces "
                f"{' and '.join(partners)}'s part of it, its turn markers and its sound strip; choose {name} "
                "and Remove Take to clear it"
            )
    return list(said.values())


def _recorded_start(result: dict[str, Any], motion: Any) -> float:
    """Where frame 0 sits in the recording: the run's word (``start_time``), else the motion file's
    own (an ``infer --out --start 1`` folder has no result.json; its sound played from 0 s), also
    for a recorded value that is no time into a recording (a hand-edited result.json)."""
    from ...inference.core.motion import MAX_START_TIME

    said = result.get("start_time")
    if isinstance(said, int | float) and not isinstance(said, bool) and 0 <= said <= MAX_START_TIME:
        return float(said)
    return float(motion.start_time)


def _lips(result: dict[str, Any]) -> str:
    """The line's clause on the take's words (``lips from the transcript (A 21/21 words)``), "" for a
    take without a transcript report."""
    if not result.get("transcript"):
        return ""
    from ...inference.phonetic.transcript import brief

    return brief(result["transcript"])


def transcript_warnings(result: dict[str, Any], settings: Any) -> list[str]:
    """The take's warnings about its words: lines that could not be aligned at all (why, and the
    likeliest slip), then, for recognised words, what did not sound like English
    (:func:`recognition_warnings`)."""
    report = result.get("transcript")
    said: list[str] = []
    if report:  # (one of another shape says nothing: unaligned)
        from ...inference.phonetic.transcript import unaligned

        language = str(getattr(settings, "transcript_language", "en") or "en")
        said += [w for w in [unaligned(report, language)] if w]
    return said + recognition_warnings(result)


def recognition_warnings(result: dict[str, Any]) -> list[str]:
    """The engine's warnings of a recognised take, which reach the add-on only as the result's
    ``not_english`` counts (its log is not shown): per character whose stretches did not sound like
    English, in the engine's words (``B: 2 of 2 stretches did not sound like English words; ...``),
    and the engine's ``NOTHING_HEARD`` for a take asked to recognise (``result["recognise"]``, as Generate
    records it) that has no transcript report; [] otherwise, a report of another shape included."""
    from ...inference.phonetic.recognise import NOTHING_HEARD, Hearing
    from ...inference.phonetic.transcript import report_problem

    report = result.get("transcript")
    if report is None:
        return [NOTHING_HEARD] if result.get("recognise") is True else []
    if report_problem(report):  # another shape (a hand-edited result.json): nothing can be said of it
        return []
    said = []
    for key in ("a", "b"):
        counts = report.get(key, {}).get("not_english") if isinstance(report.get(key), dict) else None
        if not (isinstance(counts, list) and len(counts) == 2 and all(type(n) is int for n in counts)):
            continue
        failed, heard = counts
        if 0 < failed <= heard:  # the spans are not in the report: only their number is said
            said.append(Hearing(heard, [(0.0, 0.0)] * failed).warning(key.upper()))
    return said


def _words_text(result: dict[str, Any]) -> str:
    """For a take made with recognition (its transcript report has the ``script``): the words put in
    a text (:func:`recognised_words_text`) and the line's clause naming it; else "", no text touched."""
    report = result.get("transcript")
    script = report.get("script") if isinstance(report, dict) else None
    if not isinstance(script, str) or not script:
        return ""
    text, changed = _words_into_text(script)
    if changed:
        return f"; the same words as before: the text {text.name!r}, kept as you changed it"
    return f"; the words are in the text {text.name!r}"


def recognised_words_text(script: str) -> str:
    """Put a recognised take's words (a transcript's form, ``A: words``) in a text of the Text Editor,
    where the animator reads them, corrects them, saves them and chooses the file as the Transcript
    (the panel shows no words); returns the text's name. DualTalk's earlier text is replaced while it
    is as DualTalk wrote it; one the animator edited or saved to a file is theirs, as is any text
    DualTalk did not write, and stays: the words go into a new text beside it, unless they are the
    words that text was made with (:func:`_words_into_text`)."""
    return str(_words_into_text(script)[0].name)


def _words_into_text(script: str) -> tuple[Any, bool]:
    """The text holding a take's recognised words, and whether the animator changed it since. The
    same words heard again (a re-generated range hears the whole recording; Generate again with
    other options) stay in the text DualTalk wrote them to, as the animator corrected or saved it:
    a second text of the words they corrected would be a copy to tell apart. Other words replace
    DualTalk's unchanged text, else go into a new one."""
    import bpy

    ours = [t for t in bpy.data.texts if t.library is None and t.get(_WRITTEN) == script]
    same = next((t for t in ours if _as_written(t)), None) or next(iter(ours), None)
    if same is not None:
        return same, not _as_written(same)
    text = next((t for t in bpy.data.texts if _as_written(t)), None)
    if text is None:
        text = bpy.data.texts.new(RECOGNISED_TEXT)  # Blender adds ".001" while the name is taken
    text.from_string(script)
    text[_WRITTEN] = script
    return text, False


def _as_written(text: Any) -> bool:
    """Whether ``text`` is DualTalk's recognised words, unchanged since written: not edited, not saved
    to a file, not linked from a library."""
    written = text.get(_WRITTEN)
    return (
        isinstance(written, str)
        and not text.filepath
        and text.library is None
        and text.as_string() == written
    )


def _changed_while_generating(name: str, before: Any, now: Any) -> list[str]:
    """``["Bob changed while generating: head bone: head → head: object rotation"]`` when a rig's
    summary (the panel's line under its picker) now differs from the one Generate checked: its parts
    that went, then those that came; [] when it reads the same (a rename, a moved bone)."""
    old, new = before.summary.split(", "), now.summary.split(", ")
    went, came = [p for p in old if p not in new], [p for p in new if p not in old]
    if not went and not came:
        return []
    was, now_reads = ", ".join(went) or "nothing", ", ".join(came) or "nothing"
    return [f"{name} changed while generating: {was} → {now_reads}"]


def _range_change(
    before: tuple[int, int],
    after: tuple[int, int],
    shot: tuple[int, int] | None = None,
    take_end: int | None = None,
) -> list[str]:
    """The status line's word on the scene's frame range (the render range) when the take changed
    it: ``scene range extended from 1-120 to 1-288``; nothing when it did not. ``shot``: the shot's
    own range (:func:`..scene.before_take.shot_range`) where the range was still one an earlier take
    set; a take that left the range at the shot's own says it went back there, and where the take
    ends when that is sooner (``scene range back to the shot's 1-250 (the take ends at 150)``): the
    range an ``animate``-made take had set to its length was not extended by this one (review 31r F10)."""
    if after == before:
        return []
    if shot is not None and after == tuple(shot):
        ends = f" (the take ends at {take_end})" if take_end is not None and take_end < after[1] else ""
        return [f"scene range back to the shot's {after[0]}-{after[1]}{ends}"]
    how = "extended" if after[0] <= before[0] and after[1] >= before[1] else "changed"
    return [f"scene range {how} from {before[0]}-{before[1]} to {after[0]}-{after[1]}"]


def engine_name(result: dict[str, Any], motion_a: Any, motion_b: Any) -> str:
    """The engine a take was made with: as its ``result.json`` says, else as its motion files record
    it (a take folder without one: an older version's, or an ``infer --out`` folder); "" when
    neither says (another tool's files: :func:`made_by` words it)."""
    said = result.get("engine")
    if isinstance(said, str) and said:
        return said
    named = list(dict.fromkeys(str(m.engine) for m in (motion_a, motion_b) if str(m.engine)))
    return " and ".join(named)


def made_by(engine: str) -> str:
    """The status line's words for what made the motion: "lite engine", or for files that record no
    engine (another tool's) that, rather than "? engine" (review rv41b F5)."""
    return f"{engine} engine" if engine else "another tool's motion (no engine recorded)"


def source_warnings(result: dict[str, Any], *, excerpt: bool = False) -> list[str]:
    """The take's audio warnings, as the worker's result records them (``source["warnings"]``:
    a speaker who is silent, a turns file naming one speaker, the diarizer's weaker method).

    ``excerpt`` (a re-generated range's line): not who is silent in the seconds heard around the
    range (``source["silent"]``, as the audio loader marks them): one character silent there is the
    usual case, and "speaker B's audio is silent" read as "B's channel is broken"; the whole take's
    Generate said it where it holds for the recording."""
    source = result.get("source")
    source = source if isinstance(source, dict) else {}
    said, silent = source.get("warnings"), source.get("silent") if excerpt else None
    unsaid = {w for w in silent if isinstance(w, str)} if isinstance(silent, list) else set()
    return (
        [str(w) for w in said if isinstance(w, str) and w and w not in unsaid]
        if isinstance(said, list)
        else []
    )


def say_warnings(operator: Any, warnings: Iterable[str]) -> None:
    """Each of a take's warnings as its own line in the Info editor: the status line shows the first
    and how many more (:func:`_warning_tail`), so the others are read there."""
    from .panel_options import in_panel_words

    for warning in dict.fromkeys(warnings):
        operator.report({"WARNING"}, in_panel_words(f"DualTalk: {warning}"))


def _warning_tail(warnings: list[str]) -> str:
    """`` (warning: <the first> and 2 more)``, or "" without warnings: the status line stays one line."""
    if not warnings:
        return ""
    more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
    return f" (warning: {warnings[0]}{more})"
