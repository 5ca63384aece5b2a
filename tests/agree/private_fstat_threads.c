/* Threads that open the process's own /proc files (glibc's
 * pthread_getattr_np reads /proc/self/maps) and fstat them, while other
 * threads open external files: a private open in a threaded process takes
 * the lowest free number of its replica's table, whichever thread gets
 * there first, so the numbers may differ between replicas, and glibc's
 * fstat (newfstatat(fd, "", AT_EMPTY_PATH)) on it must not be compared. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROUNDS 200

static void *own(void *arg)
{
	struct stat st;
	int i, bad = 0;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
			bad++;
		if (fd >= 0)
			close(fd);
	}
	return (void *)(long)bad;
}

static void *world(void *arg)
{
	int i, bad = 0;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			bad++;
		else
			close(fd);
	}
	return (void *)(long)bad;
}

int main(void)
{
	pthread_t t[4];
	long bad = 0;
	void *r;
	int i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, i % 2 ? world : own, NULL);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	printf("failures: %ld\n", bad);
	printf("done\n");
	return 0;
}
