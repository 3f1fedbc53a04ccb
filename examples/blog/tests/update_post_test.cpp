// PUT /posts/{id}: only the fields given change.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(UpdatePost, ChangesOnlyTheFieldsGiven) {
  TestApp app;
  auto response = app.put("/posts/1", R"({"title":"Renamed"})");
  ASSERT_EQ(response.status(), 200) << response;
  EXPECT_STREQ(response.json()["title"].GetString(), "Renamed");
  EXPECT_STREQ(response.json()["slug"].GetString(), "serverless-aurora");
  EXPECT_FALSE(response.json()["updated_at"].IsNull());
}

TEST(UpdatePost, AnswersMissingPostsWith404) {
  TestApp app;
  EXPECT_EQ(app.put("/posts/42", R"({"title":"Nobody"})").status(), 404);
}

TEST(UpdatePost, RejectsAnUnknownField) {
  TestApp app;
  auto response = app.put("/posts/1", R"({"author":"me"})");
  EXPECT_EQ(response.status(), 400) << response;
}
