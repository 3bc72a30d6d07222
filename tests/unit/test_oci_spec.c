/* runsc/oci_spec: good configs parse into the right fields; bad ones give
 * one message naming the JSON path. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runsc/oci_spec.h"

/* A minimal valid config; %s is spliced in before the closing brace so
 * that cases can add top-level properties. */
#define MINIMAL_FMT                                                            \
	"{\"ociVersion\": \"1.0.2\","                                          \
	" \"process\": {\"args\": [\"sh\", \"-c\", \"echo hi\"],"              \
	"   \"env\": [\"PATH=/bin\", \"A=b=c\"], \"cwd\": \"/work\","          \
	"   \"user\": {\"uid\": 1000, \"gid\": 100, \"additionalGids\": [5, "  \
	"6]}},"                                                                \
	" \"root\": {\"path\": \"rootfs\", \"readonly\": true}%s}"

static char *minimal_with(const char *extra)
{
	char *s;

	if (asprintf(&s, MINIMAL_FMT, extra) < 0)
		abort();
	return s;
}

static void expect_error(const char *text, const char *want)
{
	struct oci_spec *s = NULL;
	struct rerr e = {{0}};

	if (oci_spec_parse(text, strlen(text), &s, &e) == 0) {
		oci_spec_free(s);
		fail_msg("parsed, but wanted the error: %s\n  config: %s", want,
			 text);
	}
	assert_null(s);
	if (strcmp(e.msg, want))
		fail_msg("got:  %s\nwant: %s", e.msg, want);
}

static void expect_error_with(const char *extra, const char *want)
{
	char *text = minimal_with(extra);

	expect_error(text, want);
	free(text);
}

static struct oci_spec *parse_ok(const char *text)
{
	struct oci_spec *s = NULL;
	struct rerr e = {{0}};

	if (oci_spec_parse(text, strlen(text), &s, &e) < 0)
		fail_msg("unexpected error: %s\n  config: %s", e.msg, text);
	assert_non_null(s);
	return s;
}

static void test_minimal(void **state)
{
	char *text = minimal_with("");
	struct oci_spec *s = parse_ok(text);

	assert_string_equal(s->oci_version, "1.0.2");
	assert_int_equal(s->process.n_args, 3);
	assert_string_equal(s->process.args[2], "echo hi");
	assert_null(s->process.args[3]);
	assert_int_equal(s->process.n_env, 2);
	assert_string_equal(s->process.env[1], "A=b=c");
	assert_null(s->process.env[2]);
	assert_string_equal(s->process.cwd, "/work");
	assert_int_equal(s->process.uid, 1000);
	assert_int_equal(s->process.gid, 100);
	assert_int_equal(s->process.n_additional_gids, 2);
	assert_int_equal(s->process.additional_gids[1], 6);
	assert_false(s->process.terminal);
	assert_string_equal(s->root.path, "rootfs");
	assert_true(s->root.readonly);
	assert_null(s->hostname);
	assert_int_equal(s->n_mounts, 0);
	assert_int_equal(s->lnx.n_namespaces, 0);
	assert_non_null(s->lnx.masked_paths);
	oci_spec_free(s);
	free(text);
}

