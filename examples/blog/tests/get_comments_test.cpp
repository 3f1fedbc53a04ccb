// GET /posts/{id}/comments: every comment of a post, oldest first.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(GetComments, ListsCommentsOldestFirst) {
  TestApp app;
  for (const char* text : {"first", "second"}) {
    ASSERT_EQ(app.post("/posts/1/comments", std::string(R"({"comment_text":")") + text + "\"}").status(), 201);
  }
  auto response = app.get("/posts/1/comments");
  ASSERT_EQ(response.status(), 200) << response;
  const auto& items = response.json()["items"];
  ASSERT_EQ(items.Size(), 2u);
  EXPECT_STREQ(items[0]["comment_text"].GetString(), "first");
  EXPECT_STREQ(items[1]["comment_text"].GetString(), "second");
}

TEST(GetComments, AnswersMissingPostsWith404) {
  TestApp app;
  EXPECT_EQ(app.get("/posts/5/comments").status(), 404);
}

TEST(GetComments, RouterAnswers405ForAMethodTheRouteLacks) {
  TestApp app;
  auto response = app.del("/posts/1/comments");
  EXPECT_EQ(response.status(), 405) << response;
  EXPECT_EQ(response.header("Allow"), "GET, POST, OPTIONS");
  EXPECT_TRUE(response.function().empty());
}
