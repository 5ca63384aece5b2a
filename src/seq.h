/* The monitor's side of sequential regions (seq.c, lib/protocol.h). */
#ifndef REPLICANT_SEQ_H
#define REPLICANT_SEQ_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "monitor.h"

/* A domain where a replica stopped behind its peers. */
struct seq_stall {
	int gid;			/* the peer group that said HELLO */
	uint32_t slot;			/* the domain */
	uint64_t waited_ns;
	uint64_t turn[MAX_REPLICAS];	/* each replica's position in its log */
};

void seq_init(void);
enum mode seq_hello_classify(struct peer *p, struct call *c);
int seq_hello_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont);
enum mode seq_decide_classify(struct peer *p, struct call *c);
int seq_decide_prepare(struct entry *e);
enum mode seq_misuse_classify(struct peer *p, struct call *c);
int seq_misuse_prepare(struct entry *e);
void seq_replica_gone(int idx);
void seq_proc_gone(int idx, struct proc *pr);
/* A fork child keeps its parent's regions mapped (the library then unmaps
 * all but its tree's first one). */
void seq_proc_forked(struct proc *child, const struct proc *parent);
bool seq_check_stall(struct seq_stall *st);
int seq_describe_lag(FILE *txt, FILE *js);
/* What thread tid of process pid waits for, in words, for a stall report:
 * its turn in a domain, log room, another futex, or a syscall. */
void seq_describe_wait(pid_t pid, pid_t tid, char *buf, size_t n);

#endif
