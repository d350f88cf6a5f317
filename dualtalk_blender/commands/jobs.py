"""Job files: many ``animate`` shots in one JSON file.

::

    {
      "version": 1,
      "defaults": {"checkpoint": "weights/DualTalk.pth", "preset": "auto", "fbx": true},
      "shots": [
        {"name": "cafe_01", "blend": "scenes/cafe.blend", "char_a": "Ann", "char_b": "Bob",
         "audio": "audio/cafe_01.wav", "start": 12.0, "end": 40.0,
         "out": "out/cafe_01.blend", "fbx": "out/cafe_01.fbx", "render": "out/cafe_01.mp4"}
      ]
    }

A shot's keys are its run fields (``name``, ``blend``, ``char_a``/``char_b``, ``out``, ``fbx``,
``render``, ``work``, ``motion_a``/``motion_b``, ``resolution``, ``samples``, ``fbx_scope``,
``fbx_per_character``) and
every declared option that has a flag, under the flag's name (``--head-turn`` -> ``head_turn``;
``--intensity mouth=0.8`` -> ``"intensity": {"mouth": 0.8}``, ``--range 10-20`` -> ``[10, 20]``).

Rules (so a job file from someone else cannot write outside its folder):

* relative paths are resolved against the job file's folder and may not contain ``..``;
* paths are taken as written: a leading ``~`` and ``$VAR``/``${VAR}``/``%VAR%`` are refused
  (nothing expands them); ``/`` between folders works on every system, ``\\`` only on Windows (on
  Linux and macOS a backslash is refused: there it is a letter of a name);
* outputs (``out``, ``fbx``, ``render``, ``work``) must be relative, i.e. inside that folder;
  inputs (``blend``, audio, motion, weights, maps) may also be absolute;
* ``"fbx": true`` / ``"render": true`` in defaults mean "next to ``out`` with the shot's name";
* no two shots may write the same file, and no shot may write over an input (nor may the backup a
  shot keeps of an earlier ``out``: where ``OUT.blend1`` is an input of any shot, it goes to a free
  ``OUT.blendN``).

``resolution`` and ``samples`` apply only to a shot with ``render``; a shot without one is run, with
a warning naming it (as the CLI warns for ``--resolution``/``--samples`` without ``--render``).
``resolution`` is ``"480x270"`` as the flag takes it, or ``[480, 270]``; ``render`` is a video
(``.mp4``/``.mkv``/``.mov``) or a folder of frames, and a name with another extension is refused
(:mod:`.render_args`).

:func:`parse_jobs` is a pure function of the decoded JSON and the base folder. It checks every
value of every shot as the shot's run would (types, bounds, choices: :meth:`Request.validate`,
:meth:`ApplyOptions.validate`), each line naming the shot and field (``shot 'y'.lip_release must be
between 0 and 1, got 5``), so a typo in a late shot stops the batch before any shot runs.
"""

from __future__ import annotations

import codecs
import difflib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ...inference.core import outputs
from ...inference.core.errors import DualTalkError
from ...inference.core.request import BEHAVIOUR, OPTIONS, Option, Request, coerce
from ...inference.core.request import BY_NAME as REQUEST_OPTIONS
from ...inference.core.typed_paths import one_leading_slash, unexpanded_variable
from ..rig.fbx_files import per_character
from ..rig.jsonfile import read_json
from ..rig.options import (
    RENDER_SIZE,
    SCENE_OPTIONS,
    ApplyOptions,
    check_render,
    escaped,
    is_unicode,
    render_size_ok,
)
from .render_args import check_render_target, check_video_resolution, resolution_from_json
from .summary import check_not_other_file

MAX_JOB_BYTES = 4 << 20
MAX_SHOTS = 10_000

# A shot's keys: the declared options that have a flag (engine side, then scene side), by name ...
SHOT_OPTIONS: dict[str, Option] = {o.name: o for o in (*OPTIONS, *SCENE_OPTIONS) if o.cli}
# ... and the shot's own run fields: which scene, which characters, what to write.
RUN_FIELDS: tuple[str, ...] = ("name", "blend", "char_a", "char_b", "out", "fbx", "render", "work")
RUN_FIELDS += ("motion_a", "motion_b", "resolution", "samples", "fbx_scope", "fbx_per_character")
INPUT_PATHS = ("blend", "motion_a", "motion_b", *(n for n, o in SHOT_OPTIONS.items() if o.kind == "path"))
OUTPUT_PATHS = ("out", "fbx", "render", "work")
FBX_SCOPES = ("full", "face")
FIELDS = set(RUN_FIELDS) | set(SHOT_OPTIONS)


