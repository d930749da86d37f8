/*
 * test_cred.c — the pure parts of the AWS credential providers: shared
 * files (against tests/unit/data/cred/cases.txt, which
 * tests/system/test_cred.py checks against botocore), the JSON and XML
 * readers, times and refresh timing, URLs, and the aws block of
 * xfrsync.conf.  No message may ever hold a secret.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/conf.h"
#include "agent/cred.h"
#include "tests/unit/unit.h"
#include "xfrsync_config.h"

#define DATA "tests/unit/data/cred/"

static struct cred c;
static char err[1024];

/* ---- shared files ------------------------------------------------------------ */

static int
lookup(const char *text, int kind, const char *profile)
{
	cred_wipe(&c);
	return cred_file_lookup(text, strlen(text), kind, profile, "f", &c, err,
	    sizeof err);
}

/* "%20" back to a space. */
static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (strncmp(s, "%20", 3) == 0) {
			*w++ = ' ';
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

UNIT_TEST(cred_file_cases)
{
	FILE *f = fopen(DATA "cases.txt", "r");
	char line[512], file[64], kind[16], prof[64], res[16], akid[64],
	    sec[64], tok[64], path[128], *text;
	size_t len;
	int n = 0, rc, want;

	CHECK(f != NULL);
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%63s %15s %63s %15s %63s %63s %63s", file,
		    kind, prof, res, akid, sec, tok) != 7) {
			unit_fail(__FILE__, __LINE__, line);
			continue;
		}
		unescape(prof);
		snprintf(path, sizeof path, DATA "%s", file);
		if (cred_file_slurp(path, 1 << 20, &text, &len) != 0) {
			unit_fail(__FILE__, __LINE__, path);
			continue;
		}
		cred_wipe(&c);
		rc = cred_file_lookup(text, len, strcmp(kind, "config") == 0 ?
		    CRED_FILE_CONFIG : CRED_FILE_CREDENTIALS, prof, file, &c,
		    err, sizeof err);
		want = strcmp(res, "found") == 0 ? CRED_FILE_FOUND :
		    strcmp(res, "noprofile") == 0 ? CRED_FILE_NOPROFILE :
		    strcmp(res, "nokeys") == 0 ? CRED_FILE_NOKEYS :
		    strcmp(res, "error") == 0 ? CRED_FILE_ERROR :
		    CRED_FILE_PARTIAL;      /* partial, refused */
		if (rc != want) {
			printf("  case: %s %s [%s]: %s\n", file, kind, prof, err);
			CHECK_INT(rc, want);
		}
		if (rc == CRED_FILE_FOUND) {
			CHECK_STR(c.access_key_id, akid);
			CHECK_STR(c.secret, sec);
			CHECK_STR(c.token, strcmp(tok, "-") == 0 ? "" : tok);
		} else {
			/* Nothing is left behind, nothing is quoted. */
			CHECK_STR(c.secret, "");
			CHECK(strstr(err, "Secret") == NULL);
			CHECK(strstr(err, "Token") == NULL);
			CHECK(strstr(err, "continued") == NULL);
		}
		if (rc == CRED_FILE_ERROR || rc == CRED_FILE_PARTIAL)
			CHECK(strncmp(err, file, strlen(file)) == 0 &&
			    err[strlen(file)] == ':');
		explicit_bzero(text, len);
		free(text);
		n++;
	}
	if (f != NULL)
		fclose(f);
	CHECK(n >= 40);
}

