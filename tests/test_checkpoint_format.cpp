// Checkpoint format: round trips in both precisions, and every damaged or truncated file,
// foreign file or newer format version is refused with a message saying what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "host/sim/checkpoint_io.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

template <class T>
HostFields<T> sample_fields() {
  HostFields<T> f;
  f.box = whole_box(5, 4, 3);
  for (const char* name : {"tgfb", "ev"}) {
    SpeciesField<T> sp;
    sp.name = name;
    sp.u.assign(f.box.padded(), T(-7));  // halo sentinel: must not be stored
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 4; ++j)
        for (int i = 0; i < 5; ++i)
          sp.u[f.box.idx(i, j, k)] = T(std::sqrt(2.0) * (i + 10 * j + 100 * k) + name[0]);
    f.species.push_back(sp);
  }
  return f;
}

CheckpointHeader sample_header() {
  CheckpointHeader h;
  h.spacing = {5, 5, 2.5};
  h.time = 1234.5;
  h.steps = 98765;
  h.outputs = 7;
  h.physics = "grid:\n  spacing: [5 um, 5 um, 2.5 um]\n";
  h.physics_hash = fnv1a64(h.physics);
  h.rng = {42, 17};
  h.writer = "lobule test";
  return h;
}

template <class T>
class CheckpointRoundTrip : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CheckpointRoundTrip, Precisions);

TYPED_TEST(CheckpointRoundTrip, FieldsAndHeaderComeBackExactly) {
  using T = TypeParam;
  test::TempDir dir;
  const std::string path = dir.path() + "/a.ckpt";
  const HostFields<T> f = sample_fields<T>();
  write_checkpoint(path, sample_header(), f);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  FileSource src(path);
  const CheckpointHeader h = read_checkpoint_header(src);
  verify_checkpoint_data(src, h);
  EXPECT_EQ(h.word_size, sizeof(T));
  EXPECT_EQ(h.box.nx, 5);
  EXPECT_EQ(h.box.gz, 3);
  EXPECT_EQ(h.spacing[2], 2.5);
  EXPECT_EQ(h.time, 1234.5);
  EXPECT_EQ(h.steps, 98765);
  EXPECT_EQ(h.outputs, 7u);
  EXPECT_EQ(h.rng.seed, 42u);
  EXPECT_EQ(h.rng.counter, 17u);
  EXPECT_EQ(h.physics, sample_header().physics);
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.fields[0].name, "tgfb");
  EXPECT_EQ(h.fields[1].count, 60u);
  EXPECT_EQ(h.file_size, src.size());
  EXPECT_EQ(h.file_size, h.header_size + 2 * 60 * sizeof(T));

  HostFields<T> back = sample_fields<T>();
  for (auto& sp : back.species)
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 4; ++j)
        for (int i = 0; i < 5; ++i) sp.u[back.box.idx(i, j, k)] = T(0);
  std::swap(back.species[0], back.species[1]);  // matched by name, not position
  read_checkpoint_fields(src, h, back);
  for (std::size_t s = 0; s < 2; ++s) {
    const auto& want = f.species[s];
    const auto& got = back.species[1 - s];
    ASSERT_EQ(want.name, got.name);
    EXPECT_EQ(std::memcmp(want.u.data(), got.u.data(), want.u.size() * sizeof(T)), 0);
  }
}

// Writes the sample checkpoint and returns its bytes.
std::string sample_bytes(const test::TempDir& dir) {
  const std::string path = dir.path() + "/s.ckpt";
  write_checkpoint(path, sample_header(), sample_fields<float>());
  return test::slurp(path);
}

// Reads header and data of in-memory bytes; returns the error message or "".
std::string read_error(const std::string& bytes) {
  try {
    MemorySource src(bytes.data(), bytes.size(), "mem.ckpt");
    verify_checkpoint_data(src, read_checkpoint_header(src));
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

TEST(CheckpointFormat, EveryFlippedByteIsDetected) {
  test::TempDir dir;
  const std::string good = sample_bytes(dir);
  ASSERT_EQ(read_error(good), "");
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = char(bad[i] ^ 0x5a);
    EXPECT_NE(read_error(bad), "") << "a flipped byte at offset " << i << " went unnoticed";
  }
}

TEST(CheckpointFormat, DamageIsNamed) {
  test::TempDir dir;
  const std::string good = sample_bytes(dir);
  MemorySource src(good.data(), good.size(), "mem.ckpt");
  const CheckpointHeader h = read_checkpoint_header(src);
  std::string bad = good;
  bad[h.fields[1].offset + 3] ^= 1;  // inside the data of 'ev'
  EXPECT_NE(read_error(bad).find("field 'ev' is damaged"), std::string::npos) << read_error(bad);
  bad = good;
  bad[100] ^= 1;  // inside the header
  EXPECT_NE(read_error(bad).find("header checksum"), std::string::npos) << read_error(bad);
}

TEST(CheckpointFormat, EveryTruncationIsDetected) {
  test::TempDir dir;
  const std::string good = sample_bytes(dir);
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_NE(read_error(good.substr(0, n)), "") << "truncated to " << n << " bytes";
  EXPECT_NE(read_error(good.substr(0, good.size() - 1)).find("truncated"), std::string::npos);
  EXPECT_NE(read_error(good + "x").find("trailing"), std::string::npos);
}

TEST(CheckpointFormat, TruncatedFileOnDiskIsDetected) {
  test::TempDir dir;
  const std::string good = sample_bytes(dir);
  const std::string path = dir.write("cut.ckpt", good.substr(0, good.size() - 10));
  FileSource src(path);
  try {
    read_checkpoint_header(src);
    FAIL() << "a truncated file was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
  }
}

TEST(CheckpointFormat, ForeignFilesAndNewerVersionsAreRefused) {
  test::TempDir dir;
  EXPECT_NE(read_error("<?xml version=\"1.0\"?><VTKFile/>").find("not a lobule checkpoint"),
            std::string::npos);
  std::string newer = sample_bytes(dir);
  newer[8] = 2;  // format version 2
  EXPECT_NE(read_error(newer).find("newer lobule"), std::string::npos) << read_error(newer);
  EXPECT_THROW(FileSource(dir.path() + "/missing.ckpt"), CheckpointError);
}

TEST(CheckpointFormat, HashesAreTheDocumentedOnes) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);  // FNV-1a 64 test vectors
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
  EXPECT_EQ(crc32_of(0, "123456789", 9), 0xcbf43926u);  // the CRC-32 check value
}

}  // namespace
}  // namespace lobule
