// The TraceQL parser on hostile input: every prefix of every golden query, random bytes, random
// token soup, mutated golden queries, and inputs at and past the size and nesting limits. Each
// must come back as a tree or an InvalidArgument "line:column: …" error, never a crash or hang;
// every tree must survive the print-and-parse round trip.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "golden_file.h"
#include "gtest/gtest.h"
#include "query/traceql/parser.h"
#include "query/traceql/printer.h"

namespace weft::query::traceql::testing {
namespace {

bool HasPositionPrefix(std::string_view message) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
    return i > start;
  };
  if (!digits() || i >= message.size() || message[i++] != ':') return false;
  if (!digits() || message.substr(i, 2) != ": ") return false;
  return message.size() > i + 2;
}

// OK with a tree that round-trips, or InvalidArgument with a positioned message.
void ExpectWellBehaved(std::string_view query) {
  const absl::StatusOr<Query> parsed = Parse(query);
  if (!parsed.ok()) {
    ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << parsed.status() << "\nquery: " << query;
    ASSERT_TRUE(HasPositionPrefix(std::string(parsed.status().message())))
        << parsed.status() << "\nquery: " << query;
    return;
  }
  const std::string printed = ToString(*parsed);
  const absl::StatusOr<Query> reparsed = Parse(printed);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status() << "\nquery: " << query
                             << "\nprinted: " << printed;
  ASSERT_TRUE(*reparsed == *parsed) << "query: " << query << "\nprinted: " << printed;
  ASSERT_EQ(ToString(*reparsed), printed) << "query: " << query;
}

std::vector<std::string> GoldenQueries() {
  std::vector<std::string> queries;
  for (const auto& file : ListGoldenFiles(WEFT_TRACEQL_GOLDEN_DIR)) {
    const absl::StatusOr<GoldenCase> golden = ReadGoldenCase(file);
    if (golden.ok()) queries.push_back(golden->query);
  }
  return queries;
}

TEST(TraceqlRobustnessTest, EveryPrefixOfEveryGoldenQuery) {
  const std::vector<std::string> queries = GoldenQueries();
  ASSERT_GE(queries.size(), 120u);
  size_t parsed = 0;
  for (const std::string& query : queries) {
    for (size_t n = 0; n <= query.size(); ++n) {
      ExpectWellBehaved(std::string_view(query).substr(0, n));
      if (::testing::Test::HasFatalFailure()) return;
      ++parsed;
    }
  }
  EXPECT_GT(parsed, 1000u);
}

