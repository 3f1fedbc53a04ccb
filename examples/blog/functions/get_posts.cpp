// GET /posts?limit=20&cursor=ID: a page of posts in id order, and the cursor of the next page.
#include <charconv>

#include "posts.hpp"

namespace {

std::int64_t integer_query(const strata::Request& request, const char* name, std::int64_t fallback, std::int64_t min,
                           std::int64_t max) {
  auto text = request.query_parameter(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw strata::HttpError(400, std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                                     std::to_string(max));
  }
  return value;
}

strata::Response get_posts(const strata::Request& request, strata::Context& context) {
  std::int64_t limit = integer_query(request, "limit", 20, 1, 100);
  std::int64_t after = integer_query(request, "cursor", 0, 0, INT64_MAX);
  // One row more than asked tells whether a next page exists. Rows are written as
  // JSON as they are read: no result set is built.
  rapidjson::StringBuffer buffer(nullptr, 4096);
  strata::json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("items");
  writer.StartArray();
  std::int64_t written = 0, last_id = 0;
  bool more = false;
  static const std::string kSql =
      std::string("SELECT ") + blog::kPostColumns + " FROM posts WHERE id > :after ORDER BY id LIMIT :limit";
  context.db().for_each_row(kSql, {{"after", after}, {"limit", limit + 1}}, [&](const strata::db::Row& row) {
                              if (written == limit) {
                                more = true;
                                return;
                              }
                              strata::json::write_row_object(writer, row);
                              last_id = row[0].as_long();
                              ++written;
                            });
  writer.EndArray();
  writer.Key("next");
  if (more) {
    std::string next = std::to_string(last_id);
    writer.String(next.c_str());
  } else {
    writer.Null();
  }
  writer.EndObject();
  return strata::Response::json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

const strata::Register kGetPosts{"get_posts", get_posts};

}  // namespace
