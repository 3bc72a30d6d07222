/* config.json in two passes: a schema walk checks that every property is
 * known and of the right JSON type (so that the messages name the path in
 * one place), then extraction reads the now well-typed tree and checks
 * what the types cannot say (non-empty, absolute, known names). */
#define _GNU_SOURCE
#include "runsc/oci_spec.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG "config.json"

const char *const oci_hook_names[OCI_HOOK_KINDS] = {
    [OCI_HOOK_PRESTART] = "prestart",
    [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
    [OCI_HOOK_CREATE_CONTAINER] = "createContainer",
    [OCI_HOOK_START_CONTAINER] = "startContainer",
    [OCI_HOOK_POSTSTART] = "poststart",
    [OCI_HOOK_POSTSTOP] = "poststop",
};

const char *const oci_ns_names[OCI_NS_TYPES] = {
    [OCI_NS_PID] = "pid",	[OCI_NS_NETWORK] = "network",
    [OCI_NS_MOUNT] = "mount",	[OCI_NS_IPC] = "ipc",
    [OCI_NS_UTS] = "uts",	[OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int oci_cap_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (!strcmp(name, cap_names[i]))
			return (int)i;
	return -1;
}

char *oci_caps_arg(const uint64_t caps[OCI_CAP_SETS])
{
	char *buf;

	if (asprintf(&buf, "%llx:%llx:%llx:%llx:%llx",
		     (unsigned long long)caps[OCI_CAP_BOUNDING],
		     (unsigned long long)caps[OCI_CAP_EFFECTIVE],
		     (unsigned long long)caps[OCI_CAP_INHERITABLE],
		     (unsigned long long)caps[OCI_CAP_PERMITTED],
		     (unsigned long long)caps[OCI_CAP_AMBIENT]) < 0)
		abort();
	return buf;
}

/* ------------------------------------------------------------------ */
/* The schema: every property of runtime-spec 1.2 and its JSON type. */

enum kind {
	K_STRING,
	K_BOOL,
	K_INT,	  /* any integer that fits int64 */
	K_UINT32, /* 0 .. UINT32_MAX */
	K_UINT64, /* 0 .. UINT64_MAX */
	K_OBJECT, /* with the properties in .fields */
	K_ARRAY,  /* of .elem (objects: .fields) */
	K_STRMAP, /* an object of strings, any keys */
	K_ANY,	  /* opaque: not implemented, accepted as is */
};

struct field {
	const char *name;
	enum kind kind;
	bool required;
	enum kind elem;
	const struct field *fields;
};

#define F(n, k)                                                                \
	{                                                                      \
		.name = n, .kind = k                                           \
	}
#define REQ(n, k)                                                              \
	{                                                                      \
		.name = n, .kind = k, .required = true                         \
	}
#define OBJ(n, f)                                                              \
	{                                                                      \
		.name = n, .kind = K_OBJECT, .fields = f                       \
	}
#define ARR(n, e)                                                              \
	{                                                                      \
		.name = n, .kind = K_ARRAY, .elem = e                          \
	}
#define ARR_OBJ(n, f)                                                          \
	{                                                                      \
		.name = n, .kind = K_ARRAY, .elem = K_OBJECT, .fields = f      \
	}
#define END                                                                    \
	{                                                                      \
		0                                                              \
	}

static const struct field s_console_size[] = {REQ("height", K_UINT32),
					      REQ("width", K_UINT32), END};
static const struct field s_rlimit[] = {
    REQ("type", K_STRING), REQ("soft", K_UINT64), REQ("hard", K_UINT64), END};
static const struct field s_caps[] = {
    ARR("bounding", K_STRING),	  ARR("effective", K_STRING),
    ARR("inheritable", K_STRING), ARR("permitted", K_STRING),
    ARR("ambient", K_STRING),	  END};
static const struct field s_user[] = {
    REQ("uid", K_UINT32),    REQ("gid", K_UINT32),
    F("umask", K_UINT32),    ARR("additionalGids", K_UINT32),
    F("username", K_STRING), END};
static const struct field s_scheduler[] = {
    REQ("policy", K_STRING), F("nice", K_INT),
    F("priority", K_INT),    ARR("flags", K_STRING),
    F("runtime", K_UINT64),  F("deadline", K_UINT64),
    F("period", K_UINT64),   END};
static const struct field s_io_priority[] = {REQ("class", K_STRING),
					     F("priority", K_INT), END};
static const struct field s_cpu_affinity[] = {F("initial", K_STRING),
					      F("final", K_STRING), END};
static const struct field s_process[] = {
    F("terminal", K_BOOL),
    OBJ("consoleSize", s_console_size),
    REQ("cwd", K_STRING),
    ARR("env", K_STRING),
    ARR("args", K_STRING),
    F("commandLine", K_STRING),
    ARR_OBJ("rlimits", s_rlimit),
    F("apparmorProfile", K_STRING),
    OBJ("capabilities", s_caps),
    F("noNewPrivileges", K_BOOL),
    F("oomScoreAdj", K_INT),
    OBJ("scheduler", s_scheduler),
    F("selinuxLabel", K_STRING),
    OBJ("ioPriority", s_io_priority),
    OBJ("execCPUAffinity", s_cpu_affinity),
    {.name = "user", .kind = K_OBJECT, .required = true, .fields = s_user},
    END};
static const struct field s_root[] = {REQ("path", K_STRING),
				      F("readonly", K_BOOL), END};
static const struct field s_idmap[] = {REQ("containerID", K_UINT32),
				       REQ("hostID", K_UINT32),
				       REQ("size", K_UINT32), END};
static const struct field s_mount[] = {REQ("destination", K_STRING),
				       F("type", K_STRING),
				       F("source", K_STRING),
				       ARR("options", K_STRING),
				       ARR_OBJ("uidMappings", s_idmap),
				       ARR_OBJ("gidMappings", s_idmap),
				       END};
static const struct field s_hook[] = {
    REQ("path", K_STRING), ARR("args", K_STRING), ARR("env", K_STRING),
    F("timeout", K_INT), END};
static const struct field s_hooks[] = {ARR_OBJ("prestart", s_hook),
				       ARR_OBJ("createRuntime", s_hook),
				       ARR_OBJ("createContainer", s_hook),
				       ARR_OBJ("startContainer", s_hook),
				       ARR_OBJ("poststart", s_hook),
				       ARR_OBJ("poststop", s_hook),
				       END};
static const struct field s_namespace[] = {REQ("type", K_STRING),
					   F("path", K_STRING), END};
static const struct field s_device[] = {
    REQ("type", K_STRING),   REQ("path", K_STRING),
    F("major", K_INT),	     F("minor", K_INT),
    F("fileMode", K_UINT32), F("uid", K_UINT32),
    F("gid", K_UINT32),	     END};
static const struct field s_dev_cgroup[] = {
    REQ("allow", K_BOOL), F("type", K_STRING),	 F("major", K_INT),
    F("minor", K_INT),	  F("access", K_STRING), END};
static const struct field s_memory[] = {F("limit", K_INT),
					F("reservation", K_INT),
					F("swap", K_INT),
					F("kernel", K_INT),
					F("kernelTCP", K_INT),
					F("swappiness", K_UINT64),
					F("disableOOMKiller", K_BOOL),
					F("useHierarchy", K_BOOL),
					F("checkBeforeUpdate", K_BOOL),
					END};
static const struct field s_cpu[] = {F("shares", K_UINT64),
				     F("quota", K_INT),
				     F("burst", K_UINT64),
				     F("period", K_UINT64),
				     F("realtimeRuntime", K_INT),
				     F("realtimePeriod", K_UINT64),
				     F("cpus", K_STRING),
				     F("mems", K_STRING),
				     F("idle", K_INT),
				     END};
static const struct field s_pids[] = {REQ("limit", K_INT), END};
static const struct field s_resources[] = {ARR_OBJ("devices", s_dev_cgroup),
					   OBJ("memory", s_memory),
					   OBJ("cpu", s_cpu),
					   OBJ("pids", s_pids),
					   F("blockIO", K_ANY),
					   F("hugepageLimits", K_ANY),
					   F("network", K_ANY),
					   F("rdma", K_ANY),
					   F("unified", K_STRMAP),
					   END};
static const struct field s_linux[] = {ARR_OBJ("namespaces", s_namespace),
				       ARR_OBJ("uidMappings", s_idmap),
				       ARR_OBJ("gidMappings", s_idmap),
				       F("timeOffsets", K_ANY),
				       ARR_OBJ("devices", s_device),
				       F("cgroupsPath", K_STRING),
				       OBJ("resources", s_resources),
				       F("rootfsPropagation", K_STRING),
				       F("seccomp", K_ANY),
				       F("sysctl", K_STRMAP),
				       ARR("maskedPaths", K_STRING),
				       ARR("readonlyPaths", K_STRING),
				       F("mountLabel", K_STRING),
				       F("intelRdt", K_ANY),
				       F("personality", K_ANY),
				       F("memoryPolicy", K_ANY),
				       END};
static const struct field s_top[] = {
    REQ("ociVersion", K_STRING),
    {.name = "process",
     .kind = K_OBJECT,
     .required = true,
     .fields = s_process},
    {.name = "root", .kind = K_OBJECT, .required = true, .fields = s_root},
    F("hostname", K_STRING),
    F("domainname", K_STRING),
    ARR_OBJ("mounts", s_mount),
    OBJ("hooks", s_hooks),
    F("annotations", K_STRMAP),
    OBJ("linux", s_linux),
    F("solaris", K_ANY),
    F("windows", K_ANY),
    F("vm", K_ANY),
    F("zos", K_ANY),
    END};

static int bad(struct rerr *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct rerr *e, const char *path, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (*path)
		return rerr_set(e, 0, CONFIG ": %s: %s", path, what);
	return rerr_set(e, 0, CONFIG ": %s", what);
}

static const char *kind_name(enum kind k)
{
	switch (k) {
	case K_STRING:
		return "a string";
	case K_BOOL:
		return "a boolean";
	case K_INT:
		return "an integer";
	case K_UINT32:
		return "an integer from 0 to 4294967295";
	case K_UINT64:
		return "a non-negative integer";
	case K_OBJECT:
	case K_STRMAP:
		return "an object";
	case K_ARRAY:
		return "an array";
	case K_ANY:
		break;
	}
	return "a value";
}

/* Is v, already known to be a JSON integer, within 0..max? json-c keeps
 * integers above INT64_MAX as unsigned, below 0 as signed. */
static bool int_in_unsigned_range(struct json_object *v, uint64_t max)
{
	if (json_object_get_int64(v) < 0)
		return false;
	return json_object_get_uint64(v) <= max;
}

static int check_value(struct json_object *v, enum kind k, enum kind elem,
		       const struct field *fields, const char *path,
		       struct rerr *e);

static int check_object(struct json_object *obj, const struct field *fields,
			const char *path, struct rerr *e)
{
	char sub[1024];

	json_object_object_foreach(obj, key, val)
	{
		const struct field *f;

		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "",
			 key);
		for (f = fields; f->name; f++)
			if (!strcmp(f->name, key))
				break;
		if (!f->name)
			return bad(e, sub, "unknown property");
		/* null is absence, as Go's encoding/json (runc) reads it. */
		if (!val)
			continue;
		if (check_value(val, f->kind, f->elem, f->fields, sub, e) < 0)
			return -1;
	}
	for (const struct field *f = fields; f->name; f++) {
		if (f->required && !json_object_object_get(obj, f->name)) {
			snprintf(sub, sizeof(sub), "%s%s%s", path,
				 *path ? "." : "", f->name);
			return bad(e, sub, "missing (required)");
		}
	}
	return 0;
}

static int check_value(struct json_object *v, enum kind k, enum kind elem,
		       const struct field *fields, const char *path,
		       struct rerr *e)
{
	enum json_type t = json_object_get_type(v);
	char sub[1024];

	switch (k) {
	case K_STRING:
		if (t != json_type_string)
			break;
		if (strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v))
			return bad(e, path, "must not contain a NUL byte");
		return 0;
	case K_BOOL:
		if (t != json_type_boolean)
			break;
		return 0;
	case K_INT:
		if (t != json_type_int)
			break;
		if (json_object_get_int64(v) == INT64_MAX &&
		    json_object_get_uint64(v) > INT64_MAX)
			return bad(e, path, "out of range");
		return 0;
	case K_UINT32:
	case K_UINT64:
		if (t != json_type_int)
			break;
		if (!int_in_unsigned_range(v, k == K_UINT32 ? UINT32_MAX
							    : UINT64_MAX))
			return bad(e, path, "must be %s", kind_name(k));
		return 0;
	case K_OBJECT:
		if (t != json_type_object)
			break;
		return check_object(v, fields, path, e);
	case K_STRMAP:
		if (t != json_type_object)
			break;
		json_object_object_foreach(v, key, val)
		{
			snprintf(sub, sizeof(sub), "%s.%s", path, key);
			if (!val ||
			    json_object_get_type(val) != json_type_string)
				return bad(e, sub, "must be a string");
		}
		return 0;
	case K_ARRAY:
		if (t != json_type_array)
			break;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *x = json_object_array_get_idx(v, i);

			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (!x)
				return bad(e, sub, "must be %s, not null",
					   kind_name(elem));
			if (check_value(x, elem, K_ANY, fields, sub, e) < 0)
				return -1;
		}
		return 0;
	case K_ANY:
		return 0;
	}
	return bad(e, path, "must be %s", kind_name(k));
}

