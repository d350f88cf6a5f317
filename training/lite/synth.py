"""The synthetic two-voice corpus the lite model is trained on.

Each dialogue has two virtual speakers with different TTS voices taking turns, with
overlaps, pauses, backchannels ("mm-hmm", "yeah") and laughs from the listener. Because
every phone's timing is known exactly, the targets are exact too: visemes for whoever
speaks, listener behaviour (nods at the partner's phrase ends, brow raises, smiles),
gaze and blinks for both, head motion following the speaker's own loudness. The audio
the model sees is then degraded like real recordings (noise, reverb, EQ, gain and the
partner bleeding into each microphone) while the targets stay clean.

Output: DualTalk-format folders ``<stem>_speaker1.wav/.npz`` and ``<stem>_speaker2.*``
where each npz is a motion file in space ``arkit55``. Same seed, same corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.audio.tts import (
    ESPEAK_VOICES,
    FLITE_VOICES,
    SAMPLE_RATE,
    Phone,
    Utterance,
    Voice,
    available_engines,
    espeak_variants,
    flite_voices,
    random_voice,
    speak,
)
from ...inference.core import locks, outputs
from ...inference.core.channels import ARKIT52, SPACE_ARKIT
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import atomic_path, ensure_writable_dir, write_sound
from ...inference.core.motion import Motion, save_motion
from ...inference.core.timebase import FPS
from ...inference.phonetic.visemes import render_visemes, viseme_classes
from .fronting import SHIFT_RANGE, front_rounded
from .languages import HELDOUT_VARIANTS, LANGUAGES, TRAIN_VARIANTS_F, TRAIN_VARIANTS_M, Language
from .listener import (
    blinks,
    frame_energy,
    gaze,
    laugh_track,
    listener_behaviour,
    speaker_head,
    speech_head,
)

# Our own sentences: everyday conversation with a broad mix of phones.
SENTENCES = (
    "I went to the market this morning and the bread was still warm.",
    "Did you see the game last night?",
    "We should probably leave before the traffic gets bad.",
    "My sister moved to a small village by the sea.",
    "Honestly, I think the first version was better.",
    "Could you pass me the blue folder on the shelf?",
    "The weather has been strange all week.",
    "That is exactly what I was trying to say.",
    "We fixed the roof just before the storm arrived.",
    "Why would anyone buy a boat in the middle of winter?",
    "I have never been good at remembering names.",
    "The train was late again, so I walked the last part.",
    "She plays the violin every Thursday evening.",
    "Maybe we can try the new place around the corner.",
    "He thought the meeting was tomorrow, but it was today.",
    "I lost my keys twice this week.",
    "The children built a huge castle out of cardboard boxes.",
    "What time does the museum open on Sundays?",
    "You would love the view from the top of that hill.",
    "My phone battery never lasts a full day anymore.",
    "We watched the whole series in one weekend.",
    "The soup needs a little more pepper, I think.",
    "Have you ever tried to fix a bicycle chain?",
    "I am not sure that plan will work, to be honest.",
    "Our neighbour grows tomatoes on the balcony.",
    "Please remind me to call my father later.",
    "The library is quiet in the early afternoon.",
    "Everybody laughed when the dog stole the sandwich.",
    "It took us three hours to find the right road.",
    "I usually read a few pages before I fall asleep.",
    "The bus driver waved at every single person.",
    "Would you rather go hiking or stay home?",
    "They painted the kitchen a bright yellow colour.",
    "My grandmother makes the best apple pie in town.",
    "So then what happened after you opened the door?",
    "The printer jammed right before the deadline.",
    "I really think you should talk to him about it.",
    "We saw a fox crossing the road near the bridge.",
    "Five or six people showed up, which was fine.",
    "The music was too loud to hear anything at all.",
    "Wait, are you serious? That is amazing news.",
    "No, no, I meant the other one, the smaller one.",
    "Well, it depends on how much time we have.",
    "Oh, I forgot to tell you about the puppy!",
    "Yes, but that was before they changed the rules.",
    "Let me check my calendar and get back to you.",
    "The coffee machine at work finally broke down.",
    "Look at those clouds, it is going to pour.",
    "We used to play football in the park every summer.",
    "I promise I will bring your umbrella back tomorrow.",
    "Usually I cook, but tonight we are ordering pizza.",
    "Which way is the station from here?",
    "That movie was much funnier than I expected.",
    "Maybe, but I still think we need a bigger map.",
    "The fish market smells wonderful in the morning.",
    "Remember when we got lost in the old town?",
    "I will believe it when I see it.",
    "Three cheese sandwiches and a pot of tea, please.",
    "Everything changed when the new manager arrived.",
    "You know what, let us just go and see.",
)
BACKCHANNELS = (
    "mm hmm",
    "mhm",
    "yeah",
    "yeah yeah",
    "right",
    "okay",
    "uh huh",
    "oh really",
    "wow",
    "sure",
    "I see",
    "true",
)
LAUGHS = ("ha ha ha", "ha ha", "heh heh", "ha")


@dataclass
class Spoken:
    """One utterance placed on the dialogue timeline."""

    who: int  # 0 = speaker1 (A), 1 = speaker2 (B)
    start: float
    utt_audio: np.ndarray
    phones: list[Phone]
    kind: str  # "turn" | "backchannel" | "laugh"


Say = Callable[[int, str], "Utterance | None"]


def _talkers(
    rng: np.random.Generator,
    voices: tuple[Voice, Voice],
    lang: Language | None,
    fronting: tuple[np.random.Generator, float, tuple[float, float]] | None = None,
) -> Say:
    """Both speakers read from the sentence bank of their language (English when ``lang`` is None).

    ``fronting`` = (its own generator, share, shift range in Hz): that share of the utterances get
    their rounded vowels fronted (``fronting.front_rounded``); its own generator, so the rest of the
    dialogue is drawn exactly as without it."""
    sentences = lang.train_sentences if lang else SENTENCES
    backs = lang.backchannels if lang else BACKCHANNELS
    laughs = lang.laughs if lang else LAUGHS

    def say(who: int, kind: str) -> Utterance | None:
        if kind == "turn":
            text = " ".join(str(rng.choice(sentences)) for _ in range(int(rng.integers(1, 4))))
        else:
            text = str(rng.choice(laughs if kind == "laugh" else backs))
        utt = speak(text, voices[who])
        if fronting is not None and fronting[0].random() < fronting[1]:
            audio, shift = front_rounded(utt.audio, utt.phones, fronting[0], fronting[2])
            utt = Utterance(
                audio, utt.phones, utt.text, utt.engine, utt.voice, {**utt.options, "fronted_hz": shift}
            )
        return utt

    return say


def _schedule(rng: np.random.Generator, say: Say, duration: float) -> list[Spoken]:
    """Turns with overlaps and pauses; listener backchannels and laughs in between."""
    items: list[Spoken] = []
    t, who = float(rng.uniform(0.0, 1.0)), int(rng.integers(0, 2))
    while t < duration - 1.0:
        utt = say(who, "turn")
        if utt is None:  # this speaker has nothing more to say: the other goes on
            who = 1 - who
            utt = say(who, "turn")
            if utt is None:
                break
        items.append(Spoken(who, t, utt.audio, utt.phones, "turn"))
        end = t + utt.duration
        # The listener reacts during or right after the turn.
        other = 1 - who
        tb = t + float(rng.uniform(1.0, 2.5))
        while tb < end - 0.5:
            r = rng.random()
            if r < 0.35:
                kind = "laugh" if rng.random() < 0.2 else "backchannel"
                bc = say(other, kind)
                if bc is not None:
                    items.append(Spoken(other, tb, bc.audio, bc.phones, kind))
                    tb += bc.duration
            tb += float(rng.uniform(1.5, 4.0))
        if rng.random() < 0.12:  # shared laugh at the end of a turn
            la = say(other, "laugh")
            if la is not None:
                items.append(Spoken(other, max(end - 0.3, t), la.audio, la.phones, "laugh"))
        # Next turn: usually the other speaker, sometimes the same one continues.
        gap = float(
            rng.choice(
                [rng.uniform(-0.5, 0.0), rng.uniform(0.05, 0.5), rng.uniform(0.5, 1.5)], p=[0.25, 0.5, 0.25]
            )
        )
        who = other if rng.random() < 0.85 else who
        t = max(end + gap, t + 0.5)
    return items


def _augment(rng: np.random.Generator, own: np.ndarray, partner: np.ndarray) -> tuple[np.ndarray, dict]:
    """Make a clean stream sound recorded: bleed, reverb, EQ, noise, gain."""
    from scipy.signal import butter, fftconvolve, sosfilt

    x = own.astype(np.float64).copy()
    info: dict = {}
    if rng.random() < 0.5:  # the partner leaking into this microphone
        db = float(rng.uniform(-32, -14))
        delay = int(rng.integers(0, 240))
        x[delay:] += partner[: len(x) - delay] * 10 ** (db / 20)
        info["bleed_db"] = round(db, 1)
    if rng.random() < 0.5:  # a room: exponentially decaying noise impulse response
        rt60 = float(rng.uniform(0.15, 0.7))
        n = int(rt60 * SAMPLE_RATE)
        ir = rng.standard_normal(n) * np.exp(-6.9 * np.arange(n) / n)
        ir[0] = 1.0 / float(rng.uniform(0.2, 0.6))
        ir /= np.abs(ir).sum() ** 0.5 * 4
        wet = fftconvolve(x, ir)[: len(x)]
        x = wet / (np.abs(wet).max() + 1e-9) * (np.abs(x).max() + 1e-9)
        info["rt60"] = round(rt60, 2)
    if rng.random() < 0.6:  # microphone / channel colour
        lo = float(rng.uniform(50, 300))
        hi = float(rng.uniform(3000, 7800))
        x = sosfilt(butter(2, [lo, hi], btype="band", fs=SAMPLE_RATE, output="sos"), x)
        info["band"] = [round(lo), round(hi)]
    if rng.random() < 0.7:  # background noise: white, pink-ish or brown-ish
        colour = int(rng.integers(0, 3))
        noise = rng.standard_normal(len(x))
        if colour:
            noise = (
                np.cumsum(noise)
                if colour == 2
                else sosfilt(butter(1, 1000, fs=SAMPLE_RATE, output="sos"), noise)
            )
            noise -= np.convolve(noise, np.ones(801) / 801, mode="same")
        snr = float(rng.uniform(8, 40))
        p_sig = np.mean(own**2) + 1e-9
        noise *= np.sqrt(p_sig / (np.mean(noise**2) + 1e-12) / 10 ** (snr / 10))
        x += noise
        info["snr_db"] = round(snr, 1)
    gain = float(rng.uniform(-14, 4))
    x *= 10 ** (gain / 20)
    peak = np.abs(x).max()
    if peak > 0.99:
        x *= 0.99 / peak
    info["gain_db"] = round(gain, 1)
    return x.astype(np.float32), info


# Per-frame phone classes stored beside the corpus (``<stem>_speakerK.phoneclass.npy``):
# the trainer weights the loss on the frames where lips must meet or stay open.
PHONE_NONE, PHONE_BILABIAL, PHONE_LABIODENTAL, PHONE_OPEN, PHONE_OTHER = 0, 1, 2, 3, 4


def phone_class_track(phones: list[Phone], num_frames: int) -> np.ndarray:
    """(T,) int8: which kind of phone sounds at each frame's instant (bilabial, labiodental, open vowel...)."""
    out = np.zeros(num_frames, np.int8)
    centres = (np.arange(num_frames) + 0.5) / FPS
    for p in phones:
        classes = viseme_classes(p)
        if not classes or classes == ("sil",):
            continue
        first = classes[0]
        code = {"PBM": PHONE_BILABIAL, "FV": PHONE_LABIODENTAL, "AA": PHONE_OPEN, "AE": PHONE_OPEN}.get(
            first, PHONE_OPEN if first in ("AO", "AH") and len(classes) == 1 else PHONE_OTHER
        )
        hit = np.flatnonzero((centres >= p.start) & (centres < p.end))
        if not len(hit):  # shorter than a frame: the nearest frame
            f = int(np.clip(np.round(0.5 * (p.start + p.end) * FPS - 0.5), 0, num_frames - 1))
            hit = np.array([f])
        # contacts win over whatever shares their frame
        keep = (
            (out[hit] == PHONE_NONE)
            | (out[hit] == PHONE_OTHER)
            | (code in (PHONE_BILABIAL, PHONE_LABIODENTAL))
        )
        out[hit[keep]] = code
    return out