static void test_default_spec_parses(void **state)
{
	struct oci_spec *s = parse_ok(oci_spec_default());

	assert_true(s->process.terminal);
	assert_string_equal(s->process.args[0], "sh");
	assert_string_equal(s->hostname, "runsc");
	assert_int_equal(s->n_mounts, 7);
	assert_string_equal(s->mounts[2].destination, "/dev/pts");
	assert_string_equal(s->mounts[2].type, "devpts");
	assert_int_equal(s->mounts[2].n_options, 6);
	assert_int_equal(s->lnx.n_namespaces, 6);
	assert_true(oci_spec_has_namespace(s, OCI_NS_NETWORK));
	assert_false(oci_spec_has_namespace(s, OCI_NS_USER));
	assert_int_equal(s->process.n_rlimits, 1);
	assert_int_equal(s->process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(s->process.rlimits[0].soft, 1024);
	assert_true(s->process.no_new_privileges);
	assert_int_equal(s->process.caps[OCI_CAP_BOUNDING],
			 (1ull << 29) | (1ull << 5) | (1ull << 10));
	assert_int_equal(s->lnx.n_masked_paths, 10);
	assert_int_equal(s->lnx.n_readonly_paths, 5);
	oci_spec_free(s);
}

static void test_full(void **state)
{
	char *text = minimal_with(
	    ", \"hostname\": \"box\", \"domainname\": \"example\","
	    " \"annotations\": {\"a\": \"1\", \"b\": \"2\"},"
	    " \"mounts\": [{\"destination\": \"/data\", \"type\": \"bind\","
	    "   \"source\": \"/srv\", \"options\": [\"rbind\", \"ro\"]}],"
	    " \"hooks\": {\"poststop\": [{\"path\": \"/bin/true\","
	    "   \"args\": [\"true\"], \"timeout\": 5}]},"
	    " \"linux\": {\"namespaces\": [{\"type\": \"pid\"},"
	    "   {\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}],"
	    "   \"resources\": {\"memory\": {\"limit\": 1048576},"
	    "     \"pids\": {\"limit\": 10}, \"cpu\": {\"shares\": 512,"
	    "     \"quota\": 50000, \"period\": 100000, \"cpus\": \"0-1\"},"
	    "     \"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
	    "   \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"},"
	    "   \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"},"
	    "   \"cgroupsPath\": \"/runsc/x\","
	    "   \"maskedPaths\": [\"/proc/kcore\"],"
	    "   \"readonlyPaths\": [\"/proc/sys\"]}");
	struct oci_spec *s = parse_ok(text);

	assert_string_equal(s->hostname, "box");
	assert_string_equal(s->domainname, "example");
	assert_int_equal(s->n_annotations, 2);
	assert_string_equal(s->annotations[1].key, "b");
	assert_string_equal(s->annotations[1].value, "2");
	assert_int_equal(s->n_mounts, 1);
	assert_string_equal(s->mounts[0].source, "/srv");
	assert_string_equal(s->mounts[0].options[1], "ro");
	assert_int_equal(s->hooks[OCI_HOOK_POSTSTOP].n, 1);
	assert_int_equal(s->hooks[OCI_HOOK_POSTSTOP].v[0].timeout, 5);
	assert_string_equal(s->hooks[OCI_HOOK_POSTSTOP].v[0].args[0], "true");
	assert_int_equal(s->hooks[OCI_HOOK_PRESTART].n, 0);
	assert_int_equal(s->lnx.n_namespaces, 2);
	assert_int_equal(s->lnx.namespaces[1].type, OCI_NS_NETWORK);
	assert_string_equal(s->lnx.namespaces[1].path, "/proc/1/ns/net");
	assert_null(s->lnx.namespaces[0].path);
	assert_true(s->lnx.resources.has_memory_limit);
	assert_int_equal(s->lnx.resources.memory_limit, 1048576);
	assert_int_equal(s->lnx.resources.pids_limit, 10);
	assert_int_equal(s->lnx.resources.cpu_shares, 512);
	assert_int_equal(s->lnx.resources.cpu_quota, 50000);
	assert_string_equal(s->lnx.resources.cpus, "0-1");
	assert_int_equal(s->lnx.n_sysctl, 1);
	assert_string_equal(s->lnx.sysctl[0].key, "net.ipv4.ip_forward");
	assert_string_equal(s->lnx.cgroups_path, "/runsc/x");
	assert_string_equal(s->lnx.masked_paths[0], "/proc/kcore");
	oci_spec_free(s);
	free(text);
}

/* null is absence (as runc reads it); trailing white space is fine. */
static void test_null_and_whitespace(void **state)
{
	char *text = minimal_with(", \"hostname\": null, \"linux\": null  ");
	char *padded;
	struct oci_spec *s = parse_ok(text);

	assert_null(s->hostname);
	oci_spec_free(s);
	if (asprintf(&padded, "%s\n\n", text) < 0)
		abort();
	s = parse_ok(padded);
	oci_spec_free(s);
	free(padded);
	free(text);
}

static void test_invalid_json(void **state)
{
	expect_error("", "config.json: invalid JSON: unexpected end of file");
	expect_error("{\"ociVersion\": ",
		     "config.json: invalid JSON: unexpected end of file");
	expect_error("{\n  \"a\": tru }",
		     "config.json: invalid JSON at line 2, column 11: "
		     "boolean expected");
	expect_error("[1]", "config.json: must be a JSON object");
	expect_error("{} {}", "config.json: invalid JSON at line 1, column 4: "
			      "unexpected character");
}

