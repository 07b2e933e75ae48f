// `weft services` and `weft operations SERVICE`: what a running server has stored, from its
// Jaeger-compatible API (/api/services, /api/operations), one per line.
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "cli/server_client.h"
#include "common/json_reader.h"

namespace weft::cli {
namespace {

// Calls `row` for every element of the "data" array of a Jaeger envelope.
absl::Status ForEachData(const std::string& body,
                         const std::function<absl::Status(json::Element)>& row) {
  return json::ParseUntrustedJson(body, 8, [&](json::Element root) -> absl::Status {
    simdjson::dom::array data;
    if (root["data"].get_array().get(data) != simdjson::SUCCESS) {
      return absl::InternalError("the server's answer has no \"data\" array");
    }
    for (json::Element element : data) {
      if (absl::Status s = row(element); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "weft: %s\n", std::string(status.message()).c_str());
  return 1;
}

}  // namespace

void AddCatalogCommands(CLI::App& app, int* exit_code) {
  auto server = std::make_shared<std::string>(kDefaultServer);

  CLI::App* services =
      app.add_subcommand("services", "List the services a running server has stored");
  services->add_option("--server", *server, "The server's HTTP API (host:port)")
      ->envname("WEFT_SERVER")
      ->capture_default_str();
  services->callback([exit_code, server] {
    absl::StatusOr<std::string> body = GetFromServer(*server, "/api/services");
    if (!body.ok()) {
      *exit_code = Fail(body.status());
      return;
    }
    const absl::Status printed = ForEachData(*body, [](json::Element e) {
      std::string_view name;
      if (e.get_string().get(name) == simdjson::SUCCESS) {
        std::printf("%.*s\n", static_cast<int>(name.size()), name.data());
      }
      return absl::OkStatus();
    });
    *exit_code = printed.ok() ? 0 : Fail(printed);
  });

  auto service = std::make_shared<std::string>();
  CLI::App* operations =
      app.add_subcommand("operations", "List a service's operations (span name and kind)");
  operations->add_option("service", *service, "Service name")->required();
  operations->add_option("--server", *server, "The server's HTTP API (host:port)")
      ->envname("WEFT_SERVER")
      ->capture_default_str();
  operations->callback([exit_code, server, service] {
    absl::StatusOr<std::string> body =
        GetFromServer(*server, "/api/operations?service=" + UrlEncode(*service));
    if (!body.ok()) {
      *exit_code = Fail(body.status());
      return;
    }
    const absl::Status printed = ForEachData(*body, [](json::Element e) {
      std::string_view name, kind;
      if (e["name"].get_string().get(name) == simdjson::SUCCESS &&
          e["spanKind"].get_string().get(kind) == simdjson::SUCCESS) {
        std::printf("%-12.*s %.*s\n", static_cast<int>(kind.size()), kind.data(),
                    static_cast<int>(name.size()), name.data());
      }
      return absl::OkStatus();
    });
    *exit_code = printed.ok() ? 0 : Fail(printed);
  });
}

}  // namespace weft::cli
