// The project file: parsing, defaults, and errors that name FILE:LINE: JSON.PATH.
#include "core/project.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace strata {
namespace {

const std::filesystem::path kFile = "/srv/app/strata.json";

// The message of the ProjectError that parsing `text` throws, or "(no error)".
std::string parse_error(std::string_view text) {
  try {
    parse_project(text, kFile);
  } catch (const ProjectError& error) {
    return error.what();
  }
  return "(no error)";
}

std::string functions_error(const Project& project, const std::set<std::string, std::less<>>& known) {
  try {
    check_functions(project, [&known](std::string_view name) { return known.count(name) > 0; });
  } catch (const ProjectError& error) {
    return error.what();
  }
  return "(no error)";
}

constexpr std::string_view kBlog = R"({
  "name": "blog",
  "routes": {
    "posts": [
      {"method": "GET", "function": "get_posts"},
      {"method": "post", "function": "create_post"}
    ],
    "/posts/{id}/": [
      {"method": "GET", "function": "get_post"}
    ],
    "files/{path+}": [
      {"method": "ANY", "function": "serve_file"}
    ]
  },
  "database": {"name": "blog_db", "migrations": "db/migrations"},
  "cors": {
    "origins": ["https://example.com"],
    "headers": ["Content-Type"],
    "methods": ["get", "POST"],
    "allowCredentials": true,
    "maxAge": 60
  }
})";

TEST(ProjectFile, ValidFileIsParsed) {
  Project project = parse_project(kBlog, kFile);
  EXPECT_EQ(project.name, "blog");
  EXPECT_EQ(project.file, kFile);
  EXPECT_EQ(project.directory, std::filesystem::path("/srv/app"));
  EXPECT_EQ(project.source, kBlog);
  ASSERT_EQ(project.routes.size(), 3u);
}

TEST(ProjectFile, RoutePathsAreNormalized) {
  Project project = parse_project(kBlog, kFile);
  ASSERT_EQ(project.routes.size(), 3u);
  std::set<std::string> paths;
  for (const Route& route : project.routes) paths.insert(route.path);
  EXPECT_EQ(paths, (std::set<std::string>{"/posts", "/posts/{id}", "/files/{path+}"}));
}

TEST(ProjectFile, RouteMethodsKeepTheirOrderAndAreUpperCased) {
  Project project = parse_project(kBlog, kFile);
  const Route* posts = nullptr;
  for (const Route& route : project.routes) {
    if (route.path == "/posts") posts = &route;
  }
  ASSERT_NE(posts, nullptr);
  ASSERT_EQ(posts->methods.size(), 2u);
  EXPECT_EQ(posts->methods[0].method, "GET");
  EXPECT_EQ(posts->methods[0].function, "get_posts");
  EXPECT_EQ(posts->methods[1].method, "POST");
  EXPECT_EQ(posts->methods[1].function, "create_post");
}

TEST(ProjectFile, ExplicitDatabaseAndCorsSettingsAreRead) {
  Project project = parse_project(kBlog, kFile);
  EXPECT_EQ(project.database.name, "blog_db");
  EXPECT_EQ(project.database.migrations, std::filesystem::path("/srv/app/db/migrations"));
  EXPECT_EQ(project.cors.origins, std::vector<std::string>{"https://example.com"});
  EXPECT_EQ(project.cors.headers, std::vector<std::string>{"Content-Type"});
  EXPECT_EQ(project.cors.methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_TRUE(project.cors.allow_credentials);
  EXPECT_EQ(project.cors.max_age_seconds, 60);
}

constexpr std::string_view kMinimal = R"({
  "name": "shop",
  "routes": {"/items": [{"method": "GET", "function": "list_items"}]}
})";

TEST(ProjectFile, CorsDefaultsToEveryOrigin) {
  Project project = parse_project(kMinimal, kFile);
  EXPECT_EQ(project.cors.origins, std::vector<std::string>{"*"});
  EXPECT_FALSE(project.cors.allow_credentials);
  EXPECT_EQ(project.cors.max_age_seconds, 600);
}

