// parse_json_in_place against RapidJSON: whatever it accepts, RapidJSON accepts and
// reads into the same document (the same values, number types and string bytes); what
// it declines is left to RapidJSON. It must accept the payloads the service carries.
#include "lambda/json_in_place.hpp"

#include <gtest/gtest.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace strata::lambda {
namespace {

using rapidjson::Value;

// Same values, and the same number flags (Int/Uint/Int64/Uint64) RapidJSON would set.
::testing::AssertionResult same(const Value& ours, const Value& theirs, const std::string& path = "$") {
  if (ours.GetType() != theirs.GetType()) return ::testing::AssertionFailure() << path << ": types differ";
  if (ours.IsNumber()) {
    if (ours.IsInt() != theirs.IsInt() || ours.IsUint() != theirs.IsUint() || ours.IsInt64() != theirs.IsInt64() ||
        ours.IsUint64() != theirs.IsUint64() || ours.IsDouble() != theirs.IsDouble()) {
      return ::testing::AssertionFailure() << path << ": number kinds differ";
    }
  }
  if (ours.IsString() && std::string(ours.GetString(), ours.GetStringLength()) !=
                             std::string(theirs.GetString(), theirs.GetStringLength())) {
    return ::testing::AssertionFailure() << path << ": strings differ";
  }
  // NUL-terminated as RapidJSON's in-place strings are (GetString() used as a C string).
  if (ours.IsString() && ours.GetString()[ours.GetStringLength()] != '\0') {
    return ::testing::AssertionFailure() << path << ": string not NUL-terminated";
  }
  if (ours.IsArray()) {
    if (ours.Size() != theirs.Size()) return ::testing::AssertionFailure() << path << ": sizes differ";
    for (rapidjson::SizeType i = 0; i < ours.Size(); ++i) {
      auto result = same(ours[i], theirs[i], path + "[" + std::to_string(i) + "]");
      if (!result) return result;
    }
  }
  if (ours.IsObject()) {
    if (ours.MemberCount() != theirs.MemberCount()) return ::testing::AssertionFailure() << path << ": member counts differ";
    for (auto a = ours.MemberBegin(), b = theirs.MemberBegin(); a != ours.MemberEnd(); ++a, ++b) {
      auto key = same(a->name, b->name, path + ".key");
      if (!key) return key;
      auto result = same(a->value, b->value, path + "." + a->name.GetString());
      if (!result) return result;
    }
  }
  return ours == theirs ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << path << ": values differ";
}

// Parses `json` both ways; true when ours accepted it. Fails the test if ours accepts
// what RapidJSON refuses or reads it differently.
bool check(const std::string& json) {
  rapidjson::Document ours;
  std::string scratch;
  bool accepted = parse_json_in_place(ours, json, scratch);
  std::string copy = json;
  rapidjson::Document theirs;
  theirs.ParseInsitu<rapidjson::kParseIterativeFlag>(copy.data());
  if (!accepted) return false;
  EXPECT_FALSE(theirs.HasParseError()) << "accepted what RapidJSON refuses: " << json;
  if (!theirs.HasParseError()) {
    EXPECT_TRUE(same(ours, theirs)) << json;
  }
  return true;
}

const char* const kResponse =
    R"({"statusCode":200,"headers":{"Content-Type":"application/json","X-N":7},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},)"
    R"("body":"{\"items\":[{\"id\":1,\"title\":\"Post \\\"one\\\"\\n\",\"slug\":\"p\\/1\"}],\"é\":\"\u00e9\ud83d\ude00\u0000x\"}",)"
    R"("isBase64Encoded":false})";

TEST(JsonInPlace, ReadsAProxyResponseAsRapidJsonDoes) {
  EXPECT_TRUE(check(kResponse));
  EXPECT_TRUE(check(std::string(" \t\r\n") + kResponse + " \n"));
}

TEST(JsonInPlace, ReadsEveryEscapeAndIntegerKindAsRapidJsonDoes) {
  for (const char* json : {
           R"("")", R"("\"\\\/\b\f\n\r\t")", R"("\u0041\u00e9\u20AC\uD834\uDD1E")", R"(["\u0000", "a\u0000b"])",
           R"([0, -0, 1, -1, 2147483647, 2147483648, -2147483648, -2147483649, 4294967295, 4294967296])",
           R"([9223372036854775807, 9223372036854775808, -9223372036854775808, 18446744073709551615])",
           R"({"a":{"b":[[],{},[[]],{"c":null}]},"t":true,"f":false})", R"([1,2,3])", "{}", "[]", "null", "7",
           "\"0123456789abcdef\\\"0123456789abcdef\\\\0123456789abcdef\"",
       }) {
    EXPECT_TRUE(check(json)) << json;
  }
}

TEST(JsonInPlace, LeavesDoublesBigNumbersAndErrorsToRapidJson) {
  for (const char* json : {
           "1.5", "1e3", "-1E-2", "18446744073709551616", "-9223372036854775809", "01", "-", "1.", "+1", "[1,]",
           "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}", "{1:2}", "[1 2]", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\uD800\"",
           "\"\\uD800\\u0041\"", "\"\\uDC00\"", "\"a\tb\"", "tru", "nul", "[", "{", "]", "", "   ", "[1]x", "{}{}",
       }) {
    EXPECT_FALSE(check(json)) << json;
  }
}

TEST(JsonInPlace, ANulByteEndsTheTextAsInRapidJsonsParse) {
  EXPECT_TRUE(check(std::string("{\"a\":1}\0garbage", 15)));
  EXPECT_FALSE(check(std::string("{\"a\":\0 1}", 9)));
  EXPECT_FALSE(check(std::string("\"a\0b\"", 5)));
}

TEST(JsonInPlace, DeepNestingCostsNoStack) {
  // (Not compared with check(): the comparison itself recurses.)
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  rapidjson::Document document;
  std::string scratch;
  ASSERT_TRUE(parse_json_in_place(document, deep, scratch));
  const Value* level = &document;
  int depth = 1;
  while (level->IsArray() && !level->Empty()) {
    level = &(*level)[0];
    ++depth;
  }
  EXPECT_EQ(depth, 200000);
  EXPECT_FALSE(parse_json_in_place(document, deep.substr(1), scratch));
}

TEST(JsonInPlace, MutatedPayloadsAreAcceptedOnlyAsRapidJsonReadsThem) {
  const std::string base = kResponse;
  const std::string alphabet = "{}[]\",:\\/u0123456789abcdefnrt.eE+- \x01\x7f\xc3\xa9";
  std::uint32_t state = 2024;
  auto next = [&state] { return (state = state * 1103515245u + 12345u) >> 16; };
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string json = base;
    for (int edits = 1 + static_cast<int>(next() % 3); edits > 0; --edits) {
      std::size_t at = next() % json.size();
      char c = alphabet[next() % alphabet.size()];
      switch (next() % 3) {
        case 0: json[at] = c; break;
        case 1: json.insert(json.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: json.erase(at, 1 + next() % 4); break;
      }
    }
    accepted += check(json);
    if (HasFailure()) return;
  }
  // Not a vacuous comparison: many mutants are still JSON and read by ours.
  EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace strata::lambda
