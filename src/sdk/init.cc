// weft::sdk::InitFromEnvironment and SdkHandle: the one-call set-up from OTEL_* variables.
// Thread rule: call at start-up; the handle's destructor flushes and uninstalls.
#include <cstdio>
#include <cstdlib>

#include "sdk/env_config.h"
#include "weft/exporters.h"
#include "weft/propagation.h"
#include "weft/provider.h"

namespace weft {
inline namespace v1 {
namespace sdk {

SdkHandle::SdkHandle(SdkHandle&&) noexcept = default;

SdkHandle& SdkHandle::operator=(SdkHandle&& other) noexcept {
  if (this != &other) {
    Shutdown();
    provider_ = std::move(other.provider_);
  }
  return *this;
}

SdkHandle::~SdkHandle() { Shutdown(); }

bool SdkHandle::Shutdown(std::chrono::milliseconds timeout) {
  if (provider_ == nullptr) return true;
  if (GetGlobalTracerProvider() == provider_.get()) SetGlobalTracerProvider(nullptr);
  const bool ok = provider_->Shutdown(timeout);
  provider_.reset();
  return ok;
}

SdkHandle InitFromEnvironment(const InitOptions& options) {
  detail::EnvConfig config =
      detail::ReadEnvironment([](const char* name) { return std::getenv(name); }, options);
  for (const std::string& w : config.warnings) std::fprintf(stderr, "weft sdk: %s\n", w.c_str());
  SdkHandle handle;
  if (config.disabled) return handle;
  if (options.install_propagator) SetGlobalPropagator(PropagatorFromList(config.propagators));

  TracerProviderOptions provider_options;
  provider_options.resource = std::move(config.resource);
  provider_options.sampler = std::move(config.sampler);
  provider_options.limits = config.limits;
  switch (config.exporter) {
    case detail::EnvConfig::ExporterKind::kOtlp:
      provider_options.processors.push_back(
          BatchProcessor(OtlpExporter(config.otlp), config.batch));
      break;
    case detail::EnvConfig::ExporterKind::kConsole:
      provider_options.processors.push_back(SimpleProcessor(ConsoleExporter(stdout)));
      break;
    case detail::EnvConfig::ExporterKind::kNone:
      break;
  }
  handle.provider_ = std::make_unique<TracerProvider>(std::move(provider_options));
  SetGlobalTracerProvider(handle.provider_.get());
  return handle;
}

}  // namespace sdk
}  // namespace v1
}  // namespace weft
