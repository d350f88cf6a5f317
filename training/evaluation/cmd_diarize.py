"""``python -m dualtalk eval diarize --ami DIR [--files trn|held-out|all] [--one-voice DIR] [--real DIR]
[--synthetic] [--json]``: how well ``--diarize`` finds who speaks when in one mono mix, beside a simple baseline.

- ``--ami DIR``: recordings with who-speaks-when in RTTM (the layout of
  ``../shared/data/real_speech/ami_meetings``: ``<id>.wav`` beside one or more ``*.rttm`` whose file
  ids are the wav names). Recordings listed in an RTTM whose name says ``train`` (``debug.train.rttm``)
  are the ones ``--diarize`` was tuned on (``--files trn``); the others are held out (the default).
- ``--one-voice DIR``: recordings of one voice alone (a reader's clips: ``../shared/data/real_speech/
  librivox``): its wav files, in name order, joined into recordings of about a minute; all their
  speech should go to one character.
- ``--real DIR``: an RTTM folder as for ``--ami``, cut into real people taking turns
  (:mod:`.diarize_real_pairs`): every two people of one recording, each with their stretches where they
  alone speak, and each person with 8 s or more alone as one voice; DER and people heard per pair.
- ``--synthetic``: espeak-ng conversations made here with known truth (:mod:`.diarize_synthetic`):
  backchannels under the speaker's words and an interruption, with the backchannels at 0 and -6 dB;
  each of their voices alone (one voice: the six monologues); and pairs of voices taking turns, a man
  and a woman, two men, two women, of one accent or two (:data:`.diarize_synthetic.PAIRS`): their DER
  and how many people each system heard.

Systems: ``diarize`` (what ``--diarize`` runs: :func:`~.inference.audio.diarize.diarize_mix`), the
baseline (voice activity, then one voice-encoder embedding per 1 s of speech, each second given to
the nearer of two k-means voices), and ``one speaker`` (every frame of speech to one character). The
measures and their rule: :mod:`.diarize_score` and ``docs/metrics.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.audio import voice_encoder
from ...inference.audio.diarize import ONE_VOICE_SAID, _kmeans2, diarize_mix
from ...inference.audio.loader import load_speech
from ...inference.audio.turns import read_turns
from ...inference.audio.vad import voice_activity
from ...inference.core.errors import DualTalkError
from ...inference.core.outputs import stat_path
from ...inference.core.timebase import FPS, SAMPLE_RATE, frames_for
from . import diarize_score
from .diarize_score import Reference, hypothesis, one_voice, pool, pool_one_voice, score, track

FILES = ("held-out", "trn", "all")
SYSTEMS = ("diarize", "baseline", "one speaker")
SPEAKER_KEPT = 0.7  # the speaker's mouth goes on over at least 70 % of a backchannel said under it
ONE_VOICE_S = 60.0  # --one-voice joins a folder's clips into recordings of about a minute
ONE_VOICE_GAP_S = 0.5  # of silence between two joined clips
log = logging.getLogger("dualtalk.eval")

Tracks = tuple[np.ndarray, np.ndarray]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ami",
        metavar="DIR",
        help="folder of <id>.wav + RTTM files naming them (e.g. ../shared/data/real_speech/ami_meetings)",
    )
    parser.add_argument(
        "--files",
        choices=FILES,
        help="with --ami: the recordings held out from tuning (default), those of an RTTM named *train* "
        "(what --diarize was tuned on), or all",
    )
    parser.add_argument(
        "--one-voice",
        metavar="DIR",
        help="folder of wav recordings of one voice alone (e.g. ../shared/data/real_speech/librivox), "
        "joined in name order into recordings of about a minute: all their speech should go to one character",
    )
    parser.add_argument(
        "--real",
        metavar="DIR",
        help="folder as for --ami, cut into real people taking turns: every two people of one recording, "
        "each with their stretches where they alone speak (AMI ids start with the sex, M/F), and each "
        "person with 8 s or more alone as one voice: DER and people heard per pair",
    )
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="also score espeak-ng conversations made here with known truth (backchannels under speech, "
        "an interruption; backchannels at 0 and -6 dB), and each of their voices alone",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


# the systems -------------------------------------------------------------------------------------
def _not_one_voice_said(record: logging.LogRecord) -> bool:
    """The diarizer's "heard one voice" line: the tables here count the people it heard, and a line
    per monologue and alike pair (11 on ``--synthetic``) buried them."""
    return not record.getMessage().startswith(ONE_VOICE_SAID.split("(", 1)[0])


def _diarize(mix: np.ndarray, frames: int) -> Tracks:
    said = logging.getLogger("dualtalk.audio")
    said.addFilter(_not_one_voice_said)
    try:
        d = diarize_mix(mix)
    finally:
        said.removeFilter(_not_one_voice_said)
    return hypothesis(((g.start, g.end, g.speaker) for g in d.segments), frames)


def _one_speaker(mix: np.ndarray, frames: int) -> Tracks:
    speech = voice_activity(mix)[:frames]
    first = np.zeros(frames, dtype=bool)
    first[: len(speech)] = speech
    return first, np.zeros(frames, dtype=bool)


def _baseline(mix: np.ndarray, frames: int) -> Tracks:
    """Voice activity; one embedding per second of speech (the packaged voice encoder's window centred
    on it); the seconds split in two voices by k-means; each second's speech frames to its voice."""
    speech = voice_activity(mix)
    half = FPS // 2
    centres = np.arange(half, len(speech), FPS)
    speech = np.pad(speech, (0, max(0, frames + half - len(speech))))
    centres = centres[[bool(speech[max(0, c - half) : c + half].any()) for c in centres]]
    first, second = np.zeros(frames, dtype=bool), np.zeros(frames, dtype=bool)
    if not len(centres):
        return first, second
    emb = voice_encoder.embed_windows(mix, (centres + 0.5) / FPS)
    if emb is None:
        raise DualTalkError(
            "the baseline needs the packaged voice encoder: pip install --no-deps resemblyzer"
        )
    labels, _ = _kmeans2(emb)
    for c, label in zip(centres.tolist(), labels.tolist(), strict=True):
        span = slice(max(0, c - half), min(frames, c + half + 1))
        (first if label == 0 else second)[span] = speech[span]
    return first, second


