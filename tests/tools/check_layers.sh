#!/bin/bash
# The layers include downwards only: kernels/ nothing of geometry/ or host/, geometry/ nothing
# of host/. Prints every include that goes upwards and fails; with --expect-found DIR it checks
# that a tree with such an include is caught (the check's positive control).
set -u
root=${1:?usage: check_layers.sh SOURCE_ROOT [--expect-found]}
expect_found=${2:-}
up=$( (grep -rnE '#include "(geometry|host)/' "$root/kernels" 2>/dev/null
       grep -rnE '#include "host/' "$root/geometry" 2>/dev/null) | sed "s|^$root/||")
if [ "$expect_found" = "--expect-found" ]; then
  [ -n "$up" ] && { echo "found, as expected: $up"; exit 0; }
  echo "the control's upward include was not found"; exit 1
fi
[ -z "$up" ] && { echo "layers: every include goes downwards"; exit 0; }
echo "includes that go up a layer:"; echo "$up"; exit 1