UNIT_TEST(cred_file_messages)
{
	static const char dup[] = "[a]\nx = 1\n\n[a]\n";
	static const char dupkey[] = "[default]\naws_access_key_id = A\n"
	    "aws_secret_access_key = SeCrEt1\nAWS_SECRET_ACCESS_KEY = SeCrEt2\n";
	static const char partial[] = "[default]\n\n"
	    "aws_access_key_id = AKID\n";
	static const char nosect[] = "; c\nwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n";

	CHECK_INT(lookup(dup, CRED_FILE_CREDENTIALS, "a"), CRED_FILE_ERROR);
	CHECK_STR(err, "f:4: section [a] given twice (first on line 1)");
	CHECK_INT(lookup(dupkey, CRED_FILE_CREDENTIALS, "default"),
	    CRED_FILE_ERROR);
	CHECK_STR(err, "f:4: key \"AWS_SECRET_ACCESS_KEY\" given twice in the "
	    "section (first on line 3)");
	CHECK_INT(lookup(partial, CRED_FILE_CREDENTIALS, "default"),
	    CRED_FILE_PARTIAL);
	CHECK_STR(err, "f:3: profile \"default\" has aws_access_key_id but no "
	    "aws_secret_access_key");
	/* A pasted secret is never quoted. */
	CHECK_INT(lookup(nosect, CRED_FILE_CREDENTIALS, "default"),
	    CRED_FILE_ERROR);
	CHECK_STR(err, "f:2: a key before any [section]");
	CHECK_INT(lookup("[default]\nwJalrXUtnFEMI/K7MDENG\n",
	    CRED_FILE_CREDENTIALS, "default"), CRED_FILE_ERROR);
	CHECK_STR(err, "f:2: neither a [section] nor a key = value line");
	CHECK_INT(lookup("[default]\nwJalrXUtnFEMI/K7MDENG = 1\nwJalrXUtnFEMI/"
	    "K7MDENG = 2\n", CRED_FILE_CREDENTIALS, "default"), CRED_FILE_ERROR);
	CHECK(strstr(err, "wJalr") == NULL);
	CHECK_INT(lookup("[default]\naws_access_key_id = AKID\n"
	    "aws_secret_access_key = has space\n", CRED_FILE_CREDENTIALS,
	    "default"), CRED_FILE_PARTIAL);
	CHECK(strstr(err, "has space") == NULL);
	CHECK(strstr(err, "aws_secret_access_key") != NULL);
	CHECK_INT(lookup("[default]\nrole_arn = arn:aws:iam::1:role/r\n",
	    CRED_FILE_CREDENTIALS, "default"), CRED_FILE_NOKEYS);
	CHECK_STR(err, "profile \"default\" in f uses role_arn, which xfrsync "
	    "does not support");
	/* Not UTF-8: the line is named. */
	CHECK_INT(lookup("[default]\n\nx = \xff\n", CRED_FILE_CREDENTIALS,
	    "default"), CRED_FILE_ERROR);
	CHECK_STR(err, "f:3: not UTF-8");
}

UNIT_TEST(cred_file_forms)
{
	/* Line endings: \r alone ends a line too (universal newlines). */
	CHECK_INT(lookup("[p]\raws_access_key_id=AK1\r\naws_secret_access_key"
	    "=s1\n", CRED_FILE_CREDENTIALS, "p"), CRED_FILE_FOUND);
	CHECK_STR(c.access_key_id, "AK1");
	CHECK_STR(c.secret, "s1");
	/* No final newline; tabs around the key. */
	CHECK_INT(lookup("[p]\n\taws_access_key_id\t:\tAK2\naws_secret_access"
	    "_key = s2", CRED_FILE_CREDENTIALS, "p"), CRED_FILE_FOUND);
	CHECK_STR(c.access_key_id, "AK2");
	CHECK_STR(c.secret, "s2");
	/* Config file: shlex quoting of the profile name. */
	CHECK_INT(lookup("[profile \"a b\"]\naws_access_key_id = AK3\n"
	    "aws_secret_access_key = s3\n", CRED_FILE_CONFIG, "a b"),
	    CRED_FILE_FOUND);
	CHECK_INT(lookup("[profile a\\ b]\naws_access_key_id = AK3\n"
	    "aws_secret_access_key = s3\n", CRED_FILE_CONFIG, "a b"),
	    CRED_FILE_FOUND);
	CHECK_INT(lookup("[profile 'a b']\naws_access_key_id = AK3\n"
	    "aws_secret_access_key = s3\n", CRED_FILE_CONFIG, "a b"),
	    CRED_FILE_FOUND);
	CHECK_INT(lookup("[profile \"a\\\"b\"]\naws_access_key_id = AK3\n"
	    "aws_secret_access_key = s3\n", CRED_FILE_CONFIG, "a\"b"),
	    CRED_FILE_FOUND);
	/* The credentials file takes the name as written. */
	CHECK_INT(lookup("[profile x]\naws_access_key_id = AK4\n"
	    "aws_secret_access_key = s4\n", CRED_FILE_CREDENTIALS, "x"),
	    CRED_FILE_NOPROFILE);
	CHECK_INT(lookup("[profile x]\naws_access_key_id = AK4\n"
	    "aws_secret_access_key = s4\n", CRED_FILE_CREDENTIALS,
	    "profile x"), CRED_FILE_FOUND);
	/* Keys are not case-sensitive, section names are. */
	CHECK_INT(lookup("[P]\nAws_Access_Key_Id = AK5\nAWS_SECRET_ACCESS_KEY"
	    " = s5\n", CRED_FILE_CREDENTIALS, "P"), CRED_FILE_FOUND);
	CHECK_INT(lookup("[P]\nAws_Access_Key_Id = AK5\nAWS_SECRET_ACCESS_KEY"
	    " = s5\n", CRED_FILE_CREDENTIALS, "p"), CRED_FILE_NOPROFILE);
	/* An empty file, a file of comments. */
	CHECK_INT(lookup("", CRED_FILE_CREDENTIALS, "default"),
	    CRED_FILE_NOPROFILE);
	CHECK_INT(lookup("# only\n; comments\n", CRED_FILE_CREDENTIALS,
	    "default"), CRED_FILE_NOPROFILE);
	/* A long token. */
	{
		static char text[CRED_TOKEN_MAX + 200];
		size_t k = (size_t)snprintf(text, sizeof text, "[t]\n"
		    "aws_access_key_id = AK6\naws_secret_access_key = s6\n"
		    "aws_session_token = ");

		memset(text + k, 'T', CRED_TOKEN_MAX - 1);
		text[k + CRED_TOKEN_MAX - 1] = '\0';
		CHECK_INT(lookup(text, CRED_FILE_CREDENTIALS, "t"),
		    CRED_FILE_FOUND);
		CHECK_INT(strlen(c.token), CRED_TOKEN_MAX - 1);
		text[k + CRED_TOKEN_MAX - 1] = 'T';
		text[k + CRED_TOKEN_MAX] = '\0';
		CHECK_INT(lookup(text, CRED_FILE_CREDENTIALS, "t"),
		    CRED_FILE_PARTIAL);
		CHECK_STR(err, "f:4: profile \"t\": aws_session_token too long");
	}
}

