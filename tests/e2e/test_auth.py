"""End-to-end tests of strata.json "auth": JWT (HS256, RS256 with a PEM key or a JWKS) and
API-key authorizers, enforced by the local gateway in-process and with --lambda, as a
client sees them; the claims as the handler sees them; `APP token`; and __authorize, the
Lambda TOKEN authorizer every app binary carries, run as a custom runtime.

The probe app is served from a temporary folder holding its own strata.json (the probe
binary's functions, routes protected by each kind of authorizer) and RSA keys that the
openssl command makes, as a user would.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from fake_runtime_api import FakeRuntimeApi
from strata_server import PROBE_APP_DIR, ServerTestCase, b64url, mint_hs256, probe_binary, run_cli

ISSUER = "https://issuer.test"
SECRET = "probe-jwt-secret-for-the-e2e-tests-0123456789"
API_KEYS = "partner-key-one, partner-key-two"
FILE_KEY = "file-key-0123456789"
ORIGIN = "https://app.example.com"

PROJECT = {
    "name": "probe",
    "routes": {
        "open": [{"method": "GET", "function": "whoami"}],
        "jwt": [{"method": "GET", "function": "whoami", "auth": "hs"},
                {"method": "POST", "function": "whoami", "auth": "hs"}],
        "rsa": [{"method": "GET", "function": "whoami", "auth": "rs"}],
        "jwks": [{"method": "GET", "function": "whoami", "auth": "jwks"}],
        "key": [{"method": "GET", "function": "whoami", "auth": "partners"}],
        "keyfile": [{"method": "GET", "function": "whoami", "auth": "filekeys"}],
    },
    "auth": {
        "hs": {"type": "jwt", "issuer": ISSUER, "audience": ["probe", "other"], "secretEnv": "PROBE_JWT_SECRET"},
        "rs": {"type": "jwt", "issuer": ISSUER, "audience": "probe", "publicKeyFile": "keys/public.pem"},
        "jwks": {"type": "jwt", "issuer": ISSUER, "audience": "probe", "jwksFile": "keys/jwks.json"},
        "partners": {"type": "apiKey", "keysEnv": "PROBE_API_KEYS"},
        "filekeys": {"type": "apiKey", "keysFile": "keys/api-keys.txt"},
    },
    "database": {"name": "probe"},
    "cors": {"origins": [ORIGIN]},
}


def openssl(*args, **options):
    return subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          **options).stdout


def claims(ttl=600, **extra):
    now = int(time.time())
    body = {"iss": ISSUER, "aud": "probe", "sub": "user-42", "iat": now, "exp": now + ttl}
    body.update(extra)
    return body


def make_app(folder, api="rest"):
    """The probe's migrations, a strata.json protecting routes, RSA keys and an API-keys file."""
    shutil.copytree(os.path.join(PROBE_APP_DIR, "migrations"), os.path.join(folder, "migrations"))
    keys = os.path.join(folder, "keys")
    os.makedirs(keys)
    private = os.path.join(keys, "private.pem")
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", private)
    openssl("pkey", "-in", private, "-pubout", "-out", os.path.join(keys, "public.pem"))
    modulus = openssl("rsa", "-pubin", "-in", os.path.join(keys, "public.pem"), "-noout", "-modulus").decode()
    n = b64url(bytes.fromhex(modulus.strip().split("=", 1)[1]))
    with open(os.path.join(keys, "jwks.json"), "w") as out:
        json.dump({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "k1", "n": n, "e": "AQAB"}]}, out)
    with open(os.path.join(keys, "api-keys.txt"), "w") as out:
        out.write("# one key a line\n" + FILE_KEY + "\n")
    project = dict(PROJECT, api={"type": api})
    if api == "http":  # HTTP APIs have no API keys
        project["routes"] = {path: methods for path, methods in PROJECT["routes"].items() if path not in ("key", "keyfile")}
    with open(os.path.join(folder, "strata.json"), "w") as out:
        json.dump(project, out, indent=2)
    return private