TEST(ProjectFile, DatabaseNameDefaultsToTheAppName) {
  Project project = parse_project(kMinimal, kFile);
  EXPECT_EQ(project.database.name, "shop");
}

TEST(ProjectFile, MigrationsFolderDefaultsToMigrationsNextToTheFile) {
  Project project = parse_project(kMinimal, kFile);
  EXPECT_EQ(project.database.migrations, std::filesystem::path("/srv/app/migrations"));
}

TEST(ProjectFile, MigrationsFolderIsResolvedRelativeToTheFilesFolder) {
  Project project = parse_project(R"({
  "name": "shop",
  "routes": {"/items": [{"method": "GET", "function": "list_items"}]},
  "database": {"migrations": "../shared/./sql"}
})",
                                  kFile);
  EXPECT_EQ(project.database.migrations, std::filesystem::path("/srv/shared/sql"));
  EXPECT_EQ(project.database.name, "shop");
}

TEST(ProjectFile, SingleOriginStringIsAccepted) {
  Project project = parse_project(R"({
  "name": "shop",
  "routes": {"/items": [{"method": "GET", "function": "list_items"}]},
  "cors": {"origins": "https://shop.example"}
})",
                                  kFile);
  EXPECT_EQ(project.cors.origins, std::vector<std::string>{"https://shop.example"});
}

TEST(ProjectFile, HyphenatedAppNameIsAccepted) {
  Project project = parse_project(R"({"name": "my-shop", "routes": {}})", kFile);
  EXPECT_EQ(project.name, "my-shop");
  EXPECT_EQ(project.database.name, "my-shop");
}

TEST(ProjectFile, RootRouteKeyBecomesSlash) {
  Project project = parse_project(R"({"name": "shop", "routes": {"/": [{"method": "GET", "function": "home"}]}})", kFile);
  ASSERT_EQ(project.routes.size(), 1u);
  EXPECT_EQ(project.routes[0].path, "/");
}

TEST(ProjectFile, MissingNameNamesTheDocument) {
  EXPECT_EQ(parse_error(R"({
  "routes": {}
})"),
            "/srv/app/strata.json:1: (the document): missing required field 'name'");
}

TEST(ProjectFile, EmptyNameIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "",
  "routes": {}
})"),
            "/srv/app/strata.json:2: name: expected a non-empty string");
}

TEST(ProjectFile, NameOfTheWrongTypeIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "routes": {},
  "name": 7
})"),
            "/srv/app/strata.json:3: name: expected a string, got a number");
}

TEST(ProjectFile, NameWithInvalidCharactersIsRejectedEvenWithAHyphen) {
  std::string error = parse_error(R"({
  "name": "my shop-1!",
  "routes": {}
})");
  EXPECT_EQ(error.rfind("/srv/app/strata.json:2: name: expected a name that starts with a letter, then letters, digits, '_' or '-'", 0), 0u)
      << error;
}

TEST(ProjectFile, RoutesNotAnObjectIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": [
    {"method": "GET", "function": "f"}
  ]
})"),
            "/srv/app/strata.json:3: routes: expected an object, got an array");
}

TEST(ProjectFile, MissingRoutesNamesTheDocument) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog"
})"),
            "/srv/app/strata.json:1: (the document): missing required field 'routes'");
}

TEST(ProjectFile, RouteValueNotAnArrayIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts": [{"method": "GET", "function": "get_posts"}],
    "/users": {"method": "GET", "function": "get_users"}
  }
})"),
            "/srv/app/strata.json:5: routes[\"/users\"]: expected an array of {\"method\", \"function\"}, got an "
            "object");
}

TEST(ProjectFile, RouteWithoutMethodsIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts": []
  }
})"),
            "/srv/app/strata.json:4: routes[\"/posts\"]: expected at least one {\"method\", \"function\"}");
}