/* ---- JSON ------------------------------------------------------------------------ */

static const char imds_ok[] = "{\n  \"Code\" : \"Success\",\n"
    "  \"LastUpdated\" : \"2024-01-02T03:04:05Z\",\n"
    "  \"Type\" : \"AWS-HMAC\",\n"
    "  \"AccessKeyId\" : \"ASIAIMDSEXAMPLE\",\n"
    "  \"SecretAccessKey\" : \"imdsSECRET/with+slash\",\n"
    "  \"Token\" : \"imdsTOKEN==\",\n"
    "  \"Expiration\" : \"2024-01-02T09:04:05Z\"\n}";

static int
json(const char *s)
{
	cred_wipe(&c);
	return cred_parse_json(s, strlen(s), &c, err, sizeof err);
}

UNIT_TEST(cred_json_answers)
{
	CHECK_INT(json(imds_ok), 0);
	CHECK_STR(c.access_key_id, "ASIAIMDSEXAMPLE");
	CHECK_STR(c.secret, "imdsSECRET/with+slash");
	CHECK_STR(c.token, "imdsTOKEN==");
	CHECK_INT(c.expiration, 1704186245);
	/* ECS: no Code; extra members of any kind are skipped. */
	CHECK_INT(json("{\"RoleArn\":\"arn:aws:iam::1:role/r\",\"AccessKeyId\""
	    ":\"ASIAECS\",\"SecretAccessKey\":\"ecs\\/SECRET\",\"Token\":"
	    "\"ecsTOKEN\",\"Expiration\":\"2024-01-02T03:04:05.123Z\",\"n\":"
	    "[1,-2.5e3,{\"a\":[true,false,null]}],\"o\":{}}"), 0);
	CHECK_STR(c.secret, "ecs/SECRET");
	CHECK_INT(c.expiration, 1704164645);
	/* Token and Expiration may be missing. */
	CHECK_INT(json("{\"AccessKeyId\":\"AK\",\"SecretAccessKey\":\"s\"}"), 0);
	CHECK_STR(c.token, "");
	CHECK_INT(c.expiration, 0);
	/* Escapes decode (and then fail the check when not ASCII). */
	CHECK_INT(json("{\"AccessKeyId\":\"\\u0041K\",\"SecretAccessKey\":"
	    "\"s\\u00e9\"}"), -1);
	CHECK_STR(err, "SecretAccessKey: has a space, a control character or "
	    "a non-ASCII byte");
	CHECK_STR(c.access_key_id, "");
}

