"""``eval lipsync --transcripts`` in any language, and ``--transcript-aligner warp``.

Each clip's words run in the clip's own language (its alignment's ``lang``): the run's request
gets ``transcript_language`` (pinyin-written Mandarin read by ``cmn-latn-pinyin``), and
``--transcript-aligner warp`` sets ``DUALTALK_TRANSCRIPT_ALIGNER=warp`` while the clips run, for
the engine to warp espeak-ng's reading onto English too. The pipeline is a spy here: what is
checked is what the evaluator asks of it and what it reports, not the aligners themselves.
"""

from __future__ import annotations

import argparse
import os
from types import SimpleNamespace

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Phone, available_engines
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from dualtalk.training.evaluation import cmd_lipsync
from dualtalk.training.evaluation.lipsync import write_alignment

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

SR = 16000
ENV = "DUALTALK_TRANSCRIPT_ALIGNER"
CLIPS = {  # stem: (lang tag, alphabet, words)
    "a_en": ("en", "arpabet", "maybe my brother"),
    "b_es": ("es", "ipa", "mi madre prepara una paella"),
    "c_cmn": ("cmn", "ipa", "wo3 men5 jin1 tian1 qu4 mai3 mian4 bao1."),
    "d_pt": ("pt-br", "ipa", "Meu pai bebe muito café de manhã."),
}


def _clips(folder, which=CLIPS) -> None:
    """One second of quiet per clip, an M and an open vowel as its phones, its words inside."""
    audio = np.full(SR, 1e-3, np.float32)
    for stem, (lang, alphabet, words) in which.items():
        m, a = ("M", "AA") if alphabet == "arpabet" else ("m", "a")
        phones = [Phone(m, 0.2, 0.3, alphabet), Phone(a, 0.3, 0.5, alphabet)]
        write_alignment(folder, stem, audio, phones, alphabet=alphabet, lang=lang, text=words)


@pytest.fixture
def spy(monkeypatch):
    """pipeline.run replaced: records each request, the script and the aligner variable; the motion's
    transcript report is shaped as the engine's (``language`` only where it warped), or ``said[stem]``."""
    runs, said = [], {}

    def run(request, out, engines=None):
        with open(request.transcript, encoding="utf-8") as f:
            script = f.read()
        runs.append(SimpleNamespace(request=request, script=script, env=os.environ.get(ENV)))
        stem = next(s for s, (_l, _a, words) in CLIPS.items() if words in script)
        report = {"words": 3, "aligned": 3, "lines": 1, "lines_drawn": [1], "lines_refused": []}
        if request.transcript_language != "en" or os.environ.get(ENV) == "warp":
            report["language"] = request.transcript_language
        meta = {"transcript": said.get(stem, report)}
        motion = Motion(
            space="arkit55", values=np.zeros((25, len(ARKIT55)), np.float32), engine="lite", meta=meta
        )
        return SimpleNamespace(motion_a=motion)

    monkeypatch.setattr("dualtalk.inference.pipeline.run", run)
    monkeypatch.setattr(cmd_lipsync, "_engine_for", lambda request: (None, SimpleNamespace(sha256=""), "spy"))
    return SimpleNamespace(runs=runs, said=said)


def test_each_clips_words_run_in_the_clips_own_language(tmp_path, spy, monkeypatch):
    _clips(tmp_path)
    monkeypatch.setenv(ENV, "warp")  # left over from elsewhere: "auto" must not inherit it
    report = cmd_lipsync.evaluate_lipsync(tmp_path, transcripts=True)
    asked = {r.script.split()[1]: r.request.transcript_language for r in spy.runs}
    assert asked == {"maybe": "en", "mi": "es", "wo3": "cmn-latn-pinyin", "Meu": "pt-br"}
    assert all(r.script.startswith("A: ") for r in spy.runs)
    assert [r.env for r in spy.runs] == [None] * 4, "auto: the engine chooses by language"
    assert os.environ[ENV] == "warp", "the caller's setting comes back"
    how = report["transcript_alignment"]
    assert how["aligner"] == "auto"
    assert how["sent_to"] == how["engine_aligners"] == {"pocketsphinx": 1, "warp": 3}
    assert how["languages"] == {"en": "en", "es": "es", "cmn": "cmn-latn-pinyin", "pt-br": "pt-br"}
    assert how["by_lang"]["cmn"] == {"clips": 1, "aligned": 1}
    assert report["transcripts"] == {"clips": 4, "aligned": 4, "not_aligned": []}
    assert set(report["by_lang"]) == {"cmn", "en", "es", "pt-br"}, "the per-language rows still come"
    rows = {row["clip"]: row["transcript"] for row in report["per_clip"]}
    assert rows["c_cmn"] == {
        "language": "cmn-latn-pinyin",
        "aligner": "warp",
        "engine_aligner": "warp",
        "drawn": True,
    }
    assert rows["a_en"]["engine_aligner"] == "pocketsphinx"


