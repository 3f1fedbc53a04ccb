// GET /posts: pages of posts in id order.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(GetPosts, ListsTheSeededPost) {
  TestApp app;
  auto response = app.get("/posts");
  ASSERT_EQ(response.status(), 200) << response;
  EXPECT_EQ(response.function(), "get_posts");
  const auto& items = response.json()["items"];
  ASSERT_EQ(items.Size(), 1u);
  EXPECT_STREQ(items[0]["slug"].GetString(), "serverless-aurora");
  EXPECT_TRUE(response.json()["next"].IsNull());
}

TEST(GetPosts, PagesWithLimitAndCursor) {
  TestApp app;
  for (const char* slug : {"two", "three"}) {
    ASSERT_EQ(app.post("/posts", std::string(R"({"title":"T","slug":")") + slug + "\"}").status(), 201);
  }
  auto first = app.send(strata::testing::TestRequest("GET", "/posts").with_query("limit", "2"));
  ASSERT_EQ(first.status(), 200) << first;
  ASSERT_EQ(first.json()["items"].Size(), 2u);
  std::string cursor = first.json()["next"].GetString();
  auto second = app.get("/posts?limit=2&cursor=" + cursor);
  ASSERT_EQ(second.status(), 200) << second;
  ASSERT_EQ(second.json()["items"].Size(), 1u);
  EXPECT_STREQ(second.json()["items"][0]["slug"].GetString(), "three");
}

TEST(GetPosts, RejectsALimitOutOfRange) {
  TestApp app;
  auto response = app.get("/posts?limit=0");
  EXPECT_EQ(response.status(), 400) << response;
  EXPECT_STREQ(response.json()["message"].GetString(), "limit must be an integer from 1 to 100");
}