UNIT_TEST(cred_json_errors)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "", "JSON: not an object" },
		{ "[]", "JSON: not an object" },
		{ "{\"AccessKeyId\":\"AK\"", "JSON: truncated" },
		{ "{\"AccessKeyId\":\"AK\",}", "JSON: expected a string at byte "
		    "20" },
		{ "{\"AccessKeyId\" \"AK\"}", "JSON: expected ':' at byte 15" },
		{ "{\"a\":[1,]}", "JSON: trailing comma at byte 8" },
		{ "{\"a\":01}", "JSON: expected ',' or '}' at byte 6" },
		{ "{\"a\":tru}", "JSON: bad value at byte 5" },
		{ "{\"a\":\"x\ty\"}", "JSON: control character in a string at "
		    "byte 7" },
		{ "{\"a\":\"\\x\"}", "JSON: bad escape at byte 6" },
		{ "{\"a\":\"\\ud800\"}", "JSON: lone high surrogate at byte 6" },
		{ "{\"a\":\"\\udc00\"}", "JSON: lone low surrogate at byte 6" },
		{ "{\"a\":\"\\u0000\"}", "JSON: \\u0000 in a string" },
		{ "{} x", "JSON: data after the object at byte 3" },
		{ "{\"AccessKeyId\":1}", "JSON: \"AccessKeyId\" is not a string" },
		{ "{\"Token\":\"a\",\"Token\":\"b\"}", "JSON: \"Token\" given twice" },
		{ "{\"a\":[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}", "JSON: nested "
		    "deeper than 16" },
		{ "{\"Code\":\"Failure\",\"AccessKeyId\":\"A\"}", "Code is "
		    "\"Failure\", not Success" },
		{ "{\"SecretAccessKey\":\"sEcReT\"}", "no AccessKeyId in the "
		    "answer" },
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"sEcReT\","
		    "\"Expiration\":\"tomorrow\"}", "Expiration is not an ISO 8601 "
		    "time" },
		{ "{\"AccessKeyId\":\"A B\",\"SecretAccessKey\":\"sEcReT\"}",
		    "AccessKeyId: not made of letters and digits" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(json(bad[i].in), -1);
		CHECK_STR(err, bad[i].msg);
		CHECK_STR(c.secret, "");
		CHECK(strstr(err, "sEcReT") == NULL);
	}
	/* A secret longer than the buffer. */
	{
		char big[400];

		snprintf(big, sizeof big, "{\"AccessKeyId\":\"A\","
		    "\"SecretAccessKey\":\"%0200d\"}", 7);
		CHECK_INT(json(big), -1);
		CHECK_STR(err, "JSON: \"SecretAccessKey\" is longer than 127 "
		    "bytes");
	}
}

UNIT_TEST(cred_json_error_bodies)
{
	static const char body[] = "{\"code\":\"InvalidToken\",\"message\":"
	    "\"bad\\ntoken\"}";
	char out[200];

	cred_json_error(body, strlen(body), out, sizeof out);
	CHECK_STR(out, "InvalidToken: badtoken");
	cred_json_error("{\"Message\":\"only a message\"}", 28, out, sizeof out);
	CHECK_STR(out, "only a message");
	cred_json_error("<html>", 6, out, sizeof out);
	CHECK_STR(out, "");
}

/* ---- STS XML ----------------------------------------------------------------------- */

/* The example of the AssumeRoleWithWebIdentity API reference. */
static const char sts_ok[] =
    "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/"
    "doc/2011-06-15/\">\n"
    "  <AssumeRoleWithWebIdentityResult>\n"
    "    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB5"
    "6KR2A</SubjectFromWebIdentityToken>\n"
    "    <Audience>client.5498841531868486423.1548@apps.example.com"
    "</Audience>\n"
    "    <AssumedRoleUser>\n"
    "      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentity"
    "Role/app1</Arn>\n"
    "      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>\n"
    "    </AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"
    "</SessionToken>\n"
    "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    "</SecretAccessKey>\n"
    "      <Expiration>2014-10-24T23:00:23Z</Expiration>\n"
    "      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "    </Credentials>\n"
    "    <SourceIdentity>SourceIdentityValue</SourceIdentity>\n"
    "    <Provider>www.amazon.com</Provider>\n"
    "  </AssumeRoleWithWebIdentityResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</AssumeRoleWithWebIdentityResponse>\n";

static int
sts(const char *s)
{
	cred_wipe(&c);
	return cred_parse_sts(s, strlen(s), &c, err, sizeof err);
}

