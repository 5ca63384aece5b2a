/* A test program's replica index under replicant: the rank of its real pid
 * among the processes that share its parent (replicant starts the replicas
 * in order, so their pids rise). The parent is the monitor, whose /proc is
 * out of every replica's reach, so the siblings are found by reading
 * /proc/N/stat for N from getpid() (the virtual pid: replica 0's real one)
 * on: the same paths in every replica, read once for all, each compared
 * with the replica's own real pid (its /proc/self, private). Run alone,
 * other children of its parent may count: callers take index 0 then. */
#ifndef REPLICA_INDEX_H
#define REPLICA_INDEX_H

#include <stdio.h>
#include <unistd.h>

#define REPLICA_PID_WINDOW 256

static int read_stat(const char *path, long *pid, long *ppid)
{
	char comm[256], state;
	FILE *f = fopen(path, "r");
	int n = f ? fscanf(f, "%ld %255s %c %ld", pid, comm, &state, ppid) : 0;

	if (f)
		fclose(f);
	return n == 4 ? 0 : -1;
}

/* The index, and in *count the number of replicas; -1 if unknown. */
static int replica_index(int *count)
{
	long pid, ppid, k, kpid, kppid;
	char path[64];
	int rank = 0, n = 0;

	if (read_stat("/proc/self/stat", &pid, &ppid) < 0)
		return -1;
	for (k = getpid(); k < (long)getpid() + REPLICA_PID_WINDOW; k++) {
		snprintf(path, sizeof(path), "/proc/%ld/stat", k);
		if (read_stat(path, &kpid, &kppid) < 0 || kppid != ppid)
			continue;
		n++;
		if (kpid < pid)
			rank++;
	}
	if (count)
		*count = n;
	return rank;
}

#endif
