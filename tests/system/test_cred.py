"""`xfrsync credentials` and the AWS credential providers (agent/cred.c,
agent/httpjob.c) against local stand-ins for IMDS, the container endpoint
and STS (awsstub.py), reached through the aws block's test-only
`test-endpoint` statements.

Covered: every provider and the chain order, pinning a source, IMDSv2
token handling, the role listing, expiry and refresh (an Expiration just
inside the 5-minute margin), refresh after cred_invalidate(), error
answers (401, 404, 500, malformed JSON and XML), timeouts (a listener that
never answers), the shared files against botocore (the AWS CLI's reader),
and that no secret or token ever appears in any output: every run is
verbose (-v logs each step) and its stdout and stderr are searched for
every secret and token handed out.

The host's own metadata service is never asked: every run sets
AWS_EC2_METADATA_DISABLED=true unless IMDS is pointed at the stub.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import awsstub
import tlslab

DATA = Path(__file__).resolve().parents[1] / "unit" / "data" / "cred"

# Secrets these tests hand out themselves (env, config, token files).
SECRETS: set[str] = set()
LIVE_STUBS: list[awsstub.AwsStub] = []
ALL_STUBS: list[awsstub.AwsStub] = []
OUTPUTS: list[str] = []

ENV_SECRET = "envSECRETa1b2/c3d4+e5f6g7h8i9j0k1l2m3n4o5p6"
ENV_TOKEN = "envTOKENFwoGZXIvYXdzEBQaDKJ7m8/k2/LZEXAMPLE=="
CONF_SECRET = "confSECRET9z8y7x6w5v4u3t2s1r0q/p+o"
CONF_TOKEN = "confTOKENIQoJb3JpZ2luX2VjEEXAMPLE"
FILE_SECRET = "fileSECRETwJalrXUtnFEMI/K7MDENG"
FILE_TOKEN = "fileTOKENAQoDYXdzEJr"
ECS_AUTH = "ecsAUTHTOKENBearer-4f7a9c"
WI_TOKEN = "wiJWTeyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ4In0.c2ln"
SECRETS |= {ENV_SECRET, ENV_TOKEN, CONF_SECRET, CONF_TOKEN, FILE_SECRET,
            FILE_TOKEN, ECS_AUTH, WI_TOKEN}


def known_secrets() -> set[str]:
    s = set(SECRETS)
    for st in ALL_STUBS:
        s.update(st.secrets())
    return s


def check_no_secret(text: str):
    for s in known_secrets():
        assert s not in text, "a secret or token appears in the output"
        if len(s) >= 24:        # nor its tail (the random part)
            assert s[-16:] not in text, "part of a secret appears in the output"


@dataclass
class Run:
    rc: int
    out: str
    err: str
    secs: float

    def field(self, name: str) -> str:
        m = re.search(rf"^{re.escape(name)}: (.*)$", self.out, re.M)
        assert m, f"no {name} in {self.out!r}"
        return m.group(1)


def run(xfrsync, home: Path, *args: str, env: dict | None = None,
        conf: Path | None = None, timeout: float = 60) -> Run:
    e = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
         "AWS_EC2_METADATA_DISABLED": "true"}
    e.update(env or {})
    e = {k: v for k, v in e.items() if v is not None}
    cmd = [str(xfrsync), "credentials", "-v"]
    if conf is not None:
        cmd += ["-c", str(conf)]
    t0 = time.monotonic()
    p = subprocess.run(cmd + list(args), env=e, capture_output=True, text=True,
                       timeout=timeout)
    r = Run(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)
    OUTPUTS.append(r.out + r.err)
    check_no_secret(r.out + r.err)
    return r


@pytest.fixture
def home(tmp_path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def stub():
    s = awsstub.AwsStub()
    LIVE_STUBS.append(s)
    ALL_STUBS.append(s)
    yield s
    LIVE_STUBS.remove(s)
    s.stop()


@pytest.fixture
def blackhole():
    b = awsstub.Blackhole()
    yield b
    b.stop()


@pytest.fixture
def write_conf(tmp_path):
    """write_conf(*aws_lines, mode=0o600) -> path of an xfrsync.conf whose
    aws block holds the lines."""
    def write(*lines: str, mode: int = 0o600, name: str = "xfrsync.conf") -> Path:
        p = tmp_path / name
        p.write_text("aws {\n" + "".join(f"\t{ln}\n" for ln in lines) + "}\n")
        p.chmod(mode)
        return p
    return write


def endpoints(s, *kinds: str) -> list[str]:
    return [f'test-endpoint {k} "{s.url}"' for k in kinds]


def aws_dir(home: Path, credentials: str | None = None, config: str | None = None):
    d = home / ".aws"
    d.mkdir(exist_ok=True)
    if credentials is not None:
        (d / "credentials").write_text(credentials)
    if config is not None:
        (d / "config").write_text(config)


# ---- static sources ---------------------------------------------------------------

ENV_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE000001",
            "AWS_SECRET_ACCESS_KEY": ENV_SECRET,
            "AWS_SESSION_TOKEN": ENV_TOKEN}


def test_environment(xfrsync, home):
    r = run(xfrsync, home, env=ENV_KEYS)
    assert r.rc == 0, r.err
    assert r.field("source") == "env"
    assert r.field("origin") == "environment"
    assert r.field("access-key-id") == "AKIAENVEXAMPLE000001"
    assert r.field("session-token") == "yes"
    assert r.field("expiration") == "none"


def test_environment_without_token(xfrsync, home):
    r = run(xfrsync, home, env={**ENV_KEYS, "AWS_SESSION_TOKEN": None})
    assert r.rc == 0, r.err
    assert r.field("session-token") == "no"


def test_environment_partial_ends_the_chain(xfrsync, home, stub, write_conf):
    """Only one of the two keys: botocore's PartialCredentialsError.  The
    chain stops there (no request reaches IMDS, which would answer)."""
    conf = write_conf(*endpoints(stub, "imds"))
    r = run(xfrsync, home, conf=conf, env={"AWS_ACCESS_KEY_ID": "AKIAONLY",
                                           "AWS_EC2_METADATA_DISABLED": None})
    assert r.rc == 1
    assert "env: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" in r.err
    assert "imds" not in r.err.splitlines()[-1]
    assert stub.requests == []


def test_nothing_found_names_every_provider(xfrsync, home):
    r = run(xfrsync, home)
    assert r.rc == 1
    last = r.err.strip().splitlines()[-1]
    assert last.startswith("xfrsync credentials: no credentials: config: ")
    for part in ("env: AWS_ACCESS_KEY_ID is not set",
                 "web-identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set",
                 f'profile: no profile "default" in {home}/.aws/credentials or '
                 f"{home}/.aws/config",
                 "ecs: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set",
                 "imds: AWS_EC2_METADATA_DISABLED is true"):
        assert part in last


def test_config_keys_come_first(xfrsync, home, write_conf):
    conf = write_conf('access-key-id "AKIACONFEXAMPLE00001"',
                      f'secret-access-key "{CONF_SECRET}"',
                      f'session-token "{CONF_TOKEN[:10]}" "{CONF_TOKEN[10:]}"')
    r = run(xfrsync, home, conf=conf, env=ENV_KEYS)
    assert r.rc == 0, r.err
    assert r.field("source") == "config"
    assert r.field("origin") == f"{conf}:1"
    assert r.field("access-key-id") == "AKIACONFEXAMPLE00001"
    assert r.field("session-token") == "yes"


def test_config_keys_need_a_private_file(xfrsync, home, write_conf):
    conf = write_conf('access-key-id "AKIACONFEXAMPLE00001"',
                      f'secret-access-key "{CONF_SECRET}"', mode=0o640)
    r = run(xfrsync, home, conf=conf)
    assert r.rc == 1
    assert r.err.strip() == (f"xfrsync credentials: {conf}:3: permissions 0640 are "
                             "too open for a file holding a secret (group or "
                             "others can access it)")


def test_config_errors_never_quote_a_secret(xfrsync, home, write_conf):
    bad = CONF_SECRET[:8] + " " + CONF_SECRET[8:]
    conf = write_conf('access-key-id "AKIACONFEXAMPLE00001"',
                      f'secret-access-key "{bad}"')
    SECRETS.add(bad)
    r = run(xfrsync, home, conf=conf)
    assert r.rc == 1
    assert "secret-access-key: has a space" in r.err


PROFILE_CREDS = f"""# ~/.aws/credentials
[default]
aws_access_key_id = AKIAFILEDEFAULT00001
aws_secret_access_key = {FILE_SECRET}

