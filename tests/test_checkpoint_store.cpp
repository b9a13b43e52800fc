// The checkpoint directory (latest, pruning, failed writes) and the restart rewrite of
// fields.pvd and timeseries.csv.
#include <gtest/gtest.h>

#include <filesystem>

#include "host/errors.hpp"
#include "host/io/checkpoint_store.hpp"
#include "host/io/pvd_index.hpp"
#include "host/io/timeseries_csv.hpp"
#include "host/sim/checkpoint_io.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

HostFields<float> tiny_fields(float value) {
  HostFields<float> f;
  f.box = whole_box(3, 2, 2);
  SpeciesField<float> sp;
  sp.name = "u";
  sp.u.assign(f.box.padded(), value);
  f.species.push_back(sp);
  return f;
}

CheckpointHeader at_step(long long steps) {
  CheckpointHeader h;
  h.spacing = {1, 1, 1};
  h.time = double(steps);
  h.steps = steps;
  h.outputs = 1;
  h.physics = "x: 1\n";
  h.physics_hash = fnv1a64(h.physics);
  return h;
}

TEST(CheckpointStore, LatestNamesTheNewestAndKeepPrunes) {
  test::TempDir dir;
  const CheckpointStore store(dir.path() + "/checkpoints");
  EXPECT_EQ(store.latest(), "");
  for (long long s : {10, 20, 30, 40}) {
    const std::string file = save_checkpoint(store, at_step(s), tiny_fields(float(s)), 2);
    EXPECT_EQ(file, store.file_for(s));
    EXPECT_EQ(store.latest(), file);
  }
  const auto files = store.list();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], store.file_for(40));
  EXPECT_EQ(files[1], store.file_for(30));
  EXPECT_EQ(test::slurp(dir.path() + "/checkpoints/latest"), "step_000000000040.ckpt\n");
}

TEST(CheckpointStore, LaterCheckpointsOfAnAbandonedRunStayUntilPassed) {
  test::TempDir dir;
  const CheckpointStore store(dir.path() + "/ck");
  for (long long s : {10, 20, 30}) save_checkpoint(store, at_step(s), tiny_fields(1), 5);
  // A run restarted from step 10 writes step 15 with keep = 1: 20 and 30 are not its own.
  save_checkpoint(store, at_step(15), tiny_fields(2), 1);
  EXPECT_EQ(store.latest(), store.file_for(15));
  EXPECT_FALSE(fs::exists(store.file_for(10)));
  EXPECT_TRUE(fs::exists(store.file_for(20)));
  EXPECT_TRUE(fs::exists(store.file_for(30)));
}

TEST(CheckpointStore, AFailedWriteKeepsThePreviousCheckpointAndLatest) {
  test::TempDir dir;
  const CheckpointStore store(dir.path() + "/ck");
  const std::string first = save_checkpoint(store, at_step(10), tiny_fields(1), 3);
  // A directory where the temporary file should go makes the next write fail.
  fs::create_directories(store.file_for(20) + ".tmp");
  EXPECT_THROW(save_checkpoint(store, at_step(20), tiny_fields(2), 3), IoError);
  EXPECT_EQ(store.latest(), first);
  EXPECT_FALSE(fs::exists(store.file_for(20)));
  EXPECT_NO_THROW(test::checkpoint_data(first));
}

TEST(CheckpointStore, RemovesTemporariesOfAKilledWriter) {
  test::TempDir dir;
  fs::create_directories(dir.path() + "/ck");
  const std::string tmp = dir.write("ck/step_000000000005.ckpt.tmp", "half a checkpoint");
  const CheckpointStore store(dir.path() + "/ck");
  EXPECT_TRUE(store.list().empty());  // a temporary file is never a checkpoint
  store.remove_temporaries();
  EXPECT_FALSE(fs::exists(tmp));
}

TEST(CheckpointStore, StepNumbersAreParsedFromNamesOnly) {
  EXPECT_EQ(checkpoint_step_of("step_000000001234.ckpt"), 1234);
  EXPECT_EQ(checkpoint_step_of("step_1234.ckpt"), 1234);
  EXPECT_EQ(checkpoint_step_of("step_000000001234.ckpt.tmp"), -1);
  EXPECT_EQ(checkpoint_step_of("step_.ckpt"), -1);
  EXPECT_EQ(checkpoint_step_of("step_12a4.ckpt"), -1);
  EXPECT_EQ(checkpoint_step_of("latest"), -1);
}

TEST(RestartOutputs, PvdKeepsTheFirstEntries) {
  test::TempDir dir;
  const std::string path = dir.path() + "/fields.pvd";
  PvdIndex pvd(path);
  for (int i = 0; i < 5; ++i) pvd.add(0.1 * i, "fields/00000" + std::to_string(i) + ".vti");
  PvdIndex again(path);
  again.load();
  ASSERT_EQ(again.size(), 5u);
  EXPECT_EQ(again.time(3), 0.1 * 3);  // written with 17 digits: exact
  again.keep_first(2);
  again.write();
  const auto entries = test::pvd_entries(path);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].second, "fields/000001.vti");
}

TEST(RestartOutputs, CsvKeepsCompleteRowsAndContinues) {
  test::TempDir dir;
  // Three rows, the last one cut short by a full disk.
  const std::string path = dir.write("t.csv", "time,u\n0,1\n1,2\n2,3");
  {
    TimeseriesCsv csv(path, {"time", "u"}, 5);
    csv.append({3, 4});
  }
  EXPECT_EQ(test::slurp(path), "time,u\n0,1\n1,2\n3,4\n");
  {
    TimeseriesCsv csv(path, {"time", "u"}, 1);
    csv.append({1.5, 9});
  }
  EXPECT_EQ(test::slurp(path), "time,u\n0,1\n1.5,9\n");
  EXPECT_THROW(TimeseriesCsv(path, {"time", "v"}, 1), InputError);
  EXPECT_EQ(test::slurp(path), "time,u\n0,1\n1.5,9\n");  // a refused restart changes nothing
}

}  // namespace
}  // namespace lobule
