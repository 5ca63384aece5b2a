/* sembuf.c with named semaphores (sem_open). Their names carry the process
 * id and are unlinked once open, so runs side by side do not meet. After
 * the buffer, a fork child opens a fourth semaphore by name and posts it,
 * which main waits for: the child shares the name. The last line: 80
 * items, sum 121560, child posted. */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "namedsem"

static sem_t *named(pid_t pid, const char *what, int oflag, unsigned value)
{
	char name[64];
	sem_t *s;

	snprintf(name, sizeof(name), "/namedsem-%d-%s", (int)pid, what);
	s = sem_open(name, oflag, 0600, value);
	if (s == SEM_FAILED) {
		perror(name);
		exit(1);
	}
	return s;
}

static void unlink_named(const char *what)
{
	char name[64];

	snprintf(name, sizeof(name), "/namedsem-%d-%s", (int)getpid(), what);
	if (sem_unlink(name)) {
		perror(name);
		exit(1);
	}
}

/* Three new named semaphores, their names gone at once. */
static void make_sems(sem_t **slots, sem_t **items, sem_t **lock)
{
	*slots = named(getpid(), "slots", O_CREAT | O_EXCL, 4);
	*items = named(getpid(), "items", O_CREAT | O_EXCL, 0);
	*lock = named(getpid(), "lock", O_CREAT | O_EXCL, 1);
	unlink_named("slots");
	unlink_named("items");
	unlink_named("lock");
}

/* A fork child opens "done" by its parent's id and posts it. */
static const char *after(void)
{
	sem_t *done = named(getpid(), "done", O_CREAT, 0);
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return ", no child";
	if (pid == 0) {
		sem_t *s = named(getppid(), "done", 0, 0);

		_exit(sem_post(s) ? 1 : 0);
	}
	if (sem_wait(done) || waitpid(pid, &st, 0) != pid || st != 0 || sem_close(done))
		return ", child failed";
	unlink_named("done");
	return ", child posted";
}

#include "sembuf.c"
