// POST /posts: 201 with the stored post and its Location.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(CreatePost, StoresThePostAndAnswersItsLocation) {
  TestApp app;
  auto response = app.post("/posts", R"({"title":"Hello","slug":"hello","description":"first"})");
  ASSERT_EQ(response.status(), 201) << response;
  std::int64_t id = response.json()["id"].GetInt64();
  EXPECT_EQ(response.header("location"), "/posts/" + std::to_string(id));
  EXPECT_EQ(response.json()["hits"].GetInt64(), 0);
  auto stored = app.db().execute("SELECT title FROM posts WHERE id = :id", {{"id", id}});
  ASSERT_EQ(stored.records.size(), 1u);
  EXPECT_EQ(stored.records[0][0].as_string(), "Hello");
}

TEST(CreatePost, RefusesADuplicateSlugWith409) {
  TestApp app;
  auto response = app.post("/posts", R"({"title":"Again","slug":"serverless-aurora"})");
  EXPECT_EQ(response.status(), 409) << response;
}

TEST(CreatePost, NamesTheMissingField) {
  TestApp app;
  auto response = app.post("/posts", R"({"title":"No slug"})");
  EXPECT_EQ(response.status(), 400) << response;
  EXPECT_STREQ(response.json()["message"].GetString(), "slug is required");
}
