/* Unit tests for sentry/kernel/cred.c: the transitions that the syscall
 * cases cannot reach from an application (--caps's sets, SECBIT_NOROOT and
 * exec by a task whose real uid alone is 0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "abi/errno.h"
#include "sentry/kernel/cred.h"

static struct cred root(void)
{
	struct cred c = {0};

	cred_set_caps(&c, CAP_FULL_SET, CAP_FULL_SET, 0, CAP_FULL_SET, 0);
	return c;
}

static void test_set_caps_consistent(void **state)
{
	struct cred c = {0};

	(void)state;
	/* Effective outside permitted, ambient outside inheritable: cut. */
	cred_set_caps(&c, ~0ull, CAP_BIT(CAP_KILL) | CAP_BIT(CAP_CHOWN),
		      CAP_BIT(CAP_KILL), CAP_BIT(CAP_KILL),
		      CAP_BIT(CAP_KILL) | CAP_BIT(CAP_MKNOD));
	assert_int_equal(c.cap_bounding, CAP_FULL_SET);
	assert_int_equal(c.cap_effective, CAP_BIT(CAP_KILL));
	assert_int_equal(c.cap_ambient, CAP_BIT(CAP_KILL));
}

static void test_exec_root_and_user(void **state)
{
	struct cred c = root();

	(void)state;
	c.cap_bounding = CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_KILL);
	c.cap_permitted = c.cap_effective = 0;
	cred_exec(&c);
	assert_int_equal(c.cap_permitted, c.cap_bounding);
	assert_int_equal(c.cap_effective, c.cap_bounding);

	/* Real uid 0 only: permitted, but not effective. */
	c = root();
	c.euid = c.fsuid = 1000;
	cred_exec(&c);
	assert_int_equal(c.cap_permitted, CAP_FULL_SET);
	assert_int_equal(c.cap_effective, 0);
	assert_int_equal(c.suid, 1000);

	/* SECBIT_NOROOT: root is nobody special. */
	c = root();
	c.securebits = SECBIT_NOROOT | SECBIT_KEEP_CAPS;
	cred_exec(&c);
	assert_int_equal(c.cap_permitted, 0);
	assert_int_equal(c.securebits, SECBIT_NOROOT);

	/* A user: its ambient set. */
	c = (struct cred){.uid = 1000, .euid = 1000, .fsuid = 1000};
	cred_set_caps(&c, CAP_FULL_SET, 0, CAP_BIT(CAP_KILL),
		      CAP_BIT(CAP_KILL) | CAP_BIT(CAP_CHOWN),
		      CAP_BIT(CAP_KILL));
	cred_exec(&c);
	assert_int_equal(c.cap_permitted, CAP_BIT(CAP_KILL));
	assert_int_equal(c.cap_effective, CAP_BIT(CAP_KILL));
}

static void test_setuid_fixups(void **state)
{
	struct cred c = root(), old;

	(void)state;
	old = c;
	c.uid = c.euid = c.suid = c.fsuid = 1000;
	cred_fix_setuid(&c, &old);
	assert_int_equal(c.cap_permitted, 0);
	assert_int_equal(c.cap_effective, 0);

	c = root();
	c.securebits = SECBIT_NO_SETUID_FIXUP;
	old = c;
	c.uid = c.euid = c.suid = c.fsuid = 1000;
	cred_fix_setuid(&c, &old);
	assert_int_equal(c.cap_effective, CAP_FULL_SET);

	c = root();
	c.fsuid = 1000;
	cred_fix_setfsuid(&c, 0);
	assert_int_equal(c.cap_effective, CAP_FULL_SET & ~CAP_FS_SET);
	assert_false(capable(&c, CAP_DAC_OVERRIDE));
	assert_true(capable(&c, CAP_KILL));
	c.fsuid = 0;
	cred_fix_setfsuid(&c, 1000);
	assert_int_equal(c.cap_effective, CAP_FULL_SET);
}

static void test_capset(void **state)
{
	struct cred c = root();

	(void)state;
	assert_int_equal(cred_capset(&c, 0, CAP_BIT(CAP_KILL), 0), 0);
	assert_int_equal(cred_capset(&c, 0, CAP_BIT(CAP_CHOWN), 0),
			 -LINUX_EPERM);
	assert_int_equal(
	    cred_capset(&c, CAP_BIT(CAP_CHOWN), CAP_BIT(CAP_KILL), 0),
	    -LINUX_EPERM);
	/* No CAP_SETPCAP in effective: inheritable within permitted. */
	assert_int_equal(
	    cred_capset(&c, 0, CAP_BIT(CAP_KILL), CAP_BIT(CAP_CHOWN)),
	    -LINUX_EPERM);
	assert_false(capable(&c, 64));
	assert_false(capable(&c, -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set_caps_consistent),
	    cmocka_unit_test(test_exec_root_and_user),
	    cmocka_unit_test(test_setuid_fixups),
	    cmocka_unit_test(test_capset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