/* ------------------------------------------------------------------ */
/* Extraction from the checked tree. */

/* The member at a dotted path ("linux.resources.memory"), NULL when absent
 * or null. */
static struct json_object *get(struct json_object *obj, const char *path)
{
	char name[128];

	while (obj && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(name) ||
		    json_object_get_type(obj) != json_type_object)
			return NULL;
		memcpy(name, path, n);
		name[n] = 0;
		obj = json_object_object_get(obj, name);
		path += n + (dot ? 1 : 0);
	}
	return obj;
}

static char *dup_str(struct json_object *obj, const char *path)
{
	struct json_object *v = get(obj, path);

	return v ? strdup(json_object_get_string(v)) : NULL;
}

static bool get_bool(struct json_object *obj, const char *path)
{
	struct json_object *v = get(obj, path);

	return v && json_object_get_boolean(v);
}

/* A NULL-terminated copy of a checked array of strings (absent: empty). */
static char **dup_strv(struct json_object *arr, size_t *n_out)
{
	size_t n = arr ? json_object_array_length(arr) : 0;
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		abort();
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(
		    json_object_get_string(json_object_array_get_idx(arr, i)));
		if (!v[i])
			abort();
	}
	if (n_out)
		*n_out = n;
	return v;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int parse_process(struct oci_spec *s, struct rerr *e)
{
	struct json_object *p = get(s->json, "process"), *v;

	s->process.terminal = get_bool(p, "terminal");
	if ((v = get(p, "consoleSize"))) {
		s->process.has_console_size = true;
		s->process.console_height =
		    json_object_get_int64(get(v, "height"));
		s->process.console_width =
		    json_object_get_int64(get(v, "width"));
	}

	v = get(p, "args");
	if (!v || json_object_array_length(v) == 0)
		return bad(e, "process.args", "must be a non-empty array");
	s->process.args = dup_strv(v, &s->process.n_args);
	if (!*s->process.args[0])
		return bad(e, "process.args[0]", "must not be empty");

	s->process.env = dup_strv(get(p, "env"), &s->process.n_env);
	for (size_t i = 0; i < s->process.n_env; i++) {
		const char *kv = s->process.env[i];
		char path[64];

		if (!strchr(kv, '=') || kv[0] == '=') {
			snprintf(path, sizeof(path), "process.env[%zu]", i);
			return bad(e, path, "\"%s\" is not NAME=VALUE", kv);
		}
	}

	s->process.cwd = dup_str(p, "cwd");
	if (s->process.cwd[0] != '/')
		return bad(e, "process.cwd",
			   "must be an absolute path, not \"%s\"",
			   s->process.cwd);

	s->process.uid = json_object_get_int64(get(p, "user.uid"));
	s->process.gid = json_object_get_int64(get(p, "user.gid"));
	if ((v = get(p, "user.umask"))) {
		s->process.has_umask = true;
		s->process.umask = json_object_get_int64(v);
	}
	if ((v = get(p, "user.additionalGids"))) {
		size_t n = json_object_array_length(v);

		s->process.additional_gids =
		    calloc(n ? n : 1, sizeof(uint32_t));
		if (!s->process.additional_gids)
			abort();
		for (size_t i = 0; i < n; i++)
			s->process.additional_gids[i] = json_object_get_int64(
			    json_object_array_get_idx(v, i));
		s->process.n_additional_gids = n;
	}

	if ((v = get(p, "rlimits"))) {
		size_t n = json_object_array_length(v);

		s->process.rlimits =
		    calloc(n ? n : 1, sizeof(struct oci_rlimit));
		if (!s->process.rlimits)
			abort();
		for (size_t i = 0; i < n; i++) {
			struct json_object *r = json_object_array_get_idx(v, i);
			struct oci_rlimit *rl = &s->process.rlimits[i];
			char path[64];
			size_t k;

			snprintf(path, sizeof(path),
				 "process.rlimits[%zu].type", i);
			rl->type = dup_str(r, "type");
			rl->soft = json_object_get_uint64(get(r, "soft"));
			rl->hard = json_object_get_uint64(get(r, "hard"));
			s->process.n_rlimits = i + 1;
			for (k = 0;
			     k < sizeof(rlimit_names) / sizeof(rlimit_names[0]);
			     k++)
				if (!strcmp(rl->type, rlimit_names[k].name))
					break;
			if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
				return bad(e, path, "unknown resource \"%s\"",
					   rl->type);
			rl->resource = rlimit_names[k].resource;
			for (size_t j = 0; j < i; j++)
				if (s->process.rlimits[j].resource ==
				    rl->resource)
					return bad(e, path,
						   "\"%s\" is given twice",
						   rl->type);
			if (rl->soft > rl->hard) {
				path[strlen(path) - 5] = 0; /* drop ".type" */
				return bad(e, path,
					   "soft limit above the hard limit");
			}
		}
	}

	s->process.no_new_privileges = get_bool(p, "noNewPrivileges");
	s->process.has_caps = get(p, "capabilities") != NULL;
	return oci_caps_parse(get(p, "capabilities"), s->process.caps,
			      CONFIG ": process.", e);
}

