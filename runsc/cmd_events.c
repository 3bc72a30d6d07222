/* runsc events [--stats] [--interval DUR] ID: runc's command. The numbers
 * come from the sandbox's sentry over the control socket (a stats request,
 * sentry/control.h); OOM kills from ROOT/ID/oom (runsc/container.h).
 *
 * --stats prints one {"type":"stats","id":ID,"data":{...}} object in runc's
 * stats layout, with what the sentry knows and nothing else: cpu.usage
 * (the host CPU time of the sentry and its stub processes), memory.usage
 * (the application's usage as the sentry charges it, the peak, the limit
 * when there is one, failcnt) with memory.raw (anon, file: the page cache,
 * shmem: tmpfs data), pids. Without --stats, such an object every
 * --interval (default 5s) and {"type":"oom","id":ID} for each process the
 * OOM killer kills, until the container stops. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runsc/cli.h"
#include "runsc/container.h"
#include "runsc/control.h"
#include "sentry/control.h"

/* What a stats reply says; has[k]: key k was present. */
enum {
	S_MEM_USAGE,
	S_MEM_MAX,
	S_MEM_ANON,
	S_MEM_FILE,
	S_MEM_HEAP,
	S_MEM_LIMIT,
	S_MEM_FAILCNT,
	S_OOM_KILLS,
	S_PIDS_CURRENT,
	S_PIDS_LIMIT,
	S_CPU_USER,
	S_CPU_SYS,
	S_KEYS,
};
static const char *const keys[S_KEYS] = {
    "mem_usage",    "mem_max",	  "mem_anon",	 "mem_file",
    "mem_heap",	    "mem_limit",  "mem_failcnt", "oom_kills",
    "pids_current", "pids_limit", "cpu_user_ns", "cpu_sys_ns",
};

struct stats {
	bool has[S_KEYS];
	unsigned long long v[S_KEYS];
};

/* A Go duration ("5s", "1m30s", "250ms", "1.5h") in milliseconds > 0, or
 * -1. */
static long long parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1},
		     {"s", 1e3},   {"m", 60e3},	 {"h", 3600e3}};
	double total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		double v;
		int unit = -1;
		size_t len = 0;

		if (!(*s >= '0' && *s <= '9') && *s != '.')
			return -1;
		v = strtod(s, &end);
		if (end == s || !isfinite(v))
			return -1;
		/* the longest unit that matches: "ms" rather than "m" */
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);

			if (!strncmp(end, units[i].unit, n) && n > len)
				unit = (int)i, len = n;
		}
		if (unit < 0)
			return -1;
		total += v * units[unit].ms;
		s = end + len;
	}
	if (total < 1 || total > 1e12)
		return -1;
	return (long long)total;
}

/* Ask the sentry of the running container c for its stats. 0, or -1 with
 * e set. */
