// `weft store inspect DIR` and `weft store verify DIR`: read-only looks into an embedded store's
// data directory (layout: storage/embedded/store/data_dir.h).
//
//   inspect  blocks per tenant (size, spans, traces, row groups, bytes/span, time range), totals,
//            the WAL (segments, bytes, records, problems) and quarantined blocks; `--columns` adds
//            each block's per-column sizes, `--json` prints the same facts as one JSON object.
//            Opening a block checks its footer, meta section and bloom filter only.
//   verify   checks every checksum: every block is opened and Verify()ed (every chunk read and
//            decoded), every WAL segment read. One line per file, `ok` or `CORRUPT: reason`
//            (`CANNOT READ: reason` for I/O errors and formats newer than this build).
//
// Neither ever writes: blocks are opened read-only and the WAL is read with repair off, so both
// may look at the directory of a running server (blocks and segments it deletes meanwhile are
// skipped; its newest segment may show a write in progress as a torn tail). A torn tail of the
// newest WAL segment (a write cut short by a crash, which `weft serve` cuts off when it starts)
// is reported but is not corruption. Exit codes: 0 all good; 1 verify found corruption
// or a file it cannot read; 2 usage error or DIR missing, unreadable, or not a data directory.
// Thread rule: runs on the main thread only.
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/time_text.h"
#include "common/file_system.h"
#include "common/json_writer.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/store/data_dir.h"
#include "storage/embedded/wal/wal_format.h"
#include "storage/embedded/wal/wal_reader.h"

