// The response header text the HTTP server writes beside the body: byte for byte
// what Beast's own serializer writes.
#include "http/response_header.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace strata::http {
namespace {

namespace bhttp = boost::beast::http;

// What Beast's serializer writes for `response` (operator<< runs it).
std::string beast_bytes(const Response& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

std::string our_bytes(const Response& response) {
  std::string text;
  serialize_header(response, text);
  return text + response.body();
}

TEST(ResponseHeader, AJsonAnswerIsWhatBeastWrites) {
  Response response{bhttp::status::ok, 11};
  response.set(bhttp::field::content_type, "application/json");
  response.set("x-amzn-RequestId", "abc");
  response.body() = R"({"items":[]})";
  response.keep_alive(true);
  response.prepare_payload();
  EXPECT_EQ(our_bytes(response), beast_bytes(response));
  EXPECT_TRUE(our_bytes(response).starts_with("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"));
}

TEST(ResponseHeader, RepeatedFieldsKeepTheirOrder) {
  Response response{bhttp::status::created, 11};
  response.insert(bhttp::field::set_cookie, "a=1");
  response.set("Vary", "Origin");
  response.insert(bhttp::field::set_cookie, "b=2");
  response.prepare_payload();
  EXPECT_EQ(our_bytes(response), beast_bytes(response));
}

TEST(ResponseHeader, CloseAndHttp10AreWhatBeastWrites) {
  Response closing{bhttp::status::payload_too_large, 11};
  closing.body() = "too big";
  closing.keep_alive(false);
  closing.prepare_payload();
  EXPECT_EQ(our_bytes(closing), beast_bytes(closing));
  Response old{bhttp::status::not_found, 10};
  old.keep_alive(true);
  old.prepare_payload();
  EXPECT_EQ(our_bytes(old), beast_bytes(old));
  EXPECT_TRUE(our_bytes(old).starts_with("HTTP/1.0 404 Not Found\r\n"));
}

TEST(ResponseHeader, AnEmptyAnswerAndAnUncommonStatusAreWhatBeastWrites) {
  Response empty{bhttp::status::no_content, 11};
  EXPECT_EQ(our_bytes(empty), beast_bytes(empty));
  Response unusual{static_cast<bhttp::status>(299), 11};
  unusual.prepare_payload();
  EXPECT_EQ(our_bytes(unusual), beast_bytes(unusual));
  Response reasoned{bhttp::status::ok, 11};
  reasoned.reason("Fine Thanks");
  reasoned.prepare_payload();
  EXPECT_EQ(our_bytes(reasoned), beast_bytes(reasoned));
}

}  // namespace
}  // namespace strata::http
