"""A researcher averages fine-tunes and lets measurement pick which ones join (greedy soup)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from cli_in_process import run_main
from dualtalk.inference.models.lite.model import LiteConfig, LiteDualTalk, load_lite, save_lite
from dualtalk.training.evaluation.lipsync import write_alignment
from dualtalk.training.lite import soup
from dualtalk.training.lite.soup import (
    Verdict,
    greedy_soup,
    passes_floor,
    selection_score,
)

TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)


def flat(model: LiteDualTalk) -> torch.Tensor:
    return torch.cat([v.float().flatten() for v in model.state_dict().values()])


def weights_at(path: Path, vector: torch.Tensor) -> Path:
    """A tiny lite model whose parameters, flattened, are ``vector``."""
    model = LiteDualTalk(TINY).eval()
    state, i = {}, 0
    for k, v in model.state_dict().items():
        state[k] = vector[i : i + v.numel()].reshape(v.shape).to(v.dtype)
        i += v.numel()
    model.load_state_dict(state)
    return save_lite(model, path)


def write_clip(folder: Path) -> None:
    """One second of noise read as 'mama papa' (bilabials between open vowels)."""
    from types import SimpleNamespace as Phone

    symbols = ["M", "AA", "M", "AA", "P", "AA", "P", "AA"]
    phones = [Phone(symbol=s, start=0.1 + 0.1 * i, end=0.2 + 0.1 * i) for i, s in enumerate(symbols)]
    audio = np.random.default_rng(1).standard_normal(16000).astype(np.float32) * 0.1
    write_alignment(folder, "one", audio, phones, text="mama papa")


def test_the_selection_score_rewards_contrast_and_punishes_shut_vowels():
    row = {"fv_auc": 0.9, "round_auc": 0.8, "open_vs_mbp_auc": 0.95, "open_closed_rate": 0.2}
    assert selection_score(row) == pytest.approx(0.9 + 0.8 + 0.95 - 0.2)
    assert selection_score({**row, "fv_auc": None}) == pytest.approx(0.8 + 0.95 - 0.2)
    assert passes_floor({"closure_rate": 0.96, "offset_ok": True}, 0.95)
    assert not passes_floor({"closure_rate": 0.94, "offset_ok": True}, 0.95)
    assert not passes_floor({"closure_rate": 1.0, "offset_ok": False}, 0.95)
    assert not passes_floor({"closure_rate": None, "offset_ok": True}, 0.0)


def test_a_greedy_soup_keeps_only_files_that_make_the_mean_better_and_pass_the_floor(tmp_path):
    torch.manual_seed(3)
    n = flat(LiteDualTalk(TINY)).numel()
    target, e1, e2 = (torch.randn(n) * 0.1 for _ in range(3))
    a = weights_at(tmp_path / "a.pt", target + e1)
    flagged = weights_at(tmp_path / "flagged.pt", target - e1)  # would help, but fails the floor
    b = weights_at(tmp_path / "b.pt", target - e1)  # helps
    c = weights_at(tmp_path / "c.pt", target + 5 * e2)  # pulls the mean away

    def judge(path: Path) -> Verdict:
        ingredients = torch.load(path, weights_only=False).get("extra", {}).get("soup", [])
        ok = all(i["file"] != "flagged.pt" for i in ingredients) and path.name != "flagged.pt"
        return Verdict(ok, -float((flat(load_lite(path)[0]) - target).norm()), "")

    lines: list[str] = []
    kept, best = greedy_soup([a], [flagged, b, c], judge, tmp_path / "pick.pt", log=lines.append, note="t")
    assert kept == [a, b]
    assert best.passes and best.score > -1e-2  # the mean of a and b is the target (fp16 rounding aside)
    got = flat(load_lite(tmp_path / "pick.pt")[0])
    assert torch.allclose(got, target, atol=5e-3)
    extra = torch.load(tmp_path / "pick.pt", weights_only=False)["extra"]
    assert [i["file"] for i in extra["soup"]] == ["a.pt", "b.pt"] and extra["note"] == "t"
    verbs = [line.split()[0] for line in lines]
    assert verbs == ["alone", "alone", "alone", "start", "drop", "take", "drop", "kept"]
    assert lines[4].startswith(f"drop {flagged}") and lines[6].startswith(f"drop {c}")


def test_with_nothing_worth_adding_the_start_is_written_unchanged(tmp_path):
    torch.manual_seed(4)
    n = flat(LiteDualTalk(TINY)).numel()
    target = torch.randn(n) * 0.1
    a = weights_at(tmp_path / "a.pt", target)
    far = weights_at(tmp_path / "far.pt", target + 1.0)

    def judge(path: Path) -> Verdict:
        return Verdict(True, -float((flat(load_lite(path)[0]) - target).norm()))

    kept, _ = greedy_soup([a], [far], judge, tmp_path / "pick.pt", log=lambda _line: None)
    assert kept == [a]
    assert (tmp_path / "pick.pt").read_bytes() == a.read_bytes()


def run_soup(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dualtalk.training.lite.soup", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_judges_real_weights_with_eval_lipsync(tmp_path):
    aligned = tmp_path / "aligned"
    aligned.mkdir()
    write_clip(aligned)
    torch.manual_seed(5)
    a = save_lite(LiteDualTalk(TINY).eval(), tmp_path / "a.pt")
    b = save_lite(LiteDualTalk(TINY).eval(), tmp_path / "b.pt")
    out = run_soup(
        "--greedy", "--aligned", aligned, "--min-closure", "0", "--start", a, "--out", tmp_path / "p.pt", b
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith(f"alone {b}: ") and "aligned: closure" in lines[0]
    assert lines[-1].startswith("kept ")
    picked = load_lite(tmp_path / "p.pt")[0].state_dict()
    assert all(np.isfinite(v.float().numpy()).all() for v in picked.values())


@pytest.mark.parametrize(
    "extra, message",
    [
        ([], "error: --greedy needs --aligned folders to judge on"),
        (
            ["--aligned", "A", "B", "--min-closure", "0.9", "0.9", "0.9"],
            "one rate or one per --aligned folder (2)",
        ),
        (["--aligned", "A", "--min-closure", "95"], "shares between 0 and 1"),
        (["--aligned", "nowhere"], "aligned folder not found: nowhere"),
    ],
)
def test_bad_greedy_arguments_are_one_error_line_and_exit_2(tmp_path, extra, message):
    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    a = save_lite(LiteDualTalk(TINY).eval(), tmp_path / "a.pt")
    args = ["--greedy", "--start", a, "--out", tmp_path / "p.pt", a, *extra]
    # soup's main() in this process (cli_in_process); the command line itself is run above
    out = run_main(soup.main, *args, cwd=tmp_path)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and message in out.stderr
    assert not (tmp_path / "p.pt").exists()


def test_a_soup_never_overwrites_its_inputs_and_a_foreign_network_is_refused_before_scoring(tmp_path):
    from dataclasses import replace

    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.training.lite.soup import soup

    torch.manual_seed(6)
    a = save_lite(LiteDualTalk(TINY).eval(), tmp_path / "a.pt")
    b = save_lite(LiteDualTalk(TINY).eval(), tmp_path / "b.pt")
    before = a.read_bytes()
    with pytest.raises(DualTalkError, match="is one of the input weights"):
        soup([a, b], a)
    with pytest.raises(DualTalkError, match="is one of the input weights"):
        greedy_soup([a], [b], lambda p: Verdict(True, 0.0), tmp_path / "b.pt", log=lambda _line: None)
    assert a.read_bytes() == before
    wide = save_lite(LiteDualTalk(replace(TINY, dim=64)).eval(), tmp_path / "wide.pt")
    judged: list[Path] = []

    def judge(path: Path) -> Verdict:
        judged.append(path)
        return Verdict(True, 0.0)

    with pytest.raises(DualTalkError, match="different network"):
        greedy_soup([a], [b, wide], judge, tmp_path / "p.pt", log=lambda _line: None)
    assert judged == [] and not (tmp_path / "p.pt").exists()


def test_a_soup_keeps_weights_already_at_out_unless_told_to_replace_them(tmp_path, capsys):
    """A researcher's last good mean at --out is not written over by a second soup without --replace."""
    from dualtalk.training.lite.soup import main

    torch.manual_seed(5)
    n = flat(LiteDualTalk(TINY)).numel()
    a, b = weights_at(tmp_path / "a.pt", torch.zeros(n)), weights_at(tmp_path / "b.pt", torch.ones(n))
    out = weights_at(tmp_path / "mine.pt", torch.full((n,), 7.0))
    before = out.read_bytes()
    assert main([str(a), str(b), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: --out {out} already exists; give --replace to write over it, or another --out"
    )
    assert out.read_bytes() == before
    assert main([str(a), str(b), "--out", str(out), "--replace"]) == 0
    assert flat(load_lite(out)[0]).float().mean().item() == pytest.approx(0.5, abs=1e-3)
    assert main([str(a), str(b), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"error: --out {tmp_path} is a folder; give a file name"
