"""``python -m dualtalk eval scripts --corpus DIR [--language LANG] [--group N] [--gap SEC] [--json]``.

How often lips drawn from a script (``infer --transcript``) draw the lines a voice says, and keep
the engine's lips on the lines it does not say. Each line of a character's script is judged on its
own (``inference/phonetic/transcript.py``, ``script_warp.py``): drawn where it fits the voice, else
refused; a script that mostly does not fit refuses the whole character.

The corpus is read prompts, each an audio file with its words beside it (``<stem>.wav|.flac|.ogg|
.opus|.mp3`` + ``<stem>.txt`` or ``.lab``, the layout ``training/lite/align_tts`` reads). Every
``--group`` prompts in name order (default 4; one reader's), ``--gap`` seconds of silence apart
(default 1.5) and around, are one character's stream, judged with three scripts:

- **own**: its own lines, in order; each should be drawn;
- **replaced**: the same, with line 2 replaced by line 2 of the next group (the last group takes
  the first's): that line should be refused and the other lines still drawn;
- **wrong**: the next group's lines; each should be refused.

The judging is the shipped one, end to end: the stream (16 kHz mono, ``load_speech``), an ARKit
motion of its length whose speaking flags are the engine's voice activity on it (as ``infer`` sets
them) kept to where the prompts are (or a prompt's whole span, where it hears none of it), and
``transcript.draw_lips`` with the script's lines as character A's, in ``--language``: English goes
to pocketsphinx, any other language espeak-ng speaks to the warp of espeak-ng's reading (as
``infer --transcript-language`` does). The character has no partner, so no other character's lines
compete (``infer`` passes the partner's lines to the warp as well).

A character refused whole (the report's ``error``) draws none of its lines. The lines that pass
their own judgement are counted too (``fit_alone``, ``replaced_refused_alone``): they are drawn
only where the whole script also fits the voice (its drawn words cover at least 80 % of the
character's speech, its refused lines hold at most half of its words).

espeak-ng's reading of a line differs slightly with what it read before (the warp
reads each line once per process), so the groups are always judged in the same order: the same
corpus and options give the same numbers; another order (``--most``, a renamed file) may move a
few borderline lines.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.core.errors import DualTalkError
from ...inference.core.progress import ConsoleBar, Progress, Silent
from ...inference.core.timebase import FPS, SAMPLE_RATE, frames_for
from .cmd_lipsync import quiet_log

CASES = ("own", "replaced", "wrong")
REPLACED = 1  # line 2 of each script (index 1) is the one replaced
REASON_CHARS = 50  # refusal reasons are counted by their first this many characters
MAX_GAP_S = 60.0
_PLACED = re.compile(r"^\d+ of \d+ words placed, but ")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus",
        required=True,
        metavar="DIR",
        help="prompts of one reader: <stem>.wav|.flac|.ogg|.opus|.mp3 with <stem>.txt or <stem>.lab beside each",
    )
    parser.add_argument(
        "--language",
        default="en",
        metavar="LANG",
        help="the prompts' language (default en: pocketsphinx; any other espeak-ng language, e.g. es, it, "
        "ru: espeak-ng's reading warped onto the voice)",
    )
    parser.add_argument(
        "--group", type=int, default=4, metavar="N", help="lines per character stream (default 4)"
    )
    parser.add_argument(
        "--gap", type=float, default=1.5, metavar="SEC", help="silence between the lines (default 1.5 s)"
    )
    parser.add_argument("--most", type=int, metavar="N", help="judge at most N groups (the first N)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON instead of a table")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


@dataclass(frozen=True)
class Prompt:
    """One prompt of the corpus: its audio file and its words."""

    path: Path
    text: str


def corpus_groups(corpus: str | Path, group: int = 4, most: int | None = None) -> list[list[Prompt]]:
    """The corpus's prompts in name order, ``group`` at a time (a last partial group is left out),
    the first ``most`` groups; DualTalkError in one line when there are fewer than two groups (the
    replaced and wrong lines come from another group)."""
    from ..lite.align_tts import find_transcribed

    if group < 2:
        raise DualTalkError(f"--group must be 2 or more (line 2 of each script is replaced), got {group}")
    if most is not None and most < 2:
        raise DualTalkError(f"--most must be 2 or more (the wrong lines come from another group), got {most}")
    found = find_transcribed(corpus)
    if len(found) < 2 * group:
        raise DualTalkError(
            f"{corpus} has {len(found)} prompt{'s' if len(found) != 1 else ''} with a transcript; "
            f"--group {group} needs at least {2 * group} (two groups: the wrong lines come from another group)"
        )
    groups = [
        [Prompt(path, text) for path, text in found[k : k + group]]
        for k in range(0, len(found) - group + 1, group)
    ]
    return groups[:most] if most is not None else groups


def character_stream(clips: list[np.ndarray], gap: float) -> tuple[np.ndarray, np.ndarray]:
    """The prompts (16 kHz) as one character's stream, ``gap`` seconds of silence before each and
    after the last, and its speaking flags (25 fps): the engine's voice activity inside the prompts,
    or a prompt's whole span where it hears nothing there."""
    from ...inference.audio.vad import voice_activity

    silence = np.zeros(int(round(gap * SAMPLE_RATE)), np.float32)
    pieces, spans, at = [], [], 0
    for clip in clips:
        pieces += [silence, clip]
        at += len(silence)
        spans.append((at, at + len(clip)))
        at += len(clip)
    stream = np.concatenate([*pieces, silence])
    n = frames_for(len(stream), SAMPLE_RATE, FPS)
    try:
        heard = np.asarray(voice_activity(stream), bool)[:n]
    except DualTalkError:  # nothing the detector can read: the prompts' spans
        heard = np.zeros(n, bool)
    heard = np.concatenate([heard, np.zeros(n - len(heard), bool)])
    speaking = np.zeros(n, bool)
    for start, end in spans:
        a = int(np.floor(start / SAMPLE_RATE * FPS))
        b = min(n, int(np.ceil(end / SAMPLE_RATE * FPS)))
        speaking[a:b] = heard[a:b] if heard[a:b].any() else True
    return stream, speaking


