/* OCI runtime-spec config.json: parsing and validation (json-c).
 *
 * The parser knows every property of runtime-spec 1.0-1.2. A property it
 * does not know, or a value of the wrong type or out of range, is an error
 * whose message names the JSON path, crun's way:
 *   config.json: process.args: must be a non-empty array
 *   config.json: linux.namespaces[2].type: unknown namespace type "foo"
 * (The spec asks runtimes to ignore unknown properties; this project
 * prefers a loud error over silently dropping a setting it would not
 * apply. Properties the sandbox does not implement yet are accepted,
 * type-checked, and kept in `json` for whoever wants them.)
 *
 * Host-side code; single-threaded use. A struct oci_spec is owned by the
 * caller of oci_spec_parse/oci_spec_load and freed with oci_spec_free; every
 * string and array in it belongs to it.
 */
#ifndef RUNSC_OCI_SPEC_H
#define RUNSC_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runsc/error.h"

struct json_object;

struct oci_rlimit {
	int resource; /* RLIMIT_* of <sys/resource.h> */
	char *type;   /* "RLIMIT_NOFILE" */
	uint64_t soft, hard;
};

struct oci_mount {
	char *destination; /* absolute */
	char *type;	   /* NULL when absent */
	char *source;	   /* NULL when absent */
	char **options;	   /* NULL-terminated, never NULL */
	size_t n_options;
};

struct oci_hook {
	char *path;  /* absolute */
	char **args; /* NULL-terminated, never NULL (may be empty) */
	char **env;  /* NULL-terminated, never NULL */
	int timeout; /* seconds, 0 = none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS,
};

/* The JSON names of the hook kinds ("createRuntime"), by enum oci_hook_kind. */
extern const char *const oci_hook_names[OCI_HOOK_KINDS];

enum oci_ns_type {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS_TYPES,
};

/* The spec's names ("network"), by enum oci_ns_type. */
extern const char *const oci_ns_names[OCI_NS_TYPES];

struct oci_namespace {
	enum oci_ns_type type;
	char *path; /* NULL: a new namespace */
};

struct oci_kv {
	char *key, *value;
};

enum oci_cap_set {
	OCI_CAP_BOUNDING,
	OCI_CAP_EFFECTIVE,
	OCI_CAP_INHERITABLE,
	OCI_CAP_PERMITTED,
	OCI_CAP_AMBIENT,
	OCI_CAP_SETS,
};

struct oci_spec {
	char *oci_version;

	struct {
		bool terminal;
		bool has_console_size;
		unsigned console_height, console_width;
		uint32_t uid, gid;
		uint32_t *additional_gids;
		size_t n_additional_gids;
		bool has_umask;
		uint32_t umask;
		char **args; /* NULL-terminated, at least one element */
		size_t n_args;
		char **env; /* NULL-terminated, never NULL; each has a '=' */
		size_t n_env;
		char *cwd; /* absolute */
		struct oci_rlimit *rlimits;
		size_t n_rlimits;
		bool no_new_privileges;
		/* Bit N set = capability N (CAP_CHOWN = 0) in that set. */
		uint64_t caps[OCI_CAP_SETS];
		/* process.capabilities is there (absent: runc leaves the
		 * process the capabilities it has, so does runsc). */
		bool has_caps;
	} process;

	struct {
		char *path; /* as written: relative paths are to the bundle */
		bool readonly;
	} root;

	char *hostname;	  /* NULL when absent */
	char *domainname; /* NULL when absent */

	struct oci_mount *mounts;
	size_t n_mounts;

	struct {
		struct oci_hook *v;
		size_t n;
	} hooks[OCI_HOOK_KINDS];

	struct oci_kv *annotations;
	size_t n_annotations;

	struct {
		struct oci_namespace *namespaces;
		size_t n_namespaces;
		char *cgroups_path; /* NULL when absent */
		struct {
			bool has_memory_limit;
			int64_t memory_limit; /* bytes, -1 = unlimited */
			bool has_pids_limit;
			int64_t pids_limit;  /* <= 0 = unlimited */
			uint64_t cpu_shares; /* 0 when absent */
			int64_t cpu_quota;   /* 0 when absent */
			uint64_t cpu_period; /* 0 when absent */
			char *cpus, *mems;   /* NULL when absent */
		} resources;
		struct oci_kv *sysctl;
		size_t n_sysctl;
		char **masked_paths; /* NULL-terminated, never NULL */
		size_t n_masked_paths;
		char **readonly_paths; /* NULL-terminated, never NULL */
		size_t n_readonly_paths;
	} lnx; /* "linux" is a predefined macro of GNU C */

	/* The whole document, for properties not extracted above. Owned by
	 * the spec. */
	struct json_object *json;
};

/* Parse and validate a config.json held in memory (len bytes of text, no
 * NUL needed). On success *out is a new spec and 0 is returned; on error
 * -1 with e set to "config.json: PATH: what is wrong" and *out untouched. */
int oci_spec_parse(const char *text, size_t len, struct oci_spec **out,
		   struct rerr *e);

/* oci_spec_parse of BUNDLE/config.json. A missing or unreadable file is
 * "config.json: cannot read BUNDLE/config.json: strerror". */
int oci_spec_load(const char *bundle, struct oci_spec **out, struct rerr *e);

/* Free a spec from oci_spec_parse/oci_spec_load; NULL is fine. */
void oci_spec_free(struct oci_spec *spec);

/* Has the spec a namespace of this type (new or joined)? */
bool oci_spec_has_namespace(const struct oci_spec *spec, enum oci_ns_type t);

/* The capability number of "CAP_CHOWN"-style names, or -1. */
int oci_cap_from_name(const char *name);

/* A process's "capabilities" object (NULL: none, all sets empty) into
 * out, bit N = capability N, by enum oci_cap_set. 0, or -1 with e set to
 * "WHEREcapabilities.SET[I]: what is wrong" (where: the prefix naming the
 * document, "config.json: process."). */
int oci_caps_parse(struct json_object *caps, uint64_t out[OCI_CAP_SETS],
		   const char *where, struct rerr *e);

/* The sets in the sentry's form (its --caps, the control request's
 * caps=): "BND:EFF:INH:PRM:AMB", hex masks. malloc'd. */
char *oci_caps_arg(const uint64_t caps[OCI_CAP_SETS]);

/* The default config.json of `runsc spec` (runc's, with hostname "runsc"),
 * a static NUL-terminated string ending in a newline. */
const char *oci_spec_default(void);

#endif
