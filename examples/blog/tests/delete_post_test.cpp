// DELETE /posts/{id}: the post and its comments.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(DeletePost, RemovesThePostAndItsComments) {
  TestApp app;
  ASSERT_EQ(app.post("/posts/1/comments", R"({"comment_text":"bye"})").status(), 201);
  auto response = app.del("/posts/1");
  EXPECT_EQ(response.status(), 204) << response;
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(app.get("/posts/1").status(), 404);
  EXPECT_TRUE(app.db().execute("SELECT id FROM comments").records.empty());
}

TEST(DeletePost, AnswersMissingPostsWith404) {
  TestApp app;
  EXPECT_EQ(app.del("/posts/7").status(), 404);
}
