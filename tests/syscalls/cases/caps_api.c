/* capget/capset version negotiation, argument checks and set rules;
 * prctl's PR_CAPBSET_*, PR_CAP_AMBIENT, PR_*_KEEPCAPS, PR_*_SECUREBITS,
 * PR_*_NO_NEW_PRIVS. Run as root: the full permitted set of the runner. */
#include "caps.h"

static void capset_rules(void)
{
	struct caps c = caps_get(), n;

	n = c;
	n.eff |= BIT(40) << 1; /* not a capability: ignored */
	RET("capset(same sets)", caps_set(c));
	n = c;
	n.prm &= ~BIT(C_CHOWN);
	ERR("capset(effective outside permitted)", caps_set(n));
	n.eff &= ~BIT(C_CHOWN);
	RET("capset(drop CAP_CHOWN)", caps_set(n));
	n.prm |= BIT(C_CHOWN);
	ERR("capset(raise permitted again)", caps_set(n));
	n.prm &= ~BIT(C_CHOWN);
	n.inh |= BIT(C_CHOWN);
	RET("capset(inheritable outside permitted, with CAP_SETPCAP)",
	    caps_set(n));
	n.eff &= ~BIT(C_SETPCAP);
	RET("capset(drop CAP_SETPCAP from effective)", caps_set(n));
	n.inh |= BIT(C_FOWNER);
	RET("capset(add permitted CAP_FOWNER to inheritable)", caps_set(n));
	n.prm &= ~BIT(C_MKNOD);
	n.eff &= ~BIT(C_MKNOD);
	RET("capset(drop CAP_MKNOD)", caps_set(n));
	n.inh |= BIT(C_MKNOD);
	ERR("capset(inheritable outside permitted, no CAP_SETPCAP)",
	    caps_set(n));
	struct caps now = caps_get();
	YESNO("inheritable is CAP_CHOWN|CAP_FOWNER",
	      now.inh == (BIT(C_CHOWN) | BIT(C_FOWNER)));
	YESNO("CapInh in /proc/self/status agrees",
	      status_caps("CapInh") == now.inh);
	YESNO("CapEff in /proc/self/status agrees",
	      status_caps("CapEff") == now.eff);
}

static void bounding(void)
{
	RET("PR_CAPBSET_READ(CAP_CHOWN)", prctl(PR_CAPBSET_READ, C_CHOWN));
	ERR("PR_CAPBSET_READ(41)", prctl(PR_CAPBSET_READ, 41));
	ERR("PR_CAPBSET_READ(-1)", prctl(PR_CAPBSET_READ, -1L));
	RET("PR_CAPBSET_DROP(CAP_NET_RAW)", prctl(PR_CAPBSET_DROP, C_NET_RAW));
	RET("PR_CAPBSET_READ(CAP_NET_RAW)", prctl(PR_CAPBSET_READ, C_NET_RAW));
	YESNO("CapBnd lacks CAP_NET_RAW",
	      !(status_caps("CapBnd") & BIT(C_NET_RAW)));
	YESNO("still permitted", !!(caps_get().prm & BIT(C_NET_RAW)));
	ERR("PR_CAPBSET_DROP(41)", prctl(PR_CAPBSET_DROP, 41));
	caps_drop(BIT(C_SETPCAP), 0);
	ERR("PR_CAPBSET_DROP without CAP_SETPCAP",
	    prctl(PR_CAPBSET_DROP, C_CHOWN));
	ERR("PR_CAPBSET_DROP(41) without CAP_SETPCAP",
	    prctl(PR_CAPBSET_DROP, 41));
}

