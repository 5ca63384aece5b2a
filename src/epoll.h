/* epoll handlers (epoll.c). */
#ifndef REPLICANT_EPOLL_H
#define REPLICANT_EPOLL_H

#include "monitor.h"

extern const struct handler epoll_handlers[];

#endif
