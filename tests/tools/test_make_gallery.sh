#!/usr/bin/env bash
# tools/make_gallery.sh reruns what it needs and reuses only what this build made from the same
# scenario: checked with --runs-only and a stand-in lobule (a script that answers `info` and
# writes a run's config.yaml and timeseries.csv), on a copy of the script and the scenarios, in
# seconds. Every run is made the first time; all are reused the second; another build (git or
# version), an edited scenario, a config.yaml rewritten by hand or --force rerun them, each
# with its reason; ev_portal gets its 6-hourly outputs; --runs and --out take folders relative
# to where it is started; a bad option or a missing lobule is exit 2.
#   test_make_gallery.sh SOURCE_DIR
set -euo pipefail
src=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_make_gallery: FAIL: $*" >&2; exit 1; }
tree=$tmp/tree
mkdir -p "$tree/tools" "$tree/inputs"
cp "$src/tools/make_gallery.sh" "$tree/tools/"
for s in regression_untreated msc_portal msc_iv ev_repeated ev_portal; do
  cp "$src/inputs/$s.yaml" "$tree/inputs/"
done
# The stand-in: `info` says FAKE_VERSION (FAKE_GIT); `run SCENARIO [--set K=V]... -o DIR -q`
# logs its arguments and writes DIR/config.yaml (with the build section) and timeseries.csv.
cat >"$tmp/lobule" <<'EOF'
#!/usr/bin/env bash
set -eu
case $1 in
  info) echo "lobule ${FAKE_VERSION:-0.1.0} (${FAKE_GIT:-abc1234})"; echo "build type:   Release" ;;
  run)
    shift; scen=$1; shift; dir=""; sets=()
    while [ $# -gt 0 ]; do
      case $1 in -o) dir=$2; shift 2 ;; --set) sets+=("$2"); shift 2 ;; *) shift ;; esac
    done
    echo "run $(basename "$scen") ${sets[*]:-}" >>"$FAKE_LOG"
    mkdir -p "$dir"
    cat >"$dir/config.yaml" <<CFG
# Resolved configuration written by lobule
name: x
output:
  every: 86400 s
build:
  command: lobule run $scen
  fields:
    tgfb:
      title: TGF-β
      unit: ng/mL
  version: ${FAKE_VERSION:-0.1.0}
  git: ${FAKE_GIT:-abc1234}
  build_type: Release
CFG
    echo "time,cpa" >"$dir/timeseries.csv" ;;
  *) exit 2 ;;
esac
EOF
chmod +x "$tmp/lobule"
export FAKE_LOG=$tmp/runs.log
gallery() {  # ARGS...: run the copy from $tmp/work with the stand-in; output in $out
  : >"$FAKE_LOG"
  out=$(cd "$tmp/work" && LOBULE=$tmp/lobule bash "$tree/tools/make_gallery.sh" --runs-only "$@" 2>&1) ||
    fail "make_gallery.sh $*: exit $?: $out"
  echo "$out" | sed 's/^/    /'
}
runs_made() { wc -l <"$FAKE_LOG" | tr -d ' '; }
mkdir -p "$tmp/work"

gallery --runs r
[ "$(runs_made)" = 5 ] || fail "first time: $(runs_made) runs made, not 5"
[ -f "$tmp/work/r/msc_portal/config.yaml" ] || fail "--runs r is not taken from the folder it started in"
grep -q "^run ev_portal.yaml output.every=6 h$" "$FAKE_LOG" || fail "ev_portal without 6-hourly outputs"
grep -q "running inputs/msc_iv.yaml into $tmp/work/r/msc_iv: no run there" <<<"$out" ||
  fail "no reason given for the first run"
echo "ok:   first time: 5 runs made, ev_portal with output.every=6 h"

gallery --runs r
[ "$(runs_made)" = 0 ] || fail "second time: $(runs_made) runs made, not 0"
[ "$(grep -c "reusing" <<<"$out")" = 5 ] || fail "second time: not 5 'reusing' lines"
echo "ok:   second time: all 5 reused"

FAKE_GIT=def5678 gallery --runs r
[ "$(runs_made)" = 5 ] || fail "another build: $(runs_made) runs made, not 5"
grep -q "made by lobule 0.1.0 (abc1234), not by this build, 0.1.0 (def5678)" <<<"$out" ||
  fail "another build: no reason"
FAKE_GIT=def5678 FAKE_VERSION=0.2.0 gallery --runs r
[ "$(runs_made)" = 5 ] || fail "another version: $(runs_made) runs made, not 5"
echo "ok:   another git revision or version: all 5 rerun"

echo "# edited" >>"$tree/inputs/msc_iv.yaml"
FAKE_GIT=def5678 FAKE_VERSION=0.2.0 gallery --runs r
[ "$(runs_made)" = 1 ] && grep -q "^run msc_iv.yaml" "$FAKE_LOG" ||
  fail "edited scenario: $(cat "$FAKE_LOG")"
grep -q "inputs/msc_iv.yaml changed since" <<<"$out" || fail "edited scenario: no reason"
echo "ok:   an edited scenario: only its run is made again"

sed -i 's/every: 86400 s/every: 3600 s/' "$tmp/work/r/ev_repeated/config.yaml"
FAKE_GIT=def5678 FAKE_VERSION=0.2.0 gallery --runs r
[ "$(runs_made)" = 1 ] && grep -q "^run ev_repeated.yaml" "$FAKE_LOG" ||
  fail "a config.yaml changed by hand: $(cat "$FAKE_LOG")"
grep -q "its config.yaml changed since" <<<"$out" || fail "changed config.yaml: no reason"
rm "$tmp/work/r/msc_portal/timeseries.csv"
FAKE_GIT=def5678 FAKE_VERSION=0.2.0 gallery --runs r
[ "$(runs_made)" = 1 ] && grep -q "^run msc_portal.yaml" "$FAKE_LOG" || fail "unfinished run reused"
echo "ok:   a run changed by hand or unfinished: made again"

FAKE_GIT=def5678 FAKE_VERSION=0.2.0 gallery --runs r --force
[ "$(runs_made)" = 5 ] || fail "--force: $(runs_made) runs made, not 5"
echo "ok:   --force: all 5 rerun"

rc=0
out=$(cd "$tmp/work" && LOBULE=$tmp/lobule bash "$tree/tools/make_gallery.sh" --bogus 2>&1) || rc=$?
[ "$rc" = 2 ] && grep -q "unknown option --bogus" <<<"$out" || fail "--bogus: exit $rc: $out"
rc=0
out=$(cd "$tmp/work" && LOBULE=$tmp/nowhere bash "$tree/tools/make_gallery.sh" --runs-only 2>&1) || rc=$?
[ "$rc" = 2 ] && grep -q "no lobule executable at $tmp/nowhere" <<<"$out" ||
  fail "missing lobule: exit $rc: $out"
echo "ok:   a bad option or a missing lobule: exit 2"
echo "make_gallery: ok"