TEST(ProjectFile, UnknownMethodNamesItsIndexAndLine) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "posts": [
      {"method": "GET", "function": "get_posts"},
      {"method": "FETCH", "function": "fetch_posts"}
    ]
  }
})"),
            "/srv/app/strata.json:6: routes[\"posts\"][1].method: expected one of GET, POST, PUT, DELETE, PATCH, "
            "HEAD, OPTIONS, ANY, got \"FETCH\"");
}

TEST(ProjectFile, RouteKeyIsPrintedInBracketsEvenWhenItLooksLikeAnIdentifier) {
  std::string error = parse_error(R"({
  "name": "blog",
  "routes": {
    "posts": {"method": "GET"}
  }
})");
  EXPECT_EQ(error.rfind("/srv/app/strata.json:4: routes[\"posts\"]: ", 0), 0u) << error;
}

TEST(ProjectFile, UnknownMethodUnderSlashKeyNamesItsIndexAndLine) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts": [
      {"method": "GET", "function": "get_posts"},

      {"method": "FETCH", "function": "fetch_posts"}
    ]
  }
})"),
            "/srv/app/strata.json:7: routes[\"/posts\"][1].method: expected one of GET, POST, PUT, DELETE, PATCH, "
            "HEAD, OPTIONS, ANY, got \"FETCH\"");
}

TEST(ProjectFile, DuplicateMethodIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts": [
      {"method": "GET", "function": "get_posts"},
      {"method": "get", "function": "get_posts_again"}
    ]
  }
})"),
            "/srv/app/strata.json:6: routes[\"/posts\"][1].method: method GET is declared twice for /posts");
}

TEST(ProjectFile, MissingFunctionIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts": [
      {"method": "GET"}
    ]
  }
})"),
            "/srv/app/strata.json:5: routes[\"/posts\"][0]: missing required field 'function'");
}

TEST(ProjectFile, UnknownFieldInARouteMethodIsRejected) {
  std::string error = parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts": [
      {"method": "GET", "function": "get_posts",
       "timeout": 3}
    ]
  }
})");
  EXPECT_EQ(error.rfind("/srv/app/strata.json:6: routes[\"/posts\"][0].timeout: unknown field; expected one of method, "
                        "function",
                        0),
            0u)
      << error;
}

TEST(ProjectFile, BadPathParameterSegmentIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts": [{"method": "GET", "function": "get_posts"}],
    "/posts/{id": [{"method": "GET", "function": "get_post"}]
  }
})"),
            "/srv/app/strata.json:5: routes[\"/posts/{id\"]: path parameter segment '{id' must look like {name} or "
            "{name+}");
}

TEST(ProjectFile, PathParameterMixedWithTextIsRejected) {
  std::string error = parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts/id-{id}": [{"method": "GET", "function": "get_post"}]
  }
})");
  EXPECT_EQ(error.rfind("/srv/app/strata.json:4: routes[\"/posts/id-{id}\"]: ", 0), 0u) << error;
}

TEST(ProjectFile, GreedyParameterMustBeTheLastSegment) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/files/{path+}/meta": [{"method": "GET", "function": "meta"}]
  }
})"),
            "/srv/app/strata.json:4: routes[\"/files/{path+}/meta\"]: greedy parameter {path+} must be the last "
            "segment");
}

TEST(ProjectFile, RepeatedPathParameterIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/a/{id}/b/{id}": [{"method": "GET", "function": "f"}]
  }
})"),
            "/srv/app/strata.json:4: routes[\"/a/{id}/b/{id}\"]: path parameter {id} appears twice");
}

TEST(ProjectFile, EmptySegmentIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "/posts//comments": [{"method": "GET", "function": "f"}]
  }
})"),
            "/srv/app/strata.json:4: routes[\"/posts//comments\"]: route path has an empty segment (\"//\")");
}