int oci_caps_parse(struct json_object *caps, uint64_t out[OCI_CAP_SETS],
		   const char *where, struct rerr *e)
{
	static const char *const names[OCI_CAP_SETS] = {
	    "bounding", "effective", "inheritable", "permitted", "ambient"};

	memset(out, 0, OCI_CAP_SETS * sizeof(out[0]));
	if (caps && !json_object_is_type(caps, json_type_object))
		return rerr_set(e, 0, "%scapabilities: must be an object",
				where);
	for (int set = 0; caps && set < OCI_CAP_SETS; set++) {
		struct json_object *v = get(caps, names[set]);

		if (v && !json_object_is_type(v, json_type_array))
			return rerr_set(e, 0,
					"%scapabilities.%s: must be an array",
					where, names[set]);
		for (size_t i = 0; v && i < json_object_array_length(v); i++) {
			struct json_object *n = json_object_array_get_idx(v, i);
			const char *name = json_object_get_string(n);
			int cap = json_object_is_type(n, json_type_string)
				      ? oci_cap_from_name(name)
				      : -1;

			if (cap < 0)
				return rerr_set(
				    e, 0,
				    "%scapabilities.%s[%zu]: unknown "
				    "capability \"%s\"",
				    where, names[set], i, name);
			out[set] |= 1ull << cap;
		}
	}
	return 0;
}

