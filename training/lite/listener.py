"""Non-verbal behaviour targets: what a face does besides shaping phones.

A speaker's head follows the prosody of their own voice (small pitch nods on stressed,
loud syllables, slow drifts in yaw and roll). A listener reacts to the partner: nods
shortly after the partner finishes a phrase, raises the brows now and then, smiles,
shifts gaze. Everyone blinks. These are the targets the lite model learns for the
parts of a conversation that audio alone cannot explain frame by frame but that are
predictable on average from who is talking and when phrases end.

All functions return (T, 55) ``arkit55`` additive tracks at 25 fps.

Since the behaviour layer (``inference`` side, seeded) owns the randomly timed events
(blinks, gaze, listener nods, brow raises and smiles, head drift), the v2 corpus keeps
only what the audio determines: ``speech_head`` (head beats and brow emphasis locked to
the speaker's own loudness) and ``laugh_track`` at fixed strength. The random parts
stay here for the v1 recipe (``synth.make_dialogue(behaviour=True)``).
"""

from __future__ import annotations

import numpy as np

from ...inference.core.channels import ARKIT55

IDX = {n: i for i, n in enumerate(ARKIT55)}
HEAD_RX, HEAD_RY, HEAD_RZ = IDX["head_rx"], IDX["head_ry"], IDX["head_rz"]
C = len(ARKIT55)


def _pulse(length: int, rise: int, fall: int) -> np.ndarray:
    """A smooth bump of ``length`` frames: raised-cosine rise, hold, raised-cosine fall."""
    hold = max(length - rise - fall, 0)
    up = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, rise, endpoint=False))
    down = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, fall))
    return np.concatenate([up, np.ones(hold), down])


def _add(track: np.ndarray, start: int, curve: np.ndarray, channels: dict[str, float]) -> None:
    t0, t1 = max(start, 0), min(start + len(curve), len(track))
    if t1 <= t0:
        return
    seg = curve[t0 - start : t1 - start]
    for name, w in channels.items():
        track[t0:t1, IDX[name]] += w * seg


def _smooth_noise(rng: np.random.Generator, n: int, width: float) -> np.ndarray:
    """Unit-ish slow random motion: white noise through a Gaussian of ``width`` frames."""
    from scipy.ndimage import gaussian_filter1d

    x = gaussian_filter1d(rng.standard_normal(n + 200), width)[100 : 100 + n]
    return x / (x.std() + 1e-8)


def phrase_ends(active: np.ndarray, min_gap: int = 6, min_len: int = 8) -> list[int]:
    """Frames where a run of activity of at least ``min_len`` frames stops for ``min_gap``."""
    a = np.asarray(active, bool)
    ends, run, gap = [], 0, 0
    for t, v in enumerate(a):
        if v:
            if gap >= min_gap:
                run = 0
            run += 1
            gap = 0
        else:
            gap += 1
            if gap == min_gap and run >= min_len:
                ends.append(t - min_gap + 1)
    return ends


def blinks(rng: np.random.Generator, num_frames: int) -> np.ndarray:
    """Blinks every 2-6 s, ~200 ms each, occasionally doubled."""
    track = np.zeros((num_frames, C), np.float32)
    t = int(rng.uniform(5, 60))
    while t < num_frames:
        curve = _pulse(int(rng.integers(4, 7)), 2, 3) * rng.uniform(0.85, 1.0)
        _add(track, t, curve, {"eyeBlinkLeft": 1.0, "eyeBlinkRight": 1.0})
        if rng.random() < 0.1:
            _add(track, t + 7, curve, {"eyeBlinkLeft": 1.0, "eyeBlinkRight": 1.0})
        t += int(rng.uniform(50, 150))
    return track


def gaze(rng: np.random.Generator, num_frames: int, listening: np.ndarray) -> np.ndarray:
    """Saccades to a new fixation every 1-4 s; listeners look away less often."""
    track = np.zeros((num_frames, C), np.float32)
    t = 0
    while t < num_frames:
        hold = int(rng.uniform(25, 100) * (1.5 if listening[min(t, num_frames - 1)] else 1.0))
        x, y = rng.normal(0, 0.18), rng.normal(0, 0.12)
        seg = slice(t, min(t + hold, num_frames))
        if x > 0:  # looking to the character's left: left eye out, right eye in
            track[seg, IDX["eyeLookOutLeft"]] = x
            track[seg, IDX["eyeLookInRight"]] = x
        else:
            track[seg, IDX["eyeLookInLeft"]] = -x
            track[seg, IDX["eyeLookOutRight"]] = -x
        key = ("eyeLookUpLeft", "eyeLookUpRight") if y > 0 else ("eyeLookDownLeft", "eyeLookDownRight")
        track[seg, IDX[key[0]]] = abs(y)
        track[seg, IDX[key[1]]] = abs(y)
        t += hold
    from scipy.ndimage import uniform_filter1d

    return uniform_filter1d(track, 3, axis=0)