TEST(ProjectFile, DuplicatePathAfterNormalizationIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {
    "posts": [{"method": "GET", "function": "get_posts"}],
    "/posts/": [{"method": "POST", "function": "create_post"}]
  }
})"),
            "/srv/app/strata.json:5: routes[\"/posts/\"]: route path /posts is declared twice");
}

TEST(ProjectFile, UnknownTopLevelFieldIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "colour": "blue"
})"),
            "/srv/app/strata.json:4: colour: unknown field; expected one of name, api, routes, database, cors, functions, deploy, auth");
}

TEST(ProjectFile, SchemaFieldIsAllowed) {
  Project project = parse_project(R"({"$schema": "https://example.com/strata.schema.json", "name": "x", "routes": {}})",
                                  kFile);
  EXPECT_EQ(project.name, "x");
}

TEST(ProjectFile, DocumentThatIsNotAnObjectIsRejected) {
  EXPECT_EQ(parse_error("[1, 2]"), "/srv/app/strata.json:1: (the document): expected an object, got an array");
}

TEST(ProjectFile, NegativeCorsMaxAgeIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {
    "origins": ["*"],
    "maxAge": -1
  }
})"),
            "/srv/app/strata.json:6: cors.maxAge: expected a number of seconds >= 0");
}

TEST(ProjectFile, FractionalCorsMaxAgeIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {"maxAge": 1.5}
})"),
            "/srv/app/strata.json:4: cors.maxAge: expected a number of seconds >= 0");
}

TEST(ProjectFile, InvalidCorsMethodNamesItsIndexAndLine) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {
    "methods": [
      "GET",
      "FETCH"
    ]
  }
})"),
            "/srv/app/strata.json:7: cors.methods[1]: expected an HTTP method or \"*\", got \"FETCH\"");
}

TEST(ProjectFile, CorsMethodsWildcardIsAccepted) {
  Project project = parse_project(R"({"name": "x", "routes": {}, "cors": {"methods": ["*"]}})", kFile);
  EXPECT_EQ(project.cors.methods, std::vector<std::string>{"*"});
}

TEST(ProjectFile, EmptyCorsOriginsIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {
    "origins": []
  }
})"),
            "/srv/app/strata.json:5: cors.origins: expected at least one origin (or \"*\")");
}

TEST(ProjectFile, CorsOriginOfTheWrongTypeNamesItsIndex) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {"origins": ["https://a.example",
                       3]}
})"),
            "/srv/app/strata.json:5: cors.origins[1]: expected a string, got a number");
}

TEST(ProjectFile, NonBooleanAllowCredentialsIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {"allowCredentials": "yes"}
})"),
            "/srv/app/strata.json:4: cors.allowCredentials: expected a boolean, got a string");
}

TEST(ProjectFile, UnknownCorsFieldIsRejected) {
  std::string error = parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {
    "origin": "*"
  }
})");
  EXPECT_EQ(error.rfind("/srv/app/strata.json:5: cors.origin: unknown field; expected one of origins, ", 0), 0u)
      << error;
}

TEST(ProjectFile, CorsExposeHeadersAreRead) {
  Project project = parse_project(R"({"name": "blog", "routes": {}, "cors": {"exposeHeaders": ["Location", "X-Total"]}})", kFile);
  EXPECT_EQ(project.cors.expose_headers, (std::vector<std::string>{"Location", "X-Total"}));
  EXPECT_TRUE(parse_project(kBlog, kFile).cors.expose_headers.empty());
}

TEST(ProjectFile, CorsExposeHeaderOfTheWrongTypeNamesItsIndex) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "cors": {"exposeHeaders": ["Location", 5]}
})"),
            "/srv/app/strata.json:4: cors.exposeHeaders[1]: expected a string, got a number");
}

TEST(ProjectFile, ApiTypeDefaultsToRest) {
  EXPECT_EQ(parse_project(kBlog, kFile).api, ApiType::kRest);
}

