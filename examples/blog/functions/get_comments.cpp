// GET /posts/{id}/comments: every comment of a post, oldest first.
#include "posts.hpp"

namespace {

strata::Response get_comments(const strata::Request& request, strata::Context& context) {
  std::int64_t id = blog::id_parameter(request);
  blog::require_post(context.db(), id);
  auto result = context.db().execute(
      std::string("SELECT ") + blog::kCommentColumns + " FROM comments WHERE post_id = :id ORDER BY id", {{"id", id}});
  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("items");
  strata::json::write_record_objects(writer, result);
  writer.EndObject();
  return strata::Response::json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

const strata::Register kGetComments{"get_comments", get_comments};

}  // namespace