TEST(TraceqlRobustnessTest, RandomBytes) {
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 20000; ++i) {
    std::string query(rng() % 48, '\0');
    for (char& c : query) c = static_cast<char>(rng() & 0xff);
    ExpectWellBehaved(query);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Random queries from TraceQL's grammar, some of them then damaged: far more of them get deep
// into the parser (and through the printer) than random bytes do.
class RandomQueryWriter {
 public:
  explicit RandomQueryWriter(uint64_t seed) : rng_(seed) {}

  std::string Query() {
    std::string out = Spanset(3);
    const size_t stages = Pick(3);
    for (size_t i = 0; i < stages; ++i) out += " | " + Stage();
    return out;
  }

 private:
  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  template <size_t N>
  const char* Of(const char* const (&options)[N]) {
    return options[Pick(N)];
  }

  std::string Stage() {
    switch (Pick(5)) {
      case 0:
        return Spanset(2);
      case 1:
        return std::string(Of(kAggregates)) + " " + Of(kOrdered) + " " + Of(kNumbers);
      case 2:
        return "by(" + Field() + ")";
      case 3:
        return "select(" + Field() + ", " + Field() + ")";
      default:
        return "coalesce()";
    }
  }

  std::string Spanset(int depth) {
    if (depth == 0 || Pick(3) == 0) return Filter();
    std::string lhs = Spanset(depth - 1);
    std::string rhs = Spanset(depth - 1);
    if (Pick(4) == 0) lhs = "(" + lhs + ")";
    if (Pick(4) == 0) rhs = "(" + rhs + " | " + Stage() + ")";
    return lhs + " " + Of(kSpansetOps) + " " + rhs;
  }

  std::string Filter() { return Pick(5) == 0 ? "{ }" : "{ " + Condition(3) + " }"; }

  std::string Condition(int depth) {
    if (depth == 0 || Pick(3) == 0) {
      switch (Pick(4)) {
        case 0:
          return Of(kAttributes);
        case 1:
          return std::string("!") + Of(kAttributes);
        default:
          return Comparison();
      }
    }
    std::string out =
        Condition(depth - 1) + " " + (Pick(2) ? "&&" : "||") + " " + Condition(depth - 1);
    if (Pick(3) == 0) out = "(" + out + ")";
    if (Pick(6) == 0) out = "!(" + out + ")";
    return out;
  }

  // Mostly well-typed, so that most queries get through the type checks.
  std::string Comparison() {
    switch (Pick(6)) {
      case 0:
        return std::string(Of(kStringIntrinsics)) + " " + Of(kCompare) + " " + Of(kStrings);
      case 1:
        return std::string(Of(kDurationIntrinsics)) + " " + Of(kOrdered) + " " + Of(kNumbers);
      case 2:
        return std::string(Pick(2) ? "status" : "span:status") + " " + Of(kEquality) + " " +
               Of(kStatuses);
      case 3:
        return std::string(Pick(2) ? "kind" : "span:kind") + " " + Of(kEquality) + " " + Of(kKinds);
      default: {
        const std::string op = Of(kCompare);
        const bool regex = op == "=~" || op == "!~";
        const bool equality = op == "=" || op == "!=";
        const std::string value = regex      ? Of(kStrings)
                                  : equality ? (Pick(2) ? Of(kNumbers) : Of(kValues))
                                             : Of(kNumbers);
        return std::string(Of(kAttributes)) + " " + op + " " + value;
      }
    }
  }

  std::string Field() { return Pick(2) ? Of(kAttributes) : Of(kIntrinsics); }

  static constexpr const char* kSpansetOps[] = {"&&", "||", ">",   "<",   ">>",  "<<",
                                                "~",  "!>", "!<",  "!>>", "!<<", "!~",
                                                "&>", "&<", "&>>", "&<<", "&~"};
  static constexpr const char* kCompare[] = {"=", "!=", "<", "<=", ">", ">=", "=~", "!~"};
  static constexpr const char* kAggregates[] = {"count()", "avg(duration)", "min(.n)",
                                                "max(span:duration)", "sum(span.bytes)"};
  static constexpr const char* kNumbers[] = {"1",
                                             "-2",
                                             "1.5",
                                             "-0.25",
                                             ".5",
                                             "1e3",
                                             "300ms",
                                             "1.5s",
                                             "-5s",
                                             "1h30m",
                                             "10\xc2\xb5s",
                                             "minInt",
                                             "9223372036854775807",
                                             "0"};
  static constexpr const char* kStrings[] = {"\"s\"", "`raw \\ x`", "\"\\n\\t\\\"\"",
                                             "\"\xc3\xa9\"", "\"\""};
  static constexpr const char* kValues[] = {"\"s\"", "nil",   "true",   "false",    "ok",
                                            "error", "unset", "server", "internal", "`r`"};
  static constexpr const char* kEquality[] = {"=", "!="};
  static constexpr const char* kOrdered[] = {"=", "!=", "<", "<=", ">", ">="};
  static constexpr const char* kStatuses[] = {"ok", "error", "unset"};
  static constexpr const char* kKinds[] = {"unspecified", "internal", "server",
                                           "client",      "producer", "consumer"};
  static constexpr const char* kAttributes[] = {".a",
                                                "span.http.status_code",
                                                "resource.service.name",
                                                "span.\"q r\"",
                                                "event.e",
                                                "link.l",
                                                "instrumentation.i",
                                                ".\"5x\"",
                                                "span.a.\"b\\\"c\""};
  static constexpr const char* kStringIntrinsics[] = {"name",
                                                      "span:name",
                                                      "statusMessage",
                                                      "span:id",
                                                      "trace:id",
                                                      "trace:rootName",
                                                      "rootServiceName",
                                                      "event:name",
                                                      "link:spanID",
                                                      "instrumentation:version"};
  static constexpr const char* kDurationIntrinsics[] = {
      "duration",       "span:duration",        "traceDuration",
      "trace:duration", "event:timeSinceStart", "span:childCount"};
  static constexpr const char* kIntrinsics[] = {
      "name", "status", "span:kind", "duration", "trace:rootService", "span:parentID"};

  std::mt19937_64 rng_;
};

TEST(TraceqlRobustnessTest, RandomGrammarQueries) {
  RandomQueryWriter writer(7);
  std::mt19937_64 rng(8);
  static const char kInteresting[] = "{}()\"`\\.|&!=<>~-:,0 \n";
  size_t valid = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string query = writer.Query();
    if (rng() % 3 == 0) {  // damage it
      const size_t at = rng() % (query.size() + 1);
      query.insert(query.begin() + static_cast<std::ptrdiff_t>(at),
                   kInteresting[rng() % (sizeof(kInteresting) - 1)]);
    }
    ExpectWellBehaved(query);
    if (::testing::Test::HasFatalFailure()) return;
    if (Parse(query).ok()) ++valid;
  }
  EXPECT_GT(valid, 15000u) << "the writer should mostly write valid queries";
}

