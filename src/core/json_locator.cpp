#include "core/json_locator.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <vector>

namespace strata::json_locator {
namespace {

bool is_identifier(std::string_view key);

// A path with every ["identifier"] written .identifier, the form member_path builds.
std::string canonical(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path.substr(i, 2) == "[\"") {
      std::size_t end = path.find("\"]", i + 2);
      if (end != std::string_view::npos && is_identifier(path.substr(i + 2, end - i - 2))) {
        if (!out.empty()) out += '.';
        out.append(path.substr(i + 2, end - i - 2));
        i = end + 2;
        continue;
      }
    }
    out += path[i++];
  }
  return out;
}

bool is_identifier(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!ok) return false;
  }
  return true;
}

// SAX handler that keeps the path of the value being read and notes the byte
// offset at which the target path first appears.
class Finder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Finder> {
 public:
  Finder(const rapidjson::MemoryStream& stream, std::string_view target)
      : stream_(stream), target_(canonical(target)) {}

  bool Key(const char* text, rapidjson::SizeType length, bool) {
    Frame& frame = frames_.back();
    frame.key.assign(text, length);
    check(member_path(frame.path, frame.key));
    return !found_;
  }
  bool StartObject() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(true); }
  bool EndArray(rapidjson::SizeType) { return close(); }
  bool Default() {
    value_path();
    return !found_;
  }

  std::optional<std::size_t> offset() const { return found_ ? std::optional(offset_) : std::nullopt; }

 private:
  struct Frame {
    std::string path;
    bool is_array = false;
    std::size_t next_index = 0;
    std::string key;
  };

  // The path of the value that starts now, within its parent.
  std::string value_path() {
    if (frames_.empty()) {
      check("");
      return "";
    }
    Frame& frame = frames_.back();
    std::string path = frame.is_array ? index_path(frame.path, frame.next_index++) : member_path(frame.path, frame.key);
    check(path);
    return path;
  }
  bool open(bool is_array) {
    std::string path = value_path();
    frames_.push_back({std::move(path), is_array, 0, {}});
    return !found_;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  void check(const std::string& path) {
    if (!found_ && path == target_) {
      found_ = true;
      offset_ = stream_.Tell();
    }
  }

  const rapidjson::MemoryStream& stream_;
  std::string target_;
  std::vector<Frame> frames_;
  bool found_ = false;
  std::size_t offset_ = 0;
};

}  // namespace

std::string member_path(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (is_identifier(key)) {
    if (!path.empty()) path += '.';
    path.append(key);
  } else {
    path += "[\"";
    path.append(key);
    path += "\"]";
  }
  return path;
}

std::string key_path(std::string_view parent, std::string_view key) {
  return std::string(parent) + "[\"" + std::string(key) + "\"]";
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::pair<int, int> line_and_column(std::string_view text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::optional<int> line_of(std::string_view text, std::string_view path) {
  rapidjson::MemoryStream stream(text.data(), text.size());
  Finder finder(stream, path);
  rapidjson::Reader reader;
  // Read as Document::Parse reads (it skips a leading BOM, and any of its bytes), or a path
  // of a document that parsed would not be found here.
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> encoded(stream);
  reader.Parse<rapidjson::kParseIterativeFlag>(encoded, finder);
  auto offset = finder.offset();
  if (!offset) return std::nullopt;
  return line_and_column(text, *offset).first;
}

}  // namespace strata::json_locator