UNIT_TEST(cred_sts_answers)
{
	CHECK_INT(sts(sts_ok), 0);
	CHECK_STR(c.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
	CHECK_STR(c.secret, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	CHECK_STR(c.token, "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
	CHECK_INT(c.expiration, 1414191623);
	/* Prolog, comments, prefixes, entities, CDATA, empty elements. */
	CHECK_INT(sts("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- x -->"
	    "<s:R xmlns:s='u'><s:Result><s:Credentials><Empty/>"
	    "<s:AccessKeyId>AS<!-- split -->IA</s:AccessKeyId>"
	    "<s:SecretAccessKey>a&amp;b&#47;c&#x2B;d</s:SecretAccessKey>"
	    "<s:SessionToken><![CDATA[tok<en>]]></s:SessionToken>"
	    "<s:Expiration>2014-10-24T23:00:23+01:00</s:Expiration>"
	    "</s:Credentials></s:Result></s:R>\n<!-- after -->\n"), 0);
	CHECK_STR(c.access_key_id, "ASIA");
	CHECK_STR(c.secret, "a&b/c+d");
	CHECK_STR(c.token, "tok<en>");
	CHECK_INT(c.expiration, 1414188023);
	/* An error answer. */
	CHECK_INT(sts("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/"
	    "2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidIdentityToken"
	    "</Code><Message>Couldn&apos;t retrieve verification key</Message>"
	    "</Error><RequestId>x</RequestId></ErrorResponse>"), -1);
	CHECK_STR(err, "InvalidIdentityToken: Couldn't retrieve verification "
	    "key");
	/* Credentials elsewhere than under Credentials do not count. */
	CHECK_INT(sts("<R><AccessKeyId>A</AccessKeyId><SecretAccessKey>s"
	    "</SecretAccessKey></R>"), -1);
	CHECK_STR(err, "no Credentials/AccessKeyId in the answer");
}

UNIT_TEST(cred_sts_errors)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "", "XML: no root element" },
		{ "junk", "XML: text outside the root element at byte 0" },
		{ "<a><b></a>", "XML: mismatched end tag at byte 10" },
		{ "<a><b>", "XML: truncated" },
		{ "<a></a><b></b>", "XML: a second root element at byte 9" },
		{ "<!DOCTYPE a [<!ENTITY x \"y\">]><a/>", "XML: DTDs and "
		    "declarations are not accepted" },
		{ "<a>&x;</a>", "XML: unknown entity at byte 3" },
		{ "<a>&#0;</a>", "XML: bad character reference at byte 3" },
		{ "<a b=c/>", "XML: expected a quoted attribute value at byte 5" },
		{ "<a><!-- x </a>", "XML: unterminated comment" },
		{ "<Credentials><SecretAccessKey>sEcReT</SecretAccessKey>"
		    "<SecretAccessKey>sEcReT</SecretAccessKey></Credentials>",
		    "XML: <SecretAccessKey> given twice" },
		{ "<R><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>"
		    "sEcReT</SecretAccessKey><SessionToken>t</SessionToken>"
		    "<Expiration>soon</Expiration></Credentials></R>",
		    "Expiration is not an ISO 8601 time" },
		{ "<R><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>"
		    "sEcReT</SecretAccessKey><Expiration>2014-10-24T23:00:23Z"
		    "</Expiration></Credentials></R>",
		    "no Credentials/SessionToken in the answer" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(sts(bad[i].in), -1);
		CHECK_STR(err, bad[i].msg);
		CHECK_STR(c.secret, "");
		CHECK(strstr(err, "sEcReT") == NULL);
	}
}

/* ---- times -------------------------------------------------------------------------- */

UNIT_TEST(cred_times)
{
	static const struct {
		const char *in;
		long long want;
	} ok[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-01-02T03:04:05Z", 1704164645 },
		{ "2024-02-29T23:59:59Z", 1709251199 },
		{ "2000-03-01T00:00:00z", 951868800 },
		{ "2024-01-02T03:04:05.999999Z", 1704164645 },
		{ "2024-01-02T03:04:05+00:00", 1704164645 },
		{ "2024-01-02T05:04:05+0200", 1704164645 },
		{ "2024-01-01T23:04:05-04:00", 1704164645 },
		{ "2024-01-02 03:04:05Z", 1704164645 },
		{ "2016-12-31T23:59:60Z", 1483228799 },
	};
	static const char *const bad[] = {
		"", "2024-01-02", "2024-01-02T03:04:05", "2023-02-29T00:00:00Z",
		"2024-13-01T00:00:00Z", "2024-01-32T00:00:00Z",
		"2024-01-02T24:00:00Z", "2024-01-02T03:04:05ZZ",
		"2024-01-02T03:04:05.Z", "1969-12-31T23:59:59Z",
		"2024-01-02T03:04:05+2:00", "2024-1-02T03:04:05Z",
	};
	char out[21];
	int64_t t;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		t = -1;
		CHECK_INT(cred_time_parse(ok[i].in, strlen(ok[i].in), &t), 0);
		CHECK_INT(t, ok[i].want);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(cred_time_parse(bad[i], strlen(bad[i]), &t), -1);
	cred_time_format(1704164645, out);
	CHECK_STR(out, "2024-01-02T03:04:05Z");
	cred_time_format(951868800, out);
	CHECK_STR(out, "2000-03-01T00:00:00Z");
	/* Round trip over a few centuries of days. */
	for (t = 0; t < 4102444800LL; t += 86400 * 7 + 3671) {
		int64_t back;

		cred_time_format(t, out);
		CHECK(cred_time_parse(out, 20, &back) == 0 && back == t);
		if (back != t)
			break;
	}
	cred_time_left(6 * 3600 - 60, out, sizeof out);
	CHECK_STR(out, "5h 59m");
	cred_time_left(250, out, sizeof out);
	CHECK_STR(out, "4m 10s");
	cred_time_left(2 * 86400 + 3 * 3600, out, sizeof out);
	CHECK_STR(out, "2d 3h");
	cred_time_left(0, out, sizeof out);
	CHECK_STR(out, "expired");
}

UNIT_TEST(cred_refresh_timing)
{
	const int64_t now = 1700000000;

	/* Static credentials are never refreshed. */
	CHECK_INT(cred_refresh_delay(now, 0, 300), -1);
	/* Five minutes before Expiration. */
	CHECK_INT(cred_refresh_delay(now, now + 6 * 3600, 300), 6 * 3600 - 300);
	CHECK_INT(cred_refresh_delay(now, now + 303, 300), 3);
	CHECK_INT(cred_refresh_delay(now, now + 301, 300), 1);
	/* Inside the margin: half the time left, within bounds. */
	CHECK_INT(cred_refresh_delay(now, now + 300, 300), 60);
	CHECK_INT(cred_refresh_delay(now, now + 100, 300), 50);
	CHECK_INT(cred_refresh_delay(now, now + 4, 300), CRED_REFRESH_MIN);
	CHECK_INT(cred_refresh_delay(now, now - 100, 300), CRED_REFRESH_MIN);
	/* Another margin (tests). */
	CHECK_INT(cred_refresh_delay(now, now + 100, 10), 90);
	/* Backoff. */
	CHECK_INT(cred_retry_delay(0, 0), CRED_RETRY_FIRST);
	CHECK_INT(cred_retry_delay(1, 0), 2 * CRED_RETRY_FIRST);
	CHECK_INT(cred_retry_delay(3, 0), 8 * CRED_RETRY_FIRST);
	CHECK_INT(cred_retry_delay(10, 0), CRED_RETRY_MAX);
	CHECK_INT(cred_retry_delay(1000, 0), CRED_RETRY_MAX);
	CHECK_INT(cred_retry_delay(2, 1), 4);
}

/* ---- names, values, URLs ---------------------------------------------------------------- */

UNIT_TEST(cred_names_values)
{
	int i;

	for (i = 0; i < CRED_NSRC; i++)
		CHECK_INT(cred_source_parse(cred_source_name(i)), i);
	CHECK_INT(cred_source_parse("auto"), CRED_AUTO);
	CHECK_INT(cred_source_parse("environment"), -2);
	CHECK_STR(cred_source_name(CRED_WEB_IDENTITY), "web-identity");
	CHECK_INT(cred_source_built(CRED_IMDS), CFG_CRED_IMDS);
	CHECK(cred_check_akid("AKIA1234_x", 10) == NULL);
	CHECK_STR(cred_check_akid("AK/IA", 5), "not made of letters and digits");
	CHECK_STR(cred_check_akid("", 0), "empty");
	CHECK(cred_check_secret("a/b+c=", 6) == NULL);
	CHECK(cred_check_secret("a b", 3) != NULL);
	CHECK(cred_check_secret("a\x7f", 2) != NULL);
	{
		char big[CRED_SECRET_MAX + 1];

		memset(big, 'x', sizeof big);
		CHECK_STR(cred_check_secret(big, CRED_SECRET_MAX), "too long");
		CHECK(cred_check_secret(big, CRED_SECRET_MAX - 1) == NULL);
	}
}

UNIT_TEST(cred_urls)
{
	struct cred_url u;
	char e[128], out[64];

	CHECK_INT(cred_url_parse("http://169.254.170.2/v2/credentials/x?y=1#f",
	    &u, e, sizeof e), 0);
	CHECK(!u.tls && u.port == 80 && u.numeric);
	CHECK_STR(u.host, "169.254.170.2");
	CHECK_STR(u.path, "/v2/credentials/x?y=1");
	CHECK(cred_url_ecs_allowed(&u));
	CHECK_INT(cred_url_parse("HTTPS://sts.amazonaws.com", &u, e, sizeof e),
	    0);
	CHECK(u.tls && u.port == 443 && !u.numeric);
	CHECK_STR(u.path, "/");
	CHECK(cred_url_ecs_allowed(&u));        /* https: any host */
	CHECK_INT(cred_url_parse("http://[fd00:ec2::23]:8080?q", &u, e,
	    sizeof e), 0);
	CHECK(u.numeric && u.port == 8080 && u.addr.ss_family == AF_INET6);
	CHECK_STR(u.host, "fd00:ec2::23");
	CHECK_STR(u.path, "/?q");
	CHECK(cred_url_ecs_allowed(&u));
	CHECK_INT(cred_url_parse("http://localhost:9/c", &u, e, sizeof e), 0);
	CHECK(u.numeric && cred_url_ecs_allowed(&u));
	inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&u.addr)->sin_addr,
	    out, sizeof out);
	CHECK_STR(out, "127.0.0.1");
	CHECK_INT(cred_url_parse("http://127.9.9.9/c", &u, e, sizeof e), 0);
	CHECK(cred_url_ecs_allowed(&u));
	CHECK_INT(cred_url_parse("http://[::1]/c", &u, e, sizeof e), 0);
	CHECK(cred_url_ecs_allowed(&u));
	CHECK_INT(cred_url_parse("http://169.254.170.23/c", &u, e, sizeof e), 0);
	CHECK(cred_url_ecs_allowed(&u));
	CHECK_INT(cred_url_parse("http://192.0.2.1/c", &u, e, sizeof e), 0);
	CHECK(!cred_url_ecs_allowed(&u));
	CHECK_INT(cred_url_parse("http://evil.example/c", &u, e, sizeof e), 0);
	CHECK(!cred_url_ecs_allowed(&u));
	CHECK_INT(cred_url_parse("ftp://x/", &u, e, sizeof e), -1);
	CHECK_INT(cred_url_parse("http://u:p@127.0.0.1/", &u, e, sizeof e), -1);
	CHECK_STR(e, "user names in URLs are not supported");
	CHECK_INT(cred_url_parse("http://127.0.0.1:0/", &u, e, sizeof e), -1);
	CHECK_INT(cred_url_parse("http://127.0.0.1:65536/", &u, e, sizeof e),
	    -1);
	CHECK_INT(cred_url_parse("http://[::1/", &u, e, sizeof e), -1);
	CHECK_INT(cred_url_parse("http:///x", &u, e, sizeof e), -1);
}