class JobPlan:
    """Every file the shots of one job write, as the file system compares names (set by
    :func:`check_shots`): a name a shot chooses for a copy it keeps (``NAME.N.fbx``) must not be one
    another shot writes later (it was then kept again, as ``NAME.N.1.fbx``). One plan is shared by
    all of a job's shots, never copied per shot (``dataclasses.asdict`` deep-copies a shot's fields)."""

    def __init__(self, written: Iterable[Path]) -> None:
        self._written = frozenset(written)

    def writes(self, path: Path) -> bool:
        """Whether a shot of the job writes ``path`` (through a link or in another letter case too)."""
        return outputs.spelled(outputs.real(os.path.normpath(path))) in self._written

    def __deepcopy__(self, memo: dict[int, Any]) -> JobPlan:
        return self


@dataclass
class Shot:
    """One animate run: its own scene, characters and outputs (absolute paths once parsed), plus the
    engine-side :class:`Request` and the scene-side :class:`ApplyOptions`, each read through the
    options' one declaration. ``shot.NAME`` reads any declared option by its shot-file key."""

    name: str
    blend: Path
    char_a: str
    char_b: str
    out: Path
    req: Request = field(default_factory=Request)
    options: ApplyOptions = field(default_factory=ApplyOptions)
    fbx: Path | None = None
    render: Path | None = None
    work: Path | None = None
    motion_a: Path | None = None
    motion_b: Path | None = None
    resolution: tuple[int, int] | None = None
    samples: int | None = None
    fbx_scope: str = "full"
    # ``fbx`` as one file per character, ``FBX_<A>.fbx`` and ``FBX_<B>.fbx`` (:func:`fbx_files`)
    fbx_per_character: bool = False
    # set by :func:`check_shots`: ``OUT.blend1`` is an input of a shot of the job (this one or
    # another), so an earlier ``out`` kept as a backup goes to a free ``.blendN`` (not a setting)
    blend1_is_input: bool = field(default=False, repr=False, compare=False)
    # set by :func:`check_shots`: what the job's shots write (:func:`job_writes`; not a setting)
    plan: JobPlan | None = field(default=None, repr=False, compare=False)
    # the options the command line or the job file gives (by name), a default value given too; None:
    # not known (a shot made in Python), a value other than the default counts as given
    given: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(
        cls, name: str, values: Mapping[str, object], given: Iterable[str] | None = None, **run: Any
    ) -> Shot:
        """A shot from its run fields and option values keyed by declared name (None = default).

        The take is named after the shot unless given (:func:`take_from_name`: a CLI shot is named
        after its ``--out`` file, whose name may hold a tab or bytes that are not UTF-8).
        """
        unknown = sorted(set(values) - set(SHOT_OPTIONS))
        if unknown:
            raise DualTalkError(f"shot {name!r}: unknown option(s) {', '.join(unknown)}")
        check_render(run.get("resolution"), run.get("samples"))
        req = Request(**{k: _plain(v) for k, v in values.items() if k in REQUEST_OPTIONS and v is not None})  # type: ignore[arg-type]
        # the characters' names, as the script may name its speakers ("花子: ..."; review rv38a F8)
        if req.transcript:
            req.character_a, req.character_b = run.get("char_a"), run.get("char_b")
        scene = {k: _plain(v) for k, v in values.items() if k not in REQUEST_OPTIONS}
        if scene.get("take") is None:
            scene["take"] = take_from_name(name)
        named = {k for k, v in values.items() if v is not None} if given is None else set(given)
        options = ApplyOptions.from_values(scene)
        return cls(name=name, req=req, options=options, given=frozenset(named), **run)

    def request(self) -> Request:
        """The engine-side options of this shot (the one request model, ``core/request.py``)."""
        return self.req

    @property
    def frame_range(self) -> tuple[int, int] | None:
        """The frames to re-generate (``--range`` / shot key ``range``); None: the whole take."""
        return self.options.replace_range

    def __getattr__(self, name: str) -> Any:
        """A declared option's value by its shot-file key (paths as :class:`Path`)."""
        option = SHOT_OPTIONS.get(name)
        if option is None or name.startswith("_") or "req" not in self.__dict__:
            raise AttributeError(name)
        holder = self.__dict__["req"] if name in REQUEST_OPTIONS else self.__dict__["options"]
        value = getattr(holder, option.field)
        return Path(value) if option.kind == "path" and isinstance(value, str) else value


