/* <replicant.h>: sequential regions for programs run under replicant.
 *
 * Threads of every replica enter the sequential regions of one domain in the
 * same order, and regions of one domain are mutually exclusive within a
 * replica. Place a region around each critical section whose order can change
 * what the program outputs, usually just outside the lock:
 *
 *	BEGIN_SEQ_REGION(&q->lock);
 *	pthread_mutex_lock(&q->lock);
 *	...
 *	pthread_mutex_unlock(&q->lock);
 *	END_SEQ_REGION(&q->lock);
 *
 * A domain is named by a label (any long; the address of the lock it stands
 * for is the usual one). Domain 0 exists from the start. Domains are matched
 * across replicas by the order of init_dom() calls, not by their labels, so
 * call init_dom() in the same order in every replica: before threads start,
 * or inside a region of domain 0.
 *
 * Every call returns 0 or an error number (as pthread functions do); none
 * prints, exits or sets errno. Outside replicant the calls do next to
 * nothing: begin_seq()/end_seq() only count the calling thread's nesting.
 * See lib/README.md for each call's errors.
 *
 * Build: cc prog.c $(pkg-config --cflags --libs replicant)
 */
#ifndef REPLICANT_H
#define REPLICANT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Creates the domain named label. EEXIST: label already names a domain or
 * an alias (0 always does); ENOMEM: out of domains or memory. */
int init_dom(long label);

/* Destroys the domain named label (or by its alias), and its alias. EINVAL:
 * no such domain; EPERM: domain 0; EBUSY: a thread is inside one of its
 * regions. */
int destroy_dom(long label);

/* Makes alias a second name of label's domain, replacing its previous alias
 * (a domain has at most one). EINVAL: label names no domain; EEXIST: alias
 * already names another domain. */
int alias_dom(long label, long alias);

/* Enters a sequential region of label's domain; waits for this thread's turn.
 * Nested entry by the holder is counted. EINVAL: no such domain; EAGAIN:
 * nesting too deep; EPROTO: the shared order log is inconsistent. */
int begin_seq(long label);

/* Leaves the innermost region of label's domain. EINVAL: no such domain;
 * EPERM: the calling thread is not inside a region of it. */
int end_seq(long label);

#define BEGIN_SEQ_REGION(label) begin_seq((long)(label))
#define END_SEQ_REGION(label) end_seq((long)(label))

#ifdef __cplusplus
}
#endif

#endif