[work]
aws_access_key_id=AKIAFILEWORK00000001
aws_secret_access_key={FILE_SECRET}W
aws_session_token = {FILE_TOKEN}
"""

PROFILE_CONFIG = f"""[default]
region = us-east-1

[profile cfg]
region = eu-west-1
aws_access_key_id = AKIAFILECONFIG000001
aws_secret_access_key = {FILE_SECRET}C

[profile work]
aws_access_key_id = AKIAFILESHADOWED0001
aws_secret_access_key = {FILE_SECRET}S

[profile assumed]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = default
"""
SECRETS |= {FILE_SECRET + "W", FILE_SECRET + "C", FILE_SECRET + "S"}


def test_profile_default(xfrsync, home):
    aws_dir(home, PROFILE_CREDS, PROFILE_CONFIG)
    r = run(xfrsync, home)
    assert r.rc == 0, r.err
    assert r.field("source") == "profile"
    assert r.field("origin") == f'profile "default" in {home}/.aws/credentials'
    assert r.field("access-key-id") == "AKIAFILEDEFAULT00001"
    assert r.field("session-token") == "no"


def test_profile_from_env_credentials_file_first(xfrsync, home):
    aws_dir(home, PROFILE_CREDS, PROFILE_CONFIG)
    r = run(xfrsync, home, env={"AWS_PROFILE": "work"})
    assert r.rc == 0, r.err
    assert r.field("access-key-id") == "AKIAFILEWORK00000001"
    assert r.field("session-token") == "yes"


def test_profile_in_config_file(xfrsync, home, write_conf):
    aws_dir(home, PROFILE_CREDS, PROFILE_CONFIG)
    # The aws block's profile wins over AWS_PROFILE.
    r = run(xfrsync, home, conf=write_conf('profile "cfg"'),
            env={"AWS_PROFILE": "work"})
    assert r.rc == 0, r.err
    assert r.field("origin") == f'profile "cfg" in {home}/.aws/config'
    assert r.field("access-key-id") == "AKIAFILECONFIG000001"


def test_profile_files_from_env(xfrsync, home, tmp_path):
    c = tmp_path / "creds"
    c.write_text(PROFILE_CREDS)
    r = run(xfrsync, home, env={"AWS_SHARED_CREDENTIALS_FILE": str(c),
                                "AWS_CONFIG_FILE": str(tmp_path / "none"),
                                "AWS_PROFILE": "work"})
    assert r.rc == 0, r.err
    assert r.field("origin") == f'profile "work" in {c}'


def test_profile_missing_is_an_error(xfrsync, home):
    """A profile asked for by name must exist (botocore's ProfileNotFound)."""
    aws_dir(home, PROFILE_CREDS, PROFILE_CONFIG)
    r = run(xfrsync, home, env={"AWS_PROFILE": "nope"})
    assert r.rc == 1
    assert (f'profile: profile "nope" was asked for but is in neither '
            f"{home}/.aws/credentials nor {home}/.aws/config") in r.err
    assert "imds:" not in r.err.splitlines()[-1]


def test_profile_with_role_arn(xfrsync, home):
    aws_dir(home, PROFILE_CREDS, PROFILE_CONFIG)
    r = run(xfrsync, home, env={"AWS_PROFILE": "assumed"})
    assert r.rc == 1
    assert (f'profile: profile "assumed" in {home}/.aws/config uses role_arn, '
            "which xfrsync does not support") in r.err


def test_profile_malformed_file(xfrsync, home):
    aws_dir(home, PROFILE_CREDS + "[default]\n", PROFILE_CONFIG)
    r = run(xfrsync, home)
    assert r.rc == 1
    assert (f"profile: {home}/.aws/credentials:10: section [default] given "
            "twice (first on line 2)") in r.err


def _cases():
    for line in (DATA / "cases.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            f, kind, prof, res, akid, sec, tok = line.split()
            yield f, kind, prof.replace("%20", " "), res, akid, sec, tok


def _botocore(path: Path, kind: str, profile: str):
    import botocore.configloader as cl
    import botocore.credentials as bc
    import botocore.exceptions as be
    try:
        if kind == "credentials":
            p = bc.SharedCredentialProvider(str(path), profile)
        else:
            p = bc.ConfigProvider(str(path), profile, config_parser=cl.load_config)
        c = p.load()
    except be.PartialCredentialsError:
        return ("partial",)
    except be.ConfigParseError:
        return ("error",)
    if c is None:
        return ("none",)
    return ("found", c.access_key, c.secret_key, c.token or None)


def test_shared_files_agree_with_botocore():
    """The cases that tests/unit/test_cred.c runs through cred_file.c are
    read the same way by botocore, the AWS CLI's reader."""
    pytest.importorskip("botocore", reason="Debian's python3-botocore is needed")
    n = 0
    for f, kind, prof, res, akid, sec, tok in _cases():
        got = _botocore(DATA / f, kind, prof)
        want = {"found": ("found", akid, sec, None if tok == "-" else tok),
                "noprofile": ("none",), "nokeys": ("none",),
                "partial": ("partial",), "error": ("error",)}.get(res)
        if res == "refused":
            # botocore takes a value that xfrsync refuses to sign with.
            assert got[0] == "found", (f, prof, got)
        else:
            assert got == want, (f, kind, prof)
        n += 1
    assert n >= 40


@pytest.mark.parametrize("case", ["whitespace.credentials:colon",
                                  "defaults.credentials:p",
                                  "tokens.credentials:both",
                                  "dup-key.credentials:default",
                                  "partial.credentials:nosecret"])
def test_shared_files_end_to_end(xfrsync, home, case):
    f, prof = case.split(":")
    want = next(c for c in _cases() if c[0] == f and c[2] == prof)
    r = run(xfrsync, home, "--source", "profile",
            env={"AWS_SHARED_CREDENTIALS_FILE": str(DATA / f),
                 "AWS_CONFIG_FILE": str(home / "none"), "AWS_PROFILE": prof})
    if want[3] == "found":
        assert r.rc == 0, r.err
        assert r.field("access-key-id") == want[4]
        assert r.field("session-token") == ("no" if want[6] == "-" else "yes")
    else:
        assert r.rc == 1
        assert f"profile: {DATA / f}:" in r.err


# ---- container endpoint ----------------------------------------------------------------

def test_ecs_relative_uri(xfrsync, home, stub, write_conf):
    stub.ecs_auth = ECS_AUTH
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "ecs")),
            env={"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": awsstub.ECS_PATH,
                 "AWS_CONTAINER_AUTHORIZATION_TOKEN": ECS_AUTH})
    assert r.rc == 0, r.err
    assert r.field("source") == "ecs"
    assert r.field("access-key-id") == "ASIASTUB0001"
    assert r.field("session-token") == "yes"
    assert stub.paths() == [("GET", awsstub.ECS_PATH)]
    assert stub.requests[0].headers["authorization"] == ECS_AUTH