def take_from_name(name: str) -> str:
    """A take name made from a shot's name: its first 40 bytes (what a take name may hold), each
    control or format character and each byte that is not UTF-8 (a file name's surrogate escape)
    as ``_``. A Blender name must be text, and a file name need not be: ``out/shot\\t1.blend`` or
    ``out/\\xff.blend`` is a legal file to write, so its take gets a name instead of a refusal."""
    text = "".join("_" if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c for c in name)
    return text.encode()[:40].decode(errors="ignore") or "take"


def _plain(value: object) -> object:
    """Paths travel as strings inside the request and the options."""
    return str(value) if isinstance(value, os.PathLike) else value


def _relative_ok(value: str, where: str, allow_absolute: bool) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise DualTalkError(f"{where}: expected a path string")
    if "\x00" in value or any(ord(c) < 32 for c in value):
        raise DualTalkError(f"{where}: path {value!r} contains control characters{_escaped_by_json(value)}")
    try:  # "\udcff" is a file name's byte 0xff (Python's escape); a lone "\ud800" is no file name
        os.fsencode(value)
    except UnicodeEncodeError:
        raise DualTalkError(_unencodable(value, where)) from None
    win = PureWindowsPath(value)
    is_abs = Path(value).is_absolute() or bool(win.drive) or value.startswith(("\\", "/"))
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if ".." in parts:
        raise DualTalkError(f"{where}: '..' is not allowed in job paths ({value!r})")
    if is_abs and not allow_absolute:
        raise DualTalkError(f"{where}: outputs must be relative to the job file's folder, got {value!r}")
    problem = _unexpanded(value)
    if problem is not None:
        fix = "a path relative to the job file's folder" + (
            "" if not allow_absolute else " or an absolute path"
        )
        fix += ", with '/' between folders (on every system)" if "backslash" in problem else ""
        raise DualTalkError(f"{where}: {problem} in job paths ({value!r}); give {fix}")
    # "C:/audio/x.wav" named no file here: it was joined to the job folder ("//nas/share/x.wav" is an
    # absolute path on Linux and macOS, like any "/...")
    if win.drive and os.name != "nt" and not value.startswith("/"):
        raise DualTalkError(
            f"{where}: {value!r} is a Windows path (drive {win.drive}); give a path relative to the job "
            "file's folder or an absolute path on this machine"
        )
    try:  # "//nas/x.wav" is "/nas/x.wav" here, never left for Blender to read beside the .blend
        return Path(one_leading_slash(value, "the job file's folder"))
    except DualTalkError as exc:
        raise DualTalkError(f"{where}: {exc}") from None


# what a backslash and a letter become in a JSON string: "audio\take.wav" in a job file is "audio", a
# tab, "ake.wav" (a Windows path written with single backslashes)
_JSON_ESCAPES = {"\t": "t", "\n": "n", "\r": "r", "\b": "b", "\f": "f"}


def _escaped_by_json(value: str) -> str:
    """Why a job path holds a control character when JSON made it from a backslash and a letter."""
    found = next((c for c in value if c in _JSON_ESCAPES), None)
    if found is None:
        return ""
    return (
        f" ('\\{_JSON_ESCAPES[found]}' in the file: a backslash in a JSON string starts an escape); write "
        "'/' between folders"
    )


def _unencodable(value: str, where: str) -> str:
    """Why ``value`` cannot be a file name here: text that is not Unicode (a lone surrogate), or,
    far more often, good text that this process's locale cannot spell as a file name (``é`` where
    file names are ASCII: ``LC_ALL=C`` with Python's UTF-8 mode off), which the user fixes by locale."""
    encoding = sys.getfilesystemencoding()
    if is_unicode(value) and codecs.lookup(encoding).name != "utf-8":
        return (
            f"{where}: path '{escaped(value)}' cannot be written as a file name in this locale (its file "
            f"names are {encoding}); set PYTHONUTF8=1 or a UTF-8 locale (LC_ALL=C.UTF-8)"
        )
    return f"{where}: path '{escaped(value)}' is not valid Unicode text"


# a "~" or "~user" leading a job path ("~/x.blend", "~bob/x"), which a shell expands and a job file
# does not; "take~2.wav" and "~draft.wav" are names. "$OUT" and "%OUT%" are read as the command line
# reads them (inference/core/typed_paths.py).
_HOME = re.compile(r"~[A-Za-z0-9._-]*(?:[/\\]|$)")


