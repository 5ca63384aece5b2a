/* Divergence and stall reports: readable text on stderr, JSON with --report. */
#ifndef REPLICANT_REPORT_H
#define REPLICANT_REPORT_H

#include <stdint.h>

#include "model/model.h"
#include "table/vote.h"

/* A divergence at entry e; action says what replicant does about it. */
void report_divergence(const struct entry *e, const struct tally *t, const char *action);
/* A replica that did not reach entry e within the stall timeout. */
void report_stall(const struct entry *e, uint32_t missing, uint64_t waited_ns, const char *action);
/* A domain of sequential regions where a replica stopped behind. */
struct seq_stall;
void report_region_stall(const struct seq_stall *st, const char *action);
/* Replica r of the process of peer group gid was let go from its order
 * logs: in domain slot it waited for thread vtid, which (why). */
void report_released(int gid, int r, uint32_t slot, uint32_t vtid, const char *why);
/* Replica r passed n entries of thread vtid, which ended there without
 * making them, in domain slot (seqrelease.c): the report only. */
void report_passed(int gid, int r, uint32_t slot, uint32_t vtid, int n);
/* A sequential-region call that failed in peer group gid (thread vtid). */
void report_misuse(int gid, int vtid, const char *what);
/* Opens the --report file before anything runs: one that cannot be
 * written ends replicant with 125 before the program starts. */
void report_open(void);
/* Writes the JSON report file, if --report was given, for a run that ends. */
void report_finish(int exit_code);

#endif
