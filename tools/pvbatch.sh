#!/usr/bin/env bash
# Runs ParaView's pvbatch on a script, headless, with ParaView's Python modules (installed by
# tools/install-deps.sh) on the path:  tools/pvbatch.sh script.py [args...]
# Without a DISPLAY it starts its own Xvfb, which picks a free display itself (-displayfd), so
# runs side by side never race for a display number (xvfb-run -a does), and does not reset
# when a client disconnects (-noreset): without it, a connection made while the server resets
# after an earlier client left fails ("bad X server connection"; seen with renders side by side).
# Exit status: pvbatch's (its Xvfb log goes to stderr unless 0 or 2); 1 when Xvfb is missing or
# does not start.
set -euo pipefail
pvpy=/opt/lobule/paraview-python/usr/lib/python3/dist-packages
export PYTHONPATH="$pvpy${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "${DISPLAY:-}" ]; then
  exec pvbatch --force-offscreen-rendering "$@"
fi
command -v Xvfb >/dev/null || { echo "pvbatch.sh: Xvfb not installed (apt-get install xvfb)" >&2; exit 1; }
work=$(mktemp -d)
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset 3>"$work/display" 2>"$work/xvfb.log" &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 300); do  # Xvfb writes the display number once it accepts connections
  [ -s "$work/display" ] && break
  if ! kill -0 "$xvfb" 2>/dev/null; then
    echo "pvbatch.sh: Xvfb failed to start:" >&2
    cat "$work/xvfb.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$work/display" ] || { echo "pvbatch.sh: Xvfb did not start in 30 s" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
rc=0
pvbatch --force-offscreen-rendering "$@" || rc=$?
# Exit 2 is a script refusing its input (its message says why): no X server log then.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
  echo "pvbatch.sh: pvbatch exited with $rc on DISPLAY=$DISPLAY; Xvfb log:" >&2
  cat "$work/xvfb.log" >&2
fi
exit "$rc"