def _unexpanded(value: str) -> str | None:
    """What in a job path a TD may expect to be expanded or read as a separator, and is not: a
    ``~`` or ``~user`` as the path's first folder (``~/x.blend`` made a folder named ``~`` in the
    job folder), an environment variable leading the path or one of its folders (a folder named
    ``$OUT``) and, off Windows, a backslash (``out\\x.blend`` was one file with a backslash in its
    name on Linux and macOS; on Windows it is a separator, and native paths load as written). Job
    paths are taken as written, relative to the job file's folder; ``$``, ``%`` and ``~`` inside a
    name are part of it."""
    home = _HOME.match(value)  # "~draft.wav" alone is a file's name: no shell would find a user there
    if value == "~" or (home is not None and home.group(0)[-1:] in "/\\"):
        return "'~' is not expanded"
    variable = unexpanded_variable(value)
    if variable is not None:
        return variable
    if "\\" in value and os.name != "nt":  # Windows reads it as a separator: native paths load there
        return "a backslash is not a folder separator"
    return None


def resolve_path(value: Any, base: Path, where: str, *, output: bool) -> Path:
    p = _relative_ok(value, where, allow_absolute=not output)
    return p if p.is_absolute() else (base / p)


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 63:
        raise DualTalkError(f"{where}: expected a name of 1-63 characters")
    if not is_unicode(value):  # a lone "\ud800": no Blender name can hold it (bpy fails inside its call)
        raise DualTalkError(f"{where}: '{escaped(value)}' is not valid Unicode text")
    return value


# zero-width non-joiner and joiner: format characters that Persian, Indic scripts and emoji need to
# spell a word, and that cannot reorder what is shown
JOINERS = frozenset("\u200c\u200d")


def _shot_name_problem(name: str) -> str | None:
    """What makes ``name`` unfit to name a shot's result line and its files, or None.

    Besides path separators: control characters and line or paragraph separators (one result
    line per shot), surrogates (not text), and format characters (Unicode category Cf, e.g.
    U+202E RIGHT-TO-LEFT OVERRIDE, which makes ``a\\u202egnp.exe.fbx`` display as ``axbf.exe.png``
    wherever the file is listed; the zero-width joiners :data:`JOINERS` are words' own letters)."""
    bad = next((c for c in name if c in '/\\:*?"<>|'), None)
    if bad is not None:
        return f"a path separator or reserved character {bad!r}"
    for c in name:
        kind = unicodedata.category(c)
        if kind == "Cs":
            return f"a surrogate U+{ord(c):04X}, which is not valid Unicode text"
        if kind in ("Cc", "Zl", "Zp"):
            return f"a {'control character' if kind == 'Cc' else 'line break'} U+{ord(c):04X}"
        if kind == "Cf" and c not in JOINERS:
            what = unicodedata.name(c, "")
            return f"a format character U+{ord(c):04X}{f' ({what})' if what else ''}, which changes how it displays"
    return None


def _option_value(option: Option, value: Any, base: Path, where: str) -> object:
    """A shot key read through its declaration: input paths resolved, names short, the rest typed."""
    if option.kind == "path":
        return resolve_path(value, base, where, output=False)
    if option.kind in ("str", "choice"):
        return _name(value, where)
    return coerce(option, value, where)


TOP_FIELDS = frozenset({"version", "defaults", "shots", "description"})


def _unknown(names: set[Any], known: Collection[str]) -> str:
    """The unknown field names, each with the nearest known one when it looks like a typo
    (``intensty (did you mean intensity?)``): an overnight batch should not fail on a guess."""
    out = []
    for name in sorted(map(str, names)):
        near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        shown = _field_shown(name)
        out.append(f"{shown} (did you mean {near[0]}?)" if near else shown)
    return ", ".join(out)


def _field_shown(name: str) -> str:
    """A field name as a line shows it: plain when it is a bare word, quoted (``repr``) when it
    holds a space, a control character or nothing, so ``"char_a "`` does not read as ``char_a``."""
    return name if re.fullmatch(r"[^\s'\"\\]+", name) and name.isprintable() else repr(name)


