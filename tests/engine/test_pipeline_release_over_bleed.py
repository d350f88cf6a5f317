"""Two lavaliers, each carrying the partner 30 dB down (the real demo conversation): while Ben talks,
Ava listens and her mouth must stay as still in the take ``infer``/``animate`` make as the network drew it.

The network hears each mic ducked where only the partner speaks; the lip release, run after it, read
the mic as recorded and opened Ava's closures over Ben's bleed (listening jaw p90 0.066 from the
network -> 0.098 in the take). It now reads her voice ducked where the network did, and only there:
her own frames are released as before (fix31n).
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference import pipeline
from dualtalk.inference.audio import Dialogue, load_speech
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.core.request import Request
from dualtalk.inference.engine import load_engine
from dualtalk.inference.generate import generate_dialogue, hears_ducked
from dualtalk.inference.phonetic.voice_lips import shape_lips

BLEED = np.float32(10 ** (-30 / 20))


@pytest.fixture(scope="module")
def lavs(demo_clip, tmp_path_factory):
    a, b = load_speech(demo_clip["wav1"]), load_speech(demo_clip["wav2"])
    n = min(len(a), len(b))
    a, b = a[:n] + BLEED * b[:n], b[:n] + BLEED * a[:n]
    folder = tmp_path_factory.mktemp("lavs")
    sf.write(folder / "ava.wav", a, 16000)
    sf.write(folder / "ben.wav", b, 16000)
    return folder


def _jaw(motion) -> np.ndarray:
    return np.asarray(motion.values)[:, list(motion.channels).index("jawOpen")]


def test_avas_mouth_stays_as_still_as_the_network_drew_it_while_ben_talks(lavs, tmp_path):
    takes = {}
    for release in (0.0, None):  # the network's mouth (no release) and the take as it ships
        request = Request(audio=str(lavs / "ava.wav"), audio_b=str(lavs / "ben.wav"), engine="lite")
        if release is not None:
            request = request.replace(lip_release=release)
        take = pipeline.run(request, tmp_path / f"take{release}")
        takes[release] = (load_motion(take.path_a), load_motion(take.path_b))
    ava0, ben0 = takes[0.0]
    ava, _ = takes[None]
    listening = ben0.speaking.astype(bool) & ~ava0.speaking.astype(bool)
    assert listening.sum() > 200
    network, shipped = np.percentile(_jaw(ava0)[listening], 90), np.percentile(_jaw(ava)[listening], 90)
    # before: 0.066 -> 0.098, the release opening closures over Ben's words
    assert shipped <= network + 0.005, (network, shipped)


@pytest.fixture(scope="module")
def network(lavs):
    d = Dialogue.from_arrays(load_speech(lavs / "ava.wav"), load_speech(lavs / "ben.wav"), sample_rate=16000)
    motion_a, _ = generate_dialogue(d, load_engine(engine="lite"))
    return d, motion_a


def test_her_own_frames_are_released_as_before(network):
    d, motion = network
    as_recorded = shape_lips(motion, d.a, active=d.active_a, partner=d.b)
    as_heard = shape_lips(motion, d.a, active=d.active_a, partner=d.b, partner_active=d.active_b)
    ducked = d.active_b & ~d.active_a
    assert np.array_equal(as_heard.values[~ducked], as_recorded.values[~ducked])
    assert not np.array_equal(as_heard.values[ducked], as_recorded.values[ducked])  # the release moved


def test_only_two_mics_heard_by_the_lite_network_are_read_ducked(network):
    d, _ = network
    assert hears_ducked(d, "lite")
    assert not hears_ducked(d, "dualtalk")  # the published network hears the mics as recorded
    turns = Dialogue(d.a, d.b, d.active_a, d.active_b, source={**d.source, "form": "turns"})
    assert not hears_ducked(turns, "lite")  # a mix cut by turns is silent outside each turn already
