#include "common/tenant.h"

#include <string>

#include "gtest/gtest.h"

namespace weft {
namespace {

TEST(TenantTest, Rules) {
  struct Case {
    const char* rule;
    std::string tenant;
    bool valid;
  } cases[] = {
      {"plain name", "team-a", true},
      {"every allowed punctuation", "a!-_.*'()b", true},
      {"150 bytes is the maximum", std::string(150, 'x'), true},
      {"151 bytes is too long", std::string(151, 'x'), false},
      {"empty", "", false},
      {"dot", ".", false},
      {"dot dot", "..", false},
      {"slash (path traversal)", "a/b", false},
      {"space", "a b", false},
      {"non-ASCII", "caf\xC3\xA9", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    EXPECT_EQ(ValidateTenantId(c.tenant).ok(), c.valid);
  }
}

}  // namespace
}  // namespace weft
