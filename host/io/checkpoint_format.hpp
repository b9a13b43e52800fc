/// Checkpoint files: the solver state of a run at one time, from which a run continues.
///
/// Format version 1 (little-endian; docs/long-runs.md has the same table):
///
///   offset size  content
///   0      8     magic "LOBULECK"
///   8      4     u32 format version (1)
///   12     4     u32 header size H: bytes before the first field's data, header CRC included
///   16     4     u32 word size of the field data: 4 (float32) or 8 (float64)
///   20     4     u32 number of fields F
///   24     36    i32 box nx ny nz (interior voxels), ox oy oz (global offset), gx gy gz (grid)
///   60     4     u32 model events applied (therapy doses; 0 in files without any)
///   64     24    f64 voxel spacing x y z [um]
///   88     8     f64 tissue time t [s]
///   96     8     i64 completed time steps
///   104    8     u64 output times already written (t = 0 included)
///   112    8     u64 physics hash: FNV-1a 64 of the physics text
///   120    16    u64 RNG seed, u64 RNG counter (placeholder: the model draws no random numbers
///   yet) 136    4+P   u32 P, then the physics text (YAML, see physics_text)
///   ...    4+W   u32 W, then the writer ("lobule VERSION (GIT)")
///   ...          F times: u32 name length, name, u64 value count (nx·ny·nz), u32 CRC-32 of the
///   data H-4    4     u32 CRC-32 of bytes [0, H-4) H            F arrays of count × word size
///   bytes: interior voxels, x fastest, IEEE 754
///
/// CRC-32 is zlib's crc32 (ISO-HDLC polynomial 0xEDB88320, as in gzip and PNG). The file
/// size is exactly H plus the data of all fields; anything else is a truncated or damaged file.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "host/errors.hpp"
#include "kernels/grid.hpp"

namespace lobule {

inline constexpr std::uint32_t kCheckpointVersion = 1;

/// A checkpoint that cannot be used: unreadable, damaged, truncated, from another format
/// version, or not matching the config. Exit code 2.
class CheckpointError : public InputError {
 public:
  using InputError::InputError;
};

/// Random-number generator state. Placeholder: the model draws no random numbers yet; a
/// counter-based generator (Philox) is fully described by its seed and draw counter.
struct RngState {
  std::uint64_t seed = 0;
  std::uint64_t counter = 0;
};

/// One field of a checkpoint: its name and where and how its data is stored.
struct CheckpointField {
  std::string name;
  std::uint64_t count = 0;   ///< number of values (interior voxels)
  std::uint32_t crc = 0;     ///< CRC-32 of the field's data bytes
  std::uint64_t offset = 0;  ///< byte offset of the data in the file
};

/// Everything a checkpoint says about itself, without the field data.
struct CheckpointHeader {
  std::uint32_t version = kCheckpointVersion;
  std::uint32_t word_size = 4;  ///< bytes per value: 4 (float) or 8 (double)
  Box box;
  std::array<double, 3> spacing{};  ///< [µm]
  double time = 0;                  ///< tissue time [s]
  long long steps = 0;              ///< completed time steps
  std::uint32_t events = 0;         ///< model events (therapy doses) applied so far
  std::uint64_t outputs = 0;        ///< output times written so far, t = 0 included
  std::uint64_t physics_hash = 0;   ///< FNV-1a 64 of physics
  RngState rng;
  std::string physics;  ///< physics-relevant resolved config (YAML)
  std::string writer;   ///< the lobule that wrote it
  std::vector<CheckpointField> fields;
  std::uint64_t header_size = 0;  ///< bytes before the first field's data
  std::uint64_t file_size = 0;    ///< header_size plus all field data
};

/// Random access to the bytes of a checkpoint: a file, or memory (tests, fuzzing).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  /// Reads n bytes at offset; throws CheckpointError when the source is shorter.
  virtual void read(std::uint64_t offset, void* dst, std::size_t n) const = 0;
  /// The name used in error messages (the file path).
  virtual const std::string& name() const = 0;
};

/// A checkpoint file opened for reading. Throws CheckpointError when it cannot be opened.
class FileSource final : public ByteSource {
 public:
  explicit FileSource(std::string path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, void* dst, std::size_t n) const override;
  const std::string& name() const override { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// Checkpoint bytes held in memory (not owned).
class MemorySource final : public ByteSource {
 public:
  MemorySource(const void* data, std::size_t n, std::string name)
      : data_(static_cast<const unsigned char*>(data)), n_(n), name_(std::move(name)) {}
  std::uint64_t size() const override { return n_; }
  void read(std::uint64_t offset, void* dst, std::size_t n) const override;
  const std::string& name() const override { return name_; }

 private:
  const unsigned char* data_;
  std::size_t n_;
  std::string name_;
};

/// FNV-1a 64-bit hash of a byte string (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
std::uint64_t fnv1a64(const std::string& text);

/// CRC-32 (zlib) of n bytes, continuing from crc (0 to start).
std::uint32_t crc32_of(std::uint32_t crc, const void* data, std::size_t n);

/// The header bytes (everything before the field data) of h; h.fields carry names, counts
/// and CRCs. Fills h.header_size, h.file_size and the field offsets.
std::string encode_checkpoint_header(CheckpointHeader& h);

/// Reads and validates a checkpoint's header: magic, version, header CRC, sizes, grid.
/// Throws CheckpointError saying what is wrong with which file.
CheckpointHeader read_checkpoint_header(const ByteSource& src);

/// Checks every field's CRC-32; throws CheckpointError naming the first damaged field.
void verify_checkpoint_data(const ByteSource& src, const CheckpointHeader& h);

/// A named array on the padded layout of a box (halo included); checkpoints store its
/// interior voxels.
template <class T>
struct NamedArray {
  std::string name;
  T* data = nullptr;
};

/// Writes the interior of every array on box b, with the metadata of h (time, steps, outputs,
/// physics, rng, writer), to `path` atomically (temporary file, fsync, rename). The field
/// list, word size and box of h are taken from the arrays and b. Throws IoError.
template <class T>
void write_checkpoint(const std::string& path, CheckpointHeader h, const Box& b,
                      const std::vector<NamedArray<const T>>& fields);

/// Copies each checkpoint field into the interior of the array of the same name on box b,
/// checking its CRC. Requires T to match the word size. Throws CheckpointError.
template <class T>
void read_checkpoint_fields(const ByteSource& src, const CheckpointHeader& h, const Box& b,
                            const std::vector<NamedArray<T>>& fields);

}  // namespace lobule
