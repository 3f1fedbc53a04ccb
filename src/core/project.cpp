#include "core/project.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/json_locator.hpp"

namespace strata {
namespace {

using rapidjson::Value;
namespace fs = std::filesystem;

const std::set<std::string, std::less<>> kMethods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"};

bool is_name(std::string_view text) {
  if (text.empty() || !((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z') || text[0] == '_'))
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

const char* kind_of(const Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "a boolean";
    case rapidjson::kObjectType: return "an object";
    case rapidjson::kArrayType: return "an array";
    case rapidjson::kStringType: return "a string";
    case rapidjson::kNumberType: return "a number";
  }
  return "a value";
}

// Validates one parsed document; every complaint goes through fail(), which
// adds the file, the line and the JSON path.
class Validator {
 public:
  Validator(std::string_view text, const fs::path& file) : text_(text), file_(file) {}

  Project run(const Value& root) {
    Project project;
    project.file = file_;
    project.directory = file_.parent_path();
    expect_object(root, "");
    reject_unknown_members(root, "", {"$schema", "name", "api", "routes", "database", "cors", "functions", "deploy",
                                      "auth"});

    project.name = required_string(root, "", "name");
    bool valid_name = std::all_of(project.name.begin(), project.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!valid_name || !std::isalpha(static_cast<unsigned char>(project.name[0]))) {
      fail("name", "expected a name that starts with a letter, then letters, digits, '_' or '-', got \"" +
                         project.name + "\"");
    }
    read_api(root, project);
    read_auth(root, project);
    read_routes(root, project);
    read_database(root, project);
    read_cors(root, project.cors);
    read_functions(root, project);
    read_deploy(root, project.deploy);
    return project;
  }

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    std::ostringstream out;
    out << file_.string();
    if (auto line = json_locator::line_of(text_, path)) out << ':' << *line;
    out << ": " << (path.empty() ? "(the document)" : path) << ": " << message;
    throw ProjectError(out.str());
  }

  void expect_object(const Value& value, const std::string& path) const {
    if (!value.IsObject()) fail(path, std::string("expected an object, got ") + kind_of(value));
  }

  void reject_unknown_members(const Value& object, const std::string& path,
                              std::initializer_list<std::string_view> known) const {
    for (const auto& member : object.GetObject()) {
      std::string_view key(member.name.GetString(), member.name.GetStringLength());
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string expected;
        for (auto name : known) {
          if (name == "$schema") continue;
          expected += expected.empty() ? "" : ", ";
          expected.append(name);
        }
        fail(json_locator::member_path(path, key), "unknown field; expected one of " + expected);
      }
    }
  }

  const Value* member(const Value& object, const char* key) const {
    auto it = object.FindMember(key);
    return it == object.MemberEnd() ? nullptr : &it->value;
  }

  std::string string_value(const Value& value, const std::string& path) const {
    if (!value.IsString()) fail(path, std::string("expected a string, got ") + kind_of(value));
    return std::string(value.GetString(), value.GetStringLength());
  }

  std::string required_string(const Value& object, const std::string& parent, const char* key) const {
    std::string path = json_locator::member_path(parent, key);
    const Value* value = member(object, key);
    if (!value) fail(parent, std::string("missing required field '") + key + "'");
    std::string text = string_value(*value, path);
    if (text.empty()) fail(path, "expected a non-empty string");
    return text;
  }

  std::vector<std::string> string_list(const Value& value, const std::string& path) const {
    // A single string is accepted where a list is expected: "*" for all origins.
    if (value.IsString()) return {string_value(value, path)};
    if (!value.IsArray()) fail(path, std::string("expected an array of strings, got ") + kind_of(value));
    std::vector<std::string> list;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      list.push_back(string_value(value[i], json_locator::index_path(path, i)));
    }
    return list;
  }

  std::string normalize_route_path(const std::string& key, const std::string& path) const {
    std::string normalized = key.empty() || key[0] != '/' ? "/" + key : key;
    while (normalized.size() > 1 && normalized.back() == '/') normalized.pop_back();
    std::set<std::string> parameters;
    std::size_t start = 1;
    while (normalized.size() > 1 && start <= normalized.size()) {
      std::size_t end = normalized.find('/', start);
      if (end == std::string::npos) end = normalized.size();
      std::string segment = normalized.substr(start, end - start);
      if (segment.empty()) fail(path, "route path has an empty segment (\"//\")");
      if (segment.front() == '{' || segment.back() == '}') {
        std::string name = segment.size() > 2 ? segment.substr(1, segment.size() - 2) : "";
        bool greedy = !name.empty() && name.back() == '+';
        if (greedy) name.pop_back();
        if (segment.front() != '{' || segment.back() != '}' || !is_name(name)) {
          fail(path, "path parameter segment '" + segment + "' must look like {name} or {name+}");
        }
        if (greedy && end != normalized.size()) fail(path, "greedy parameter {" + name + "+} must be the last segment");
        if (!parameters.insert(name).second) fail(path, "path parameter {" + name + "} appears twice");
      } else if (segment.find_first_of("{}") != std::string::npos) {
        fail(path, "segment '" + segment + "' mixes text and a path parameter; a parameter takes a whole segment");
      }
      start = end + 1;
    }
    return normalized;
  }

  // API Gateway allows one parameter per position: /posts/{id} and
  // /posts/{postId}/comments cannot both exist. Refuse it here, where it is cheap to fix.
  void check_parameter_names(const std::string& route_path, const std::string& json_path,
                             std::map<std::string, std::pair<std::string, std::string>>& parameter_at) const {
    std::size_t start = 1;
    while (start < route_path.size()) {
      std::size_t end = route_path.find('/', start);
      if (end == std::string::npos) end = route_path.size();
      std::string segment = route_path.substr(start, end - start);
      if (segment.front() == '{') {
        std::string prefix = route_path.substr(0, start);
        auto [it, inserted] = parameter_at.emplace(prefix, std::make_pair(segment, route_path));
        if (!inserted && it->second.first != segment) {
          fail(json_path, "path parameter " + segment + " sits where " + it->second.second + " has " +
                              it->second.first + "; API Gateway allows one parameter name per position: rename one");
        }
      }
      start = end + 1;
    }
  }

  void read_routes(const Value& root, Project& project) const {
    const Value* routes = member(root, "routes");
    if (!routes) fail("", "missing required field 'routes'");
    expect_object(*routes, "routes");
    std::set<std::string> seen_paths;
    // The parameter segment under each prefix, and the route that named it first.
    std::map<std::string, std::pair<std::string, std::string>> parameter_at;
    for (const auto& entry : routes->GetObject()) {
      std::string key(entry.name.GetString(), entry.name.GetStringLength());
      std::string path = json_locator::key_path("routes", key);
      Route route;
      route.path = normalize_route_path(key, path);
      if (!seen_paths.insert(route.path).second) fail(path, "route path " + route.path + " is declared twice");
      check_parameter_names(route.path, path, parameter_at);
      if (!entry.value.IsArray()) {
        fail(path, std::string("expected an array of {\"method\", \"function\"}, got ") + kind_of(entry.value));
      }
      if (entry.value.Empty()) fail(path, "expected at least one {\"method\", \"function\"}");
      std::set<std::string> methods;
      for (rapidjson::SizeType i = 0; i < entry.value.Size(); ++i) {
        std::string item_path = json_locator::index_path(path, i);
        const Value& item = entry.value[i];
        expect_object(item, item_path);
        reject_unknown_members(item, item_path, {"method", "function", "auth"});
        RouteMethod method;
        method.method = required_string(item, item_path, "method");
        std::transform(method.method.begin(), method.method.end(), method.method.begin(), ::toupper);
        if (!kMethods.count(method.method)) {
          fail(item_path + ".method",
               "expected one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, ANY, got \"" + method.method + "\"");
        }
        if (!methods.insert(method.method).second) {
          fail(item_path + ".method", "method " + method.method + " is declared twice for " + route.path);
        }
        method.function = required_string(item, item_path, "function");
        if (!is_name(method.function)) {
          fail(item_path + ".function", "expected a function name (letters, digits, '_'), got \"" + method.function + "\"");
        }
        method.json_path = item_path + ".function";
        if (member(item, "auth")) {
          method.authorizer = required_string(item, item_path, "auth");
          if (!project.authorizers.count(method.authorizer)) {
            std::string known;
            for (const auto& [name, config] : project.authorizers) known += (known.empty() ? "" : ", ") + name;
            fail(item_path + ".auth", "no authorizer named '" + method.authorizer + "' in \"auth\"" +
                                          (known.empty() ? " (the file declares none)" : " (it declares: " + known + ")"));
          }
          if (project.api == ApiType::kHttp &&
              project.authorizers.at(method.authorizer).type == AuthorizerConfig::Type::kApiKey) {
            fail(item_path + ".auth", "'" + method.authorizer + "' is an apiKey authorizer, and HTTP APIs have no API "
                                      "keys; use a jwt authorizer, or \"api\": {\"type\": \"rest\"}");
          }
        }
        route.methods.push_back(std::move(method));
      }
      project.routes.push_back(std::move(route));
    }
  }

  void read_api(const Value& root, Project& project) const {
    const Value* api = member(root, "api");
    if (!api) return;
    expect_object(*api, "api");
    reject_unknown_members(*api, "api", {"type"});
    const Value* type = member(*api, "type");
    if (!type) return;
    std::string text = string_value(*type, "api.type");
    if (text == "rest") {
      project.api = ApiType::kRest;
    } else if (text == "http") {
      project.api = ApiType::kHttp;
    } else {
      fail("api.type", "expected \"rest\" (a REST API, payload format 1.0) or \"http\" (an HTTP API, payload format 2.0), got \"" + text + "\"");
    }
  }

  void read_database(const Value& root, Project& project) const {
    project.database.name = project.name;
    std::string migrations = "migrations";
    if (const Value* database = member(root, "database")) {
      expect_object(*database, "database");
      reject_unknown_members(*database, "database",
                             {"name", "migrations", "minCapacity", "maxCapacity", "autoPauseSeconds", "engineVersion"});
      if (member(*database, "name")) {
        project.database.name = required_string(*database, "database", "name");
        if (!is_name(project.database.name)) {
          fail("database.name", "expected a database name (letters, digits, '_'), got \"" + project.database.name + "\"");
        }
      }
      if (member(*database, "migrations")) migrations = required_string(*database, "database", "migrations");
      read_capacity(*database, project.database);
      if (member(*database, "engineVersion")) {
        project.database.engine_version = required_string(*database, "database", "engineVersion");
        if (project.database.engine_version.rfind("8.0.mysql_aurora.3.", 0) != 0) {
          fail("database.engineVersion", "expected an Aurora MySQL 3 version (8.0.mysql_aurora.3.xx.y; the Data API "
                                         "with Serverless v2 needs 3.07 or later), got \"" +
                                             project.database.engine_version + "\"");
        }
      }
    }
    project.database.migrations = (project.directory / migrations).lexically_normal();
  }

  // Aurora Serverless v2: 0 to 256 ACUs in steps of 0.5; 0 pauses the cluster when idle.
  void read_capacity(const Value& database, DatabaseSettings& settings) const {
    auto capacity = [&](const char* key, double fallback) {
      const Value* value = member(database, key);
      if (!value) return fallback;
      std::string path = json_locator::member_path("database", key);
      double units = value->IsNumber() ? value->GetDouble() : -1;
      if (units < 0 || units > 256 || units * 2 != static_cast<int>(units * 2)) {
        fail(path, "expected Aurora capacity units from 0 to 256 in steps of 0.5");
      }
      return units;
    };
    settings.min_capacity = capacity("minCapacity", settings.min_capacity);
    settings.max_capacity = capacity("maxCapacity", settings.max_capacity);
    if (settings.max_capacity < 1) fail("database.maxCapacity", "expected at least 1 (Aurora's smallest maximum)");
    if (settings.min_capacity > settings.max_capacity) {
      fail("database.minCapacity", "is above database.maxCapacity");
    }
    // Aurora's limits for auto-pause: 5 minutes to 1 day.
    settings.auto_pause_seconds =
        integer(database, "database", "autoPauseSeconds", 300, 86400, settings.auto_pause_seconds);
  }

  void read_deploy(const Value& root, DeploySettings& deploy) const {
    const Value* settings = member(root, "deploy");
    if (!settings) return;
    expect_object(*settings, "deploy");
    reject_unknown_members(*settings, "deploy", {"stage", "architecture"});
    if (member(*settings, "stage")) {
      deploy.stage = required_string(*settings, "deploy", "stage");
      bool valid = deploy.stage.size() <= 128 && std::all_of(deploy.stage.begin(), deploy.stage.end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                   });
      if (!valid) fail("deploy.stage", "expected a stage name (letters, digits, '_', '-'), got \"" + deploy.stage + "\"");
    }
    if (member(*settings, "architecture")) {
      deploy.architecture = required_string(*settings, "deploy", "architecture");
      if (deploy.architecture != "x86_64" && deploy.architecture != "arm64") {
        fail("deploy.architecture", "expected \"x86_64\" or \"arm64\", got \"" + deploy.architecture + "\"");
      }
    }
  }

