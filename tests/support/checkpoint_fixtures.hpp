/// Small scenarios and comparisons shared by the checkpoint, restart and fault tests.
#pragma once
#include <fmt/format.h>
#include <omp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/io/checkpoint_format.hpp"
#include "host/io/pvd_index.hpp"

namespace lobule::test {

/// A 24x20x16-voxel scenario with two species, a Dirichlet face, decay and a source, so that
/// every term of the update matters. Steps of 0.02 s; outputs every output_every.
struct CkScenario {
  std::string end = "8 s";
  std::string output_every = "0.5 s";
  std::string checkpoint_every = "1.5 s";
  std::string wall_every = "0 s";
  std::string precision = "float";
  std::string spacing = "5 um";
  std::string dt = "0.02 s";
  std::string background = "auto";  ///< output.background
  int keep = 10;

  std::string yaml() const {
    return fmt::format(R"(name: ck
grid: {{ spacing: "{}" }}
geometry: {{ kind: box, size: ["120 um", "100 um", "80 um"] }}
species:
  - name: alpha
    diffusivity: "60 um^2/s"
    half_life: "30 s"
    initial: {{ kind: gaussian, center: ["60 um", "50 um", "40 um"], sigma: "15 um", peak: 1.0 }}
  - name: beta
    diffusivity: "5 um^2/s"
    decay: "0.001 1/s"
    source: "0.0001 1/s"
    initial: {{ kind: uniform, value: 0.5 }}
boundaries: {{ default: no_flux, x_min: {{ dirichlet: 0.2 }} }}
time: {{ end: "{}", dt: "{}" }}
output: {{ every: "{}", compression: none, background: {} }}
checkpoint: {{ every: "{}", wall_every: "{}", keep: {} }}
precision: {}
backend: cpu
)",
                       spacing, end, dt, output_every, background, checkpoint_every, wall_every,
                       keep, precision);
  }
};

/// The field data bytes of a checkpoint (everything after the header), and its header.
inline std::string checkpoint_data(const std::string& path, CheckpointHeader* header = nullptr) {
  FileSource src(path);
  const CheckpointHeader h = read_checkpoint_header(src);
  verify_checkpoint_data(src, h);
  std::string data(h.file_size - h.header_size, '\0');
  src.read(h.header_size, data.data(), data.size());
  if (header) *header = h;
  return data;
}

/// Rows of a CSV file (header skipped) as numbers.
inline std::vector<std::vector<double>> csv_rows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::vector<double>> rows;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(std::strtod(cell.c_str(), nullptr));
    rows.push_back(row);
  }
  return rows;
}

/// (time, file) entries of a fields.pvd.
inline std::vector<std::pair<double, std::string>> pvd_entries(const std::string& path) {
  PvdIndex pvd(path);
  pvd.load();
  std::vector<std::pair<double, std::string>> out;
  for (std::size_t i = 0; i < pvd.size(); ++i) out.emplace_back(pvd.time(i), pvd.file(i));
  return out;
}

/// Runs in this test process and the lobule processes it starts use one OpenMP thread:
/// tests run side by side on few cores, and oversubscribed OpenMP barriers slow a run down
/// a hundredfold. Results do not depend on the thread count (voxels update independently).
inline void single_threaded_runs() {
  ::setenv("OMP_NUM_THREADS", "1", 1);
  omp_set_num_threads(1);
}

/// Whole file as a string.
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace lobule::test
