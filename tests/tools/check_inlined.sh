#!/usr/bin/env bash
# Checks that the per-voxel stencil functions of kernels/diffusion_stencil.hpp and kernels/rkl2.hpp
# are inlined into the CPU loops of the given object files: an out-of-line copy means a call per
# voxel in a loop that then does not vectorize (GCC once did this to face_divergence in the RKL2
# stage loop, and the liver model's day took 3× as long). Exit 0 when none is found, 1 naming them.
# With --expect-found (the positive control, on tests/tools/inline_control.cpp's object): exit 0
# when out-of-line copies are found and named, 1 when none is.
set -euo pipefail
expect_found=0
if [[ ${1:-} == --expect-found ]]; then expect_found=1; shift; fi
(($# > 0)) || { echo "usage: check_inlined.sh [--expect-found] OBJECT..." >&2; exit 2; }
pattern='lobule::(face_diffusivity|diffusion_divergence|uniform_divergence|face_divergence|open_divergence|open_face|tissue_weight|linear_reaction|rkl2_stage_value|rkl2_operator|halo_value)<'
found=$(nm -C --defined-only "$@" | grep -E "$pattern" || true)
if ((expect_found)); then
  [[ -n $found ]] || { echo "check_inlined: no out-of-line stencil function found in $*" >&2; exit 1; }
  echo "check_inlined: found the out-of-line copies, as it should:"
  echo "$found"
  exit 0
fi
if [[ -n $found ]]; then
  echo "check_inlined: out-of-line stencil functions in the CPU loops:" >&2
  echo "$found" >&2
  exit 1
fi
echo "check_inlined: the stencil functions are inlined in $# object(s)"
