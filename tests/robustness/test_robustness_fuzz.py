"""Whatever map or job file a user is handed, the parsers answer with valid data or one
line -- and no accepted job file can write outside its folder. (Audio and turns parsers
are fuzzed in test_audio_fuzz.py; ``python -m dualtalk fuzz`` runs all of them longer.)"""

from __future__ import annotations

import pytest
from dualtalk.bench import fuzz_files
from dualtalk.inference.core.errors import DualTalkError
from hypothesis import HealthCheck, given, settings

TARGETS = fuzz_files.strategies()
FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
FILES = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@FAST
@given(TARGETS["mapping_data"][1])
def test_map_parser_never_crashes_and_accepts_only_sane_maps(kw):
    fuzz_files.mapping_data(**kw)


@FILES
@given(TARGETS["mapping_text"][1])
def test_map_files_of_any_text_are_read_or_refused_in_one_line(kw):
    fuzz_files.mapping_text(**kw)


@FAST
@given(TARGETS["jobs_data"][1])
def test_job_parser_never_lets_a_shot_write_outside_its_folder(kw):
    fuzz_files.jobs_data(**kw)


@FILES
@given(TARGETS["jobs_text"][1])
def test_job_files_of_any_text_are_read_or_refused_in_one_line(kw):
    fuzz_files.jobs_text(**kw)


def test_the_file_targets_can_fail(monkeypatch):
    """A parser that let '..' through, or crashed on odd JSON, is caught (not taken for a refusal)."""
    from dualtalk.dualtalk_blender.commands import jobs

    monkeypatch.setattr(jobs, "_relative_ok", lambda value, where, allow_absolute: jobs.Path(value))
    monkeypatch.setattr(jobs.outputs, "check_write_plan", lambda *a, **k: None)  # the real-path layer too
    monkeypatch.setattr(fuzz_files, "parse_jobs", jobs.parse_jobs)
    with pytest.raises(AssertionError, match=r"escapes the job folder|\.\./\.\./x\.blend"):
        fuzz_files.jobs_data(
            {
                "shots": [
                    {
                        "blend": "in.blend",
                        "char_a": "A",
                        "char_b": "B",
                        "audio": "a.wav",
                        "out": "../../x.blend",
                    }
                ]
            }
        )

    def broken(data):
        return data["map"]["jawOpen"]  # a TypeError/KeyError on odd input

    monkeypatch.setattr(fuzz_files, "parse_mapping", broken)
    with pytest.raises((TypeError, KeyError)):
        fuzz_files.mapping_data([])
    two_lines = DualTalkError("x")
    two_lines.args = ("first line\nsecond line",)  # DualTalkError itself folds lines; a subclass might not

    def refuses_in_two_lines(data):
        raise two_lines

    monkeypatch.setattr(fuzz_files, "parse_mapping", refuses_in_two_lines)
    with pytest.raises(AssertionError, match="one non-empty line"):
        fuzz_files.mapping_data({})


def test_the_fuzz_command_reports_a_failing_input():
    from dualtalk.bench.cmd_fuzz import fuzz_target
    from hypothesis import strategies as st

    def below_fifty(n):
        assert n < 50, n

    count, _seconds, failure = fuzz_target(
        below_fifty, st.fixed_dictionaries({"n": st.integers(0, 100)}), 5.0, 1, 100
    )
    assert count > 0 and failure is not None and "AssertionError" in failure