def test_the_warp_aligner_is_asked_for_every_clip_english_too_and_the_engines_word_is_reported(
    tmp_path, spy, monkeypatch
):
    _clips(tmp_path, {k: CLIPS[k] for k in ("a_en", "b_es")})
    monkeypatch.delenv(ENV, raising=False)
    spy.said["b_es"] = {"words": 5, "aligned": 0, "error": "2 of 5 words placed, but ...", "aligner": "warp2"}
    report = cmd_lipsync.evaluate_lipsync(tmp_path, transcripts=True, transcript_aligner="warp")
    assert [r.env for r in spy.runs] == ["warp", "warp"]
    assert [r.request.transcript_language for r in spy.runs] == ["en", "es"]
    assert ENV not in os.environ, "set only while the clips run"
    how = report["transcript_alignment"]
    assert how["aligner"] == "warp" and how["sent_to"] == {"warp": 2}
    assert how["engine_aligners"] == {"warp": 1, "warp2": 1}, "an aligner the report names is taken as named"
    assert report["transcripts"] == {"clips": 2, "aligned": 1, "not_aligned": ["b_es"]}
    assert report["source"].endswith("+ transcripts (warp aligner)")


def test_a_language_espeak_ng_lacks_or_warp_without_transcripts_is_one_line_before_any_run(tmp_path, spy):
    _clips(tmp_path, {"x": ("xx-nowhere", "ipa", "words here")})
    with pytest.raises(DualTalkError, match=r"--transcripts: x: .*xx-nowhere"):
        cmd_lipsync.evaluate_lipsync(tmp_path, transcripts=True)
    with pytest.raises(DualTalkError, match="--transcript-aligner warp needs --transcripts"):
        cmd_lipsync.evaluate_lipsync(tmp_path, transcript_aligner="warp")
    with pytest.raises(DualTalkError, match="--transcript-aligner must be one of auto, warp"):
        cmd_lipsync.evaluate_lipsync(tmp_path, transcripts=True, transcript_aligner="pocketsphinx")
    assert spy.runs == []


def test_the_command_line_takes_the_aligner_and_says_which_one_ran(tmp_path, spy, monkeypatch, capsys):
    _clips(tmp_path, {"b_es": CLIPS["b_es"]})
    monkeypatch.delenv(ENV, raising=False)
    parser = argparse.ArgumentParser()
    cmd_lipsync.add_arguments(parser)
    assert parser.parse_args(["--aligned", "x"]).transcript_aligner == "auto"
    args = parser.parse_args(["--aligned", str(tmp_path), "--transcripts", "--transcript-aligner", "warp"])
    assert cmd_lipsync.run(args) == 0
    assert spy.runs[0].env == "warp"
    assert "(sent 1 to warp; the engine's aligner: 1 warp)" in capsys.readouterr().out


def test_a_mandarin_clip_in_han_characters_keeps_its_tag():
    clip = SimpleNamespace(lang="cmn", words="我们今天去买面包")
    assert cmd_lipsync.transcript_language(clip) == "cmn"
    assert cmd_lipsync.transcript_language(SimpleNamespace(lang="und", words="x")) == "en"  # IPA TextGrid
    assert cmd_lipsync.transcript_language(SimpleNamespace(lang="EN_GB", words="x")) == "en"


def test_a_report_that_cannot_tell_its_aligner_says_so():
    assert cmd_lipsync._engine_aligner({}) == ""
    assert cmd_lipsync._engine_aligner({"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}) == ""


def test_quiet_keeps_the_refused_clips_warnings_off_stderr_and_still_counts_them(
    tmp_path, spy, monkeypatch, caplog
):
    """A researcher scoring a folder in a script asks for ``--quiet``, as ``eval`` and ``eval scripts``
    take: the per-clip warnings (a transcript that did not align) stay off stderr; the report holds them."""
    import logging

    _clips(tmp_path, {"b_es": CLIPS["b_es"]})
    spy.said["b_es"] = {"words": 5, "aligned": 0, "lines": 1, "lines_drawn": [], "error": "does not fit"}
    from dualtalk.inference import pipeline

    real = pipeline.run  # the spy

    def warning_run(request, out, engines=None):
        logging.getLogger("dualtalk.transcript").warning("could not align A's transcript")
        return real(request, out, engines)

    monkeypatch.setattr("dualtalk.inference.pipeline.run", warning_run)
    parser = argparse.ArgumentParser()
    cmd_lipsync.add_arguments(parser)
    with caplog.at_level(logging.WARNING):
        assert (
            cmd_lipsync.run(parser.parse_args(["--aligned", str(tmp_path), "--transcripts", "--quiet"])) == 0
        )
    assert not [r for r in caplog.records if r.name.startswith("dualtalk")], caplog.records
    with caplog.at_level(logging.WARNING):
        assert cmd_lipsync.run(parser.parse_args(["--aligned", str(tmp_path), "--transcripts"])) == 0
    assert [r for r in caplog.records if "could not align" in r.getMessage()]
