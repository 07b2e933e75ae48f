// `weft store inspect` and `weft store verify` run as the real binary on data directories built
// here with the block writer and the WAL: span counts and totals, JSON, per-column sizes, a
// flipped byte in a block, torn and corrupt WAL segments, a missing directory, and that neither
// command changes a byte. Thread rule: test code, one thread per test.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <stdlib.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/span_batch.h"
#include "model/trace_generator.h"
#include "simdjson.h"
#include "storage/embedded/block/block_writer.h"
#include "storage/embedded/store/data_dir.h"
#include "storage/embedded/wal/wal.h"
#include "subprocess.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using weft::testing::CommandResult;
using weft::testing::RunCommand;
namespace embedded = weft::storage::embedded;

constexpr char kTenant[] = "single-tenant";
constexpr char kOtherTenant[] = "acme";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

// Every file under `root` with its contents.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files[entry.path().string()] = ReadAll(entry.path().string());
  }
  return files;
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::string data = ReadAll(path);
  ASSERT_LT(offset, data.size());
  data[offset] = static_cast<char>(data[offset] ^ 0x5a);
  WriteAll(path, data);
}

// A data directory: three blocks of `single-tenant`, one of `acme`, two WAL segments (5 + 3
// records) and one quarantined block.
class StoreCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/store_command_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    FileSystem& fs = PosixFileSystem();
    ASSERT_TRUE(fs.CreateDirs(embedded::TenantBlocksDir(dir_, kTenant)).ok());
    ASSERT_TRUE(fs.CreateDirs(embedded::TenantBlocksDir(dir_, kOtherTenant)).ok());
    const uint64_t traces[] = {200, 50, 120};
    for (uint64_t i = 0; i < 3; ++i) {
      blocks_.push_back(embedded::TenantBlocksDir(dir_, kTenant) + "/" +
                        embedded::BlockFileName(i + 1));
      spans_.push_back(WriteTestBlock(blocks_.back(), kTenant, traces[i], /*seed=*/i + 1));
    }
    other_block_ = embedded::TenantBlocksDir(dir_, kOtherTenant) + "/" + embedded::BlockFileName(7);
    other_spans_ = WriteTestBlock(other_block_, kOtherTenant, 30, /*seed=*/99);

    const std::string quarantine = embedded::QuarantineDir(dir_) + "/" + kTenant;
    ASSERT_TRUE(fs.CreateDirs(quarantine).ok());
    quarantined_ = quarantine + "/" + embedded::BlockFileName(9);
    WriteAll(quarantined_, "not a block any more");

    AppendWalRecords({{kTenant, 4}, {kOtherTenant, 1}});  // segment 1
    AppendWalRecords({{kTenant, 3}});                     // segment 2
    wal_segments_ = *embedded::ListWalSegments(fs, embedded::WalDir(dir_));
    ASSERT_EQ(wal_segments_.size(), 2u);
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Writes a block of `traces` generated traces; returns its span count.
  uint64_t WriteTestBlock(const std::string& path, const std::string& tenant, uint64_t traces,
                          uint64_t seed) {
    TraceGenerator generator(seed);
    SpanBatch batch;
    for (uint64_t t = 0; t < traces; ++t) generator.NextTrace(batch);
    const SpanBatch* batches[] = {&batch};
    absl::StatusOr<embedded::BlockInfo> info =
        embedded::WriteBlock(PosixFileSystem(), path, batches, {.tenant = tenant});
    EXPECT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->spans, batch.size());
    return batch.size();
  }

  // Opens the WAL (which starts a new segment), appends `count` records per tenant, closes it.
  void AppendWalRecords(const std::vector<std::pair<std::string, int>>& records) {
    absl::StatusOr<std::unique_ptr<embedded::Wal>> wal =
        embedded::Wal::Open({.dir = embedded::WalDir(dir_)});
    ASSERT_TRUE(wal.ok()) << wal.status();
    int total = 0;
    for (const auto& [tenant, count] : records) total += count;
    std::latch done(total);
    for (const auto& [tenant, count] : records) {
      for (int i = 0; i < count; ++i) {
        const std::string payload(100 + 37 * i, static_cast<char>('a' + i));
        (*wal)->Append(tenant, payload, [&done](absl::Status s) {
          EXPECT_TRUE(s.ok()) << s;
          done.count_down();
        });
      }
    }
    done.wait();
    ASSERT_TRUE((*wal)->Close().ok());
  }

  std::string SegmentPath(size_t i) const {
    return embedded::WalDir(dir_) + "/" + embedded::SegmentFileName(wal_segments_[i]);
  }

  CommandResult Store(std::vector<std::string> args) {
    args.insert(args.begin(), {WEFT_BINARY, "store"});
    return RunCommand(args);
  }

  uint64_t TenantSpans() const { return spans_[0] + spans_[1] + spans_[2]; }

  std::string dir_;
  std::vector<std::string> blocks_;
  std::vector<uint64_t> spans_;
  std::string other_block_;
  uint64_t other_spans_ = 0;
  std::string quarantined_;
  std::vector<uint64_t> wal_segments_;
};

