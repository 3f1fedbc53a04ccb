// Router: resolving request paths to the project's routes as API Gateway does.
#include "gateway/router.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace strata::gateway {
namespace {

Route route(std::string path, std::initializer_list<std::pair<const char*, const char*>> methods = {{"GET", "f"}}) {
  Route result;
  result.path = std::move(path);
  for (const auto& [method, function] : methods) result.methods.push_back({method, function, "", ""});
  return result;
}

std::vector<Route> routes(std::initializer_list<const char*> paths) {
  std::vector<Route> result;
  for (const char* path : paths) result.push_back(route(path));
  return result;
}

// The template of the route `path` resolves to, or "(none)".
std::string resolve(const Router& router, std::string_view path) {
  auto match = router.match(path);
  return match ? match->route->path : "(none)";
}

TEST(Router, ExactPathMatchesItsRoute) {
  auto table = routes({"/posts", "/users"});
  Router router(table);
  auto match = router.match("/users");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[1]);
  EXPECT_TRUE(match->path_parameters.empty());
}

TEST(Router, UnknownPathGivesNullopt) {
  auto table = routes({"/posts", "/posts/{id}"});
  Router router(table);
  EXPECT_FALSE(router.match("/users").has_value());
  EXPECT_FALSE(router.match("/posts/1/comments").has_value());
}

TEST(Router, PrefixOfARouteDoesNotMatch) {
  auto table = routes({"/posts/{id}/comments"});
  Router router(table);
  EXPECT_FALSE(router.match("/posts/1").has_value());
  EXPECT_FALSE(router.match("/posts").has_value());
}

TEST(Router, RootPathMatchesRootRoute) {
  auto table = routes({"/", "/posts"});
  Router router(table);
  auto match = router.match("/");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[0]);
}

TEST(Router, RootPathWithoutRootRouteGivesNullopt) {
  auto table = routes({"/posts", "/{id}"});
  Router router(table);
  EXPECT_FALSE(router.match("/").has_value());
}

TEST(Router, TrailingSlashMatchesTheSameRoute) {
  auto table = routes({"/posts", "/posts/{id}"});
  Router router(table);
  EXPECT_EQ(resolve(router, "/posts/"), "/posts");
  auto match = router.match("/posts/7/");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[1]);
  EXPECT_EQ(match->path_parameters.get("id"), "7");
}

TEST(Router, PathParameterCapturesTheSegment) {
  auto table = routes({"/posts/{id}"});
  Router router(table);
  auto match = router.match("/posts/42");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[0]);
  ASSERT_EQ(match->path_parameters.size(), 1u);
  EXPECT_EQ(match->path_parameters.entries()[0].first, "id");
  EXPECT_EQ(match->path_parameters.entries()[0].second, "42");
}

TEST(Router, PathParameterDoesNotMatchEmptySegment) {
  auto table = routes({"/posts/{id}"});
  Router router(table);
  EXPECT_FALSE(router.match("/posts/").has_value());
  EXPECT_FALSE(router.match("/posts").has_value());
}

TEST(Router, SeveralPathParametersAreAllCaptured) {
  auto table = routes({"/users/{user}/posts/{post}"});
  Router router(table);
  auto match = router.match("/users/ann/posts/9");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->path_parameters.size(), 2u);
  EXPECT_EQ(match->path_parameters.get("user"), "ann");
  EXPECT_EQ(match->path_parameters.get("post"), "9");
}

TEST(Router, PathParameterIsPercentDecoded) {
  auto table = routes({"/files/{name}"});
  Router router(table);
  auto match = router.match("/files/hello%20world%2Fx%C3%A9");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->path_parameters.get("name"), "hello world/x\xC3\xA9");
}

TEST(Router, PathParameterKeepsPlusSign) {
  auto table = routes({"/tags/{tag}"});
  Router router(table);
  auto match = router.match("/tags/c++");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->path_parameters.get("tag"), "c++");
}

TEST(Router, MalformedPercentEscapeIsKeptVerbatim) {
  auto table = routes({"/files/{name}"});
  Router router(table);
  auto match = router.match("/files/100%zz");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->path_parameters.get("name"), "100%zz");
}

