#include "aws/credentials.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace strata::aws {
namespace {

using Sections = std::map<std::string, std::map<std::string, std::string>>;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string trim(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// An INI file as the AWS tools write it: [section] then key = value lines.
Sections read_ini(const std::filesystem::path& path) {
  Sections sections;
  std::ifstream in(path);
  std::string line, section;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    std::size_t equals = line.find('=');
    if (equals != std::string::npos) sections[section][trim(line.substr(0, equals))] = trim(line.substr(equals + 1));
  }
  return sections;
}

std::filesystem::path home_file(const char* variable, const char* name) {
  std::string set = environment(variable);
  if (!set.empty()) return set;
  return std::filesystem::path(environment("HOME")) / ".aws" / name;
}

std::string profile() {
  std::string name = environment("AWS_PROFILE");
  return name.empty() ? "default" : name;
}

// The config file names profiles "[profile NAME]", except "[default]".
const std::map<std::string, std::string>* config_section(const Sections& config) {
  std::string name = profile();
  auto found = config.find(name == "default" ? "default" : "profile " + name);
  return found == config.end() ? nullptr : &found->second;
}

}  // namespace

Credentials resolve_credentials() {
  Credentials credentials;
  credentials.access_key_id = environment("AWS_ACCESS_KEY_ID");
  credentials.secret_access_key = environment("AWS_SECRET_ACCESS_KEY");
  credentials.session_token = environment("AWS_SESSION_TOKEN");
  if (!credentials.access_key_id.empty() && !credentials.secret_access_key.empty()) return credentials;

  auto from = [](const std::map<std::string, std::string>& section) {
    Credentials found;
    auto get = [&section](const char* key) {
      auto value = section.find(key);
      return value == section.end() ? std::string() : value->second;
    };
    found.access_key_id = get("aws_access_key_id");
    found.secret_access_key = get("aws_secret_access_key");
    found.session_token = get("aws_session_token");
    return found;
  };
  std::filesystem::path shared = home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  Sections sections = read_ini(shared);
  if (auto section = sections.find(profile()); section != sections.end()) {
    Credentials found = from(section->second);
    if (!found.access_key_id.empty()) return found;
  }
  std::filesystem::path config_path = home_file("AWS_CONFIG_FILE", "config");
  Sections config = read_ini(config_path);
  if (const auto* section = config_section(config)) {
    Credentials found = from(*section);
    if (!found.access_key_id.empty()) return found;
  }
  throw CredentialsError("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile '" +
                         profile() + "' keys in " + shared.string() + " or " + config_path.string());
}

std::map<std::string, std::string> read_access_keys(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw CredentialsError(path + ": no such credentials file");
  std::map<std::string, std::string> keys;
  for (const auto& [profile_name, section] : read_ini(path)) {
    auto id = section.find("aws_access_key_id");
    auto secret = section.find("aws_secret_access_key");
    if (id != section.end() && secret != section.end()) keys[id->second] = secret->second;
  }
  if (keys.empty()) throw CredentialsError(path + ": no profile has aws_access_key_id and aws_secret_access_key");
  return keys;
}

std::optional<std::string> resolve_region() {
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string region = environment(variable);
    if (!region.empty()) return region;
  }
  Sections config = read_ini(home_file("AWS_CONFIG_FILE", "config"));
  if (const auto* section = config_section(config)) {
    if (auto region = section->find("region"); region != section->end() && !region->second.empty()) return region->second;
  }
  return std::nullopt;
}

}  // namespace strata::aws
