"""The synthetic corpus: two voices taking turns, exact targets, same seed -> same files."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import load_motion
from dualtalk.training.lite.synth import generate_corpus, make_dialogue

pytestmark = pytest.mark.skipif(not available_engines(), reason="no TTS engine installed")
IDX = {n: i for i, n in enumerate(ARKIT55)}


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_corpus(a, 2, seed=7, duration=5.0)
    generate_corpus(b, 2, seed=7, duration=5.0)
    generate_corpus(c, 2, seed=8, duration=5.0)
    names = _files(a)
    assert names == _files(b)
    assert (
        sum(n.endswith(("_speaker1.wav", "_speaker2.wav", "_speaker1.npz", "_speaker2.npz")) for n in names)
        == 8
    )
    assert sum(n.endswith(".phoneclass.npy") for n in names) == 4
    for name in names:
        if name.endswith(".wav"):
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
        elif name.endswith(".npz"):
            assert np.array_equal(load_motion(a / name).values, load_motion(b / name).values), name
    wav = next(n for n in names if n.endswith(".wav"))
    other = next(n for n in _files(c) if n.endswith(".wav"))
    assert (a / wav).read_bytes() != (c / other).read_bytes()
    assert json.loads((a / "corpus.json").read_text())["seed"] == 7


def test_targets_keep_what_the_audio_determines_and_leave_random_events_to_the_behaviour_layer():
    d = make_dialogue(seed=3, index=0, duration=14.0)
    assert len(d["speakers"]) == 2
    eyes = [i for n, i in IDX.items() if n.startswith(("eyeBlink", "eyeLook"))]
    for spk in d["speakers"]:
        values, active = spk["values"], spk["active"]
        assert values.shape == (len(active), 55) and values.dtype == np.float32
        assert values[:, :52].min() >= 0 and values[:, :52].max() <= 1
        assert 0.05 < active.mean() < 0.95, "each speaker talks some of the time"
        jaw = values[:, IDX["jawOpen"]]
        assert jaw[active].mean() > 3 * jaw[~active].mean() + 0.02, "mouth opens while speaking"
        # No blinks, no gaze, no yaw/roll drift: the seeded behaviour layer owns those.
        assert np.abs(values[:, eyes]).max() == 0.0
        assert np.abs(values[:, [IDX["head_ry"], IDX["head_rz"]]]).max() == 0.0
        # Head beats follow one's own voice: silent listening frames far from speech keep still.
        from scipy.ndimage import binary_dilation

        far = ~binary_dilation(active, iterations=12)
        if far.any():
            assert np.abs(values[far, IDX["head_rx"]]).max() < 0.01
        assert values[active, IDX["head_rx"]].max() > 0.01, "speech-driven head beats"
        assert spk["phone_class"].shape == active.shape
    marked = sum(int((spk["phone_class"] == 1).sum()) for spk in d["speakers"])
    assert marked >= 2, "bilabial frames are marked for the contact loss"
    a, b = (spk["audio"] for spk in d["speakers"])
    assert len(a) == len(b) == len(d["speakers"][0]["active"]) * 640


def test_the_v1_recipe_with_random_behaviour_is_still_there():
    d = make_dialogue(seed=3, index=0, duration=14.0, behaviour=True)
    blink = np.concatenate([spk["values"][:, IDX["eyeBlinkLeft"]] for spk in d["speakers"]])
    assert (blink > 0.8).sum() >= 2, "blinks happen"
    pitch = np.concatenate([spk["values"][:, IDX["head_rx"]] for spk in d["speakers"]])
    assert pitch.max() > 0.05


def test_other_languages_and_real_voices_join_the_corpus():
    from dualtalk.inference.audio.tts import Voice, speak

    langs = {make_dialogue(seed=5, index=i, duration=6.0, english_share=0.0)["language"] for i in range(4)}
    assert "en" not in langs and len(langs) >= 2
    # A "real" speaker A: here an aligned clip we make ourselves, spoken by flite/espeak.
    utt = speak("My father bought a map of Paris.", Voice("espeak", "en-us+m2"))
    clips = [{"name": "clip0", "source": "test", "audio": utt.audio, "phones": utt.phones}]
    d = make_dialogue(seed=5, index=0, duration=8.0, real=clips)
    assert d["speakers"][0]["meta"]["voice"] == {"real": "test"}
    assert (d["speakers"][0]["phone_class"] == 1).sum() >= 3


def test_a_meeting_speaker_plays_a_whole_character_not_a_mix_of_people():
    from dualtalk.inference.audio.tts import Voice, speak

    lips = speak("My mother bought a big map.", Voice("espeak", "en-us+m2"))
    none = speak("This is a nice day, is it not?", Voice("espeak", "en-us+f3"))
    clips = [
        {"name": f"{who}{i}", "source": "rttm-asr", "speaker": who, "audio": u.audio, "phones": u.phones}
        for who, u in (("X", lips), ("Y", none))
        for i in range(3)
    ]
    seen = set()
    for index in range(8):
        d = make_dialogue(seed=7, index=index, duration=14.0, real=clips)
        a = d["speakers"][0]
        if not a["active"].any():  # A only listened in this one
            continue
        who = a["meta"]["voice"]["speaker"]
        seen.add(who)
        closures = int((a["phone_class"] == 1).sum())
        assert (closures > 0) == (who == "X"), "A's turns all come from the one chosen person"
    assert seen == {"X", "Y"}


def test_a_real_reader_can_join_at_another_speed_as_another_voice(tmp_path):
    from dualtalk.inference.audio.tts import Voice, speak
    from dualtalk.training.lite.align import save_aligned
    from dualtalk.training.lite.synth import _make_indexed

    utt = speak("My father bought a map of Paris.", Voice("espeak", "en-us+m2"))
    save_aligned(
        tmp_path / "real.npz", [{"name": "c0", "source": "test", "audio": utt.audio, "phones": utt.phones}]
    )
    d = _make_indexed(5, 0, 8.0, ["espeak"], 1.0, False, str(tmp_path / "real.npz"), 1.0, (1.2,))
    assert d["speakers"][0]["meta"]["voice"] == {"real": "test", "speed": 1.2}
    # its bilabials are still taught where they now sound
    assert (d["speakers"][0]["phone_class"] == 1).sum() >= 3
    # only the clips read are resampled, and the dialogue is the one pre-resampled clips give
    # (partner B from flite here: espeak-ng's audio varies a little from call to call)
    from dualtalk.training.lite.align import change_speed, load_aligned

    if "flite" not in available_engines():
        pytest.skip("flite is not installed")
    d = _make_indexed(5, 0, 8.0, ["flite"], 1.0, False, str(tmp_path / "real.npz"), 1.0, (1.2,))
    eager = make_dialogue(
        5, 0, 8.0, ["flite"], real=[change_speed(c, 1.2) for c in load_aligned(tmp_path / "real.npz")]
    )
    a, b = d["speakers"][0], eager["speakers"][0]
    assert np.array_equal(a["audio"], b["audio"]) and np.array_equal(a["values"], b["values"])
    assert a["meta"] == b["meta"]


def test_a_real_readers_aligned_contacts_can_be_trimmed_before_its_targets_are_drawn(tmp_path):
    """``contact_trim`` shortens only the real voice's /p b m f v/; the synthetic partner is untouched."""
    if "flite" not in available_engines():
        pytest.skip("flite is not installed")
    from dualtalk.inference.audio.tts import Voice, speak
    from dualtalk.training.lite.align import save_aligned
    from dualtalk.training.lite.synth import _make_indexed

    utt = speak("Maybe my brother will buy a big boat.", Voice("flite", "kal16"))
    save_aligned(
        tmp_path / "real.npz", [{"name": "c0", "source": "test", "audio": utt.audio, "phones": utt.phones}]
    )
    args = (7, 0, 8.0, ["flite"], 1.0, False, str(tmp_path / "real.npz"), 1.0)
    plain, trimmed = _make_indexed(*args), _make_indexed(*args, contact_trim=0.02)
    a_plain, a_trim = plain["speakers"][0], trimmed["speakers"][0]
    assert np.array_equal(a_plain["audio"], a_trim["audio"])  # the same sound, only its targets differ
    closed_plain, closed_trim = (a_plain["phone_class"] == 1).sum(), (a_trim["phone_class"] == 1).sum()
    assert 0 < closed_trim < closed_plain  # still closes on every bilabial, on fewer frames
    assert np.array_equal(plain["speakers"][1]["values"], trimmed["speakers"][1]["values"])


