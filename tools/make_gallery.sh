#!/usr/bin/env bash
# Makes the README's gallery from the shipped scenarios: the untreated, MSC and EV arms of the
# therapy comparison are run into RUNS, then plotted and rendered with the commands the README
# shows under each picture.
#   tools/make_gallery.sh [--runs DIR] [--out DIR] [--force] [--runs-only]
#     --runs DIR   the runs' folder (default: runs; about 4 min on 2 cores when all are made)
#     --out DIR    the pictures' folder (default: docs/images/gallery)
#     --force      rerun every run, reuse none
#     --runs-only  make or reuse the runs, draw nothing
#   (a lone RUNS argument, the old form, is --runs RUNS). Relative DIRs are taken from the
#   folder it is started in; the defaults are in the repository.
# A run already in RUNS is reused only when it is what this script would make now: lobule wrote
# its config.yaml with build.version and build.git equal to what `$LOBULE info` reports, and
# RUNS/NAME/gallery.sha256, written by this script when the run finished, records the same
# scenario file content (SHA-256), the same --set options and the config.yaml it left. Anything
# else (no such file, another build, an edited scenario, a run made by hand into the folder) is
# run again, and the script says why.
# Needs the built lobule (LOBULE, default build/lobule; e.g. LOBULE=build-cpu/lobule),
# .venv (tools/install-deps.sh) for the plot and ParaView (tools/pvbatch.sh) for the renders.
# Exit status: 0 when everything was made; 2 for a bad option or something missing; else the
# failing step's.
set -euo pipefail
here=$(pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p'; }
die() { echo "make_gallery.sh: $*" >&2; exit 2; }
abs() { case $1 in /*) echo "$1" ;; *) echo "$here/$1" ;; esac; }

runs=$root/runs out=$root/docs/images/gallery force=0 runs_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) [ $# -ge 2 ] || die "--runs needs a folder"; runs=$(abs "$2"); shift 2 ;;
    --runs=*) runs=$(abs "${1#--runs=}"); shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out=$(abs "$2"); shift 2 ;;
    --out=*) out=$(abs "${1#--out=}"); shift ;;
    --force) force=1; shift ;;
    --runs-only) runs_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) runs=$(abs "$1"); shift ;;
  esac
done

# LOBULE: as given, from the folder started in, else from the repository root.
lobule=${LOBULE:-build/lobule}
case $lobule in
  /*) ;;
  */*) if [ -x "$here/$lobule" ]; then lobule=$here/$lobule; else lobule=$root/$lobule; fi ;;
  *) lobule=$(command -v "$lobule" || echo "$lobule") ;;
esac
[ -x "$lobule" ] || die "no lobule executable at $lobule: build it (cmake --preset release) or set LOBULE"
cd "$root"

# What this build reports: "lobule VERSION (GIT)".
info=$("$lobule" info 2>/dev/null) || die "$lobule info failed"
info=${info%%$'\n'*}
want_version=$(sed -n 's/^lobule \([^ ]*\) (\(.*\))$/\1/p' <<<"$info")
want_git=$(sed -n 's/^lobule \([^ ]*\) (\(.*\))$/\2/p' <<<"$info")
[ -n "$want_version" ] && [ -n "$want_git" ] ||
  die "cannot read the version and git revision from '$lobule info': '$info'"

py=$root/.venv/bin/python
if [ "$runs_only" = 0 ]; then
  [ -x "$py" ] || die "$py is missing: run bash tools/install-deps.sh first"
  command -v pvbatch >/dev/null || die "pvbatch (ParaView) is missing: bash tools/install-deps.sh"
fi
mkdir -p "$runs"

