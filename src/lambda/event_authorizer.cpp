#include "lambda/event_authorizer.hpp"

#include <optional>
#include <string>

#include "auth/jwt_verifier.hpp"

namespace strata::lambda {

using rapidjson::Value;

namespace {

void write_string(json::Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::string string_member(const Value& object, const char* key) {
  auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsString()) return {};
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

const Value* object_member(const Value& object, const char* key) {
  auto member = object.FindMember(key);
  return member != object.MemberEnd() && member->value.IsObject() ? &member->value : nullptr;
}

// API Gateway's own keys beside a Lambda authorizer's context.
bool is_gateway_key(std::string_view name) { return name == "principalId" || name == "integrationLatency"; }

}  // namespace

void write_rest_authorizer(json::Writer& writer, const RequestAuthorizer& authorizer) {
  writer.StartObject();
  for (const auto& [name, value] : authorizer.claims) {
    if (is_gateway_key(name)) continue;
    write_string(writer, name);
    write_string(writer, value);
  }
  writer.Key("principalId");
  write_string(writer, authorizer.principal_id);
  writer.Key("integrationLatency");
  writer.Int(0);
  writer.EndObject();
}

void write_http_jwt_authorizer(json::Writer& writer, const RequestAuthorizer& authorizer) {
  writer.StartObject();
  writer.Key("jwt");
  writer.StartObject();
  writer.Key("claims");
  writer.StartObject();
  for (const auto& [name, value] : authorizer.claims) {
    write_string(writer, name);
    write_string(writer, value);
  }
  writer.EndObject();
  writer.Key("scopes");
  if (authorizer.scopes.empty()) {
    writer.Null();
  } else {
    writer.StartArray();
    for (const auto& scope : authorizer.scopes) write_string(writer, scope);
    writer.EndArray();
  }
  writer.EndObject();
  writer.EndObject();
}

namespace {

// A context or claims value as text: strings as they are, other scalars as JSON.
std::optional<std::string> value_text(const Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  if (value.IsNumber()) {
    rapidjson::StringBuffer buffer;
    json::Writer writer(buffer);
    writer.Double(value.GetDouble());
    return std::string(buffer.GetString(), buffer.GetSize());
  }
  return std::nullopt;
}

void read_claims(const Value& object, RequestAuthorizer& into, bool skip_gateway_keys) {
  for (const auto& member : object.GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    if (skip_gateway_keys && (name == "principalId" || name == "integrationLatency" || name == "claims" ||
                              name == "scopes" || name == "jwt" || name == "lambda")) {
      continue;
    }
    if (auto text = value_text(member.value)) into.claims.emplace(std::move(name), std::move(*text));
  }
}

}  // namespace

RequestAuthorizer read_authorizer(const Value& authorizer) {
  RequestAuthorizer out;
  if (!authorizer.IsObject()) return out;
  out.principal_id = string_member(authorizer, "principalId");
  if (const Value* jwt = object_member(authorizer, "jwt")) {
    if (const Value* claims = object_member(*jwt, "claims")) read_claims(*claims, out, false);
  } else if (const Value* claims = object_member(authorizer, "claims")) {
    read_claims(*claims, out, false);
  } else {
    read_claims(authorizer, out, true);
  }
  if (out.principal_id.empty()) out.principal_id = std::string(out.claim("sub").value_or(""));
  out.scopes = auth::scopes_of(out.claims);
  if (const Value* jwt = object_member(authorizer, "jwt")) {
    auto scopes = jwt->FindMember("scopes");
    if (scopes != jwt->MemberEnd() && scopes->value.IsArray()) {
      out.scopes.clear();
      for (const auto& scope : scopes->value.GetArray()) {
        if (scope.IsString()) out.scopes.emplace_back(scope.GetString(), scope.GetStringLength());
      }
    }
  }
  return out;
}

}  // namespace strata::lambda
