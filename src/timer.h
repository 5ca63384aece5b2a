/* alarm, setitimer, getitimer: timers the monitor keeps (timer.c). */
#ifndef REPLICANT_TIMER_H
#define REPLICANT_TIMER_H

#include "monitor.h"

enum mode timer_classify(struct peer *p, struct call *c);
int timer_prepare(struct entry *e);

#endif