def _shot(raw: Any, defaults: dict[str, Any], base: Path, index: int) -> Shot:
    if not isinstance(raw, dict):
        raise DualTalkError(f"shots[{index}]: expected an object")
    merged = {**defaults, **raw}
    unknown = set(merged) - FIELDS
    if unknown:
        raise DualTalkError(f"shots[{index}]: unknown field(s) {_unknown(unknown, FIELDS)}")
    name = merged.get("name", f"shot{index + 1:03d}")
    rule = "1-40 characters, no path separators, format or control characters"
    if not isinstance(name, str) or not name.strip() or len(name) > 40:
        raise DualTalkError(f"shots[{index}].name: {rule}")
    problem = _shot_name_problem(name)  # one result line per shot, a file name that shows what it is
    if problem is not None:
        raise DualTalkError(f"shots[{index}].name: '{escaped(name)}' holds {problem}; use {rule}")
    where = f"shot {name!r}"
    for req in ("blend", "char_a", "char_b", "out"):
        if req not in merged:
            raise DualTalkError(f"{where}: missing {req!r}")
    # required: ``"blend": null`` is refused here, not left to fail as a TypeError without a shot name
    run: dict[str, Any] = {"blend": resolve_path(merged["blend"], base, f"{where}.blend", output=False)}
    for key in ("motion_a", "motion_b"):
        if merged.get(key) is not None:
            run[key] = resolve_path(merged[key], base, f"{where}.{key}", output=False)
    run["out"] = resolve_path(merged["out"], base, f"{where}.out", output=True)
    if run["out"].suffix.lower() != ".blend":
        raise DualTalkError(f"{where}.out: must end in .blend")
    for key, suffix in (("fbx", ".fbx"), ("render", ".mp4")):
        value = merged.get(key)
        if value is True:
            run[key] = run["out"].with_name(f"{name}{suffix}")
        elif value is not None and value is not False:  # 0 == False, but "fbx": 0 is a mistake
            run[key] = resolve_path(value, base, f"{where}.{key}", output=True)
            if key == "render":  # neither a video nor a folder ("shot.gif"): before any shot runs
                check_render_target(value, run[key], f"{where}.render")
    if run.get("fbx") is not None and run["fbx"].suffix.lower() != ".fbx":
        raise DualTalkError(f"{where}.fbx: must end in .fbx")
    if merged.get("work") is not None:
        run["work"] = resolve_path(merged["work"], base, f"{where}.work", output=True)
    for key in ("char_a", "char_b"):
        run[key] = _name(merged[key], f"{where}.{key}")
    if merged.get("samples") is not None:
        samples = merged["samples"]
        if isinstance(samples, bool) or not isinstance(samples, int):
            raise DualTalkError(f"{where}.samples: expected an integer")
        try:  # checked again by Shot.build, whose line names neither the shot nor the key
            check_render(None, samples)
        except DualTalkError as exc:
            raise DualTalkError(f"{where}.samples: {exc}") from None
        run["samples"] = samples
    if merged.get("resolution") is not None:
        res = resolution_from_json(merged["resolution"])  # "320x180" as --resolution takes it, or [320, 180]
        if res is None:
            raise DualTalkError(
                f'{where}.resolution: expected "WIDTHxHEIGHT" (as --resolution takes it) or [width, height], '
                f"got {json.dumps(merged['resolution'])[:40]}"
            )
        if not render_size_ok(res):
            raise DualTalkError(
                f"{where}.resolution: sizes must be within {RENDER_SIZE[0]}..{RENDER_SIZE[1]}"
            )
        check_video_resolution(run.get("render"), res, f"{where}.resolution", job=True)  # odd: rv36b R8
        run["resolution"] = res
    if merged.get("fbx_scope") is not None:
        if merged["fbx_scope"] not in FBX_SCOPES:
            raise DualTalkError(f"{where}.fbx_scope: expected one of {', '.join(FBX_SCOPES)}")
        run["fbx_scope"] = merged["fbx_scope"]
    if merged.get("fbx_per_character") is not None:
        if not isinstance(merged["fbx_per_character"], bool):
            raise DualTalkError(f"{where}.fbx_per_character: expected true or false")
        run["fbx_per_character"] = merged["fbx_per_character"]
    values = {
        key: _option_value(option, merged[key], base, f"{where}.{key}")
        for key, option in SHOT_OPTIONS.items()
        if merged.get(key) is not None
    }
    has_motion = "motion_a" in run or "motion_b" in run
    if has_motion and not ("motion_a" in run and "motion_b" in run):
        raise DualTalkError(f"{where}: give both motion_a and motion_b, or neither")
    if not has_motion and "audio" not in values:
        raise DualTalkError(f"{where}: needs 'audio' (or motion_a + motion_b)")
    start, end = values.get("start"), values.get("end")
    if isinstance(start, float) and isinstance(end, float) and end <= start:
        raise DualTalkError(f"{where}: end must be after start")
    shot = Shot.build(name, values, **run)
    _validate(shot, where)
    return shot


# each shot key by its command-line flag, the name the declarations' checks use ("--lip-release")
_BY_FLAG = {option.label: key for key, option in SHOT_OPTIONS.items()}
_LEADING_FLAG = re.compile(r"--[a-z0-9-]+")
_LATER_FLAG = re.compile(r"(?<![\w-])--[a-z0-9-]+(?![\w-])")