RUN: dict[str, Callable[[np.ndarray, int], Tracks]] = {
    "diarize": _diarize,
    "baseline": _baseline,
    "one speaker": _one_speaker,
}


def _systems() -> tuple[str, ...]:
    if voice_encoder.available():
        return SYSTEMS
    log.warning("the packaged voice encoder is not installed: no baseline, and --diarize uses MFCCs")
    return tuple(s for s in SYSTEMS if s != "baseline")


# AMI-style folders --------------------------------------------------------------------------------
def ami_recordings(
    folder: Path, files: str = "held-out", flag: str = "--ami"
) -> list[tuple[str, Path, list[tuple[float, float, str]]]]:
    """(id, wav, turns) of the recordings chosen by ``files`` that have both a wav and turns, in id order
    (``flag``: the option that named the folder, for the error lines)."""
    there = stat_path(folder, flag)
    if there is None:
        raise DualTalkError(f"{flag} {folder}: no such folder")
    if not stat.S_ISDIR(there.st_mode):
        raise DualTalkError(
            f"{flag} {folder} is a file; give the folder that holds <id>.wav and its RTTM files"
        )
    rttms = sorted(p for p in folder.glob("*.rttm") if p.is_file())
    if not rttms:
        raise DualTalkError(f"{flag} {folder}: no .rttm file (who speaks when) in it")
    turns: dict[str, list[tuple[float, float, str]]] = {}
    tuned: set[str] = set()
    for path in rttms:
        for g in read_turns(path, "rttm"):
            rec = g.recording or path.stem
            turns.setdefault(rec, []).append((g.start, g.end, g.speaker))
            if "train" in path.name.lower():
                tuned.add(rec)
    chosen = [r for r in sorted(turns) if files == "all" or (r in tuned) == (files == "trn")]
    out = [(r, folder / f"{r}.wav", turns[r]) for r in chosen if (folder / f"{r}.wav").is_file()]
    missing = [f"{r}.wav" for r in chosen if not (folder / f"{r}.wav").is_file()]
    named = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    if not out:
        which = {"trn": "tuned-on (RTTM named *train*) ", "held-out": "held-out ", "all": ""}[files]
        lacking = f" ({named} not there)" if missing else ""
        other = " (see --files)" if files != "all" and not missing else ""
        raise DualTalkError(
            f"{flag} {folder}: no {which}recording with both an RTTM entry and its <id>.wav{lacking}{other}"
        )
    if missing:
        log.warning("%s not in %s: not scored", named, folder)
    return out