TEST_F(StoreCommandTest, InspectShowsBlocksTotalsWalAndQuarantine) {
  const CommandResult r = Store({"inspect", dir_});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("tenant " + std::string(kTenant)));
  EXPECT_THAT(r.output, HasSubstr("tenant " + std::string(kOtherTenant)));
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_THAT(r.output, HasSubstr(embedded::BlockFileName(i + 1))) << r.output;
    EXPECT_THAT(r.output, HasSubstr(" " + std::to_string(spans_[i]) + " ")) << r.output;
  }
  EXPECT_THAT(r.output, HasSubstr("tenant total: 3 blocks,")) << r.output;
  EXPECT_THAT(r.output, HasSubstr(std::to_string(TenantSpans()) + " spans, 370 traces"));
  EXPECT_THAT(r.output, HasSubstr("total: 4 blocks,"));
  EXPECT_THAT(r.output,
              HasSubstr(std::to_string(TenantSpans() + other_spans_) + " spans, 400 traces"));
  EXPECT_THAT(r.output, HasSubstr("(2 tenants)"));
  EXPECT_THAT(r.output, HasSubstr("2023-11-14T22:13:20.")) << r.output;  // generator's start
  EXPECT_THAT(r.output, HasSubstr("2 segments,"));
  EXPECT_THAT(r.output, HasSubstr("8 records"));
  EXPECT_THAT(r.output, HasSubstr("tenant single-tenant: 7 records"));
  EXPECT_THAT(r.output, HasSubstr("tenant acme: 1 record\n"));
  EXPECT_THAT(r.output, Not(HasSubstr("problem")));
  EXPECT_THAT(r.output, HasSubstr("single-tenant/" + embedded::BlockFileName(9)));
}

TEST_F(StoreCommandTest, InspectColumnsListsColumnSizes) {
  const CommandResult r = Store({"inspect", "--columns", dir_});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("stored"));
  EXPECT_THAT(r.output, HasSubstr("span.id"));
  EXPECT_THAT(r.output, HasSubstr("span.start"));
}

TEST_F(StoreCommandTest, InspectJsonHasTheNumbers) {
  const CommandResult r = Store({"inspect", "--json", "--columns", dir_});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(r.output).get(root), simdjson::SUCCESS) << r.output;
  auto number = [](simdjson::dom::element e) {
    uint64_t v = 0;
    EXPECT_EQ(e.get(v), simdjson::SUCCESS);
    return v;
  };
  EXPECT_EQ(number(root["totals"]["blocks"]), 4u);
  EXPECT_EQ(number(root["totals"]["spans"]), TenantSpans() + other_spans_);
  EXPECT_EQ(number(root["totals"]["traces"]), 400u);
  simdjson::dom::array blocks;
  ASSERT_EQ(root["blocks"].get(blocks), simdjson::SUCCESS);
  ASSERT_EQ(blocks.size(), 4u);
  uint64_t i = 0;
  for (simdjson::dom::element block : blocks) {
    std::string_view tenant;
    ASSERT_EQ(block["tenant"].get(tenant), simdjson::SUCCESS);
    if (tenant == kTenant) {
      EXPECT_EQ(number(block["spans"]), spans_[i++]);
      EXPECT_EQ(number(block["bytes"]), std::filesystem::file_size(blocks_[i - 1]));
    } else {
      EXPECT_EQ(number(block["spans"]), other_spans_);
    }
    simdjson::dom::array columns;
    ASSERT_EQ(block["columns"].get(columns), simdjson::SUCCESS);
    EXPECT_GT(columns.size(), 10u);
  }
  EXPECT_EQ(number(root["wal"]["segments"]), 2u);
  EXPECT_EQ(number(root["wal"]["records"]), 8u);
  EXPECT_EQ(number(root["wal"]["records_by_tenant"][kTenant]), 7u);
  simdjson::dom::array quarantine;
  ASSERT_EQ(root["quarantine"].get(quarantine), simdjson::SUCCESS);
  EXPECT_EQ(quarantine.size(), 1u);
}

