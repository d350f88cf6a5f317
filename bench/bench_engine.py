"""``bench engine``: the published-size engine, both characters, dialogue mode.

For each audio length: median seconds, real-time factor, the peak resident memory of
the run and the share of time in the audio encoders vs the refinement rounds. On CUDA
also fp32 vs bf16 and peak GPU memory. Then our wav2vec2 against transformers' on the
same input and weights (ratio measured side by side in this run, plus the largest
difference of their outputs at full size).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

from .engine_setup import SR, PeakRSS, add_network_arguments, parse_list, random_engine, synthetic_dialogue
from .harness import BenchResult, length, timeit

LENGTHS, PRECISIONS = "30,120,600", "fp32,bf16"
# --quick: the one-minute check (30 s of dialogue, fp32, one timed run, no warm-up); what is given
# on the command line is kept
QUICK_LENGTHS, QUICK_PRECISIONS = "30", "fp32"
QUICK_RUNS = {"repeats": 1, "warmup": 0}  # read by cmd_bench
# What the full network costs on a CPU, for the duration said before the work (README, 2-core box,
# torch's 2 threads, 2026-11): wall seconds per second of dialogue, both characters; the wav2vec2
# comparison's encoder per second of audio (96 % of a 30 s fp32 dialogue's 23 s is its four encoder
# passes). One thread takes about twice as long (2026-12-07: 30 s fp32 took 52.9 CPU-s)
CPU_RTF = {"fp32": 0.8, "bf16": 0.41}
CPU_ENCODER_RTF = 0.18
REFERENCE_THREADS = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lengths",
        help=f"seconds of dialogue, comma-separated (default {LENGTHS}: about 1.5 hours on a 2-core CPU; "
        f"--quick: {QUICK_LENGTHS})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"the one-minute check on a CPU: --lengths {QUICK_LENGTHS} --precisions {QUICK_PRECISIONS} "
        f"--repeats {QUICK_RUNS['repeats']} --warmup {QUICK_RUNS['warmup']}, unless given",
    )
    add_network_arguments(parser, tiny_help="toy-size network: checks the bench runs, not a result")
    parser.add_argument(
        "--precisions",
        help=f"fp32 and/or bf16, bf16 where supported (default {PRECISIONS}; --quick: {QUICK_PRECISIONS})",
    )
    parser.add_argument(
        "--compare-seconds", type=length, default=10.0, help="audio length for the wav2vec2 comparison"
    )
    parser.add_argument("--no-compare", action="store_true", help="skip the transformers comparison")


def planned(args: argparse.Namespace) -> tuple[list[float], list[str]]:
    """The lengths and precisions asked for (``--quick``'s where not given), checked before any work."""
    from ..inference.core.errors import DualTalkError

    quick = bool(getattr(args, "quick", False))
    lengths = parse_list(args.lengths or (QUICK_LENGTHS if quick else LENGTHS), "--lengths")
    asked = [p.strip() for p in (args.precisions or (QUICK_PRECISIONS if quick else PRECISIONS)).split(",")]
    if not asked or any(p not in CPU_RTF for p in asked):
        raise DualTalkError(f"--precisions takes fp32 and/or bf16, got {args.precisions!r}")
    return lengths, asked


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def expected_duration(
    args: argparse.Namespace,
    lengths: list[float],
    precisions: list[str],
    device: str,
    build_s: float,
    threads: int = REFERENCE_THREADS,
) -> str:
    """One line said before the work: how much dialogue these settings run through the network and,
    for the full network on a CPU, about how long that takes (:data:`CPU_RTF`; the defaults run the
    24-layer network over 4,500 s of dialogue per precision), with the quick form when it is long."""
    runs = args.warmup + args.repeats
    dialogue = sum(lengths) * runs
    work = (
        f"bench engine: {len(lengths)} length(s), {sum(lengths):g} s of dialogue x {len(precisions)} "
        f"precision(s) ({', '.join(precisions)}) x {runs} run(s) ({args.warmup} warm-up + {args.repeats} timed)"
    )
    if args.tiny or not device.startswith("cpu"):
        where = "the toy network" if args.tiny else device
        return f"{work}; on {where} no reference time to estimate from"
    compare = 0 if args.no_compare else (3 * args.repeats + 4) * args.compare_seconds
    # the encoders' layers are nearly all of the time; fewer threads than the reference's, slower
    scale = args.layers / 24 * REFERENCE_THREADS / max(1, min(threads, REFERENCE_THREADS))
    estimate = scale * (sum(dialogue * CPU_RTF[p] for p in precisions) + compare * CPU_ENCODER_RTF)
    line = (
        f"{work}: about {_duration(estimate + build_s)} on an idle 2-core CPU with {threads} torch thread(s) "
        "(the README's rates)"
    )
    if estimate > 120 and not getattr(args, "quick", False):
        line += "; the one-minute check: bench engine --quick"
    return line


def _sync(engine: Any) -> None:
    import torch

    if engine.device.type == "cuda":
        torch.cuda.synchronize(engine.device)


def run(args: argparse.Namespace) -> BenchResult:
    import torch

    from ..inference.core.request import DEFAULT_ROUNDS
    from ..inference.generate import generate_dialogue

    lengths, asked = planned(args)
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    engine = random_engine(layers=args.layers, tiny=args.tiny, device=args.device)
    build_s = time.perf_counter() - t0
    cuda = engine.device.type == "cuda"
    from ..inference.engine import cpu_bf16_supported

    bf16_ok = torch.cuda.is_bf16_supported() if cuda else cpu_bf16_supported()
    precisions = [p for p in asked if p == "fp32" or (p == "bf16" and bf16_ok)]
    rounds = args.rounds or DEFAULT_ROUNDS
    said = expected_duration(args, lengths, precisions, str(engine.device), build_s, torch.get_num_threads())
    print(said, file=sys.stderr, flush=True)
    result = BenchResult(
        name="engine",
        columns=[
            "audio s",
            "precision",
            "seconds",
            "CPU s",
            "RTF",
            "encoders %",
            "rounds %",
            "s/round",
            "peak RSS MB",
            "GPU MB",
        ],
    )
    runs = []
    for seconds in lengths:
        dialogue = synthetic_dialogue(seconds)
        for precision in precisions:
            engine.precision = precision
            last: dict[str, Any] = {}

            cpu: list[float] = []

            def once(dialogue=dialogue, last=last, cpu=cpu) -> None:
                c0 = time.process_time()
                a, _ = generate_dialogue(dialogue, engine, rounds=rounds, window_s=args.window)
                cpu.append(time.process_time() - c0)
                last.update(a.meta)

            if cuda:
                torch.cuda.reset_peak_memory_stats(engine.device)
            with PeakRSS() as mem:
                stats = timeit(once, repeats=args.repeats, warmup=args.warmup, sync=lambda: _sync(engine))
            gpu_mb = torch.cuda.max_memory_allocated(engine.device) / 2**20 if cuda else None
            tm = last["timings"]
            total = tm["encode_s"] + tm["decode_s"]
            row = {
                "audio_s": seconds,
                "precision": precision,
                "seconds": stats["median"],
                "min_s": stats["min"],
                "cpu_s": statistics.median(cpu[args.warmup :] or cpu),
                "rtf": stats["median"] / seconds,
                "encoders_share": tm["encode_s"] / total,
                "rounds_share": tm["decode_s"] / total,
                "per_round_s": tm["decode_per_round_s"],
                "peak_rss_mb": mem.peak_mb,
                "gpu_mb": gpu_mb,
                "windows": last["windows"],
                "runs": stats["runs"],
            }
            runs.append(row)
            result.rows.append(
                [
                    seconds,
                    precision,
                    row["seconds"],
                    row["cpu_s"],
                    row["rtf"],
                    round(100 * row["encoders_share"], 1),
                    round(100 * row["rounds_share"], 1),
                    row["per_round_s"],
                    round(mem.peak_mb),
                    "-" if gpu_mb is None else round(gpu_mb),
                ]
            )
    engine.precision = "fp32"
    compare = None if args.no_compare else _compare_wav2vec2(engine, args)
    size = "tiny" if args.tiny else f"{engine.model.config.encoder.num_layers}-layer"
    result.notes.append(
        f"{size} random DualTalk network on {engine.device}, {rounds} rounds, median of {args.repeats} after "
        f"{args.warmup} warm-up; network built in {build_s:.1f} s; torch threads {torch.get_num_threads()}"
    )
    if compare:
        result.notes.append(
            f"wav2vec2 on {compare['audio_s']:g} s, one encoder: ours {compare['ours_s']:.3f} s vs transformers "
            f"{compare['transformers_s']:.3f} s (transformers/ours = {compare['ratio']:.2f}x, same 50 fps work; "
            f"max |diff| {compare['max_abs_diff']:.2e}); ours at DualTalk's 25 fps: {compare['ours_25fps_s']:.3f} s"
        )
    load_after = os.getloadavg()[0]
    result.notes.append(
        f"seconds = wall-clock, CPU s = process CPU time (all threads); load average {load_before:.1f} before, "
        f"{load_after:.1f} after (a busy machine inflates wall-clock times)"
    )
    result.summary = {
        "loadavg": [load_before, load_after],
        "network": size,
        "device": str(engine.device),
        "rounds": rounds,
        "runs": runs,
        "wav2vec2_vs_transformers": compare,
    }
    return result


def _compare_wav2vec2(engine: Any, args: argparse.Namespace) -> dict[str, Any] | None:
    """Time our encoder and transformers' on the same weights and input, alternating, in this process."""
    try:
        import transformers
    except ImportError:
        return None
    import torch

    from ..inference.models.wav2vec2 import normalize_audio

    ours = engine.model.joint_encoder.audio_encoder1
    c = ours.config
    cfg = transformers.Wav2Vec2Config(
        hidden_size=c.hidden_size,
        num_hidden_layers=c.num_layers,
        num_attention_heads=c.num_heads,
        intermediate_size=c.intermediate_size,
        conv_dim=(c.conv_dim,) * len(c.conv_kernels),
        conv_kernel=c.conv_kernels,
        conv_stride=c.conv_strides,
        conv_bias=True,
        feat_extract_norm="layer",
        do_stable_layer_norm=True,
        num_conv_pos_embeddings=c.pos_conv_kernel,
        num_conv_pos_embedding_groups=c.pos_conv_groups,
        mask_time_prob=0.05,
    )
    with torch.device(engine.device):
        ref = transformers.Wav2Vec2Model(cfg).eval()
    mine = ours.state_dict()
    # same tensors under transformers' names (its pos-conv weight norm uses the parametrization naming)
    ref.load_state_dict({k: mine[_our_name(k)] for k in ref.state_dict()})
    g = torch.Generator().manual_seed(0)
    audio = normalize_audio(torch.randn(1, int(args.compare_seconds * SR), generator=g)).to(engine.device)
    sync = (lambda: torch.cuda.synchronize(engine.device)) if engine.device.type == "cuda" else None
    with torch.inference_mode():
        diff = (ours(audio) - ref(audio).last_hidden_state).abs().max().item()
        reps = max(args.repeats, 1)
        t_ours, t_ref = [], []
        for _ in range(reps + 1):  # alternate so both see the same machine load
            t_ref.append(timeit(lambda: ref(audio), repeats=1, warmup=0, sync=sync)["median"])
            t_ours.append(timeit(lambda: ours(audio), repeats=1, warmup=0, sync=sync)["median"])
        frames25 = -(-audio.shape[-1] // 640)
        t25 = timeit(lambda: ours(audio, frames25), repeats=reps, warmup=0, sync=sync)["median"]
    ours_s, ref_s = statistics.median(t_ours[1:]), statistics.median(t_ref[1:])
    return {
        "audio_s": args.compare_seconds,
        "ours_s": ours_s,
        "transformers_s": ref_s,
        "ratio": ref_s / ours_s,
        "ours_25fps_s": t25,
        "max_abs_diff": diff,
    }


def _our_name(key: str) -> str:
    key = key.replace("parametrizations.weight.original0", "weight_g")
    return key.replace("parametrizations.weight.original1", "weight_v")
