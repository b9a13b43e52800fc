#!/usr/bin/env bash
# Runs ParaView's pvbatch on a script, headless (xvfb), with ParaView's Python modules
# (installed by tools/install-deps.sh) on the path:  tools/pvbatch.sh script.py [args...]
set -euo pipefail
pvpy=/opt/lobule/paraview-python/usr/lib/python3/dist-packages
export PYTHONPATH="$pvpy${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "${DISPLAY:-}" ]; then
  exec pvbatch --force-offscreen-rendering "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x1024x24" pvbatch --force-offscreen-rendering "$@"
