// GET /posts/{id}: one post, or 404.
#include "posts.hpp"

namespace {

strata::Response get_post(const strata::Request& request, strata::Context& context) {
  std::int64_t id = blog::id_parameter(request);
  auto result = blog::find_post(context.db(), id);
  if (result.records.empty()) throw strata::HttpError(404, "post " + std::to_string(id) + " not found");
  return strata::Response::json(200, blog::row_json(result));
}

const strata::Register kGetPost{"get_post", get_post};

}  // namespace
