#include "posts.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace blog {

using strata::HttpError;

std::int64_t id_parameter(const strata::Request& request, const char* name) {
  auto text = request.path_parameter(name).value_or("");
  std::int64_t id = 0;
  bool digits = !text.empty() && text.size() <= 18 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    for (char c : text) id = id * 10 + (c - '0');
  }
  if (!digits || id <= 0) throw HttpError(400, std::string(name) + " must be a positive integer");
  return id;
}

strata::db::ResultSet find_post(strata::db::Client& db, std::int64_t id) {
  return db.execute(std::string("SELECT ") + kPostColumns + " FROM posts WHERE id = :id", {{"id", id}});
}

void require_post(strata::db::Client& db, std::int64_t id) {
  if (db.execute("SELECT 1 FROM posts WHERE id = :id", {{"id", id}}).records.empty()) {
    throw HttpError(404, "post " + std::to_string(id) + " not found");
  }
}

std::string row_json(const strata::db::ResultSet& result, std::size_t row) {
  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  strata::json::write_record_object(writer, result, row);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

namespace {

std::optional<std::string> checked(const strata::json::Value& body, const char* field, std::size_t max_length,
                                   bool required) {
  auto value = strata::json::optional_string(body, field);
  if (!value) {
    if (required) throw HttpError(400, std::string(field) + " is required");
    return std::nullopt;
  }
  if (required && value->find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw HttpError(400, std::string(field) + " must not be empty");
  }
  if (utf8_length(*value) > max_length) {
    throw HttpError(400, std::string(field) + " must be at most " + std::to_string(max_length) + " characters");
  }
  return std::string(*value);
}

}  // namespace

PostFields read_post_fields(const strata::Request& request, bool require_all) {
  strata::json::Document body = strata::json::parse_object(request);
  for (const auto& member : body.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (name != "title" && name != "slug" && name != "user_id" && name != "description") {
      throw HttpError(400, "unknown field '" + std::string(name) + "'; expected title, slug, user_id, description");
    }
  }
  PostFields fields;
  fields.title = checked(body, "title", 250, require_all);
  fields.slug = checked(body, "slug", 20, require_all);
  if (fields.slug) {
    bool valid = !fields.slug->empty() && std::all_of(fields.slug->begin(), fields.slug->end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!valid) throw HttpError(400, "slug must be 1 to 20 of a-z, 0-9 and '-'");
  }
  if (fields.title && fields.title->find_first_not_of(" \t\r\n") == std::string::npos) {
    throw HttpError(400, "title must not be empty");
  }
  fields.user_id = checked(body, "user_id", 50, false);
  fields.description = checked(body, "description", 65535, false);
  if (!require_all && !fields.title && !fields.slug && !fields.user_id && !fields.description) {
    throw HttpError(400, "nothing to update: give at least one of title, slug, user_id, description");
  }
  return fields;
}

std::string now_datetime() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
  return text;
}

}  // namespace blog
