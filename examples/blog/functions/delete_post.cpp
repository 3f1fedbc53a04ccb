// DELETE /posts/{id}: the post and its comments, 204; 404 when there is no such post.
#include "posts.hpp"

namespace {

strata::Response delete_post(const strata::Request& request, strata::Context& context) {
  std::int64_t id = blog::id_parameter(request);
  strata::db::Transaction transaction(context.db());
  context.db().execute("DELETE FROM comments WHERE post_id = :id", {{"id", id}});
  auto deleted = context.db().execute("DELETE FROM posts WHERE id = :id", {{"id", id}});
  if (deleted.number_of_records_updated == 0) throw strata::HttpError(404, "post " + std::to_string(id) + " not found");
  transaction.commit();
  return strata::Response::empty(204);
}

const strata::Register kDeletePost{"delete_post", delete_post};

}  // namespace
