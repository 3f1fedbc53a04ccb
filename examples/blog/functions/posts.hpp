#pragma once
// What the blog's functions share: reading ids and post fields, loading a post, writing it as JSON.
#include <cstdint>
#include <optional>
#include <string>

#include <strata/strata.hpp>

namespace blog {

inline constexpr const char* kPostColumns = "id, user_id, title, slug, description, hits, created_at, updated_at";
inline constexpr const char* kCommentColumns = "id, comment_text, post_id, created_at, updated_at";

// The positive integer in path parameter `name`; HttpError 400 otherwise.
std::int64_t id_parameter(const strata::Request& request, const char* name = "id");

// The post with `id` as a one-row result, or an empty result.
strata::db::ResultSet find_post(strata::db::Client& db, std::int64_t id);
// Throws HttpError 404 unless the post exists.
void require_post(strata::db::Client& db, std::int64_t id);

// Row `row` of `result` as a JSON object keyed by column label.
std::string row_json(const strata::db::ResultSet& result, std::size_t row = 0);

// The writable fields of a post, as a request body gives them. Absent fields stay nullopt.
struct PostFields {
  std::optional<std::string> title;
  std::optional<std::string> slug;
  std::optional<std::string> user_id;
  std::optional<std::string> description;
};
// Reads and checks the body; HttpError 400 names the first wrong field. With
// `require_all`, title and slug must be present (create); otherwise at least one field (update).
PostFields read_post_fields(const strata::Request& request, bool require_all);

// Characters (not bytes) in UTF-8 text.
std::size_t utf8_length(std::string_view text);

// The current UTC time as SQL DATETIME text.
std::string now_datetime();

}  // namespace blog