def _validate(shot: Shot, where: str) -> None:
    """Every value of the shot checked as its run checks it (bounds, choices, rounds with window,
    behaviour amounts, the take's name), while the job file is read: a typo in shot 50 is found
    before shot 1 runs, not after 49 shots. The line names the job field, not the flag."""
    try:
        shot.req.validate()
        shot.options.validate()
    except DualTalkError as exc:
        raise DualTalkError(_in_job_words(str(exc), where)) from None


def _in_job_words(line: str, where: str) -> str:
    """A check's line, which names a flag (``--lip-release must be between 0 and 1, got 5``), in
    the job file's words (``shot 'y'.lip_release must be between 0 and 1, got 5``)."""
    flag = _LEADING_FLAG.match(line)
    key = _BY_FLAG.get(flag.group(0)) if flag is not None else None
    if flag is None or key is None:
        return f"{where}: {line}"
    rest, option = line[flag.end() :], SHOT_OPTIONS[key]
    words = rest.split(" ", 2)  # "--intensity mouth must ..." -> "intensity.mouth must ..."
    if option.kind == "mapping" and len(words) == 3 and not words[0] and words[1] in option.keys:
        rest = f".{words[1]} {words[2]}"
    # flags named later in the line are the job file's keys too ("give the words as --transcript"):
    # quoted, as a key is written in the file
    rest = _LATER_FLAG.sub(
        lambda m: f'"{_BY_FLAG[m.group(0)]}"' if m.group(0) in _BY_FLAG else m.group(0), rest
    )
    return f"{where}.{key}{rest}"


def parse_jobs(data: Any, base: str | os.PathLike[str]) -> list[Shot]:
    """Validate a decoded job file; paths resolved against ``base`` (pure, raises DualTalkError)."""
    base = Path(base)
    if not isinstance(data, dict):
        raise DualTalkError("job file: the top level must be a JSON object")
    unknown = set(data) - TOP_FIELDS
    if unknown:
        raise DualTalkError(f"job file: unknown field(s) {_unknown(unknown, TOP_FIELDS)}")
    if data.get("version", 1) != 1 or isinstance(data.get("version", 1), bool):
        raise DualTalkError(f"job file: unsupported version {data.get('version')!r} (this build reads 1)")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise DualTalkError("job file: 'defaults' must be an object")
    if "name" in defaults or "out" in defaults:
        raise DualTalkError("job file: 'name' and 'out' are per shot, not defaults")
    unknown = set(defaults) - FIELDS
    if unknown:
        raise DualTalkError(f"defaults: unknown field(s) {_unknown(unknown, FIELDS)}")
    shots_raw = data.get("shots")
    if not isinstance(shots_raw, list) or not shots_raw:
        raise DualTalkError("job file: 'shots' must be a non-empty list")
    if len(shots_raw) > MAX_SHOTS:
        raise DualTalkError(f"job file: too many shots ({len(shots_raw)} > {MAX_SHOTS})")
    shots = [_shot(raw, defaults, base, i) for i, raw in enumerate(shots_raw)]
    check_shots(shots, base)
    return shots


def unused_render_settings(shot: Shot) -> list[str]:
    """The render settings (``resolution``, ``samples``) a shot gives without a render to apply them to."""
    if shot.render is not None:
        return []
    return [key for key in ("resolution", "samples") if getattr(shot, key) is not None]


def unused_engine_settings(shot: Shot) -> list[Option]:
    """The behaviour and lip settings a shot gives though it keys motion files it was given: they
    shape the engine's take, and the engine does not run (the files' blinks, nods and looks were
    made when they were generated)."""
    if shot.motion_a is None:
        return []
    return [
        option
        for option in OPTIONS
        if (option.group == BEHAVIOUR or option.name in ("lip_release", "lip_rounding"))
        and getattr(shot.req, option.name, option.default) != option.default
    ]


def shot_inputs(shot: Shot) -> list[Path]:
    """Every input file the shot names (its .blend, audio, motion files, maps, weights...)."""
    return [Path(getattr(shot, key)) for key in INPUT_PATHS if getattr(shot, key) is not None]


def job_writes(shot: Shot, path: Path) -> bool:
    """Whether a shot of ``shot``'s job (this one or another) writes ``path``: a copy the shot keeps
    must go elsewhere. False for a shot run alone (its own outputs are its caller's to avoid)."""
    return shot.plan is not None and shot.plan.writes(path)