UNIT_TEST(cred_form)
{
	char out[64];

	CHECK_INT(cred_form_escape(out, sizeof out, "arn:aws:iam::1:role/a b~"),
	    38);
	CHECK_STR(out, "arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b~");
	CHECK_INT(cred_form_escape(out, 4, "abcdef"), 6);
	CHECK_STR(out, "abc");
}

/* ---- the aws block of xfrsync.conf ---------------------------------------------------- */

static struct conf conf;

/* Load text as a configuration with mode; 0 or -1 (err). */
static int
load(const char *text, mode_t mode)
{
	char path[] = "/tmp/xfrsync-cred-XXXXXX";
	int fd = mkstemp(path), rc;
	size_t n = strlen(text);

	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fchmod(fd, mode) != 0)
		abort();
	close(fd);
	rc = conf_load(&conf, path, err, sizeof err);
	unlink(path);
	/* Messages start with the path: keep only what follows. */
	if (rc != 0 && strncmp(err, path, strlen(path)) == 0)
		memmove(err, err + strlen(path), strlen(err + strlen(path)) + 1);
	return rc;
}

UNIT_TEST(cred_conf_aws)
{
	CHECK_INT(load("listen 127.0.0.1\n", 0644), 0);
	CHECK_INT(conf.aws.line, 0);
	CHECK_INT(conf.aws.source, CRED_AUTO);
	CHECK_INT(conf.aws.have_keys, 0);
	conf_free(&conf);
	CHECK_INT(load("aws {\n credentials-source imds\n profile \"my p\"\n"
	    " ca-file \"/etc/ca.pem\"\n"
	    " test-endpoint imds \"http://127.0.0.1:8080\"\n"
	    " test-endpoint sts \"https://sts.test:8443/\" address ::1\n}\n",
	    0644), 0);
	CHECK_INT(conf.aws.line, 1);
	CHECK_INT(conf.aws.source, CRED_IMDS);
	CHECK_STR(conf.aws.profile, "my p");
	CHECK_STR(conf.aws.ca_file, "/etc/ca.pem");
	CHECK_STR(conf.aws.test_endpoint[CONF_EP_IMDS].url,
	    "http://127.0.0.1:8080");
	CHECK_STR(conf.aws.test_endpoint[CONF_EP_IMDS].addr, "");
	CHECK_STR(conf.aws.test_endpoint[CONF_EP_STS].addr, "::1");
	CHECK_STR(conf.aws.test_endpoint[CONF_EP_ECS].url, "");
	conf_free(&conf);
	if (!CFG_CRED_CONFIG)
		return;
	CHECK_INT(load("aws { access-key-id AKIDCONF; secret-access-key "
	    "\"conf/SECRET+x\"\n session-token \"part1\" \"part2\"\n"
	    " credentials-source config }\n", 0600), 0);
	CHECK_INT(conf.aws.have_keys, 1);
	CHECK_STR(conf.aws.keys.access_key_id, "AKIDCONF");
	CHECK_STR(conf.aws.keys.secret, "conf/SECRET+x");
	CHECK_STR(conf.aws.keys.token, "part1part2");
	CHECK_INT(conf.aws.keys.source, CRED_CONFIG);
	conf_free(&conf);
	/* conf_free wipes. */
	CHECK_STR(conf.aws.keys.secret, "");
	CHECK_STR(conf.aws.keys.token, "");
}

