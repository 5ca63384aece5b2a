/* The monitor's side of sequential regions (lib/protocol.h): the regions
 * and their HELLO (seq.c), the watchdog and the stall reports
 * (seqwatch.c). */
#ifndef REPLICANT_SEQ_H
#define REPLICANT_SEQ_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "model/model.h"

/* A domain where a replica stopped behind its peers. */
struct seq_stall {
	int gid;			/* the peer group that said HELLO */
	uint32_t slot;			/* the domain */
	uint64_t waited_ns;
	uint64_t turn[MAX_REPLICAS];	/* each replica's position in its log */
};

void seq_init(void);
/* HELLO (the M_EACH of calls/regions.c's h_hello): the region of e's
 * position, installed in p's process; the answer is p's replica index. */
struct answer seq_hello(struct entry *e, struct peer *p, struct call *c);
/* Replica idx is gone: the regions stop waiting for it. */
void seq_replica_gone(int idx);
/* Replica idx's process pr exited or replaced its program. */
void seq_proc_gone(int idx, struct proc *pr);
/* A fork child keeps its parent's regions mapped (the library then unmaps
 * all but its tree's first one). */
void seq_proc_forked(struct proc *child, const struct proc *parent);
/* Called often by the main loop; scans once a second. True with *st
 * filled when a domain stalled. */
bool seq_check_stall(struct seq_stall *st);
/* The domains where live replicas are at different places, with the
 * thread each one waits for, as text and JSON; how many (at most 8). */
int seq_describe_lag(FILE *txt, FILE *js);
/* What thread tid of process pid waits for, in words, for a stall report:
 * its turn in a domain, log room, another futex, or a syscall. */
void seq_describe_wait(pid_t pid, pid_t tid, char *buf, size_t n);

#endif
