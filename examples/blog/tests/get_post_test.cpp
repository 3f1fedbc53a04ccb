// GET /posts/{id}: one post, or 404.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(GetPost, AnswersThePostOfThePathParameter) {
  TestApp app;
  auto response = app.get("/posts/1");
  ASSERT_EQ(response.status(), 200) << response;
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_STREQ(response.json()["title"].GetString(), "A serverless blogpost with Aurora");
}

TEST(GetPost, AnswersMissingPostsWith404) {
  TestApp app;
  auto response = app.get("/posts/999");
  EXPECT_EQ(response.status(), 404) << response;
  EXPECT_STREQ(response.json()["message"].GetString(), "post 999 not found");
}

TEST(GetPost, RejectsAnIdThatIsNotANumber) {
  TestApp app;
  EXPECT_EQ(app.get("/posts/abc").status(), 400);
}

TEST(GetPost, CanBeInvokedByNameWithExplicitPathParameters) {
  TestApp app;
  strata::Request request;
  request.http_method = "GET";
  request.path_parameters.add("id", "1");
  auto response = app.invoke("get_post", std::move(request));
  ASSERT_EQ(response.status(), 200) << response;
  EXPECT_EQ(response.json()["id"].GetInt64(), 1);
}