static int parse_mounts(struct oci_spec *s, struct rerr *e)
{
	struct json_object *arr = get(s->json, "mounts");
	size_t n = arr ? json_object_array_length(arr) : 0;

	s->mounts = calloc(n ? n : 1, sizeof(*s->mounts));
	if (!s->mounts)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(arr, i);
		struct oci_mount *om = &s->mounts[i];
		char path[64];

		s->n_mounts = i + 1;
		om->destination = dup_str(m, "destination");
		om->type = dup_str(m, "type");
		om->source = dup_str(m, "source");
		om->options = dup_strv(get(m, "options"), &om->n_options);
		snprintf(path, sizeof(path), "mounts[%zu].destination", i);
		if (om->destination[0] != '/')
			return bad(e, path,
				   "must be an absolute path, not \"%s\"",
				   om->destination);
	}
	return 0;
}

static int parse_hooks(struct oci_spec *s, struct rerr *e)
{
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		char key[64];
		struct json_object *arr;
		size_t n;

		snprintf(key, sizeof(key), "hooks.%s", oci_hook_names[k]);
		arr = get(s->json, key);
		n = arr ? json_object_array_length(arr) : 0;
		s->hooks[k].v = calloc(n ? n : 1, sizeof(struct oci_hook));
		if (!s->hooks[k].v)
			abort();
		for (size_t i = 0; i < n; i++) {
			struct json_object *h =
			    json_object_array_get_idx(arr, i);
			struct oci_hook *oh = &s->hooks[k].v[i];
			struct json_object *t = get(h, "timeout");
			char path[96];

			s->hooks[k].n = i + 1;
			oh->path = dup_str(h, "path");
			oh->args = dup_strv(get(h, "args"), NULL);
			oh->env = dup_strv(get(h, "env"), NULL);
			if (oh->path[0] != '/') {
				snprintf(path, sizeof(path), "%s[%zu].path",
					 key, i);
				return bad(e, path,
					   "must be an absolute path, not "
					   "\"%s\"",
					   oh->path);
			}
			if (t) {
				int64_t secs = json_object_get_int64(t);

				snprintf(path, sizeof(path), "%s[%zu].timeout",
					 key, i);
				if (secs <= 0 || secs > 86400)
					return bad(e, path,
						   "must be from 1 to 86400 "
						   "seconds");
				oh->timeout = (int)secs;
			}
		}
	}
	return 0;
}

