#!/usr/bin/env bash
# Installs the Debian 12 packages lobule needs (run as root, or with sudo available).
#   build:  cmake, ninja, g++, VTK 9, yaml-cpp, CLI11, fmt, GoogleTest, Google Benchmark, OpenMP,
#           Boost headers (Odeint, the tests' reference ODE integrator)
#   tools:  ParaView 5.11 (pvbatch) and xvfb for the rendering scripts and their tests, ffmpeg
#           for their movies, numpy/PyYAML/matplotlib for the results reader and the plots;
#           clang with its sanitizer and libFuzzer runtimes for tools/fuzz.sh
#   python: the project's Python environment .venv (python3-venv, python3-dev for the binding):
#           the packages of python/requirements.txt from PyPI, pinned, and the package `lobule`
#           (python/, editable); docs/python.md
# Debian's python3-paraview conflicts with python3-vtk9, which libvtk9-dev needs, so the
# ParaView Python modules are unpacked privately under /opt/lobule/paraview-python and
# tools/pvbatch.sh puts them on PYTHONPATH. Skips everything that is already present.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(cmake ninja-build g++ git pkg-config
          libvtk9-dev libyaml-cpp-dev libcli11-dev libfmt-dev
          libgtest-dev libgmock-dev libbenchmark-dev libomp-dev libboost-dev
          paraview xvfb xauth ffmpeg python3-numpy python3-scipy python3-matplotlib python3-yaml
          clang libclang-rt-14-dev python3-venv python3-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

pvpy=/opt/lobule/paraview-python
if [ ! -d "$pvpy/usr/lib/python3/dist-packages/paraview" ]; then
  echo "install-deps: unpacking ParaView's Python modules into $pvpy"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download python3-paraview >/dev/null 2>&1 ||
     { $SUDO apt-get update -qq && apt-get download python3-paraview >/dev/null; })
  $SUDO mkdir -p "$pvpy"
  $SUDO dpkg -x "$tmp"/python3-paraview_*.deb "$pvpy"
  rm -rf "$tmp"
fi
# The project's Python environment: Debian's python3 in a venv at the repository root, so that
# pip never touches the system's packages (PEP 668). Redone when requirements.txt changes.
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv
stamp=$venv/.requirements
if ! cmp -s "$root/python/requirements.txt" "$stamp" 2>/dev/null || [ ! -x "$venv/bin/python" ]; then
  echo "install-deps: setting up the Python environment $venv (python/requirements.txt)"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/python/requirements.txt"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps -e "$root/python"
  cp "$root/python/requirements.txt" "$stamp"
fi
echo "install-deps: all dependencies present (Python: $venv/bin/python)"