# build_value CONFIG KEY: the value of build.KEY in a config.yaml ("" when absent).
build_value() {
  awk -v key="$2" '
    /^build:/ { b = 1; next }
    /^[^ #]/ { b = 0 }
    b && /^  [^ ]/ && $1 == key ":" {
      sub(/^[^:]*:[ \t]*/, ""); gsub(/^["'\'']|["'\'']$/, ""); print; exit
    }' "$1"
}

# stale NAME SCENARIO SETS: why RUNS/NAME cannot be reused (nothing when it can).
stale() {
  local dir=$runs/$1 scenario=$2 sets=$3 cfg stamp v g
  cfg=$dir/config.yaml stamp=$dir/gallery.sha256
  [ "$force" = 0 ] || { echo "--force"; return; }
  [ -f "$cfg" ] || { echo "no run there"; return; }
  [ -f "$dir/timeseries.csv" ] || { echo "the run there did not finish (no timeseries.csv)"; return; }
  v=$(build_value "$cfg" version) g=$(build_value "$cfg" git)
  if [ "$v" != "$want_version" ] || [ "$g" != "$want_git" ]; then
    echo "made by lobule ${v:-?} (${g:-?}), not by this build, $want_version ($want_git)"
    return
  fi
  [ -f "$stamp" ] || { echo "not made by this script (no $(basename "$stamp"))"; return; }
  [ "$(sed -n 's/^scenario //p' "$stamp")" = "$(sha256sum <"$scenario" | cut -d' ' -f1)" ] ||
    { echo "$scenario changed since"; return; }
  [ "$(sed -n 's/^set //p' "$stamp")" = "$sets" ] ||
    { echo "made with other --set options ($(sed -n 's/^set //p' "$stamp"))"; return; }
  [ "$(sed -n 's/^config //p' "$stamp")" = "$(sha256sum <"$cfg" | cut -d' ' -f1)" ] ||
    { echo "its config.yaml changed since this script made it (run again by hand?)"; return; }
}

# ensure_run NAME [--set KEY=VALUE ...]: reuse RUNS/NAME or run inputs/NAME.yaml into it.
ensure_run() {
  local name=$1 scenario=inputs/$1.yaml why dir=$runs/$1
  shift
  [ -f "$scenario" ] || die "$scenario is missing"
  local sets="$*"
  why=$(stale "$name" "$scenario" "$sets")
  if [ -z "$why" ]; then
    echo "make_gallery.sh: reusing $dir (lobule $want_version ($want_git), same $scenario)"
    return
  fi
  echo "make_gallery.sh: running $scenario${sets:+ $sets} into $dir: $why"
  rm -f "$dir/gallery.sha256"
  "$lobule" run "$scenario" "$@" -o "$dir" -q
  printf 'scenario %s\nset %s\nconfig %s\nlobule %s (%s)\n' \
    "$(sha256sum <"$scenario" | cut -d' ' -f1)" "$sets" \
    "$(sha256sum <"$dir/config.yaml" | cut -d' ' -f1)" "$want_version" "$want_git" \
    >"$dir/gallery.sha256"
}

for s in regression_untreated msc_portal msc_iv ev_repeated; do
  ensure_run "$s"
done
# ev_portal with outputs every 6 h: the penetration picture is 6 h after the dose (day 84.25).
ensure_run ev_portal --set "output.every=6 h"
[ "$runs_only" = 0 ] || exit 0

# The plots run with the project's Python environment (tools/install-deps.sh makes it); the
# renders with ParaView's own (tools/pvbatch.sh).
mkdir -p "$out"
echo "make_gallery.sh: plotting with $py, rendering with ParaView's pvbatch into $out"
"$py" tools/plot_timeseries.py "$runs"/{regression_untreated,msc_portal,msc_iv,ev_portal,ev_repeated} \
  --plots cpa --from-day 70 --format png --out-dir "$out"
for arm_day in regression_untreated:84 regression_untreated:112 msc_portal:112; do
  arm=${arm_day%:*} day=${arm_day#*:}
  tools/pvbatch.sh tools/render_scar.py "$runs/$arm" --day "$day" --field mmp --range 0 0.042 \
    --size 640 320 --out "$out/scar_${arm}_d$day.png"
done
tools/pvbatch.sh tools/render_scar.py "$runs/ev_portal" --day 84.25 --field ev --range 0 0.4 --camera top \
  --size 640 320 --out "$out/ev_penetration_6h.png"
