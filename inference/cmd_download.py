"""``python -m dualtalk download``: fetch the published DualTalk checkpoint.

Resumable (rerun after an interruption), verified by sha256, renamed into place only
when complete. Default destination: ``~/.cache/dualtalk/DualTalk.pth`` (or
``$DUALTALK_HOME``); pass the result to ``infer --checkpoint``.
"""

from __future__ import annotations

import argparse

from .core.errors import DualTalkError
from .core.fileio import sha256_file
from .core.progress import ConsoleBar
from .core.request import cli_path
from .download import DEFAULT_URL, default_model_dir, download


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=DEFAULT_URL, help=f"where to download from (default: {DEFAULT_URL})")
    parser.add_argument(
        "--out",
        metavar="PATH",
        type=cli_path,  # ~ expanded, $HOME and a Blender-style // refused as every command's paths
        help=f"destination folder or file (default: {_default_destination()})",
    )
    parser.add_argument(
        "--sha256", metavar="HEX", help="expected sha256 (default: the digest the server reports)"
    )
    parser.add_argument(
        "--force", action="store_true", help="download again even if the file is already there"
    )
    parser.add_argument(
        "--retries", type=int, default=3, help="reconnect this many times after a dropped connection"
    )


def _default_destination() -> str:
    """Where a download goes without --out, as the help says it (the help must answer anywhere)."""
    try:
        return f"{default_model_dir()}/DualTalk.pth"
    except DualTalkError:  # no home folder (a container's user id without HOME)
        return (
            "$DUALTALK_HOME/DualTalk.pth, else ~/.cache/dualtalk/DualTalk.pth; this user has no home "
            "folder, so set DUALTALK_HOME or give --out"
        )


def run(args: argparse.Namespace) -> int:
    path = download(
        args.url,
        args.out,
        sha256=args.sha256,
        progress=ConsoleBar(),
        retries=max(args.retries, 0),
        force=args.force,
    )
    print(path)
    print(f"sha256 {sha256_file(path)}")
    return 0
