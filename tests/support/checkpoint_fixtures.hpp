/// Small scenarios and comparisons shared by the checkpoint, restart and fault tests.
#pragma once
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/io/checkpoint_format.hpp"
#include "host/io/pvd_index.hpp"
#include "host/io/run_log.hpp"

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

/// Waits until `path` exists (a running lobule got that far); false after 60 s.
inline bool wait_for(const std::string& path) {
  for (int i = 0; i < 12000; ++i) {
    if (std::filesystem::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

/// Whole file as a string.
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// What the last restart in a run's log says: the checkpoint, time and step of its line
/// "restart from FILE: t = T, step N, ...", and from the lines after it the steps that run took
/// (its "done: M steps" less N) and the step count of its first progress line (-1 where a line
/// is missing).
struct RestartRecord {
  std::string file, time;
  long long step = -1, steps_taken = -1, first_progress_step = -1;
};

inline RestartRecord last_restart(const std::string& log) {
  RestartRecord r;
  const std::size_t at = log.rfind("restart from ");
  if (at == std::string::npos) return r;
  const std::string rest = log.substr(at);
  std::smatch m;
  if (std::regex_search(rest, m, std::regex(R"(^restart from (.*): t = (.*), step (\d+),)"))) {
    r.file = m[1];
    r.time = m[2];
    r.step = std::stoll(m[3]);
  }
  if (std::regex_search(rest, m, std::regex(R"(\] done: (\d+) steps)")) && r.step >= 0)
    r.steps_taken = std::stoll(m[1]) - r.step;
  if (std::regex_search(rest, m, std::regex(R"(\] t = [^\n]*\(\d+%\), (\d+) steps)")))
    r.first_progress_step = std::stoll(m[1]);
  return r;
}

/// The log shows that the run restarted from `file` at time t [s] and step `step` and took
/// `steps_taken` steps from there (not a run from t = 0 that ends in the same state).
inline ::testing::AssertionResult restarted(const std::string& log, const std::string& file,
                                            double t, long long step, long long steps_taken) {
  const RestartRecord r = last_restart(log);
  std::printf(
      "[ measured ] restart from %s: t = %s, step %lld; this run took %lld steps, its "
      "first progress line at step %lld (want t = %s, step %lld, %lld steps)\n",
      r.file.c_str(), r.time.c_str(), r.step, r.steps_taken, r.first_progress_step,
      human_time(t).c_str(), step, steps_taken);
  if (r.file != file || r.time != human_time(t) || r.step != step)
    return ::testing::AssertionFailure()
           << "the restart line names " << r.file << ", t = " << r.time << ", step " << r.step
           << "; want " << file << ", t = " << human_time(t) << ", step " << step << "\n"
           << log;
  if (r.steps_taken != steps_taken)
    return ::testing::AssertionFailure()
           << "the restarted run took " << r.steps_taken << " steps, want " << steps_taken << "\n"
           << log;
  if (r.first_progress_step <= step)
    return ::testing::AssertionFailure()
           << "the restarted run's first progress line is at step " << r.first_progress_step
           << ", not after the restart step " << step << "\n"
           << log;
  return ::testing::AssertionSuccess();
}

}  // namespace lobule::test
