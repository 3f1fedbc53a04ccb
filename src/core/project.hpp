#pragma once
// The project file, strata.json: an app's name, routes, database, CORS and auth settings.
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

// A mistake in the project file: the message names the file, the line, the JSON
// path and what was expected, e.g.
//   strata.json:7: routes["posts"][1].function: no function named 'get_postz'
class ProjectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RouteMethod {
  std::string method;    // GET, POST, ... or ANY
  std::string function;  // a registered function's name
  std::string json_path;  // where it was declared, for error messages
  std::string authorizer;  // the name of its "auth" entry; empty for an open route
};

struct Route {
  std::string path;  // normalized: leading '/', no trailing '/', e.g. /posts/{id}
  std::vector<RouteMethod> methods;
};

struct CorsSettings {
  std::vector<std::string> origins{"*"};
  std::vector<std::string> headers{"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key",
                                   "X-Amz-Security-Token", "X-Amz-User-Agent"};
  std::vector<std::string> methods{"OPTIONS", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"};
  std::vector<std::string> expose_headers;  // Access-Control-Expose-Headers on responses
  bool allow_credentials = false;
  int max_age_seconds = 600;
};

// Lambda settings of one function (strata.json "functions"), as a deploy and the
// local Lambda service use them.
struct FunctionConfig {
  int timeout_seconds = 3;  // Lambda's default
  int memory_mb = 128;
  int warm = 0;             // local warm processes; 0 means one per core
  int max_concurrency = 0;  // local processes at most; 0 means 4 per core
  std::string json_path;    // where it was declared
};

// One named entry of strata.json "auth". Secrets never live in strata.json: it names
// the environment variable or file that holds them.
struct AuthorizerConfig {
  enum class Type { kJwt, kApiKey };
  Type type = Type::kJwt;
  std::string name;
  // jwt: HS256 when secret_env is set, RS256 with public_key_file or jwks_file.
  std::string issuer;
  std::vector<std::string> audiences;
  int leeway_seconds = 30;
  std::string secret_env;                   // the variable holding the HS256 secret
  std::filesystem::path public_key_file;    // absolute; an RSA public key in PEM
  std::filesystem::path jwks_file;          // absolute; a JSON Web Key Set
  // apiKey: the accepted x-api-key values.
  std::string keys_env;                     // comma-separated keys
  std::filesystem::path keys_file;          // absolute; one key a line
  std::string json_path;                    // where it was declared
};

// Which API Gateway flavour serves the routes (strata.json "api.type"): a REST API
// sends payload format 1.0 events, an HTTP API payload format 2.0.
enum class ApiType { kRest, kHttp };

struct DatabaseSettings {
  std::string name;
  std::filesystem::path migrations;  // absolute
  // The deployed Aurora MySQL cluster (Serverless v2): capacity in ACUs, and seconds
  // idle before it pauses when min_capacity is 0.
  double min_capacity = 0;
  double max_capacity = 2;
  int auto_pause_seconds = 300;
  std::string engine_version = "8.0.mysql_aurora.3.08.2";
};

// How `synth` and `deploy` shape the stack (strata.json "deploy").
struct DeploySettings {
  std::string stage = "prod";       // the REST API's stage name
  std::string architecture;         // x86_64 or arm64; empty: the architecture the app was built for
};

struct Project {
  std::filesystem::path directory;  // absolute
  std::filesystem::path file;       // directory / "strata.json"
  std::string name;
  std::vector<Route> routes;
  ApiType api = ApiType::kRest;
  DatabaseSettings database;
  CorsSettings cors;
  DeploySettings deploy;
  std::map<std::string, FunctionConfig, std::less<>> functions;  // only those strata.json configures
  std::map<std::string, AuthorizerConfig, std::less<>> authorizers;  // strata.json "auth", by name
  std::string source;  // the file's text, to give later errors a line number
};

inline constexpr const char* kProjectFileName = "strata.json";

// Reads and validates `directory`/strata.json. Throws ProjectError.
Project load_project(const std::filesystem::path& directory);
// Parses and validates project-file text; `file` is only used in messages and
// to resolve relative folders. Throws ProjectError.
Project parse_project(std::string_view text, const std::filesystem::path& file);

// The settings of `function`: those strata.json gives, else the defaults.
FunctionConfig function_config(const Project& project, std::string_view function);

// Throws ProjectError for the first route (or "functions" entry) naming a function `exists` does not know.
void check_functions(const Project& project, const std::function<bool(std::string_view)>& exists);

}  // namespace strata
