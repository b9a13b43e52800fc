// Replays the fuzzing corpus and every input the fuzzer ever found a problem with
// (fuzz/corpus/TARGET, fuzz/regressions/TARGET) through the same bodies as the libFuzzer
// targets, so that every build checks them without clang.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "fuzz/fuzz_inputs.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

using Body = void (*)(const std::uint8_t*, std::size_t);

// Feeds every file under fuzz/{corpus,regressions}/target to body; returns how many.
std::size_t replay(const std::string& target, Body body) {
  std::size_t n = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = test::source_path(std::string("fuzz/") + kind + "/" + target);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (!e.is_regular_file() || e.path().filename().string()[0] == '.') continue;
      const std::string bytes = test::slurp(e.path().string());
      SCOPED_TRACE(e.path().string());
      EXPECT_NO_THROW(body(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
      ++n;
    }
  }
  return n;
}

TEST(FuzzRegressions, ConfigInputs) {
  EXPECT_GE(replay("config", fuzz::config_input), 3u);
}

TEST(FuzzRegressions, UnitsInputs) {
  EXPECT_GE(replay("units", fuzz::units_input), 10u);
}

TEST(FuzzRegressions, VtiInputs) {
  EXPECT_GE(replay("vti", fuzz::vti_input), 2u);
}

TEST(FuzzRegressions, CheckpointInputs) {
  EXPECT_GE(replay("checkpoint", fuzz::checkpoint_input), 3u);
}

TEST(FuzzRegressions, TheCheckpointCorpusPassesTheReaderAndTheConfigCheck) {
  // The seed checkpoints must pass the reader, or the fuzzer would only see its front door.
  const std::string path = test::source_path("fuzz/corpus/checkpoint/float.ckpt");
  CheckpointHeader h;
  EXPECT_NO_THROW(test::checkpoint_data(path, &h));
  EXPECT_NO_THROW(check_matches_config(h, path, fuzz::fuzz_checkpoint_config()));
  const std::string other = test::source_path("fuzz/corpus/checkpoint/other_physics.ckpt");
  test::checkpoint_data(other, &h);
  EXPECT_THROW(check_matches_config(h, other, fuzz::fuzz_checkpoint_config()), CheckpointError);
}

}  // namespace
}  // namespace lobule