TEST(TraceqlRobustnessTest, MutatedGoldenQueries) {
  std::mt19937_64 rng(99);
  static const char kInteresting[] = "{}()\"`\\.|&!=<>~-:,0 \n\xc2\xb5\xff";
  for (const std::string& query : GoldenQueries()) {
    for (int m = 0; m < 60; ++m) {
      std::string mutated = query;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        const size_t at = mutated.empty() ? 0 : rng() % (mutated.size() + 1);
        const char c = kInteresting[rng() % (sizeof(kInteresting) - 1)];
        switch (rng() % 4) {
          case 0:
            mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(at), c);
            break;
          case 1:
            if (at < mutated.size()) mutated.erase(at, 1);
            break;
          case 2:
            if (at < mutated.size()) mutated[at] = c;
            break;
          default:  // duplicate a slice
            mutated.insert(at, mutated.substr(at / 2, 1 + rng() % 8));
        }
      }
      ExpectWellBehaved(mutated);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

void ExpectTooDeep(const std::string& query) {
  const absl::StatusOr<Query> parsed = Parse(query);
  ASSERT_FALSE(parsed.ok()) << "query of " << query.size() << " bytes";
  EXPECT_NE(parsed.status().message().find("nests deeper than 64 levels"), std::string::npos)
      << parsed.status();
}

TEST(TraceqlRobustnessTest, DeepNestingIsRefusedNotRecursedInto) {
  ExpectTooDeep(Repeat("(", 60000));
  ExpectTooDeep(Repeat("(", 30000) + "{ }" + Repeat(")", 30000));
  ExpectWellBehaved(Repeat("{", 60000));  // braces do not nest: an error at the second
  ExpectTooDeep("{ " + Repeat("!", 60000) + ".a }");
  ExpectTooDeep("{ " + Repeat("(", 30000) + ".a" + Repeat(")", 30000) + " }");
  ExpectTooDeep("{ }" + Repeat(" > { }", 10000));               // a left-deep structural chain
  ExpectTooDeep("{ .a" + Repeat(" = .a", 10000) + " }");        // a left-deep comparison chain
  ExpectTooDeep("{ .a" + Repeat(" && .a || .a", 5000) + " }");  // && and || alternating
  ExpectTooDeep("{ }" + Repeat(" && { } || { }", 4000));
}

TEST(TraceqlRobustnessTest, LongFlatChainsAreFine) {
  // `&&` and `||` associate, so long runs of one of them stay one level deep.
  const std::string ands = "{ .a = 1" + Repeat(" && .b = 2", 5000) + " }";
  ASSERT_LE(ands.size(), kMaxQueryBytes);
  ExpectWellBehaved(ands);
  const absl::StatusOr<Query> parsed = Parse(ands);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->pipeline[0].spanset.filter.condition->operands.size(), 5001u);

  const std::string ors = "{ }" + Repeat(" || { .a = 1 }", 4000);
  ExpectWellBehaved(ors);
  const std::string pipes = "{ }" + Repeat(" | count() > 1", 4000);
  ExpectWellBehaved(pipes);
  EXPECT_TRUE(Parse(pipes).ok());
}

TEST(TraceqlRobustnessTest, SizeLimitIsExact) {
  std::string query = "{ }";
  query.resize(kMaxQueryBytes, ' ');
  EXPECT_TRUE(Parse(query).ok());
  query.push_back(' ');
  const absl::StatusOr<Query> parsed = Parse(query);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(std::string(parsed.status().message()),
            "1:65537: the query is longer than 65536 bytes (65537)");
  // Far past the limit: refused before any lexing.
  EXPECT_FALSE(Parse(std::string(10 << 20, '(')).ok());
}

TEST(TraceqlRobustnessTest, HugeLiteralsAndNames) {
  ExpectWellBehaved("{ .a = \"" + std::string(60000, 'x') + "\" }");
  ExpectWellBehaved("{ span." + std::string(60000, 'n') + " = 1 }");
  ExpectWellBehaved("{ .a = " + std::string(60000, '9') + " }");
  ExpectWellBehaved("{ .a = 1" + std::string(60000, '0') + "ms }");
  ExpectWellBehaved("{ .a = 0." + std::string(60000, '1') + " }");
  ExpectWellBehaved("{ .a = 1e" + std::string(60000, '9') + " }");
}

}  // namespace
}  // namespace weft::query::traceql::testing
