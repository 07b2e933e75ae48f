// TraceId (16 bytes) and SpanId (8 bytes): value types with hex encoding (lowercase out,
// case-insensitive in), validity (all-zero is invalid, as in W3C and OTLP) and fast random
// generation. Thread rule: values; Random() uses the calling thread's generator.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "common/hex.h"
#include "common/random.h"

namespace weft {

// A fixed-size id. `Tag` keeps TraceId and SpanId distinct types.
template <size_t N, typename Tag>
class FixedId {
 public:
  static constexpr size_t kSize = N;
  static constexpr size_t kHexSize = 2 * N;

  constexpr FixedId() = default;  // all zero: invalid
  explicit constexpr FixedId(const std::array<uint8_t, N>& bytes) : bytes_(bytes) {}

  // From exactly N raw bytes (protobuf `bytes` fields); nullopt on any other length.
  static std::optional<FixedId> FromBytes(std::string_view raw) {
    if (raw.size() != N) return std::nullopt;
    FixedId id;
    std::memcpy(id.bytes_.data(), raw.data(), N);
    return id;
  }

  // From exactly 2N hex characters, either case; nullopt otherwise. Does not check validity.
  static std::optional<FixedId> FromHex(std::string_view hex, HexCase hex_case = HexCase::kAny) {
    FixedId id;
    if (!HexDecode(hex, id.bytes_.data(), N, hex_case)) return std::nullopt;
    return id;
  }

  // A uniformly random, valid id.
  static FixedId Random(RandomGenerator& rng = ThreadLocalRandom()) {
    static_assert(N % 8 == 0, "ids are whole 64-bit words");
    FixedId id;
    do {
      for (size_t i = 0; i < N; i += 8) {
        const uint64_t word = rng.Next();
        std::memcpy(id.bytes_.data() + i, &word, 8);
      }
    } while (!id.IsValid());
    return id;
  }

  bool IsValid() const {
    uint8_t any = 0;
    for (uint8_t b : bytes_) any |= b;
    return any != 0;
  }

  // Writes kHexSize lowercase hex characters. REQUIRES: `out` has room for them.
  void ToHex(char* out) const { HexEncode(bytes_.data(), N, out); }
  std::string ToHex() const {
    std::string s(kHexSize, '\0');
    ToHex(s.data());
    return s;
  }

  const std::array<uint8_t, N>& bytes() const { return bytes_; }
  std::string_view AsStringView() const {
    return {reinterpret_cast<const char*>(bytes_.data()), N};
  }

  // The first 8 bytes as a big-endian integer: ordering-compatible prefix, handy for hashing.
  uint64_t High64() const {
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && i < N; ++i) v = (v << 8) | bytes_[i];
    return v;
  }

  auto operator<=>(const FixedId&) const = default;
  bool operator==(const FixedId&) const = default;

  template <typename H>
  friend H AbslHashValue(H h, const FixedId& id) {
    return H::combine_contiguous(std::move(h), id.bytes_.data(), N);
  }

 private:
  std::array<uint8_t, N> bytes_{};
};

struct TraceIdTag {};
struct SpanIdTag {};
using TraceId = FixedId<16, TraceIdTag>;
using SpanId = FixedId<8, SpanIdTag>;

// std::hash support so ids key unordered containers.
struct IdHash {
  template <size_t N, typename Tag>
  size_t operator()(const FixedId<N, Tag>& id) const {
    uint64_t a = 0, b = 0;
    std::memcpy(&a, id.bytes().data(), 8);
    if constexpr (N >= 16) std::memcpy(&b, id.bytes().data() + 8, 8);
    // Random ids would need little mixing, but clients send sequential or mostly-zero ids too
    // (000…01, 000…02): without a full avalanche their hashes share their low bits and a hash
    // map degrades to a list. Combine the halves, then murmur3's fmix64 finalizer.
    uint64_t x = a ^ ((b << 32) | (b >> 32)) * 0x9e3779b97f4a7c15ULL;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return static_cast<size_t>(x);
  }
};

}  // namespace weft
