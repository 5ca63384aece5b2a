/* Two threads, each writing 50 numbered lines with write(2) under a
 * pthread mutex; thread 1 is joined before thread 2 starts, so the output
 * order is fixed: 50 lines of thread 1, then 50 of thread 2. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int total;

static void *writer(void *arg)
{
	int id = (int)(long)arg, i, len;
	char line[64];

	for (i = 0; i < 50; i++) {
		pthread_mutex_lock(&lock);
		len = snprintf(line, sizeof(line), "thread %d line %d (total %d)\n", id, i, total);
		if (write(1, line, len) == len)
			total++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	char line[32];
	int len, id;

	for (id = 1; id <= 2; id++) {
		if (pthread_create(&t, NULL, writer, (void *)(long)id)) {
			perror("pthread_create");
			return 1;
		}
		pthread_join(t, NULL);
	}
	len = snprintf(line, sizeof(line), "%d lines\ndone\n", total);
	return write(1, line, len) == len ? 0 : 1;
}
