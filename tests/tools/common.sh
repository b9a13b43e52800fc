# Sourced by the tools tests.
#
# python_with MODULE... sets $py to the first of python3 and /usr/bin/python3 that imports every
# MODULE, or prints which are missing and exits 77 (CTest's "skipped": the test never passes
# silently without them).
python_with() {
  py=""
  local mods
  mods=$(IFS=,; echo "$*")
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c "import $mods" 2>/dev/null; then py=$p; return 0; fi
  done
  echo "no Python with the modules $* (Debian: python3-numpy python3-yaml python3-matplotlib python3-vtk9): skipped"
  exit 77
}

# expect_fail PATTERN ARGS...: "$py" "$tool" ARGS exits 2 with a message "<tool name>: ...PATTERN"
# and no Python traceback; otherwise the test fails.
expect_fail() {
  local pat=$1 name err rc
  shift
  name=$(basename "$tool")
  set +e; err=$("$py" "$tool" "$@" 2>&1); rc=$?; set -e
  [ "$rc" = 2 ] || { echo "FAILED: $name $*: exit $rc, want 2"; echo "$err"; exit 1; }
  grep -q "^$name: .*$pat" <<<"$err" || { echo "FAILED: message for $*: $err"; exit 1; }
  if grep -q Traceback <<<"$err"; then echo "FAILED: traceback for $*"; exit 1; fi
  echo "as expected: $err"
}
