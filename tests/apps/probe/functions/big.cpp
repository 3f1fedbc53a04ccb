// GET /big?bytes=N: a body of N bytes ('x' each), to test the payload limits.
#include <charconv>
#include <string>

#include <strata/strata.hpp>

namespace {

strata::Response big(const strata::Request& request, strata::Context&) {
  std::size_t bytes = 0;
  if (auto text = request.query_parameter("bytes")) {
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), bytes);
    if (error != std::errc() || end != text->data() + text->size() || bytes > 64 * 1024 * 1024) {
      throw strata::HttpError(400, "bytes must be a number up to 64 MiB");
    }
  }
  strata::Response response;
  response.status_code = 200;
  response.headers.add("Content-Type", "text/plain");
  response.body.assign(bytes, 'x');
  return response;
}

const strata::Register kBig{"big", big};

}  // namespace
