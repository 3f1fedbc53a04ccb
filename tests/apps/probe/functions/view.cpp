// Answers with what the handler API reads from its request, which must not depend on
// the payload format (REST 1.0 or HTTP API 2.0), and sets two cookies. With
// ?cors=1 it also sets CORS headers of its own, which an HTTP API drops.
#include <set>
#include <string>

#include <strata/strata.hpp>

namespace {

void write_text(strata::json::Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// {name: [every value]} in first-seen order.
void write_all_values(strata::json::Writer& writer, const char* key, const strata::MultiMap& map) {
  writer.Key(key);
  writer.StartObject();
  std::set<std::string> listed;
  for (const auto& entry : map.entries()) {
    if (!listed.insert(entry.first).second) continue;
    write_text(writer, entry.first);
    writer.StartArray();
    for (auto value : map.get_all(entry.first)) write_text(writer, value);
    writer.EndArray();
  }
  writer.EndObject();
}

strata::Response view(const strata::Request& request, strata::Context&) {
  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("format");
  writer.String(request.payload_format == strata::PayloadFormat::kV2 ? "2.0" : "1.0");
  writer.Key("method");
  write_text(writer, request.http_method);
  writer.Key("path");
  write_text(writer, request.path);
  writer.Key("resource");
  write_text(writer, request.resource);
  write_all_values(writer, "query", request.query);
  write_all_values(writer, "pathParameters", request.path_parameters);
  write_all_values(writer, "cookies", request.cookies);
  writer.Key("session");
  auto session = request.cookie("session");
  session ? write_text(writer, *session) : (void)writer.Null();
  writer.Key("xRepeat");
  auto repeat = request.header("X-Repeat");
  repeat ? write_text(writer, *repeat) : (void)writer.Null();
  writer.Key("userAgent");
  write_text(writer, request.header("User-Agent").value_or(""));
  writer.Key("decodedBodyHex");
  auto body = request.decoded_body();
  body ? write_text(writer, hex(*body)) : (void)writer.Null();
  writer.EndObject();
  strata::Response response = strata::Response::json(200, std::string(buffer.GetString(), buffer.GetSize()));
  response.cookies = {"session=abc123; Path=/; HttpOnly", "theme=dark; Max-Age=60; Expires=Wed, 21 Oct 2037 07:28:00 GMT"};
  if (request.query_parameter("cors") == "1") {
    response.headers.add("Access-Control-Allow-Origin", "https://function.example");
    response.headers.add("Access-Control-Expose-Headers", "X-Function");
  }
  return response;
}

const strata::Register kView{"view", view};

}  // namespace