static struct oci_kv *dup_strmap(struct json_object *obj, size_t *n_out)
{
	size_t n = obj ? (size_t)json_object_object_length(obj) : 0, i = 0;
	struct oci_kv *kv = calloc(n ? n : 1, sizeof(*kv));

	if (!kv)
		abort();
	if (obj) {
		json_object_object_foreach(obj, key, val)
		{
			kv[i].key = strdup(key);
			kv[i].value = strdup(json_object_get_string(val));
			if (!kv[i].key || !kv[i].value)
				abort();
			i++;
		}
	}
	*n_out = i;
	return kv;
}

static int parse_linux(struct oci_spec *s, struct rerr *e)
{
	struct json_object *l = get(s->json, "linux"), *v;
	size_t n;

	v = get(l, "namespaces");
	n = v ? json_object_array_length(v) : 0;
	s->lnx.namespaces = calloc(n ? n : 1, sizeof(struct oci_namespace));
	if (!s->lnx.namespaces)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct json_object *ns = json_object_array_get_idx(v, i);
		const char *type = json_object_get_string(get(ns, "type"));
		char path[64];
		int t;

		snprintf(path, sizeof(path), "linux.namespaces[%zu].type", i);
		for (t = 0; t < OCI_NS_TYPES; t++)
			if (!strcmp(type, oci_ns_names[t]))
				break;
		if (t == OCI_NS_TYPES)
			return bad(e, path, "unknown namespace type \"%s\"",
				   type);
		for (size_t j = 0; j < i; j++)
			if (s->lnx.namespaces[j].type == (enum oci_ns_type)t)
				return bad(e, path,
					   "namespace \"%s\" is given twice",
					   type);
		s->lnx.namespaces[i].type = t;
		s->lnx.namespaces[i].path = dup_str(ns, "path");
		s->lnx.n_namespaces = i + 1;
		if (s->lnx.namespaces[i].path &&
		    s->lnx.namespaces[i].path[0] != '/') {
			snprintf(path, sizeof(path),
				 "linux.namespaces[%zu].path", i);
			return bad(e, path, "must be an absolute path");
		}
	}

	s->lnx.cgroups_path = dup_str(l, "cgroupsPath");
	if ((v = get(l, "resources.memory.limit"))) {
		s->lnx.resources.has_memory_limit = true;
		s->lnx.resources.memory_limit = json_object_get_int64(v);
		if (s->lnx.resources.memory_limit < -1 ||
		    s->lnx.resources.memory_limit == 0)
			return bad(e, "linux.resources.memory.limit",
				   "must be a positive number of bytes or -1");
	}
	if ((v = get(l, "resources.pids.limit"))) {
		s->lnx.resources.has_pids_limit = true;
		s->lnx.resources.pids_limit = json_object_get_int64(v);
	}
	if ((v = get(l, "resources.cpu.shares")))
		s->lnx.resources.cpu_shares = json_object_get_uint64(v);
	if ((v = get(l, "resources.cpu.quota")))
		s->lnx.resources.cpu_quota = json_object_get_int64(v);
	if ((v = get(l, "resources.cpu.period")))
		s->lnx.resources.cpu_period = json_object_get_uint64(v);
	s->lnx.resources.cpus = dup_str(l, "resources.cpu.cpus");
	s->lnx.resources.mems = dup_str(l, "resources.cpu.mems");

	s->lnx.sysctl = dup_strmap(get(l, "sysctl"), &s->lnx.n_sysctl);
	s->lnx.masked_paths =
	    dup_strv(get(l, "maskedPaths"), &s->lnx.n_masked_paths);
	s->lnx.readonly_paths =
	    dup_strv(get(l, "readonlyPaths"), &s->lnx.n_readonly_paths);
	for (size_t i = 0; i < s->lnx.n_masked_paths; i++) {
		char path[64];

		snprintf(path, sizeof(path), "linux.maskedPaths[%zu]", i);
		if (s->lnx.masked_paths[i][0] != '/')
			return bad(e, path, "must be an absolute path");
	}
	for (size_t i = 0; i < s->lnx.n_readonly_paths; i++) {
		char path[64];

		snprintf(path, sizeof(path), "linux.readonlyPaths[%zu]", i);
		if (s->lnx.readonly_paths[i][0] != '/')
			return bad(e, path, "must be an absolute path");
	}
	return 0;
}