def _pick_language(rng: np.random.Generator, english_share: float) -> Language | None:
    if rng.random() < english_share:
        return None
    return LANGUAGES[str(rng.choice(sorted(LANGUAGES)))]


def _voices_for(
    rng: np.random.Generator,
    engines: list[str],
    lang: Language | None,
    heldout: bool,
    rates: tuple[float, float] | None = None,
) -> tuple[Voice, Voice]:
    variants = (
        (HELDOUT_VARIANTS[:1], HELDOUT_VARIANTS[1:]) if heldout else (TRAIN_VARIANTS_M, TRAIN_VARIANTS_F)
    )
    female_a = bool(rng.random() < 0.5)
    female_b = not female_a if rng.random() < 0.7 else female_a
    if lang is None:
        va = random_voice(rng, engines, female_a, variants=variants, rates=rates)
        vb = random_voice(rng, engines, female_b, variants=variants, rates=rates)
    else:
        va = random_voice(rng, engines, female_a, language=lang.voice, variants=variants, rates=rates)
        vb = random_voice(rng, engines, female_b, language=lang.voice, variants=variants, rates=rates)
    if (vb.engine, vb.name) == (va.engine, va.name):
        vb.pitch = float(np.clip(vb.pitch + 25 if vb.pitch < 50 else vb.pitch - 25, 0, 100))
    return va, vb


