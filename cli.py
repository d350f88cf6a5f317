"""``python -m dualtalk``: one entry point, one subcommand per module.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; modules are imported only when their subcommand runs, so
``--help`` and light commands never pay for torch or bpy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# name -> (module relative to this package, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "infer": (".inference.cmd_infer", "animate two characters' motion files from dialogue audio"),
    "animate": (
        ".dualtalk_blender.commands.animate",
        "animate characters in a .blend (headless), export FBX, render",
    ),
    "demo": (
        ".dualtalk_blender.demo.cmd_demo",
        "build two characters, make a dialogue, animate, export, preview",
    ),
    "train": (".training.cmd_train", "train a DualTalk or lite model on DualTalk-format folders"),
    "eval": (
        ".inference.cmd_eval",
        "score predicted motion against ground truth (FD, P-FD, MSE, SID, rPCC); "
        "`eval lipsync`: lips against true phone timings",
    ),
    "synth": (".training.lite.cmd_synth", "generate the synthetic two-voice training corpus"),
    "download": (".inference.cmd_download", "download the published DualTalk checkpoint"),
    "bench": (".bench.cmd_bench", "measure speed and memory (engine, lite, keying, fbx, e2e, scaling)"),
    "fuzz": (".bench.cmd_fuzz", "long property-based fuzz run of every parser"),
    "worker": (".inference.worker", "background worker for the Blender add-on (JSON-lines protocol)"),
}
# (command, first word) -> a sub-mode with its own module, e.g. `eval lipsync`
SUBMODES: dict[tuple[str, str], tuple[str, str]] = {
    ("eval", "lipsync"): (
        ".training.evaluation.cmd_lipsync",
        "score lip sync per phone class against true phone timings, beside a loudness lip-flap",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dualtalk",
        description="DualTalk for Blender: dual-speaker talking heads from one conversation.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in SUBCOMMANDS.items():
        subs.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .inference.core.errors import DualTalkError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or bool(os.environ.get("DUALTALK_DEBUG"))
    top = build_parser()
    # Split off the subcommand so each module owns its own parser.
    known, rest = top.parse_known_args(argv)
    if known.command is None:
        top.print_help()
        return 0 if not argv or argv in (["-h"], ["--help"]) else 2
    module_name, help_text = SUBCOMMANDS[known.command]
    rest = [a for a in rest if a != "--debug"]
    prog = f"python -m dualtalk {known.command}"
    if rest and (known.command, rest[0]) in SUBMODES:
        module_name, help_text = SUBMODES[(known.command, rest[0])]
        prog, rest = f"{prog} {rest[0]}", rest[1:]
    try:
        module = importlib.import_module(module_name, __package__)
        sub = argparse.ArgumentParser(prog=prog, description=help_text)
        module.add_arguments(sub)
        args = sub.parse_args(rest)
        return int(module.run(args) or 0)
    except DualTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print(
            "error: out of memory; try a shorter --start/--end range or a smaller --window", file=sys.stderr
        )
        return 1
    except Exception as exc:  # a bug: keep the trace available, but say it in one line first
        if debug:
            raise
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for details",
            file=sys.stderr,
        )
        return 1