def backup_of(out: Path, n: int = 1) -> Path:
    """Where an earlier ``out`` is kept before a shot replaces it: ``OUT.blend1`` (Blender's Save
    Versions name), or ``OUT.blendN`` when ``OUT.blend1`` may not be used."""
    return out.with_name(f"{out.name}{n}")


def work_folder(shot: Shot) -> Path:
    """Where the engine's motion files and the dialogue mix go."""
    return shot.work or shot.out.with_name(f"{shot.out.stem}.dualtalk")


def intermediates(shot: Shot) -> list[str]:
    """The files this shot writes into its work folder. ``dialogue.wav`` is not a copy of the input
    but the mix of the part animated (mono, 16 kHz, 16-bit: cut, B's offset, two files summed; half
    the bytes of a 16 kHz stereo input), and it is needed: the .blend's sound strip plays it (a
    ``--range`` re-run keeps that strip), ``--skip-done`` counts it in the shot's set, and the add-on
    finds the take's ``A.npz``/``B.npz`` (and through them the recording) beside it (review 31l F6)."""
    names = [] if shot.motion_a is not None else ["A.npz", "B.npz"]
    return names + (["dialogue.wav"] if shot.req.audio is not None else [])


def fbx_files(shot: Shot) -> list[Path]:
    """The FBX files a shot writes: none, ``fbx``, or with ``fbx_per_character`` one per character
    beside it, named after the characters (:func:`~..rig.fbx_files.per_character`)."""
    if shot.fbx is None:
        return []
    if not shot.fbx_per_character:
        return [shot.fbx]
    return list(per_character(shot.fbx, shot.char_a, shot.char_b))


def _writes(shot: Shot) -> list[tuple[str, Path]]:
    """Every file a shot creates or replaces: its outputs and its work folder's intermediates
    (a .blend's sound strip points at its ``dialogue.wav``, so a shared one would play another shot)."""
    files = [("out", shot.out), *(("fbx", p) for p in fbx_files(shot))]
    files += [("render", shot.render)] if shot.render is not None else []
    return files + [("work file", work_folder(shot) / n) for n in intermediates(shot)]


def check_shots(shots: list[Shot], base: Path) -> None:
    """Refuse a batch whose shots share a name, write the same file or write over any shot's input.

    Each path is resolved once: comparing every output with every input afresh made a
    10,000-shot file take hours before the first shot started.
    """
    names: set[str] = set()
    # each real path written (as the file system compares names: outputs.spelled) -> (the shot, what
    # it is, the path as written)
    written: dict[Path, tuple[str, str, Path]] = {}
    written_ids: dict[tuple[int, int], tuple[str, Path]] = {}  # each existing file written -> shot, path
    by_name: dict[str, set[str]] = {}  # each input path (as written, normalised) -> the shots reading it
    by_real: dict[Path, set[str]] = {}  # ... and by real path
    by_case: dict[Path, set[str]] = {}  # ... and by real path as the file system compares names
    by_id: dict[tuple[int, int], set[str]] = {}  # ... and, for a file that exists, by the file itself
    for s in shots:
        for k in INPUT_PATHS:
            if getattr(s, k) is not None:
                norm = os.path.normpath(getattr(s, k))
                by_name.setdefault(norm, set()).add(s.name)
                where = outputs.real(norm)
                by_real.setdefault(where, set()).add(s.name)
                by_case.setdefault(outputs.spelled(where), set()).add(s.name)
                ident = outputs.identity(where)
                if ident is not None:
                    by_id.setdefault(_file_key(ident), set()).add(s.name)
    for s in shots:
        # real paths: a symbolic link inside the job folder must not carry an output elsewhere
        outputs.check_write_plan(_writes(s), [], folders=[("work", s.work)], root=base)
        if s.name in names:
            raise DualTalkError(f"job file: two shots are named {s.name!r}")
        names.add(s.name)
        # a work file over the shot's own input is refused when the shot runs, naming which input
        own = {s.name}
        for key, p in _writes(s):
            norm = Path(os.path.normpath(p))
            # two spellings of one file (a link; on macOS and Windows a name differing only in
            # letter case) are one file
            real = outputs.real(norm)
            where = outputs.spelled(real)
            ident = outputs.identity(real)
            file_key = None if ident is None else _file_key(ident)
            skip = own if key == "work file" else set()
            if where in written:
                other, _, theirs = written[where]
                mine, other_real = str(real), str(outputs.real(os.path.normpath(theirs)))
                why = (
                    f" and {theirs} (names differing only in letter case name one file here)"
                    if mine != other_real and mine.casefold() == other_real.casefold()
                    else ""
                )
                raise DualTalkError(f"job file: shots {other!r} and {s.name!r} both write {p}{why}")
            if file_key is not None and file_key in written_ids:
                other, theirs = written_ids[file_key]
                raise DualTalkError(
                    f"job file: shots {other!r} and {s.name!r} both write {p} ({theirs}: the same file "
                    "under another name)"
                )
            if by_name.get(str(norm), set()) - skip:
                raise DualTalkError(f"shot {s.name!r}: {key} {p} would overwrite an input")
            if by_real.get(real, set()) - skip:
                raise DualTalkError(f"shot {s.name!r}: {key} {p} would overwrite an input (through a link)")
            if file_key is not None and by_id.get(file_key, set()) - skip:
                raise DualTalkError(
                    f"shot {s.name!r}: {key} {p} would overwrite an input (the same file under another name)"
                )
            if by_case.get(where, set()) - skip:
                raise DualTalkError(
                    f"shot {s.name!r}: {key} {p} would overwrite an input (names differing only in letter "
                    "case name one file here)"
                )
            written[where] = (s.name, key, p)
            if file_key is not None:
                written_ids[file_key] = (s.name, p)
        s.blend1_is_input = _is_input(backup_of(s.out), by_name, by_real, by_case, by_id)
    _check_nesting(written)
    plan = JobPlan(written)
    for s in shots:
        s.plan = plan


