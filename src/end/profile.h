/* --profile FILE: where the monitor's time goes, by call, written to FILE
 * when the run ends (bench/breakdown.sh reads it). Per notification: the
 * wait for the monitor lock, the monitor's own work on it with the lock
 * held, and sending the answers it queued. Per position of a list: how
 * long its first call waited for its peers before the call ran, and how
 * long the run took (a worker thread's queue included). Counted with
 * atomics from every monitor thread; nothing is counted without it. */
#ifndef REPLICANT_PROFILE_H
#define REPLICANT_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

struct entry;

extern bool profile_on;

/* One notification of call nr: nanoseconds waiting for the lock, working
 * with it held, and answering after it was dropped. */
void profile_notif(long nr, uint64_t lock_ns, uint64_t work_ns, uint64_t flush_ns);
/* e starts to run now; e ran to its end now. */
void profile_start(struct entry *e);
void profile_ran(struct entry *e);
/* Opens path for the table at the start (exit 125 if it cannot be
 * written), and writes the table there at the end of the run. */
void profile_open(const char *path);
void profile_write(uint64_t run_ns);

#endif