def test_faster_voices_say_the_same_dialogue_in_shorter_phones():
    """``rates`` changes only the voices' speaking rate: same words, same voices, shorter phones."""
    usual = make_dialogue(3, 1, 12.0, ["espeak"])
    fast = make_dialogue(3, 1, 12.0, ["espeak"], rates=(1.7, 1.9))
    for u, f in zip(usual["speakers"], fast["speakers"], strict=True):
        uv, fv = u["meta"]["voice"], f["meta"]["voice"]
        assert uv["name"] == fv["name"] and uv["pitch"] == fv["pitch"]
        assert uv["rate"] <= 1.25 and 1.7 <= fv["rate"] <= 1.9

    def mean_phone_frames(d):
        pc = d["speakers"][0]["phone_class"]
        starts = np.flatnonzero(np.r_[True, np.diff(pc) != 0])
        runs = np.diff(np.r_[starts, len(pc)])
        return runs[pc[starts] > 0].mean()

    assert mean_phone_frames(fast) < 0.85 * mean_phone_frames(usual)


def test_synth_command_writes_dualtalk_folders_and_refuses_bad_arguments(tmp_path):
    out = tmp_path / "corpus"
    cmd = [
        sys.executable,
        "-m",
        "dualtalk",
        "synth",
        "--out",
        str(out),
        "--dialogues",
        "1",
        "--seed",
        "1",
        "--seconds",
        "4",
        "--quiet",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    stem = "synth_0001_00000"
    for k in (1, 2):
        audio, sr = sf.read(out / f"{stem}_speaker{k}.wav")
        assert sr == 16000 and audio.ndim == 1
        motion = load_motion(out / f"{stem}_speaker{k}.npz")
        assert motion.space == "arkit55" and motion.role == "AB"[k - 1]
        assert motion.num_frames == len(audio) // 640
    # the refusals run the same command in this process (cli_in_process): 15 of them, not 15 Pythons
    bad = run_dualtalk(*cmd[3:-6], "0")
    assert (
        bad.returncode == 2 and bad.stderr.startswith("error:") and len(bad.stderr.strip().splitlines()) == 1
    )
    (tmp_path / "real.npz").touch()
    for extra, says in (
        (["--real-speeds", "1.1"], "needs --real"),
        (["--real-speeds", "1.1,fast", "--real", str(tmp_path / "real.npz")], "numbers separated by commas"),
        (["--real-speeds", "3", "--real", str(tmp_path / "real.npz")], "between 0.7 and 1.4"),
        (["--rates", "1.8,1.2"], "LOW <= HIGH"),
        (["--rates", "1.2"], "two numbers"),
        (["--rates", "0.2,1.0"], "0.5 <= LOW"),
        (["--fronting", "1.5"], "--fronting must be between 0 and 1"),
        (["--fronting-shift", "600,1100"], "needs --fronting"),
        (["--fronting", "0.5", "--fronting-shift", "1100,600"], "0 < LOW <= HIGH <= 1500"),
        (["--fronting", "0.5", "--fronting-shift", "600,2000"], "0 < LOW <= HIGH <= 1500"),
        (["--fronting", "0.5", "--fronting-shift", "600"], "two numbers LOW,HIGH in Hz"),
        (["--contact-trim", "20"], "needs --real"),
        (["--contact-trim", "60", "--real", str(tmp_path / "real.npz")], "between 0 and 40 ms"),
        (["--contact-trim", "nan", "--real", str(tmp_path / "real.npz")], "between 0 and 40 ms"),
    ):
        res = run_dualtalk(*cmd[3:], *extra)
        assert res.returncode == 2 and says in res.stderr and len(res.stderr.strip().splitlines()) == 1
