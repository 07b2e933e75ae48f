// The standard samplers: always on/off, trace-id ratio, parent-based.
// Thread rule: immutable after construction; ShouldSample is safe from any thread.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "weft/exporters.h"

namespace weft {
inline namespace v1 {
namespace {

class AlwaysOn final : public Sampler {
 public:
  SamplingDecision ShouldSample(const SamplingParams&) const override {
    return SamplingDecision::kRecordAndSample;
  }
  std::string Description() const override { return "AlwaysOnSampler"; }
};

class AlwaysOff final : public Sampler {
 public:
  SamplingDecision ShouldSample(const SamplingParams&) const override {
    return SamplingDecision::kDrop;
  }
  std::string Description() const override { return "AlwaysOffSampler"; }
};

// Compares the trace id's right-most 7 bytes (random under W3C Level 2) with ratio * 2^56, so
// that all services decide alike for one trace, and a smaller ratio samples a subset of a
// larger one.
class TraceIdRatio final : public Sampler {
 public:
  explicit TraceIdRatio(double ratio)
      : ratio_(std::clamp(std::isnan(ratio) ? 0.0 : ratio, 0.0, 1.0)) {
    threshold_ =
        ratio_ >= 1.0 ? (uint64_t{1} << 56) : static_cast<uint64_t>(std::ldexp(ratio_, 56));
  }
  SamplingDecision ShouldSample(const SamplingParams& p) const override {
    uint64_t r = 0;
    for (int i = 9; i < 16; ++i) r = (r << 8) | p.trace_id.bytes[i];
    return r < threshold_ ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop;
  }
  std::string Description() const override {
    char buf[64];
    std::snprintf(buf, sizeof buf, "TraceIdRatioBased{%g}", ratio_);
    return buf;
  }

 private:
  double ratio_;
  uint64_t threshold_;
};

class ParentBased final : public Sampler {
 public:
  explicit ParentBased(std::unique_ptr<Sampler> root) : root_(std::move(root)) {
    if (root_ == nullptr) root_ = AlwaysOnSampler();
  }
  SamplingDecision ShouldSample(const SamplingParams& p) const override {
    if (p.parent != nullptr) {
      return p.parent->sampled() ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop;
    }
    return root_->ShouldSample(p);
  }
  std::string Description() const override {
    return "ParentBased{root:" + root_->Description() + "}";
  }

 private:
  std::unique_ptr<Sampler> root_;
};

}  // namespace

std::unique_ptr<Sampler> AlwaysOnSampler() { return std::make_unique<AlwaysOn>(); }
std::unique_ptr<Sampler> AlwaysOffSampler() { return std::make_unique<AlwaysOff>(); }
std::unique_ptr<Sampler> TraceIdRatioSampler(double ratio) {
  return std::make_unique<TraceIdRatio>(ratio);
}
std::unique_ptr<Sampler> ParentBasedSampler(std::unique_ptr<Sampler> root) {
  return std::make_unique<ParentBased>(std::move(root));
}

}  // namespace v1
}  // namespace weft
