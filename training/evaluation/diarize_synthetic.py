"""Two-voice conversations with known truth, made at run time with espeak-ng (``eval diarize
--synthetic``): a listener's backchannel under the speaker's words, and an interruption.

Each conversation: A says three phrases, B's backchannel ("yeah") under the middle of the first two;
B cuts in 60 % of the way through A's third and says three phrases, A's backchannel under the middle
of B's second (:func:`conversation`). The truth is where each voice was placed (its first to last sample above 1 % of its
peak). The backchannels are mixed in at 0 dB (as loud as they were spoken) or quieter (-6 dB: a
listener who murmurs). Each voice also speaks alone (:func:`monologue`): a recording of one voice,
whose speech should all go to one character. And pairs of voices take turns, three phrases each, with
no backchannel (:func:`pair`, :data:`PAIRS`): a man and a woman, two men or two women, of one accent or
two, so each pair says whether ``--diarize`` hears two people.

Every line is spoken as the first in a new process would be (:func:`_say`): espeak-ng's breathy voices
(``f2``: both conversations' B voice in English and Japanese) draw their breath noise from the C
library's ``rand()``, which anything earlier in the process moves, so the recordings, and in a full
test run the scores, differed from those of the command run on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...inference.audio import c_rand
from ...inference.audio.tts import Voice, speak
from ...inference.core.timebase import FPS, SAMPLE_RATE

# (voice A, voice B, A's phrases, B's phrases, backchannels: two of B's under A, one of A's under B)
CONVERSATIONS: dict[str, tuple[str, str, list[str], list[str], list[str]]] = {
    "en": (
        "en-us+m3",
        "en-us+f2",
        [
            "I walked along the river this morning and the water was higher than last week.",
            "A heron stood by the old stone bridge, waiting for a fish to come near.",
            "Later we sat on the bench and watched the boats go slowly past the mill.",
        ],
        [
            "We painted the kitchen on Saturday, and it took much longer than we planned.",
            "Now the walls are a pale green, and the light in the morning is lovely.",
            "Next week we will start on the hall, if the weather stays dry enough.",
        ],
        ["yeah", "mm-hm", "right"],
    ),
    "en2": (
        "en-us+m1",
        "en-us+f4",
        [
            "The train was late again, so I read the paper standing on the platform.",
            "There was a long piece about the new library they are building in town.",
            "It will have a garden on the roof and a room for children to paint in.",
        ],
        [
            "My sister works near there, and she says the builders start very early.",
            "She hears the cranes before seven, even on a Sunday morning sometimes.",
            "But she is pleased about the garden, she loves growing tomatoes.",
        ],
        ["oh", "yeah", "really"],
    ),
    "ja": (
        "ja+m3",
        "ja+f2",
        [
            "きょうは とても いい てんきですね。 こうえんで ながい さんぽを しました。",
            "そのあと えきの ちかくの みせで コーヒーを のみました。",
            "よるは ともだちと いっしょに ばんごはんを たべました。",
        ],
        [
            "わたしは としょかんに いきました。 あたらしい ほんを にさつ かりました。",
            "よるに すこしずつ よむ つもりです。 とても たのしみです。",
            "らいしゅうは えいがを みに いきたいと おもいます。",
        ],
        ["うん", "はい", "へえ"],
    ),
}
LEVELS_DB = (0.0, -6.0)  # the backchannels as loud as spoken, and murmured

# Voice pairs taking turns (review rv40d F3: a US and a British voice called one). espeak-ng's British
# English is the voice named "en" (the language tag en-gb names the same voice; "en-gb+f3" is not a name
# this project's TTS takes, and the espeak-ng command speaks it as the British *man*, dropping the
# variant without a word). (voice A, pitch A, voice B, pitch B); A says PAIR_PHRASES[:3], B the rest.
PAIRS: dict[str, tuple[str, int, str, int]] = {
    "US man / US woman": ("en-us+m3", 35, "en-us+f2", 70),
    "US man / British woman": ("en-us+m3", 35, "en+f3", 70),
    "British man / US woman": ("en+m3", 35, "en-us+f2", 70),
    "Scottish man / US woman": ("en-gb-scotland", 35, "en-us+f4", 60),
    "US man / RP woman": ("en-us+m1", 35, "en-gb-x-rp+f3", 70),
    "US man / British man": ("en-us+m3", 35, "en", 50),
    "US man / Scottish man": ("en-us+m3", 35, "en-gb-scotland", 50),
    "US man / RP man": ("en-us+m3", 35, "en-gb-x-rp", 50),
    "US man / US man": ("en-us+m1", 35, "en-us+m3", 50),
    "US woman / British woman": ("en-us+f2", 70, "en+f3", 60),
    "British woman / US woman": ("en+f3", 70, "en-us+f4", 60),
    "US woman / US woman": ("en-us+f2", 70, "en-us+f4", 60),
}
PAIR_PHRASES = CONVERSATIONS["en"][2] + CONVERSATIONS["en"][3]
PAIR_GAP_S = 0.5  # of silence between two turns


@dataclass(frozen=True)
class Event:
    kind: str  # "under" (a backchannel under the other's words) or "interrupt"
    who: str  # "A" or "B": who says it
    start: int  # first frame heard
    end: int  # end frame (exclusive)


@dataclass(frozen=True)
class Conversation:
    mix: np.ndarray  # mono, 16 kHz
    turns: list[tuple[float, float, str]]  # (start s, end s, "A"/"B"): where each voice is heard
    events: list[Event]


def _say(text: str, voice: Voice) -> np.ndarray:
    """``text`` in ``voice``, the same samples whatever the process did before (see the module doc)."""
    with c_rand.seeded():
        return np.asarray(speak(text, voice).audio, dtype=np.float32)


def monologue(lang: str = "en", who: str = "A") -> np.ndarray:
    """One voice alone (``eval diarize --synthetic``'s one-voice recordings): voice ``who`` of the
    conversation ``lang`` says all six of its phrases (A's, then B's), 0.4 s apart."""
    va, vb, phrases_a, phrases_b, _ = CONVERSATIONS[lang]
    voice = Voice("espeak", va, 1.0, 35, 50) if who == "A" else Voice("espeak", vb, 1.0, 70, 60)
    gap = np.zeros(int(0.4 * SAMPLE_RATE), dtype=np.float32)
    said = [_say(p, voice) for p in [*phrases_a, *phrases_b]]
    lead = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    return np.concatenate([lead, *(x for s in said for x in (s, gap)), lead])


def _heard(sound: np.ndarray, at: int) -> tuple[int, int]:
    """The frames where a placed sound is heard (first to last sample above 1 % of its peak)."""
    loud = np.flatnonzero(np.abs(sound) > 0.01 * np.abs(sound).max())
    return (at + int(loud[0])) * FPS // SAMPLE_RATE, -(-(at + int(loud[-1])) * FPS // SAMPLE_RATE)


def conversation(lang: str = "en", backchannel_db: float = 0.0) -> Conversation:
    """One conversation of :data:`CONVERSATIONS` (see the module docstring)."""
    va, vb, phrases_a, phrases_b, backchannels = CONVERSATIONS[lang]
    voices = {"A": Voice("espeak", va, 1.0, 35, 50), "B": Voice("espeak", vb, 1.0, 70, 60)}
    gain = 10 ** (backchannel_db / 20)
    placed: list[tuple[str, int, np.ndarray, str]] = []
    t = SAMPLE_RATE // 2
    for i, phrase in enumerate(phrases_a):
        sound = _say(phrase, voices["A"])
        placed.append(("A", t, sound, "turn"))
        if i < 2:
            placed.append(("B", t + len(sound) // 2, gain * _say(backchannels[i], voices["B"]), "under"))
            t += len(sound) + int(0.4 * SAMPLE_RATE)
        else:
            t += int(0.6 * len(sound))
    for i, phrase in enumerate(phrases_b):
        sound = _say(phrase, voices["B"])
        placed.append(("B", t, sound, "interrupt" if i == 0 else "turn"))
        if i == 1:
            placed.append(("A", t + len(sound) // 2, gain * _say(backchannels[2], voices["A"]), "under"))
        t += len(sound) + int(0.4 * SAMPLE_RATE)
    mix = np.zeros(t + SAMPLE_RATE // 2, dtype=np.float32)
    turns: list[tuple[float, float, str]] = []
    events: list[Event] = []
    for who, at, sound, kind in placed:
        mix[at : at + len(sound)] += sound
        a, b = _heard(sound, at)
        turns.append((a / FPS, b / FPS, who))
        if kind != "turn":
            events.append(Event(kind, who, a, b))
    return Conversation(mix, turns, events)


def pair(name: str) -> Conversation:
    """The voices of ``PAIRS[name]`` taking turns (A, B, A, B, A, B), :data:`PAIR_GAP_S` apart, and
    where each is heard; no backchannel, no overlap (``events`` is empty)."""
    va, pa, vb, pb = PAIRS[name]
    voices = {"A": Voice("espeak", va, 1.0, pa, 50), "B": Voice("espeak", vb, 1.0, pb, 50)}
    gap = int(PAIR_GAP_S * SAMPLE_RATE)
    order = [("A", 0), ("B", 3), ("A", 1), ("B", 4), ("A", 2), ("B", 5)]
    t, placed = gap, list[tuple[str, int, np.ndarray]]()
    for who, i in order:
        sound = _say(PAIR_PHRASES[i], voices[who])
        placed.append((who, t, sound))
        t += len(sound) + gap
    mix = np.zeros(t, dtype=np.float32)
    turns: list[tuple[float, float, str]] = []
    for who, at, sound in placed:
        mix[at : at + len(sound)] += sound
        a, b = _heard(sound, at)
        turns.append((a / FPS, b / FPS, who))
    return Conversation(mix, turns, [])