TEST_F(StoreCommandTest, VerifyCleanDirectoryExitsZero) {
  const CommandResult r = Store({"verify", dir_});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("blocks/single-tenant/" + embedded::BlockFileName(1) + ": ok"));
  EXPECT_THAT(r.output, HasSubstr("blocks/acme/" + embedded::BlockFileName(7) + ": ok"));
  EXPECT_THAT(r.output, HasSubstr("wal/" + embedded::SegmentFileName(wal_segments_[0]) + ": ok"));
  EXPECT_THAT(r.output, HasSubstr("6 files checked, 0 corrupt"));
  EXPECT_THAT(r.output, HasSubstr("1 quarantined block"));
}

TEST_F(StoreCommandTest, VerifyNamesABlockWithAFlippedByte) {
  FlipByte(blocks_[0], std::filesystem::file_size(blocks_[0]) / 2);
  const CommandResult r = Store({"verify", dir_});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("blocks/single-tenant/" + embedded::BlockFileName(1) + ": CORRUPT: "));
  EXPECT_THAT(r.output, HasSubstr("blocks/single-tenant/" + embedded::BlockFileName(2) + ": ok"));
  EXPECT_THAT(r.output, HasSubstr("1 corrupt"));
}

TEST_F(StoreCommandTest, TornWalTailIsReportedButIsNotCorruption) {
  const std::string newest = SegmentPath(1);
  std::filesystem::resize_file(newest, std::filesystem::file_size(newest) - 5);
  const CommandResult verify = Store({"verify", dir_});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_THAT(verify.output, HasSubstr(embedded::SegmentFileName(wal_segments_[1]) +
                                       ": ok (2 records), torn tail"));
  const CommandResult inspect = Store({"inspect", dir_});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.output;
  EXPECT_THAT(inspect.output, HasSubstr("7 records"));
  EXPECT_THAT(inspect.output, HasSubstr("problem: " + embedded::SegmentFileName(wal_segments_[1])));
  EXPECT_THAT(inspect.output, HasSubstr("cut short"));
}

TEST_F(StoreCommandTest, CorruptWalRecordFailsVerify) {
  FlipByte(SegmentPath(0), 32 + 20);  // inside the first record of the older segment
  const CommandResult r = Store({"verify", dir_});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("wal/" + embedded::SegmentFileName(wal_segments_[0]) +
                                  ": CORRUPT: record checksum mismatch at offset 32"));
  const CommandResult inspect = Store({"inspect", "--json", dir_});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.output;
  EXPECT_THAT(inspect.output, HasSubstr("\"reason\":\"record checksum mismatch\""));
}

TEST_F(StoreCommandTest, NeitherCommandChangesAByte) {
  // Damage that a repairing reader would cut off: the torn tail must survive inspect and verify.
  const std::string newest = SegmentPath(1);
  std::filesystem::resize_file(newest, std::filesystem::file_size(newest) - 5);
  FlipByte(blocks_[1], std::filesystem::file_size(blocks_[1]) / 2);
  const std::map<std::string, std::string> before = Snapshot(dir_);
  EXPECT_EQ(Store({"inspect", dir_}).exit_code, 0);
  EXPECT_EQ(Store({"inspect", "--columns", "--json", dir_}).exit_code, 0);
  EXPECT_EQ(Store({"verify", dir_}).exit_code, 1);
  EXPECT_TRUE(before == Snapshot(dir_));
}

TEST_F(StoreCommandTest, MissingDirectoryIsAUsageError) {
  for (const char* command : {"inspect", "verify"}) {
    const CommandResult r = Store({command, dir_ + "/nope"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_THAT(r.output, HasSubstr(dir_ + "/nope: no such directory"));
  }
}

TEST_F(StoreCommandTest, DirectoryThatIsNotADataDirectoryIsAUsageError) {
  const CommandResult r = Store({"verify", dir_ + "/blocks"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("not a weft data directory"));
}

TEST_F(StoreCommandTest, MissingArgumentIsAUsageError) {
  const CommandResult r = Store({"inspect"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

}  // namespace
}  // namespace weft
