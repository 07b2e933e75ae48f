// The parts of the block format on their own: encodings (every entry of each table, whole and by
// range), varint skipping, compressions, value serialization, the trace-id bloom filter, trace and
// shape tables, the dictionary interner, the footer, and FindTrace's use of the bloom filter.
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/random.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/attribute_shapes.h"
#include "storage/embedded/block/block_format.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_test_util.h"
#include "storage/embedded/block/block_writer.h"
#include "storage/embedded/block/byte_io.h"
#include "storage/embedded/block/chunk_encoder.h"
#include "storage/embedded/block/compression.h"
#include "storage/embedded/block/dictionary_interner.h"
#include "storage/embedded/block/encoding.h"
#include "storage/embedded/block/trace_id_bloom.h"
#include "storage/embedded/block/trace_table.h"
#include "storage/embedded/block/value_codec.h"

namespace weft::storage::embedded::block {
namespace {

std::vector<std::vector<uint64_t>> U64Cases() {
  RandomGenerator rng(1);
  std::vector<std::vector<uint64_t>> cases = {{}, {0}, {7, 7, 7, 7}, {UINT64_MAX, 0, 1}};
  std::vector<uint64_t> small, large, mixed;
  for (int i = 0; i < 5000; ++i) {
    small.push_back(rng.Next() % 100);
    large.push_back(rng.Next());
    mixed.push_back(rng.Next() >> (rng.Next() % 64));
  }
  cases.push_back(small);
  cases.push_back(large);
  cases.push_back(mixed);
  return cases;
}

TEST(U64Encodings, EveryEntryRoundTripsWholeAndByRange) {
  for (const U64Encoding* e : U64Encodings()) {
    for (const std::vector<uint64_t>& values : U64Cases()) {
      if (e->encoded_size(values) == kNotApplicable) continue;
      std::string bytes;
      e->encode(values, &bytes);
      EXPECT_EQ(bytes.size(), e->encoded_size(values)) << e->name;
      std::vector<uint64_t> out(values.size());
      ASSERT_TRUE(e->decode(bytes, values.size(), 0, out)) << e->name;
      EXPECT_EQ(out, values) << e->name;
      if (values.size() > 10) {
        std::vector<uint64_t> part(values.size() / 3);
        ASSERT_TRUE(e->decode(bytes, values.size(), 5, part)) << e->name;
        EXPECT_TRUE(std::equal(part.begin(), part.end(), values.begin() + 5)) << e->name;
      }
      // Damaged input fails or decodes something, but never reads out of bounds (ASan).
      for (size_t cut = 0; cut < bytes.size() && cut < 64; ++cut) {
        std::vector<uint64_t> scratch(values.size());
        (void)e->decode(std::string_view(bytes).substr(0, cut), values.size(), 0, scratch);
      }
    }
  }
  EXPECT_EQ(FindU64Encoding(0), nullptr);
  EXPECT_EQ(FindU64Encoding(kU64BytePlanes.id), &kU64BytePlanes);
}

TEST(SkipVarints, LandsWhereDecodingWouldAndStopsAtTheEnd) {
  RandomGenerator rng(5);
  std::string bytes;
  std::vector<size_t> ends;  // ends[i]: offset just past varint i
  for (int i = 0; i < 300; ++i) {
    // Runs of one-byte values (the word-at-a-time path) and of wide ones.
    const uint64_t v = (i / 40) % 2 == 0 ? rng.Next() % 128 : rng.Next() >> (rng.Next() % 64);
    PutVarint64(bytes, v);
    ends.push_back(bytes.size());
  }
  const char* begin = bytes.data();
  const char* end = begin + bytes.size();
  for (size_t from = 0; from < 20; ++from) {
    const char* start = from == 0 ? begin : begin + ends[from - 1];
    for (size_t n = 0; from + n <= ends.size(); ++n) {
      const char* p = SkipVarints(start, end, n);
      const size_t expected = from + n == 0 ? 0 : ends[from + n - 1];
      ASSERT_EQ(p, begin + expected) << "from " << from << " skipping " << n;
    }
    EXPECT_EQ(SkipVarints(start, end, ends.size() - from + 1), nullptr);
  }
  // A truncated stream holds fewer varints.
  EXPECT_EQ(SkipVarints(begin, begin + ends[99] - 1, 100), nullptr);
  EXPECT_EQ(SkipVarints(begin, begin + ends[99], 100), begin + ends[99]);
}

TEST(StringEncodings, EveryEntryRoundTripsWholeAndByRange) {
  std::vector<std::string> storage = {"", "a", "bb", "a", std::string(300, 'z'), "", "\xff\x00x"};
  for (int i = 0; i < 500; ++i) storage.push_back("user-" + std::to_string(i % 37));
  std::vector<std::string_view> distinct;
  std::vector<uint32_t> ids;
  size_t total = 0;
  for (const std::string& s : storage) {
    auto it = std::find(distinct.begin(), distinct.end(), s);
    if (it == distinct.end()) it = distinct.insert(distinct.end(), s);
    ids.push_back(static_cast<uint32_t>(it - distinct.begin()));
    total += s.size();
  }
  const StringColumnValues values{distinct, ids, total};
  for (const StringEncoding* e : StringEncodings()) {
    std::string bytes;
    e->encode(values, &bytes);
    EXPECT_EQ(bytes.size(), e->encoded_size(values)) << e->name;
    DecodedStrings out;
    ASSERT_TRUE(e->decode(bytes, storage.size(), 0, storage.size(), &out)) << e->name;
    ASSERT_EQ(out.size(), storage.size());
    for (size_t i = 0; i < storage.size(); ++i) EXPECT_EQ(out[i], storage[i]) << e->name;
    DecodedStrings part;
    ASSERT_TRUE(e->decode(bytes, storage.size(), 3, 100, &part)) << e->name;
    ASSERT_EQ(part.size(), 97u);
    for (size_t i = 0; i < part.size(); ++i) EXPECT_EQ(part[i], storage[3 + i]) << e->name;
    for (size_t cut = 0; cut < bytes.size(); cut += 7) {
      DecodedStrings scratch;
      EXPECT_FALSE(e->decode(std::string_view(bytes).substr(0, cut), storage.size(), 0,
                             storage.size(), &scratch))
          << e->name << " cut at " << cut;
    }
  }
}

TEST(ChunkEncoder, PicksTheSmallestEncodingAndCompression) {
  std::vector<uint64_t> constant(10'000, 5);
  EncodedChunk c = EncodeU64Chunk(constant, 3);
  EXPECT_EQ(c.encoding, kU64Constant.id);
  EXPECT_LE(c.stored.size(), 2u);
  RandomGenerator rng(3);
  std::string ids;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t v = rng.Next();
    ids.append(reinterpret_cast<const char*>(&v), 8);
  }
  EncodedChunk raw = EncodeRawChunk(ids, 1000, 3);
  EXPECT_EQ(raw.compression, static_cast<uint8_t>(CompressionId::kNone));  // random: no gain
  EXPECT_EQ(raw.checksum, Checksum(raw.stored));
}

TEST(Compression, RoundTripsAndRejectsWrongSizes) {
  const std::string raw(100'000, 'q');
  std::string stored;
  kZstdCompression.compress(raw, 3, &stored);
  std::unique_ptr<char[]> scratch;
  absl::StatusOr<std::string_view> back = kZstdCompression.decompress(stored, raw.size(), &scratch);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, raw);
  EXPECT_FALSE(kZstdCompression.decompress(stored, raw.size() - 1, &scratch).ok());
  EXPECT_FALSE(
      kZstdCompression.decompress(stored.substr(0, stored.size() / 2), raw.size(), &scratch).ok());
  EXPECT_FALSE(kNoCompression.decompress("abc", 4, &scratch).ok());
  EXPECT_EQ(FindCompression(7), nullptr);
}

TEST(ValueCodec, NestingBeyondTheLimitIsRejected) {
  Arena arena;
  AnyValue v = AnyValue::Int(1);
  for (int d = 1; d < kMaxAnyValueDepth; ++d) {
    v = AnyValue::Array(arena.CopyArray(std::span<const AnyValue>(&v, 1)));
  }
  std::string ok;
  PutValue(ok, v);
  AnyValue back;
  ByteReader reader(ok);
  ASSERT_TRUE(ReadValue(reader, arena, &back));
  EXPECT_TRUE(back == v);
  AnyValue deeper = AnyValue::Array(arena.CopyArray(std::span<const AnyValue>(&v, 1)));
  std::string too_deep;
  PutValue(too_deep, deeper);
  ByteReader reader2(too_deep);
  EXPECT_FALSE(ReadValue(reader2, arena, &back));
}

TEST(TraceIdBloom, NoFalseNegativesAndAboutOnePercentFalsePositives) {
  RandomGenerator rng(11);
  std::vector<TraceId> ids;
  std::vector<uint64_t> hashes;
  for (int i = 0; i < 50'000; ++i) {
    ids.push_back(TraceId::Random(rng));
    hashes.push_back(TraceIdBloom::Hash(ids.back()));
  }
  const TraceIdBloom bloom = TraceIdBloom::Build(hashes, 0.01);
  for (const TraceId& id : ids) ASSERT_TRUE(bloom.MayContain(id));
  int positives = 0;
  const int probes = 200'000;
  for (int i = 0; i < probes; ++i) positives += bloom.MayContain(TraceId::Random(rng));
  const double rate = static_cast<double>(positives) / probes;
  EXPECT_LT(rate, 0.015);
  absl::StatusOr<TraceIdBloom> back = TraceIdBloom::Decode(bloom.Encode());
  ASSERT_TRUE(back.ok());
  for (const TraceId& id : ids) ASSERT_TRUE(back->MayContain(id));
  EXPECT_FALSE(TraceIdBloom::Decode("short").ok());
}

TEST(TraceTable, RoundTripsAndChecksOrder) {
  std::vector<TracePiece> pieces(3);
  RandomGenerator rng(2);
  for (auto& p : pieces) p.trace_id = TraceId::Random(rng);
  std::sort(pieces.begin(), pieces.end(),
            [](const TracePiece& a, const TracePiece& b) { return a.trace_id < b.trace_id; });
  uint32_t row = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    pieces[i].first_row = row;
    pieces[i].rows = 3 + static_cast<uint32_t>(i);
    row += pieces[i].rows;
    pieces[i].summary = {1000 + i, 50, pieces[i].rows, 1, 2, 3};
    pieces[i].piece_start = 1000 + i + 7;
  }
  const std::string bytes = EncodeTraceTable(pieces);
  std::vector<TracePiece> back;
  ASSERT_TRUE(DecodeTraceTable(bytes, 3, row, &back));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back[i].trace_id, pieces[i].trace_id);
    EXPECT_EQ(back[i].first_row, pieces[i].first_row);
    EXPECT_EQ(back[i].rows, pieces[i].rows);
    EXPECT_EQ(back[i].piece_start, pieces[i].piece_start);
    EXPECT_EQ(back[i].summary.start, pieces[i].summary.start);
    EXPECT_EQ(back[i].summary.root_name, 3u);
  }
  EXPECT_FALSE(DecodeTraceTable(bytes, 3, row + 1, &back));  // rows must add up
  std::swap(pieces[0], pieces[1]);
  EXPECT_FALSE(DecodeTraceTable(EncodeTraceTable(pieces), 3, row, &back));  // order
}