def test_ecs_full_uri_loopback_and_token_file(xfrsync, home, stub, tmp_path):
    """A loopback FULL_URI needs no override; the token file is read again
    for every request (EKS Pod Identity rotates it)."""
    tf = tmp_path / "token"
    tf.write_text(ECS_AUTH + "\n")
    stub.ecs_auth = ECS_AUTH
    stub.expires_in = 302
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + awsstub.ECS_PATH,
           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(tf),
           "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignoredWhenAFileIsGiven"}
    p = subprocess.Popen([str(xfrsync), "credentials", "-v", "--watch", "1"],
                         env={"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true",
                              **env}, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while not stub.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        new = ECS_AUTH + "-rotated"
        SECRETS.add(new)
        tf.write_text(new)
        stub.ecs_auth = new
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    check_no_secret(out + err)
    assert p.returncode == 0, err
    assert "refreshed: access-key-id ASIASTUB0002" in out
    assert [r.headers["authorization"] for r in stub.requests] == [ECS_AUTH, new]


def test_ecs_full_uri_host_not_allowed(xfrsync, home):
    r = run(xfrsync, home, env={"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                "http://192.0.2.7:8080/creds"})
    assert r.rc == 1
    assert ("ecs: AWS_CONTAINER_CREDENTIALS_FULL_URI: host 192.0.2.7 is not "
            "allowed (https, a loopback address, or the ECS/EKS link-local "
            "addresses only)") in r.err


@pytest.mark.parametrize("status,body,why", [
    (404, '{"code":"NotFound","message":"no such task"}',
     "HTTP 404 Not Found: NotFound: no such task"),
    (500, "<html>oops</html>", "HTTP 500 Internal Server Error"),
    (200, '{"AccessKeyId":"ASIAX","SecretAccessKey":"stubSECRETbad0123456789",}',
     "answer: JSON: expected a string at byte 67"),
    (200, '{"AccessKeyId":"ASIAX"}', "answer: no SecretAccessKey in the answer"),
])
def test_ecs_error_answers_then_imds(xfrsync, home, stub, write_conf, status,
                                     body, why):
    """An error answer fails the provider; the chain moves on (to IMDS)."""
    stub.fail["ecs"] = (status, body)
    SECRETS.add("stubSECRETbad0123456789")
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "ecs", "imds")),
            env={"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": awsstub.ECS_PATH,
                 "AWS_EC2_METADATA_DISABLED": None})
    assert r.rc == 0, r.err
    assert r.field("source") == "imds"
    r2 = run(xfrsync, home, "--source", "ecs",
             conf=write_conf(*endpoints(stub, "ecs")),
             env={"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": awsstub.ECS_PATH})
    assert r2.rc == 1
    assert r2.err.strip().splitlines()[-1] == f"xfrsync credentials: no credentials: ecs: {why}"


