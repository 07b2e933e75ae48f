// The console exporter: one human-readable line per span, for development.
// Thread rule: Export is called by one processor thread at a time; writes go through stdio.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "sdk/exporter_factories.h"

namespace weft {
inline namespace v1 {
namespace detail {
namespace {

constexpr const char* kKindNames[] = {"unspecified", "internal", "server",
                                      "client",      "producer", "consumer"};

void Hex(std::string& out, const uint8_t* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
}

class ConsoleExporterImpl final : public ExporterImpl {
 public:
  explicit ConsoleExporterImpl(std::FILE* out) : out_(out == nullptr ? stdout : out) {}

  ExportResult Export(std::span<SpanRecord* const> records, Deadline) override {
    std::string line;
    for (const SpanRecord* r : records) {
      line.clear();
      line += "span ";
      line += r->View(r->name);
      line += " trace=";
      Hex(line, r->trace_id.data(), 16);
      line += " span=";
      Hex(line, r->span_id.data(), 8);
      if (r->has_parent) {
        line += " parent=";
        Hex(line, r->parent_span_id.data(), 8);
      }
      line += " kind=";
      line += kKindNames[r->kind <= 5 ? r->kind : 0];
      line += " duration_us=" + std::to_string((r->EndNanos() - r->StartNanos()) / 1000);
      if (r->status == 2) {
        line += " status=error";
        if (r->status_message.size > 0) {
          line += ":";
          line += r->View(r->status_message);
        }
      } else if (r->status == 1) {
        line += " status=ok";
      }
      if (r->resource != nullptr) {
        for (const AttrSlot& a : r->resource->attrs) {
          if (r->resource->View(a.key) == "service.name" && a.type == AttrType::kString) {
            line += " service=";
            line += r->resource->View(a.s);
          }
        }
      }
      if (r->scope != nullptr) line += " scope=" + r->scope->name;
      ForEachLatest(r->bytes, r->attrs.data(), r->attrs.size(), [&](const AttrSlot& a) {
        line += ' ';
        line += r->View(a.key);
        line += '=';
        switch (a.type) {
          case AttrType::kBool:
            line += a.b ? "true" : "false";
            break;
          case AttrType::kInt:
            line += std::to_string(a.i);
            break;
          case AttrType::kDouble:
            line += std::to_string(a.d);
            break;
          case AttrType::kString:
            line += '"';
            line += r->View(a.s);
            line += '"';
            break;
        }
      });
      for (const EventSlot& e : r->events) {
        line += " event:";
        line += r->View(e.name);
      }
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), out_);
    }
    std::fflush(out_);
    return ExportResult::kSuccess;
  }

 private:
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<ExporterImpl> MakeConsoleExporter(std::FILE* out) {
  return std::make_unique<ConsoleExporterImpl>(out);
}

}  // namespace detail
}  // namespace v1
}  // namespace weft