def judge(stream: np.ndarray, speaking: np.ndarray, texts: list[str], language: str) -> dict[str, Any]:
    """One script (``texts``, character A's lines in order) against the stream, through
    ``transcript.draw_lips``: the line numbers (from 1) drawn, those refused with why, and the
    whole character's refusal (``error``, None when it drew)."""
    from ...inference.core.motion import Motion
    from ...inference.phonetic.transcript import Line, draw_lips

    motion = Motion("arkit55", np.zeros((len(speaking), 55), np.float32), fps=FPS, speaking=speaking)
    lines = [Line(k + 1, "A", text) for k, text in enumerate(texts)]
    _drawn, report = draw_lips(motion, stream, lines, "A", 0.0, language)
    error = report.get("error")
    return {
        "drawn": [] if error else sorted(report.get("lines_drawn", [])),
        "refused": {int(r["line"]): r["why"] for r in report.get("lines_refused", [])},
        "error": error,
    }


def reason(why: str) -> str:
    """A refusal's reason as counted: its quotes and numbers masked (``'...'``, ``#``), so one reason
    given for different lines or measures is one, cut to :data:`REASON_CHARS` characters."""
    return _NUMBER.sub("#", _QUOTED.sub("'...'", why))[:REASON_CHARS]


def _reasons(result: dict[str, Any]) -> list[str]:
    """The refusal reasons of one judged script: each refused line's, and the whole script's."""
    out = [reason(why) for _line, why in sorted(result["refused"].items())]
    if result["error"]:
        out.append("whole script: " + reason(_PLACED.sub("", result["error"])))
    return out


def _rate(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "rate": round(count / of, 3) if of else None}