def test_ecs_refused_authorization(xfrsync, home, stub, write_conf):
    stub.ecs_auth = "something else"
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "ecs")),
            env={"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": awsstub.ECS_PATH,
                 "AWS_CONTAINER_AUTHORIZATION_TOKEN": ECS_AUTH})
    assert r.rc == 1
    assert ("ecs: HTTP 401 Unauthorized: InvalidToken: the authorization token "
            "is not valid") in r.err


# ---- EC2 instance metadata --------------------------------------------------------------

IMDS_ENV = {"AWS_EC2_METADATA_DISABLED": None}


def test_imds_token_then_role_then_keys(xfrsync, home, stub, write_conf):
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "imds")), env=IMDS_ENV)
    assert r.rc == 0, r.err
    assert r.field("source") == "imds"
    assert r.field("origin") == f"role {awsstub.IMDS_ROLE} at 127.0.0.1"
    assert r.field("access-key-id") == "ASIASTUB0001"
    assert r.field("session-token") == "yes"
    base = "/latest/meta-data/iam/security-credentials/"
    assert stub.paths() == [("PUT", "/latest/api/token"), ("GET", base),
                            ("GET", base + awsstub.IMDS_ROLE)]
    put, role, keys = stub.requests
    assert put.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
    assert "x-aws-ec2-metadata-token" not in put.headers
    assert role.headers["x-aws-ec2-metadata-token"] in stub.imds_tokens
    assert keys.headers["x-aws-ec2-metadata-token"] in stub.imds_tokens
    assert [q.status for q in stub.requests] == [200, 200, 200]
    # One kept-alive connection for the three requests.
    assert len({q.client_port for q in stub.requests}) == 1


