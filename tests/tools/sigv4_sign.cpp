// Signs one request described on standard input with Strata's SigV4 and prints
// the headers it adds, so a test can compare them with botocore's SigV4Auth.
// Input (JSON): {"method", "path", "query", "headers": [[name, value]...], "body",
// "region", "service", "accessKey", "secretKey", "sessionToken", "time": epoch seconds}
#include <iostream>
#include <iterator>
#include <string>

#include "aws/sigv4.hpp"
#include "strata/json.hpp"

int main() {
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  rapidjson::Document spec;
  spec.Parse(input.c_str());
  if (spec.HasParseError() || !spec.IsObject()) {
    std::cerr << "sigv4_sign: standard input is not a JSON object\n";
    return 2;
  }
  strata::aws::SigningRequest request;
  request.method = spec["method"].GetString();
  request.path = spec["path"].GetString();
  request.query = spec["query"].GetString();
  for (const auto& header : spec["headers"].GetArray()) request.headers.emplace_back(header[0].GetString(), header[1].GetString());
  request.payload = std::string(spec["body"].GetString(), spec["body"].GetStringLength());
  strata::aws::Credentials credentials{spec["accessKey"].GetString(), spec["secretKey"].GetString(),
                                       spec["sessionToken"].GetString()};
  auto time = std::chrono::system_clock::time_point(std::chrono::seconds(spec["time"].GetInt64()));
  auto added = strata::aws::sign(request, credentials, spec["region"].GetString(), spec["service"].GetString(), time);
  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  writer.StartObject();
  for (const auto& [name, value] : added) {
    writer.Key(name.c_str());
    writer.String(value.c_str());
  }
  writer.EndObject();
  std::cout << buffer.GetString() << '\n';
}