TEST(Router, ExactSegmentBeatsPathParameter) {
  auto table = routes({"/posts/{id}", "/posts/latest"});
  Router router(table);
  auto match = router.match("/posts/latest");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[1]);
  EXPECT_TRUE(match->path_parameters.empty());
  EXPECT_EQ(resolve(router, "/posts/3"), "/posts/{id}");
}

TEST(Router, PathParameterBeatsGreedyParameter) {
  auto table = routes({"/files/{proxy+}", "/files/{name}"});
  Router router(table);
  auto match = router.match("/files/a.txt");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[1]);
  EXPECT_EQ(match->path_parameters.get("name"), "a.txt");
  EXPECT_FALSE(match->path_parameters.contains("proxy"));
}

TEST(Router, GreedyParameterCapturesTheRestOfThePath) {
  auto table = routes({"/files/{proxy+}"});
  Router router(table);
  auto match = router.match("/files/a/b/c.txt");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[0]);
  ASSERT_EQ(match->path_parameters.size(), 1u);
  EXPECT_EQ(match->path_parameters.get("proxy"), "a/b/c.txt");
}

TEST(Router, GreedyParameterIsPercentDecoded) {
  auto table = routes({"/files/{proxy+}"});
  Router router(table);
  auto match = router.match("/files/my%20dir/a%2Bb");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->path_parameters.get("proxy"), "my dir/a+b");
}

TEST(Router, GreedyParameterNeedsAtLeastOneSegment) {
  auto table = routes({"/files/{proxy+}"});
  Router router(table);
  EXPECT_FALSE(router.match("/files").has_value());
  EXPECT_FALSE(router.match("/files/").has_value());
}

TEST(Router, GreedyParameterAtRootCatchesEverythingElse) {
  auto table = routes({"/posts", "/{proxy+}"});
  Router router(table);
  EXPECT_EQ(resolve(router, "/posts"), "/posts");
  auto match = router.match("/anything/at/all");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[1]);
  EXPECT_EQ(match->path_parameters.get("proxy"), "anything/at/all");
}

TEST(Router, BacktracksFromExactSegmentToPathParameter) {
  auto table = routes({"/a/b/c", "/a/{x}/d"});
  Router router(table);
  auto exact = router.match("/a/b/c");
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->route, &table[0]);
  EXPECT_TRUE(exact->path_parameters.empty());

  auto backtracked = router.match("/a/b/d");
  ASSERT_TRUE(backtracked.has_value());
  EXPECT_EQ(backtracked->route, &table[1]);
  ASSERT_EQ(backtracked->path_parameters.size(), 1u);
  EXPECT_EQ(backtracked->path_parameters.get("x"), "b");
}

TEST(Router, BacktracksFromPathParameterToGreedyParameter) {
  auto table = routes({"/files/{name}", "/{proxy+}"});
  Router router(table);
  auto match = router.match("/files/a/b");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[1]);
  ASSERT_EQ(match->path_parameters.size(), 1u);
  EXPECT_EQ(match->path_parameters.get("proxy"), "files/a/b");
}

TEST(Router, BacktrackingDropsParametersOfTheAbandonedBranch) {
  auto table = routes({"/a/{x}/c", "/a/b/{y}/d"});
  Router router(table);
  // /a/b/{y} is tried first (exact b) and dead-ends; {x} then matches.
  auto match = router.match("/a/b/c");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[0]);
  EXPECT_EQ(match->path_parameters.size(), 1u);
  EXPECT_EQ(match->path_parameters.get("x"), "b");
  EXPECT_FALSE(match->path_parameters.contains("y"));
}

TEST(Router, BacktrackingKeepsParametersBoundBeforeTheDeadEnd) {
  auto table = routes({"/a/{x}/b/c", "/a/{x}/{y}/d"});
  Router router(table);
  // Under {x}, the exact "b" branch dead-ends at "d"; {y} then matches, and {x} must still be bound.
  auto match = router.match("/a/1/b/d");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, &table[1]);
  EXPECT_EQ(match->path_parameters.get("x"), "1");
  EXPECT_EQ(match->path_parameters.get("y"), "b");
  EXPECT_EQ(match->path_parameters.size(), 2u);
}

