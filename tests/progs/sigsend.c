/* Signals a replica's threads and processes send each other: a thread
 * sends pthread_kill(SIGUSR1) to the main thread, and a forked child
 * kill(SIGUSR2)s its parent, while the main thread counts the getppid
 * calls it makes between signals. The counts are the same in every replica
 * only if each signal arrives at the same call; they differ run to run. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIGNALS 5

static volatile sig_atomic_t got1, got2;

static void on_usr1(int s) { (void)s; got1++; }
static void on_usr2(int s) { (void)s; got2++; }

static void *sender(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;
	int i;

	for (i = 0; i < SIGNALS; i++) {
		usleep(3000);
		pthread_kill(main_thread, SIGUSR1);
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	pthread_t self = pthread_self(), t;
	long spins[2 * SIGNALS + 1] = { 0 };
	int seen = 0, i, status;
	pid_t kid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	if (pthread_create(&t, NULL, sender, &self))
		return 1;
	while (got1 < SIGNALS) {
		getppid();
		spins[seen]++;
		if (got1 + got2 != seen && seen < 2 * SIGNALS)
			seen = got1 + got2;
	}
	pthread_join(t, NULL);
	kid = fork();
	if (kid == 0) {
		for (i = 0; i < SIGNALS; i++) {
			usleep(3000);
			kill(getppid(), SIGUSR2);
		}
		_exit(0);
	}
	while (got2 < SIGNALS) {
		getppid();
		spins[seen]++;
		if (got1 + got2 != seen && seen < 2 * SIGNALS)
			seen = got1 + got2;
	}
	waitpid(kid, &status, 0);
	printf("SIGUSR1 %d, SIGUSR2 %d, child status %d\n", (int)got1, (int)got2, status);
	for (i = 0; i <= 2 * SIGNALS; i++)
		printf("%s%ld", i ? " " : "calls between signals: ", spins[i]);
	printf("\n");
	return 0;
}
