"""A user with a script in another language: ``infer --transcript scene.txt --transcript-language es``
hands the language to the aligner's check and to the drawing of the lips; a tag that cannot be a
language is refused in one line before anything runs, and one espeak-ng does not speak before the
engine loads."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.phonetic import transcript
from robustness_util import assert_refused, run_cli, snapshot


@pytest.fixture
def scene(tmp_path):
    """A 2 s two-voice recording and its (Spanish) script."""
    script = tmp_path / "escena.txt"
    script.write_text("A: Hola, ¿qué tal?\nB: Muy bien.\n", encoding="utf-8")
    return ah.write_dialogue_wav(tmp_path / "talk.wav"), script


@pytest.fixture
def aligner(monkeypatch):
    """Spies on the aligner's check and on the drawing of the lips: the languages each was asked for
    (the lips are left as the engine made them, and nothing was aligned)."""
    seen: dict[str, list[str]] = {"check": [], "draw": []}

    def check_available(language="en", language_flag=""):
        seen["check"].append(language)

    def apply_transcript(lines, names, stream_a, stream_b, motion_a, motion_b, where="transcript",
                         offset=0.0, language="en", whole_active=None, keep_closures=False,
                         engine_spans=None, progress=None, characters=None, language_b=None):  # fmt: skip
        seen["draw"].append(language if language_b in (None, language) else f"{language}+{language_b}")
        nothing = {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}
        return motion_a, motion_b, {"a": nothing, "b": dict(nothing)}

    monkeypatch.setattr(transcript, "check_available", check_available)
    monkeypatch.setattr(transcript, "apply_transcript", apply_transcript)
    return seen


def _infer(scene, out, *extra: str) -> list[str]:
    wav, script = scene
    return ["infer", "--quiet", "--audio", str(wav), "--transcript", str(script), "--engine", "lite",
            "--rounds", "1", "--out", str(out), *extra]  # fmt: skip


def test_the_language_flag_reaches_the_aligner_check_and_the_lips(scene, aligner, tmp_path, capsys):
    code, err, _out = run_cli(capsys, _infer(scene, tmp_path / "take", "--transcript-language", "es"))
    assert code == 0, err
    assert aligner == {"check": ["es"], "draw": ["es"]}
    assert (tmp_path / "take" / "A.npz").is_file()


def test_a_script_without_the_flag_is_english(scene, aligner, tmp_path, capsys):
    code, err, _out = run_cli(capsys, _infer(scene, tmp_path / "take"))
    assert code == 0, err
    assert aligner == {"check": ["en"], "draw": ["en"]}


def test_b_s_own_language_reaches_the_aligner_check_and_b_s_lips(scene, aligner, tmp_path, capsys):
    """A speaks Spanish, B English (review rv38a F2): each language's aligner is checked, and the
    lips are drawn with B's own."""
    extra = ("--transcript-language", "es", "--transcript-language-b", "en")
    code, err, _out = run_cli(capsys, _infer(scene, tmp_path / "take", *extra))
    assert code == 0, err
    assert aligner == {"check": ["es", "en"], "draw": ["es+en"]}


def test_b_s_language_left_alone_is_a_s(scene, aligner, tmp_path, capsys):
    extra = ("--transcript-language", "es", "--transcript-language-b", "same")
    code, err, _out = run_cli(capsys, _infer(scene, tmp_path / "take", *extra))
    assert code == 0, err
    assert aligner == {"check": ["es"], "draw": ["es"]}


@pytest.mark.parametrize("tag", ["", "es fr", "--", "../es", "x" * 40, "español por favor"])
def test_a_tag_that_cannot_be_a_language_is_refused_in_one_line(scene, aligner, tmp_path, capsys, tag):
    out = tmp_path / "take"
    code, err, stdout = run_cli(capsys, _infer(scene, out, f"--transcript-language={tag}"))
    line = assert_refused(code, err, "--transcript-language must be a language tag")
    assert "letters, digits" in line and stdout == ""
    assert aligner == {"check": [], "draw": []} and snapshot(out) == {}


@pytest.mark.parametrize(
    ("typed", "tag"),
    [("español", "es"), ("Spanish", "es"), ("ESPAÑOL", "es"), ("espanol", "es"), ("Français", "fr"),
     ("francais", "fr"), ("deutsch", "de"), ("italiano", "it"), ("português", "pt"),
     ("Portuguese (Brazil)", "pt-br"), ("日本語", "ja"), ("中文", "cmn"), ("french", "fr")],
)  # fmt: skip
def test_a_language_typed_by_its_name_reaches_the_aligner_as_its_tag(scene, aligner, tmp_path, capsys,
                                                                       typed, tag):  # fmt: skip
    """Before, ``español`` was "must be a language tag of letters, digits, - and _" and ``Spanish``
    reached espeak-ng, which speaks no such language."""
    code, err, _out = run_cli(capsys, _infer(scene, tmp_path / "take", "--transcript-language", typed))
    assert code == 0, err
    assert aligner == {"check": [tag], "draw": [tag]}


def test_b_s_language_typed_by_its_name_is_b_s_tag(scene, aligner, tmp_path, capsys):
    extra = ("--transcript-language", "Español", "--transcript-language-b", "English")
    code, err, _out = run_cli(capsys, _infer(scene, tmp_path / "take", *extra))
    assert code == 0, err
    assert aligner == {"check": ["es", "en"], "draw": ["es+en"]}
    code, err, _out = run_cli(capsys, _infer(scene, tmp_path / "take2", *extra[:2], "--transcript-language-b",
                                             "Same as A"))  # fmt: skip
    assert code == 0, err
    assert aligner["draw"][-1] == "es"


def test_a_name_that_is_no_language_is_one_line_with_names_to_type(scene, aligner, tmp_path, capsys):
    code, err, stdout = run_cli(capsys, _infer(scene, tmp_path / "take", "--transcript-language", "日本人"))
    line = assert_refused(code, err, "--transcript-language must be a language tag")
    assert "(en, es, pt-br, cmn-latn-pinyin) or a language's name (Spanish, español, 日本語)" in line
    assert aligner == {"check": [], "draw": []} and stdout == ""


def test_a_language_espeak_ng_does_not_speak_is_refused_before_the_engine_loads(scene, tmp_path, capsys,
                                                                             monkeypatch):  # fmt: skip
    """The real check (the lead's ``check_available(language=...)``): espeak-ng's voice list."""

    def loaded(self, request, progress=None):
        raise AssertionError("the engine was loaded before the refusal")

    monkeypatch.setattr(pipeline.Engines, "get", loaded)
    out = tmp_path / "take"
    code, err, _stdout = run_cli(capsys, _infer(scene, out, "--transcript-language", "klingon"))
    line = assert_refused(code, err, "--transcript-language 'klingon': espeak-ng speaks no such language")
    assert snapshot(out) == {}
    # B's own language: B's flag is named (before: "transcript language 'klingon'", naming neither)
    extra = ("--transcript-language", "es", "--transcript-language-b", "klingon")
    code, err, _stdout = run_cli(capsys, _infer(scene, out, *extra))
    assert_refused(code, err, "--transcript-language-b 'klingon': espeak-ng speaks no such language")
    assert snapshot(out) == {}
    # a misspelt name: the name it was likely meant to be
    code, err, _stdout = run_cli(capsys, _infer(scene, out, "--transcript-language", "Spansih"))
    line = assert_refused(code, err, "espeak-ng speaks no such language (did you mean 'Spanish'? try en, es")
    assert "a language's name also works: Spanish, español, 日本語" in line and snapshot(out) == {}
