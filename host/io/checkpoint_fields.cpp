// Checkpoint field data: writing interior voxels with CRC-32, reading and verifying them.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "atomic_file.hpp"
#include "checkpoint_format.hpp"

namespace lobule {
namespace {

constexpr std::size_t kChunkBytes = std::size_t(4) << 20;  // staging buffer for file I/O

// Calls fn(row pointer) for every interior row (x fastest, then y, then z) of a padded array.
template <class T, class Fn>
void for_each_row(const Box& b, T* padded, Fn&& fn) {
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) fn(padded + b.idx(0, j, k));
}

// Rows per staging chunk: at least one.
std::size_t rows_per_chunk(const Box& b, std::size_t word) {
  return std::max<std::size_t>(1, kChunkBytes / (std::size_t(b.nx) * word));
}

}  // namespace

template <class T>
void write_checkpoint(const std::string& path, CheckpointHeader h, const Box& b,
                      const std::vector<NamedArray<const T>>& fields) {
  const std::size_t row_bytes = std::size_t(b.nx) * sizeof(T);
  h.word_size = sizeof(T);
  h.box = b;
  h.fields.clear();
  for (const auto& sp : fields) {
    std::uint32_t crc = 0;
    for_each_row(b, sp.data, [&](const T* row) { crc = crc32_of(crc, row, row_bytes); });
    h.fields.push_back({sp.name, b.interior(), crc, 0});
  }
  AtomicFileWriter out(path);
  const std::string head = encode_checkpoint_header(h);
  out.write(head.data(), head.size());
  const std::size_t per_chunk = rows_per_chunk(b, sizeof(T));
  std::vector<T> stage(per_chunk * std::size_t(b.nx));
  for (const auto& sp : fields) {
    std::size_t rows = 0;
    for_each_row(b, sp.data, [&](const T* row) {
      std::copy(row, row + b.nx, stage.data() + rows * std::size_t(b.nx));
      if (++rows == per_chunk) {
        out.write(stage.data(), rows * row_bytes);
        rows = 0;
      }
    });
    if (rows) out.write(stage.data(), rows * row_bytes);
  }
  out.commit();
}

void verify_checkpoint_data(const ByteSource& src, const CheckpointHeader& h) {
  std::vector<char> buf(kChunkBytes);
  for (const auto& f : h.fields) {
    std::uint32_t crc = 0;
    const std::uint64_t bytes = f.count * h.word_size;
    for (std::uint64_t done = 0; done < bytes;) {
      const std::size_t n = std::size_t(std::min<std::uint64_t>(buf.size(), bytes - done));
      src.read(f.offset + done, buf.data(), n);
      crc = crc32_of(crc, buf.data(), n);
      done += n;
    }
    if (crc != f.crc)
      throw CheckpointError(fmt::format(
          "{}: field '{}' is damaged (its CRC-32 does not match); use an older checkpoint",
          src.name(), f.name));
  }
}

template <class T>
void read_checkpoint_fields(const ByteSource& src, const CheckpointHeader& h, const Box& b,
                            const std::vector<NamedArray<T>>& fields) {
  if (h.word_size != sizeof(T))
    throw CheckpointError(fmt::format("{}: holds {}-byte values, the run uses {}-byte values",
                                      src.name(), h.word_size, sizeof(T)));
  if (h.box.nx != b.nx || h.box.ny != b.ny || h.box.nz != b.nz)
    throw CheckpointError(fmt::format("{}: holds {}x{}x{} voxels, the run has {}x{}x{}", src.name(),
                                      h.box.nx, h.box.ny, h.box.nz, b.nx, b.ny, b.nz));
  const std::size_t row_bytes = std::size_t(b.nx) * sizeof(T);
  const std::size_t per_chunk = rows_per_chunk(b, sizeof(T));
  std::vector<T> stage(per_chunk * std::size_t(b.nx));
  for (const auto& sp : fields) {
    const auto it = std::find_if(h.fields.begin(), h.fields.end(),
                                 [&](const CheckpointField& c) { return c.name == sp.name; });
    if (it == h.fields.end())
      throw CheckpointError(fmt::format("{}: has no field '{}'", src.name(), sp.name));
    std::uint32_t crc = 0;
    std::size_t rows = 0, left = 0;
    std::uint64_t offset = it->offset;
    for_each_row(b, sp.data, [&](T* row) {
      if (left == 0) {  // refill the staging buffer with the next rows of the file
        left = std::min<std::size_t>(per_chunk, std::size_t(b.ny) * b.nz - rows);
        src.read(offset, stage.data(), left * row_bytes);
        crc = crc32_of(crc, stage.data(), left * row_bytes);
        offset += left * row_bytes;
      }
      const std::size_t in_chunk = (rows % per_chunk) * std::size_t(b.nx);
      std::copy(stage.data() + in_chunk, stage.data() + in_chunk + b.nx, row);
      ++rows;
      --left;
    });
    if (crc != it->crc)
      throw CheckpointError(fmt::format(
          "{}: field '{}' is damaged (its CRC-32 does not match); use an older checkpoint",
          src.name(), sp.name));
  }
}

#define LOBULE_INSTANTIATE(T)                                                                     \
  template void write_checkpoint<T>(const std::string&, CheckpointHeader, const Box&,             \
                                    const std::vector<NamedArray<const T>>&);                     \
  template void read_checkpoint_fields<T>(const ByteSource&, const CheckpointHeader&, const Box&, \
                                          const std::vector<NamedArray<T>>&);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)
#undef LOBULE_INSTANTIATE

}  // namespace lobule
