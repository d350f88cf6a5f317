"""Average the weights of lite models fine-tuned from the same start ("model soup").

``python -m dualtalk.training.lite.soup --out lite_v3.pt lite_v2.pt run_b/lite_step8000.pt``
(``--replace`` to write over an existing ``--out``)

Two fine-tunes of one network that took different routes (loss, corpus, steps) often
generalise better averaged than either alone; ``lite_v3.pt`` is such a mean (MODEL_CARD.md).
Every input must have the same configuration; the result keeps the first one's and records
its inputs' file names and sha-256 in its ``extra``.

``--greedy`` chooses the ingredients by measurement (a "greedy soup"): starting from
``--start``, each weights file of the pool, best alone first, joins the mean only if the
mean then passes the closure floor and timing window on every ``--aligned`` set and scores
higher (F/V + rounded + open-vs-M/B/P AUC - open-vowels-shut, summed over the sets)::

    python -m dualtalk.training.lite.soup --greedy --aligned heldout ljval --start v2.pt b.pt \
        --out pick.pt run_r/lite.pt run_s/lite.pt ...
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import atomic_path
from ...inference.core.outputs import refuse_existing
from ...inference.models.lite.model import load_lite, save_lite


def _refuse_overwrite(paths: Sequence[str | Path], out: str | Path) -> None:
    """Never write the result over one of its own inputs."""
    target = Path(out).resolve()
    if any(Path(p).resolve() == target for p in paths):
        raise DualTalkError(f"--out {out} is one of the input weights; write the mean to a new file")


def _check_same_network(paths: Sequence[str | Path], configs: Sequence[object]) -> None:
    """Only weights of one network average: name the first file that is another."""
    for p, cfg in zip(paths[1:], configs[1:], strict=True):
        if cfg != configs[0]:
            raise DualTalkError(f"{p}: a different network than {paths[0]}; only the same network averages")


def soup(paths: Sequence[str | Path], out: str | Path, note: str = "") -> Path:
    """The element-wise mean of the lite weights in ``paths``, written to ``out`` (fp16)."""
    if len(paths) < 2:
        raise DualTalkError("a soup needs at least two weights files")
    _refuse_overwrite(paths, out)
    loaded = [load_lite(p) for p in paths]  # (model, sha256 of the file)
    models = [m for m, _ in loaded]
    first = models[0]
    _check_same_network(paths, [m.cfg for m in models])
    states = [m.state_dict() for m in models]
    first.load_state_dict({k: sum(s[k].float() for s in states) / len(states) for k in states[0]})
    inputs = [{"file": Path(p).name, "sha256": sha} for p, (_, sha) in zip(paths, loaded, strict=True)]
    extra = {"soup": inputs, **({"note": note} if note else {})}
    return save_lite(first.eval(), out, extra=extra)


@dataclass(frozen=True)
class Verdict:
    """What a judge says of one weights file: whether it passes the floors, its score, and why."""

    passes: bool
    score: float
    detail: str = ""


Judge = Callable[[Path], Verdict]
MIN_CLOSURE = 0.95  # the closure floor of every selection round in MODEL_CARD.md


def selection_score(model: dict[str, Any]) -> float:
    """F/V + rounded + open-vs-M/B/P AUC - share of open vowels shut, from a pooled
    ``eval lipsync`` row; a row without phones of its class counts 0 for every candidate alike."""
    get = lambda key: float(model.get(key) or 0.0)  # noqa: E731
    return get("fv_auc") + get("round_auc") + get("open_vs_mbp_auc") - get("open_closed_rate")


def passes_floor(model: dict[str, Any], min_closure: float) -> bool:
    """Closure at or above the floor and the mouth inside the timing window."""
    closure = model.get("closure_rate")
    return closure is not None and closure >= min_closure and bool(model.get("offset_ok"))


def lipsync_judge(sets: Sequence[tuple[Path, float]], device: str = "cpu") -> Judge:
    """Score weights with ``eval lipsync`` on each (folder, closure floor); the sum decides."""
    from ..evaluation.cmd_lipsync import evaluate_lipsync

    def judge(weights: Path) -> Verdict:
        ok, total, parts = True, 0.0, []
        for folder, floor in sets:
            model = evaluate_lipsync(folder, checkpoint=str(weights), device=device)["pooled"]["model"]
            ok = ok and passes_floor(model, floor)
            score = selection_score(model)
            total += score
            closure = model.get("closure_rate")
            parts.append(
                f"{Path(folder).name}: closure {'-' if closure is None else f'{100 * closure:.0f} %'}, "
                f"offset {model.get('offset_ms')}, score {score:.3f}"
            )
        return Verdict(ok, round(total, 4), "; ".join(parts))

    return judge


def _mix(paths: Sequence[Path], out: Path, note: str = "") -> Path:
    """The mean of ``paths`` at ``out`` (one file is copied as it is)."""
    if len(paths) == 1:
        with atomic_path(out) as tmp:
            shutil.copyfile(paths[0], tmp)
        return out
    return soup(paths, out, note)


def _say(line: str) -> None:
    print(line, flush=True)  # a long selection is followed live, also through a pipe


def greedy_soup(
    start: Sequence[str | Path],
    pool: Sequence[str | Path],
    judge: Judge,
    out: str | Path,
    log: Callable[[str], None] = _say,
    note: str = "",
) -> tuple[list[Path], Verdict]:
    """Grow the mean of ``start`` one pool file at a time, best alone first, keeping a file only
    if the new mean passes ``judge``'s floors and beats the current score; one pass. Writes the
    final mean to ``out`` and returns its ingredients and verdict."""
    if not start:
        raise DualTalkError("a greedy soup needs at least one --start weights file")
    if not pool:
        raise DualTalkError("a greedy soup needs a pool of weights files to choose from")
    for p in [*start, *pool]:
        if not Path(p).is_file():
            raise DualTalkError(f"weights file not found: {p}")
    _refuse_overwrite([*start, *pool], out)
    every = [*start, *pool]  # checked before minutes of scoring, not in the middle of them
    _check_same_network(every, [load_lite(p)[0].cfg for p in every])
    kept = [Path(p) for p in start]
    with tempfile.TemporaryDirectory(prefix="greedy_soup_") as tmp:
        work = Path(tmp)
        alone = []
        for p in map(Path, pool):
            v = judge(p)
            log(f"alone {p}: {v.score:.4f} {'passes' if v.passes else 'fails'} ({v.detail})")
            alone.append((v.score, str(p)))
        best = judge(_mix(kept, work / "current.pt"))
        log(f"start {' + '.join(map(str, kept))}: {best.score:.4f} ({best.detail})")
        for _score, name in sorted(alone, key=lambda x: -x[0]):
            trial = judge(_mix([*kept, Path(name)], work / "trial.pt"))
            take = trial.passes and trial.score > best.score
            log(f"{'take' if take else 'drop'} {name}: {trial.score:.4f} ({trial.detail})")
            if take:
                kept, best = [*kept, Path(name)], trial
        _mix(kept, Path(out), note)
    log(f"kept {len(kept)}: {' + '.join(map(str, kept))} -> {out} ({best.score:.4f})")
    return kept, best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.lite.soup", description=__doc__.splitlines()[0]
    )
    ap.add_argument(
        "weights",
        nargs="+",
        help="two or more lite weights files of the same network (with --greedy: the pool)",
    )
    ap.add_argument("--out", required=True, help="the averaged weights file")
    ap.add_argument(
        "--replace", action="store_true", help="write over an existing --out (refused without it)"
    )
    ap.add_argument("--note", default="", help="a line stored with the weights (what they are)")
    ap.add_argument("--greedy", action="store_true", help="choose the pool files to keep by measurement")
    ap.add_argument(
        "--start", nargs="+", default=[], metavar="PT", help="with --greedy: the mean to start from"
    )
    ap.add_argument(
        "--aligned",
        nargs="+",
        default=[],
        metavar="DIR",
        help="with --greedy: eval lipsync folders to judge on",
    )
    ap.add_argument(
        "--min-closure",
        nargs="+",
        type=float,
        default=[MIN_CLOSURE],
        metavar="RATE",
        help=f"with --greedy: M/B/P closure floor, one for all sets or one per set (default {MIN_CLOSURE})",
    )
    args = ap.parse_args(argv)
    try:
        _refuse_overwrite([*args.start, *args.weights], args.out)  # the sharper line comes first
        refuse_existing(args.out, "--out", replace=args.replace)
        if args.greedy:
            floors = args.min_closure
            if not args.aligned:
                raise DualTalkError("--greedy needs --aligned folders to judge on")
            if len(floors) not in (1, len(args.aligned)):
                raise DualTalkError(
                    f"--min-closure takes one rate or one per --aligned folder ({len(args.aligned)})"
                )
            if not all(0.0 <= f <= 1.0 for f in floors):
                raise DualTalkError("--min-closure rates are shares between 0 and 1")
            sets = [
                (Path(d), floors[0] if len(floors) == 1 else floors[i]) for i, d in enumerate(args.aligned)
            ]
            for folder, _ in sets:
                if not folder.is_dir():
                    raise DualTalkError(f"aligned folder not found: {folder}")
            greedy_soup(args.start, args.weights, lipsync_judge(sets), args.out, note=args.note)
            return 0
        path = soup(args.weights, args.out, args.note)
        print(f"wrote {path} (mean of {len(args.weights)})")
        return 0
    except DualTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