static void test_required(void **state)
{
	expect_error("{}", "config.json: ociVersion: missing (required)");
	expect_error("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}}",
		     "config.json: process: missing (required)");
	expect_error("{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": "
		     "[\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
		     "\"gid\": 0}}}",
		     "config.json: root: missing (required)");
	expect_error("{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": "
		     "[\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
		     "\"gid\": 0}}, \"root\": {\"readonly\": true}}",
		     "config.json: root.path: missing (required)");
	expect_error("{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": "
		     "[\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
		     "\"gid\": 0}}, \"root\": {\"path\": \"\"}}",
		     "config.json: root.path: must not be empty");
	expect_error("{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": "
		     "[\"sh\"], \"user\": {\"uid\": 0, \"gid\": 0}},"
		     " \"root\": {\"path\": \"r\"}}",
		     "config.json: process.cwd: missing (required)");
}

static void test_process_errors(void **state)
{
	static const char *head = "{\"ociVersion\": \"1.0.0\", "
				  "\"root\": {\"path\": \"r\"}, \"process\": ";
	static const struct {
		const char *process, *want;
	} cases[] = {
	    {"{\"args\": [], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}}",
	     "config.json: process.args: must be a non-empty array"},
	    {"{\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}}",
	     "config.json: process.args: must be a non-empty array"},
	    {"{\"args\": \"sh\", \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}}",
	     "config.json: process.args: must be an array"},
	    {"{\"args\": [\"sh\", 1], \"cwd\": \"/\", \"user\": {\"uid\": "
	     "0, \"gid\": 0}}",
	     "config.json: process.args[1]: must be a string"},
	    {"{\"args\": [\"\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}}",
	     "config.json: process.args[0]: must not be empty"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"work\", \"user\": {\"uid\": "
	     "0, \"gid\": 0}}",
	     "config.json: process.cwd: must be an absolute path, not "
	     "\"work\""},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"env\": [\"A=1\", "
	     "\"B\"], \"user\": {\"uid\": 0, \"gid\": 0}}",
	     "config.json: process.env[1]: \"B\" is not NAME=VALUE"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": -1, "
	     "\"gid\": 0}}",
	     "config.json: process.user.uid: must be an integer from 0 to "
	     "4294967295"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": "
	     "4294967296, \"gid\": 0}}",
	     "config.json: process.user.uid: must be an integer from 0 to "
	     "4294967295"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 1.5, "
	     "\"gid\": 0}}",
	     "config.json: process.user.uid: must be an integer from 0 to "
	     "4294967295"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0}}",
	     "config.json: process.user.gid: missing (required)"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"terminal\": \"yes\", "
	     "\"user\": {\"uid\": 0, \"gid\": 0}}",
	     "config.json: process.terminal: must be a boolean"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}, \"rlimits\": [{\"type\": \"RLIMIT_FOO\", "
	     "\"soft\": 1, \"hard\": 1}]}",
	     "config.json: process.rlimits[0].type: unknown resource "
	     "\"RLIMIT_FOO\""},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}, \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", "
	     "\"soft\": 1, \"hard\": 1}, {\"type\": \"RLIMIT_NOFILE\", "
	     "\"soft\": 1, \"hard\": 1}]}",
	     "config.json: process.rlimits[1].type: \"RLIMIT_NOFILE\" is "
	     "given twice"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}, \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", "
	     "\"soft\": 2, \"hard\": 1}]}",
	     "config.json: process.rlimits[0]: soft limit above the hard "
	     "limit"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}, \"capabilities\": {\"bounding\": "
	     "[\"CAP_KILL\", \"CAP_FLY\"]}}",
	     "config.json: process.capabilities.bounding[1]: unknown "
	     "capability \"CAP_FLY\""},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
	     "\"gid\": 0}, \"color\": \"blue\"}",
	     "config.json: process.color: unknown property"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text;

		if (asprintf(&text, "%s%s}", head, cases[i].process) < 0)
			abort();
		expect_error(text, cases[i].want);
		free(text);
	}
}

