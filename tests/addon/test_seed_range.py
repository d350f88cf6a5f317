"""The panel's *Seed* covers the documented range 0 to 2^32-1, as the command line and shot files do.

Blender's int properties are signed 32-bit, so the panel holds the seed as the signed 32-bit view of
the same number (``panel_options.unsigned32``): 0 to 2^31-1 as they are (seeds saved in older .blend
files read the same), 2^31 to 2^32-1 as the number minus 2^32. Read back, the worker's job asks for
exactly the seed the command line was given, so a performance made with ``--behaviour-seed 3000000000``
can be made again in the panel."""

from __future__ import annotations

import argparse

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon import panel_options, panel_settings
from dualtalk.inference.core.request import BY_NAME, MAX_SEED, Request, add_arguments

SEED = BY_NAME["behaviour_seed"]
EDGES = [0, 1, 12, 2**31 - 1, 2**31, 3_000_000_000, MAX_SEED]


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def cli_request(*argv: str) -> Request:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return Request.from_args(parser.parse_args(argv))


def test_the_seed_is_held_as_a_signed_view_of_the_whole_unsigned_range(scene):
    prop = scene.dualtalk.bl_rna.properties["behaviour_seed"]
    assert MAX_SEED == 2**32 - 1 and panel_options.unsigned32(SEED)
    assert (prop.hard_min, prop.hard_max) == (-(2**31), 2**31 - 1)  # every one of 2^32 seeds, once
    assert prop.soft_min == 0 and prop.default == 0  # dragging stays on the plain numbers
    assert "4294967296" in prop.description and "-1294967296" in prop.description  # how to type a big one


@pytest.mark.parametrize("seed", EDGES)
def test_a_command_line_seed_gives_the_same_job_from_the_panel(scene, tmp_path, seed):
    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio = a, b, str(ah.write_dialogue_wav(tmp_path / "talk.wav"))
    s.behaviour_seed = panel_options.panel_value(SEED, seed)
    assert panel_options.read(s, SEED) == seed
    job = panel_settings.build_job(s, tmp_path)
    assert job["behaviour"]["behaviour_seed"] == seed
    from_panel = Request.from_job(job, tmp_path)
    from_cli = cli_request("--audio", str(tmp_path / "talk.wav"), "--behaviour-seed", str(seed))
    assert from_panel.behaviour() == from_cli.behaviour()  # the same performance


def test_seeds_typed_as_is_read_as_before(scene):
    """0 to 2^31-1 are held as they are: seeds saved by the earlier panel keep their performance."""
    s = scene.dualtalk
    for seed in (0, 7, 2**31 - 1):
        s.behaviour_seed = seed
        assert panel_options.read(s, SEED) == seed
    s.behaviour_seed = -1294967296  # what the tooltip says to type for 3000000000
    assert panel_options.read(s, SEED) == 3_000_000_000


def test_a_seed_outside_the_range_is_refused_by_the_mapping():
    for bad in (-1, MAX_SEED + 1):
        with pytest.raises(ValueError, match="behaviour_seed must be from 0 to 4294967295"):
            panel_options.panel_value(SEED, bad)


def test_a_big_seed_is_shown_as_the_number_the_command_line_takes(scene):
    """3000000000 is held as -1294967296; the Behaviour panel says which seed that is."""
    from types import SimpleNamespace

    from dualtalk.panels.main_panel import DUALTALK_PT_behaviour

    class Layout:
        def __init__(self, log):
            self.log, self.enabled = log, True

        def row(self, **_k):
            return self

        column = row

        def prop(self, *_a, **_k):
            pass

        def label(self, text="", **_k):
            self.log.append(text)

    def labels(seed: int) -> list[str]:
        scene.dualtalk.behaviour_seed = panel_options.panel_value(SEED, seed)
        log: list[str] = []
        DUALTALK_PT_behaviour.draw(SimpleNamespace(layout=Layout(log)), SimpleNamespace(scene=scene))
        return log

    assert any("3000000000" in t for t in labels(3_000_000_000))
    assert any(str(MAX_SEED) in t for t in labels(MAX_SEED))
    assert not any("Seed" in t for t in labels(7))  # the field itself says it