def evaluate_scripts(
    corpus: str | Path,
    language: str = "en",
    group: int = 4,
    gap: float = 1.5,
    most: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every number of the report (see the module docstring)."""
    from ...inference.audio.loader import load_speech
    from ...inference.phonetic.script_languages import normalise
    from ...inference.phonetic.transcript import check_available, uses_warp

    gap_s = float(gap)
    if not math.isfinite(gap_s) or not 0.0 <= gap_s <= MAX_GAP_S:
        raise DualTalkError(f"--gap must be 0 to {MAX_GAP_S:g} seconds, got {gap}")
    language = normalise(language)
    check_available(language)  # an unknown language, or no aligner for it, before the slow part
    groups = corpus_groups(corpus, group, most)
    progress = progress or Silent()
    totals = {
        case: {"scripts": 0, "lines": 0, "drawn": 0, "fit_alone": 0, "characters_refused": 0}
        for case in CASES
    }
    reasons: dict[str, Counter[str]] = {case: Counter() for case in CASES}
    replaced_refused = replaced_refused_alone = others_drawn = 0
    per_group = []
    with quiet_log("dualtalk.transcript"):  # draw_lips warns of every refused line, which is counted here
        for gi, prompts in enumerate(groups):
            progress.update("judging", gi / len(groups), f"group {gi + 1}/{len(groups)}")
            other = groups[(gi + 1) % len(groups)]
            stream, speaking = character_stream([load_speech(p.path) for p in prompts], gap_s)
            own = [p.text for p in prompts]
            scripts = {
                "own": own,
                "replaced": [other[k].text if k == REPLACED else t for k, t in enumerate(own)],
                "wrong": [p.text for p in other],
            }
            row: dict[str, Any] = {"prompts": [p.path.name for p in prompts], "next": other[0].path.name}
            for case, texts in scripts.items():
                progress.check_cancel()
                result = judge(stream, speaking, texts, language)
                row[case] = {
                    "drawn": result["drawn"],
                    "refused": {str(k): v for k, v in result["refused"].items()},
                    "error": result["error"],
                }
                tot = totals[case]
                tot["scripts"] += 1
                tot["lines"] += len(texts)
                tot["drawn"] += len(result["drawn"])
                tot["fit_alone"] += len(texts) - len(result["refused"])
                tot["characters_refused"] += int(bool(result["error"]))
                reasons[case].update(_reasons(result))
                if case == "replaced":
                    replaced_refused += int(REPLACED + 1 not in result["drawn"])
                    replaced_refused_alone += int(REPLACED + 1 in result["refused"])
                    others_drawn += len([k for k in result["drawn"] if k != REPLACED + 1])
            per_group.append(row)
    progress.update("judging", 1.0, f"{len(groups)} groups judged")
    cases: dict[str, dict[str, Any]] = {}
    for case, tot in totals.items():
        refused = tot["lines"] - tot["drawn"]
        cases[case] = {
            **tot,
            "refused": refused,
            "drawn_rate": round(tot["drawn"] / tot["lines"], 3),
            "refused_rate": round(refused / tot["lines"], 3),
        }
    n = len(groups)
    return {
        "corpus": str(corpus),
        "language": language,
        "aligner": "warp" if uses_warp(language) else "pocketsphinx",
        "group": group,
        "gap_s": gap_s,
        "groups": n,
        "prompts": n * group,
        "cases": cases,
        "own_drawn": _rate(cases["own"]["drawn"], cases["own"]["lines"]),
        "replaced_refused": _rate(replaced_refused, n),
        "replaced_others_drawn": _rate(others_drawn, n * (group - 1)),
        "replaced_refused_alone": _rate(replaced_refused_alone, n),
        "wrong_refused": _rate(cases["wrong"]["refused"], cases["wrong"]["lines"]),
        "reasons": {case: dict(reasons[case].most_common()) for case in CASES},
        "per_group": per_group,
    }


def _shown(r: dict[str, Any]) -> str:
    rate = "-" if r["rate"] is None else f"{r['rate']:.1%}"
    return f"{r['count']:>5}/{r['of']:<5} {rate:>6}"


def format_report(out: dict[str, Any]) -> str:
    """The numbers as a table: each case's lines drawn and refused, the four rates, the reasons."""
    lines = [
        f"{out['corpus']}: {out['groups']} groups of {out['group']} prompts, {out['gap_s']:g} s apart, "
        f"language {out['language']} ({out['aligner']})",
        f"{'script':<9} {'lines':>6} {'drawn':>6} {'refused':>8} {'drawn %':>8} {'fit alone':>10}   refused whole",
    ]
    for case in CASES:
        c = out["cases"][case]
        lines.append(
            f"{case:<9} {c['lines']:>6} {c['drawn']:>6} {c['refused']:>8} {c['drawn_rate']:>8.1%} "
            f"{c['fit_alone']:>10}   "
            f"{c['characters_refused']} of {c['scripts']} scripts"
        )
    lines += [
        f"own lines drawn                          {_shown(out['own_drawn'])}",
        f"replaced line refused                    {_shown(out['replaced_refused'])}",
        f"  other lines of those scripts drawn     {_shown(out['replaced_others_drawn'])}",
        f"wrong lines refused                      {_shown(out['wrong_refused'])}",
        f"replaced line refused on its own         {_shown(out['replaced_refused_alone'])}",
        "fit alone: lines that pass their own judgement; they are drawn where the whole script fits the voice too",
    ]
    named = {why for case in CASES for why in out["reasons"][case]}
    if named:
        width = max(len(why) for why in named)
        count = {why: sum(out["reasons"][case].get(why, 0) for case in CASES) for why in named}
        lines.append(f"{'refusals by reason':<{width + 2}} {'own':>4} {'replaced':>8} {'wrong':>5}")
        for why in sorted(named, key=lambda w: (-count[w], w)):
            got = [out["reasons"][case].get(why, 0) for case in CASES]
            lines.append(f"  {why:<{width}} {got[0]:>4} {got[1]:>8} {got[2]:>5}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    progress = Silent() if args.quiet else ConsoleBar(sys.stderr)
    out = evaluate_scripts(args.corpus, args.language, args.group, args.gap, args.most, progress)
    print(json.dumps(out) if args.json else format_report(out))
    sys.stdout.flush()
    return 0
