// PUT /posts/{id} with any of title, slug, user_id, description: 200 with the updated post.
#include "posts.hpp"

namespace {

strata::Response update_post(const strata::Request& request, strata::Context& context) {
  std::int64_t id = blog::id_parameter(request);
  blog::PostFields fields = blog::read_post_fields(request, false);
  // Only the fields given change; COALESCE keeps the others.
  strata::db::Parameters parameters{
      {"id", id},
      {"title", fields.title ? strata::db::Field(*fields.title) : strata::db::Field()},
      {"slug", fields.slug ? strata::db::Field(*fields.slug) : strata::db::Field()},
      {"user_id", fields.user_id ? strata::db::Field(*fields.user_id) : strata::db::Field()},
      {"description", fields.description ? strata::db::Field(*fields.description) : strata::db::Field()},
      {"now", blog::now_datetime()}};
  strata::db::ResultSet updated;
  try {
    updated = context.db().execute(
        "UPDATE posts SET title = COALESCE(:title, title), slug = COALESCE(:slug, slug),"
        " user_id = COALESCE(:user_id, user_id), description = COALESCE(:description, description),"
        " updated_at = :now WHERE id = :id",
        parameters);
  } catch (const strata::db::Error& error) {
    if (error.kind() == strata::db::ErrorKind::kUniqueViolation) {
      throw strata::HttpError(409, "a post with slug '" + *fields.slug + "' already exists");
    }
    throw;
  }
  if (updated.number_of_records_updated == 0) throw strata::HttpError(404, "post " + std::to_string(id) + " not found");
  return strata::Response::json(200, blog::row_json(blog::find_post(context.db(), id)));
}

const strata::Register kUpdatePost{"update_post", update_post};

}  // namespace