static int fetch(const struct container *c, struct stats *st, struct rerr *e)
{
	char buf[1024], *tok, *save;

	memset(st, 0, sizeof(*st));
	if (control_ask(c->dir, CONTROL_STATS_MAGIC, buf, sizeof(buf), e) < 0)
		return -1;
	if (strncmp(buf, "stats", 5) || (buf[5] && buf[5] != ' ')) {
		return rerr_set(e, 0, "the sandbox answered \"%.200s\"",
				strncmp(buf, "error ", 6) ? buf : buf + 6);
	}
	for (tok = strtok_r(buf + 5, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = 0;
		for (int k = 0; k < S_KEYS; k++)
			if (!strcmp(tok, keys[k])) {
				st->v[k] = strtoull(eq + 1, NULL, 10);
				st->has[k] = true;
			}
	}
	return 0;
}

static void put_u64(struct json_object *o, const char *name,
		    const struct stats *st, int k)
{
	if (st->has[k])
		json_object_object_add(o, name,
				       json_object_new_uint64(st->v[k]));
}

static void print_event(const char *type, const char *id,
			struct json_object *data)
{
	struct json_object *ev = json_object_new_object();

	json_object_object_add(ev, "type", json_object_new_string(type));
	json_object_object_add(ev, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(ev, "data", data);
	printf("%s\n", json_object_to_json_string_ext(
			   ev, JSON_C_TO_STRING_PLAIN |
				   JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(ev);
}

/* runc's types.Stats, as far as st knows it. */
static struct json_object *stats_json(const struct stats *st)
{
	struct json_object *data = json_object_new_object();
	struct json_object *cpu, *usage, *mem, *mu, *raw, *pids;

	if (st->has[S_CPU_USER] && st->has[S_CPU_SYS]) {
		cpu = json_object_new_object();
		usage = json_object_new_object();
		json_object_object_add(
		    usage, "total",
		    json_object_new_uint64(st->v[S_CPU_USER] +
					   st->v[S_CPU_SYS]));
		put_u64(usage, "kernel", st, S_CPU_SYS);
		put_u64(usage, "user", st, S_CPU_USER);
		json_object_object_add(cpu, "usage", usage);
		json_object_object_add(data, "cpu", cpu);
	}
	mem = json_object_new_object();
	mu = json_object_new_object();
	put_u64(mu, "limit", st, S_MEM_LIMIT);
	put_u64(mu, "usage", st, S_MEM_USAGE);
	put_u64(mu, "max", st, S_MEM_MAX);
	put_u64(mu, "failcnt", st, S_MEM_FAILCNT);
	json_object_object_add(mem, "usage", mu);
	if (st->has[S_MEM_ANON]) {
		raw = json_object_new_object();
		put_u64(raw, "anon", st, S_MEM_ANON);
		put_u64(raw, "file", st, S_MEM_FILE);
		put_u64(raw, "shmem", st, S_MEM_HEAP);
		json_object_object_add(mem, "raw", raw);
	}
	json_object_object_add(data, "memory", mem);
	pids = json_object_new_object();
	put_u64(pids, "current", st, S_PIDS_CURRENT);
	put_u64(pids, "limit", st, S_PIDS_LIMIT);
	json_object_object_add(data, "pids", pids);
	return data;
}

/* The OOM kills recorded so far in ROOT/ID/oom. */
static long oom_count(const struct container *c)
{
	char path[PATH_MAX + 8], buf[4096];
	long lines = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/oom", c->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0 ||
	       (r < 0 && errno == EINTR))
		for (ssize_t i = 0; i < r; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool stats_flag;
static const char *interval_flag;

static const struct flag events_flags[] = {
    {"stats", 0, false, NULL, &stats_flag},
    {"interval", 0, true, &interval_flag, NULL},
    {NULL, 0, false, NULL, NULL},
};

/* Every interval a stats event, an oom event per kill as soon as seen
 * (polled 5 times a second at most), until the container stops. */
static int stream(const struct globals *g, struct container *c,
		  long long interval, struct rerr *e)
{
	long seen = oom_count(c), now;
	long long next = now_ms() + interval;
	struct stats st;
	char id[sizeof(c->id)];

	/* c is reloaded in place: its id cannot be the one to load. */
	memcpy(id, c->id, sizeof(id));

	for (;;) {
		long long wait = next - now_ms();

		sleep_ms(wait < 200 ? (wait > 0 ? wait : 0) : 200);
		for (now = oom_count(c); seen < now; seen++)
			print_event("oom", id, NULL);
		container_free(c);
		if (container_load(g, id, c, e) < 0)
			return 0; /* deleted: it has stopped */
		if (c->status != CONTAINER_RUNNING &&
		    c->status != CONTAINER_PAUSED)
			break;
		if (now_ms() < next)
			continue;
		next += interval;
		if (fetch(c, &st, e) < 0) {
			/* The sentry may be gone while its monitor, which
			 * marks the container stopped, still finishes: give
			 * it a second before calling this an error. */
			for (int i = 0; i < 50; i++) {
				container_free(c);
				if (container_load(g, id, c, e) < 0)
					return 0;
				if (c->status != CONTAINER_RUNNING)
					break;
				sleep_ms(20);
			}
			if (c->status != CONTAINER_RUNNING)
				break;
			return -1;
		}
		print_event("stats", id, stats_json(&st));
	}
	for (now = oom_count(c); seen < now; seen++)
		print_event("oom", id, NULL);
	return 0;
}

int cmd_events(struct globals *g, int argc, char **argv, struct rerr *e)
{
	struct container c;
	struct stats st;
	long long interval = 5000;
	int n = parse_flags("events", argc, argv, events_flags, e), ret = 0;

	if (n < 0)
		return 1;
	if (n != 1) {
		rerr_set(e, 0,
			 "events: want exactly one container id, got %d "
			 "arguments",
			 n);
		return 1;
	}
	if (interval_flag && (interval = parse_duration(interval_flag)) < 0) {
		rerr_set(e, 0,
			 "events: --interval %s: want a positive duration "
			 "(5s, 500ms, 1m)",
			 interval_flag);
		return 1;
	}
	if (container_load(g, argv[0], &c, e) < 0)
		return 1;
	if (c.status != CONTAINER_RUNNING && c.status != CONTAINER_PAUSED) {
		rerr_set(e, 0, "events: container \"%s\" is %s, not running",
			 c.id, container_status_name(c.status));
		container_free(&c);
		return 1;
	}
	if (stats_flag) {
		ret = fetch(&c, &st, e);
		if (ret == 0)
			print_event("stats", c.id, stats_json(&st));
	} else {
		ret = stream(g, &c, interval, e);
	}
	if (ret < 0)
		rerr_wrap(e, "events %s: ", argv[0]);
	container_free(&c);
	return ret < 0 ? 1 : 0;
}