TEST(ProjectFile, ApiTypeHttpIsRead) {
  EXPECT_EQ(parse_project(R"({"name": "blog", "routes": {}, "api": {"type": "http"}})", kFile).api, ApiType::kHttp);
  EXPECT_EQ(parse_project(R"({"name": "blog", "routes": {}, "api": {"type": "rest"}})", kFile).api, ApiType::kRest);
}

TEST(ProjectFile, UnknownApiTypeNamesItsLine) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "api": {
    "type": "websocket"
  }
})"),
            "/srv/app/strata.json:5: api.type: expected \"rest\" (a REST API, payload format 1.0) or \"http\" (an HTTP "
            "API, payload format 2.0), got \"websocket\"");
}

TEST(ProjectFile, ApiTypeOfTheWrongTypeIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "api": {"type": 2}
})"),
            "/srv/app/strata.json:4: api.type: expected a string, got a number");
}

TEST(ProjectFile, ApiThatIsNotAnObjectIsRejected) {
  EXPECT_EQ(parse_error(R"({"name": "blog", "routes": {}, "api": "http"})"),
            "/srv/app/strata.json:1: api: expected an object, got a string");
}

TEST(ProjectFile, UnknownApiFieldIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "api": {"type": "http", "payload": "2.0"}
})"),
            "/srv/app/strata.json:4: api.payload: unknown field; expected one of type");
}

TEST(ProjectFile, InvalidDatabaseNameIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {},
  "database": {
    "name": "blog-db"
  }
})"),
            "/srv/app/strata.json:5: database.name: expected a database name (letters, digits, '_'), got \"blog-db\"");
}

TEST(ProjectFile, InvalidJsonGivesLineAndColumn) {
  std::string error = parse_error(R"({
  "name": "blog",
  "routes": {,}
})");
  EXPECT_EQ(error.rfind("/srv/app/strata.json:3:14: not valid JSON: ", 0), 0u) << error;
}

TEST(ProjectFile, TruncatedJsonIsReportedAsInvalid) {
  std::string error = parse_error("{\n  \"name\": \"blog\",\n");
  EXPECT_EQ(error.rfind("/srv/app/strata.json:3:1: not valid JSON: ", 0), 0u) << error;
}

TEST(ProjectFile, CheckFunctionsAcceptsKnownFunctions) {
  Project project = parse_project(kBlog, kFile);
  EXPECT_EQ(functions_error(project, {"get_posts", "create_post", "get_post", "serve_file"}), "(no error)");
}

constexpr std::string_view kWithParameter = R"({
  "name": "blog",
  "routes": {
    "/posts": [{"method": "GET", "function": "get_posts"}],
    "posts/{id}": [
      {"method": "GET", "function": "get_postz"}
    ]
  }
})";

TEST(ProjectFile, CheckFunctionsNamesTheUnknownFunctionWithPathAndLine) {
  Project project = parse_project(kWithParameter, kFile);
  EXPECT_EQ(functions_error(project, {"get_posts", "get_post"}),
            "/srv/app/strata.json:6: routes[\"posts/{id}\"][0].function: no function named 'get_postz' is built into "
            "this app");
}

TEST(ProjectFile, CheckFunctionsUnderIdentifierKeyPrintsTheKeyInBrackets) {
  Project project = parse_project(R"({
  "name": "blog",
  "routes": {
    "posts": [
      {"method": "GET", "function": "get_posts"},
      {"method": "POST", "function": "create_postz"}
    ]
  }
})",
                                  kFile);
  EXPECT_EQ(functions_error(project, {"get_posts"}),
            "/srv/app/strata.json:6: routes[\"posts\"][1].function: no function named 'create_postz' is built into "
            "this app");
}

