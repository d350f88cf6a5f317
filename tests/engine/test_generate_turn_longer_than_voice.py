"""Mia and Ben were recorded on one table mic; the turns file gives Mia one row over her two sentences and
the 2 s she is silent between them (as AMI's RTTM gives MEE009 one 12 s row in dev00). The mix split by
turns hands Mia the room's sound there, 30 dB under her voice: she must not mouth it (on dev00 she did,
her listening jaw 0.63 of her speaking jaw), while her words still open her jaw and a short breath
between words is heard as it was."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import load_dialogue, load_speech
from dualtalk.inference.audio.sync import TURN_PAUSE_S, long_pauses
from dualtalk.inference.behaviour.cues import STATE_BRIDGE_S
from dualtalk.inference.engine import load_engine
from dualtalk.inference.generate import generate_dialogue

SR, FPS = 16000, 25
PAUSE = (2.8, 4.8)  # seconds of the mix where Mia's turn holds only the room


@pytest.fixture(scope="module")
def one_mic(demo_clip, tmp_path_factory) -> Path:
    mia, ben = load_speech(demo_clip["wav1"]), load_speech(demo_clip["wav2"])
    words = mia[int(3.2 * SR) : int(8.2 * SR)]  # 5 s of her talking
    level = float(np.sqrt(np.mean(words**2))) * 10 ** (-30 / 20)
    rng = np.random.default_rng(0)

    def room(seconds: float) -> np.ndarray:
        return (level * rng.standard_normal(int(seconds * SR))).astype(np.float32)

    mix = np.concatenate([words[: int(2.8 * SR)], room(2.0), words[int(2.8 * SR) :], room(0.5)])
    mix = np.concatenate([mix, ben[int(6.3 * SR) : int(10.3 * SR)], room(0.5)])
    folder = tmp_path_factory.mktemp("one_mic")
    sf.write(folder / "table.wav", mix, SR)
    (folder / "table.rttm").write_text(
        "SPEAKER table 1 0.000 7.000 <NA> <NA> mia <NA> <NA>\nSPEAKER table 1 7.000 4.500 <NA> <NA> ben <NA> <NA>\n"
    )
    return folder


def test_mia_keeps_her_mouth_shut_through_the_silence_inside_her_turn(one_mic):
    take = load_dialogue(one_mic / "table.wav", None, one_mic / "table.rttm")
    pause = np.zeros(take.num_frames, bool)
    pause[int((PAUSE[0] + 0.1) * FPS) : int((PAUSE[1] - 0.1) * FPS)] = True
    # no voice of hers in the silence; 3 s of it elsewhere
    assert not take.active_a[pause].any() and take.active_a.sum() > 80
    assert take.a[int(3.5 * SR) : int(4.0 * SR)].any()  # her stream holds the room's sound there
    mia, _ = generate_dialogue(take, load_engine(engine="lite"))
    jaw = mia.values[:, mia.channels.index("jawOpen")]
    silent, talking = np.percentile(jaw[pause], 90), np.percentile(jaw[take.active_a], 90)
    # before: 0.28 in the silence, as open as her words (0.26)
    assert silent < 0.05 and silent < 0.2 * talking, (silent, talking)
    assert talking > 0.2  # her own words still open the jaw


def test_only_a_pause_long_enough_to_be_listening_is_heard_turned_down():
    flags = np.zeros(100, bool)
    flags[:20] = flags[30:50] = flags[80:] = True  # a 0.4 s breath between words, then a 1.2 s silence
    quiet = long_pauses(flags)
    assert not quiet[20:30].any()  # the breath: as recorded
    assert quiet[50:80].all() and not quiet[flags].any()
    assert TURN_PAUSE_S == STATE_BRIDGE_S  # the behaviour layer's bridge: a shorter pause is still talking
