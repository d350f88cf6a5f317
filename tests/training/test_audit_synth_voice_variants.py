"""``synth`` checks every voice the corpus can draw, ``+variant`` included, before the first dialogue.

espeak-ng speaks ``en-us+m3`` as the bare ``en-us`` without a word when its data has no ``m3``
variant file, so a corpus on such a machine would quietly lose its timbres: the check must look
at the variants, not only at the languages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.lite import synth
from dualtalk.training.lite.languages import TRAIN_VARIANTS_F, TRAIN_VARIANTS_M
from dualtalk.training.lite.synth import generate_corpus

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None or "espeak" not in available_engines(), reason="espeak-ng is not installed"
)
REPO = Path(__file__).resolve().parents[2]


def _espeak_wav(voice: str, env: dict[str, str] | None = None) -> bytes:
    """What the espeak-ng program says for ``voice`` (a fresh process: no state carried over)."""
    assert ESPEAK is not None
    run = subprocess.run(
        [ESPEAK, "-v", voice, "--stdout", "Maybe we should go."], capture_output=True, env=env, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def _data_without(variant: str, where: Path) -> Path:
    """A copy (by links) of this machine's espeak-ng data without one voice variant file."""
    assert ESPEAK is not None
    found = re.search(
        r"Data at:\s*(\S+)", subprocess.run([ESPEAK, "--version"], capture_output=True, text=True).stdout
    )
    if not found or not (Path(found.group(1)) / "voices" / "!v" / variant).is_file():
        pytest.skip(f"cannot find espeak-ng's data with a {variant} variant to leave out")
    data = Path(found.group(1))
    mine = where / "espeak-ng-data"
    (mine / "voices" / "!v").mkdir(parents=True)
    for entry in data.iterdir():
        if entry.name != "voices":
            (mine / entry.name).symlink_to(entry)
    for entry in (data / "voices").iterdir():
        if entry.name != "!v":
            (mine / "voices" / entry.name).symlink_to(entry)
    for entry in (data / "voices" / "!v").iterdir():
        if entry.name != variant:
            (mine / "voices" / "!v" / entry.name).symlink_to(entry)
    return where


@needs_espeak
def test_synth_on_a_machine_without_the_m3_variant_stops_before_the_first_dialogue(tmp_path):
    """A user whose espeak-ng-data lacks voices/!v/m3 runs synth: one line names the missing
    variant and nothing is written, instead of a corpus whose "+m3" voices are the bare voice."""
    env = {**os.environ, "ESPEAK_DATA_PATH": str(_data_without("m3", tmp_path / "espeak"))}
    # the premise: such a machine speaks en-us+m3 as plain en-us, without an error
    assert _espeak_wav("en-us+m3", env) == _espeak_wav("en-us", env)
    assert _espeak_wav("en-us+m3") != _espeak_wav("en-us")

    out = tmp_path / "corpus"
    run = subprocess.run(
        [sys.executable, "-m", "dualtalk", "synth", "--out", str(out), "--dialogues", "1", "--seconds", "2",
         "--quiet"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: espeak-ng cannot speak the corpus voice(s)"), lines
    assert "en-us+m3" in lines[0] and "no voice variant m3" in lines[0]
    assert not out.exists() or not any(p.suffix == ".wav" for p in out.rglob("*"))


@needs_espeak
def test_an_english_only_corpus_checks_its_variants_too(tmp_path, monkeypatch):
    """English dialogues draw espeak-ng accents with variants as well: a recipe variant espeak-ng
    does not have is refused before any dialogue, even with --english-share 1 (the default)."""
    monkeypatch.setattr(synth, "TRAIN_VARIANTS_F", (*TRAIN_VARIANTS_F, "no-such-variant"))
    out = tmp_path / "corpus"
    with pytest.raises(
        DualTalkError, match=r"en-us\+no-such-variant.*no voice variant no-such-variant"
    ) as err:
        generate_corpus(out, 1, seed=0, duration=2.0, english_share=1.0)
    assert "\n" not in str(err.value)
    assert "--english-share 1" not in str(err.value)  # it would not help: English draws the variant too
    assert not out.exists()  # no folder, no manifest: nothing that looks like a corpus


@needs_espeak
def test_every_variant_the_corpus_draws_is_a_voice_espeak_ng_really_has():
    """No recipe variant is spoken as the bare voice on this machine (``annie`` was: the file is
    ``Annie``, and espeak-ng's variant names are case-sensitive)."""
    bare = _espeak_wav("en-us")
    same = [v for v in TRAIN_VARIANTS_M + TRAIN_VARIANTS_F if _espeak_wav(f"en-us+{v}") == bare]
    assert same == []


def test_a_corpus_from_before_the_variants_were_recorded_is_not_extended_with_todays_voices(tmp_path):
    """Corpora made before the manifest named its voice variants drew "annie" (espeak-ng's bare voice);
    extending one with today's "Annie" would mix two recipes under one seed, so it is refused."""
    out = tmp_path / "old_corpus"
    out.mkdir()
    manifest = {"generator": "dualtalk synth", "seed": 0, "english_share": 1.0, "per_dialogue": {}}
    (out / "corpus.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dualtalk", "synth", "--out", str(out), "--dialogues", "1", "--first", "5", "--quiet"],
        capture_output=True, text=True,
    )  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "other espeak-ng voice variants (annie" in lines[0] and "choose another --out" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["corpus.json"]


def test_a_flite_without_a_recipe_voice_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """flite speaks a voice it does not have (``-voice rms`` on a build without rms) as its
    default voice, exit 0 and no word: the corpus's flite timbres would quietly collapse."""
    if shutil.which("flite") is None:
        pytest.skip("flite is not installed")
    monkeypatch.setattr(synth, "flite_voices", lambda: {"kal", "kal16", "awb"})
    out = tmp_path / "new" / "corpus"
    with pytest.raises(DualTalkError, match=r"flite cannot speak the corpus voice\(s\) rms, slt") as err:
        generate_corpus(out, 1, seed=0, duration=2.0, english_share=1.0)
    assert "\n" not in str(err.value) and "flite -lv lists awb, kal, kal16" in str(err.value)
    assert not out.exists() and not out.parent.exists()


def test_this_machines_flite_has_every_voice_the_recipe_draws():
    from dualtalk.inference.audio.tts import FLITE_VOICES, flite_voices

    if shutil.which("flite") is None:
        pytest.skip("flite is not installed")
    assert set(FLITE_VOICES) <= flite_voices()


@needs_espeak
def test_a_refused_synth_leaves_no_folder_and_no_manifest(tmp_path, monkeypatch):
    """A missing espeak-ng variant used to be found after corpus.json was written into the new
    folder, which then looked like an (empty) corpus of that recipe."""
    monkeypatch.setattr(synth, "TRAIN_VARIANTS_F", (*TRAIN_VARIANTS_F, "no-such-variant"))
    out = tmp_path / "new" / "corpus"
    with pytest.raises(DualTalkError, match="no-such-variant"):
        generate_corpus(out, 1, seed=0, duration=2.0, english_share=1.0)
    assert not out.exists()