def speaker_head(rng: np.random.Generator, energy: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Head motion for one's own speech: nods on energy peaks, drift in yaw/roll."""
    from scipy.ndimage import gaussian_filter1d

    n = len(energy)
    track = np.zeros((n, C), np.float32)
    e = gaussian_filter1d(np.asarray(energy, np.float64), 2.0)
    e = e / (np.percentile(e[active], 95) + 1e-6) if active.any() else e * 0
    # Beats: emphasis pushes the chin down briefly (positive rx), proportionally to loudness.
    onset = np.clip(np.diff(e, prepend=e[:1]), 0, None)
    beat = gaussian_filter1d(onset, 3.0) * rng.uniform(0.6, 1.4)
    act = gaussian_filter1d(active.astype(np.float64), 4.0)
    track[:, HEAD_RX] = 0.25 * beat + 0.02 * act * _smooth_noise(rng, n, 12)
    track[:, HEAD_RY] = 0.06 * act * _smooth_noise(rng, n, 20)
    track[:, HEAD_RZ] = 0.03 * act * _smooth_noise(rng, n, 25)
    # Brows follow emphasis a little.
    track[:, IDX["browInnerUp"]] = np.clip(0.3 * beat * rng.uniform(0.5, 1.5), 0, 0.4)
    track[:, IDX["browOuterUpLeft"]] = track[:, IDX["browOuterUpRight"]] = 0.6 * track[:, IDX["browInnerUp"]]
    return track


def speech_head(energy: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Head beats and brow emphasis locked to one's own loudness, nothing random.

    A deterministic network trained with squared error can learn only what the input
    determines; the beat shape and size here are a fixed function of the voice.
    """
    from scipy.ndimage import gaussian_filter1d

    n = len(energy)
    track = np.zeros((n, C), np.float32)
    e = gaussian_filter1d(np.asarray(energy, np.float64), 2.0)
    e = e / (np.percentile(e[active], 95) + 1e-6) if active.any() else e * 0
    onset = np.clip(np.diff(e, prepend=e[:1]), 0, None)
    beat = gaussian_filter1d(onset, 3.0)
    track[:, HEAD_RX] = 0.25 * beat
    track[:, IDX["browInnerUp"]] = np.clip(0.3 * beat, 0, 0.4)
    track[:, IDX["browOuterUpLeft"]] = track[:, IDX["browOuterUpRight"]] = 0.6 * track[:, IDX["browInnerUp"]]
    return track


def listener_behaviour(
    rng: np.random.Generator, partner_active: np.ndarray, own_active: np.ndarray, friendliness: float = 0.5
) -> np.ndarray:
    """Reactions to the partner: nods at phrase ends, brow raises, smiles while listening."""
    n = len(partner_active)
    track = np.zeros((n, C), np.float32)
    listening = partner_active & ~own_active
    for end in phrase_ends(partner_active):
        if own_active[min(end + 3, n - 1)] and rng.random() < 0.5:
            continue  # busy talking: fewer nods
        if rng.random() < 0.75:
            delay = int(rng.integers(1, 8))
            amp = rng.uniform(0.06, 0.16)
            curve = _pulse(int(rng.integers(10, 18)), 4, 7)
            _add(track, end + delay, curve, {"head_rx": amp})
            if rng.random() < 0.35:  # a double nod
                _add(track, end + delay + 8, curve, {"head_rx": 0.7 * amp})
        if rng.random() < 0.3:
            _add(
                track,
                end - 5,
                _pulse(20, 5, 8) * rng.uniform(0.2, 0.5),
                {"browInnerUp": 1.0, "browOuterUpLeft": 0.8, "browOuterUpRight": 0.8},
            )
        if rng.random() < 0.4 * friendliness + 0.1:
            _add(
                track,
                end,
                _pulse(int(rng.integers(20, 60)), 6, 10) * rng.uniform(0.2, 0.6),
                {
                    "mouthSmileLeft": 1.0,
                    "mouthSmileRight": 1.0,
                    "cheekSquintLeft": 0.4,
                    "cheekSquintRight": 0.4,
                },
            )
    from scipy.ndimage import gaussian_filter1d

    # Attentive listening: slight head tilt and a faint smile that builds while listening.
    lis = gaussian_filter1d(listening.astype(np.float64), 8.0)
    track[:, HEAD_RZ] += lis * rng.uniform(-0.06, 0.06)
    track[:, HEAD_RX] += lis * rng.uniform(0.0, 0.05)
    track[:, IDX["mouthSmileLeft"]] += lis * 0.12 * friendliness
    track[:, IDX["mouthSmileRight"]] += lis * 0.12 * friendliness
    return track  # fmt: skip


def laugh_track(num_frames: int, spans: list[tuple[int, int]], rng: np.random.Generator | None) -> np.ndarray:
    """Laughing: broad smile, squinted cheeks, head tossed back a little (``rng=None``: fixed 0.8)."""
    track = np.zeros((num_frames, C), np.float32)
    for s, e in spans:
        curve = _pulse(max(e - s + 10, 12), 4, 8) * (0.8 if rng is None else rng.uniform(0.6, 1.0))
        _add(track, s - 2, curve, {"mouthSmileLeft": 0.8, "mouthSmileRight": 0.8, "cheekSquintLeft": 0.5, "cheekSquintRight": 0.5, "eyeSquintLeft": 0.4, "eyeSquintRight": 0.4, "head_rx": -0.08})  # fmt: skip
    return track


def frame_energy(audio: np.ndarray, num_frames: int, sr: int = 16000, fps: float = 25.0) -> np.ndarray:
    """RMS per video frame."""
    hop = int(round(sr / fps))
    x = np.zeros(num_frames * hop, np.float32)
    m = min(len(audio), len(x))
    x[:m] = audio[:m]
    return np.sqrt((x.reshape(num_frames, hop) ** 2).mean(axis=1))
