"""``synth --out``: a folder is one corpus; the user's files and other corpora are never mixed in."""

from __future__ import annotations

import json

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.lite import synth
from dualtalk.training.lite.languages import Language
from dualtalk.training.lite.synth import generate_corpus

needs_tts = pytest.mark.skipif(not available_engines(), reason="no TTS engine installed")


def test_a_negative_seed_is_one_clear_line_and_creates_nothing(tmp_path):
    out = tmp_path / "corpus"
    with pytest.raises(DualTalkError, match="--seed must be zero or positive"):
        generate_corpus(out, 1, seed=-1, duration=2.0)
    assert not out.exists()


@needs_tts
def test_a_folder_of_the_users_own_files_is_refused_and_left_as_it_was(tmp_path):
    mine = tmp_path / "Documents"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    (mine / "corpus.json").write_text('{"my": "own manifest"}')
    with pytest.raises(DualTalkError, match="choose an empty or new folder"):
        generate_corpus(mine, 1, seed=0, duration=2.0)
    assert sorted(p.name for p in mine.iterdir()) == ["corpus.json", "notes.txt"]
    assert json.loads((mine / "corpus.json").read_text()) == {"my": "own manifest"}


@needs_tts
def test_a_second_seed_into_the_same_folder_is_refused_and_an_extension_keeps_the_whole_manifest(tmp_path):
    out = tmp_path / "corpus"
    generate_corpus(out, 1, seed=3, duration=2.0)
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(DualTalkError, match="--seed 3.*--seed 4"):
        generate_corpus(out, 1, seed=4, duration=2.0)
    assert sorted(p.name for p in out.iterdir()) == before
    generate_corpus(out, 1, seed=3, start=1, duration=2.0)  # extending: same recipe, next index
    manifest = json.loads((out / "corpus.json").read_text())
    assert manifest["seed"] == 3
    assert manifest["dialogues"] == 2 and manifest["first_index"] == 0
    assert sum(n.endswith("_speaker1.wav") for n in (p.name for p in out.iterdir())) == 2


@needs_tts
def test_a_corpus_language_whose_espeak_voice_is_missing_stops_before_any_dialogue(tmp_path, monkeypatch):
    ghost = Language("xx", "xx-no-such-voice", ("Papa.", "Mama."), ("mhm",))
    monkeypatch.setattr(synth, "LANGUAGES", {"xx": ghost})
    out = tmp_path / "corpus"
    with pytest.raises(DualTalkError, match="xx-no-such-voice") as err:
        generate_corpus(out, 1, seed=0, duration=2.0, english_share=0.0)
    assert "\n" not in str(err.value)
    assert not out.exists()  # no folder, no manifest: nothing that looks like a corpus


def test_a_real_share_without_real_recordings_is_refused_not_silently_dropped(tmp_path, capsys):
    from dualtalk.cli import main

    out = tmp_path / "corpus"
    assert main(["synth", "--out", str(out), "--dialogues", "1", "--real-share", "0.5", "--quiet"]) == 2
    assert "--real-share needs --real" in capsys.readouterr().err
    assert not out.exists()