def _real_voice(clip: dict, speed: float) -> dict:
    """The stored voice of a real speaker A: its source, and its speed and speaker only when
    there are any, so corpora made before either existed stay bit-identical."""
    from .align import played_speed

    voice = {"real": clip["source"]}
    if speed != 1.0:
        voice["speed"] = played_speed(speed)
    elif "speed" in clip:  # clips resampled beforehand
        voice["speed"] = clip["speed"]
    if "speaker" in clip:
        voice["speaker"] = clip["speaker"]
    return voice


def make_dialogue(
    seed: int,
    index: int,
    duration: float | None = None,
    engines: list[str] | None = None,
    *,
    english_share: float = 1.0,
    behaviour: bool = False,
    real: list[dict] | None = None,
    real_speed: float = 1.0,
    rates: tuple[float, float] | None = None,
    fronting: float = 0.0,
    fronting_shift: tuple[float, float] = SHIFT_RANGE,
    contact_trim: float = 0.0,
) -> dict:
    """Generate one dialogue; everything drawn from ``default_rng([seed, index])``.

    ``english_share`` < 1 draws the dialogue's language from ``languages.LANGUAGES``
    otherwise. ``real`` (aligned real recordings, ``align.load_aligned``) makes speaker A
    a real voice reading its clips as turns, B a synthetic English partner; ``real_speed``
    plays each clip it reads that many times faster (``align.change_speed``), only those.
    ``rates`` = (low, high) speaking-rate factors of the synthetic voices (``tts.random_voice``;
    default ``tts.RATES_ENGLISH`` / ``RATES_OTHER``): faster speech has the short unstressed
    vowels of conversation. ``fronting``: share of English utterances whose rounded vowels are
    fronted by a shift drawn from ``fronting_shift`` (Hz; ``fronting.py``; drawn from
    ``default_rng([seed, index, 3])``). ``contact_trim`` (seconds) shortens each /p b m f v/ of
    the real voice's force-aligned phones at both ends before its targets are drawn
    (``phonetic.transcript.trim_contacts``: aligned contacts run into the next vowel).
    ``behaviour=True`` adds the v1 random behaviour (blinks, gaze, listener nods, drift);
    the default keeps only what the audio determines (lips, jaw, head beats and brow
    emphasis on one's own loudness, laugh faces).
    """
    rng = np.random.default_rng([seed, index])
    duration = float(duration if duration is not None else rng.uniform(10.0, 20.0))
    engines = engines or available_engines()
    lang = None if real else _pick_language(rng, english_share)
    va, vb = _voices_for(rng, engines, lang, heldout=False, rates=rates)
    front = None
    if fronting > 0 and lang is None:
        front = (np.random.default_rng([seed, index, 3]), fronting, fronting_shift)
    say = _talkers(rng, (va, vb), lang, front)
    if real:
        # clips that name their speaker (meeting stretches): one person plays A, as in a conversation
        speakers = sorted({c["speaker"] for c in real if "speaker" in c})
        if speakers:
            one = speakers[int(rng.integers(len(speakers)))]
            real = [c for c in real if c.get("speaker") == one]
        order = [int(i) for i in rng.permutation(len(real))]
        from ...inference.phonetic.transcript import trim_contacts
        from .align import change_speed

        def say_real(who: int, kind: str) -> Utterance | None:
            if who == 1:
                return say(who, kind)
            if kind != "turn" or not order:
                return None
            clip = real[order.pop()]
            if real_speed != 1.0:
                clip = change_speed(clip, real_speed)
            phones = trim_contacts(clip["phones"], contact_trim) if contact_trim else clip["phones"]
            return Utterance(clip["audio"], phones, "", "real", clip["name"])

        items = _schedule(rng, say_real, duration)
    else:
        items = _schedule(rng, say, duration)
    n = int(round(duration * SAMPLE_RATE))
    n = max(n, max(int(s.start * SAMPLE_RATE) + len(s.utt_audio) for s in items))
    T = int(np.ceil(n / SAMPLE_RATE * FPS))
    n = int(T * SAMPLE_RATE / FPS)
    clean = [np.zeros(n, np.float32), np.zeros(n, np.float32)]
    phones: list[list[Phone]] = [[], []]
    laughs: list[list[tuple[int, int]]] = [[], []]
    active = [np.zeros(T, bool), np.zeros(T, bool)]
    for s in items:
        i0 = int(s.start * SAMPLE_RATE)
        seg = s.utt_audio[: max(n - i0, 0)]
        clean[s.who][i0 : i0 + len(seg)] += seg
        for p in s.phones:
            phones[s.who].append(Phone(p.symbol, p.start + s.start, p.end + s.start, p.alphabet))
            if viseme_classes(p) not in ((), ("sil",)):
                a, b = int((p.start + s.start) * FPS), int(np.ceil((p.end + s.start) * FPS))
                active[s.who][a : min(b, T)] = True
        if s.kind == "laugh":
            laughs[s.who].append((int(s.start * FPS), int((s.start + len(s.utt_audio) / SAMPLE_RATE) * FPS)))
    out: dict[str, Any] = {
        "duration": n / SAMPLE_RATE,
        "speakers": [],
        # a real voice in another language (clips aligned in IPA, ``align --phones``) names it
        "language": lang.code if lang else (real[0].get("lang", "en") if real else "en"),
    }
    for k in range(2):
        own, other = clean[k], clean[1 - k]
        gain = float(rng.uniform(0.8, 1.25))
        values = np.zeros((T, 55), np.float32)
        values[:, :52] = render_visemes(phones[k], T, gain=gain, contact=not behaviour)
        if behaviour:
            values += speaker_head(rng, frame_energy(own, T), active[k])
            values += listener_behaviour(rng, active[1 - k], active[k], float(rng.uniform(0.2, 1.0)))
            values += laugh_track(T, laughs[k], rng)
            values += gaze(rng, T, active[1 - k] & ~active[k])
            values += blinks(rng, T)
        else:
            values += speech_head(frame_energy(own, T), active[k])
            values += laugh_track(T, laughs[k], None)
        values[:, :52] = np.clip(values[:, :52], 0.0, 1.0)
        values[:, 52:] = np.clip(values[:, 52:], -0.6, 0.6)
        audio, aug = _augment(rng, own, other)
        voice = (va, vb)[k]
        meta = {
            "voice": (_real_voice(real[0], real_speed) if (real and k == 0) else voice.__dict__),
            "language": out["language"],
            "augment": aug,
            "articulation": round(gain, 3),
            "seed": seed,
            "index": index,
            "targets": "v1 (with random behaviour)" if behaviour else "v2 (audio-locked only, contact)",
        }
        out["speakers"].append(
            {
                "audio": audio,
                "values": values,
                "active": active[k],
                "meta": meta,
                "phone_class": phone_class_track(phones[k], T),
            }
        )
    return out


