// The template's JSON text: members in insertion order, every control byte escaped in
// both forms (RapidJSON's own SSE2 writer would leave 0x1A-0x1F raw: invalid JSON).
#include "deploy/json_tree.hpp"

#include <gtest/gtest.h>

#include <string>

namespace strata::deploy {
namespace {

TEST(JsonTree, MembersKeepTheirOrder) {
  JsonTree tree = JsonTree::object({{"b", 1}, {"a", JsonTree::array({"x", true})}});
  EXPECT_EQ(tree.to_string(false), R"({"b":1,"a":["x",true]})");
  EXPECT_EQ(tree.to_string(true), "{\n  \"b\": 1,\n  \"a\": [\n    \"x\",\n    true\n  ]\n}\n");
}

TEST(JsonTree, EveryControlByteIsEscapedPrettyOrNot) {
  // Long enough for RapidJSON's 16-byte SSE2 blocks, with 0x1A-0x1F inside one.
  std::string text(48, 'a');
  for (char c = 0x1A; c <= 0x1F; ++c) text[static_cast<std::size_t>(c)] = c;
  JsonTree tree = JsonTree::object({{text, text}});
  for (bool pretty : {false, true}) {
    std::string json = tree.to_string(pretty);
    for (char c = 0x1A; c <= 0x1F; ++c) {
      EXPECT_EQ(json.find(c), std::string::npos) << "raw byte " << int(c) << (pretty ? " (pretty)" : "");
    }
    EXPECT_NE(json.find("\\u001A"), std::string::npos) << json;
    EXPECT_NE(json.find("\\u001F"), std::string::npos) << json;
  }
}

}  // namespace
}  // namespace strata::deploy