def test_imds_get_without_token_is_refused(stub):
    """The stub behaves like IMDS with IMDSv2 required."""
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", stub.port, timeout=5)
    c.request("GET", "/latest/meta-data/iam/security-credentials/")
    assert c.getresponse().status == 401
    c.close()


def test_imds_token_refreshed_after_401(xfrsync, home, stub, write_conf, tmp_path):
    stub.expires_in = 302
    conf = write_conf(*endpoints(stub, "imds"))
    p = subprocess.Popen([str(xfrsync), "credentials", "-v", "-c", str(conf),
                          "--watch", "1"], env={"HOME": str(home)},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while len(stub.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        stub.imds_tokens.clear()         # the session token expired
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    check_no_secret(out + err)
    assert p.returncode == 0, err
    assert "refreshed: access-key-id ASIASTUB0002" in out
    base = "/latest/meta-data/iam/security-credentials/"
    assert [(m, pth, q.status) for (m, pth), q in zip(stub.paths(), stub.requests)] == [
        ("PUT", "/latest/api/token", 200), ("GET", base, 200),
        ("GET", base + awsstub.IMDS_ROLE, 200),
        ("GET", base, 401), ("PUT", "/latest/api/token", 200), ("GET", base, 200),
        ("GET", base + awsstub.IMDS_ROLE, 200)]


def test_imds_no_role(xfrsync, home, stub, write_conf):
    stub.imds_role = None
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "imds")), env=IMDS_ENV)
    assert r.rc == 1
    assert "imds: no IAM role is attached to the instance (HTTP 404)" in r.err


@pytest.mark.parametrize("status,body,token,why", [
    (500, "", False, "imds: credentials: HTTP 500 Internal Server Error"),
    (200, '{"Code":"Success","AccessKeyId":"ASIAX"', False,
     "imds: role xfrsync-test-role: JSON: truncated"),
    (200, '{"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"}', False,
     'imds: role xfrsync-test-role: Code is "AssumeRoleUnauthorizedAccess", '
     "not Success"),
    (403, "", True, "imds: token request: HTTP 403 Forbidden"),
])
def test_imds_error_answers(xfrsync, home, stub, write_conf, status, body, token, why):
    stub.fail["imds"] = (status, body)
    stub.fail_token = token
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "imds")), env=IMDS_ENV)
    assert r.rc == 1
    assert why in r.err


def test_imds_disabled(xfrsync, home, stub, write_conf):
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "imds")),
            env={"AWS_EC2_METADATA_DISABLED": "True"})
    assert r.rc == 1
    assert "imds: AWS_EC2_METADATA_DISABLED is true" in r.err
    assert stub.requests == []