/* The Route53 side of the aws block: endpoint address, push policy. */
UNIT_TEST(conf_aws_route53_policy)
{
	CHECK_INT(load("aws { credentials-source env }\n", 0644), 0);
	CHECK_STR(conf.aws.endpoint, "https://route53.amazonaws.com");
	CHECK_STR(conf.aws.endpoint_addr, "");
	CHECK_INT(conf.aws.drift_check, 3600);
	CHECK_INT(conf.aws.apex_ns, 0);
	CHECK_INT(conf.aws.soa_serial, 1);
	conf_free(&conf);
	CHECK_INT(load("aws {\n endpoint \"https://r53.test:8443\" address "
	    "127.0.0.2\n drift-check 15m\n push-apex-ns yes; soa-serial no\n}"
	    "\n", 0644), 0);
	CHECK_STR(conf.aws.endpoint, "https://r53.test:8443");
	CHECK_STR(conf.aws.endpoint_addr, "127.0.0.2");
	CHECK_INT(conf.aws.drift_check, 900);
	CHECK_INT(conf.aws.apex_ns, 1);
	CHECK_INT(conf.aws.soa_serial, 0);
	conf_free(&conf);
	CHECK_INT(load("aws { drift-check off }\n", 0644), 0);
	CHECK_INT(conf.aws.drift_check, 0);
	conf_free(&conf);
	CHECK_INT(load("aws {\n drift-check 1y\n}\n", 0644), -1);
	CHECK(strstr(err, ":2: drift-check: bad value \"1y\"") != NULL);
	CHECK_INT(load("aws {\n push-apex-ns maybe\n}\n", 0644), -1);
	CHECK_STR(err, ":2: push-apex-ns: \"maybe\" is neither yes nor no");
	CHECK_INT(load("aws {\n endpoint \"https://r53.test\" address "
	    "r53.test\n}\n", 0644), -1);
	CHECK(strstr(err, ":2: address") != NULL);
	CHECK_INT(load("aws {\n soa-serial yes\n soa-serial no\n}\n", 0644),
	    -1);
	CHECK_STR(err, ":3: soa-serial given twice");
}