def write_dialogue_folder(out_dir: Path, stem: str, dialogue: dict) -> None:
    """``<stem>_speaker1.wav/.npz`` and ``<stem>_speaker2.*`` in ``out_dir``. A full disk is the
    disk's own line ("could not write ...: No space left on device", exit 2): libsndfile says only
    "System error.", which read as an internal error, exit 1 (review rv38b F7)."""
    for k, spk in enumerate(dialogue["speakers"]):
        base = out_dir / f"{stem}_speaker{k + 1}"
        write_sound(base.with_suffix(".wav"), spk["audio"], SAMPLE_RATE, subtype="PCM_16", format="WAV")
        motion = Motion(
            space=SPACE_ARKIT,
            values=spk["values"],
            fps=FPS,
            speaking=spk["active"],
            engine="synth",
            role="AB"[k],
            meta=spk["meta"],
        )
        save_motion(base.with_suffix(".npz"), motion)
        if "phone_class" in spk:
            with atomic_path(base.with_suffix(".phoneclass.npy")) as tmp:
                with open(tmp, "wb") as fh:
                    np.save(fh, spk["phone_class"])


def _make_indexed(
    seed: int,
    index: int,
    duration: float | None,
    engines: list[str],
    english_share: float,
    behaviour: bool,
    real_path: str | None,
    real_share: float,
    real_speeds: tuple[float, ...] = (),
    rates: tuple[float, float] | None = None,
    fronting: float = 0.0,
    fronting_shift: tuple[float, float] = SHIFT_RANGE,
    contact_trim: float = 0.0,
) -> dict:
    """``make_dialogue`` in the worker process; real clips are loaded there, not pickled over.

    With ``real_speeds`` the dialogue's real reader talks at one speed drawn from them
    (``align.change_speed``), the same speed for all its turns, like one other person."""
    real, speed = None, 1.0
    if real_path and np.random.default_rng([seed, index, 1]).random() < real_share:
        from .align import load_aligned

        real = load_aligned(real_path)
        if real_speeds:
            speed = float(np.random.default_rng([seed, index, 2]).choice(real_speeds))
    return make_dialogue(
        seed, index, duration, engines, english_share=english_share, behaviour=behaviour, real=real,
        real_speed=speed, rates=rates, fronting=fronting, fronting_shift=fronting_shift,
        contact_trim=contact_trim,
    )  # fmt: skip