# ---- web identity (STS) ---------------------------------------------------------------

def wi_env(tf: Path, **more) -> dict:
    return {"AWS_WEB_IDENTITY_TOKEN_FILE": str(tf), "AWS_ROLE_ARN": awsstub.ROLE_ARN,
            "AWS_ROLE_SESSION_NAME": "xfrsync-test", **more}


def test_web_identity(xfrsync, home, stub, write_conf, tmp_path):
    tf = tmp_path / "token"
    tf.write_text(WI_TOKEN)
    stub.sts_tokens.add(WI_TOKEN)
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "sts")), env=wi_env(tf))
    assert r.rc == 0, r.err
    assert r.field("source") == "web-identity"
    assert r.field("origin") == f"role {awsstub.ROLE_ARN}, session xfrsync-test"
    assert r.field("access-key-id") == "ASIASTUB0001"
    assert r.field("session-token") == "yes"
    (req,) = stub.requests
    assert (req.method, req.path) == ("POST", "/")
    assert "authorization" not in req.headers          # unsigned
    assert stub.sts_params == [{"Action": "AssumeRoleWithWebIdentity",
                                "Version": "2011-06-15",
                                "RoleArn": awsstub.ROLE_ARN,
                                "RoleSessionName": "xfrsync-test",
                                "WebIdentityToken": WI_TOKEN}]


def test_web_identity_default_session_name(xfrsync, home, stub, write_conf, tmp_path):
    tf = tmp_path / "token"
    tf.write_text(WI_TOKEN + "\n")
    stub.sts_tokens.add(WI_TOKEN)
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "sts")),
            env=wi_env(tf, AWS_ROLE_SESSION_NAME=None))
    assert r.rc == 0, r.err
    assert re.fullmatch(r"xfrsync-session-\d+", stub.sts_params[0]["RoleSessionName"])


def test_web_identity_token_file_reread(xfrsync, home, stub, write_conf, tmp_path):
    tf = tmp_path / "token"
    tf.write_text(WI_TOKEN)
    stub.sts_tokens.add(WI_TOKEN)
    stub.expires_in = 302
    new = WI_TOKEN + "ROTATED"
    SECRETS.add(new)
    p = subprocess.Popen([str(xfrsync), "credentials", "-v", "-c",
                          str(write_conf(*endpoints(stub, "sts"))), "--watch", "1"],
                         env={"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true",
                              **wi_env(tf)},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while not stub.sts_params and time.monotonic() < deadline:
            time.sleep(0.05)
        tf.write_text(new)
        stub.sts_tokens = {new}
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    check_no_secret(out + err)
    assert p.returncode == 0, err
    assert [q["WebIdentityToken"] for q in stub.sts_params] == [WI_TOKEN, new]
    assert "refreshed: access-key-id ASIASTUB0002" in out


def test_web_identity_error_answer(xfrsync, home, stub, write_conf, tmp_path):
    tf = tmp_path / "token"
    tf.write_text(WI_TOKEN)
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "sts")), env=wi_env(tf))
    assert r.rc == 1
    assert ("web-identity: STS: HTTP 400: InvalidIdentityToken: Couldn't "
            "validate the token") in r.err


@pytest.mark.parametrize("body,why", [
    ("<AssumeRoleWithWebIdentityResponse><Credentials>",
     "web-identity: STS answer: XML: truncated"),
    ("<R><Credentials><AccessKeyId>ASIAX</AccessKeyId></Credentials></R>",
     "web-identity: STS answer: no Credentials/SecretAccessKey in the answer"),
    ('<!DOCTYPE x [<!ENTITY a "b">]><x/>',
     "web-identity: STS answer: XML: DTDs and declarations are not accepted"),
])
def test_web_identity_malformed_xml(xfrsync, home, stub, write_conf, tmp_path, body, why):
    tf = tmp_path / "token"
    tf.write_text(WI_TOKEN)
    stub.fail["sts"] = (200, body)
    r = run(xfrsync, home, conf=write_conf(*endpoints(stub, "sts")), env=wi_env(tf))
    assert r.rc == 1
    assert why in r.err


def test_web_identity_resolves_sts_by_name(xfrsync, home, tmp_path):
    """Without a test address, STS's name goes through xfrsync's own
    resolver on the loop (never getaddrinfo): whatever this machine's
    resolv.conf does with it (no answer here, or an address that cannot
    be reached), the provider fails with a line naming the endpoint and
    the chain moves on within the time limit."""
    tf = tmp_path / "token"
    tf.write_text(WI_TOKEN)
    r = run(xfrsync, home, "-t", "20", env=wi_env(tf, AWS_REGION="eu-west-1"))
    assert r.rc == 1
    assert "web-identity: sts.eu-west-1.amazonaws.com" in r.err
    assert "needs a DNS resolver" not in r.err
    assert "AssumeRoleWithWebIdentity" in r.err


