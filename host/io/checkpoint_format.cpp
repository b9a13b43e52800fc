// Checkpoint header encoding and validation, byte sources, hashes (format: checkpoint_format.hpp).
#include "checkpoint_format.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

namespace lobule {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "checkpoints assume a little-endian host");

constexpr char kMagic[8] = {'L', 'O', 'B', 'U', 'L', 'E', 'C', 'K'};
constexpr std::uint64_t kMaxHeader = 64u << 20;  // bytes; names and YAML are small
constexpr std::uint32_t kMaxFields = 4096;
constexpr std::uint32_t kMaxName = 255;
constexpr int kMaxAxis = 1 << 20;  // voxels per axis, as the config allows

template <class V>
void put(std::string& out, V v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void put_text(std::string& out, const std::string& s) {
  put(out, std::uint32_t(s.size()));
  out += s;
}

// Bounded reader over the header bytes: every read past the end is a CheckpointError.
class Cursor {
 public:
  Cursor(const std::string& bytes, std::size_t end, const std::string& file)
      : b_(bytes), end_(end), file_(file) {}
  template <class V>
  V get(const char* what) {
    V v;
    need(sizeof v, what);
    std::memcpy(&v, b_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string text(const char* what, std::uint64_t max) {
    const auto n = get<std::uint32_t>(what);
    if (n > max) bad(fmt::format("{} is {} bytes long (at most {} allowed)", what, n, max));
    need(n, what);
    std::string s(b_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  std::size_t pos() const { return pos_; }
  [[noreturn]] void bad(const std::string& why) const {
    throw CheckpointError(fmt::format("{}: damaged checkpoint header: {}", file_, why));
  }

 private:
  void need(std::size_t n, const char* what) const {
    if (n > end_ - pos_) bad(fmt::format("{} runs past the end of the header", what));
  }
  const std::string& b_;
  std::size_t end_, pos_ = 0;
  const std::string& file_;
};

void check_box(const Box& b, Cursor& c) {
  const int n[3] = {b.nx, b.ny, b.nz}, o[3] = {b.ox, b.oy, b.oz}, g[3] = {b.gx, b.gy, b.gz};
  for (int a = 0; a < 3; ++a)
    if (n[a] < 1 || g[a] < 1 || g[a] > kMaxAxis || o[a] < 0 || n[a] > g[a] - o[a])
      c.bad(fmt::format("impossible box {}x{}x{} at ({}, {}, {}) in a {}x{}x{} grid", b.nx, b.ny,
                        b.nz, b.ox, b.oy, b.oz, b.gx, b.gy, b.gz));
}

// Reads the fixed part after the version and header size (offsets 16..136).
void read_fixed(Cursor& c, CheckpointHeader& h, std::uint32_t& nfields) {
  h.word_size = c.get<std::uint32_t>("word size");
  if (h.word_size != 4 && h.word_size != 8)
    c.bad(fmt::format("word size {} (expected 4 or 8)", h.word_size));
  nfields = c.get<std::uint32_t>("field count");
  if (nfields < 1 || nfields > kMaxFields) c.bad(fmt::format("{} fields", nfields));
  std::int32_t box[9];
  for (auto& v : box) v = c.get<std::int32_t>("box");
  h.box = Box{box[0], box[1], box[2], box[3], box[4], box[5], box[6], box[7], box[8]};
  check_box(h.box, c);
  h.events = c.get<std::uint32_t>("event count");
  for (auto& s : h.spacing) {
    s = c.get<double>("spacing");
    if (!(std::isfinite(s) && s > 0)) c.bad(fmt::format("voxel spacing {}", s));
  }
  h.time = c.get<double>("time");
  if (!(std::isfinite(h.time) && h.time >= 0)) c.bad(fmt::format("time {}", h.time));
  h.steps = c.get<std::int64_t>("step count");
  if (h.steps < 0) c.bad(fmt::format("step count {}", h.steps));
  h.outputs = c.get<std::uint64_t>("output count");
  if (h.outputs == 0) c.bad("output count 0 (the output at t = 0 precedes every checkpoint)");
  h.physics_hash = c.get<std::uint64_t>("physics hash");
  h.rng.seed = c.get<std::uint64_t>("RNG seed");
  h.rng.counter = c.get<std::uint64_t>("RNG counter");
}

void read_fields(Cursor& c, CheckpointHeader& h, std::uint32_t nfields) {
  const std::uint64_t count = h.box.interior();
  std::uint64_t offset = h.header_size;
  for (std::uint32_t i = 0; i < nfields; ++i) {
    CheckpointField f;
    f.name = c.text("field name", kMaxName);
    if (f.name.empty()) c.bad(fmt::format("field {} has no name", i));
    f.count = c.get<std::uint64_t>("value count");
    if (f.count != count)
      c.bad(fmt::format("field '{}' has {} values but the box has {} voxels", f.name, f.count,
                        count));
    f.crc = c.get<std::uint32_t>("field CRC");
    f.offset = offset;
    const std::uint64_t bytes = f.count * h.word_size;  // count ≤ 2^60: no overflow
    if (bytes > std::numeric_limits<std::uint64_t>::max() - offset)
      c.bad("the field data sizes overflow");
    offset += bytes;
    h.fields.push_back(std::move(f));
  }
  h.file_size = offset;
}

}  // namespace

std::uint64_t fnv1a64(const std::string& text) {
  std::uint64_t x = 0xcbf29ce484222325ull;
  for (unsigned char ch : text) {
    x ^= ch;
    x *= 0x100000001b3ull;
  }
  return x;
}

std::uint32_t crc32_of(std::uint32_t crc, const void* data, std::size_t n) {
  return std::uint32_t(::crc32_z(crc, static_cast<const Bytef*>(data), n));
}

std::string encode_checkpoint_header(CheckpointHeader& h) {
  std::string out(kMagic, sizeof kMagic);
  put(out, h.version);
  put(out, std::uint32_t(0));  // header size, patched below
  put(out, h.word_size);
  put(out, std::uint32_t(h.fields.size()));
  for (int v :
       {h.box.nx, h.box.ny, h.box.nz, h.box.ox, h.box.oy, h.box.oz, h.box.gx, h.box.gy, h.box.gz})
    put(out, std::int32_t(v));
  put(out, h.events);
  for (double s : h.spacing) put(out, s);
  put(out, h.time);
  put(out, std::int64_t(h.steps));
  put(out, h.outputs);
  put(out, h.physics_hash);
  put(out, h.rng.seed);
  put(out, h.rng.counter);
  put_text(out, h.physics);
  put_text(out, h.writer);
  for (const auto& f : h.fields) {
    put_text(out, f.name);
    put(out, f.count);
    put(out, f.crc);
  }
  h.header_size = out.size() + 4;
  const auto hs = std::uint32_t(h.header_size);
  std::memcpy(&out[12], &hs, 4);
  put(out, crc32_of(0, out.data(), out.size()));
  std::uint64_t offset = h.header_size;
  for (auto& f : h.fields) {
    f.offset = offset;
    offset += f.count * h.word_size;
  }
  h.file_size = offset;
  return out;
}

CheckpointHeader read_checkpoint_header(const ByteSource& src) {
  const std::string& file = src.name();
  if (src.size() < 16)
    throw CheckpointError(
        fmt::format("{}: {} bytes is too short for a checkpoint (truncated or not a checkpoint)",
                    file, src.size()));
  char head[16];
  src.read(0, head, sizeof head);
  if (std::memcmp(head, kMagic, sizeof kMagic) != 0)
    throw CheckpointError(fmt::format("{}: not a lobule checkpoint (no LOBULECK magic)", file));
  CheckpointHeader h;
  std::uint32_t hs = 0;
  std::memcpy(&h.version, head + 8, 4);
  std::memcpy(&hs, head + 12, 4);
  if (h.version != kCheckpointVersion)
    throw CheckpointError(fmt::format(
        "{}: checkpoint format version {}, but this lobule reads version {}{}", file, h.version,
        kCheckpointVersion, h.version > kCheckpointVersion ? " (written by a newer lobule)" : ""));
  if (hs < 140 || hs > kMaxHeader)
    throw CheckpointError(fmt::format("{}: damaged checkpoint header: size {}", file, hs));
  if (hs > src.size())
    throw CheckpointError(
        fmt::format("{}: truncated: {} bytes, but the header alone has {}", file, src.size(), hs));
  h.header_size = hs;
  std::string bytes(hs, '\0');
  src.read(0, bytes.data(), hs);
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + hs - 4, 4);
  if (crc32_of(0, bytes.data(), hs - 4) != stored)
    throw CheckpointError(fmt::format(
        "{}: the header checksum does not match: the file is damaged; use an older checkpoint",
        file));
  Cursor c(bytes, hs - 4, file);
  c.get<std::uint64_t>("magic");
  c.get<std::uint64_t>("version");
  std::uint32_t nfields = 0;
  read_fixed(c, h, nfields);
  h.physics = c.text("physics text", kMaxHeader);
  h.writer = c.text("writer", 4096);
  read_fields(c, h, nfields);
  if (c.pos() != hs - 4) c.bad(fmt::format("{} unexplained bytes", hs - 4 - c.pos()));
  if (fnv1a64(h.physics) != h.physics_hash) c.bad("the physics hash does not match its text");
  if (src.size() != h.file_size)
    throw CheckpointError(fmt::format(
        "{}: {}: the file has {} bytes but its header describes {}; use an older checkpoint", file,
        src.size() < h.file_size ? "truncated" : "unexpected trailing data", src.size(),
        h.file_size));
  return h;
}

FileSource::FileSource(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0)
    throw CheckpointError(
        fmt::format("{}: cannot open the checkpoint: {}", path_, std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) throw CheckpointError(fmt::format("{}: not a regular file", path_));
  size_ = std::uint64_t(st.st_size);
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

void FileSource::read(std::uint64_t offset, void* dst, std::size_t n) const {
  auto* p = static_cast<char*>(dst);
  while (n > 0) {
    const ssize_t r = ::pread(fd_, p, n, off_t(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      throw CheckpointError(fmt::format("{}: cannot read at byte {}: {}", path_, offset,
                                        r < 0 ? std::strerror(errno) : "unexpected end of file"));
    p += r;
    offset += std::uint64_t(r);
    n -= std::size_t(r);
  }
}

void MemorySource::read(std::uint64_t offset, void* dst, std::size_t n) const {
  if (offset > n_ || n > n_ - offset)
    throw CheckpointError(fmt::format("{}: unexpected end of data at byte {}", name_, offset));
  std::memcpy(dst, data_ + offset, n);
}

}  // namespace lobule
