/* What monitor.c shares with tracer.c (ptrace events) and forward.c
 * (signals sent to replicant). Everything here is used with mon_lock held. */
#ifndef REPLICANT_MONITOR_INT_H
#define REPLICANT_MONITOR_INT_H

#include "monitor.h"

extern struct group group0;		/* the initial thread's peer group */
extern struct group *all_groups;	/* every group, newest first */
extern int ngroups;
extern bool run_over;			/* the run ends: start nothing, kill what is left */
extern int run_end_code;		/* exit code decided by a divergence, refusal, signal */
extern bool run_exit_agreed;		/* a majority agreed on the initial exit_group */

/* monitor.c */
void peer_add(struct peer *p);
struct peer *peer_find(pid_t tid);
void peer_remove(struct peer *p);
struct entry *group_entry(struct group *g, uint64_t seq);
bool entry_is_new(const struct entry *e);
void group_gc(struct group *g);
void examine(struct entry *e);
void deliver(struct entry *e, struct peer *p);
void arrive(struct peer *p, struct call *c);
void end_run(int code);
void settle_close(struct peer *p);
bool on_tracer_thread(void);

/* tempname.c */
void tempname_align(const struct entry *e, struct peer *p, struct call *c);

void monitor_start_input(struct entry *e, int r);

/* provisional.c */
void provisional_check(struct group *g);
bool provisional_holds(const struct peer *p);
void provisional_settle(struct entry *e);

/* tracer.c */
void tracer_on_sigchld(void);
void wait_follow(struct entry *e, struct peer *p);
void wait_abandon(struct peer *p);
void peer_signal(struct peer *p, int sig);
int tracer_start_delayed(void);

/* forward.c: signals delivered at a position */
bool fwd_pending(void);
bool fwd_within(uint64_t ns);
bool fwd_targets(const struct group *g);
bool fwd_sending(const struct group *g, int sig);
void fwd_check(void);
void forward_signal(int sig);
bool signal_group(struct group *g, int sig, bool external);
void fwd_forget(const struct group *g);

/* timer.c: alarm and ITIMER_REAL */
int timer_check(void);
void timer_forget(const struct group *g);

#endif
