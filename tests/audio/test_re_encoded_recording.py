"""An editor hands the pipeline TD back the take's recording as a loudness-normalised FLAC, an MP3 or
a re-tagged WAV: other bytes, the same sound. Every take now records its recording's sound beside
its bytes' fingerprint (``source["sound"]``: each file's length and a coarse loudness envelope), so
such a copy is still known as the take's recording (``same_sound``), while another recording, a
trimmed or padded cut, a sped-up copy or another channel layout is not."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.dialogue import SOUND_POINTS, load_dialogue, same_sound, sound_signature
from recording_copies import ffmpeg, needs_ffmpeg, speechy

pytestmark = needs_ffmpeg


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> dict:
    """A 12 s stereo recording at 48 kHz and the sound its take recorded (whole, and seconds 2-8)."""
    folder = tmp_path_factory.mktemp("re_encoded")
    talk = folder / "talk.wav"
    sf.write(str(talk), speechy(12.0, 1, 48000), 48000, subtype="PCM_16")
    return {
        "folder": folder,
        "talk": talk,
        "sound": load_dialogue(talk).source["sound"],
        "part": load_dialogue(talk, start=2.0, end=8.0).source["sound"],
    }


@pytest.mark.parametrize(
    "name, args",
    [
        ("talk.flac", ()),
        ("talk.mp3", ("-b:a", "128k")),
        ("talk_96k.mp3", ("-b:a", "96k")),
        ("louder.wav", ("-af", "volume=12dB", "-c:a", "pcm_f32le")),
        ("quieter.flac", ("-af", "volume=-12dB")),
        ("retagged.wav", ("-metadata", "title=Scene 4 final", "-metadata", "artist=Edit")),
        ("talk_44k.flac", ("-ar", "44100")),
        ("loudnorm.wav", ("-af", "loudnorm", "-ar", "48000")),  # dynamic loudness normalisation
    ],
)
def test_the_recording_re_encoded_for_the_edit_is_still_the_takes(take, name, args):
    copy = ffmpeg(take["talk"], take["folder"] / name, *args)
    assert copy.read_bytes() != take["talk"].read_bytes()
    assert same_sound(take["sound"], [copy])
    assert same_sound(take["part"], [copy])  # a take of seconds 2-8: that part compared


def test_another_cut_or_another_recording_is_not(take, tmp_path):
    talk, folder = take["talk"], take["folder"]
    other = tmp_path / "other.wav"
    sf.write(str(other), speechy(12.0, 2, 48000), 48000, subtype="PCM_16")
    refused = {
        "another recording of the same length": other,
        "trimmed at the start": ffmpeg(talk, tmp_path / "trim.wav", "-ss", "0.5"),
        "trimmed at the end": ffmpeg(talk, tmp_path / "end.wav", "-t", "11.5"),
        "padded by 3 frames": ffmpeg(talk, tmp_path / "pad.wav", "-af", "adelay=120|120"),
        "sped up 5 %": ffmpeg(talk, tmp_path / "fast.wav", "-af", "atempo=1.05"),
        "speakers swapped": ffmpeg(talk, tmp_path / "swap.wav", "-af", "pan=stereo|c0=c1|c1=c0"),
        "mixed to mono": ffmpeg(talk, tmp_path / "mono.wav", "-ac", "1"),
    }
    for why, path in refused.items():
        assert not same_sound(take["sound"], [path]), why
        assert not same_sound(take["part"], [path]), why
    x, sr = sf.read(str(talk), dtype="float32")
    later = tmp_path / "later.wav"  # seconds 3-9 where the take heard 2-8, in a file as long
    sf.write(str(later), np.roll(x, -sr, axis=0), sr)
    assert not same_sound(take["part"], [later])
    assert not same_sound(take["sound"], [folder / "missing.wav"])


def test_two_files_one_per_speaker_are_compared_each(tmp_path):
    x = speechy(8.0, 3)
    a, b = tmp_path / "ann.wav", tmp_path / "bob.wav"
    sf.write(str(a), x[:, 0], 16000)
    sf.write(str(b), x[:, 1], 16000)
    sound = load_dialogue(a, b, offset_b=0.2).source["sound"]
    a_mp3, b_flac = ffmpeg(a, tmp_path / "ann.mp3", "-b:a", "128k"), ffmpeg(b, tmp_path / "bob.flac")
    assert same_sound(sound, [a_mp3, b_flac])
    assert not same_sound(sound, [b_flac, a_mp3])  # the speakers' files the other way round
    assert not same_sound(sound, [a_mp3])


def test_the_record_is_small_even_for_an_hour(take):
    assert len(json.dumps(take["sound"])) < 2500  # 12 s of stereo at 0.1 s windows
    hour = np.broadcast_to(np.float32(0.1), (2, 3600 * 16000))  # an hour of stereo, without the memory
    sound = sound_signature([hour], [take["talk"]], 0.0, 3600.0)
    assert all(len(row) <= SOUND_POINTS * 4 // 3 + 4 for row in sound["env"][0])  # base64 of <= 2048 bytes
    assert len(json.dumps(sound)) < 6000


def test_a_damaged_record_is_no_match(take):
    assert not same_sound({**take["sound"], "env": [["not base64!"]]}, [take["talk"]])
    assert not same_sound({"v": 1}, [take["talk"]])


@pytest.fixture(scope="module")
def minute(tmp_path_factory) -> dict:
    """A 60 s stereo take (16 kHz), its sound, and the second where speaker A talks the most."""
    folder = tmp_path_factory.mktemp("edited")
    x = speechy(60.0, 7)
    talk = folder / "talk.wav"
    sf.write(str(talk), x, 16000, subtype="PCM_16")
    power = np.convolve(x[:, 0] ** 2, np.ones(16000), "valid")[: 58 * 16000]
    return {
        "folder": folder,
        "x": x,
        "sound": load_dialogue(talk).source["sound"],
        "at": int(np.argmax(power)),
    }


def test_a_line_re_recorded_or_muted_is_another_recording(minute):
    """The editor re-recorded one second of A's line, or muted it: the take's keys no longer follow
    that sound, so the file is not the take's recording re-encoded (the take would warn 'the same sound')."""
    x, at, folder = minute["x"], minute["at"], minute["folder"]
    re_recorded = x.copy()
    re_recorded[at : at + 16000, 0] = speechy(1.0, 99)[:, 1] + speechy(1.0, 98)[:, 0]  # other words
    muted = x.copy()
    muted[at : at + 16000, 0] = 0.0
    for why, y in {"1 s of A re-recorded": re_recorded, "1 s of A muted": muted}.items():
        edited = folder / f"{why}.wav"
        sf.write(str(edited), y, 16000, subtype="PCM_16")
        assert not same_sound(minute["sound"], [edited]), why
        assert not same_sound(minute["sound"], [ffmpeg(edited, folder / f"{why}.mp3", "-b:a", "128k")]), why


def test_the_minute_re_encoded_or_normalised_is_still_the_takes(minute):
    talk = minute["folder"] / "talk.wav"
    for name, args in {"talk.mp3": ("-b:a", "96k"), "loud.wav": ("-af", "loudnorm", "-ar", "16000")}.items():
        assert same_sound(minute["sound"], [ffmpeg(talk, minute["folder"] / name, *args)]), name