namespace weft::cli {
namespace {

using storage::embedded::BlockFileRef;
using storage::embedded::BlockInfo;
using storage::embedded::BlockReader;
using storage::embedded::WalProblem;
using storage::embedded::WalReplayStats;

constexpr int kExitOk = 0;
constexpr int kExitCorrupt = 1;
constexpr int kExitUsage = 2;

// ---- Facts gathered from a data directory ------------------------------------------------------

struct BlockFacts {
  BlockFileRef ref;
  absl::Status status;  // of opening (inspect) or verifying (verify)
  BlockInfo info;       // valid when the block opened
  std::vector<BlockReader::ColumnSize> columns;
};

struct QuarantinedBlock {
  BlockFileRef ref;
  uint64_t bytes = 0;
};

struct WalFacts {
  bool present = false;  // DIR/wal exists
  absl::Status status;   // an error that stopped the read (I/O, newer format version)
  std::vector<uint64_t> segments;
  std::map<uint64_t, uint64_t> segment_bytes;
  std::map<uint64_t, uint64_t> records_by_segment;
  std::map<std::string, uint64_t> records_by_tenant;
  WalReplayStats stats;
};

struct StoreFacts {
  std::vector<BlockFacts> blocks;
  WalFacts wal;
  std::vector<QuarantinedBlock> quarantine;
};

// OK when `root` is a readable directory holding at least one of wal/, blocks/, quarantine/.
absl::Status CheckDataDir(FileSystem& fs, const std::string& root) {
  if (!fs.Exists(root)) return absl::NotFoundError(absl::StrCat(root, ": no such directory"));
  if (absl::StatusOr<std::vector<std::string>> names = fs.ListDir(root); !names.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(root, ": not a readable directory (", names.status().message(), ")"));
  }
  if (!fs.Exists(storage::embedded::WalDir(root)) &&
      !fs.Exists(storage::embedded::BlocksDir(root)) &&
      !fs.Exists(storage::embedded::QuarantineDir(root))) {
    return absl::InvalidArgumentError(
        absl::StrCat(root, ": not a weft data directory (it has no wal/, blocks/ or quarantine/)"));
  }
  return absl::OkStatus();
}

// Debian's abseil has its own string_view type.
std::string Message(const absl::Status& status) { return std::string(status.message()); }

// Path of `path` below `root`, for display.
std::string_view Relative(std::string_view path, std::string_view root) {
  if (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/') {
    return path.substr(root.size() + 1);
  }
  return path;
}

// Opens every block; with `verify` also checks every chunk.
absl::StatusOr<std::vector<BlockFacts>> GatherBlocks(FileSystem& fs, const std::string& root,
                                                     bool verify, bool columns) {
  absl::StatusOr<std::vector<BlockFileRef>> refs = storage::embedded::ListBlockFiles(fs, root);
  if (!refs.ok()) return refs.status();
  std::vector<BlockFacts> blocks;
  for (BlockFileRef& ref : *refs) {
    BlockFacts facts;
    facts.ref = std::move(ref);
    absl::StatusOr<std::unique_ptr<BlockReader>> reader = BlockReader::Open(fs, facts.ref.path);
    if (absl::IsNotFound(reader.status())) continue;  // compacted or expired since listed
    if (!reader.ok()) {
      facts.status = reader.status();
    } else {
      facts.info = (*reader)->info();
      if (columns) facts.columns = (*reader)->ColumnSizes();
      if (verify) facts.status = (*reader)->Verify();
    }
    blocks.push_back(std::move(facts));
  }
  return blocks;
}

absl::StatusOr<std::vector<QuarantinedBlock>> GatherQuarantine(FileSystem& fs,
                                                               const std::string& root) {
  absl::StatusOr<std::vector<BlockFileRef>> refs =
      storage::embedded::ListBlockFiles(fs, root, /*quarantined=*/true);
  if (!refs.ok()) return refs.status();
  std::vector<QuarantinedBlock> out;
  for (BlockFileRef& ref : *refs) {
    absl::StatusOr<uint64_t> bytes = fs.FileSize(ref.path);
    out.push_back({std::move(ref), bytes.ok() ? *bytes : 0});
  }
  return out;
}

// Reads every segment without repairing anything.
WalFacts ReadWalOnce(FileSystem& fs, const std::string& root) {
  WalFacts wal;
  const std::string dir = storage::embedded::WalDir(root);
  wal.present = fs.Exists(dir);
  if (!wal.present) return wal;
  absl::StatusOr<std::vector<uint64_t>> ids = storage::embedded::ListWalSegments(fs, dir);
  if (!ids.ok()) {
    wal.status = ids.status();
    return wal;
  }
  wal.segments = *ids;
  for (uint64_t id : wal.segments) {
    absl::StatusOr<uint64_t> size = fs.FileSize(dir + "/" + storage::embedded::SegmentFileName(id));
    wal.segment_bytes[id] = size.ok() ? *size : 0;
  }
  absl::StatusOr<WalReplayStats> stats = storage::embedded::ReadWal(
      fs, dir, {.repair = false}, [&](const storage::embedded::WalRecord& record) {
        ++wal.records_by_segment[record.segment];
        ++wal.records_by_tenant[std::string(record.tenant)];
        return absl::OkStatus();
      });
  if (stats.ok()) {
    wal.stats = std::move(*stats);
  } else {
    wal.status = stats.status();
  }
  return wal;
}

// A running server deletes segments its blocks made redundant; one that vanished between listing
// and reading means "read again", not damage.
WalFacts GatherWal(FileSystem& fs, const std::string& root) {
  WalFacts wal = ReadWalOnce(fs, root);
  for (int attempt = 1; attempt < 3 && absl::IsNotFound(wal.status); ++attempt) {
    wal = ReadWalOnce(fs, root);
  }
  return wal;
}

uint64_t WalBytes(const WalFacts& wal) {
  uint64_t total = 0;
  for (const auto& [id, bytes] : wal.segment_bytes) total += bytes;
  return total;
}

// A write cut short at the end of the newest segment: what a crash leaves, cut off by the next
// `weft serve`. Every other problem is corruption. WalProblem carries only a reason, so the
// reader's wording for truncation ("... cut short ...") tells the kinds apart.
bool IsTornTail(const WalProblem& problem, const WalFacts& wal) {
  return !wal.segments.empty() && problem.segment == wal.segments.back() &&
         problem.reason.find("cut short") != std::string::npos;
}

// ---- Formatting --------------------------------------------------------------------------------

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string HumanDuration(uint64_t nanos) {
  const double n = static_cast<double>(nanos);
  if (nanos < 1'000'000) return absl::StrFormat("%.1f us", n / 1e3);
  if (nanos < 1'000'000'000) return absl::StrFormat("%.1f ms", n / 1e6);
  if (nanos < 60'000'000'000) return absl::StrFormat("%.2f s", n / 1e9);
  return absl::FormatDuration(absl::Seconds(nanos / 1'000'000'000));  // "1h2m3s"
}

// "1 block", "2 blocks".
std::string Count(uint64_t n, std::string_view noun) {
  return absl::StrCat(n, " ", std::string(noun), n == 1 ? "" : "s");
}

double BytesPerSpan(uint64_t bytes, uint64_t spans) {
  return spans == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(spans);
}

struct Totals {
  uint64_t blocks = 0;
  uint64_t bytes = 0;
  uint64_t spans = 0;
  uint64_t traces = 0;
  void Add(const BlockInfo& info) {
    ++blocks;
    bytes += info.bytes;
    spans += info.spans;
    traces += info.traces;
  }
};

std::string TotalsText(const Totals& t) {
  return absl::StrFormat("%s, %s, %s, %s, %.1f bytes/span", Count(t.blocks, "block"),
                         HumanBytes(t.bytes), Count(t.spans, "span"), Count(t.traces, "trace"),
                         BytesPerSpan(t.bytes, t.spans));
}

void PrintColumns(const std::vector<BlockReader::ColumnSize>& columns) {
  std::printf("      %-48s %11s %11s %7s %10s\n", "column", "stored", "raw", "ratio", "values");
  for (const BlockReader::ColumnSize& c : columns) {
    const double ratio = c.stored_bytes == 0 ? 0.0
                                             : static_cast<double>(c.raw_bytes) /
                                                   static_cast<double>(c.stored_bytes);
    std::printf("      %-48s %11s %11s %6.1fx %10llu\n", c.column.c_str(),
                HumanBytes(c.stored_bytes).c_str(), HumanBytes(c.raw_bytes).c_str(), ratio,
                static_cast<unsigned long long>(c.values));
  }
}

void PrintBlocksText(const std::vector<BlockFacts>& blocks, bool columns) {
  std::printf("Blocks\n");
  if (blocks.empty()) std::printf("  (none)\n");
  Totals all;
  size_t tenants = 0;
  for (size_t i = 0; i < blocks.size();) {
    const std::string& tenant = blocks[i].ref.tenant;
    ++tenants;
    std::printf("  tenant %s\n", tenant.c_str());
    std::printf("    %-24s %10s %10s %9s %6s %9s  %-52s  %s\n", "file", "bytes", "spans", "traces",
                "groups", "B/span", "time range (UTC)", "duration");
    Totals tenant_totals;
    for (; i < blocks.size() && blocks[i].ref.tenant == tenant; ++i) {
      const BlockFacts& b = blocks[i];
      const std::string name = storage::embedded::BlockFileName(b.ref.sequence);
      if (!b.status.ok()) {
        std::printf("    %-24s CANNOT OPEN: %s\n", name.c_str(), Message(b.status).c_str());
        continue;
      }
      const BlockInfo& info = b.info;
      tenant_totals.Add(info);
      const std::string range =
          IsoTime(info.min_time_unix_nanos) + " .. " + IsoTime(info.max_time_unix_nanos);
      std::printf("    %-24s %10s %10llu %9llu %6llu %9.1f  %-52s  %s\n", name.c_str(),
                  HumanBytes(info.bytes).c_str(), static_cast<unsigned long long>(info.spans),
                  static_cast<unsigned long long>(info.traces),
                  static_cast<unsigned long long>(info.row_groups),
                  BytesPerSpan(info.bytes, info.spans), range.c_str(),
                  HumanDuration(info.max_time_unix_nanos - info.min_time_unix_nanos).c_str());
      if (columns) PrintColumns(b.columns);
    }
    std::printf("    tenant total: %s\n", TotalsText(tenant_totals).c_str());
    all.blocks += tenant_totals.blocks;
    all.bytes += tenant_totals.bytes;
    all.spans += tenant_totals.spans;
    all.traces += tenant_totals.traces;
  }
  const std::string tenant_count = tenants > 1 ? absl::StrFormat(" (%d tenants)", tenants) : "";
  std::printf("  total: %s%s\n", TotalsText(all).c_str(), tenant_count.c_str());
}

void PrintWalText(const WalFacts& wal) {
  std::printf("WAL\n");
  if (!wal.present) {
    std::printf("  (no wal/ directory)\n");
    return;
  }
  std::printf("  %s, %s, %s (%s of payload)\n", Count(wal.segments.size(), "segment").c_str(),
              HumanBytes(WalBytes(wal)).c_str(), Count(wal.stats.records, "record").c_str(),
              HumanBytes(wal.stats.payload_bytes).c_str());
  for (const auto& [tenant, records] : wal.records_by_tenant) {
    std::printf("  tenant %s: %s\n", tenant.c_str(), Count(records, "record").c_str());
  }
  if (!wal.status.ok()) {
    std::printf("  CANNOT READ: %s\n", Message(wal.status).c_str());
  }
  for (const WalProblem& p : wal.stats.problems) {
    std::printf("  problem: %s at offset %llu: %s; %llu bytes from there not read%s\n",
                storage::embedded::SegmentFileName(p.segment).c_str(),
                static_cast<unsigned long long>(p.offset), p.reason.c_str(),
                static_cast<unsigned long long>(p.dropped_bytes),
                IsTornTail(p, wal) ? "; a torn tail, cut off when the server starts" : "");
  }
}

void PrintQuarantineText(const std::vector<QuarantinedBlock>& quarantine) {
  std::printf("Quarantine\n");
  if (quarantine.empty()) std::printf("  (none)\n");
  for (const QuarantinedBlock& q : quarantine) {
    std::printf("  %s/%s  %s\n", q.ref.tenant.c_str(),
                storage::embedded::BlockFileName(q.ref.sequence).c_str(),
                HumanBytes(q.bytes).c_str());
  }
}

std::string FactsJson(const std::string& root, const StoreFacts& facts, bool columns) {
  std::string out;
  {
    JsonWriter w(out);
    w.BeginObject().StringField("dir", root);
    Totals totals;
    w.Key("blocks").BeginArray();
    for (const BlockFacts& b : facts.blocks) {
      w.BeginObject()
          .StringField("tenant", b.ref.tenant)
          .StringField("file", storage::embedded::BlockFileName(b.ref.sequence))
          .StringField("path", b.ref.path);
      if (!b.status.ok()) {
        w.StringField("error", Message(b.status)).EndObject();
        continue;
      }
      const BlockInfo& info = b.info;
      totals.Add(info);
      w.UintField("bytes", info.bytes)
          .UintField("spans", info.spans)
          .UintField("traces", info.traces)
          .UintField("row_groups", info.row_groups)
          .DoubleField("bytes_per_span", BytesPerSpan(info.bytes, info.spans))
          .UintField("min_time_unix_nanos", info.min_time_unix_nanos)
          .UintField("max_time_unix_nanos", info.max_time_unix_nanos)
          .StringField("start", IsoTime(info.min_time_unix_nanos))
          .StringField("end", IsoTime(info.max_time_unix_nanos))
          .UintField("duration_nanos", info.max_time_unix_nanos - info.min_time_unix_nanos);
      if (columns) {
        w.Key("columns").BeginArray();
        for (const BlockReader::ColumnSize& c : b.columns) {
          w.BeginObject()
              .StringField("column", c.column)
              .UintField("stored_bytes", c.stored_bytes)
              .UintField("raw_bytes", c.raw_bytes)
              .UintField("values", c.values)
              .EndObject();
        }
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("totals")
        .BeginObject()
        .UintField("blocks", totals.blocks)
        .UintField("bytes", totals.bytes)
        .UintField("spans", totals.spans)
        .UintField("traces", totals.traces)
        .DoubleField("bytes_per_span", BytesPerSpan(totals.bytes, totals.spans))
        .EndObject();

    const WalFacts& wal = facts.wal;
    w.Key("wal").BeginObject().BoolField("present", wal.present);
    w.UintField("segments", wal.segments.size())
        .UintField("bytes", WalBytes(wal))
        .UintField("records", wal.stats.records)
        .UintField("payload_bytes", wal.stats.payload_bytes);
    w.Key("records_by_tenant").BeginObject();
    for (const auto& [tenant, records] : wal.records_by_tenant) w.UintField(tenant, records);
    w.EndObject();
    if (!wal.status.ok()) w.StringField("error", Message(wal.status));
    w.Key("problems").BeginArray();
    for (const WalProblem& p : wal.stats.problems) {
      w.BeginObject()
          .StringField("segment", storage::embedded::SegmentFileName(p.segment))
          .UintField("offset", p.offset)
          .UintField("dropped_bytes", p.dropped_bytes)
          .StringField("reason", p.reason)
          .BoolField("torn_tail", IsTornTail(p, wal))
          .EndObject();
    }
    w.EndArray().EndObject();

    w.Key("quarantine").BeginArray();
    for (const QuarantinedBlock& q : facts.quarantine) {
      w.BeginObject()
          .StringField("tenant", q.ref.tenant)
          .StringField("file", storage::embedded::BlockFileName(q.ref.sequence))
          .StringField("path", q.ref.path)
          .UintField("bytes", q.bytes)
          .EndObject();
    }
    w.EndArray().EndObject();
  }
  out.push_back('\n');
  return out;
}

// ---- The commands ------------------------------------------------------------------------------

struct StoreFlags {
  std::string dir;
  bool columns = false;
  bool json = false;
};

int FailUsage(const absl::Status& status) {
  std::fprintf(stderr, "weft store: %s\n", Message(status).c_str());
  return kExitUsage;
}

int RunInspect(const StoreFlags& flags) {
  FileSystem& fs = PosixFileSystem();
  if (absl::Status s = CheckDataDir(fs, flags.dir); !s.ok()) return FailUsage(s);
  StoreFacts facts;
  absl::StatusOr<std::vector<BlockFacts>> blocks =
      GatherBlocks(fs, flags.dir, /*verify=*/false, flags.columns);
  if (!blocks.ok()) return FailUsage(blocks.status());
  facts.blocks = std::move(*blocks);
  absl::StatusOr<std::vector<QuarantinedBlock>> quarantine = GatherQuarantine(fs, flags.dir);
  if (!quarantine.ok()) return FailUsage(quarantine.status());
  facts.quarantine = std::move(*quarantine);
  facts.wal = GatherWal(fs, flags.dir);

  if (flags.json) {
    std::fputs(FactsJson(flags.dir, facts, flags.columns).c_str(), stdout);
    return kExitOk;
  }
  std::printf("Data directory %s\n", flags.dir.c_str());
  PrintBlocksText(facts.blocks, flags.columns);
  PrintWalText(facts.wal);
  PrintQuarantineText(facts.quarantine);
  return kExitOk;
}

int RunVerify(const StoreFlags& flags) {
  FileSystem& fs = PosixFileSystem();
  if (absl::Status s = CheckDataDir(fs, flags.dir); !s.ok()) return FailUsage(s);
  absl::StatusOr<std::vector<BlockFacts>> blocks =
      GatherBlocks(fs, flags.dir, /*verify=*/true, /*columns=*/false);
  if (!blocks.ok()) return FailUsage(blocks.status());

  uint64_t files = 0;
  uint64_t bad = 0;
  // CORRUPT for damage (DataLoss); CANNOT READ for the rest (I/O errors, a newer format).
  auto report_bad = [&](std::string_view path, const absl::Status& status) {
    ++bad;
    std::printf("%s: %s: %s\n", std::string(path).c_str(),
                absl::IsDataLoss(status) ? "CORRUPT" : "CANNOT READ", Message(status).c_str());
  };
  for (const BlockFacts& b : *blocks) {
    ++files;
    const std::string_view path = Relative(b.ref.path, flags.dir);
    if (b.status.ok()) {
      std::printf("%s: ok (%s, %s)\n", std::string(path).c_str(),
                  Count(b.info.spans, "span").c_str(), Count(b.info.traces, "trace").c_str());
    } else {
      report_bad(path, b.status);
    }
  }

  const WalFacts wal = GatherWal(fs, flags.dir);
  if (!wal.status.ok()) {
    ++files;
    report_bad("wal", wal.status);
  } else {
    for (uint64_t id : wal.segments) {
      ++files;
      const std::string path = absl::StrCat("wal/", storage::embedded::SegmentFileName(id));
      const auto records = wal.records_by_segment.find(id);
      const uint64_t count = records == wal.records_by_segment.end() ? 0 : records->second;
      const WalProblem* problem = nullptr;
      for (const WalProblem& p : wal.stats.problems) {
        if (p.segment == id) problem = &p;
      }
      if (problem == nullptr) {
        std::printf("%s: ok (%s)\n", path.c_str(), Count(count, "record").c_str());
      } else if (IsTornTail(*problem, wal)) {
        std::printf(
            "%s: ok (%s), torn tail at offset %llu: %s; a write cut short by a crash, which the "
            "server cuts off when it starts\n",
            path.c_str(), Count(count, "record").c_str(),
            static_cast<unsigned long long>(problem->offset), problem->reason.c_str());
      } else {
        report_bad(path, absl::DataLossError(absl::StrFormat(
                             "%s at offset %d (%d bytes from there unreadable, %d good records "
                             "before it)",
                             problem->reason, problem->offset, problem->dropped_bytes, count)));
      }
    }
  }

  absl::StatusOr<std::vector<QuarantinedBlock>> quarantine = GatherQuarantine(fs, flags.dir);
  const size_t quarantined = quarantine.ok() ? quarantine->size() : 0;
  std::printf("verify: %s checked, %llu corrupt", Count(files, "file").c_str(),
              static_cast<unsigned long long>(bad));
  if (quarantined > 0) {
    std::printf("; %s set aside earlier (not checked)",
                Count(quarantined, "quarantined block").c_str());
  }
  std::printf("\n");
  return bad == 0 ? kExitOk : kExitCorrupt;
}

}  // namespace

void AddStoreCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd =
      app.add_subcommand("store", "Look into an embedded store's data directory (read-only)");
  cmd->require_subcommand(1);

  CLI::App* inspect = cmd->add_subcommand(
      "inspect", "Blocks per tenant, totals, the WAL and quarantined blocks; changes nothing");
  auto inspect_flags = std::make_shared<StoreFlags>();
  inspect->add_option("dir", inspect_flags->dir, "The data directory (--data-dir)")->required();
  inspect->add_flag("--columns", inspect_flags->columns,
                    "Add each block's stored and raw bytes per column");
  inspect->add_flag("--json", inspect_flags->json, "Print the facts as one JSON object");
  inspect->callback([exit_code, inspect_flags] { *exit_code = RunInspect(*inspect_flags); });

  CLI::App* verify = cmd->add_subcommand(
      "verify",
      "Check every checksum of every block and WAL segment; exit 1 on corruption; changes nothing");
  auto verify_flags = std::make_shared<StoreFlags>();
  verify->add_option("dir", verify_flags->dir, "The data directory (--data-dir)")->required();
  verify->callback([exit_code, verify_flags] { *exit_code = RunVerify(*verify_flags); });
}

}  // namespace weft::cli
