/* alarm, pause and an interval timer: the SIGALRMs must land at the same
 * point in every replica. "spins" counts the getppid calls made before the
 * sixth signal: the same number in every replica only if each signal came
 * at the same call. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
static volatile sig_atomic_t fired;
static void on_alarm(int s) { (void)s; fired++; }
int main(void)
{
	struct sigaction sa;
	struct itimerval v = { { 0, 50000 }, { 0, 50000 } }, got;
	long spins = 0;
	unsigned left;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	left = alarm(5);
	printf("alarm(5) left %u\n", left);
	left = alarm(1);
	printf("alarm(1) left %u\n", left);
	pause();
	printf("woke from pause, fired %d\n", (int)fired);
	setitimer(ITIMER_REAL, &v, NULL);
	while (fired < 6) {
		getppid(); /* a monitored call: the signal lands at one of them */
		spins++;
	}
	setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, &got);
	printf("interval timer fired %d times, then disarmed (interval was %ld us)\n", (int)fired,
	       (long)got.it_interval.tv_usec);
	printf("spins %ld\n", spins);
	return 0;
}
