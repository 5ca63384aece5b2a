/* A threaded program that runs until it is killed, for the external-signal
 * tests: one thread blocks in read() on a pipe nobody writes, one sleeps in
 * a loop, one computes, one keeps creating and joining short threads; main
 * prints "started" and joins them (never returns). argv[1]: the seconds
 * after which it gives up on its own and exits 3 (default 60). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int fds[2];

static void *reader(void *arg)
{
	char c;

	(void)arg;
	if (read(fds[0], &c, 1) < 0)
		return (void *)1;
	return NULL;
}

static void *sleeper(void *arg)
{
	struct timespec d = { 0, 50000000 };

	(void)arg;
	for (;;)
		nanosleep(&d, NULL);
	return NULL;
}

static void *spinner(void *arg)
{
	volatile unsigned long x = 0;

	(void)arg;
	for (;;)
		x = x * 6364136223846793005UL + 1;
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

static void *spawner(void *arg)
{
	pthread_t t;

	(void)arg;
	for (;;) {
		if (pthread_create(&t, NULL, nothing, NULL))
			return (void *)1;
		pthread_join(t, NULL);
	}
	return NULL;
}

static void *deadline(void *arg)
{
	sleep((unsigned)(long)arg);
	_exit(3);
	return NULL;
}

int main(int argc, char **argv)
{
	void *(*fn[])(void *) = { reader, sleeper, spinner, spawner };
	long limit = argc > 1 ? atol(argv[1]) : 60;
	pthread_t t[5];
	int i;

	if (pipe(fds) < 0)
		return 1;
	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, fn[i], NULL))
			return 1;
	if (pthread_create(&t[4], NULL, deadline, (void *)limit))
		return 1;
	printf("started\n");
	fflush(stdout);
	for (i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	return 0;
}
