/// The bodies of the fuzz targets, shared by the libFuzzer programs (fuzz/fuzz_*.cpp, built
/// with -DLOBULE_FUZZ=ON and clang) and the regression test (tests/test_fuzz_regressions.cpp),
/// which replays every file under fuzz/corpus/ and fuzz/regressions/ in every build.
///
/// Each body accepts the documented errors of the code it drives (ConfigError, UnitError,
/// CheckpointError) and lets anything else escape: an escaping exception, a crash, a
/// sanitizer report or a broken invariant (abort) is a finding.
#pragma once
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "geometry/import_vti.hpp"
#include "host/config/config.hpp"
#include "host/config/config_error.hpp"
#include "host/config/physics_text.hpp"
#include "host/config/units.hpp"
#include "host/io/vti_io.hpp"
#include "host/sim/checkpoint_io.hpp"
#include "host/sim/memory_estimate.hpp"
#include "host/sim/restart.hpp"

namespace lobule::fuzz {

/// A broken invariant: abort so that the fuzzer keeps the input.
inline void require(bool ok) {
  if (!ok) std::abort();
}

/// A config document; a first line "--set key=value" is applied as an override.
inline void config_input(const std::uint8_t* data, std::size_t n) {
  std::string text(reinterpret_cast<const char*>(data), n);
  std::vector<std::string> set;
  if (text.rfind("--set ", 0) == 0) {
    const auto nl = text.find('\n');
    set.push_back(text.substr(6, nl == std::string::npos ? nl : nl - 6));
    text = nl == std::string::npos ? std::string() : text.substr(nl + 1);
  }
  try {
    const Config c = parse_config(text, "fuzz.yaml", set);
    require(c.time.dt > 0 && c.time.dt <= c.time.end && !c.species.empty());
    for (int a = 0; a < 3; ++a) require(c.cells[a] >= 1 && c.spacing[a] > 0);
    YAML::Emitter out;
    out << resolved_yaml(c);
    require(out.good());
    require(physics_differences(physics_text(c), physics_text(c)).empty());
    estimate_memory(c, BackendChoice::Cuda);
  } catch (const ConfigError& e) {
    // Every error names its key: a yaml-cpp exception that escaped the typed parsing
    // (parse_config reports it as "YAML error: ..." without a key) is a finding.
    require(!(e.key().empty() && e.message().rfind("YAML error: ", 0) == 0));
  }
}

/// A quantity with units; what parses must print and parse back to the same value.
inline void units_input(const std::uint8_t* data, std::size_t n) {
  const std::string text(reinterpret_cast<const char*>(data), n);
  Quantity q;
  try {
    parse_in_base_units(text, dims::kLength);
  } catch (const UnitError&) {
  }
  try {
    q = parse_quantity(text);
  } catch (const UnitError&) {
    return;
  }
  require(std::isfinite(q.value));
  const Quantity back = parse_quantity(format_quantity(q.value, q.dim));  // must not throw
  require(back.dim == q.dim && back.value == q.value);
}

/// The scenario checkpoints are compared with in checkpoint_input.
inline const Config& fuzz_checkpoint_config() {
  static const Config c = parse_config(R"(
grid: { spacing: "5 um" }
geometry: { kind: box, size: ["20 um", "15 um", "10 um"] }
species:
  - { name: u, diffusivity: "10 um^2/s", initial: { kind: uniform, value: 1 } }
  - { name: v, diffusivity: "1 um^2/s", decay: "0.1 1/s" }
time: { end: "1 s", dt: "0.1 s" }
)",
                                       "fuzz.yaml");
  return c;
}

template <class T>
void read_fields(const MemorySource& src, const CheckpointHeader& h) {
  HostFields<T> f;
  f.box = h.box;
  for (const auto& field : h.fields) {
    SpeciesField<T> sp;
    sp.name = field.name;
    sp.u.assign(f.box.padded(), T(0));
    f.species.push_back(std::move(sp));
  }
  read_checkpoint_fields(src, h, f);
}

// Reads, verifies and compares one checkpoint image.
inline void read_checkpoint_image(const std::string& bytes) {
  const MemorySource src(bytes.data(), bytes.size(), "fuzz.ckpt");
  try {
    const CheckpointHeader h = read_checkpoint_header(src);
    require(h.file_size == bytes.size() && h.header_size <= bytes.size() && !h.fields.empty());
    verify_checkpoint_data(src, h);
    if (h.word_size == 4) read_fields<float>(src, h);
    if (h.word_size == 8) read_fields<double>(src, h);
    check_matches_config(h, src.name(), fuzz_checkpoint_config());
  } catch (const CheckpointError&) {
  }
}

// The image with correct checksums, so that mutations reach the code behind them: the
// header CRC where the header size says, then (if the header reads) the field CRCs.
inline std::string with_valid_checksums(std::string b) {
  std::uint32_t hs = 0;
  if (b.size() < 16) return b;
  std::memcpy(&hs, b.data() + 12, 4);
  if (hs < 4 || hs > b.size()) return b;
  const std::uint32_t crc = crc32_of(0, b.data(), hs - 4);
  std::memcpy(&b[hs - 4], &crc, 4);
  try {
    const MemorySource src(b.data(), b.size(), "fuzz.ckpt");
    CheckpointHeader h = read_checkpoint_header(src);
    for (auto& f : h.fields) f.crc = crc32_of(0, b.data() + f.offset, f.count * h.word_size);
    const std::string head = encode_checkpoint_header(h);
    if (head.size() == hs) b.replace(0, hs, head);
  } catch (const CheckpointError&) {
  }
  return b;
}

/// A checkpoint file: header, data checksums, field reading, comparison with a config;
/// as given (the checksums catch most mutations) and with its checksums made valid.
inline void checkpoint_input(const std::uint8_t* data, std::size_t n) {
  const std::string bytes(reinterpret_cast<const char*>(data), n);
  read_checkpoint_image(bytes);
  read_checkpoint_image(with_valid_checksums(bytes));
}

/// A .vti file as the initial-values reader and the geometry import read it (4 × 3 × 2 cells,
/// arrays u and label in the seeds). Either reads it whole or refuses with InputError.
inline void vti_input(const std::uint8_t* data, std::size_t n) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("lobule_fuzz_" + std::to_string(::getpid()) + ".vti"))
                               .string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), std::streamsize(n));
  try {
    require(read_vti_cell_array(path, "u", {4, 3, 2}).size() == 24);
  } catch (const InputError&) {
  }
  try {
    const Geometry g = read_label_image(path, "label");
    require(g.label.size() == g.voxels() && (g.zone.empty() || g.zone.size() == g.voxels()));
  } catch (const InputError&) {
  }
  std::remove(path.c_str());
}

}  // namespace lobule::fuzz
