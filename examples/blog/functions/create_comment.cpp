// POST /posts/{id}/comments {"comment_text"}: 201 with the stored comment.
#include "posts.hpp"

namespace {

strata::Response create_comment(const strata::Request& request, strata::Context& context) {
  std::int64_t id = blog::id_parameter(request);
  strata::json::Document body = strata::json::parse_object(request);
  for (const auto& member : body.GetObject()) {
    if (std::string_view(member.name.GetString()) != "comment_text") {
      throw strata::HttpError(400, "unknown field '" + std::string(member.name.GetString()) + "'; expected comment_text");
    }
  }
  auto text = strata::json::optional_string(body, "comment_text");
  if (!text || text->find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw strata::HttpError(400, "comment_text is required");
  }
  if (blog::utf8_length(*text) > 65535) throw strata::HttpError(400, "comment_text must be at most 65535 characters");
  blog::require_post(context.db(), id);
  std::string now = blog::now_datetime();
  auto inserted = context.db().execute(
      "INSERT INTO comments (comment_text, post_id, created_at, updated_at) VALUES (:text, :post_id, :now, :now)",
      {{"text", std::string(*text)}, {"post_id", id}, {"now", now}});
  std::int64_t comment_id = inserted.generated_fields.at(0).as_long();
  auto stored = context.db().execute(std::string("SELECT ") + blog::kCommentColumns + " FROM comments WHERE id = :id",
                                     {{"id", comment_id}});
  return strata::Response::json(201, blog::row_json(stored));
}

const strata::Register kCreateComment{"create_comment", create_comment};

}  // namespace
