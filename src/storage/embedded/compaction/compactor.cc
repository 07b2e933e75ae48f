#include "storage/embedded/compaction/compactor.h"

#include <utility>

#include <atomic>
#include <memory>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "model/span_batch.h"
#include "storage/span_identity.h"

namespace weft::storage::embedded {
namespace {

// One input and the trace its cursor stands on (`spans` is null once the input is exhausted).
struct Input {
  std::unique_ptr<BlockTraceCursor> cursor;
  TraceId trace_id;
  std::unique_ptr<SpanBatch> spans;

  absl::Status Advance() {
    WEFT_ASSIGN_OR_RETURN(const bool more, cursor->Next(&trace_id, &spans));
    if (!more) spans.reset();
    return absl::OkStatus();
  }
};

absl::Status CheckInputs(std::span<const BlockReader* const> inputs,
                         const std::string& output_path) {
  if (inputs.empty()) return absl::InvalidArgumentError("compaction needs at least one block");
  const BlockInfo& first = inputs[0]->info();
  for (const BlockReader* input : inputs) {
    const BlockInfo& info = input->info();
    if (info.tenant != first.tenant) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot compact blocks of different tenants: ", first.path, " (tenant \"",
                       first.tenant, "\") and ", info.path, " (tenant \"", info.tenant, "\")"));
    }
    if (info.path == output_path) {
      return absl::InvalidArgumentError(
          absl::StrCat("compaction output ", output_path, " is one of its inputs"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CompactionResult> CompactBlocks(FileSystem& fs,
                                               std::span<const BlockReader* const> inputs,
                                               const std::string& output_path,
                                               const BlockWriterOptions& options,
                                               const std::atomic<bool>* cancel) {
  WEFT_RETURN_IF_ERROR(CheckInputs(inputs, output_path));
  BlockWriterOptions writer_options = options;
  writer_options.tenant = inputs[0]->info().tenant;
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<BlockWriter> writer,
                        BlockWriter::Create(fs, output_path, std::move(writer_options)));

  std::vector<Input> cursors(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    cursors[i].cursor = inputs[i]->NewTraceCursor();
    WEFT_RETURN_IF_ERROR(cursors[i].Advance());
  }

  CompactionResult result;
  std::vector<size_t> on_min;  // the inputs standing on the smallest trace id
  std::vector<uint32_t> indexes;
  while (true) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return absl::CancelledError("compaction cancelled");  // the writer removes its temp file
    }
    // A linear minimum: compaction merges a handful of inputs (at most 16 by default), where a
    // heap would not pay for itself.
    on_min.clear();
    for (size_t i = 0; i < cursors.size(); ++i) {
      if (cursors[i].spans == nullptr) continue;
      if (on_min.empty() || cursors[i].trace_id < cursors[on_min[0]].trace_id) {
        on_min.assign(1, i);
      } else if (cursors[i].trace_id == cursors[on_min[0]].trace_id) {
        on_min.push_back(i);
      }
    }
    if (on_min.empty()) break;

    std::unique_ptr<SpanBatch> trace;
    if (on_min.size() == 1) {
      trace = std::move(cursors[on_min[0]].spans);
    } else {
      ++result.traces_joined;
      trace = std::make_unique<SpanBatch>();
      for (size_t i : on_min) {
        indexes.resize(cursors[i].spans->size());
        std::iota(indexes.begin(), indexes.end(), 0);
        trace->CopySpansFrom(*cursors[i].spans, indexes);
      }
    }
    result.input_spans += trace->size();
    result.duplicates_dropped += storage::DropExactDuplicates(*trace);
    indexes.resize(trace->size());
    std::iota(indexes.begin(), indexes.end(), 0);
    WEFT_RETURN_IF_ERROR(writer->AddTrace(*trace, indexes));
    for (size_t i : on_min) WEFT_RETURN_IF_ERROR(cursors[i].Advance());
  }
  WEFT_ASSIGN_OR_RETURN(result.block, writer->Finish());
  return result;
}

}  // namespace weft::storage::embedded
