// POST /posts {"title", "slug", "user_id"?, "description"?}: 201 with the stored post and its Location.
#include "posts.hpp"

namespace {

strata::Response create_post(const strata::Request& request, strata::Context& context) {
  blog::PostFields fields = blog::read_post_fields(request, true);
  std::string now = blog::now_datetime();
  strata::db::ResultSet inserted;
  try {
    inserted = context.db().execute(
        "INSERT INTO posts (user_id, title, slug, description, hits, created_at, updated_at)"
        " VALUES (:user_id, :title, :slug, :description, 0, :now, :now)",
        {{"user_id", fields.user_id ? strata::db::Field(*fields.user_id) : strata::db::Field()},
         {"title", *fields.title},
         {"slug", *fields.slug},
         {"description", fields.description ? strata::db::Field(*fields.description) : strata::db::Field()},
         {"now", now}});
  } catch (const strata::db::Error& error) {
    if (error.kind() == strata::db::ErrorKind::kUniqueViolation) {
      throw strata::HttpError(409, "a post with slug '" + *fields.slug + "' already exists");
    }
    throw;
  }
  std::int64_t id = inserted.generated_fields.at(0).as_long();
  auto stored = blog::find_post(context.db(), id);
  strata::Response response = strata::Response::json(201, blog::row_json(stored));
  response.headers.add("Location", "/posts/" + std::to_string(id));
  return response;
}

const strata::Register kCreatePost{"create_post", create_post};

}  // namespace
