#!/usr/bin/env bash
# Checks that the per-voxel stencil functions of kernels/diffusion_stencil.hpp and kernels/rkl2.hpp
# are inlined into the CPU loops of the given object files: an out-of-line copy means a call per
# voxel in a loop that then does not vectorize (GCC once did this to face_divergence in the RKL2
# stage loop, and the liver model's day took 3× as long). Exit 0 when none is found, 1 naming them.
set -euo pipefail
(($# > 0)) || { echo "usage: check_inlined.sh OBJECT..." >&2; exit 2; }
pattern='lobule::(face_diffusivity|diffusion_divergence|uniform_divergence|face_divergence|open_divergence|open_face|tissue_weight|linear_reaction|rkl2_stage_value|rkl2_operator|halo_value)<'
found=$(nm -C --defined-only "$@" | grep -E "$pattern" || true)
if [[ -n $found ]]; then
  echo "check_inlined: out-of-line stencil functions in the CPU loops:" >&2
  echo "$found" >&2
  exit 1
fi
echo "check_inlined: the stencil functions are inlined in $# object(s)"
