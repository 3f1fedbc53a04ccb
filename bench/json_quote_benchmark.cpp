// Quoting a string as JSON (json::write_quoted): the body of the blog's GET /posts,
// itself JSON, as the runtime quotes it in its response under serve --lambda; 4 KB of
// prose; a 26-byte column value, as a row's strings are.
//   strata_micro_benchmarks --benchmark_filter=JsonQuote
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "strata/json.hpp"

namespace {

// The 20 posts' page as the blog writes it (about 3.9 KB, a quote every few bytes).
std::string posts_page() {
  std::string page = R"({"items":[)";
  for (int id = 1; id <= 20; ++id) {
    std::string n = std::to_string(id);
    if (id > 1) page += ',';
    page += R"({"id":)" + n + R"(,"user_id":"344d117ea9f1","title":"Post number )" + n + R"(","slug":"post-)" + n +
            R"(","description":"The description of post )" + n +
            R"(","hits":0,"created_at":"2026-11-27 20:01:00","updated_at":"2026-11-27 20:01:00"})";
  }
  return page + R"(],"next":null})";
}

std::string prose() {
  std::string text;
  while (text.size() < 4000) text += "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
  return text;
}

void quote(benchmark::State& state, const std::string& text) {
  rapidjson::StringBuffer out;
  for (auto _ : state) {
    out.Clear();
    strata::json::write_quoted(out, text.data(), text.size());
    benchmark::DoNotOptimize(out.GetString());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void JsonQuotePostsPage(benchmark::State& state) { quote(state, posts_page()); }
BENCHMARK(JsonQuotePostsPage);

void JsonQuoteProse(benchmark::State& state) { quote(state, prose()); }
BENCHMARK(JsonQuoteProse);

void JsonQuoteShortValue(benchmark::State& state) { quote(state, "The description of post 17"); }
BENCHMARK(JsonQuoteShortValue);

}  // namespace
