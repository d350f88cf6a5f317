"""``python -m dualtalk eval --pred DIR --gt DIR``: score predictions against ground truth.

``--pred`` holds one file per predicted character, named like its ground truth:
``<stem>_speaker1.npz`` (our motion file, or the dataset layout) or ``<stem>_speaker1.npy``
(a bare (T, 56) array, as the published test script writes). Dialogue-mode output
(``infer --out pred/<stem>`` writes ``pred/<stem>/A.npz`` and ``B.npz``) is understood
too: ``A`` is speaker 1, ``B`` speaker 2. ``--gt`` holds the
DualTalk-format ground truth ``<stem>_speaker{1,2}.npz``; the *other* speaker's file is
the partner for P-FD and rPCC. Subfolders are matched by relative path. Metrics are
defined in :mod:`inference.metrics` and ``docs/metrics.md``.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from .core.channels import CHANNELS, SPACE_ARKIT, SPACE_FLAME
from .core.errors import DualTalkError
from .core.inputs import DAMAGED_ARRAY_FILE
from .core.motion import MAX_FRAMES, load_motion, motion_values
from .core.numeric import check_real_dtype
from .metrics import Sequence, evaluate_sequences, format_table

_PRED_RE = re.compile(r"^(?P<stem>.+)_speaker(?P<who>[12])\.(?P<ext>npz|npy)$")
_DIALOGUE = {"A.npz": "1", "B.npz": "2"}
MAX_LENGTH_MISMATCH_S = 1.0  # a frame or two is rounding (the dataset's 587 frames for 588 of audio)


def _prediction_key(pred_dir: Path, path: Path) -> tuple[Path, str, str] | None:
    """(folder relative to --pred, stem, speaker "1"/"2") for a prediction file, else None."""
    m = _PRED_RE.match(path.name)
    if m:
        return path.parent.relative_to(pred_dir), m["stem"], m["who"]
    if path.name in _DIALOGUE and path.parent != pred_dir:
        rel = path.parent.relative_to(pred_dir)
        return rel.parent, rel.name, _DIALOGUE[path.name]
    return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pred", required=True, metavar="DIR", help="folder of predicted <stem>_speakerN.npz/.npy"
    )
    parser.add_argument(
        "--gt", required=True, metavar="DIR", help="folder of ground-truth <stem>_speakerN.npz"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument(
        "--sid-fit",
        choices=("gt", "pred"),
        default="gt",
        help="fit SID's k-means on the ground truth (paper definition, default) or on the prediction "
        "(what the published evaluation script does)",
    )


def _npy_shape(path: Path) -> tuple[int, ...] | None:
    """The shape a .npy file's header declares, read before numpy allocates it; None for a header
    layout this reader does not know (numpy's own read then decides)."""
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    with open(path, "rb") as fh:
        read = readers.get(np.lib.format.read_magic(fh))
        return None if read is None else tuple(read(fh)[0])


def _load_pred(path: Path) -> tuple[str, np.ndarray, float | None]:
    """(space, values, fps); a bare .npy carries no rate (None: taken to be the ground truth's)."""
    if path.suffix == ".npz":
        m = load_motion(path)
        return m.space, m.values, m.fps
    try:
        shape = _npy_shape(path)  # from the header: a file claiming billions of frames is never allocated
        if shape is not None and np.prod(shape, dtype=np.float64) > MAX_FRAMES * len(CHANNELS[SPACE_FLAME]):
            raise DualTalkError(
                f"{path.name} declares {shape} values, more than any take holds; refusing to load it"
            )
        arr = np.load(path, allow_pickle=False)
    except (ValueError, OSError, *DAMAGED_ARRAY_FILE) as exc:
        raise DualTalkError(f"{path.name} is not a readable .npy array ({exc})") from None
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


def collect(pred_dir: Path, gt_dir: Path) -> tuple[str, list[Sequence]]:
    """Pair every prediction with its ground truth and the partner's ground truth."""
    for d, what in ((pred_dir, "prediction"), (gt_dir, "ground-truth")):
        if d.exists() and not d.is_dir():
            flag = "--pred" if what == "prediction" else "--gt"
            raise DualTalkError(f"{flag} {d} is a file; give the folder that holds the {what} files")
        if not d.is_dir():
            raise DualTalkError(f"{what} folder not found: {d}")
    preds = sorted(p for p in pred_dir.rglob("*") if p.is_file() and _prediction_key(pred_dir, p))
    if not preds:
        raise DualTalkError(
            f"no predictions in {pred_dir}: expected <stem>_speaker1.npz/.npy, _speaker2, or <stem>/A.npz, B.npz"
        )
    seqs: list[Sequence] = []
    space: str | None = None
    missing: list[str] = []
    seen: dict[tuple[Path, str, str], Path] = {}
    for p in preds:
        key = _prediction_key(pred_dir, p)
        assert key is not None
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
        if not gt_path.is_file() or not partner_path.is_file():
            missing.append(p.relative_to(pred_dir).as_posix())
            continue
        pspace, values, pfps = _load_pred(p)
        gt, partner = load_motion(gt_path), load_motion(partner_path)
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
        if abs(len(values) - len(gt.values)) > MAX_LENGTH_MISMATCH_S * gt.fps:
            # the metrics cut both to the shorter one: a part of the take (infer --start/--end) would
            # be scored against the wrong stretch of the ground truth
            raise DualTalkError(
                f"{p.relative_to(pred_dir).as_posix()} has {len(values)} frames but its ground truth {gt_path.name} has {len(gt.values)}; "
                "score predictions of the whole take (no --start/--end)"
            )
        if abs(len(partner.values) - len(gt.values)) > MAX_LENGTH_MISMATCH_S * gt.fps:
            # both speakers of one take have its length; otherwise everything is cut to the shorter
            raise DualTalkError(
                f"{gt_path.name} has {len(gt.values)} frames but its partner {partner_path.name} has "
                f"{len(partner.values)}; the two speakers' ground truth must cover the same take"
            )
        seqs.append(Sequence((rel / f"{stem}_speaker{who}").as_posix(), values, gt.values, partner.values))
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise DualTalkError(
            f"no ground truth (own and partner's) in {gt_dir} for {', '.join(missing[:3])}{more}"
        )
    assert space is not None
    return space, seqs


def run(args: argparse.Namespace) -> int:
    space, seqs = collect(Path(args.pred), Path(args.gt))
    result = evaluate_sequences(seqs, space, sid_fit=args.sid_fit)
    if args.json:
        print(
            json.dumps({"space": space, "sequences": len(seqs), "sid_fit": args.sid_fit, "metrics": result})
        )
    else:
        print(format_table(result, len(seqs)))
    return 0