TEST(ProjectFile, RouteMethodRemembersWhereItWasDeclared) {
  Project project = parse_project(kWithParameter, kFile);
  ASSERT_EQ(project.routes.size(), 2u);
  ASSERT_EQ(project.routes[1].methods.size(), 1u);
  EXPECT_EQ(project.routes[1].methods[0].json_path, "routes[\"posts/{id}\"][0].function");
}

TEST(ProjectFile, DeploySettingsAndCapacityAreRead) {
  Project project = parse_project(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "GET", "function": "get_posts"}]},
  "database": {"minCapacity": 0.5, "maxCapacity": 8, "autoPauseSeconds": 600, "engineVersion": "8.0.mysql_aurora.3.09.0"},
  "deploy": {"stage": "dev", "architecture": "arm64"}
})",
                                  kFile);
  EXPECT_EQ(project.database.min_capacity, 0.5);
  EXPECT_EQ(project.database.max_capacity, 8);
  EXPECT_EQ(project.database.auto_pause_seconds, 600);
  EXPECT_EQ(project.database.engine_version, "8.0.mysql_aurora.3.09.0");
  EXPECT_EQ(project.deploy.stage, "dev");
  EXPECT_EQ(project.deploy.architecture, "arm64");
}

TEST(ProjectFile, DeployDefaults) {
  Project project = parse_project(R"({"name": "blog", "routes": {"posts": [{"method": "GET", "function": "f"}]}})", kFile);
  EXPECT_EQ(project.database.min_capacity, 0);
  EXPECT_EQ(project.database.max_capacity, 2);
  EXPECT_EQ(project.deploy.stage, "prod");
  EXPECT_EQ(project.deploy.architecture, "");
}

TEST(ProjectFile, CapacityOutOfRangeOrStepIsRejected) {
  auto with_database = [](const std::string& database) {
    return parse_error(R"({"name": "blog", "routes": {"posts": [{"method": "GET", "function": "f"}]},
  "database": )" + database + "}");
  };
  EXPECT_EQ(with_database(R"({"maxCapacity": 300})"),
            "/srv/app/strata.json:2: database.maxCapacity: expected Aurora capacity units from 0 to 256 in steps of 0.5");
  EXPECT_EQ(with_database(R"({"minCapacity": 0.3})"),
            "/srv/app/strata.json:2: database.minCapacity: expected Aurora capacity units from 0 to 256 in steps of 0.5");
  EXPECT_EQ(with_database(R"({"minCapacity": 4, "maxCapacity": 2})"),
            "/srv/app/strata.json:2: database.minCapacity: is above database.maxCapacity");
  EXPECT_NE(with_database(R"({"engineVersion": "5.7.mysql_aurora.2.11.2"})")
                .find("database.engineVersion: expected an Aurora MySQL 3 version"),
            std::string::npos);
}

TEST(ProjectFile, UnknownDeployFieldsAndBadValuesAreRejected) {
  auto with_deploy = [](const std::string& deploy) {
    return parse_error(R"({"name": "blog", "routes": {"posts": [{"method": "GET", "function": "f"}]},
  "deploy": )" + deploy + "}");
  };
  EXPECT_EQ(with_deploy(R"({"region": "eu-west-1"})"),
            "/srv/app/strata.json:2: deploy.region: unknown field; expected one of stage, architecture");
  EXPECT_EQ(with_deploy(R"({"architecture": "x86"})"),
            "/srv/app/strata.json:2: deploy.architecture: expected \"x86_64\" or \"arm64\", got \"x86\"");
  EXPECT_EQ(with_deploy(R"({"stage": "my stage"})"),
            "/srv/app/strata.json:2: deploy.stage: expected a stage name (letters, digits, '_', '-'), got \"my stage\"");
}

