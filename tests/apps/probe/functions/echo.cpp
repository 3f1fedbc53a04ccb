// Answers with the request it received, in the shape of a REST proxy event's fields.
#include <set>

#include <strata/strata.hpp>

namespace {

// Each name once, with its last value, as API Gateway's single-value maps keep it.
void write_map(strata::json::Writer& writer, const char* key, const strata::MultiMap& map) {
  writer.Key(key);
  writer.StartObject();
  std::set<std::string> written;
  for (auto entry = map.entries().rbegin(); entry != map.entries().rend(); ++entry) {
    if (!written.insert(entry->first).second) continue;
    writer.Key(entry->first.c_str());
    writer.String(entry->second.c_str());
  }
  writer.EndObject();
}

strata::Response echo(const strata::Request& request, strata::Context& context) {
  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("resource");
  writer.String(request.resource.c_str());
  writer.Key("path");
  writer.String(request.path.c_str());
  writer.Key("httpMethod");
  writer.String(request.http_method.c_str());
  write_map(writer, "headers", request.headers);
  write_map(writer, "queryStringParameters", request.query);
  writer.Key("multiValueQueryStringParameters");
  writer.StartObject();
  std::set<std::string> listed;
  for (const auto& entry : request.query.entries()) {
    const std::string& name = entry.first;
    if (!listed.insert(name).second) continue;  // listed once, with every value
    writer.Key(name.c_str());
    writer.StartArray();
    for (auto each : request.query.get_all(name)) writer.String(each.data(), static_cast<unsigned>(each.size()));
    writer.EndArray();
  }
  writer.EndObject();
  write_map(writer, "pathParameters", request.path_parameters);
  writer.Key("body");
  request.body ? writer.String(request.body->c_str()) : writer.Null();
  writer.Key("isBase64Encoded");
  writer.Bool(request.is_base64_encoded);
  writer.Key("requestContext");
  writer.StartObject();
  writer.Key("requestId");
  writer.String(request.request_context.request_id.c_str());
  writer.Key("resourcePath");
  writer.String(request.request_context.resource_path.c_str());
  writer.Key("stage");
  writer.String(request.request_context.stage.c_str());
  writer.Key("sourceIp");
  writer.String(request.request_context.identity.source_ip.c_str());
  writer.EndObject();
  writer.Key("functionName");
  writer.String(context.function_name().c_str());
  writer.Key("remainingMs");
  writer.Int64(context.remaining_time().count());
  writer.EndObject();
  strata::Response response = strata::Response::json(200, std::string(buffer.GetString(), buffer.GetSize()));
  response.multi_value_headers.add("X-Echo", "one");
  response.multi_value_headers.add("X-Echo", "two");
  return response;
}

const strata::Register kEcho{"echo", echo};

}  // namespace