TEST(Router, PathParameterIsNamedAsInTheMatchedRoute) {
  auto table = routes({"/posts/{id}", "/posts/{postId}/comments"});
  Router router(table);
  auto post = router.match("/posts/5");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->route, &table[0]);
  EXPECT_EQ(post->path_parameters.get("id"), "5");

  auto comments = router.match("/posts/5/comments");
  ASSERT_TRUE(comments.has_value());
  EXPECT_EQ(comments->route, &table[1]);
  EXPECT_EQ(comments->path_parameters.get("postId"), "5");
}

TEST(Router, FindMethodReturnsTheDeclaredMethod) {
  Route posts = route("/posts", {{"GET", "list_posts"}, {"POST", "create_post"}});
  const RouteMethod* get = Router::find_method(posts, "GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->function, "list_posts");
  const RouteMethod* post = Router::find_method(posts, "POST");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->function, "create_post");
}

TEST(Router, FindMethodGivesNullForAnUndeclaredMethod) {
  Route posts = route("/posts", {{"GET", "list_posts"}});
  EXPECT_EQ(Router::find_method(posts, "DELETE"), nullptr);
}

TEST(Router, FindMethodIsCaseSensitive) {
  Route posts = route("/posts", {{"GET", "list_posts"}});
  EXPECT_EQ(Router::find_method(posts, "get"), nullptr);
}

TEST(Router, FindMethodFallsBackToAny) {
  Route proxy = route("/proxy", {{"ANY", "handle_all"}});
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}) {
    const RouteMethod* found = Router::find_method(proxy, method);
    ASSERT_NE(found, nullptr) << method;
    EXPECT_EQ(found->function, "handle_all") << method;
  }
}

TEST(Router, OptionsIsLeftToTheCorsPreflightUnlessDeclared) {
  Route proxy = route("/proxy", {{"ANY", "handle_all"}});
  EXPECT_EQ(Router::find_method(proxy, "OPTIONS"), nullptr);
  Route declared = route("/declared", {{"ANY", "handle_all"}, {"OPTIONS", "own_preflight"}});
  ASSERT_NE(Router::find_method(declared, "OPTIONS"), nullptr);
  EXPECT_EQ(Router::find_method(declared, "OPTIONS")->function, "own_preflight");
}

TEST(Router, FindMethodPrefersTheExactMethodOverAny) {
  Route mixed = route("/things", {{"ANY", "handle_all"}, {"GET", "list_things"}});
  const RouteMethod* get = Router::find_method(mixed, "GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->function, "list_things");
  const RouteMethod* put = Router::find_method(mixed, "PUT");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->function, "handle_all");
}

TEST(Router, AllowedMethodsListsDeclaredMethodsAndOptions) {
  Route posts = route("/posts", {{"GET", "list_posts"}, {"POST", "create_post"}});
  EXPECT_EQ(Router::allowed_methods(posts), "GET, POST, OPTIONS");
}

TEST(Router, AllowedMethodsDoesNotRepeatDeclaredOptions) {
  Route posts = route("/posts", {{"GET", "list_posts"}, {"OPTIONS", "preflight"}});
  EXPECT_EQ(Router::allowed_methods(posts), "GET, OPTIONS");
}

TEST(Router, AllowedMethodsExpandsAny) {
  Route proxy = route("/proxy", {{"ANY", "handle_all"}});
  EXPECT_EQ(Router::allowed_methods(proxy), "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS");
}

TEST(Router, AllowedMethodsNamesEachMethodOnce) {
  Route mixed = route("/things", {{"GET", "list_things"}, {"ANY", "handle_all"}});
  std::string allowed = Router::allowed_methods(mixed);
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}) {
    std::string needle = method;
    std::size_t first = allowed.find(needle);
    ASSERT_NE(first, std::string::npos) << method << " missing from " << allowed;
    EXPECT_EQ(allowed.find(needle, first + 1), std::string::npos) << method << " repeated in " << allowed;
  }
}

}  // namespace
}  // namespace strata::gateway
