/* Named semaphores, when replicated. glibc's sem_open makes a file in
 * /dev/shm under a random temporary name (a different call in every
 * replica) and maps it shared; the file is outside the replicas, so all
 * replicas would share one counter, and the monitor refuses shared
 * writable mappings of files anyway. So the library keeps the names
 * itself: a table in anonymous shared memory made when the library is
 * loaded, which the process's fork children inherit and share. A name
 * opened by a process and its fork children is one semaphore; a program
 * exec'd in the replica gets a table of its own (its names are not its
 * parent's). Permission bits are not checked: every process of a replica
 * is the same user.
 *
 * The table changes inside a region of its own domain, so threads of every
 * replica open and close in one order; a spinlock in the table keeps the
 * processes of a replica apart (the table's domain is each process's own,
 * so their opens are not ordered between them). Each semaphore is a
 * process-shared domain (rpt_dom_create()), ordered among the processes
 * that opened it before they forked; the last process to close it
 * destroys it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#include "rpt.h"

#define NAMED_MAX 256
#define NAME_LEN (NAME_MAX - 4)	/* glibc's: the file name is "sem." + name */

struct named {
	sem_t sem;		/* first: what sem_open returns is the slot */
	uint32_t users;		/* processes that have it open */
	bool used;		/* a semaphore lives here */
	bool linked;		/* its name is in the table (not unlinked) */
	char name[NAME_LEN + 1];
};

struct table {
	_Atomic uint32_t lock;	/* between the processes of the replica */
	struct named slot[NAMED_MAX];
};

static struct table *tab;
static uint32_t my_opens[NAMED_MAX];	/* this process's opens of each slot;
					 * a fork child starts with its parent's */

static void lock_table(void)
{
	while (atomic_exchange_explicit(&tab->lock, 1, memory_order_acquire))
		sched_yield();
}

static void unlock_table(void)
{
	atomic_store_explicit(&tab->lock, 0, memory_order_release);
}

/* The table's region, then its lock. true: inside the region. */
static bool take(void)
{
	bool inside = rpt_enter(tab) == 0;

	lock_table();
	return inside;
}

static void release(bool inside)
{
	unlock_table();
	if (inside)
		rpt_leave(tab);
}

/* A fork child has every semaphore its parent had open. */
static void after_fork_child(void)
{
	int i;

	lock_table();
	for (i = 0; i < NAMED_MAX; i++)
		if (my_opens[i])
			tab->slot[i].users++;
	unlock_table();
}

void rpt_named_setup(void)
{
	void *p = mmap(NULL, sizeof(*tab), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return; /* sem_open is glibc's then */
	tab = p;
	pthread_atfork(NULL, NULL, after_fork_child);
}

/* The name without its leading slashes; NULL with errno set when glibc
 * would refuse it. */
static const char *bare(const char *name)
{
	while (*name == '/')
		name++;
	if (!*name || strchr(name, '/')) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(name) > NAME_LEN) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return name;
}

static struct named *lookup(const char *name)
{
	int i;

	for (i = 0; i < NAMED_MAX; i++)
		if (tab->slot[i].used && tab->slot[i].linked && !strcmp(tab->slot[i].name, name))
			return &tab->slot[i];
	return NULL;
}

static struct named *create(const char *name, unsigned value)
{
	struct named *n;
	int i;

	for (i = 0; i < NAMED_MAX && tab->slot[i].used; i++)
		;
	if (i == NAMED_MAX) {
		errno = ENFILE;
		return NULL;
	}
	n = &tab->slot[i];
	if (rpt_real.sem_init(&n->sem, 1, value))
		return NULL;
	n->users = 0;
	n->used = n->linked = true;
	strcpy(n->name, name);
	return n;
}

/* Finds or makes the semaphore, and counts this open. */
static struct named *open_named(const char *name, int oflag, unsigned value)
{
	struct named *n = lookup(name);

	if (n && (oflag & O_CREAT) && (oflag & O_EXCL)) {
		errno = EEXIST;
		return NULL;
	}
	if (!n && !(oflag & O_CREAT)) {
		errno = ENOENT;
		return NULL;
	}
	if (!n && !(n = create(name, value)))
		return NULL;
	if (my_opens[n - tab->slot]++ == 0)
		n->users++;
	return n;
}

PT_API sem_t *sem_open(const char *name, int oflag, ...)
{
	unsigned value = 0;
	mode_t mode = 0;
	struct named *n;
	bool inside;

	if (oflag & O_CREAT) {
		va_list ap;

		va_start(ap, oflag);
		mode = (mode_t)va_arg(ap, int);
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	if (!rpt_on() || !tab)
		return rpt_real.sem_open(name, oflag, mode, value);
	if (!(name = bare(name)))
		return SEM_FAILED;
	if ((oflag & O_CREAT) && value > SEM_VALUE_MAX) {
		errno = EINVAL;
		return SEM_FAILED;
	}
	inside = take();
	n = open_named(name, oflag, value);
	release(inside);
	if (!n)
		return SEM_FAILED;
	if (my_opens[n - tab->slot] == 1)
		rpt_dom_create(&n->sem, true); /* replaces one a closed slot left */
	return &n->sem;
}

PT_API int sem_unlink(const char *name)
{
	struct named *n;
	bool inside;

	if (!rpt_on() || !tab)
		return rpt_real.sem_unlink(name);
	if (!(name = bare(name)))
		return -1;
	inside = take();
	n = lookup(name);
	if (n) {
		n->linked = false;
		if (!n->users)
			n->used = false;
	}
	release(inside);
	if (!n) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int rpt_named_close(sem_t *s)
{
	struct named *n = (struct named *)s;
	bool inside, gone = false, last = false;
	int i;

	if (!tab || n < tab->slot || n >= tab->slot + NAMED_MAX)
		return 1;
	i = (int)(n - tab->slot);
	inside = take();
	if (my_opens[i] && --my_opens[i] == 0) {
		gone = true;
		last = --n->users == 0;
		if (last && !n->linked)
			n->used = false;
	}
	release(inside);
	if (!gone && !my_opens[i]) {
		errno = EINVAL;
		return -1;
	}
	/* the domain is shared with the processes that still have it open:
	 * the last one to close it destroys it */
	if (last)
		rpt_dom_destroy(s);
	else if (gone)
		rpt_dom_forget(s);
	return 0;
}
