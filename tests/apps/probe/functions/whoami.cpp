// Answers with who the route's authorizer let in, as the handler API exposes it:
// {"principalId", "claims": {name: text}, "scopes": [...], "sub": claim("sub"), "apiKeyId"}.
#include <strata/strata.hpp>

namespace {

void write_text(strata::json::Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

strata::Response whoami(const strata::Request& request, strata::Context&) {
  const strata::RequestAuthorizer& authorizer = request.request_context.authorizer;
  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("principalId");
  write_text(writer, authorizer.principal_id);
  writer.Key("claims");
  writer.StartObject();
  for (const auto& [name, value] : authorizer.claims) {
    write_text(writer, name);
    write_text(writer, value);
  }
  writer.EndObject();
  writer.Key("scopes");
  writer.StartArray();
  for (const auto& scope : authorizer.scopes) write_text(writer, scope);
  writer.EndArray();
  writer.Key("sub");
  if (auto sub = request.claim("sub")) {
    write_text(writer, *sub);
  } else {
    writer.Null();
  }
  writer.Key("apiKeyId");
  write_text(writer, request.request_context.identity.api_key_id);
  writer.EndObject();
  return strata::Response::json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

const strata::Register kWhoami{"whoami", whoami};

}  // namespace
