/* getrandom: full reads, flags, errors. */
#include "compat.h"
#include <sys/random.h>

int main(void)
{
	unsigned char a[32], b[32], big[4096];

	RET("getrandom(32, 0)", getrandom(a, sizeof(a), 0));
	RET("getrandom(32, GRND_NONBLOCK)",
	    getrandom(b, sizeof(b), GRND_NONBLOCK));
	YESNO("two results differ", memcmp(a, b, sizeof(a)) != 0);
	int nz = 0;
	for (size_t i = 0; i < sizeof(a); i++)
		nz += a[i] != 0;
	YESNO("not all zero", nz > 0);
	RET("getrandom(4096, 0)", getrandom(big, sizeof(big), 0));
	int hist[256] = {0}, max = 0;
	for (size_t i = 0; i < sizeof(big); i++)
		hist[big[i]]++;
	for (int i = 0; i < 256; i++)
		max = hist[i] > max ? hist[i] : max;
	YESNO("no byte value over 2% of 4096 bytes", max < 82);
	RET("getrandom(0 bytes)", getrandom(a, 0, 0));
	RET("getrandom(GRND_RANDOM)", getrandom(a, 16, GRND_RANDOM));
	ERR("getrandom(bad flags)", getrandom(a, 16, 0x100));
	ERR("getrandom(BADPTR)", syscall(SYS_getrandom, BADPTR, 16, 0));
	return 0;
}
