/* NTHREADS threads, each writing its own file and echoing through its own
 * socketpair, sharing no memory; then main prints every file in order. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int nthreads = 64;
static const char *dir = ".";

static void *worker(void *arg)
{
	long id = (long)arg;
	char path[512], buf[128], back[128];
	int sv[2], len, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/t%03ld.txt", dir, id);
	f = fopen(path, "w");
	if (!f)
		return (void *)1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return (void *)1;
	for (i = 0; i < 10; i++) {
		len = snprintf(buf, sizeof(buf), "thread %ld line %d\n", id, i);
		if (write(sv[0], buf, len) != len || read(sv[1], back, len) != len)
			return (void *)1;
		fwrite(back, 1, len, f);
	}
	close(sv[0]);
	close(sv[1]);
	fclose(f);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[1024];
	char path[512], line[256];
	long i;

	if (argc > 1)
		dir = argv[1];
	if (argc > 2)
		nthreads = atoi(argv[2]);
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i))
			return 1;
	for (i = 0; i < nthreads; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		if (ret)
			return 2;
	}
	for (i = 0; i < nthreads; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/t%03ld.txt", dir, i);
		f = fopen(path, "r");
		if (!f)
			return 3;
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		fclose(f);
	}
	printf("done\n");
	return 0;
}
