#pragma once
// A JSON value built in place, for documents assembled piece by piece (the
// CloudFormation template): objects keep their members in insertion order, so
// the same input always gives the same text.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace strata::deploy {

class JsonTree {
 public:
  struct Member;

  JsonTree() = default;  // null
  JsonTree(const char* text) : kind_(Kind::kString), text_(text) {}
  JsonTree(std::string text) : kind_(Kind::kString), text_(std::move(text)) {}
  JsonTree(std::string_view text) : kind_(Kind::kString), text_(text) {}
  JsonTree(bool value) : kind_(Kind::kBool), bool_(value) {}
  JsonTree(int value) : kind_(Kind::kInteger), integer_(value) {}
  JsonTree(double value) : kind_(Kind::kDouble), double_(value) {}

  static JsonTree object(std::initializer_list<Member> members = {});
  static JsonTree array(std::initializer_list<JsonTree> items = {});

  // Objects: sets `key` (replacing an existing member). Returns the member's value.
  JsonTree& set(std::string key, JsonTree value);
  // The member `key` of an object, or nullptr.
  const JsonTree* find(std::string_view key) const;
  // Arrays: appends.
  JsonTree& push(JsonTree value);
  bool empty() const { return items_.empty(); }

  std::string to_string(bool pretty = true) const;

 private:
  enum class Kind { kNull, kBool, kInteger, kDouble, kString, kObject, kArray };
  template <typename Writer>
  void write(Writer& writer) const;

  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::int64_t integer_ = 0;
  double double_ = 0;
  std::string text_;
  std::vector<std::string> keys_;  // objects: the key of each item
  std::vector<JsonTree> items_;
};

struct JsonTree::Member {
  std::string key;
  JsonTree value;
};

}  // namespace strata::deploy
