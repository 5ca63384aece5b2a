/* End-to-end test of the HELLO handshake (lib/protocol.h) with a stand-in
 * for the monitor: a seccomp user-notification supervisor that answers only
 * REPLICANT_SYS_HELLO, as the monitor will. It formats a region in a memfd,
 * and for each of N replica processes installs the memfd with
 * SECCOMP_IOCTL_NOTIF_ADDFD, writes struct replicant_hello_v1 into the
 * replica and returns its index. Each replica is this program run again
 * (--replica): the library's constructor says HELLO, maps the region, and
 * the replicas then run regions in one shared domain. Prints TAP. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <replicant.h>

#include "orderlog.h"
#include "replicant_int.h"
#include "tap.h"

#define NREP 3
#define REGION_FD 100	/* where the supervisor puts the memfd in a replica */
#define ROUNDS 2000

/* ---- a replica ---------------------------------------------------------- */

/* Exit 0: attached as replica idx of NREP, the descriptor is closed, and
 * ROUNDS regions of one domain went through the shared log. */
static int replica(unsigned idx)
{
	static char lock;
	int i, err = 0;

	if (!rp_replicated() || rp_olog()->replica != idx || rp_olog()->n != NREP)
		return 2;
	if (fcntl(REGION_FD, F_GETFD) != -1 || errno != EBADF)
		return 3;
	rp_set_vtid(7);	/* the monitor would virtualise gettid() */
	err |= init_dom((long)&lock + idx);	/* a label of its own */
	for (i = 0; i < ROUNDS && !err; i++) {
		err |= BEGIN_SEQ_REGION((long)&lock + idx);
		err |= END_SEQ_REGION((long)&lock + idx);
	}
	return err ? 4 : 0;
}

/* ---- the supervisor (the monitor's side of HELLO) ------------------------ */

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, b = 0;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) < 0 ? -1 : 0;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	int fd;

	if (recvmsg(sock, &m, 0) <= 0 || !CMSG_FIRSTHDR(&m))
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return fd;
}

/* Forks replica idx under a filter that notifies HELLO only, and returns
 * the listener; the child runs this program again as that replica. */
static int spawn(unsigned idx, char *self, pid_t *pid)
{
	int sv[2], fd;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	*pid = fork();
	if (*pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		char arg[16];

		snprintf(arg, sizeof(arg), "%u", idx);
		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, REPLICANT_SYS_HELLO, 0) ||
		    seccomp_load(ctx) || send_fd(sv[1], seccomp_notify_fd(ctx)))
			_exit(10);
		execl(self, self, "--replica", arg, (char *)NULL);
		_exit(11);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	return fd;
}

/* Answers one HELLO: the memfd into the replica, the struct into its
 * memory, the index as the result. */
static int answer(int listener, unsigned idx, int memfd, uint64_t size)
{
	struct seccomp_notif req = { 0 };
	struct seccomp_notif_resp resp = { 0 };
	struct seccomp_notif_addfd addfd = { 0 };
	struct replicant_hello_v1 h = { 0 };
	struct iovec local, remote;
	int fd;

	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return -1;
	resp.id = req.id;
	if (req.data.nr != REPLICANT_SYS_HELLO || req.data.args[0] != REPLICANT_PROTOCOL_VERSION ||
	    req.data.args[2] < sizeof(h)) {
		resp.error = -EPROTONOSUPPORT;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		return -1;
	}
	addfd = (struct seccomp_notif_addfd){ .id = req.id, .flags = SECCOMP_ADDFD_FLAG_SETFD,
					      .srcfd = (uint32_t)memfd, .newfd = REGION_FD,
					      .newfd_flags = O_CLOEXEC };
	fd = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	h = (struct replicant_hello_v1){ .version = REPLICANT_PROTOCOL_VERSION, .replica = idx,
					 .nreplicas = NREP, .fd = fd, .size = size,
					 .spin_iters = 0 };
	local = (struct iovec){ &h, sizeof(h) };
	remote = (struct iovec){ (void *)(uintptr_t)req.data.args[1], sizeof(h) };
	if (fd < 0 || process_vm_writev(req.pid, &local, 1, &remote, 1, 0) != sizeof(h) ||
	    ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) < 0)
		return -1;
	resp.val = idx;
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int main(int argc, char **argv)
{
	const struct olog_geom g = { .nreplicas = NREP, .dom_max = 64, .log_cap = 16,
				     .init_cap = 16 };
	size_t size = olog_region_size(&g);
	int memfd, listener[NREP], answered = 0, exits = 0, status;
	unsigned r, turns;
	struct rp_region *rg;
	struct olog view;
	pid_t pid[NREP];

	if (argc == 3 && !strcmp(argv[1], "--replica"))
		return replica((unsigned)atoi(argv[2]));
	plan(3);
	ok(!rp_replicated(), "without a supervisor HELLO is ENOSYS: pass-through");

	memfd = memfd_create("replicant-seq", MFD_CLOEXEC);
	rg = memfd < 0 || ftruncate(memfd, (off_t)size) ? MAP_FAILED :
		mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (rg == MAP_FAILED || olog_format(rg, size, &g)) {
		ok(0, "a region in a memfd");
		return tap_exit();
	}
	for (r = 0; r < NREP; r++)
		listener[r] = spawn(r, "/proc/self/exe", &pid[r]);
	for (r = 0; r < NREP; r++)
		answered += listener[r] >= 0 && answer(listener[r], r, memfd, size) == 0;
	for (r = 0; r < NREP; r++)
		if (waitpid(pid[r], &status, 0) == pid[r] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			exits++;
	ok(answered == NREP, "the supervisor answered each replica's HELLO");
	turns = 0;
	if (!olog_open(&view, rg, size, 0, 0))
		for (r = 0; r < NREP; r++)
			turns += olog_turn(&view, 1, r) == ROUNDS;
	ok(exits == NREP && turns == NREP,
	   "each replica mapped the region, closed the descriptor, and ran its regions in "
	   "the one domain its first init_dom matched");
	return tap_exit();
}
