// `lobule run` end to end: results layout, the .pvd time series, .vti files read back with
// VTK's reader, timeseries.csv, config.yaml; plus `check` and `info`.
#include <gtest/gtest.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkXMLImageDataReader.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <unistd.h>

#include "host/errors.hpp"
#include "host/io/vti_io.hpp"
#include "host/sim/stepper.hpp"
#include "support/analytic.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

using test::run_lobule;
using test::TempDir;

const char* kScenario = R"(name: roundtrip
grid: { spacing: "4 um" }
geometry: { kind: box, size: ["48 um", "40 um", "32 um"] }
species:
  - { name: u, diffusivity: "80 um^2/s", decay: "0.01 1/s", initial: { kind: gaussian, center: ["20 um", "20 um", "16 um"], sigma: "6 um", peak: 2 } }
  - { name: v, diffusivity: "5 um^2/s", source: "0.001 1/s" }
time: { end: "1 s", dt: "0.01 s" }
output: { every: "0.25 s", compression: lz4 }
)";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct PvdEntry {
  double time;
  std::string file;
};

std::vector<PvdEntry> read_pvd(const std::string& path) {
  const std::string xml = slurp(path);
  const std::regex re(R"re(<DataSet timestep="([^"]+)"[^>]*file="([^"]+)")re");
  std::vector<PvdEntry> out;
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back({std::stod((*it)[1]), (*it)[2]});
  return out;
}

