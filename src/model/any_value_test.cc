#include "model/any_value.h"

#include <cmath>
#include <vector>

#include "common/arena.h"
#include "gtest/gtest.h"

namespace weft {
namespace {

TEST(AnyValueTest, ValueIsSmallAndTriviallyCopyable) {
  EXPECT_EQ(sizeof(AnyValue), 16u);
  EXPECT_TRUE(std::is_trivially_copyable_v<AnyValue>);
  EXPECT_TRUE(std::is_trivially_copyable_v<KeyValue>);
}

TEST(AnyValueTest, EveryKind) {
  EXPECT_TRUE(AnyValue().empty());
  EXPECT_EQ(AnyValue::String("s").string_value(), "s");
  EXPECT_EQ(AnyValue::Bytes(std::string_view("\0\1", 2)).bytes_value().size(), 2u);
  EXPECT_TRUE(AnyValue::Bool(true).bool_value());
  EXPECT_EQ(AnyValue::Int(-5).int_value(), -5);
  EXPECT_EQ(AnyValue::Double(2.5).double_value(), 2.5);
  const AnyValue items[] = {AnyValue::Int(1), AnyValue::String("x")};
  AnyValue array = AnyValue::Array(items);
  EXPECT_EQ(array.type(), ValueType::kArray);
  EXPECT_EQ(array.array_value().size(), 2u);
  const KeyValue kvs[] = {{"k", AnyValue::Bool(false)}};
  AnyValue list = AnyValue::KvList(kvs);
  EXPECT_EQ(list.kvlist_value()[0].key, "k");
  EXPECT_EQ(ValueTypeName(list.type()), "kvlist");
}

TEST(AnyValueTest, DeepEquality) {
  const AnyValue a1[] = {AnyValue::Int(1), AnyValue::String("x")};
  const AnyValue a2[] = {AnyValue::Int(1), AnyValue::String("x")};
  const AnyValue a3[] = {AnyValue::Int(1), AnyValue::String("y")};
  EXPECT_EQ(AnyValue::Array(a1), AnyValue::Array(a2));
  EXPECT_NE(AnyValue::Array(a1), AnyValue::Array(a3));
  EXPECT_NE(AnyValue::Int(1), AnyValue::Double(1));
  EXPECT_NE(AnyValue::String("a"), AnyValue::Bytes("a"));
  EXPECT_EQ(AnyValue::Double(std::nan("")), AnyValue::Double(std::nan("")));
}

TEST(AnyValueTest, DepthCountsNesting) {
  EXPECT_EQ(AnyValue::Int(1).Depth(), 1);
  EXPECT_EQ(AnyValue::Array({}).Depth(), 1);
  const AnyValue inner[] = {AnyValue::Int(1)};
  const AnyValue middle[] = {AnyValue::Array(inner)};
  const KeyValue outer[] = {{"m", AnyValue::Array(middle)}};
  EXPECT_EQ(AnyValue::KvList(outer).Depth(), 4);
}

TEST(AnyValueTest, FindAttribute) {
  const KeyValue attrs[] = {{"a", AnyValue::Int(1)}, {"b", AnyValue::Int(2)}};
  ASSERT_NE(FindAttribute(attrs, "b"), nullptr);
  EXPECT_EQ(FindAttribute(attrs, "b")->int_value(), 2);
  EXPECT_EQ(FindAttribute(attrs, "c"), nullptr);
}

TEST(AnyValueTest, CopyToArenaIsDeep) {
  std::string key = "key";
  std::string text = "text";
  std::vector<AnyValue> items = {AnyValue::String(text)};
  std::vector<KeyValue> attrs = {{key, AnyValue::Array(items)}};
  Arena arena;
  Attributes copy = CopyToArena(Attributes(attrs), arena);
  const KeyValue expected_kv{"key", AnyValue::Array(items)};
  EXPECT_EQ(copy[0], expected_kv);
  key[0] = 'X';
  text[0] = 'X';
  items[0] = AnyValue::Int(0);
  EXPECT_EQ(copy[0].key, "key");
  EXPECT_EQ(copy[0].value.array_value()[0].string_value(), "text");
}

}  // namespace
}  // namespace weft
