"""``python -m dualtalk eval --pred DIR --gt DIR``: score predictions against ground truth.

``--pred`` holds one file per predicted character, named like its ground truth:
``<stem>_speaker1.npz`` (our motion file, or the dataset layout) or ``<stem>_speaker1.npy``
(a bare (T, 56) array, as the published test script writes). Dialogue-mode output
(``infer --out pred/<stem>`` writes ``pred/<stem>/A.npz`` and ``B.npz``) is understood
too: ``A`` is speaker 1 and ``B`` speaker 2, unless the files record otherwise (a take made with
``--swap``, or from ``<stem>_speaker2.wav`` given as ``--audio``: :func:`_recorded_speaker`). ``--gt`` holds the
DualTalk-format ground truth ``<stem>_speaker{1,2}.npz``; the *other* speaker's file is
the partner for P-FD and rPCC. Subfolders are matched by relative path. Metrics are
defined in :mod:`inference.metrics` and ``docs/metrics.md``. A prediction whose ``exp`` has FLAME's 100
coefficients with values past the 50th is refused in one line naming it (``--pred <path>: ...``;
``load_motion(..., strict_exp=True)``): the metrics score the first 50, and a prediction whose other 50
were noise scored as perfect. A ground truth or partner from a 100-coefficient tracker is scored on its
first 50, the dataset's, with the loader's one warning: nothing predicts the rest.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import stat
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .core.channels import CHANNELS, SPACE_ARKIT, SPACE_FLAME
from .core.errors import DualTalkError
from .core.inputs import DAMAGED_ARRAY_FILE, npy_file_header
from .core.motion import MAX_FRAMES, Motion, load_motion, motion_values
from .core.motion_meta import read_motion_meta
from .core.numeric import check_real_dtype
from .core.outputs import stat_path
from .metrics import Sequence, evaluate_sequences, format_table, same_take_length

_PRED_RE = re.compile(r"^(?P<stem>.+)_speaker(?P<who>[12])\.(?P<ext>npz|npy)$")
_DIALOGUE = {"A.npz": "1", "B.npz": "2"}  # by name; the file's own record decides (_recorded_speaker)
_AUDIO_RE = re.compile(r"^(?P<stem>.+)_speaker(?P<who>[12])$")  # a dataset audio file's name, sans suffix
log = logging.getLogger(__name__)


def _prediction_key(pred_dir: Path, path: Path) -> tuple[Path, str, str] | None:
    """(folder relative to --pred, stem, speaker "1"/"2") for a prediction file, else None."""
    m = _PRED_RE.match(path.name)
    if m:
        return path.parent.relative_to(pred_dir), m["stem"], m["who"]
    if path.name in _DIALOGUE and path.parent != pred_dir:
        rel = path.parent.relative_to(pred_dir)
        return rel.parent, rel.name, _DIALOGUE[path.name]
    return None


def _recorded_speaker(motion: Motion, stem: str, shown: str) -> tuple[str, str, bool] | None:
    """Which speaker of take ``stem`` a dialogue-mode motion file animates, from its own record:
    (speaker "1"/"2", why, whether an input file's name says so) or None for a file that records no
    role (paper mode, the dataset layout). ``A`` is the first voice given (``--audio``, channel 0, the
    turns' first speaker) and ``B`` the second, swapped by ``--swap`` (``meta.source.swap``); when the
    voice came from ``<stem>_speakerN.wav`` (``--audio``/``--audio-b``), that file names the speaker.
    A record that contradicts itself is refused: scoring it either way could be wrong."""
    role = motion.role
    if role not in ("A", "B"):
        return None
    meta = motion.meta
    raw = meta.get("source")
    source: dict[str, Any] = raw if isinstance(raw, dict) else {}
    swap = source.get("swap", False)
    if not isinstance(swap, bool):
        raise DualTalkError(
            f"{shown}: its meta.source.swap is {str(swap)[:20]!r}, not true or false; cannot tell its speaker"
        )
    track = "AB".index(role) ^ int(swap)  # 0: the first voice given, 1: the second
    form = source.get("form")
    if form in ("pair", "stereo", "diarized", "turns"):  # the input's own names, before any swap
        firsts = ("A", "B")
        if form == "turns" and isinstance(source.get("speakers"), list) and len(source["speakers"]) == 2:
            firsts = (str(source["speakers"][0]), str(source["speakers"][1] or "B"))
        name = meta.get("name")
        if (
            isinstance(name, str)
            and name in firsts
            and firsts[0] != firsts[1]
            and firsts.index(name) != track
        ):
            raise DualTalkError(
                f"{shown}: its meta contradicts itself (character {role}, swap {str(swap).lower()}, but named "
                f"{name!r}, the {'first' if firsts.index(name) == 0 else 'second'} voice's name); "
                "cannot tell which speaker it animates, so it is not scored"
            )
    how = f"character {role} of a take made {'with' if swap else 'without'} --swap"
    if form == "pair":
        voice = source.get("audio_b" if track else "audio")
        if isinstance(voice, str):
            named = _AUDIO_RE.match(Path(voice).stem)
            if named and named["stem"] == stem:
                return named["who"], f"{how}, voice {Path(voice).name}", True
    return str(track + 1), how, False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pred", required=True, metavar="DIR", help="folder of predicted <stem>_speakerN.npz/.npy"
    )
    parser.add_argument(
        "--gt", required=True, metavar="DIR", help="folder of ground-truth <stem>_speakerN.npz"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--sid-fit",
        choices=("gt", "pred"),
        default="gt",
        help="fit SID's k-means on the ground truth (paper definition, default) or on the prediction "
        "(what the published evaluation script does)",
    )


def _npy_shape(path: Path) -> tuple[int, ...]:
    """The shape a .npy file's header declares, read before numpy allocates it (every layout numpy
    writes; any other is refused: :func:`.core.inputs.npy_file_header`). A declared size past the
    largest take, in values or in bytes (a text dtype of a few values can claim gigabytes), is one line."""
    shape, dtype = npy_file_header(path)
    most = MAX_FRAMES * len(CHANNELS[SPACE_FLAME])
    values = float(np.prod(shape, dtype=np.float64))
    if values > most or values * dtype.itemsize > most * 8:
        raise DualTalkError(
            f"{path.name} declares {shape} values, more than any take holds; refusing to load it"
        )
    return shape


def _load_pred(
    path: Path, motion: Motion | None = None, shown: str = ""
) -> tuple[str, np.ndarray, float | None]:
    """(space, values, fps); a bare .npy carries no rate (None: taken to be the ground truth's).
    ``motion``: the .npz already read; ``shown``: its path under ``--pred``, named in a refusal."""
    if path.suffix == ".npz":
        try:
            m = motion if motion is not None else load_motion(path, strict_exp=True)
        except DualTalkError as exc:  # the same name is in --gt: say which folder's file to mend
            said = str(exc)
            if shown and said.startswith(f"{path.name}: "):
                raise DualTalkError(f"--pred {shown}: {said[len(path.name) + 2 :]}") from None
            raise
        return m.space, m.values, m.fps
    try:
        _npy_shape(path)  # from the header: a file claiming billions of frames is never allocated
        arr = np.load(path, allow_pickle=False)
    except (ValueError, OSError, *DAMAGED_ARRAY_FILE) as exc:
        raise DualTalkError(f"{path.name} is not a readable .npy array ({exc})") from None
    except MemoryError:  # within the bound, but not free on this machine: say which file
        raise DualTalkError(f"not enough memory to read the prediction {path.name}") from None
    if not isinstance(arr, np.ndarray):  # an .npz archive named .npy
        arr.close()
        raise DualTalkError(f"{path.name} is not a readable .npy array (it is an .npz archive)")
    check_real_dtype(arr, f"{path.name}: values")  # before the shape: text or dates are no motion at all
    if arr.ndim == 3 and arr.shape[0] == 1:
        arr = arr[0]
    spaces = {len(CHANNELS[s]): s for s in (SPACE_FLAME, SPACE_ARKIT)}
    if arr.ndim != 2 or arr.shape[1] not in spaces:
        raise DualTalkError(f"{path.name}: expected a (frames, 56) or (frames, 55) array, got {arr.shape}")
    return spaces[arr.shape[1]], motion_values(arr, f"{path.name}: values"), None


def _speaker_of(
    pred_dir: Path, path: Path, key: tuple[Path, str, str], motions: dict[Path, Motion]
) -> tuple[Path, str, str]:
    """``key`` with the speaker the motion file records (:func:`_recorded_speaker`); the motion read
    is kept in ``motions``. ``A.npz``/``B.npz`` as ``infer`` wrote them are scored by their record
    (a ``--swap`` take's ``A.npz`` is speaker 2). A file someone named (``<stem>_speakerN.npz``, or an
    ``A.npz`` holding character B) keeps its name's speaker when the record only follows the
    A-is-the-first-voice convention (with a warning if they differ), and is refused when its voice
    came from the other speaker's ``<stem>_speakerN.wav``."""
    rel, stem, who = key
    shown = path.relative_to(pred_dir).as_posix()
    try:
        motion = motions[path] = load_motion(path, strict_exp=True)
    except DualTalkError:  # said when it is scored (a file without ground truth is only listed)
        return key
    recorded = _recorded_speaker(motion, stem, shown)
    if recorded is None:
        return key
    speaker, how, named = recorded
    if path.name in _DIALOGUE and motion.role == path.stem:
        return rel, stem, speaker
    if speaker == who:
        return key
    if named:  # its voice came from the other speaker's audio file: no name makes it this one's
        fix = (
            f"rename it {stem}_speaker{speaker}.npz"
            if path.name not in _DIALOGUE
            else "keep the names infer wrote (eval reads --swap from the files themselves)"
        )
        raise DualTalkError(f"{shown} holds speaker {speaker}'s character ({how}); {fix}")
    log.warning(
        "%s holds %s, which is speaker %s by its record; scored as speaker %s by its file name",
        shown, how, speaker, who,
    )  # fmt: skip
    return key


def _is_file(path: Path, label: str = "ground-truth file") -> bool:
    """``Path.is_file()``, one line where it would raise (a sub-folder this user cannot enter, a
    path too long)."""
    st = stat_path(path, label)
    return st is not None and stat.S_ISREG(st.st_mode)


def collect(pred_dir: Path, gt_dir: Path) -> tuple[str, list[Sequence]]:
    """Pair every prediction with its ground truth and the partner's ground truth."""
    for d, what in ((pred_dir, "prediction"), (gt_dir, "ground-truth")):
        flag = "--pred" if what == "prediction" else "--gt"
        there = stat_path(d, flag)  # a name too long, a folder this user cannot enter: one line
        if there is not None and not stat.S_ISDIR(there.st_mode):
            raise DualTalkError(f"{flag} {d} is a file; give the folder that holds the {what} files")
        if there is None:
            raise DualTalkError(f"{what} folder not found: {d}")
    preds = sorted(
        p for p in pred_dir.rglob("*") if _is_file(p, "prediction") and _prediction_key(pred_dir, p)
    )
    if not preds:
        raise DualTalkError(
            f"no predictions in {pred_dir}: expected <stem>_speaker1.npz/.npy, _speaker2, or <stem>/A.npz, B.npz"
        )
    seqs: list[Sequence] = []
    space: str | None = None
    missing: list[str] = []
    seen: dict[tuple[Path, str, str], Path] = {}
    motions: dict[Path, Motion] = {}
    for p in preds:
        key = _prediction_key(pred_dir, p)
        assert key is not None
        if p.suffix == ".npz":  # a motion file says whose it is: a --swap take's A.npz is speaker 2
            key = _speaker_of(pred_dir, p, key, motions)
        if key in seen:  # <stem>_speaker1.npz beside <stem>/A.npz: one character would count twice
            raise DualTalkError(
                f"{seen[key].relative_to(pred_dir).as_posix()} and {p.relative_to(pred_dir).as_posix()} "
                "are both predictions of the same speaker; keep one"
            )
        seen[key] = p
    for key, p in seen.items():
        rel, stem, who = key
        other = "2" if who == "1" else "1"
        gt_path = gt_dir / rel / f"{stem}_speaker{who}.npz"
        partner_path = gt_dir / rel / f"{stem}_speaker{other}.npz"
        if not _is_file(gt_path) or not _is_file(partner_path):
            if _is_file(gt_path):  # another motion space is the blocker to say first, not the partner
                pspace = _load_pred(p, motions.get(p))[0]
                gspace = read_motion_meta(gt_path).space
                if pspace != gspace:
                    raise DualTalkError(
                        f"{p.name} is {pspace} but its ground truth {gt_path.name} is {gspace}; "
                        "score one motion space at a time"
                    )
            lacking = " and ".join(f.name for f in (gt_path, partner_path) if not _is_file(f))
            missing.append(f"{p.relative_to(pred_dir).as_posix()} (lacks {lacking})")
            continue
        pspace, values, pfps = _load_pred(p, motions.get(p), p.relative_to(pred_dir).as_posix())
        gt, partner = (
            load_motion(f) for f in (gt_path, partner_path)
        )  # a tracker's 100: the first 50 scored
        # frames are compared one to one: another rate would pair each frame with the wrong moment
        for name, fps in (
            (f"prediction {p.relative_to(pred_dir).as_posix()}", pfps),
            (f"partner {partner_path.name}", partner.fps),
        ):
            if fps is not None and fps != gt.fps:
                raise DualTalkError(
                    f"{name} is at {fps:g} fps but the ground truth {gt_path.name} is at {gt.fps:g} fps; "
                    "score motion at the ground truth's rate"
                )
        for name, s in ((p.name, pspace), (gt_path.name, gt.space), (partner_path.name, partner.space)):
            space = space or s
            if s != space:
                raise DualTalkError(
                    f"{name} is {s} but other files are {space}; score one motion space at a time"
                )
        if not same_take_length(len(values), len(gt.values), gt.fps):
            # the metrics cut both to the shorter one: a part of the take (infer --start/--end) would
            # be scored against the wrong stretch of the ground truth
            raise DualTalkError(
                f"{p.relative_to(pred_dir).as_posix()} has {len(values)} frames but its ground truth {gt_path.name} has {len(gt.values)}; "
                "score predictions of the whole take (no --start/--end)"
            )
        if not same_take_length(len(partner.values), len(gt.values), gt.fps):
            # both speakers of one take have its length; otherwise everything is cut to the shorter
            raise DualTalkError(
                f"{gt_path.name} has {len(gt.values)} frames but its partner {partner_path.name} has "
                f"{len(partner.values)}; the two speakers' ground truth must cover the same take"
            )
        seqs.append(
            Sequence((rel / f"{stem}_speaker{who}").as_posix(), values, gt.values, partner.values, gt.fps)
        )
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise DualTalkError(
            f"no ground truth (own and partner's) in {gt_dir} for {', '.join(missing[:3])}{more}"
        )
    assert space is not None
    return space, seqs


class _Scoring:
    """The metrics' progress as one counter line ("eval: 40% scoring 12 sequences"): in a log, a
    line per sequence and metric group would bury the table's warnings."""

    def __init__(self, bar: Any, sequences: int) -> None:
        self.bar, self.message = bar, f"scoring {sequences} sequence{'s' if sequences != 1 else ''}"

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.bar.update("eval", fraction, self.message)

    def check_cancel(self) -> None:
        self.bar.check_cancel()


def run(args: argparse.Namespace) -> int:
    space, seqs = collect(Path(args.pred), Path(args.gt))
    from .core.progress import ConsoleBar, Silent

    # an hour of takes is minutes of clustering: say how far it is (stderr; the results go to stdout)
    progress = Silent() if args.quiet else _Scoring(ConsoleBar(sys.stderr), len(seqs))
    result = evaluate_sequences(seqs, space, sid_fit=args.sid_fit, progress=progress)
    if args.json:
        print(
            json.dumps({"space": space, "sequences": len(seqs), "sid_fit": args.sid_fit, "metrics": result})
        )
    else:
        print(format_table(result, len(seqs)))
    return 0
