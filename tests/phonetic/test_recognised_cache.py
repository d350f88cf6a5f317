"""An animator re-generates a range of a take made with *Recognise Words*, or runs the take again
after changing an unrelated option: the words are not recognised again (about 10 s per minute of
dialogue each time, in a fresh worker process), they are read back from
``$DUALTALK_HOME/recognised/``, and the motion is the same. A recording changed by one sample, an
entry cut short or another version's entry is recognised afresh; where there is no writable home,
recognition works as before."""

from __future__ import annotations

import json
import logging
import os

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference import pipeline
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic import recognise, recognised_cache
from dualtalk.inference.phonetic.recognise import Said

SR = 16000


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every test its own DUALTALK_HOME: nothing is written into the user's ~/.cache."""
    folder = tmp_path / "home"
    monkeypatch.setenv("DUALTALK_HOME", str(folder))
    return folder


@pytest.fixture
def heard(monkeypatch) -> list[tuple[float, float]]:
    """Every stretch the recogniser hears, as (start, end) s; recognition itself runs as it does."""
    pytest.importorskip("pocketsphinx")
    calls: list[tuple[float, float]] = []
    real = recognise.hear

    def counted(audio, start, end, listener):
        calls.append((start, end))
        return real(audio, start, end, listener)

    monkeypatch.setattr(recognise, "hear", counted)
    return calls


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A says a line, B answers, A says another (flite), each on their own file."""
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    pytest.importorskip("pocketsphinx")
    folder = tmp_path_factory.mktemp("heard")
    gap = np.zeros(int(0.8 * SR), np.float32)
    a, b = [gap], [gap]
    for who, text in (("A", "Maybe we should bring the map."), ("B", "Please pass me the blue cup."),
                      ("A", "My mother bought a warm coat.")):  # fmt: skip
        utt = speak(text, Voice("flite", "rms" if who == "A" else "slt")).audio
        mine, other = (a, b) if who == "A" else (b, a)
        mine += [utt, gap]
        other += [np.zeros_like(utt), gap]
    sf.write(folder / "a.wav", np.concatenate(a), SR)
    sf.write(folder / "b.wav", np.concatenate(b), SR)
    return Request(audio=str(folder / "a.wav"), audio_b=str(folder / "b.wav"), recognise=True)


def test_a_take_run_again_and_a_range_regenerated_read_the_words_heard_before(scene, heard, home, tmp_path):
    engines = pipeline.Engines()
    first = pipeline.run(scene, tmp_path / "first", engines=engines)
    assert len(heard) == 3 and len(list((home / "recognised").glob("*.json"))) == 1
    again = pipeline.run(scene.replace(behaviour_seed=7), tmp_path / "again", engines=engines)
    part = pipeline.run(scene.replace(start=1.0, end=3.0), tmp_path / "part", engines=engines)
    assert len(heard) == 3  # neither the second run nor the range recognised anything
    assert again.transcript == first.transcript
    lips = [n for n, c in enumerate(first.motion_a.channels) if c.startswith(("jaw", "mouth"))]
    np.testing.assert_array_equal(again.motion_a.values[:, lips], first.motion_a.values[:, lips])
    np.testing.assert_array_equal(again.motion_b.values[:, lips], first.motion_b.values[:, lips])
    # the range draws what a range recognised afresh draws
    fresh_home = tmp_path / "fresh"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DUALTALK_HOME", str(fresh_home))
        fresh = pipeline.run(scene.replace(start=1.0, end=3.0), tmp_path / "part_fresh", engines=engines)
    assert len(heard) == 6
    assert part.transcript == fresh.transcript
    np.testing.assert_array_equal(part.motion_a.values, fresh.motion_a.values)
    np.testing.assert_array_equal(part.motion_b.values, fresh.motion_b.values)


def _voices(seconds: float = 4.0):
    """Two streams of noise bursts (no recogniser needed) and their voice activity at 25 fps."""
    rng = np.random.default_rng(3)
    a = (rng.standard_normal(int(seconds * SR)) * 0.01).astype(np.float32)
    b = a[::-1].copy()
    active_a, active_b = np.zeros(int(seconds * 25), bool), np.zeros(int(seconds * 25), bool)
    active_a[10:40], active_b[50:90] = True, True
    return a, b, active_a, active_b


@pytest.fixture
def words(monkeypatch) -> list[tuple[float, float]]:
    """A recogniser that hears 'hello there' in every stretch (English), counting the stretches."""
    pytest.importorskip("pocketsphinx")  # its version and model files are in the key
    calls: list[tuple[float, float]] = []

    def hear(audio, start, end, listener):
        calls.append((start, end))
        return Said(start, end, "hello there", start < 2.0)  # B's stretch does not sound English

    monkeypatch.setattr(recognise, "hear", hear)
    monkeypatch.setattr(recognise, "Listener", lambda: object())
    return calls


def _recognised(a, b, active_a, active_b):
    hearing: dict = {}
    lines = recognised_cache.recognised_lines(a, b, active_a, active_b, hearing=hearing)
    return lines, hearing


def test_the_words_and_what_did_not_sound_english_read_back_as_they_were_heard(words):
    a, b, active_a, active_b = _voices()
    first = _recognised(a, b, active_a, active_b)
    assert len(words) == 2 and first[1]["B"].foreign == [(2.0, 3.6)]
    assert _recognised(a, b, active_a, active_b) == first and len(words) == 2


def test_a_recording_changed_by_one_sample_is_recognised_afresh(words):
    a, b, active_a, active_b = _voices()
    _recognised(a, b, active_a, active_b)
    b[12345] += 1e-4
    _recognised(a, b, active_a, active_b)
    assert len(words) == 4
    active_a[5] = True  # the voice activity too
    _recognised(a, b, active_a, active_b)
    assert len(words) == 6


def test_a_changed_threshold_files_the_words_apart(words, monkeypatch):
    a, b, active_a, active_b = _voices()
    before = recognised_cache.recording_key(a, b, active_a, active_b, 25.0)
    monkeypatch.setattr(recognise, "MIN_FIT", -5.0)
    assert recognised_cache.recording_key(a, b, active_a, active_b, 25.0) != before


@pytest.mark.parametrize(
    "spoil",
    [
        lambda text: text[: len(text) // 2],  # a run killed while writing (before atomic writes)
        lambda text: "",
        lambda text: text.replace('"version": 1', '"version": 0'),  # another version's
        lambda text: text.replace('"A"', '"C"'),  # not a tag of ours
        lambda text: "\x00\xff" * 10,
        lambda text: "[" * 100_000 + "]" * 100_000,  # nested past what json recurses through
    ],
)
def test_a_spoiled_entry_is_recognised_afresh_and_written_over(words, home, spoil):
    a, b, active_a, active_b = _voices()
    first = _recognised(a, b, active_a, active_b)
    (entry,) = (home / "recognised").glob("*.json")
    entry.write_text(spoil(entry.read_text(encoding="utf-8")), encoding="utf-8", errors="surrogateescape")
    assert _recognised(a, b, active_a, active_b) == first and len(words) == 4
    assert json.loads(entry.read_text(encoding="utf-8"))["version"] == recognised_cache.VERSION
    assert _recognised(a, b, active_a, active_b) == first and len(words) == 4


def test_an_entry_filed_under_another_recordings_name_is_not_believed(words, home):
    a, b, active_a, active_b = _voices()
    _recognised(a, b, active_a, active_b)
    (entry,) = (home / "recognised").glob("*.json")
    other = a.copy()
    other[0] += 1e-3
    key = recognised_cache.recording_key(other, b, active_a, active_b, 25.0)
    entry.rename(entry.with_name(f"{key}.json"))  # its own key inside says whose words they are
    _recognised(other, b, active_a, active_b)
    assert len(words) == 4


def test_without_a_writable_home_the_words_are_still_recognised(words, tmp_path, monkeypatch, caplog):
    a, b, active_a, active_b = _voices()
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("DUALTALK_HOME", str(blocked))
    with caplog.at_level(logging.DEBUG, logger="dualtalk.transcript"):
        lines, _ = _recognised(a, b, active_a, active_b)
        _recognised(a, b, active_a, active_b)
    assert [(line.speaker, line.text) for line in lines] == [("A", "hello there")] and len(words) == 4
    assert "recognised words are not cached" in caplog.text
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_a_recogniser_whose_identity_cannot_be_read_still_recognises(words, home, monkeypatch):
    def unreadable():
        raise OSError("model folder gone")

    monkeypatch.setattr(recognised_cache, "_pocketsphinx_identity", unreadable)
    a, b, active_a, active_b = _voices()
    lines, _ = _recognised(a, b, active_a, active_b)
    assert [line.text for line in lines] == ["hello there"] and len(words) == 2
    assert not list((home / "recognised").glob("*.json"))


def test_the_cache_keeps_the_newest_entries_only(words, home, monkeypatch):
    monkeypatch.setattr(recognised_cache, "KEEP", 2)
    a, b, active_a, active_b = _voices()
    for k in range(4):
        a[0] = k * 1e-3
        _recognised(a, b, active_a, active_b)
        key = recognised_cache.recording_key(a, b, active_a, active_b, 25.0)
        os.utime(home / "recognised" / f"{key}.json", (1000 + k, 1000 + k))  # written a second apart
    assert len(list((home / "recognised").glob("*.json"))) == 2
    assert _recognised(a, b, active_a, active_b) and len(words) == 8  # the newest is kept


def test_a_recognised_folder_of_the_users_own_is_neither_pruned_nor_written_into(words, home, monkeypatch):
    """Review 29a, finding 14: ``$DUALTALK_HOME`` is a folder the user chooses; a ``recognised``
    folder of their own transcripts lost 51 of 150 files to the cache's pruning. Now a folder holding
    anything the cache did not write is left alone: the words are recognised each time."""
    monkeypatch.setattr(recognised_cache, "KEEP", 2)
    mine = home / "recognised"
    mine.mkdir(parents=True)
    for k in range(5):
        (mine / f"interview_{k}.json").write_text("{}", encoding="utf-8")
    (mine / ".notes.tmp").write_text("draft", encoding="utf-8")
    os.utime(mine / ".notes.tmp", (1000, 1000))  # older than any temporary the cache keeps
    a, b, active_a, active_b = _voices()
    _recognised(a, b, active_a, active_b)
    _recognised(a, b, active_a, active_b)
    assert len(words) == 4  # recognised twice: not cached there
    assert sorted(p.name for p in mine.iterdir()) == [
        ".notes.tmp",
        *(f"interview_{k}.json" for k in range(5)),
    ]


def test_pruning_removes_only_the_caches_own_names(home):
    folder = home / "recognised"
    folder.mkdir(parents=True)
    ours = [folder / f"{k:064x}.json" for k in range(3)]
    for k, path in enumerate(ours):
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (1000 + k, 1000 + k))
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    recognised_cache.prune(folder, keep=1)
    assert sorted(p.name for p in folder.iterdir()) == [ours[2].name, "notes.json"]
