"""Average the weights of lite models fine-tuned from the same start ("model soup").

``python -m dualtalk.training.lite.soup --out lite_v3.pt lite_v2.pt run_b/lite_step8000.pt``

Two fine-tunes of one network that took different routes (loss, corpus, steps) often
generalise better averaged than either alone; ``lite_v3.pt`` is such a mean (MODEL_CARD.md).
Every input must have the same configuration; the result keeps the first one's and records
its inputs' file names and sha-256 in its ``extra``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ...inference.core.errors import DualTalkError
from ...inference.models.lite.model import load_lite, save_lite


def soup(paths: list[str | Path], out: str | Path, note: str = "") -> Path:
    """The element-wise mean of the lite weights in ``paths``, written to ``out`` (fp16)."""
    if len(paths) < 2:
        raise DualTalkError("a soup needs at least two weights files")
    loaded = [load_lite(p) for p in paths]  # (model, sha256 of the file)
    models = [m for m, _ in loaded]
    first = models[0]
    for p, m in zip(paths[1:], models[1:], strict=True):
        if m.cfg != first.cfg:
            raise DualTalkError(f"{p}: a different network than {paths[0]}; only the same network averages")
    states = [m.state_dict() for m in models]
    first.load_state_dict({k: sum(s[k].float() for s in states) / len(states) for k in states[0]})
    inputs = [{"file": Path(p).name, "sha256": sha} for p, (_, sha) in zip(paths, loaded, strict=True)]
    extra = {"soup": inputs, **({"note": note} if note else {})}
    return save_lite(first.eval(), out, extra=extra)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.lite.soup", description=__doc__.splitlines()[0]
    )
    ap.add_argument("weights", nargs="+", help="two or more lite weights files of the same network")
    ap.add_argument("--out", required=True, help="the averaged weights file")
    ap.add_argument("--note", default="", help="a line stored with the weights (what they are)")
    args = ap.parse_args(argv)
    path = soup(args.weights, args.out, args.note)
    print(f"wrote {path} (mean of {len(args.weights)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
