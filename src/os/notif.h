/* The seccomp notification ioctls on a replica's listener. */
#ifndef REPLICANT_NOTIF_H
#define REPLICANT_NOTIF_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

/* Sends an answer. 0, or -errno: -ENOENT when the thread is gone (killed,
 * or interrupted by a signal it did not survive), which is no error. */
int notif_send(int listener, const struct seccomp_notif_resp *resp);
/* The notification id is still the thread's current call: what was read
 * from its memory is what the call passes. */
bool notif_id_valid(int listener, uint64_t id);
/* Whether the kernel has SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux
 * 5.19): with it, a thread whose call the monitor has received stays in
 * that call until it is answered or dies, so what was read from its memory
 * is what the call passes, with no ID_VALID round trip to confirm it. */
bool notif_killable_recv(void);
/* Installs the monitor's descriptor mfd into the notifying thread's
 * process, at target (or the lowest free number when target < 0). With
 * send, the installation is the call's answer (SECCOMP_ADDFD_FLAG_SEND).
 * The number, or -errno. */
int notif_addfd(int listener, uint64_t id, int mfd, int target, bool cloexec, bool send);

#endif
