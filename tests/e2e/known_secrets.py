"""The secrets the test suite hands to the programs it runs. None of them may appear in any
log the suite leaves behind (check_test_logs.py greps for them at the end of the suite).

Tests take their fake credentials from here, so that the grep knows every one of them."""

import os
import re

# What the blog signs its Data API calls with (the local server checks no signatures), with
# a session token, as a Lambda function's credentials always have one.
DATA_API_SECRET_ACCESS_KEY = "e2e-secret-access-key-5d1f"
DATA_API_SESSION_TOKEN = "e2e-session-token-IQoJb3JpZ2luX2VjEJr"
# test_data_api_client.py: the blog against `strata data-api`, from the environment and a profile file.
CLIENT_SECRET_ACCESS_KEY = "secret-for-the-test-9a3c"
PROFILE_SECRET_ACCESS_KEY = "the-local-secret-77e0"
SECOND_PROFILE_SECRET_ACCESS_KEY = "second-secret-41b8"
# test_reliability.py: a MySQL URL whose password must never be printed.
URL_PASSWORD = "SeCrEt-PaSs-123"

FIXED = [DATA_API_SECRET_ACCESS_KEY, DATA_API_SESSION_TOKEN, CLIENT_SECRET_ACCESS_KEY, PROFILE_SECRET_ACCESS_KEY,
         SECOND_PROFILE_SECRET_ACCESS_KEY, URL_PASSWORD]


def mariadb_password(url_file):
    """The password of the `mariadb` CTest fixture's user (random per run), or None."""
    try:
        with open(url_file) as source:
            match = re.match(r"^mysql://[^:@/]+:([^@/]+)@", source.read().strip())
    except OSError:
        return None
    return match.group(1) if match else None


def all_secrets():
    """Every secret of this run: the fixed ones and the MariaDB fixture's password."""
    secrets = list(FIXED)
    url_file = os.environ.get("STRATA_TEST_MYSQL_URL_FILE")
    password = url_file and mariadb_password(url_file)
    if password:
        secrets.append(password)
    return secrets
