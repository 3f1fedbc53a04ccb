#pragma once
// Runs another program to completion (ldd, strip, the AWS CLI), found on PATH.
#include <string>
#include <vector>

namespace strata {

struct ProcessResult {
  int exit_code = -1;   // the program's exit status, or 128 + signal
  std::string output;   // standard output, when captured
};

// Runs `argv` with this process's environment. With `capture`, standard output is
// returned instead of printed; standard error always goes to ours. Throws
// std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, bool capture = false);

// "aws s3 cp 'a b' s3://x": the command as a shell would read it back, for messages.
std::string shell_quoted(const std::vector<std::string>& argv);

}  // namespace strata
