// See gzip.h. zlib's inflate in gzip-only mode (windowBits 15 + 16), fed the whole input, writing
// into a buffer that doubles (from a guess based on the input size) up to max_out + 1 bytes: one
// byte more than allowed is how an oversized body is detected without inflating further.
#include "http/gzip.h"

#include <algorithm>
#include <climits>
#include <cstdint>

#include <zlib.h>

#include "absl/strings/str_cat.h"

namespace weft::http {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr size_t kMinOutput = 16 * 1024;
constexpr size_t kMaxChunk = UINT_MAX;  // zlib counts in uInt

// RAII for a z_stream set up by inflateInit2.
class Inflater {
 public:
  Inflater() = default;
  ~Inflater() {
    if (ready_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool Init() {
    ready_ = inflateInit2(&stream_, kGzipWindowBits) == Z_OK;
    return ready_;
  }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ready_ = false;
};

}  // namespace

absl::StatusOr<std::string> GunzipBounded(
    std::string_view in, size_t max_out,
    absl::FunctionRef<absl::Status(size_t additional_bytes)> before_grow) {
  Inflater inflater;
  if (!inflater.Init()) return absl::InternalError("gzip: cannot initialise zlib");
  z_stream& zs = inflater.stream();

  // The buffer may hold one byte past max_out: producing it proves the body is too large.
  const size_t hard_cap = max_out == SIZE_MAX ? max_out : max_out + 1;
  std::string out;
  size_t produced = 0;
  auto grow = [&]() -> absl::Status {
    const size_t target = std::min(hard_cap, std::max(kMinOutput, out.size() * 2));
    if (target <= out.size()) return absl::OkStatus();
    if (absl::Status s = before_grow(target - out.size()); !s.ok()) return s;
    out.resize(target);
    return absl::OkStatus();
  };
  // A first guess: gzip of span data typically shrinks it 5-10x.
  {
    const size_t guess = std::min(hard_cap, std::max(kMinOutput, in.size() * 4));
    if (absl::Status s = before_grow(guess); !s.ok()) return s;
    out.resize(guess);
  }

  size_t consumed = 0;
  for (;;) {
    if (produced == out.size()) {
      if (out.size() >= hard_cap) {
        return absl::ResourceExhaustedError(
            absl::StrCat("gzip: decompressed body exceeds the limit of ", max_out, " bytes"));
      }
      if (absl::Status s = grow(); !s.ok()) return s;
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
    zs.avail_in = static_cast<uInt>(std::min(in.size() - consumed, kMaxChunk));
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min(out.size() - produced, kMaxChunk));
    const uInt in_before = zs.avail_in;
    const uInt out_before = zs.avail_out;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    consumed += in_before - zs.avail_in;
    produced += out_before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      if (consumed == in.size()) break;
      // Another member follows (or trailing garbage, which the next header check rejects).
      if (inflateReset(&zs) != Z_OK) return absl::InternalError("gzip: cannot reset zlib");
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_out != 0) {
      return absl::InvalidArgumentError("gzip: truncated body");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return absl::InvalidArgumentError(
          absl::StrCat("gzip: corrupt body (", zs.msg != nullptr ? zs.msg : "inflate failed", ")"));
    }
    if (consumed == in.size() && zs.avail_out != 0) {
      return absl::InvalidArgumentError("gzip: truncated body");
    }
  }
  if (produced > max_out) {
    return absl::ResourceExhaustedError(
        absl::StrCat("gzip: decompressed body exceeds the limit of ", max_out, " bytes"));
  }
  out.resize(produced);
  return out;
}

std::string Gzip(std::string_view in, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, std::clamp(level, 0, 9), Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(rc == Z_STREAM_END ? zs.total_out : 0);
  deflateEnd(&zs);
  return out;
}

}  // namespace weft::http