TEST(TraceTable, FindTracePieceAgreesWithTheWholeDecode) {
  RandomGenerator rng(3);
  std::vector<TracePiece> pieces(700);
  for (auto& p : pieces) p.trace_id = TraceId::Random(rng);
  std::sort(pieces.begin(), pieces.end(),
            [](const TracePiece& a, const TracePiece& b) { return a.trace_id < b.trace_id; });
  uint32_t row = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    pieces[i].first_row = row;
    pieces[i].rows = 1 + static_cast<uint32_t>(rng.Next() % (i % 50 == 0 ? 5000 : 30));
    row += pieces[i].rows;
    pieces[i].summary = {
        1'700'000'000'000'000'000 + (rng.Next() >> 20), rng.Next() >> 30, pieces[i].rows, 0, 1, 1};
    pieces[i].piece_start = pieces[i].summary.start + (i % 3 == 0 ? rng.Next() >> 40 : 0);
  }
  const std::string bytes = EncodeTraceTable(pieces);
  const auto count = static_cast<uint32_t>(pieces.size());
  for (const TracePiece& want : pieces) {
    bool found = false;
    TracePiece got;
    ASSERT_TRUE(FindTracePiece(bytes, count, row, want.trace_id, &found, &got));
    ASSERT_TRUE(found);
    EXPECT_EQ(got.trace_id, want.trace_id);
    EXPECT_EQ(got.first_row, want.first_row);
    EXPECT_EQ(got.rows, want.rows);
    EXPECT_EQ(got.piece_start, want.piece_start);
    EXPECT_EQ(got.summary.start, want.summary.start);
  }
  for (int i = 0; i < 100; ++i) {
    bool found = true;
    TracePiece got;
    ASSERT_TRUE(FindTracePiece(bytes, count, row, TraceId::Random(rng), &found, &got));
    EXPECT_FALSE(found);
  }
  bool found = false;
  TracePiece got;
  EXPECT_FALSE(FindTracePiece(bytes, count, row + 1, pieces[5].trace_id, &found, &got));
  for (size_t cut = 0; cut < bytes.size(); cut += 97) {  // never reads out of bounds (ASan)
    (void)FindTracePiece(std::string_view(bytes).substr(0, cut), count, row,
                         pieces[cut % count].trace_id, &found, &got);
  }
}

