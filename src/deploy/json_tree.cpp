#include "deploy/json_tree.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <stdexcept>

#include "strata/json.hpp"

namespace strata::deploy {
namespace {

// RapidJSON's PrettyWriter with strings written by json::write_quoted (its own SSE2 path
// leaves 0x1A-0x1F unescaped: a template CloudFormation would reject).
class PrettyWriter : public rapidjson::PrettyWriter<rapidjson::StringBuffer> {
  using Base = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

 public:
  using Base::Base;
  bool String(const char* text, rapidjson::SizeType length, bool = false) {
    PrettyPrefix(rapidjson::kStringType);
    json::write_quoted(*os_, text, length);
    return EndValue(true);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy = false) { return String(text, length, copy); }
};

}  // namespace

JsonTree JsonTree::object(std::initializer_list<Member> members) {
  JsonTree tree;
  tree.kind_ = Kind::kObject;
  for (const auto& member : members) tree.set(member.key, member.value);
  return tree;
}

JsonTree JsonTree::array(std::initializer_list<JsonTree> items) {
  JsonTree tree;
  tree.kind_ = Kind::kArray;
  tree.items_.assign(items.begin(), items.end());
  return tree;
}

JsonTree& JsonTree::set(std::string key, JsonTree value) {
  if (kind_ != Kind::kObject) throw std::logic_error("JsonTree::set on a value that is not an object");
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return items_[i] = std::move(value);
  }
  keys_.push_back(std::move(key));
  items_.push_back(std::move(value));
  return items_.back();
}

const JsonTree* JsonTree::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

JsonTree& JsonTree::push(JsonTree value) {
  if (kind_ != Kind::kArray) throw std::logic_error("JsonTree::push on a value that is not an array");
  items_.push_back(std::move(value));
  return items_.back();
}

template <typename Writer>
void JsonTree::write(Writer& writer) const {
  switch (kind_) {
    case Kind::kNull: writer.Null(); break;
    case Kind::kBool: writer.Bool(bool_); break;
    case Kind::kInteger: writer.Int64(integer_); break;
    case Kind::kDouble: writer.Double(double_); break;
    case Kind::kString: writer.String(text_.data(), static_cast<rapidjson::SizeType>(text_.size())); break;
    case Kind::kObject:
      writer.StartObject();
      for (std::size_t i = 0; i < keys_.size(); ++i) {
        writer.Key(keys_[i].data(), static_cast<rapidjson::SizeType>(keys_[i].size()));
        items_[i].write(writer);
      }
      writer.EndObject();
      break;
    case Kind::kArray:
      writer.StartArray();
      for (const auto& item : items_) item.write(writer);
      writer.EndArray();
      break;
  }
}

std::string JsonTree::to_string(bool pretty) const {
  rapidjson::StringBuffer buffer;
  if (pretty) {
    PrettyWriter writer(buffer);
    writer.SetIndent(' ', 2);
    write(writer);
  } else {
    json::Writer writer(buffer);
    write(writer);
  }
  return std::string(buffer.GetString(), buffer.GetSize()) + (pretty ? "\n" : "");
}

}  // namespace strata::deploy