TEST(ProjectAuth, AuthorizersAndProtectedRoutesAreRead) {
  Project project = parse_project(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "GET", "function": "get_posts"}, {"method": "POST", "function": "create_post", "auth": "writers"}]},
  "auth": {
    "writers": {"type": "jwt", "issuer": "https://issuer.example", "audience": ["blog", "admin"], "secretEnv": "BLOG_JWT_SECRET"},
    "rsa": {"type": "jwt", "issuer": "https://issuer.example", "audience": "blog", "publicKeyFile": "keys/public.pem", "leeway": 5},
    "partners": {"type": "apiKey", "keysFile": "keys.txt"}
  }
})",
                                  kFile);
  EXPECT_EQ(project.routes[0].methods[0].authorizer, "");
  EXPECT_EQ(project.routes[0].methods[1].authorizer, "writers");
  const AuthorizerConfig& writers = project.authorizers.at("writers");
  EXPECT_EQ(writers.type, AuthorizerConfig::Type::kJwt);
  EXPECT_EQ(writers.audiences, (std::vector<std::string>{"blog", "admin"}));
  EXPECT_EQ(writers.secret_env, "BLOG_JWT_SECRET");
  EXPECT_EQ(writers.leeway_seconds, 30);
  EXPECT_EQ(project.authorizers.at("rsa").public_key_file, "/srv/app/keys/public.pem");
  EXPECT_EQ(project.authorizers.at("rsa").audiences, (std::vector<std::string>{"blog"}));
  EXPECT_EQ(project.authorizers.at("rsa").leeway_seconds, 5);
  EXPECT_EQ(project.authorizers.at("partners").type, AuthorizerConfig::Type::kApiKey);
  EXPECT_EQ(project.authorizers.at("partners").keys_file, "/srv/app/keys.txt");
}

TEST(ProjectAuth, UnknownAuthorizerOnARouteIsRejected) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "POST", "function": "create_post", "auth": "writer"}]},
  "auth": {"writers": {"type": "apiKey", "keysEnv": "KEYS"}}
})"),
            "/srv/app/strata.json:3: routes[\"posts\"][0].auth: no authorizer named 'writer' in \"auth\" (it declares: "
            "writers)");
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "POST", "function": "create_post", "auth": "writers"}]}
})"),
            "/srv/app/strata.json:3: routes[\"posts\"][0].auth: no authorizer named 'writers' in \"auth\" (the file "
            "declares none)");
}

TEST(ProjectAuth, JwtAuthorizerNeedsIssuerAudienceAndOneKeySource) {
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "GET", "function": "f"}]},
  "auth": {"w": {"type": "jwt", "audience": "blog", "secretEnv": "S"}}
})"),
            "/srv/app/strata.json:4: auth[\"w\"]: missing required field 'issuer'");
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "GET", "function": "f"}]},
  "auth": {"w": {"type": "jwt", "issuer": "i", "secretEnv": "S"}}
})"),
            "/srv/app/strata.json:4: auth[\"w\"]: missing required field 'audience' (a string or a list: what the "
            "tokens' \"aud\" must hold)");
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "GET", "function": "f"}]},
  "auth": {"w": {"type": "jwt", "issuer": "i", "audience": "a", "secretEnv": "S", "jwksFile": "k.json"}}
})"),
            "/srv/app/strata.json:4: auth[\"w\"]: expected exactly one key source: \"secretEnv\" (HS256: the "
            "environment variable holding the secret), \"publicKeyFile\" or \"jwksFile\" (RS256)");
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "GET", "function": "f"}]},
  "auth": {"w": {"type": "jwt", "issuer": "i", "audience": "a", "secret": "hunter2"}}
})"),
            "/srv/app/strata.json:4: auth[\"w\"].secret: unknown field; expected one of type, issuer, audience, "
            "secretEnv, publicKeyFile, jwksFile, leeway");
  EXPECT_EQ(parse_error(R"({
  "name": "blog",
  "routes": {"posts": [{"method": "GET", "function": "f"}]},
  "auth": {"w": {"type": "oauth"}}
})"),
            "/srv/app/strata.json:4: auth[\"w\"].type: expected \"jwt\" or \"apiKey\", got \"oauth\"");
}

}  // namespace
}  // namespace strata
