#!/usr/bin/env bash
# Checks the object files of the AVX2 CPU loops (kernels/cpu/diffusion_cpu_avx2.cpp,
# kernels/models/*_cpu_avx2.cpp): every function they export other than the loops' table
# (loops_for<…, CpuIsa::Avx2>) must be free of AVX (VEX-encoded) instructions. Such a function is an out-of-line copy of an inline function of a shared header,
# which the linker may pick for the whole program: built for AVX2, it would crash on a CPU without
# it. Exit 0 when clean, 1 naming the offending symbols.
set -euo pipefail
(($# > 0)) || { echo "usage: check_isa_object.sh OBJECT..." >&2; exit 2; }
bad=0
for obj in "$@"; do
  checked=0
  while read -r _ type sym; do
    case $type in T | W | V | i) ;; *) continue ;; esac
    checked=$((checked + 1))
    demangled=$(c++filt "$sym")
    if [[ $demangled == *"loops_for<"*"(lobule::cpu::CpuIsa)1>()" ]]; then continue; fi
    # VEX-encoded instructions are the v-prefixed mnemonics (vmovss, vaddps, …).
    if objdump -d --no-show-raw-insn --disassemble="$sym" "$obj" |
      awk -F'\t' 'NF >= 2 && $2 ~ /^v[a-z]/ { found = 1 } END { exit !found }'; then
      echo "check_isa_object: $demangled is exported with AVX instructions" >&2
      bad=1
    fi
  done < <(nm --defined-only "$obj")
  if ((checked == 0)); then
    echo "check_isa_object: no exported symbols in $obj (not the AVX2 loops?)" >&2
    exit 1
  fi
done
if ((bad == 0)); then echo "check_isa_object: $* export no AVX code besides the loops' table"; fi
exit $bad