def test_web_identity_unreadable_token_file(xfrsync, home, tmp_path):
    r = run(xfrsync, home, env=wi_env(tmp_path / "absent"))
    assert r.rc == 1
    assert (f"web-identity: web identity token file {tmp_path}/absent: No such "
            "file or directory") in r.err


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return tlslab.Pki(tmp_path_factory.mktemp("cred-pki"))


def test_web_identity_over_tls(xfrsync, home, write_conf, tmp_path, pki):
    """STS over HTTPS: the name for SNI and the certificate check comes from
    the URL, the address from the test-only `address` (what a resolver
    will provide)."""
    issued = pki.issue("sts", ["sts.test"])
    s = awsstub.AwsStub(tls=(str(issued.cert), str(issued.key)))
    ALL_STUBS.append(s)
    try:
        tf = tmp_path / "token"
        tf.write_text(WI_TOKEN)
        s.sts_tokens.add(WI_TOKEN)
        conf = write_conf(f'ca-file "{pki.root_pem}"',
                          f'test-endpoint sts "https://sts.test:{s.port}/" '
                          "address 127.0.0.1")
        r = run(xfrsync, home, conf=conf, env=wi_env(tf))
        assert r.rc == 0, r.err
        assert r.field("access-key-id") == "ASIASTUB0001"
        # Without the CA file, the built-in roots do not know the test CA.
        conf2 = write_conf(f'test-endpoint sts "https://sts.test:{s.port}/" '
                           "address 127.0.0.1", name="builtin.conf")
        r = run(xfrsync, home, conf=conf2, env=wi_env(tf))
        assert r.rc == 1
        assert "web-identity: TLS: " in r.err
        assert len(s.sts_params) == 1
    finally:
        s.stop()


# ---- timeouts ----------------------------------------------------------------------------

def test_imds_timeout(xfrsync, home, blackhole, write_conf):
    """IMDS that never answers: the provider gives up within its 1 s
    timeouts (2 s at most per request)."""
    r = run(xfrsync, home, conf=write_conf(f'test-endpoint imds "{blackhole.url}"'),
            env=IMDS_ENV)
    assert r.rc == 1
    assert "imds: no answer: nothing received for 1000 ms" in r.err
    assert r.secs < 5


def test_ecs_timeout_then_imds(xfrsync, home, blackhole, stub, write_conf):
    conf = write_conf(f'test-endpoint ecs "{blackhole.url}"',
                      f'test-endpoint imds "{stub.url}"')
    r = run(xfrsync, home, conf=conf,
            env={"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": awsstub.ECS_PATH, **IMDS_ENV})
    assert r.rc == 0, r.err
    assert r.field("source") == "imds"
    assert "credentials: ecs: no answer: nothing received for 2000 ms" in r.err
    assert 2 <= r.secs < 8


def test_sts_timeout(xfrsync, home, stub, write_conf, tmp_path):
    tf = tmp_path / "token"
    tf.write_text(WI_TOKEN)
    stub.hang.add("sts")
    r = run(xfrsync, home, "-t", "2", conf=write_conf(*endpoints(stub, "sts")),
            env=wi_env(tf))
    assert r.rc == 1
    assert r.err.strip().endswith("xfrsync credentials: no credentials within 2 s")
    assert r.secs < 5


def test_connection_refused(xfrsync, home, write_conf):
    port = awsstub.free_port()
    r = run(xfrsync, home, conf=write_conf(f'test-endpoint imds "http://127.0.0.1:{port}"'),
            env=IMDS_ENV)
    assert r.rc == 1
    assert f"imds: connect to 127.0.0.1 port {port}: Connection refused" in r.err


# ---- refresh ----------------------------------------------------------------------------------

def test_refresh_before_expiration(xfrsync, home, stub, write_conf):
    """Expiration 5 min 3 s away: refreshed 3 s later, again and again."""
    stub.expires_in = 303
    r = run(xfrsync, home, "--watch", "2", conf=write_conf(*endpoints(stub, "imds")),
            env=IMDS_ENV)
    assert r.rc == 0, r.err
    lines = [ln for ln in r.out.splitlines() if ln.startswith("refreshed:")]
    assert [ln.split()[2].rstrip(",") for ln in lines] == ["ASIASTUB0002", "ASIASTUB0003"]
    assert 5.5 <= r.secs < 15
    assert "credentials: refresh in 3 s" in r.err
    # The IMDS session token (6 h) was fetched once.
    assert stub.imds_token_count == 1


