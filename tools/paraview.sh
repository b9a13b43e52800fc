#!/usr/bin/env bash
# Opens a lobule run in the ParaView GUI with the scar pipeline ready (tools/lobule_state.py):
#   tools/paraview.sh RUN [FIELD [THRESHOLD]]      e.g. tools/paraview.sh results/demo mmp
# Puts ParaView's Python modules (unpacked by tools/install-deps.sh) on PYTHONPATH and tells the
# state script where the run and the pipeline are. Needs a display.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: tools/paraview.sh RUN [FIELD [THRESHOLD]]" >&2; exit 2; }
[ -f "$1/fields.pvd" ] || [ -f "$1" ] || { echo "paraview.sh: no $1/fields.pvd" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="/opt/lobule/paraview-python/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}"
export LOBULE_RUN=$1 LOBULE_TOOLS=$here
[ $# -ge 2 ] && export LOBULE_FIELD=$2
[ $# -ge 3 ] && export LOBULE_THRESHOLD=$3
exec paraview --script="$here/lobule_state.py"
