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
  if (!settings.expose_headers.empty()) {
    writer.Key("exposeHeaders");
    writer.StartArray();
    for (const auto& header : settings.expose_headers) {
      writer.String(header.data(), static_cast<rapidjson::SizeType>(header.size()));
    }
    writer.EndArray();
  }
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
  auto expose = document.FindMember("exposeHeaders");
  if (expose != document.MemberEnd() && expose->value.IsArray()) {
    for (const auto& header : expose->value.GetArray()) {
      if (header.IsString()) settings.expose_headers.emplace_back(header.GetString(), header.GetStringLength());
    }
  }
  auto credentials = document.FindMember("allowCredentials");
  settings.allow_credentials = credentials != document.MemberEnd() && credentials->value.IsBool() && credentials->value.GetBool();
  return settings;
}

}  // namespace strata