def _is_input(
    p: Path,
    by_name: dict[str, set[str]],
    by_real: dict[Path, set[str]],
    by_case: dict[Path, set[str]],
    by_id: dict[tuple[int, int], set[str]],
) -> bool:
    """Whether ``p`` is (a name of) an input of a shot of the job: the backup a shot keeps of an
    earlier ``out`` must never replace one (``--blend shot.blend1 --out shot.blend``)."""
    real = outputs.real(p)
    ident = outputs.identity(real)
    return (
        os.path.normpath(p) in by_name
        or real in by_real
        or outputs.spelled(real) in by_case
        or (ident is not None and _file_key(ident) in by_id)
    )


def _file_key(st: os.stat_result) -> tuple[int, int]:
    """One file on disk (what ``os.path.samestat`` compares), as a dictionary key."""
    return (st.st_dev, st.st_ino)


def _check_nesting(written: dict[Path, tuple[str, str, Path]]) -> None:
    """Refuse a file one shot writes inside a path another writes (a render's frames folder, a
    .blend): each shot checked only its own, so the batch started and a later shot (or every
    re-run) failed on a folder holding the other's file. Each path's parents are looked up once."""
    for where, (name, _key, mine) in written.items():
        for parent in where.parents:
            if parent in written and written[parent][0] != name:
                owner, key, p = written[parent]
                raise DualTalkError(
                    f"job file: shot {name!r} writes {mine} inside {p}, the {key} of shot {owner!r}; "
                    "give each shot its own folder"
                )


def check_summary(summary: Path, shots: list[Shot], job: Path) -> None:
    """Refuse a ``--summary`` path before any work: written when the batch ends, a report over a
    shot's output, inside a render folder (which must hold only frames), over an input or the job
    file was found only after hours of work. Each path is resolved once (job files are large)."""
    label = f"--summary {summary}"
    inputs: dict[str, str] = {os.path.normpath(job): "job file"}
    for s in shots:
        for key in INPUT_PATHS:
            if getattr(s, key) is not None:
                inputs.setdefault(os.path.normpath(getattr(s, key)), f"input {key} of shot {s.name!r}")
    outputs.check_write_plan([("--summary", summary)], [(what, p) for p, what in inputs.items()])
    mine = outputs.spelled(outputs.real(summary))  # as the file system compares names
    for s in shots:
        writes = _writes(s) + ([("work folder", work_folder(s))] if intermediates(s) else [])
        for key, p in writes:
            where = outputs.spelled(outputs.real(p))
            what = f"the {key} of shot {s.name!r}"
            if where == mine:
                raise DualTalkError(f"{label} is the same path as {what}; choose another path")
            if where in mine.parents:
                raise DualTalkError(f"{label} lies inside {p}, {what}; choose another path")
            if mine in where.parents:
                raise DualTalkError(f"{label} would hold {what} ({p}); choose another path")
    outputs.check_target(summary, "--summary")
    check_not_other_file(summary)


def load_jobs(path: str | os.PathLike[str]) -> list[Shot]:
    """Read a job file; relative paths are taken from its folder."""
    data = read_json(path, "job file", MAX_JOB_BYTES)
    return parse_jobs(data, Path(path).resolve().parent)
