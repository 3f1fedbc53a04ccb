#include "core/cors_origin.hpp"

#include <rapidjson/document.h>

#include "strata/json.hpp"

namespace strata {

std::string_view allowed_cors_origin(const CorsSettings& settings, std::string_view origin) {
  for (const std::string& allowed : settings.origins) {
    if (allowed == "*") {
      // With credentials a wildcard is not allowed by browsers: echo the origin.
      return settings.allow_credentials && !origin.empty() ? origin : std::string_view("*");
    }
    if (allowed == origin) return origin;
  }
  return {};
}

std::string cors_variable(const CorsSettings& settings) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("origins");
  writer.StartArray();
  for (const auto& origin : settings.origins) writer.String(origin.data(), static_cast<rapidjson::SizeType>(origin.size()));
  writer.EndArray();
  writer.Key("allowCredentials");
  writer.Bool(settings.allow_credentials);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<CorsSettings> parse_cors_variable(std::string_view text) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto origins = document.FindMember("origins");
  if (origins == document.MemberEnd() || !origins->value.IsArray()) return std::nullopt;
  CorsSettings settings;
  settings.origins.clear();
  for (const auto& origin : origins->value.GetArray()) {
    if (!origin.IsString()) return std::nullopt;
    settings.origins.emplace_back(origin.GetString(), origin.GetStringLength());
  }
  auto credentials = document.FindMember("allowCredentials");
  settings.allow_credentials = credentials != document.MemberEnd() && credentials->value.IsBool() && credentials->value.GetBool();
  return settings;
}

}  // namespace strata