def mint_rs256(body, private_key, kid=None):
    header = {"alg": "RS256", "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signing_input = b64url(json.dumps(header)) + "." + b64url(json.dumps(body))
    signature = openssl("dgst", "-sha256", "-sign", private_key, input=signing_input.encode("ascii"))
    return signing_input + "." + b64url(signature)


class AuthTestCase(ServerTestCase, unittest.TestCase):
    LAMBDA = False
    API = "rest"

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="strata-e2e-auth-")
        cls.private_key = make_app(cls.folder, cls.API)
        with open(os.path.join(cls.folder, "keys", "public.pem")) as source:
            cls.public_pem = source.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, True)

    def setUp(self):
        self.server = self.start_server(probe_binary(), app_dir=self.folder, lambda_mode=self.LAMBDA,
                                        db_path=os.path.join(tempfile.mkdtemp(prefix="strata-e2e-auth-db-"), "p.db"),
                                        env={"PROBE_JWT_SECRET": SECRET, "PROBE_API_KEYS": API_KEYS})

    def call(self, path, authorization=None, api_key=None, method="GET"):
        headers = {"Origin": ORIGIN}
        if authorization is not None:
            headers["Authorization"] = authorization
        if api_key is not None:
            headers["x-api-key"] = api_key
        return self.server.json_request(method, path, {"x": 1} if method == "POST" else None, headers)

    def assertDenied(self, path, status, message, **request):
        got, headers, body = self.call(path, **request)
        self.assertEqual((got, body), (status, {"message": message}), request)
        self.assertEqual(headers["Access-Control-Allow-Origin"], ORIGIN, "CORS headers on the refusal")
        self.assertEqual(headers["Content-Type"], "application/json")

    # -- JWT ------------------------------------------------------------------

    def test_missing_token_is_401(self):
        self.assertDenied("/jwt", 401, "Unauthorized")
        self.assertDenied("/jwt", 401, "Unauthorized", authorization="")
        self.assertDenied("/jwt", 401, "Unauthorized", authorization="Bearer")
        self.assertDenied("/jwt", 401, "Unauthorized", authorization="Basic dXNlcjpwYXNz")
        self.assertDenied("/jwt", 401, "Unauthorized", method="POST")

    def test_refused_tokens_are_401(self):
        refused = {
            "expired": mint_hs256(claims(ttl=-120), SECRET),
            "wrongly signed": mint_hs256(claims(), SECRET + "x"),
            "wrong audience": mint_hs256(claims(aud="someone-else"), SECRET),
            "wrong issuer": mint_hs256(claims(iss="https://issuer.test/evil"), SECRET),
            "not yet valid": mint_hs256(claims(nbf=int(time.time()) + 600), SECRET),
            "alg none": b64url('{"alg":"none","typ":"JWT"}') + "." + b64url(json.dumps(claims())) + ".",
            "malformed": "not.a.token",
            "garbage payload": b64url('{"alg":"HS256"}') + ".%%%." + "abc",
        }
        for name, token in refused.items():
            with self.subTest(name):
                self.assertDenied("/jwt", 401, "Unauthorized", authorization="Bearer " + token)

    def test_good_token_reaches_the_handler_with_its_claims(self):
        token = mint_hs256(claims(admin=True, groups=["a", "b"], scope="posts/read posts/write", aud=["x", "other"]),
                           SECRET)
        status, headers, body = self.call("/jwt", authorization="Bearer " + token)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Access-Control-Allow-Origin"], ORIGIN)
        self.assertEqual(body["principalId"], "user-42")
        self.assertEqual(body["sub"], "user-42")
        # Every claim as text, as API Gateway hands them on.
        self.assertEqual(body["claims"]["iss"], ISSUER)
        self.assertEqual(body["claims"]["admin"], "true")
        self.assertEqual(body["claims"]["groups"], '["a","b"]')
        self.assertRegex(body["claims"]["exp"], r"^\d+$")
        self.assertEqual(body["scopes"], ["posts/read", "posts/write"])
        # The bare token (no "Bearer") is taken too, as HTTP APIs take it; and POST.
        status, _, body = self.call("/jwt", authorization=token, method="POST")
        self.assertEqual((status, body["sub"]), (200, "user-42"))

    def test_open_routes_have_no_authorizer(self):
        status, _, body = self.call("/open", authorization="Bearer " + mint_hs256(claims(), SECRET))
        self.assertEqual(status, 200)
        self.assertEqual((body["principalId"], body["claims"], body["sub"]), ("", {}, None))

    def test_preflight_needs_no_token(self):
        status, headers, _ = self.server.request("OPTIONS", "/jwt", None, {
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization"})
        self.assertEqual(status, 204)
        self.assertEqual(headers["Access-Control-Allow-Origin"], ORIGIN)

    def test_rs256_with_a_pem_key(self):
        status, _, body = self.call("/rsa", authorization="Bearer " + mint_rs256(claims(), self.private_key))
        self.assertEqual((status, body["sub"]), (200, "user-42"))
        self.assertDenied("/rsa", 401, "Unauthorized",
                          authorization="Bearer " + mint_rs256(claims(ttl=-120), self.private_key))
        # Algorithm confusion: HS256 keyed with the public key's PEM text.
        self.assertDenied("/rsa", 401, "Unauthorized", authorization="Bearer " + mint_hs256(claims(), self.public_pem))
        # An HS256 token of the other authorizer.
        self.assertDenied("/rsa", 401, "Unauthorized", authorization="Bearer " + mint_hs256(claims(), SECRET))

    def test_rs256_with_a_jwks(self):
        status, _, body = self.call("/jwks", authorization="Bearer " + mint_rs256(claims(), self.private_key, "k1"))
        self.assertEqual((status, body["sub"]), (200, "user-42"))
        self.assertDenied("/jwks", 401, "Unauthorized",
                          authorization="Bearer " + mint_rs256(claims(), self.private_key, "unknown-kid"))
        self.assertDenied("/jwks", 401, "Unauthorized",
                          authorization="Bearer " + mint_rs256(claims(aud="other"), self.private_key, "k1"))

    # -- API keys ---------------------------------------------------------------

    def test_missing_or_wrong_api_key_is_403(self):
        self.assertDenied("/key", 403, "Forbidden")
        self.assertDenied("/key", 403, "Forbidden", api_key="")
        self.assertDenied("/key", 403, "Forbidden", api_key="partner-key-three")
        self.assertDenied("/key", 403, "Forbidden", api_key="partner-key-on")
        self.assertDenied("/key", 403, "Forbidden", api_key="PARTNER-KEY-ONE")
        self.assertDenied("/keyfile", 403, "Forbidden", api_key="partner-key-one")
        # A JWT is no API key.
        self.assertDenied("/key", 403, "Forbidden", authorization="Bearer " + mint_hs256(claims(), SECRET))

    def test_right_api_key_passes(self):
        ids = set()
        for path, key in (("/key", "partner-key-one"), ("/key", "partner-key-two"), ("/keyfile", FILE_KEY)):
            status, _, body = self.call(path, api_key=key)
            self.assertEqual(status, 200, (path, key, body))
            self.assertRegex(body["apiKeyId"], r"^[0-9a-f]{10}$")
            ids.add(body["apiKeyId"])
        self.assertEqual(len(ids), 3, "each key has its own id")

    def test_refusals_are_logged_without_the_token(self):
        token = mint_hs256(claims(ttl=-120), SECRET)
        self.assertDenied("/jwt", 401, "Unauthorized", authorization="Bearer " + token)
        match = self.server.wait_for_log(r"auth hs refused GET /jwt: the token has expired")
        self.assertIsNotNone(match, self.server.log())
        if self.API == "rest":
            self.assertDenied("/key", 403, "Forbidden", api_key="guessed-key")
            self.assertIsNotNone(self.server.wait_for_log(r"auth partners refused GET /key"), self.server.log())
        self.assertNotIn(token.split(".")[2], self.server.log())
        self.assertNotIn("guessed-key", self.server.log())
        self.assertNotIn(SECRET, self.server.log())


class AuthLambdaTest(AuthTestCase):
    """The same, with every function in its own Lambda process (serve --lambda): the
    gateway checks, and the claims travel in the event's requestContext.authorizer."""
    LAMBDA = True


class AuthHttpApiTest(AuthTestCase):
    """The same behind an HTTP API (payload 2.0): refusals carry WWW-Authenticate, and
    the claims travel as requestContext.authorizer.jwt.claims."""
    API = "http"

    def test_missing_or_wrong_api_key_is_403(self):
        """Not in an HTTP API: strata.json may not protect its routes with an API key."""
        folder = tempfile.mkdtemp(prefix="strata-e2e-auth-http-")
        self.addCleanup(shutil.rmtree, folder, True)
        make_app(folder, "http")
        with open(os.path.join(folder, "strata.json")) as source:
            project = json.load(source)
        project["routes"]["key"] = [{"method": "GET", "function": "whoami", "auth": "partners"}]
        with open(os.path.join(folder, "strata.json"), "w") as out:
            json.dump(project, out, indent=2)
        result = run_cli(probe_binary(), ["--app", folder, "migrate", "status"])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn('routes["key"][0].auth: \'partners\' is an apiKey authorizer, and HTTP APIs have no API keys',
                      result.stderr)

    def test_right_api_key_passes(self):
        pass  # HTTP APIs have no API keys: see test_missing_or_wrong_api_key_is_403

    def test_refusal_says_why_in_www_authenticate(self):
        status, headers, _ = self.call("/jwt", authorization="Bearer " + mint_hs256(claims(ttl=-120), SECRET))
        self.assertEqual(status, 401)
        self.assertTrue(headers["WWW-Authenticate"].startswith('Bearer scope="" error="invalid_token"'), headers)


class AuthHttpApiLambdaTest(AuthHttpApiTest):
    LAMBDA = True


class LocalDevelopmentTest(ServerTestCase, unittest.TestCase):
    """Serving an app whose secret variable is unset: a development secret, and `APP token`."""

    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="strata-e2e-auth-dev-")
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.private_key = make_app(self.folder)

    def test_unset_secret_uses_a_development_secret_that_token_signs_with(self):
        env = {"PROBE_API_KEYS": API_KEYS}
        server = self.start_server(probe_binary(), app_dir=self.folder, env=env)
        secret_file = os.path.join(self.folder, ".strata", "auth", "hs.secret")
        self.assertIn("auth hs: $PROBE_JWT_SECRET is not set; HS256 tokens are checked with the development secret in "
                      + secret_file, server.log())
        self.assertEqual(os.stat(secret_file).st_mode & 0o777, 0o600)
        minted = run_cli(probe_binary(), ["--app", self.folder, "token", "--authorizer", "hs", "--sub", "dev-1",
                                          "--claim", "role=editor", "--claim", "level=3"], env=env)
        self.assertEqual(minted.returncode, 0, minted.stderr)
        token = minted.stdout.strip()
        status, _, body = server.json_request("GET", "/jwt", headers={"Authorization": "Bearer " + token})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["sub"], body["claims"]["role"], body["claims"]["level"]), ("dev-1", "editor", "3"))
        expired = run_cli(probe_binary(), ["--app", self.folder, "token", "--authorizer", "hs", "--ttl", "-100"], env=env)
        status, _, _ = server.json_request("GET", "/jwt", headers={"Authorization": "Bearer " + expired.stdout.strip()})
        self.assertEqual(status, 401)
        # A secret in the environment wins over the development one: the old token no longer passes.
        server.stop()
        server = self.start_server(probe_binary(), app_dir=self.folder, env=dict(env, PROBE_JWT_SECRET=SECRET))
        self.assertIn("auth hs: HS256 tokens, secret from $PROBE_JWT_SECRET", server.log())
        status, _, _ = server.json_request("GET", "/jwt", headers={"Authorization": "Bearer " + token})
        self.assertEqual(status, 401)

    def test_a_short_hs256_secret_is_warned_about(self):
        server = self.start_server(probe_binary(), app_dir=self.folder,
                                   env={"PROBE_JWT_SECRET": "hunter2", "PROBE_API_KEYS": API_KEYS})
        self.assertIn("auth hs: HS256 tokens, secret from $PROBE_JWT_SECRET; warning: the secret is shorter than the "
                      "32 bytes HS256 needs", server.log())
        self.assertNotIn("hunter2", server.log())

    def test_token_needs_a_private_key_for_rs256(self):
        result = run_cli(probe_binary(), ["--app", self.folder, "token", "--authorizer", "rs"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("--private-key", result.stderr)
        result = run_cli(probe_binary(), ["--app", self.folder, "token"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("several jwt authorizers", result.stderr)
        result = run_cli(probe_binary(), ["--app", self.folder, "token", "--authorizer", "rs",
                                          "--private-key", self.private_key])
        self.assertEqual(result.returncode, 0, result.stderr)
        server = self.start_server(probe_binary(), app_dir=self.folder,
                                   env={"PROBE_JWT_SECRET": SECRET, "PROBE_API_KEYS": API_KEYS})
        status, _, body = server.json_request("GET", "/rsa", headers={"Authorization": "Bearer " + result.stdout.strip()})
        self.assertEqual((status, body["sub"]), (200, "developer"))

    def test_invoke_runs_authorize_with_the_settings_of_strata_json(self):
        env = {"PROBE_JWT_SECRET": SECRET}
        event = os.path.join(self.folder, "event.json")
        arn = "arn:aws:execute-api:us-east-1:123456789012:abc123/local/GET/jwt"
        for authorizer, token, expected in (
                ("hs", mint_hs256(claims(), SECRET), "user-42"),
                ("rs", mint_rs256(claims(sub="rsa-user"), self.private_key), "rsa-user"),
                ("jwks", mint_rs256(claims(sub="jwks-user"), self.private_key, "k1"), "jwks-user")):
            with self.subTest(authorizer):
                with open(event, "w") as out:
                    json.dump({"type": "TOKEN", "authorizationToken": "Bearer " + token, "methodArn": arn}, out)
                result = run_cli(probe_binary(), ["--app", self.folder, "invoke", "__authorize", "--authorizer",
                                                  authorizer, "--event", event,
                                                  "--db", "sqlite:" + os.path.join(self.folder, "i.db")], env=env)
                self.assertEqual(result.returncode, 0, result.stderr)
                answer = json.loads(result.stdout)
                self.assertEqual(answer["principalId"], expected)
                self.assertEqual(answer["policyDocument"]["Statement"][0]["Effect"], "Allow")
        with open(event, "w") as out:
            json.dump({"type": "TOKEN", "authorizationToken": "Bearer " + mint_hs256(claims(aud="x"), SECRET),
                       "methodArn": arn}, out)
        result = run_cli(probe_binary(), ["--app", self.folder, "invoke", "__authorize", "--authorizer", "hs",
                                          "--event", event, "--db", "sqlite:" + os.path.join(self.folder, "i.db")],
                         env=env)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(json.loads(result.stdout)["errorMessage"], "Unauthorized")

    def test_configuration_mistakes_stop_serve_with_their_place(self):
        project = json.loads(json.dumps(PROJECT))
        project["routes"]["jwt"][0]["auth"] = "hz"
        with open(os.path.join(self.folder, "strata.json"), "w") as out:
            json.dump(project, out, indent=2)
        result = run_cli(probe_binary(), ["--app", self.folder, "serve", "--port", "0"])
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r'strata\.json:\d+: routes\["jwt"\]\[0\]\.auth: no authorizer named \'hz\'')
        project["routes"]["jwt"][0]["auth"] = "hs"
        project["auth"]["rs"]["publicKeyFile"] = "keys/api-keys.txt"  # not a key
        with open(os.path.join(self.folder, "strata.json"), "w") as out:
            json.dump(project, out, indent=2)
        result = run_cli(probe_binary(), ["--app", self.folder, "serve", "--port", "0"],
                         env={"PROBE_JWT_SECRET": SECRET, "PROBE_API_KEYS": API_KEYS})
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertRegex(result.stderr, r'strata\.json:\d+: auth\["rs"\]\.publicKeyFile: the PEM text holds no RSA public key')


class LambdaAuthorizerTest(unittest.TestCase):
    """__authorize as Lambda runs it: the app binary as a custom runtime with _HANDLER=__authorize."""

    def start_runtime(self, env):
        api = FakeRuntimeApi().start()
        self.addCleanup(api.stop)
        full_env = {"PATH": os.environ.get("PATH", ""), "AWS_LAMBDA_RUNTIME_API": api.address,
                    "_HANDLER": "__authorize", "AWS_LAMBDA_FUNCTION_NAME": "authorizer"}
        full_env.update(env)
        process = subprocess.Popen([probe_binary()], env=full_env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def stop():
            if process.poll() is None:
                process.kill()
            process.wait()
            process.stdout.close()
        self.addCleanup(stop)
        return api, process

    def test_allows_a_good_token_and_refuses_the_rest(self):
        api, _ = self.start_runtime({"STRATA_AUTH_ISSUER": ISSUER, "STRATA_AUTH_AUDIENCE": "probe",
                                     "STRATA_AUTH_SECRET": SECRET})
        arn = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/posts"
        good = api.queue_event({"type": "TOKEN", "methodArn": arn,
                                "authorizationToken": "Bearer " + mint_hs256(claims(n=7), SECRET)})
        post = api.wait_for_post(good)
        self.assertEqual(post.kind, "response", post.body)
        answer = post.json()
        self.assertEqual(answer["principalId"], "user-42")
        self.assertEqual(answer["policyDocument"]["Statement"],
                         [{"Action": "execute-api:Invoke", "Effect": "Allow",
                           "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*/*"}])
        self.assertEqual(answer["context"]["n"], "7")
        self.assertEqual(answer["context"]["sub"], "user-42")
        for token in ("", "Bearer " + mint_hs256(claims(ttl=-100), SECRET), "Bearer " + mint_hs256(claims(), "x")):
            bad = api.queue_event({"type": "TOKEN", "methodArn": arn, "authorizationToken": token})
            post = api.wait_for_post(bad)
            self.assertEqual(post.kind, "error")
            self.assertEqual(post.json()["errorMessage"], "Unauthorized")

    def test_missing_settings_are_an_init_error(self):
        api, process = self.start_runtime({"STRATA_AUTH_AUDIENCE": "probe", "STRATA_AUTH_SECRET": SECRET})
        process.wait(timeout=10)
        self.assertEqual(process.returncode, 1)
        errors = [post for post in api.posts if post.kind == "init_error"]
        self.assertEqual(len(errors), 1, api.posts)
        self.assertIn("STRATA_AUTH_ISSUER", errors[0].json()["errorMessage"])


if __name__ == "__main__":
    unittest.main()
