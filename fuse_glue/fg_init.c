/* SPDX-License-Identifier: MIT */
/*
 * FUSE_INIT, kernel side: what we offer, the blocking wait for the answer
 * (polling the socket and the child's pidfd against a deadline), and the
 * evaluation of the answer into struct fg_info.
 *
 * Protocol: we send FUSE_KERNEL_VERSION.FUSE_KERNEL_MINOR_VERSION from
 * <linux/fuse.h> and use the smaller minor of both sides. A backend must
 * answer major 7 and minor >= FG_MIN_MINOR (7.19): older layouts differ in
 * request and reply sizes we do not carry. A backend answering another
 * major would, by the protocol, expect a second INIT with its major; we
 * speak only 7 and say so instead. Splice is never offered.
 */
#include "fg_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

/*
 * What we offer, and why (a 9P gateway is the "kernel" here):
 * ASYNC_READ      several READs of one file in flight (split Treads)
 * POSIX_LOCKS     Tlock/Tgetlock go to the backend as SETLK/GETLK
 * FLOCK_LOCKS     flock-style SETLK, for clients that emulate flock
 * ATOMIC_O_TRUNC  O_TRUNC in OPEN, no separate SETATTR(size)
 * EXPORT_SUPPORT  lookups of "." and ".." are allowed
 * BIG_WRITES      writes above a page (implied today, still announced)
 * MAX_PAGES       max_write up to 1 MiB
 * DONT_MASK       the mode we send is final (9P clients apply the umask)
 * DO_READDIRPLUS  for 9P2000(.u) directory reads, which need attributes
 * PARALLEL_DIROPS we do not serialise operations per directory
 * HANDLE_KILLPRIV we never send the SETATTR that clears suid on write;
 *                 the backend must do it itself
 * Not offered: splice (never), writeback/auto-inval caching (no cache
 * here), NO_OPEN(DIR)_SUPPORT (we always need a handle), POSIX_ACL, and
 * INIT_EXT, as nothing in flags2 serves 9P.
 */
#define FG_INIT_WANT                                                           \
	((uint64_t)(FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS |    \
	            FUSE_ATOMIC_O_TRUNC | FUSE_EXPORT_SUPPORT |                \
	            FUSE_BIG_WRITES | FUSE_MAX_PAGES | FUSE_DONT_MASK |        \
	            FUSE_DO_READDIRPLUS | FUSE_PARALLEL_DIROPS |               \
	            FUSE_HANDLE_KILLPRIV))

static void
init_eval(struct fg_session *s, const void *data, size_t len)
{
	struct fuse_init_out io;
	uint32_t minor, mw;
	uint64_t flags;

	memset(&io, 0, sizeof(io));
	memcpy(&io, data, len < sizeof(io) ? len : sizeof(io));
	if (io.major != FUSE_KERNEL_VERSION || io.minor < FG_MIN_MINOR) {
		s->init_err = -EPROTO;
		snprintf(s->init_why, sizeof(s->init_why),
		    "answered FUSE_INIT with protocol %u.%u, need 7.%u or "
		    "later",
		    io.major, io.minor, FG_MIN_MINOR);
		return;
	}
	minor = io.minor < FUSE_KERNEL_MINOR_VERSION
	            ? io.minor
	            : FUSE_KERNEL_MINOR_VERSION;
	if (len < fg_wire_out_min(FUSE_INIT, minor)) {
		s->init_err = -EPROTO;
		snprintf(s->init_why, sizeof(s->init_why),
		    "FUSE_INIT answer of %zu bytes is too short for 7.%u", len,
		    minor);
		return;
	}
	flags = io.flags;
	if (minor >= 36 && (io.flags & FUSE_INIT_EXT))
		flags |= (uint64_t)io.flags2 << 32;
	s->info.major = FUSE_KERNEL_VERSION;
	s->info.minor = minor;
	s->info.flags = flags & s->init_flags;
	s->info.max_readahead = io.max_readahead;
	s->info.time_gran = minor >= 23 ? io.time_gran : 0;
	mw = io.max_write;
	if (mw > s->init_cap)
		mw = s->init_cap;
	if ((s->info.flags & FUSE_MAX_PAGES) && io.max_pages > 0) {
		s->info.max_pages = io.max_pages;
		if ((uint64_t)io.max_pages * 4096 < mw)
			mw = (uint32_t)io.max_pages * 4096;
	}
	if (mw < FG_MIN_WRITE)
		mw = FG_MIN_WRITE;
	s->info.max_write = mw;
	s->max_read = mw;
	fg_sess_set_recv_payload(
	    s, mw > FG_MIN_RECV_PAYLOAD ? mw : FG_MIN_RECV_PAYLOAD);
	s->init_err = 0;
	s->state = FG_S_READY;
}

static void
init_done(struct fg_req *req, const struct fg_reply *rep, void *arg)
{
	struct fg_session *s = arg;

	(void)req;
	s->init_answered = true;
	if (s->state == FG_S_BROKEN) {
		/* The session broke before a usable answer came. */
		s->init_err = -EIO;
		snprintf(s->init_why, sizeof(s->init_why), "%s", s->why);
		return;
	}
	if (rep->error != 0) {
		s->init_err = -EPROTO;
		snprintf(s->init_why, sizeof(s->init_why),
		    "refused FUSE_INIT: %s", strerror(-rep->error));
		return;
	}
	init_eval(s, rep->data, rep->len);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Peek at the child's exit (not reaping it). Returns true and a wait
 * status if it has exited. */
static bool
peek_exit(int pidfd, int wait_ms, int *status)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	siginfo_t si;

	if (pidfd < 0 || poll(&p, 1, wait_ms) <= 0)
		return false;
	memset(&si, 0, sizeof(si));
	if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si,
	        WEXITED | WNOHANG | WNOWAIT) != 0 ||
	    si.si_pid == 0)
		return false;
	if (si.si_code == CLD_EXITED)
		*status = (si.si_status & 0xff) << 8;
	else
		*status = (si.si_status & 0x7f) |
		          (si.si_code == CLD_DUMPED ? 0x80 : 0);
	return true;
}

