#!/usr/bin/env bash
# Makes the README's gallery (docs/images/gallery/) from the shipped scenarios: the untreated,
# MSC and EV arms of the therapy comparison are run into RUNS (skipped where a run is there),
# then plotted and rendered with the commands the README shows under each picture.
#   tools/make_gallery.sh [RUNS]          (default: runs; about 4 min on 2 cores)
# Needs the built lobule (LOBULE, default build/lobule), matplotlib and ParaView (pvbatch).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs}
lobule=${LOBULE:-build/lobule}
out=docs/images/gallery
mkdir -p "$runs" "$out"
for s in regression_untreated msc_portal msc_iv ev_repeated; do
  [ -f "$runs/$s/timeseries.csv" ] || "$lobule" run "inputs/$s.yaml" -o "$runs/$s" -q
done
# ev_portal with outputs every 6 h: the penetration picture is 6 h after the dose (day 84.25).
[ -f "$runs/ev_portal/timeseries.csv" ] ||
  "$lobule" run inputs/ev_portal.yaml --set output.every="6 h" -o "$runs/ev_portal" -q
# The plots run with the project's Python environment (tools/install-deps.sh makes it); the
# renders with ParaView's own (tools/pvbatch.sh).
py=.venv/bin/python
if [ ! -x "$py" ]; then
  echo "make_gallery.sh: $py is missing: run bash tools/install-deps.sh first" >&2
  exit 2
fi
echo "make_gallery.sh: plotting with $py, rendering with ParaView's pvbatch"
"$py" tools/plot_timeseries.py "$runs"/{regression_untreated,msc_portal,msc_iv,ev_portal,ev_repeated} \
  --plots cpa --from-day 70 --format png --out-dir "$out"
for arm_day in regression_untreated:84 regression_untreated:112 msc_portal:112; do
  arm=${arm_day%:*} day=${arm_day#*:}
  tools/pvbatch.sh tools/render_scar.py "$runs/$arm" --day "$day" --field mmp --range 0 0.042 \
    --size 640 320 --out "$out/scar_${arm}_d$day.png"
done
tools/pvbatch.sh tools/render_scar.py "$runs/ev_portal" --day 84.25 --field ev --range 0 0.8 --camera top \
  --size 640 320 --out "$out/ev_penetration_6h.png"
