"""Where the end-to-end tests put the logs of the programs they run.

CTest gives each test STRATA_TEST_LOG_DIR=<build>/test-logs/<test>; a log written there
outlives its test, so that check_test_logs.py can grep every log of the suite for the test
secrets at its end. Run by hand (no STRATA_TEST_LOG_DIR), logs stay in the test's own
temporary folder, as before."""

import os
import re
import tempfile

LOG_DIR_VARIABLE = "STRATA_TEST_LOG_DIR"


def kept_log_path(name, fallback_dir):
    """A path for a new log called `name`: a fresh file in $STRATA_TEST_LOG_DIR, else
    fallback_dir/name.log."""
    log_dir = os.environ.get(LOG_DIR_VARIABLE)
    if not log_dir:
        return os.path.join(fallback_dir, name + ".log")
    os.makedirs(log_dir, exist_ok=True)
    descriptor, path = tempfile.mkstemp(prefix=name + "-", suffix=".log", dir=log_dir)
    os.close(descriptor)
    return path


def keep_output(argv, result):
    """Keeps what a finished command printed (a CompletedProcess with text or bytes output)
    in the log folder, when there is one; returns result."""
    if not os.environ.get(LOG_DIR_VARIABLE):
        return result
    path = kept_log_path(os.path.basename(str(argv[0])), None)

    def text(output):
        return output.decode("utf-8", "replace") if isinstance(output, bytes) else (output or "")

    # The command line is the test's, not the program's: its URL passwords are masked here, so
    # that only what the program printed is up for the secrets check.
    command = re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", " ".join(str(arg) for arg in argv))
    with open(path, "w") as log:
        log.write("$ %s\nexit code %s\n--- stdout\n%s\n--- stderr\n%s\n"
                  % (command, result.returncode, text(result.stdout), text(result.stderr)))
    return result