def score_ami(folder: Path, files: str = "held-out", systems: tuple[str, ...] = SYSTEMS) -> dict[str, Any]:
    recordings = ami_recordings(folder, files)
    rows: dict[str, list[dict[str, Any]]] = {s: [] for s in systems}
    seconds = 0.0
    for _rec, wav, turns in recordings:
        mix = load_speech(wav)
        seconds += len(mix) / SAMPLE_RATE
        frames = frames_for(len(mix), SAMPLE_RATE, FPS)
        ref = diarize_score.reference(turns, frames)
        for system in systems:
            rows[system].append(score(ref, *RUN[system](mix, frames)))
    return {
        "files": files,
        "recordings": [r for r, _, _ in recordings],
        "seconds": round(seconds, 1),
        "systems": {s: pool(rows[s]) for s in systems},
    }


# one voice alone ---------------------------------------------------------------------------------
def one_voice_wavs(folder: Path) -> list[Path]:
    """The folder's wav files in name order; a folder with none is one ``error:`` line."""
    there = stat_path(folder, "--one-voice")
    if there is None:
        raise DualTalkError(f"--one-voice {folder}: no such folder")
    if not stat.S_ISDIR(there.st_mode):
        raise DualTalkError(
            f"--one-voice {folder} is a file; give the folder that holds one voice's wav files"
        )
    wavs = sorted(p for p in folder.glob("*.wav") if p.is_file())
    if not wavs:
        raise DualTalkError(f"--one-voice {folder}: no .wav file in it")
    return wavs


def one_voice_recordings(folder: Path) -> list[tuple[list[str], np.ndarray]]:
    """The folder's wav files in name order, joined (:data:`ONE_VOICE_GAP_S` apart) into recordings
    of about :data:`ONE_VOICE_S`; a last one under a third of that joins the one before. (names, mix)."""
    wavs = one_voice_wavs(folder)
    gap = np.zeros(int(ONE_VOICE_GAP_S * SAMPLE_RATE), dtype=np.float32)
    groups: list[tuple[list[str], list[np.ndarray]]] = []
    length = ONE_VOICE_S * SAMPLE_RATE
    for wav in wavs:
        clip = np.asarray(load_speech(wav), dtype=np.float32)
        if not groups or length >= ONE_VOICE_S * SAMPLE_RATE:
            groups.append(([], [gap]))
            length = 0.0
        groups[-1][0].append(wav.name)
        groups[-1][1].extend([clip, gap])
        length += len(clip) + len(gap)
    if len(groups) > 1 and length < ONE_VOICE_S * SAMPLE_RATE / 3:
        names, parts = groups.pop()
        groups[-1][0].extend(names)
        groups[-1][1].extend(parts[1:])
    return [(names, np.concatenate(parts)) for names, parts in groups]


