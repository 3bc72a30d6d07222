/* /dev/null, /dev/zero, /dev/full, /dev/urandom, /dev/random. */
#include "compat.h"

int main(void)
{
	char buf[256];
	struct stat st;
	int fd;

	fd = RET("open(/dev/null, O_RDWR)", open("/dev/null", O_RDWR));
	RET("read(/dev/null)", read(fd, buf, sizeof(buf)));
	RET("write(/dev/null, 100)", write(fd, buf, 100));
	RET("lseek(/dev/null, 10)", lseek(fd, 10, SEEK_SET));
	RET("pwrite(/dev/null)", pwrite(fd, buf, 7, 1000));
	close(fd);

	fd = RET("open(/dev/zero)", open("/dev/zero", O_RDWR));
	memset(buf, 0x55, sizeof(buf));
	RET("read(/dev/zero, 256)", read(fd, buf, sizeof(buf)));
	int zero = 1;
	for (size_t i = 0; i < sizeof(buf); i++)
		zero &= buf[i] == 0;
	YESNO("all zero", zero);
	RET("write(/dev/zero, 10)", write(fd, buf, 10));
	ERR("read(/dev/zero, BADPTR)", read(fd, BADPTR, 10));
	close(fd);

	fd = open("/dev/full", O_RDWR);
	if (fd >= 0) {
		ERR("write(/dev/full)", write(fd, "x", 1));
		RET("read(/dev/full, 8)", read(fd, buf, 8));
		close(fd);
	} else {
		printf("open(/dev/full) = -1 %s\n", errname(errno));
	}

	const char *rnd[] = {"/dev/urandom", "/dev/random"};
	for (int k = 0; k < 2; k++) {
		unsigned char a[64], b[64];
		fd = open(rnd[k], O_RDONLY);
		printf("open(%s) %s\n", rnd[k],
		       fd >= 0 ? "ok" : errname(errno));
		printf("  read 64 = %zd\n", read(fd, a, 64));
		printf("  read 64 = %zd\n", read(fd, b, 64));
		int nz = 0;
		for (int i = 0; i < 64; i++)
			nz += a[i] != 0;
		YESNO("  not all zero", nz > 0);
		YESNO("  two reads differ", memcmp(a, b, 64) != 0);
		RET("  write is accepted",
		    write(open(rnd[k], O_WRONLY), "seed", 4));
		close(fd);
	}

	const char *devs[] = {"/dev/null",   "/dev/zero",    "/dev/full",
			      "/dev/random", "/dev/urandom", "/dev/tty"};
	for (int i = 0; i < 6; i++) {
		if (stat(devs[i], &st) != 0) {
			printf("stat(%s) = -1 %s\n", devs[i], errname(errno));
			continue;
		}
		printf("stat(%s): %s %o rdev=%u:%u\n", devs[i],
		       ftype_str(st.st_mode), st.st_mode & 0777,
		       (unsigned)(st.st_rdev >> 8) & 0xfff,
		       (unsigned)(st.st_rdev & 0xff));
	}
	return 0;
}