TEST(RunOutputs, PvdVtiCsvAndConfigAreConsistent) {
  TempDir dir;
  const std::string out = dir.path() + "/res";
  const auto r = run_lobule({"run", dir.write("s.yaml", kScenario), "-o", out, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("results: " + out), std::string::npos);
  for (const char* f : {"config.yaml", "fields.pvd", "timeseries.csv", "log.txt"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;

  // The pvd lists t = 0, 0.25, 0.5, 0.75, 1 and each file carries the same time.
  const auto entries = read_pvd(out + "/fields.pvd");
  ASSERT_EQ(entries.size(), 5u);
  for (std::size_t n = 0; n < entries.size(); ++n) {
    EXPECT_DOUBLE_EQ(entries[n].time, 0.25 * double(n));
    vtkNew<vtkXMLImageDataReader> reader;
    reader->SetFileName((out + "/" + entries[n].file).c_str());
    reader->Update();
    vtkImageData* img = reader->GetOutput();
    ASSERT_EQ(img->GetNumberOfCells(), 12 * 10 * 8);
    double sp[3];
    img->GetSpacing(sp);
    EXPECT_DOUBLE_EQ(sp[0], 4.0);
    for (const char* name : {"u", "v", "label"})
      EXPECT_NE(img->GetCellData()->GetArray(name), nullptr) << name;
    EXPECT_DOUBLE_EQ(img->GetFieldData()->GetArray("TimeValue")->GetTuple1(0), entries[n].time);
  }

  // The last file holds exactly what the solver computes in-process on the backend the run
  // picked (auto: cuda where a GPU is visible): the same float code path, bit for bit.
  const Config cfg = parse_config(kScenario, "s.yaml");
  Stepper<float> run(cfg, resolve_backend(BackendChoice::Auto));
  for (int k = 1; k <= 4; ++k) run.advance_to(0.25 * k);
  const auto u_file = read_vti_cell_array(out + "/fields/000004.vti", "u", cfg.cells);
  const auto& f = run.fields();
  const Box& b = f.box;
  double sum_u = 0;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t v = (std::size_t(k) * b.ny + j) * b.nx + i;
        ASSERT_EQ(float(u_file[v]), f.species[0].u[b.idx(i, j, k)]) << i << "," << j << "," << k;
        sum_u += f.species[0].u[b.idx(i, j, k)];
      }

  // timeseries.csv: a header and one row per output; u_total = Σu·V_voxel.
  std::istringstream csv(slurp(out + "/timeseries.csv"));
  std::string line, last;
  std::getline(csv, line);
  EXPECT_EQ(line, "time,u_total,u_mean,v_total,v_mean");
  int rows = 0;
  while (std::getline(csv, line)) ++rows, last = line;
  EXPECT_EQ(rows, 5);
  double t, total;
  ASSERT_EQ(std::sscanf(last.c_str(), "%lf,%lf", &t, &total), 2);
  EXPECT_DOUBLE_EQ(t, 1.0);
  EXPECT_NEAR(total, sum_u * 64.0, 1e-6 * sum_u * 64.0);

  // config.yaml is the resolved config, loadable as a scenario, with build facts.
  const std::string resolved = slurp(out + "/config.yaml");
  EXPECT_NE(resolved.find("version:"), std::string::npos);
  EXPECT_NO_THROW(load_config(out + "/config.yaml"));
}

// Provenance: config.yaml records the command line, machine, device, start, end and wall time,
// and a liver run its fields' titles and units for figures; --name-with-sets names the run and
// its default folder by its overrides. The file stays a valid scenario.
TEST(RunOutputs, ConfigRecordsHowTheRunWasMade) {
  TempDir dir;
  const std::string scenario = dir.write("s.yaml", kScenario);
  // without -o: results/<name> relative to the working directory
  const auto in_dir =
      test::run_shell("cd " + test::shell_quote(dir.path()) + " && " + test::lobule_command() +
                      " run s.yaml --set 'time.end=0.5 s' --name-with-sets -q");
  ASSERT_EQ(in_dir.exit_code, 0) << in_dir.output;
  const std::string out = dir.path() + "/results/roundtrip_end-0.5-s";
  ASSERT_TRUE(std::filesystem::exists(out + "/config.yaml")) << in_dir.output;
  const YAML::Node c = YAML::LoadFile(out + "/config.yaml");
  EXPECT_EQ(c["name"].as<std::string>(), "roundtrip_end-0.5-s");
  const YAML::Node b = c["build"];
  const std::string command = b["command"].as<std::string>();
  EXPECT_NE(command.find(" run s.yaml --set 'time.end=0.5 s' --name-with-sets -q"),
            std::string::npos)
      << command;
  EXPECT_EQ(
      b["device"].as<std::string>().rfind(
          resolve_backend(BackendChoice::Auto) == BackendChoice::Cuda ? "cuda: " : "cpu: ", 0),
      0u);
  EXPECT_FALSE(b["host"].as<std::string>().empty());
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  EXPECT_TRUE(std::regex_match(b["started"].as<std::string>(), iso));
  EXPECT_TRUE(std::regex_match(b["finished"].as<std::string>(), iso));
  EXPECT_GT(b["wall_seconds"].as<double>(), 0.0);
  EXPECT_NO_THROW(load_config(out + "/config.yaml"));

  // A liver run lists its fields' titles and units.
  const std::string liver = dir.path() + "/liver";
  const auto lr = run_lobule({"run", test::source_path("inputs/healthy.yaml"), "-o", liver, "-q",
                              "--set", "time.end=1 d"});
  ASSERT_EQ(lr.exit_code, 0) << lr.output;
  const YAML::Node fields = YAML::LoadFile(liver + "/config.yaml")["build"]["fields"];
  EXPECT_EQ(fields["tgfb"]["title"].as<std::string>(), "TGF-β");
  EXPECT_EQ(fields["tgfb"]["unit"].as<std::string>(), "ng/mL");
  EXPECT_EQ(fields["hsc"]["title"].as<std::string>(), "activated HSCs");
  EXPECT_EQ(fields.size(), 17u);
}

TEST(RunOutputs, VtiRoundTripKeepsValuesTimeAndGrid) {
  TempDir dir;
  Geometry g;
  g.box = whole_box(5, 4, 3);
  g.spacing = {2, 3, 4};
  g.origin = {10, 20, 30};
  g.label.assign(g.box.interior(), kSinusoid);
  std::vector<double> a(g.voxels());
  for (std::size_t v = 0; v < a.size(); ++v) a[v] = 0.1 * double(v) + 1e-13;
  for (const char* compression : {"none", "zlib", "lz4", "lzma"}) {
    const std::string path = dir.path() + "/x_" + compression + ".vti";
    write_vti(
        path, g, 12.5,
        {{"a", CellArray::Type::F64, a.data()}, {"label", CellArray::Type::U8, g.label.data()}},
        compression);
    EXPECT_EQ(read_vti_cell_array(path, "a", {5, 4, 3}), a) << compression;
    const auto labels = read_vti_cell_array(path, "label", {5, 4, 3});
    EXPECT_EQ(labels[7], double(kSinusoid));
    vtkNew<vtkXMLImageDataReader> reader;
    reader->SetFileName(path.c_str());
    reader->Update();
    EXPECT_DOUBLE_EQ(reader->GetOutput()->GetFieldData()->GetArray("TimeValue")->GetTuple1(0),
                     12.5);
    double o[3];
    reader->GetOutput()->GetOrigin(o);
    EXPECT_DOUBLE_EQ(o[1], 20);
  }
  EXPECT_THROW(read_vti_cell_array(dir.path() + "/x_zlib.vti", "b", {5, 4, 3}), InputError);
  EXPECT_THROW(read_vti_cell_array(dir.path() + "/x_zlib.vti", "a", {5, 4, 4}), InputError);
  EXPECT_THROW(read_vti_cell_array(dir.write("junk.vti", "not xml"), "a", {5, 4, 3}), InputError);
}

// A run starts from an earlier run's output: every voxel of the field equals the file's value
// as VTK's own reader gives it. The pulse sits off the middle along every axis, so that a loader
// that flipped or transposed an axis would misplace it.
TEST(RunOutputs, InitialConditionFromAFileTakesEveryVoxelInPlace) {
  TempDir dir;
  const std::string out = dir.path() + "/a";
  const std::string centred = "center: [\"20 um\", \"20 um\", \"16 um\"]";
  std::string s1 = kScenario;
  s1.replace(s1.find(centred), centred.size(), "center: [\"14 um\", \"26 um\", \"10 um\"]");
  ASSERT_EQ(run_lobule({"run", dir.write("s.yaml", s1), "-o", out, "-q"}).exit_code, 0);
  // Start a second run from the first run's final u.
  std::string s2 = kScenario;
  s2.replace(
      s2.find("{ kind: gaussian"),
      std::string(
          "{ kind: gaussian, center: [\"20 um\", \"20 um\", \"16 um\"], sigma: \"6 um\", peak: 2 }")
          .size(),
      "{ kind: file, path: a/fields/000004.vti, array: u }");
  const Config c2 = parse_config(s2, dir.path() + "/s2.yaml");
  Stepper<float> run(c2, BackendChoice::Cpu);
  vtkNew<vtkXMLImageDataReader> reader;
  reader->SetFileName((out + "/fields/000004.vti").c_str());
  reader->Update();
  vtkDataArray* u_file = reader->GetOutput()->GetCellData()->GetArray("u");
  ASSERT_NE(u_file, nullptr);
  const auto& f = run.fields();
  const Box& b = f.box;
  ASSERT_EQ(u_file->GetNumberOfTuples(), vtkIdType(b.nx) * b.ny * b.nz);
  // VTK's cell order: x fastest, then y, then z.
  const auto file_at = [&](int i, int j, int k) {
    return float(u_file->GetTuple1((vtkIdType(k) * b.ny + j) * b.nx + i));
  };
  long long compared = 0, differ = 0;
  double mirror_z = 0;  // the largest |u(k) − u(nz − 1 − k)|: how much a z-flip would move
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        differ += f.species[0].u[b.idx(i, j, k)] != file_at(i, j, k);
        ++compared;
        mirror_z =
            std::max(mirror_z, double(std::abs(file_at(i, j, k) - file_at(i, j, b.nz - 1 - k))));
      }
  std::printf(
      "[ measured ] %lld voxels compared, %lld differ; a z-flip would move a value by "
      "up to %.3g\n",
      compared, differ, mirror_z);
  EXPECT_EQ(compared, 12 * 10 * 8);
  EXPECT_EQ(differ, 0);
  EXPECT_GT(mirror_z, 0.05) << "the pulse must not be symmetric in z";
}

TEST(RunOutputs, UnwritableOutputDirectoryIsExitCode3) {
  if (::geteuid() == 0) {
    // root ignores permissions: use a path below a regular file instead
    TempDir dir;
    const std::string file = dir.write("plain", "x");
    const auto r = run_lobule({"run", dir.write("s.yaml", kScenario), "-o", file + "/out", "-q"});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("I/O error"), std::string::npos) << r.output;
    return;
  }
  const auto r = run_lobule({"run", test::source_path("inputs/demo.yaml"), "-o", "/proc/x", "-q"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
}

TEST(Cli, CheckPrintsResolvedConfigMemoryAndLimits) {
  TempDir dir;
  const auto r = run_lobule({"check", dir.write("s.yaml", kScenario)});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* s : {"valid", "diffusivity: 80 um^2/s", "12 x 10 x 8 = 960 voxels",
                        "memory:", "explicit limit", "0.03332"})  // 1/(2·D·Σ1/h² + λ)
    EXPECT_NE(r.output.find(s), std::string::npos) << s << " in:\n" << r.output;
}

TEST(Cli, InfoListsBackends) {
  const auto r = run_lobule({"info"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("backends:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("VTK:"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lobule