def generate_corpus(
    out_dir: str | Path,
    dialogues: int,
    seed: int = 0,
    *,
    start: int = 0,
    duration: float | None = None,
    progress=None,
    english_share: float = 1.0,
    behaviour: bool = False,
    real: str | Path | None = None,
    real_share: float = 0.0,
    real_speeds: tuple[float, ...] = (),
    rates: tuple[float, float] | None = None,
    fronting: float = 0.0,
    fronting_shift: tuple[float, float] = SHIFT_RANGE,
    contact_trim: float = 0.0,
) -> Path:
    """Write ``dialogues`` dialogues (indices ``start..``) plus a ``corpus.json`` manifest.

    ``english_share``: share of English dialogues (the rest draw a language from
    ``languages.LANGUAGES``). ``real``: aligned real recordings (``align.py``), used as
    speaker A in a share ``real_share`` of the dialogues, each at one of ``real_speeds``
    (playback speed factors; empty: as recorded). ``rates``: (low, high) speaking-rate
    factors of the synthetic voices (default: the engines' usual range). ``fronting``: share of
    the English utterances whose rounded vowels are fronted (``fronting.py``), each by a shift
    drawn from ``fronting_shift`` (Hz). ``contact_trim``: seconds taken off both ends of the real
    voices' aligned /p b m f v/ before their targets are drawn (``make_dialogue``).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if seed < 0:
        raise DualTalkError(f"--seed must be zero or positive, got {seed}")
    if dialogues < 1 or start < 0:
        raise DualTalkError(f"need at least one dialogue from index 0 or more, got {dialogues} from {start}")
    engines = available_engines()
    settings = {
        "seed": seed,
        "dialogue_seconds": duration,
        "targets": "v1 (with random behaviour)" if behaviour else "v2 (audio-locked only, contact)",
        "english_share": english_share,
        "real": Path(real).name if real else None,
        "real_content": real_fingerprint(real) if real else None,
        "real_share": real_share if real else 0.0,
        "real_speeds": list(real_speeds),
        "rates": list(rates) if rates else None,
        "fronting": fronting,
        "fronting_shift": list(fronting_shift) if fronting else None,
        "contact_trim": contact_trim,
        "voice_variants": list(TRAIN_VARIANTS_M + TRAIN_VARIANTS_F),
        "engines": engines,  # they decide every voice: another set would voice the same seed otherwise
    }
    if real:  # before anything is written: the LibriVox clips are the evaluation set
        from .align import refuse_packed_evaluation_clips

        refuse_packed_evaluation_clips(real)
    out = Path(out_dir)
    # One fresh process per dialogue, so a dialogue depends only on (seed, index), not on what ran
    # before (every espeak-ng utterance is also spoken by a fresh copy of its library: tts.py).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])  # children start with numpy/scipy already imported
    real_path = str(real) if real else None
    # one run at a time per folder (infer's lock): two at once each wrote their own seed's dialogues
    # and one manifest, which named only its own (review rv38b F4); the folder is judged under it,
    # and is a folder first: the lock is made inside it (a file there was "cannot lock X: File exists")
    outputs.check_folder_target(out, "--out")
    with (
        locks.locked(out, "--out", lock=locks.take_lock_file(out), what="corpus folder"),
        ProcessPoolExecutor(max_workers=1, mp_context=ctx, max_tasks_per_child=1) as pool,
    ):
        records = _corpus_so_far(out, settings)
        _check_flite_voices(engines, english_share, real_share if real else 0.0)
        names = _corpus_voice_names(engines, english_share, real_share if real else 0.0)
        if names:  # before the folder or its manifest is made: a refused run leaves nothing
            missing = pool.submit(_missing_voices, names).result()
            if missing:
                raise DualTalkError(_missing_voices_line(missing))
        out = ensure_writable_dir(out)
        _write_manifest(out, settings, engines, records)  # an interrupted corpus still says what it is
        try:
            for i in range(start, start + dialogues):
                if progress is not None:
                    progress.update(
                        "synth", (i - start) / max(dialogues, 1), f"dialogue {i + 1}/{start + dialogues}"
                    )
                d = pool.submit(
                    _make_indexed,
                    seed,
                    i,
                    duration,
                    engines,
                    english_share,
                    behaviour,
                    real_path,
                    real_share,
                    tuple(real_speeds),
                    rates,
                    fronting,
                    (float(fronting_shift[0]), float(fronting_shift[1])),
                    float(contact_trim),
                ).result()
                write_dialogue_folder(out, f"synth_{seed:04d}_{i:05d}", d)
                lang = d["language"] + ("+real" if "real" in d["speakers"][0]["meta"]["voice"] else "")
                records[f"{i:05d}"] = [lang, round(float(d["duration"]), 2)]
        finally:
            _write_manifest(out, settings, engines, records)
    if progress is not None:
        total = sum(r[1] for r in records.values())
        progress.update("synth", 1.0, f"{len(records)} dialogues, {total / 60:.1f} min")
    return out


_FLAGS = {
    "seed": "--seed",
    "dialogue_seconds": "--seconds",
    "targets": "targets (--behaviour)",
    "english_share": "--english-share",
    "real": "--real",
    "real_share": "--real-share",
    "real_speeds": "--real-speeds",
    "rates": "--rates",
    "fronting": "--fronting",
    "fronting_shift": "--fronting-shift",
    "contact_trim": "--contact-trim (s)",
    "voice_variants": "voice variants",
    "engines": "TTS engines",
    "real_content": "--real",
}
# What corpora made before their manifest recorded the variants drew ("annie" was espeak-ng's bare
# voice: the variant file is "Annie"), so extending one with today's voices is refused, not mixed.
_VARIANTS_BEFORE_RECORDED = [*TRAIN_VARIANTS_M, *(v if v != "Annie" else "annie" for v in TRAIN_VARIANTS_F)]
_OWN_FILE = re.compile(r"^\.?synth_(\d+)_\d+_speaker[12]\..*$")


def real_fingerprint(path: str | Path) -> str:
    """A content hash of aligned real recordings (their index and audio, not the file's bytes,
    which hold zip timestamps): another set under the same file name is another recipe."""
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    try:
        with np.load(path) as z:
            for name in sorted(z.files):
                digest.update(name.encode())
                digest.update(np.ascontiguousarray(z[name]).tobytes())
    except (OSError, ValueError) as exc:
        raise DualTalkError(f"--real {path}: cannot read it as aligned clips ({exc})") from None
    return digest.hexdigest()


def _other_engines(out: Path, was: Any, now: list[str]) -> str:
    had = ", ".join(map(str, was or [])) or "none"
    return (
        f"{out} holds a corpus voiced with the TTS engines {had}; this machine has {', '.join(now) or 'none'}: "
        "extend it where the same engines are installed, or choose another --out (the two would mix)"
    )


def _other_real(out: Path, was: Any, now: Any) -> str:
    return (
        f"{out} holds a corpus made with other real recordings (--real, compared by content): give the same "
        "aligned clips, or choose another --out (the two would mix)"
    )


_REFUSALS: dict[str, Callable[[Path, Any, Any], str]] = {
    "engines": _other_engines,
    "real_content": _other_real,
}


def _corpus_so_far(out: Path, settings: dict) -> dict[str, list]:
    """The dialogues already in ``out`` (index -> [language, seconds]); refuse to mix corpora.

    A folder holding another seed's or another recipe's corpus, someone else's
    ``corpus.json`` or files of the user's own would silently become a mixed training set.
    """
    if not out.is_dir():
        return {}
    manifest = out / "corpus.json"
    if manifest.is_file():
        try:
            old = json.loads(manifest.read_text())
        except (OSError, ValueError):
            old = None
        if not isinstance(old, dict) or old.get("generator") != "dualtalk synth":
            raise DualTalkError(
                f"{manifest} is not a synth manifest; choose an empty or new folder for --out"
            )
        if "voice_variants" not in old and "seed" in old:
            old = {**old, "voice_variants": _VARIANTS_BEFORE_RECORDED}
        for key, value in settings.items():
            if key in old and old[key] != value:
                flag = _FLAGS.get(key, key)
                if key in _REFUSALS:
                    raise DualTalkError(_REFUSALS[key](out, old[key], value))
                if key == "voice_variants":
                    gone = sorted(set(map(str, old[key] or [])) - set(value))
                    raise DualTalkError(
                        f"{out} holds a corpus made with other espeak-ng voice variants ({', '.join(gone) or 'another list'} "
                        "where this run has today's): choose another --out (the two would mix)"
                    )
                raise DualTalkError(
                    f"{out} holds a corpus made with {flag} {old[key]!r}, this run has {flag} {value!r}: "
                    "choose another --out (the two would mix)"
                )
        per = old.get("per_dialogue")
        return {str(k): list(v) for k, v in per.items()} if isinstance(per, dict) else {}
    for entry in out.iterdir():
        if entry.name == locks.TAKE_LOCK:  # this run's own lock (or one a killed run left)
            continue
        m = _OWN_FILE.match(entry.name)
        if not m:
            raise DualTalkError(
                f"{out} already holds other files ({entry.name}, ...); choose an empty or new folder for --out"
            )
        if int(m.group(1)) != settings["seed"]:
            raise DualTalkError(
                f"{out} holds dialogues of seed {int(m.group(1))} ({entry.name}), this run has seed "
                f"{settings['seed']}: choose another --out (the two would mix)"
            )
    return {}


def _write_manifest(out: Path, settings: dict, engines: list[str], records: dict[str, list]) -> None:
    """``corpus.json``: the recipe, and every dialogue the folder holds (extensions included)."""
    languages: dict[str, int] = {}
    for lang, _ in records.values():
        languages[lang] = languages.get(lang, 0) + 1
    manifest = {
        "generator": "dualtalk synth",
        **settings,
        "dialogues": len(records),
        "first_index": min((int(k) for k in records), default=None),
        "seconds": round(sum(r[1] for r in records.values()), 2),
        "engines": engines,
        "space": SPACE_ARKIT,
        "channels": list(ARKIT52) + ["head_rx", "head_ry", "head_rz"],
        "languages": dict(sorted(languages.items())),
        "real_dialogues": sum(lang.endswith("+real") for lang, _ in records.values()),
        "per_dialogue": dict(sorted(records.items())),
    }
    with atomic_path(out / "corpus.json") as tmp:
        tmp.write_text(json.dumps(manifest, indent=1))


def _corpus_voice_names(engines: list[str], english_share: float, real_share: float) -> list[str]:
    """Every espeak-ng voice name (``<language or accent>+<variant>``) the recipe can draw.

    English dialogues (and the synthetic partner of a real voice) draw an espeak-ng accent
    when espeak-ng is an engine here; the other languages always speak through espeak-ng.
    Each takes one of the training variants (``_voices_for``)."""
    bases: list[str] = []
    if "espeak" in engines and (english_share > 0.0 or real_share > 0.0):
        bases += ESPEAK_VOICES
    if english_share < 1.0:
        bases += [lang.voice for lang in LANGUAGES.values()]
    return sorted({f"{base}+{variant}" for base in bases for variant in TRAIN_VARIANTS_M + TRAIN_VARIANTS_F})


def _check_flite_voices(engines: list[str], english_share: float, real_share: float) -> None:
    """Refuse a corpus whose English voices would draw a flite voice this flite lacks (it would
    speak it as its default voice without a word, as espeak-ng does a missing variant)."""
    if "flite" not in engines or (english_share <= 0.0 and real_share <= 0.0):
        return
    have = flite_voices()
    missing = [v for v in FLITE_VOICES if v not in have]
    if missing:
        listed = ", ".join(sorted(have)) or "none"
        raise DualTalkError(
            f"flite cannot speak the corpus voice(s) {', '.join(missing)} (flite -lv lists {listed}; it would "
            "speak them as its default voice): install a flite with them (Debian's has all five), or take "
            "flite off PATH to voice English with espeak-ng alone"
        )


def _missing_voices(names: list[str]) -> list[str]:
    """The espeak-ng voices of ``names`` this machine cannot speak (run in a fresh worker).

    A language or accent espeak-ng cannot load is returned bare (``"xx"``, for all of its
    ``xx+variant`` names); a name whose ``+variant`` file espeak-ng-data lacks is returned
    whole (``"en-us+m3"``): espeak-ng speaks such a name as the bare voice without a word,
    so it is looked up among the variants espeak-ng lists. One utterance per language or
    accent and one listing in all, not one per name."""
    bases = sorted({name.partition("+")[0] for name in names})
    dead: set[str] = set()
    for base in bases:
        try:
            speak("a", Voice("espeak", base, 1.0, 50.0, 50.0, False))
        except DualTalkError:
            dead.add(base)
    variants = espeak_variants() if len(dead) < len(bases) else set()
    missing = sorted(dead)
    for name in sorted(set(names)):
        base, _, variant = name.partition("+")
        if base not in dead and variant and variant not in variants:
            missing.append(name)
    return missing


def _missing_voices_line(missing: list[str]) -> str:
    """One line naming what ``_missing_voices`` found and what to do about it: the languages
    or accents espeak-ng cannot load, and one example per missing variant (``en-us+m3 and 21
    more +m3``) rather than every language times it."""
    shown = [name for name in missing if "+" not in name]
    variants = sorted({name.partition("+")[2] for name in missing} - {""})
    for variant in variants:
        names = [name for name in missing if name.endswith(f"+{variant}")]
        example = f"en-us+{variant}" if f"en-us+{variant}" in names else names[0]
        shown.append(example + (f" and {len(names) - 1} more +{variant}" if len(names) > 1 else ""))
    lacks = (
        f" (espeak-ng-data has no voice variant {', '.join(variants)}: it would speak the bare voice)"
        if variants
        else ""
    )
    only_other = all("+" not in name and name not in ESPEAK_VOICES for name in missing)
    remedy = "install espeak-ng-data" + (", or use --english-share 1" if only_other else "")
    return f"espeak-ng cannot speak the corpus voice(s) {', '.join(shown)}{lacks}: {remedy}"