static void ambient(void)
{
	RET("IS_SET(CAP_CHOWN)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, C_CHOWN, 0, 0));
	ERR("RAISE(CAP_CHOWN) not inheritable",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_CHOWN, 0, 0));
	struct caps c = caps_get();
	c.inh |= BIT(C_CHOWN) | BIT(C_KILL);
	die_if(caps_set(c) != 0, "capset inheritable");
	RET("RAISE(CAP_CHOWN)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_CHOWN, 0, 0));
	RET("RAISE(CAP_KILL)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_KILL, 0, 0));
	RET("IS_SET(CAP_CHOWN)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, C_CHOWN, 0, 0));
	YESNO("CapAmb is CAP_CHOWN|CAP_KILL",
	      status_caps("CapAmb") == (BIT(C_CHOWN) | BIT(C_KILL)));
	RET("LOWER(CAP_CHOWN)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, C_CHOWN, 0, 0));
	ERR("IS_SET(41)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 41, 0, 0));
	ERR("IS_SET(CAP_KILL, arg4=1)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, C_KILL, 1, 0));
	ERR("op 9", prctl(PR_CAP_AMBIENT, 9, C_KILL, 0, 0));
	ERR("CLEAR_ALL(arg3=1)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
	/* Losing inheritable drops the ambient bit with it. */
	c = caps_get();
	c.inh &= ~BIT(C_KILL);
	die_if(caps_set(c) != 0, "capset inheritable");
	RET("IS_SET(CAP_KILL) after capset drops it from inheritable",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, C_KILL, 0, 0));
	RET("RAISE(CAP_CHOWN)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_CHOWN, 0, 0));
	RET("CLEAR_ALL",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
	YESNO("CapAmb empty", status_caps("CapAmb") == 0);
}

static void securebits(void)
{
	RET("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
	ERR("PR_SET_KEEPCAPS(2)", prctl(PR_SET_KEEPCAPS, 2));
	RET("PR_SET_KEEPCAPS(1)", prctl(PR_SET_KEEPCAPS, 1));
	RET("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
	RET("PR_GET_SECUREBITS", prctl(PR_GET_SECUREBITS));
	ERR("PR_SET_SECUREBITS(1<<20)", prctl(PR_SET_SECUREBITS, 1 << 20));
	/* SECBIT_KEEP_CAPS_LOCKED with SECBIT_KEEP_CAPS clear. */
	RET("PR_SET_SECUREBITS(KEEP_CAPS_LOCKED)",
	    prctl(PR_SET_SECUREBITS, 0x20));
	ERR("PR_SET_KEEPCAPS(1) when locked", prctl(PR_SET_KEEPCAPS, 1));
	ERR("PR_SET_SECUREBITS(0): unlock", prctl(PR_SET_SECUREBITS, 0));
	RET("PR_SET_SECUREBITS(NOROOT|KEEP_CAPS_LOCKED)",
	    prctl(PR_SET_SECUREBITS, 0x21));
	RET("PR_GET_SECUREBITS", prctl(PR_GET_SECUREBITS));
	caps_drop(BIT(C_SETPCAP), 0);
	ERR("PR_SET_SECUREBITS without CAP_SETPCAP",
	    prctl(PR_SET_SECUREBITS, 0x21));
}

static void nnp(void)
{
	RET("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	ERR("PR_GET_NO_NEW_PRIVS(1)", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ERR("PR_SET_NO_NEW_PRIVS(0)", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
	ERR("PR_SET_NO_NEW_PRIVS(1, 1)",
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
	RET("PR_SET_NO_NEW_PRIVS(1)", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	RET("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	YESNO("NoNewPrivs in status", status_caps("NoNewPrivs") == 1);
}

/* capset v1 clears capabilities 32 and up (CAP_MAC_OVERRIDE...). */
static void capset_v1(void)
{
	struct cap_hdr h = {V1, 0};
	struct caps b = caps_get();
	struct cap_word w = {(uint32_t)b.eff, (uint32_t)b.prm, 0};

	RET("capset(v1)", syscall(SYS_capset, &h, &w));
	YESNO("permitted lost caps 32 and up",
	      caps_get().prm == (b.prm & 0xffffffffu));
}

int main(void)
{
	struct cap_hdr h = {0, 0};
	struct cap_word w[2];
	struct caps c = caps_get();

	YESNO("root: effective == permitted", c.eff == c.prm);
	YESNO("root: inheritable empty", c.inh == 0);
	YESNO("root: permitted == bounding set",
	      c.prm == status_caps("CapBnd"));
	YESNO("CapPrm in /proc/self/status agrees",
	      status_caps("CapPrm") == c.prm);

	ERR("capget(version 0)", syscall(SYS_capget, &h, w));
	printf("  version written back: %#x\n", h.version);
	h.version = 0;
	RET("capget(version 0, NULL data)", syscall(SYS_capget, &h, NULL));
	printf("  version written back: %#x\n", h.version);
	RET("capget(v3, NULL data)", syscall(SYS_capget, &h, NULL));
	h.version = 0;
	ERR("capset(version 0)", syscall(SYS_capset, &h, w));
	printf("  version written back: %#x\n", h.version);
	ERR("capget(BADPTR header)", syscall(SYS_capget, BADPTR, w));
	h = (struct cap_hdr){V3, 0};
	ERR("capget(BADPTR data)", syscall(SYS_capget, &h, BADPTR));
	h.pid = -1;
	ERR("capget(pid -1)", syscall(SYS_capget, &h, w));
	h.pid = 999999;
	ERR("capget(no such pid)", syscall(SYS_capget, &h, w));
	h.pid = getpid();
	RET("capget(own pid)", syscall(SYS_capget, &h, w));
	h = (struct cap_hdr){V1, 0};
	memset(w, 0xff, sizeof(w));
	RET("capget(v1)", syscall(SYS_capget, &h, w));
	YESNO("v1: low word only, second untouched",
	      w[0].eff == (uint32_t)c.eff && w[1].eff == 0xffffffffu);
	h.pid = getppid();
	ERR("capset(parent's pid)", syscall(SYS_capset, &h, w));
	h.pid = 0;
	ERR("capset(BADPTR data)", syscall(SYS_capset, &h, BADPTR));

	in_child("capset rules", capset_rules);
	in_child("bounding set", bounding);
	in_child("ambient set", ambient);
	in_child("keep-caps and securebits", securebits);
	in_child("no_new_privs", nnp);

	in_child("capset v1", capset_v1);
	return 0;
}