TEST(ShapeTable, RejectsKeysPastTheDictionary) {
  std::string shape;
  const ShapeEntry entries[] = {{0, ValueType::kString}, {4, ValueType::kInt}};
  AppendShape(entries, &shape);
  const std::string table = EncodeShapeTable(std::vector<std::string>{shape});
  ShapeTable shapes;
  ASSERT_TRUE(DecodeShapeTable(table, 1, 5, &shapes));
  EXPECT_EQ(shapes[0].size(), 2u);
  EXPECT_FALSE(DecodeShapeTable(table, 1, 4, &shapes));
}

TEST(Footer, RoundTripsAndChecksItself) {
  Footer f;
  f.meta_offset = 16;
  f.meta_size = 100;
  f.bloom_checksum = 99;
  const std::string bytes = EncodeFooter(f);
  ASSERT_EQ(bytes.size(), kBlockFooterSize);
  absl::StatusOr<Footer> back = DecodeFooter(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->meta_size, 100u);
  EXPECT_EQ(back->bloom_checksum, 99u);
  std::string bad = bytes;
  bad[3] ^= 1;
  EXPECT_EQ(DecodeFooter(bad).status().code(), absl::StatusCode::kDataLoss);
}

TEST(DictionaryInterner, CopiesEachEntryOncePerBatch) {
  std::vector<std::string> dictionary;
  for (int i = 0; i < 10'000; ++i) dictionary.push_back("GET /users/" + std::to_string(i));
  std::atomic<uint64_t> slots{0};
  DictionaryInterner interner(dictionary, &slots);
  const uint64_t initial = slots.load();
  EXPECT_LT(initial, 100u);  // not in proportion to the dictionary
  for (int round = 0; round < 3; ++round) {
    Arena arena;
    interner.Reset(arena);
    const uint32_t used = round == 1 ? 5'000 : 3;  // the table grows once, then is reused
    for (uint32_t i = 0; i < used; ++i) {
      const uint32_t index = (i * 7919) % 10'000;
      const std::string_view first = interner.Get(index);
      EXPECT_EQ(first, dictionary[index]);
      EXPECT_EQ(interner.Get(index).data(), first.data());  // one copy per batch
      EXPECT_NE(first.data(), dictionary[index].data());    // in the arena
    }
    EXPECT_EQ(interner.size(), used);
  }
  // Doubling until 5,000 entries fill at most half the table: under 8 slots per entry in all.
  EXPECT_LE(slots.load(), initial + 8 * 5'000u);
}

TEST(FindTrace, AbsentIdsAreMostlyAnsweredByTheBloomFilter) {
  testing::ScratchDir dir;
  SpanBatch spans;
  TraceGenerator generator(8);
  generator.Fill(spans, 30'000);
  const SpanBatch* batches[] = {&spans};
  ASSERT_TRUE(WriteBlock(PosixFileSystem(), dir.File("f.block"), batches).ok());
  absl::StatusOr<std::unique_ptr<BlockReader>> reader =
      BlockReader::Open(PosixFileSystem(), dir.File("f.block"));
  ASSERT_TRUE(reader.ok());
  RandomGenerator rng(1);
  const int probes = 5000;
  for (int i = 0; i < probes; ++i) {
    absl::StatusOr<std::unique_ptr<SpanBatch>> trace = (*reader)->FindTrace(TraceId::Random(rng));
    ASSERT_TRUE(trace.ok());
    EXPECT_TRUE((*trace)->empty());
  }
  const BlockReadStats stats = (*reader)->stats();
  EXPECT_GE(stats.bloom_negatives, probes * 97 / 100);
  // The few false positives read one trace table each, never a whole row group.
  EXPECT_LE(stats.file_reads, probes - stats.bloom_negatives);
  // Every present trace passes the filter.
  for (const auto& [id, indexes] : testing::GroupByTrace(spans)) {
    EXPECT_TRUE((*reader)->MayContainTrace(id));
  }
}

}  // namespace
}  // namespace weft::storage::embedded::block
