// GET /context: what the function learns about its invocation, from the Context and
// from the environment Lambda gives a runtime (null when a variable is not set).
#include <unistd.h>

#include <cstdlib>

#include <strata/strata.hpp>

namespace {

void write_text(strata::json::Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_environment(strata::json::Writer& writer, const char* name) {
  writer.Key(name);
  const char* value = std::getenv(name);
  value ? writer.String(value) : writer.Null();
}

strata::Response context_of(const strata::Request&, strata::Context& context) {
  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  writer.StartObject();
  write_text(writer, "requestId", context.request_id());
  write_text(writer, "functionName", context.function_name());
  writer.Key("remainingMs");
  writer.Int64(context.remaining_time().count());
  write_text(writer, "invokedFunctionArn", context.invocation().invoked_function_arn);
  write_text(writer, "traceId", context.invocation().trace_id);
  write_text(writer, "clientContext", context.invocation().client_context);
  write_text(writer, "cognitoIdentity", context.invocation().cognito_identity);
  writer.Key("pid");
  writer.Int64(static_cast<long>(::getpid()));
  writer.Key("environment");
  writer.StartObject();
  for (const char* name : {"_X_AMZN_TRACE_ID", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                           "AWS_REGION", "LAMBDA_TASK_ROOT", "_HANDLER", "AWS_LAMBDA_RUNTIME_API"}) {
    write_environment(writer, name);
  }
  writer.EndObject();
  writer.EndObject();
  return strata::Response::json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

const strata::Register kContext{"context", context_of};

}  // namespace
