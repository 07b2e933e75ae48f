// Value (value.h): the comparison rules and Tempo's display of durations.
#include "query/traceql/value.h"

#include <cmath>
#include <limits>

#include "common/arena.h"
#include "gtest/gtest.h"

namespace weft::query::traceql {
namespace {

TEST(ValueTest, GoDurationString) {
  EXPECT_EQ(GoDurationString(0), "0s");
  EXPECT_EQ(GoDurationString(999), "999ns");
  EXPECT_EQ(GoDurationString(1'500), "1.5µs");
  EXPECT_EQ(GoDurationString(5'000'000), "5ms");
  EXPECT_EQ(GoDurationString(30'666'666), "30.666666ms");
  EXPECT_EQ(GoDurationString(1'500'000'000), "1.5s");
  EXPECT_EQ(GoDurationString(90'000'000'000), "1m30s");
  EXPECT_EQ(GoDurationString(5'400'000'000'000), "1h30m0s");
  EXPECT_EQ(GoDurationString(-2'000'000), "-2ms");
  EXPECT_EQ(GoDurationString(std::numeric_limits<int64_t>::min()), "-2562047h47m16.854775808s");
}

TEST(ValueTest, NumbersMixExactly) {
  EXPECT_TRUE(CompareValues(Value::Int(1), CompareOp::kEq, Value::Float(1.0)));
  EXPECT_TRUE(CompareValues(Value::Duration(5'000'000), CompareOp::kEq, Value::Int(5'000'000)));
  EXPECT_TRUE(CompareValues(Value::Int(9'007'199'254'740'993), CompareOp::kGt,
                            Value::Float(9'007'199'254'740'992.0)))
      << "no rounding of the int to a double";
  EXPECT_TRUE(CompareValues(Value::Float(NAN), CompareOp::kNe, Value::Float(NAN)));
  EXPECT_FALSE(CompareValues(Value::Float(NAN), CompareOp::kEq, Value::Float(NAN)));
}

TEST(ValueTest, MismatchesAndNilNeverMatch) {
  for (const CompareOp op : {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt, CompareOp::kGe}) {
    EXPECT_FALSE(CompareValues(Value::Nil(), op, Value::Int(1)));
    EXPECT_FALSE(CompareValues(Value::StringView("1"), op, Value::Int(1)));
    EXPECT_FALSE(CompareValues(Value::Bool(true), op, Value::StringView("true")));
    EXPECT_FALSE(CompareValues(Value::OfStatus(StatusCode::kError), op, Value::Int(2)));
  }
  EXPECT_FALSE(CompareValues(Value::Bool(true), CompareOp::kLt, Value::Bool(false)));
  EXPECT_TRUE(CompareValues(Value::OfKind(SpanKind::kServer), CompareOp::kNe,
                            Value::OfKind(SpanKind::kClient)));
  EXPECT_TRUE(CompareValues(Value::StringView("b"), CompareOp::kGt, Value::OwnedString("a")));
}

TEST(ValueTest, TempoDisplay) {
  Arena arena;
  EXPECT_EQ(ToAnyValue(Value::Duration(1'500'000'000), arena).string_value(), "1.5s");
  EXPECT_EQ(ToAnyValue(Value::OfStatus(StatusCode::kError), arena).string_value(), "error");
  EXPECT_EQ(ToAnyValue(Value::OfKind(SpanKind::kServer), arena).string_value(), "server");
  EXPECT_EQ(ToAnyValue(Value::Nil(), arena).string_value(), "nil");
  EXPECT_EQ(ToAnyValue(Value::Int(-3), arena).int_value(), -3);
  const Value copied = Value::OwnedString("kept");
  const Value copy = copied;
  EXPECT_EQ(copy.text(), "kept") << "an owned text travels with the copy";
}

}  // namespace
}  // namespace weft::query::traceql