def _one_voice_rows(mixes: list[np.ndarray], systems: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    rows: dict[str, list[dict[str, int]]] = {s: [] for s in systems}
    for mix in mixes:
        frames = frames_for(len(mix), SAMPLE_RATE, FPS)
        for system in systems:
            rows[system].append(one_voice(*RUN[system](mix, frames)))
    return {s: pool_one_voice(rows[s]) for s in systems}


def score_one_voice(folder: Path, systems: tuple[str, ...] = SYSTEMS) -> dict[str, Any]:
    recordings = one_voice_recordings(folder)
    return {
        "folder": str(folder),
        "clips": sum(len(names) for names, _ in recordings),
        "seconds": round(sum(len(mix) for _, mix in recordings) / SAMPLE_RATE, 1),
        "systems": _one_voice_rows([mix for _, mix in recordings], systems),
    }


# synthetic conversations -------------------------------------------------------------------------
def score_synthetic(
    langs: tuple[str, ...] | None = None,
    levels: tuple[float, ...] | None = None,
    systems: tuple[str, ...] = SYSTEMS,
) -> dict[str, Any]:
    """Per backchannel level: the pooled measures, plus what the known events show: backchannels
    under speech found (the listener's track on over half of it), the speaker's mouth kept through
    them, and each interruption's onset delay."""
    from . import diarize_synthetic as synth

    langs = tuple(synth.CONVERSATIONS) if langs is None else langs
    levels = synth.LEVELS_DB if levels is None else levels
    out: dict[str, Any] = {"conversations": list(langs), "levels": {}}
    for db in levels:
        rows: dict[str, list[dict[str, Any]]] = {s: [] for s in systems}
        events: dict[str, dict[str, Any]] = {
            s: {"under": 0, "under_found": 0, "kept": 0, "onsets_s": []} for s in systems
        }
        for lang in langs:
            conv = synth.conversation(lang, db)
            frames = frames_for(len(conv.mix), SAMPLE_RATE, FPS)
            named = {w: track(((s, e) for s, e, who in conv.turns if who == w), frames) for w in "AB"}
            ref = Reference(named["A"], named["B"], np.zeros(frames, dtype=bool))
            for system in systems:
                first, second = RUN[system](conv.mix, frames)
                row = score(ref, first, second)
                rows[system].append(row)
                tracks = dict(
                    zip(
                        "AB", (second, first) if row["mapping"] == "swapped" else (first, second), strict=True
                    )
                )
                e = events[system]
                for ev in conv.events:
                    mine = tracks[ev.who][ev.start : ev.end]
                    if ev.kind == "under":
                        other = tracks["B" if ev.who == "A" else "A"][ev.start : ev.end]
                        e["under"] += 1
                        e["under_found"] += bool(mine.mean() >= diarize_score.GIVEN_SHARE)
                        e["kept"] += bool(other.mean() >= SPEAKER_KEPT)
                    else:
                        hit = np.flatnonzero(mine)
                        e["onsets_s"].append(float(hit[0]) / FPS if len(hit) else None)
        out["levels"][f"{db:g} dB"] = {s: {**pool(rows[s]), **events[s]} for s in systems}
    out["one_voice"] = _one_voice_rows(
        [synth.monologue(lang, who) for lang in langs for who in "AB"], systems
    )
    out["pairs"] = score_pairs(systems=systems)
    return out


def heard_people(first: np.ndarray, second: np.ndarray) -> int:
    """How many people a system heard: 2 when each track has at least the one-voice share
    (:data:`~.diarize_score.WHOLE_SHARE`) of the speech frames, else 1 (0 when it heard no speech)."""
    spoken = int((first | second).sum())
    if not spoken:
        return 0
    return 2 if min(first.sum(), second.sum()) / spoken > diarize_score.WHOLE_SHARE else 1


def score_pairs(
    names: tuple[str, ...] | None = None, systems: tuple[str, ...] = SYSTEMS
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per voice pair taking turns (:func:`.diarize_synthetic.pair`) and system: DER and the people heard."""
    from . import diarize_synthetic as synth

    made = ((name, synth.pair(name)) for name in (synth.PAIRS if names is None else names))
    return {name: _pair_scores(conv.mix, conv.turns, systems) for name, conv in made}


def _pair_scores(
    mix: np.ndarray, turns: list[tuple[float, float, str]], systems: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """Per system: DER and the people heard on two voices ("A", "B" in ``turns``) taking turns."""
    frames = frames_for(len(mix), SAMPLE_RATE, FPS)
    named = {w: track(((s, e) for s, e, who in turns if who == w), frames) for w in "AB"}
    ref = Reference(named["A"], named["B"], np.zeros(frames, dtype=bool))
    out: dict[str, dict[str, Any]] = {}
    for system in systems:
        first, second = RUN[system](mix, frames)
        out[system] = {"der": pool([score(ref, first, second)])["der"], "people": heard_people(first, second)}
    return out


def score_real(folder: Path, systems: tuple[str, ...] = SYSTEMS) -> dict[str, Any]:
    """Real people of one recording taking turns and each alone (:mod:`.diarize_real_pairs`)."""
    from . import diarize_real_pairs as real

    by_person = real.people(ami_recordings(folder, "all", "--real"))
    made, alone = real.pairs(by_person), real.alone(by_person)
    if not made and not alone:
        raise DualTalkError(
            f"--real {folder}: no two people of one recording with {real.MIN_PERSON_S:g} s each where they "
            "alone speak"
        )
    return {
        "folder": str(folder),
        "pairs": {m.name: _pair_scores(m.mix, m.turns, systems) for m in made},
        "seconds": round(sum(len(m.mix) for m in made) / SAMPLE_RATE, 1),
        "alone": [m.name for m in alone],
        "one_voice": _one_voice_rows([m.mix for m in alone], systems) if alone else {},
    }


# the report ---------------------------------------------------------------------------------------
def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"


HEADER = (
    f"{'system':<12} {'DER':>7} {'overlap err':>12} {'both open':>10} {'false both':>11} "
    f"{'short found':>12} {'interrupt <=0.5 s':>18} {'onset median':>13}"
)


def _row(name: str, m: dict[str, Any]) -> str:
    onset = "-" if m["onset_median_s"] is None else f"{m['onset_median_s']:.2f} s"
    return (
        f"{name:<12} {_pct(m['der']):>7} {_pct(m['overlap_error']):>12} {_pct(m['overlap_both_open']):>10} "
        f"{_pct(m['false_both']):>11} {str(m['short_found']) + '/' + str(m['short_turns']):>12} "
        f"{str(m['onset_found_0_5s']) + '/' + str(m['interruptions']):>18} {onset:>13}"
    )


ONE_VOICE_HEADER = (
    f"{'system':<12} {'to the second character':>24} {'worst recording':>16} {'kept whole':>11}"
)


def _one_voice_lines(systems: dict[str, dict[str, Any]]) -> list[str]:
    return [
        ONE_VOICE_HEADER,
        *(
            f"{name:<12} {_pct(m['second_share']):>24} {_pct(m['worst_second_share']):>16} "
            f"{str(m['kept_whole']) + '/' + str(m['recordings']):>11}"
            for name, m in systems.items()
        ),
    ]


def _pair_lines(
    pairs: dict[str, dict[str, dict[str, Any]]],
    title: str = "synthetic voice pairs taking turns (three phrases each, no overlap)",
) -> list[str]:
    """The voice pairs' table: each system's DER and the people it heard (of 2)."""
    systems = list(next(iter(pairs.values()))) if pairs else []
    return [
        f"{title}: DER, people heard (of 2)",
        f"{'pair':<26}" + "".join(f" {s:>20}" for s in systems),
        *(
            f"{name:<26}" + "".join(f" {_pct(r[s]['der']) + ', ' + str(r[s]['people']):>20}" for s in systems)
            for name, r in pairs.items()
        ),
    ]


def format_report(out: dict[str, Any]) -> str:
    lines: list[str] = []
    if "ami" in out:
        a = out["ami"]
        lines += [
            f"AMI-style recordings, {a['files']} ({', '.join(a['recordings'])}): {a['seconds']:g} s; "
            "A, B = the two most talkative people, frames where anyone else talks not scored",
            HEADER,
            *(_row(s, m) for s, m in a["systems"].items()),
        ]
    if "one_voice" in out:
        o = out["one_voice"]
        lines += [
            *([""] if lines else []),
            f"one voice alone ({o['folder']}: {o['clips']} clips, {o['seconds']:g} s, joined into recordings of "
            f"about {ONE_VOICE_S:g} s): speech given to the second character, recordings kept whole (>= 95 % "
            "to one)",
            *_one_voice_lines(o["systems"]),
        ]
    if "real" in out:
        r = out["real"]
        if r["pairs"]:
            lines += [
                *([""] if lines else []),
                *_pair_lines(
                    r["pairs"],
                    f"real people of one recording taking turns ({r['folder']}: {len(r['pairs'])} pairs, "
                    f"{r['seconds']:g} s; their stretches alone, 0.4 s apart)",
                ),
            ]
        if r["alone"]:
            lines += [
                *([""] if lines else []),
                f"each of them alone ({', '.join(r['alone'])}): speech given to the second character, "
                "recordings kept whole (>= 95 % to one)",
                *_one_voice_lines(r["one_voice"]),
            ]
    if "synthetic" in out:
        s = out["synthetic"]
        for level, systems in s["levels"].items():
            lines += [
                *([""] if lines else []),
                f"synthetic conversations ({', '.join(s['conversations'])}), backchannels at {level}",
                HEADER,
                *(_row(name, m) for name, m in systems.items()),
            ]
            for name, m in systems.items():
                onsets = ", ".join("missed" if d is None else f"{d:.2f}" for d in m["onsets_s"])
                lines.append(
                    f"  {name}: backchannels under speech found {m['under_found']}/{m['under']}, speaker's "
                    f"mouth kept {m['kept']}/{m['under']}, interruption onset {onsets} s"
                )
        if "pairs" in s:
            lines += ["", *_pair_lines(s["pairs"])]
        if "one_voice" in s:
            lines += [
                "",
                f"synthetic voices alone (each voice of {', '.join(s['conversations'])} saying all six phrases): "
                "speech given to the second character, recordings kept whole (>= 95 % to one)",
                *_one_voice_lines(s["one_voice"]),
            ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.ami is None and args.one_voice is None and args.real is None and not args.synthetic:
        raise DualTalkError(
            "give --ami DIR (recordings with RTTM turns), --one-voice DIR (one voice alone), --real DIR "
            "(real people taking turns), --synthetic, or several"
        )
    if args.files is not None and args.ami is None:
        raise DualTalkError("--files chooses among the --ami recordings; give --ami DIR too")
    out: dict[str, Any] = {}
    systems = _systems()
    if args.one_voice is not None:  # the folders are checked before anything runs
        one_voice_wavs(Path(args.one_voice))
    if args.real is not None:
        ami_recordings(Path(args.real), "all", "--real")
    if args.ami is not None:
        out["ami"] = score_ami(Path(args.ami), args.files or "held-out", systems)
    if args.one_voice is not None:
        out["one_voice"] = score_one_voice(Path(args.one_voice), systems)
    if args.real is not None:
        out["real"] = score_real(Path(args.real), systems)
    if args.synthetic:
        out["synthetic"] = score_synthetic(systems=systems)
    print(json.dumps(out) if args.json else format_report(out))
    sys.stdout.flush()
    return 0