def test_no_refresh_far_from_expiration(xfrsync, home, stub, write_conf):
    r = run(xfrsync, home, "--watch", "1", "-t", "1",
            conf=write_conf(*endpoints(stub, "imds")), env=IMDS_ENV)
    assert r.rc == 1
    assert "0 of 1 refreshes within 1 s" in r.err
    assert re.search(r"credentials: refresh in 21[23]\d\d s", r.err)


def test_failed_refresh_keeps_the_credentials(xfrsync, home, stub, write_conf):
    stub.expires_in = 302
    conf = write_conf(*endpoints(stub, "ecs"))
    env = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": awsstub.ECS_PATH}
    p = subprocess.Popen([str(xfrsync), "credentials", "-v", "-c", str(conf),
                          "--watch", "1"],
                         env={"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true",
                              **env}, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while not stub.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        stub.fail["ecs"] = (503, '{"code":"Throttled","message":"slow down"}')
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    check_no_secret(out + err)
    assert p.returncode == 0, err
    assert ("refresh failed: ecs: HTTP 503 Service Unavailable: Throttled: "
            "slow down") in out
    assert "AWS credentials: refresh failed (retrying in 5 s)" in err


def test_invalidate_refreshes(xfrsync, home, stub, write_conf):
    """After an ExpiredToken answer: a refresh, but not sooner than 5 s
    after the last answer (here: the first one, just fetched)."""
    r = run(xfrsync, home, "--invalidate", conf=write_conf(*endpoints(stub, "imds")),
            env=IMDS_ENV)
    assert r.rc == 0, r.err
    assert r.field("access-key-id") == "ASIASTUB0001"
    assert "refreshed: access-key-id ASIASTUB0002" in r.out
    assert "AWS credentials refused as expired: refreshing from imds" in r.err
    assert 4.5 <= r.secs < 9


def test_invalidate_static(xfrsync, home):
    r = run(xfrsync, home, "--invalidate", env=ENV_KEYS)
    assert r.rc == 1
    assert "--invalidate: credentials from env cannot be refreshed" in r.err


# ---- pinning -------------------------------------------------------------------------------------

def test_pin_on_the_command_line(xfrsync, home, stub, write_conf):
    r = run(xfrsync, home, "--source", "imds", conf=write_conf(*endpoints(stub, "imds")),
            env={**ENV_KEYS, **IMDS_ENV})
    assert r.rc == 0, r.err
    assert r.field("source") == "imds"


def test_pin_in_the_configuration(xfrsync, home, stub, write_conf):
    conf = write_conf("credentials-source ecs", *endpoints(stub, "ecs", "imds"))
    r = run(xfrsync, home, conf=conf, env={**ENV_KEYS, **IMDS_ENV})
    assert r.rc == 1
    # Only the pinned source was tried.
    assert r.err.strip().splitlines()[-1] == (
        "xfrsync credentials: no credentials: ecs: "
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
    assert stub.requests == []
    # The command line wins over the configuration.
    r = run(xfrsync, home, "--source", "auto", conf=conf, env=ENV_KEYS)
    assert r.rc == 0
    assert r.field("source") == "env"


def test_pin_unknown_source(xfrsync, home):
    r = run(xfrsync, home, "--source", "environment")
    assert r.rc == 2
    assert "unknown source 'environment'" in r.err


# ---- no secret anywhere -----------------------------------------------------------------------------

def test_version_and_check_show_no_secret(xfrsync, home, write_conf):
    env = {**ENV_KEYS, "HOME": str(home)}
    v = subprocess.run([str(xfrsync), "--version"], env=env, capture_output=True,
                       text=True)
    assert v.returncode == 0
    conf = write_conf('access-key-id "AKIACONFEXAMPLE00001"',
                      f'secret-access-key "{CONF_SECRET}"')
    n = subprocess.run([str(xfrsync), "run", "-n", "-c", str(conf)], env=env,
                       capture_output=True, text=True)
    assert n.returncode == 0, n.stderr
    check_no_secret(v.stdout + v.stderr + n.stdout + n.stderr)


def test_zz_no_secret_in_any_output():
    """Every output of this module, searched once more for every secret and
    token handed out by any test (a later test's stub included)."""
    assert OUTPUTS
    for text in OUTPUTS:
        check_no_secret(text)