static int parse_tree(struct oci_spec *s, struct rerr *e)
{
	const char *version;

	if (json_object_get_type(s->json) != json_type_object)
		return bad(e, "", "must be a JSON object");
	if (check_object(s->json, s_top, "", e) < 0)
		return -1;

	version = json_object_get_string(get(s->json, "ociVersion"));
	if (strncmp(version, "1.", 2))
		return bad(e, "ociVersion",
			   "unsupported version \"%s\" (want 1.x)", version);
	s->oci_version = strdup(version);

	if (parse_process(s, e) < 0)
		return -1;
	s->root.path = dup_str(s->json, "root.path");
	if (!*s->root.path)
		return bad(e, "root.path", "must not be empty");
	s->root.readonly = get_bool(s->json, "root.readonly");
	s->hostname = dup_str(s->json, "hostname");
	if (s->hostname && strlen(s->hostname) > 64)
		return bad(e, "hostname", "longer than 64 bytes");
	s->domainname = dup_str(s->json, "domainname");
	if (parse_mounts(s, e) < 0 || parse_hooks(s, e) < 0)
		return -1;
	s->annotations =
	    dup_strmap(get(s->json, "annotations"), &s->n_annotations);
	return parse_linux(s, e);
}

int oci_spec_parse(const char *text, size_t len, struct oci_spec **out,
		   struct rerr *e)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	enum json_tokener_error jerr;
	struct oci_spec *s;

	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok), line = 1, col = 1;

		for (size_t i = 0; i < off && i < len; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		if (jerr == json_tokener_continue ||
		    jerr == json_tokener_success)
			rerr_set(e, 0,
				 CONFIG ": invalid JSON: unexpected end "
					"of file");
		else
			rerr_set(e, 0,
				 CONFIG ": invalid JSON at line %zu, "
					"column %zu: %s",
				 line, col, json_tokener_error_desc(jerr));
		json_object_put(root);
		json_tokener_free(tok);
		return -1;
	}
	/* Only white space may follow the document. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			json_object_put(root);
			json_tokener_free(tok);
			return rerr_set(e, 0,
					CONFIG ": invalid JSON: data "
					       "after the end of the "
					       "document");
		}
	}
	json_tokener_free(tok);

	s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->json = root;
	if (parse_tree(s, e) < 0) {
		oci_spec_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int oci_spec_load(const char *bundle, struct oci_spec **out, struct rerr *e)
{
	char path[4096];
	struct stat st;
	char *text;
	ssize_t n;
	size_t got = 0;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/" CONFIG, bundle);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rerr_set(e, errno, CONFIG ": cannot read %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? EISDIR : errno;

		close(fd);
		return rerr_set(e, err ? err : EINVAL,
				CONFIG ": cannot read %s", path);
	}
	if (st.st_size > 64 << 20) {
		close(fd);
		return rerr_set(e, 0, CONFIG ": %s: larger than 64 MiB", path);
	}
	text = malloc(st.st_size + 1);
	if (!text)
		abort();
	while (got < (size_t)st.st_size &&
	       (n = read(fd, text + got, st.st_size - got)) != 0) {
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(text);
			close(fd);
			return rerr_set(e, err, CONFIG ": cannot read %s",
					path);
		}
		got += n;
	}
	close(fd);
	ret = oci_spec_parse(text, got, out, e);
	free(text);
	return ret;
}

void oci_spec_free(struct oci_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free_strv(s->process.args);
	free_strv(s->process.env);
	free(s->process.cwd);
	free(s->process.additional_gids);
	for (size_t i = 0; i < s->process.n_rlimits; i++)
		free(s->process.rlimits[i].type);
	free(s->process.rlimits);
	free(s->root.path);
	free(s->hostname);
	free(s->domainname);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].destination);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		free_strv(s->mounts[i].options);
	}
	free(s->mounts);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < s->hooks[k].n; i++) {
			free(s->hooks[k].v[i].path);
			free_strv(s->hooks[k].v[i].args);
			free_strv(s->hooks[k].v[i].env);
		}
		free(s->hooks[k].v);
	}
	for (size_t i = 0; i < s->n_annotations; i++) {
		free(s->annotations[i].key);
		free(s->annotations[i].value);
	}
	free(s->annotations);
	for (size_t i = 0; i < s->lnx.n_namespaces; i++)
		free(s->lnx.namespaces[i].path);
	free(s->lnx.namespaces);
	free(s->lnx.cgroups_path);
	free(s->lnx.resources.cpus);
	free(s->lnx.resources.mems);
	for (size_t i = 0; i < s->lnx.n_sysctl; i++) {
		free(s->lnx.sysctl[i].key);
		free(s->lnx.sysctl[i].value);
	}
	free(s->lnx.sysctl);
	free_strv(s->lnx.masked_paths);
	free_strv(s->lnx.readonly_paths);
	json_object_put(s->json);
	free(s);
}

bool oci_spec_has_namespace(const struct oci_spec *s, enum oci_ns_type t)
{
	for (size_t i = 0; i < s->lnx.n_namespaces; i++)
		if (s->lnx.namespaces[i].type == t)
			return true;
	return false;
}

const char *oci_spec_default(void)
{
	return "{\n"
	       "\t\"ociVersion\": \"1.0.2\",\n"
	       "\t\"process\": {\n"
	       "\t\t\"terminal\": true,\n"
	       "\t\t\"user\": {\n"
	       "\t\t\t\"uid\": 0,\n"
	       "\t\t\t\"gid\": 0\n"
	       "\t\t},\n"
	       "\t\t\"args\": [\n"
	       "\t\t\t\"sh\"\n"
	       "\t\t],\n"
	       "\t\t\"env\": [\n"
	       "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	       "/usr/bin:/sbin:/bin\",\n"
	       "\t\t\t\"TERM=xterm\"\n"
	       "\t\t],\n"
	       "\t\t\"cwd\": \"/\",\n"
	       "\t\t\"capabilities\": {\n"
	       "\t\t\t\"bounding\": [\n"
	       "\t\t\t\t\"CAP_AUDIT_WRITE\",\n"
	       "\t\t\t\t\"CAP_KILL\",\n"
	       "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n"
	       "\t\t\t],\n"
	       "\t\t\t\"effective\": [\n"
	       "\t\t\t\t\"CAP_AUDIT_WRITE\",\n"
	       "\t\t\t\t\"CAP_KILL\",\n"
	       "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n"
	       "\t\t\t],\n"
	       "\t\t\t\"permitted\": [\n"
	       "\t\t\t\t\"CAP_AUDIT_WRITE\",\n"
	       "\t\t\t\t\"CAP_KILL\",\n"
	       "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n"
	       "\t\t\t],\n"
	       "\t\t\t\"ambient\": [\n"
	       "\t\t\t\t\"CAP_AUDIT_WRITE\",\n"
	       "\t\t\t\t\"CAP_KILL\",\n"
	       "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n"
	       "\t\t\t]\n"
	       "\t\t},\n"
	       "\t\t\"rlimits\": [\n"
	       "\t\t\t{\n"
	       "\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n"
	       "\t\t\t\t\"hard\": 1024,\n"
	       "\t\t\t\t\"soft\": 1024\n"
	       "\t\t\t}\n"
	       "\t\t],\n"
	       "\t\t\"noNewPrivileges\": true\n"
	       "\t},\n"
	       "\t\"root\": {\n"
	       "\t\t\"path\": \"rootfs\",\n"
	       "\t\t\"readonly\": true\n"
	       "\t},\n"
	       "\t\"hostname\": \"runsc\",\n"
	       "\t\"mounts\": [\n"
	       "\t\t{\n"
	       "\t\t\t\"destination\": \"/proc\",\n"
	       "\t\t\t\"type\": \"proc\",\n"
	       "\t\t\t\"source\": \"proc\"\n"
	       "\t\t},\n"
	       "\t\t{\n"
	       "\t\t\t\"destination\": \"/dev\",\n"
	       "\t\t\t\"type\": \"tmpfs\",\n"
	       "\t\t\t\"source\": \"tmpfs\",\n"
	       "\t\t\t\"options\": [\n"
	       "\t\t\t\t\"nosuid\",\n"
	       "\t\t\t\t\"strictatime\",\n"
	       "\t\t\t\t\"mode=755\",\n"
	       "\t\t\t\t\"size=65536k\"\n"
	       "\t\t\t]\n"
	       "\t\t},\n"
	       "\t\t{\n"
	       "\t\t\t\"destination\": \"/dev/pts\",\n"
	       "\t\t\t\"type\": \"devpts\",\n"
	       "\t\t\t\"source\": \"devpts\",\n"
	       "\t\t\t\"options\": [\n"
	       "\t\t\t\t\"nosuid\",\n"
	       "\t\t\t\t\"noexec\",\n"
	       "\t\t\t\t\"newinstance\",\n"
	       "\t\t\t\t\"ptmxmode=0666\",\n"
	       "\t\t\t\t\"mode=0620\",\n"
	       "\t\t\t\t\"gid=5\"\n"
	       "\t\t\t]\n"
	       "\t\t},\n"
	       "\t\t{\n"
	       "\t\t\t\"destination\": \"/dev/shm\",\n"
	       "\t\t\t\"type\": \"tmpfs\",\n"
	       "\t\t\t\"source\": \"shm\",\n"
	       "\t\t\t\"options\": [\n"
	       "\t\t\t\t\"nosuid\",\n"
	       "\t\t\t\t\"noexec\",\n"
	       "\t\t\t\t\"nodev\",\n"
	       "\t\t\t\t\"mode=1777\",\n"
	       "\t\t\t\t\"size=65536k\"\n"
	       "\t\t\t]\n"
	       "\t\t},\n"
	       "\t\t{\n"
	       "\t\t\t\"destination\": \"/dev/mqueue\",\n"
	       "\t\t\t\"type\": \"mqueue\",\n"
	       "\t\t\t\"source\": \"mqueue\",\n"
	       "\t\t\t\"options\": [\n"
	       "\t\t\t\t\"nosuid\",\n"
	       "\t\t\t\t\"noexec\",\n"
	       "\t\t\t\t\"nodev\"\n"
	       "\t\t\t]\n"
	       "\t\t},\n"
	       "\t\t{\n"
	       "\t\t\t\"destination\": \"/sys\",\n"
	       "\t\t\t\"type\": \"sysfs\",\n"
	       "\t\t\t\"source\": \"sysfs\",\n"
	       "\t\t\t\"options\": [\n"
	       "\t\t\t\t\"nosuid\",\n"
	       "\t\t\t\t\"noexec\",\n"
	       "\t\t\t\t\"nodev\",\n"
	       "\t\t\t\t\"ro\"\n"
	       "\t\t\t]\n"
	       "\t\t},\n"
	       "\t\t{\n"
	       "\t\t\t\"destination\": \"/sys/fs/cgroup\",\n"
	       "\t\t\t\"type\": \"cgroup\",\n"
	       "\t\t\t\"source\": \"cgroup\",\n"
	       "\t\t\t\"options\": [\n"
	       "\t\t\t\t\"nosuid\",\n"
	       "\t\t\t\t\"noexec\",\n"
	       "\t\t\t\t\"nodev\",\n"
	       "\t\t\t\t\"relatime\",\n"
	       "\t\t\t\t\"ro\"\n"
	       "\t\t\t]\n"
	       "\t\t}\n"
	       "\t],\n"
	       "\t\"linux\": {\n"
	       "\t\t\"resources\": {\n"
	       "\t\t\t\"devices\": [\n"
	       "\t\t\t\t{\n"
	       "\t\t\t\t\t\"allow\": false,\n"
	       "\t\t\t\t\t\"access\": \"rwm\"\n"
	       "\t\t\t\t}\n"
	       "\t\t\t]\n"
	       "\t\t},\n"
	       "\t\t\"namespaces\": [\n"
	       "\t\t\t{\n"
	       "\t\t\t\t\"type\": \"pid\"\n"
	       "\t\t\t},\n"
	       "\t\t\t{\n"
	       "\t\t\t\t\"type\": \"network\"\n"
	       "\t\t\t},\n"
	       "\t\t\t{\n"
	       "\t\t\t\t\"type\": \"ipc\"\n"
	       "\t\t\t},\n"
	       "\t\t\t{\n"
	       "\t\t\t\t\"type\": \"uts\"\n"
	       "\t\t\t},\n"
	       "\t\t\t{\n"
	       "\t\t\t\t\"type\": \"mount\"\n"
	       "\t\t\t},\n"
	       "\t\t\t{\n"
	       "\t\t\t\t\"type\": \"cgroup\"\n"
	       "\t\t\t}\n"
	       "\t\t],\n"
	       "\t\t\"maskedPaths\": [\n"
	       "\t\t\t\"/proc/acpi\",\n"
	       "\t\t\t\"/proc/asound\",\n"
	       "\t\t\t\"/proc/kcore\",\n"
	       "\t\t\t\"/proc/keys\",\n"
	       "\t\t\t\"/proc/latency_stats\",\n"
	       "\t\t\t\"/proc/timer_list\",\n"
	       "\t\t\t\"/proc/timer_stats\",\n"
	       "\t\t\t\"/proc/sched_debug\",\n"
	       "\t\t\t\"/sys/firmware\",\n"
	       "\t\t\t\"/proc/scsi\"\n"
	       "\t\t],\n"
	       "\t\t\"readonlyPaths\": [\n"
	       "\t\t\t\"/proc/bus\",\n"
	       "\t\t\t\"/proc/fs\",\n"
	       "\t\t\t\"/proc/irq\",\n"
	       "\t\t\t\"/proc/sys\",\n"
	       "\t\t\t\"/proc/sysrq-trigger\"\n"
	       "\t\t]\n"
	       "\t}\n"
	       "}\n";
}
