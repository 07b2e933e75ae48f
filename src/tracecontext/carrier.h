// Header carriers: how propagators read and write request headers without knowing the transport
// (HTTP/1, HTTP/2, gRPC metadata, message attributes). Thread rule: a carrier is used by one
// thread at a time; const methods of HeaderMapCarrier may run concurrently.
#pragma once

#include <utility>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"

namespace weft::tracecontext {

class CarrierReader {
 public:
  virtual ~CarrierReader() = default;
  // Calls `on_value` once for every value of header `name`, in the order received (a header sent
  // as several fields has several values). Names are matched case-insensitively; propagators
  // pass them in lowercase. The views stay valid until the carrier is modified.
  virtual void Get(std::string_view name,
                   absl::FunctionRef<void(std::string_view value)> on_value) const = 0;
};

class CarrierWriter {
 public:
  virtual ~CarrierWriter() = default;
  // Replaces every value of header `name` (matched case-insensitively) with `value`.
  virtual void Set(std::string_view name, std::string_view value) = 0;
};

// An in-memory header list for tests and for users whose transport has no header type of its
// own. Lookups are linear: header lists are short.
class HeaderMapCarrier final : public CarrierReader, public CarrierWriter {
 public:
  using Header = std::pair<std::string, std::string>;

  HeaderMapCarrier() = default;
  HeaderMapCarrier(std::initializer_list<Header> headers) : headers_(headers) {}

  void Get(std::string_view name,
           absl::FunctionRef<void(std::string_view value)> on_value) const override;
  // Reuses the storage of an existing header of that name, so a carrier set in a loop does not
  // allocate once warm.
  void Set(std::string_view name, std::string_view value) override;
  // Appends one more value for `name`, keeping the ones already there.
  void Add(std::string_view name, std::string_view value);

  // All values of `name`, in order (a convenience for tests).
  std::vector<std::string_view> Values(std::string_view name) const;
  const std::vector<Header>& headers() const { return headers_; }
  void Clear() { headers_.clear(); }

 private:
  std::vector<Header> headers_;
};

}  // namespace weft::tracecontext