static void test_other_errors(void **state)
{
	expect_error_with(", \"colour\": 1",
			  "config.json: colour: unknown property");
	expect_error_with(", \"linux\": {\"namespaces\": [{\"type\": "
			  "\"pid\"}, {\"type\": \"foo\"}]}",
			  "config.json: linux.namespaces[1].type: unknown "
			  "namespace type \"foo\"");
	expect_error_with(", \"linux\": {\"namespaces\": [{\"type\": "
			  "\"pid\"}, {\"type\": \"pid\"}]}",
			  "config.json: linux.namespaces[1].type: namespace "
			  "\"pid\" is given twice");
	expect_error_with(", \"linux\": {\"namespaces\": [{\"path\": "
			  "\"/x\"}]}",
			  "config.json: linux.namespaces[0].type: missing "
			  "(required)");
	expect_error_with(", \"linux\": {\"resources\": {\"memory\": "
			  "{\"limit\": \"1G\"}}}",
			  "config.json: linux.resources.memory.limit: must be "
			  "an integer");
	expect_error_with(", \"linux\": {\"resources\": {\"memory\": "
			  "{\"limit\": 0}}}",
			  "config.json: linux.resources.memory.limit: must be "
			  "a positive number of bytes or -1");
	expect_error_with(", \"linux\": {\"sysctl\": {\"a\": 1}}",
			  "config.json: linux.sysctl.a: must be a string");
	expect_error_with(", \"linux\": {\"maskedPaths\": [\"proc\"]}",
			  "config.json: linux.maskedPaths[0]: must be an "
			  "absolute path");
	expect_error_with(", \"mounts\": [{\"destination\": \"data\"}]",
			  "config.json: mounts[0].destination: must be an "
			  "absolute path, not \"data\"");
	expect_error_with(", \"mounts\": [{\"type\": \"tmpfs\"}]",
			  "config.json: mounts[0].destination: missing "
			  "(required)");
	expect_error_with(", \"mounts\": [null]",
			  "config.json: mounts[0]: must be an object, not "
			  "null");
	expect_error_with(", \"hooks\": {\"prestart\": [{\"path\": \"x\"}]}",
			  "config.json: hooks.prestart[0].path: must be an "
			  "absolute path, not \"x\"");
	expect_error_with(", \"hooks\": {\"onstart\": []}",
			  "config.json: hooks.onstart: unknown property");
	expect_error_with(", \"hooks\": {\"poststart\": [{\"path\": \"/x\", "
			  "\"timeout\": 0}]}",
			  "config.json: hooks.poststart[0].timeout: must be "
			  "from 1 to 86400 seconds");
	expect_error_with(", \"annotations\": {\"a\": true}",
			  "config.json: annotations.a: must be a string");
	expect_error_with(", \"hostname\": 7",
			  "config.json: hostname: must be a string");
	expect_error("{\"ociVersion\": \"2.0.0\"}",
		     "config.json: process: missing (required)");
	expect_error("{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"r\"},"
		     " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\","
		     " \"user\": {\"uid\": 0, \"gid\": 0}}}",
		     "config.json: ociVersion: unsupported version \"2.0.0\" "
		     "(want 1.x)");
}

static void test_load(void **state)
{
	char dir[] = "/tmp/test_oci_spec.XXXXXX", path[64], want[256];
	struct oci_spec *s = NULL;
	struct rerr e = {{0}};
	char *text = minimal_with("");
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(oci_spec_load(dir, &s, &e), -1);
	snprintf(want, sizeof(want),
		 "config.json: cannot read %s/config.json: No such file or "
		 "directory",
		 dir);
	assert_string_equal(e.msg, want);

	snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(oci_spec_load(dir, &s, &e), -1);
	snprintf(want, sizeof(want),
		 "config.json: cannot read %s/config.json: Is a directory",
		 dir);
	assert_string_equal(e.msg, want);
	assert_int_equal(rmdir(path), 0);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(oci_spec_load(dir, &s, &e), 0);
	assert_string_equal(s->process.cwd, "/work");
	oci_spec_free(s);

	unlink(path);
	rmdir(dir);
	free(text);
}

static void test_error_wrap(void **state)
{
	struct rerr e;

	assert_int_equal(rerr_set(&e, 2, "open %s", "x"), -1);
	assert_string_equal(e.msg, "open x: No such file or directory");
	assert_int_equal(rerr_wrap(&e, "create %s: ", "id"), -1);
	assert_string_equal(e.msg, "create id: open x: No such file or "
				   "directory");
}

static void test_caps(void **state)
{
	assert_int_equal(oci_cap_from_name("CAP_CHOWN"), 0);
	assert_int_equal(oci_cap_from_name("CAP_SYS_ADMIN"), 21);
	assert_int_equal(oci_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	assert_int_equal(oci_cap_from_name("CHOWN"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal),
	    cmocka_unit_test(test_default_spec_parses),
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_null_and_whitespace),
	    cmocka_unit_test(test_invalid_json),
	    cmocka_unit_test(test_required),
	    cmocka_unit_test(test_process_errors),
	    cmocka_unit_test(test_other_errors),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_error_wrap),
	    cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
