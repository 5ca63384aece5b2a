/* A peer group's syscall list: its entries, kept in a ring by position
 * until every live replica has consumed them. */
#ifndef REPLICANT_LIST_H
#define REPLICANT_LIST_H

#include "model/model.h"

/* The entry at position seq of g, created when seq is the next one; NULL
 * if seq was collected already or lies beyond the next. */
struct entry *list_entry(struct group *g, uint64_t seq);
/* The oldest entry g keeps, or NULL. */
struct entry *list_head(const struct group *g);
/* The process that made replica r's call at e. */
struct proc *list_proc(const struct entry *e, int r);
/* The object behind descriptor argument i of replica r's call at e. */
struct fobj *list_fobj(const struct entry *e, int r, int i);
/* No replica's call has arrived at e yet. */
bool list_is_new(const struct entry *e);
/* Places replica p's call c at p's next position, the one way an entry
 * gets a call: a new entry takes mode m and handler h. Dies when the
 * position is taken (an internal error). */
struct entry *list_take(struct peer *p, struct call *c, enum mode m, const struct handler *h);
/* Keeps c, replica r's call at seq in g, among g's last PAST_CALLS calls;
 * list_past() finds one again (NULL: none kept at seq). */
void list_remember(struct group *g, int r, uint64_t seq, const struct call *c);
const struct past_call *list_past(const struct group *g, int r, uint64_t seq);
/* e keeps a reference to o until it is freed (e->held). */
void entry_hold(struct entry *e, struct fobj *o);
/* Frees the entries at the head that every live replica has consumed. */
void list_gc(struct group *g);

#endif