UNIT_TEST(cred_conf_aws_errors)
{
	static const struct {
		const char *text;
		mode_t mode;
		const char *msg;
	} bad[] = {
		{ "aws {\n secret-access-key \"seCRETvalue\"\n access-key-id A\n}\n",
		    0644, ":2: permissions 0644 are too open for a file holding "
		    "a secret (group or others can access it)" },
		{ "aws { access-key-id A }\n", 0600, ":1: aws: access-key-id "
		    "without secret-access-key" },
		{ "aws {\n secret-access-key seCRETvalue\n}\n", 0600, ":1: aws: "
		    "secret-access-key without access-key-id" },
		{ "aws { session-token seCRETtoken }\n", 0600, ":1: aws: "
		    "session-token without access-key-id" },
		{ "aws {\n secret-access-key seCRETvalue\n secret-access-key "
		    "seCRETvalue\n}\n", 0600, ":3: secret-access-key given twice" },
		{ "aws {\n secret-access-key \"seCRET value\"\n}\n", 0600, ":2: "
		    "secret-access-key: has a space, a control character or a "
		    "non-ASCII byte" },
		{ "aws {\n secret-access-key seCRETvalue seCRETmore\n}\n", 0600,
		    ":2: unexpected <not shown> after secret-access-key (a "
		    "statement ends at ; or a newline)" },
		{ "aws {\n session-token \"seCRET\" \"seCRET value\"\n}\n", 0600,
		    ":2: session-token: has a space, a control character or a "
		    "non-ASCII byte" },
		{ "aws { access-key-id \"AK/ID\" }\n", 0600, ":1: access-key-id: "
		    "not made of letters and digits" },
		{ "aws { credentials-source environment }\n", 0600, ":1: "
		    "credentials-source: unknown source \"environment\" (auto, "
		    "config, env, web-identity, profile, ecs or imds)" },
		{ "aws { credentials-source config }\n", 0600, ":1: aws: "
		    "credentials-source config without access-key-id and "
		    "secret-access-key" },
		{ "aws { bogus 1 }\n", 0600, ":1: unknown keyword \"bogus\" in "
		    "aws" },
		{ "aws { }\naws { }\n", 0600, ":2: aws given twice" },
		{ "aws { profile \"\" }\n", 0600, ":1: profile: empty or longer "
		    "than 127 bytes" },
		{ "aws { ca-file ca.pem }\n", 0600, ":1: ca-file: not an "
		    "absolute path" },
		{ "aws { test-endpoint s3 http://127.0.0.1/ }\n", 0600, ":1: "
		    "test-endpoint: \"s3\" is not imds, ecs or sts" },
		{ "aws { test-endpoint imds ftp://x/ }\n", 0600, ":1: "
		    "test-endpoint: not an http:// or https:// URL" },
		{ "aws { test-endpoint imds http://127.0.0.1/ address x }\n",
		    0600, ":1: address: bad address \"x\"" },
		{ "aws {\n profile x\n", 0600, ":1: aws: no closing }" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (!CFG_CRED_CONFIG && strstr(bad[i].text, "secret") != NULL)
			continue;
		CHECK_INT(load(bad[i].text, bad[i].mode), -1);
		CHECK_STR(err, bad[i].msg);
		CHECK(strstr(err, "seCRET") == NULL);
		CHECK_STR(conf.aws.keys.secret, "");
	}
}
