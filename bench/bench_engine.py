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
import time
from typing import Any

from .engine_setup import SR, PeakRSS, add_network_arguments, parse_list, random_engine, synthetic_dialogue
from .harness import BenchResult, length, timeit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lengths", default="30,120,600", help="seconds of dialogue, comma-separated (default 30,120,600)"
    )
    add_network_arguments(parser, tiny_help="toy-size network: checks the bench runs, not a result")
    parser.add_argument("--precisions", default="fp32,bf16", help="fp32 and/or bf16 (bf16 where supported)")
    parser.add_argument(
        "--compare-seconds", type=length, default=10.0, help="audio length for the wav2vec2 comparison"
    )
    parser.add_argument("--no-compare", action="store_true", help="skip the transformers comparison")


def _sync(engine: Any) -> None:
    import torch

    if engine.device.type == "cuda":
        torch.cuda.synchronize(engine.device)


def run(args: argparse.Namespace) -> BenchResult:
    import torch

    from ..inference.core.request import DEFAULT_ROUNDS
    from ..inference.generate import generate_dialogue

    lengths = parse_list(args.lengths, "--lengths")
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    engine = random_engine(layers=args.layers, tiny=args.tiny, device=args.device)
    build_s = time.perf_counter() - t0
    cuda = engine.device.type == "cuda"
    from ..inference.engine import cpu_bf16_supported

    bf16_ok = torch.cuda.is_bf16_supported() if cuda else cpu_bf16_supported()
    precisions = [p for p in args.precisions.split(",") if p == "fp32" or (p == "bf16" and bf16_ok)]
    rounds = args.rounds or DEFAULT_ROUNDS
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