  int integer(const Value& object, const std::string& parent, const char* key, int min, int max, int fallback) const {
    const Value* value = member(object, key);
    if (!value) return fallback;
    std::string path = json_locator::member_path(parent, key);
    if (!value->IsInt() || value->GetInt() < min || value->GetInt() > max) {
      fail(path, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return value->GetInt();
  }

  void read_functions(const Value& root, Project& project) const {
    const Value* functions = member(root, "functions");
    if (!functions) return;
    expect_object(*functions, "functions");
    for (const auto& entry : functions->GetObject()) {
      std::string name(entry.name.GetString(), entry.name.GetStringLength());
      std::string path = json_locator::key_path("functions", name);
      if (!is_name(name)) fail(path, "expected a function name (letters, digits, '_')");
      expect_object(entry.value, path);
      reject_unknown_members(entry.value, path, {"timeout", "memory", "warm", "maxConcurrency"});
      FunctionConfig config;
      // Lambda's own limits: 1 to 900 s, 128 to 10240 MB.
      config.timeout_seconds = integer(entry.value, path, "timeout", 1, 900, config.timeout_seconds);
      config.memory_mb = integer(entry.value, path, "memory", 128, 10240, config.memory_mb);
      config.warm = integer(entry.value, path, "warm", 0, 64, config.warm);
      config.max_concurrency = integer(entry.value, path, "maxConcurrency", 0, 256, config.max_concurrency);
      config.json_path = path;
      project.functions.emplace(std::move(name), std::move(config));
    }
  }

  // "auth": {"NAME": {"type": "jwt", "issuer", "audience", one key source} | {"type": "apiKey", key source}}
  void read_auth(const Value& root, Project& project) const {
    const Value* auth = member(root, "auth");
    if (!auth) return;
    expect_object(*auth, "auth");
    for (const auto& entry : auth->GetObject()) {
      AuthorizerConfig config;
      config.name.assign(entry.name.GetString(), entry.name.GetStringLength());
      std::string path = json_locator::key_path("auth", config.name);
      if (!is_name(config.name)) fail(path, "expected an authorizer name (letters, digits, '_')");
      expect_object(entry.value, path);
      config.json_path = path;
      std::string type = required_string(entry.value, path, "type");
      auto file = [&](const char* key) {
        return member(entry.value, key) ? (project.directory / required_string(entry.value, path, key)).lexically_normal()
                                        : fs::path();
      };
      if (type == "jwt") {
        config.type = AuthorizerConfig::Type::kJwt;
        reject_unknown_members(entry.value, path,
                               {"type", "issuer", "audience", "secretEnv", "publicKeyFile", "jwksFile", "leeway"});
        config.issuer = required_string(entry.value, path, "issuer");
        const Value* audience = member(entry.value, "audience");
        if (!audience) fail(path, "missing required field 'audience' (a string or a list: what the tokens' \"aud\" must hold)");
        config.audiences = string_list(*audience, path + ".audience");
        if (config.audiences.empty()) fail(path + ".audience", "expected at least one audience");
        config.leeway_seconds = integer(entry.value, path, "leeway", 0, 300, config.leeway_seconds);
        if (member(entry.value, "secretEnv")) {
          config.secret_env = required_string(entry.value, path, "secretEnv");
          if (!is_name(config.secret_env)) fail(path + ".secretEnv", "expected an environment variable's name");
        }
        config.public_key_file = file("publicKeyFile");
        config.jwks_file = file("jwksFile");
        int sources = !config.secret_env.empty() + !config.public_key_file.empty() + !config.jwks_file.empty();
        if (sources != 1) {
          fail(path, "expected exactly one key source: \"secretEnv\" (HS256: the environment variable holding the "
                     "secret), \"publicKeyFile\" or \"jwksFile\" (RS256)");
        }
      } else if (type == "apiKey") {
        config.type = AuthorizerConfig::Type::kApiKey;
        reject_unknown_members(entry.value, path, {"type", "keysEnv", "keysFile"});
        if (member(entry.value, "keysEnv")) {
          config.keys_env = required_string(entry.value, path, "keysEnv");
          if (!is_name(config.keys_env)) fail(path + ".keysEnv", "expected an environment variable's name");
        }
        config.keys_file = file("keysFile");
        if (config.keys_env.empty() == config.keys_file.empty()) {
          fail(path, "expected exactly one key source: \"keysEnv\" (an environment variable of comma-separated keys) "
                     "or \"keysFile\" (one key a line)");
        }
      } else {
        fail(path + ".type", "expected \"jwt\" or \"apiKey\", got \"" + type + "\"");
      }
      project.authorizers.emplace(config.name, std::move(config));
    }
  }

  void read_cors(const Value& root, CorsSettings& cors) const {
    const Value* settings = member(root, "cors");
    if (!settings) return;
    expect_object(*settings, "cors");
    reject_unknown_members(*settings, "cors",
                           {"origins", "headers", "methods", "exposeHeaders", "allowCredentials", "maxAge"});
    if (const Value* origins = member(*settings, "origins")) cors.origins = string_list(*origins, "cors.origins");
    if (const Value* headers = member(*settings, "headers")) cors.headers = string_list(*headers, "cors.headers");
    if (const Value* expose = member(*settings, "exposeHeaders")) {
      cors.expose_headers = string_list(*expose, "cors.exposeHeaders");
    }
    if (const Value* methods = member(*settings, "methods")) {
      cors.methods = string_list(*methods, "cors.methods");
      for (std::size_t i = 0; i < cors.methods.size(); ++i) {
        std::string& method = cors.methods[i];
        std::transform(method.begin(), method.end(), method.begin(), ::toupper);
        if (method != "*" && !kMethods.count(method)) {
          fail(json_locator::index_path("cors.methods", i), "expected an HTTP method or \"*\", got \"" + method + "\"");
        }
      }
    }
    if (const Value* credentials = member(*settings, "allowCredentials")) {
      if (!credentials->IsBool()) fail("cors.allowCredentials", std::string("expected a boolean, got ") + kind_of(*credentials));
      cors.allow_credentials = credentials->GetBool();
    }
    if (const Value* max_age = member(*settings, "maxAge")) {
      if (!max_age->IsInt() || max_age->GetInt() < 0) fail("cors.maxAge", "expected a number of seconds >= 0");
      cors.max_age_seconds = max_age->GetInt();
    }
    if (cors.origins.empty()) fail("cors.origins", "expected at least one origin (or \"*\")");
  }

  std::string_view text_;
  fs::path file_;
};

}  // namespace

Project parse_project(std::string_view text, const fs::path& file) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (document.HasParseError()) {
    auto [line, column] = json_locator::line_and_column(text, document.GetErrorOffset());
    throw ProjectError(file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
                       ": not valid JSON: " + rapidjson::GetParseError_En(document.GetParseError()));
  }
  Project project = Validator(text, file).run(document);
  project.source = std::string(text);
  return project;
}

Project load_project(const fs::path& directory) {
  fs::path file = fs::absolute(directory / kProjectFileName).lexically_normal();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ProjectError(file.string() + ": cannot read the project file (run from the app's folder or pass --app DIR)");
  }
  std::stringstream content;
  content << in.rdbuf();
  return parse_project(content.str(), file);
}

FunctionConfig function_config(const Project& project, std::string_view function) {
  auto found = project.functions.find(function);
  return found == project.functions.end() ? FunctionConfig{} : found->second;
}

namespace {

[[noreturn]] void unknown_function(const Project& project, const std::string& json_path, const std::string& name) {
  std::string where = project.file.string();
  if (auto line = json_locator::line_of(project.source, json_path)) where.append(":").append(std::to_string(*line));
  throw ProjectError(where + ": " + json_path + ": no function named '" + name + "' is built into this app");
}

}  // namespace

void check_functions(const Project& project, const std::function<bool(std::string_view)>& exists) {
  for (const auto& [name, config] : project.functions) {
    if (!exists(name)) unknown_function(project, config.json_path, name);
  }
  for (const Route& route : project.routes) {
    for (const RouteMethod& method : route.methods) {
      if (!exists(method.function)) unknown_function(project, method.json_path, method.function);
    }
  }
}

}  // namespace strata
