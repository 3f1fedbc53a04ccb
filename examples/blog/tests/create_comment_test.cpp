// POST /posts/{id}/comments: 201 with the stored comment.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(CreateComment, StoresTheCommentUnderThePost) {
  TestApp app;
  auto response = app.post("/posts/1/comments", R"({"comment_text":"Nice post"})");
  ASSERT_EQ(response.status(), 201) << response;
  EXPECT_EQ(response.json()["post_id"].GetInt64(), 1);
  EXPECT_STREQ(response.json()["comment_text"].GetString(), "Nice post");
}

TEST(CreateComment, RequiresText) {
  TestApp app;
  auto response = app.post("/posts/1/comments", R"({"comment_text":"  "})");
  EXPECT_EQ(response.status(), 400) << response;
  EXPECT_STREQ(response.json()["message"].GetString(), "comment_text is required");
}

TEST(CreateComment, AnswersMissingPostsWith404) {
  TestApp app;
  EXPECT_EQ(app.post("/posts/77/comments", R"({"comment_text":"lost"})").status(), 404);
}

TEST(CreateComment, RejectsABodyThatIsNotJson) {
  TestApp app;
  EXPECT_EQ(app.post("/posts/1/comments", "not json").status(), 400);
}