static void
describe_death(
    struct fg_session *s, int pidfd, long left_ms, char *err, size_t err_len)
{
	char how[96];
	int status;

	if (peek_exit(pidfd, left_ms < 2000 ? (int)left_ms : 2000, &status)) {
		fg_describe_status(status, how, sizeof(how));
		snprintf(err, err_len, "%s before answering FUSE_INIT%s", how,
		    WIFEXITED(status) && WEXITSTATUS(status) == 0
		        ? " (a FUSE program must stay in the foreground)"
		        : "");
	} else if (s->peer_gone) {
		snprintf(err, err_len,
		    "closed the FUSE connection before answering FUSE_INIT");
	} else {
		snprintf(err, err_len, "bad answer to FUSE_INIT: %s", s->why);
	}
}

int
fg_session_init(struct fg_session *s, uint32_t want_max_write, int pidfd,
    int timeout_ms, char *err, size_t err_len)
{
	struct fuse_init_in ii;
	struct iovec iov[2];
	struct timespec t0;
	struct fg_req *r;
	size_t room = s->max_msg > FG_HDR_SLACK ? s->max_msg - FG_HDR_SLACK : 0;
	uint32_t cap = want_max_write != 0 ? want_max_write : FG_MAX_WRITE_CAP;
	int rc;

	if (s->state != FG_S_NEW) {
		snprintf(err, err_len, "FUSE_INIT was already sent");
		return -EINVAL;
	}
	if (cap > FG_MAX_WRITE_CAP)
		cap = FG_MAX_WRITE_CAP;
	if (cap > room)
		cap = (uint32_t)room;
	cap &= ~(uint32_t)(FG_MIN_WRITE - 1);
	if (cap < FG_MIN_WRITE)
		cap = FG_MIN_WRITE;
	s->init_cap = cap;
	s->init_flags = FG_INIT_WANT;

	memset(&ii, 0, sizeof(ii));
	ii.major = FUSE_KERNEL_VERSION;
	ii.minor = FUSE_KERNEL_MINOR_VERSION;
	ii.max_readahead = cap;
	ii.flags = (uint32_t)FG_INIT_WANT;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	r->opcode = FUSE_INIT;
	r->done = init_done;
	r->arg = s;
	r->out_min = FUSE_COMPAT_INIT_OUT_SIZE;
	r->out_max = (uint32_t)fg_sess_recv_cap(s);
	iov[1] = (struct iovec){&ii, sizeof(ii)};
	rc = fg_sess_submit_raw(
	    s, r, NULL, iov, 2, sizeof(struct fuse_in_header) + sizeof(ii));
	if (rc < 0) {
		free(r);
		snprintf(err, err_len, "sending FUSE_INIT: %s", strerror(-rc));
		return rc;
	}
	fg_sess_trace(s, "-> INIT unique %llu nodeid 0 7.%u max_write %u",
	    (unsigned long long)r->unique, FUSE_KERNEL_MINOR_VERSION, cap);
	s->state = FG_S_INIT;
	s->in_init = true;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = 0;
	while (!s->init_answered && s->state != FG_S_BROKEN) {
		struct pollfd p[2] = {
		    {.fd = s->fd,
		        .events =
		            (short)(POLLIN | (s->qhead != NULL ? POLLOUT : 0))},
		    {.fd = pidfd, .events = POLLIN},
		};
		long left = timeout_ms - ms_since(&t0);
		int n;

		if (left <= 0) {
			snprintf(err, err_len,
			    "no reply to FUSE_INIT within %d ms", timeout_ms);
			rc = -ETIMEDOUT;
			break;
		}
		n = poll(p, pidfd >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, err_len, "poll: %s", strerror(errno));
			rc = -errno;
			break;
		}
		if (p[0].revents & POLLOUT)
			(void)fg_session_on_writable(s);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			(void)fg_session_on_readable(s);
		if (!s->init_answered && s->state != FG_S_BROKEN &&
		    pidfd >= 0 && (p[1].revents & POLLIN)) {
			describe_death(s, pidfd, 0, err, err_len);
			rc = -EIO;
			break;
		}
	}
	if (rc == 0 && s->state == FG_S_BROKEN) {
		describe_death(
		    s, pidfd, timeout_ms - ms_since(&t0), err, err_len);
		rc = -EIO;
	} else if (rc == 0 && s->init_err != 0) {
		snprintf(err, err_len, "%s", s->init_why);
		rc = s->init_err;
	}
	s->in_init = false;
	if (rc != 0 && s->state != FG_S_BROKEN) {
		/* No requests can be pending yet except INIT: the session is
		 * unusable; fg_session_free will not send DESTROY. */
		s->closing = true; /* no callbacks from this break */
		fg_sess_break(s, "%s", err);
		s->closing = false;
	}
	return rc;
}

void
fg_session_set_max_read(struct fg_session *s, uint32_t max)
{
	if (max > s->info.max_write)
		max = s->info.max_write;
	if (max < FG_MIN_WRITE)
		max = FG_MIN_WRITE;
	s->max_read = max;
	fg_sess_set_recv_payload(
	    s, max > FG_MIN_RECV_PAYLOAD ? max : FG_MIN_RECV_PAYLOAD);
}
