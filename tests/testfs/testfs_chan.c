/* SPDX-License-Identifier: MIT */
/*
 * testfs: the raw channel under libfuse (fuse_session_custom_io). Every
 * request is counted and logged here as it arrives, including the ones
 * libfuse handles itself (INTERRUPT, FORGET); "--interrupts=enosys" answers
 * FUSE_INTERRUPT here; "--bad" replies are mangled on their way out. The
 * -1/errno convention of the read and writev hooks is libfuse's.
 */
#include "testfs_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* ------------------------------------------------------ channel layer */

static pthread_mutex_t stat_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t op_counts[T_NOPS + 1]; /* [T_NOPS]: anything else */
static uint64_t ninterrupts;
static FILE *log_file;

/* Uniques whose reply is to be malformed, and how. */
struct t_bad_pending {
	uint64_t unique;
	enum t_bad_mode mode;
};
static pthread_mutex_t bad_lock = PTHREAD_MUTEX_INITIALIZER;
static struct t_bad_pending *bad_pending;
static size_t nbad_pending;

/* A NUL-terminated name at body+off, or NULL; never reads past len. */
static const char *
body_name(const char *body, size_t len, size_t off)
{
	if (off >= len || memchr(body + off, '\0', len - off) == NULL)
		return NULL;
	return body + off;
}

static void
log_name(FILE *f, const char *key, const char *s)
{
	fprintf(f, " %s=", key);
	for (size_t i = 0; s[i] != '\0' && i < 255; i++)
		fputc(s[i] > ' ' && s[i] < 127 ? s[i] : '?', f);
}

/* The request's first and second names, as rules and the log see them. */
static void
request_names(const struct fuse_in_header *in, const char *body, size_t len,
    const char **name, const char **name2)
{
	size_t off = 0;

	*name = *name2 = NULL;
	switch (in->opcode) {
	case FUSE_LOOKUP:
	case FUSE_UNLINK:
	case FUSE_RMDIR:
	case FUSE_SYMLINK:
		off = 0;
		break;
	case FUSE_MKDIR:
		off = sizeof(struct fuse_mkdir_in);
		break;
	case FUSE_MKNOD:
		off = sizeof(struct fuse_mknod_in);
		break;
	case FUSE_CREATE:
		off = sizeof(struct fuse_create_in);
		break;
	case FUSE_RENAME:
		off = sizeof(struct fuse_rename_in);
		break;
	case FUSE_RENAME2:
		off = sizeof(struct fuse_rename2_in);
		break;
	case FUSE_LINK:
		off = sizeof(struct fuse_link_in);
		break;
	case FUSE_GETXATTR:
		off = sizeof(struct fuse_getxattr_in);
		break;
	case FUSE_SETXATTR:
		off = FUSE_COMPAT_SETXATTR_IN_SIZE;
		break;
	case FUSE_REMOVEXATTR:
		off = 0;
		break;
	default:
		return;
	}
	*name = body_name(body, len, off);
	if (*name != NULL &&
	    (in->opcode == FUSE_SYMLINK || in->opcode == FUSE_RENAME ||
	        in->opcode == FUSE_RENAME2))
		*name2 = body_name(body, len, off + strlen(*name) + 1);
}

/*
 * FORGET and BATCH_FORGET are applied here, as they arrive, not in the
 * operation callbacks: libfuse's multi-threaded loop may drop a request it
 * has read once the session is ending, and the report must count every
 * FORGET the peer sent.
 */
static void
apply_forgets(const struct fuse_in_header *in, const char *body, size_t len)
{
	struct fuse_batch_forget_in b;
	struct fuse_forget_in f;
	struct fuse_forget_one one;

	pthread_mutex_lock(&t_lock);
	if (in->opcode == FUSE_FORGET && len >= sizeof(f)) {
		memcpy(&f, body, sizeof(f));
		t_forget_one(in->nodeid, f.nlookup);
	} else if (in->opcode == FUSE_BATCH_FORGET && len >= sizeof(b)) {
		memcpy(&b, body, sizeof(b));
		for (size_t i = 0;
		     i < b.count && (len - sizeof(b)) / sizeof(one) > i; i++) {
			memcpy(&one, body + sizeof(b) + i * sizeof(one),
			    sizeof(one));
			t_forget_one(one.nodeid, one.nlookup);
		}
	}
	pthread_mutex_unlock(&t_lock);
}

/* Count, log and mark one request (buf holds n >= header bytes). */
static void
note_request(const char *buf, size_t n, const struct fuse_in_header *in)
{
	const char *body = buf + sizeof(*in), *name, *name2;
	size_t len = n - sizeof(*in);
	const char *opname = t_op_name(in->opcode);
	char node_name[256];
	struct t_bad_pending *v;
	enum t_bad_mode mode;
	uint64_t target = 0;

	if (in->opcode == FUSE_FORGET || in->opcode == FUSE_BATCH_FORGET)
		apply_forgets(in, body, len);
	request_names(in, body, len, &name, &name2);
	if (in->opcode == FUSE_INTERRUPT &&
	    len >= sizeof(struct fuse_interrupt_in))
		memcpy(&target, body, sizeof(target));

	pthread_mutex_lock(&stat_lock);
	op_counts[in->opcode < T_NOPS ? in->opcode : T_NOPS]++;
	if (in->opcode == FUSE_INTERRUPT)
		ninterrupts++;
	if (log_file != NULL) {
		if (opname != NULL)
			fputs(opname, log_file);
		else
			fprintf(log_file, "OP%u", in->opcode);
		fprintf(log_file, " unique=%llu nodeid=%llu",
		    (unsigned long long)in->unique,
		    (unsigned long long)in->nodeid);
		if (name != NULL)
			log_name(log_file, "name", name);
		if (name2 != NULL)
			log_name(log_file, "name2", name2);
		if (in->opcode == FUSE_INTERRUPT)
			fprintf(log_file, " target=%llu",
			    (unsigned long long)target);
		fputc('\n', log_file);
		fflush(log_file);
	}
	pthread_mutex_unlock(&stat_lock);

	if (name == NULL) {
		const char *nn;

		pthread_mutex_lock(&t_lock);
		nn = t_node_name(in->nodeid);
		snprintf(node_name, sizeof(node_name), "%s", nn ? nn : "");
		pthread_mutex_unlock(&t_lock);
		name = node_name;
	}
	if (!t_rules_bad(in->opcode, name, &mode))
		return;
	pthread_mutex_lock(&bad_lock);
	v = realloc(bad_pending, (nbad_pending + 1) * sizeof(*v));
	if (v != NULL) {
		bad_pending = v;
		v[nbad_pending].unique = in->unique;
		v[nbad_pending].mode = mode;
		nbad_pending++;
	}
	pthread_mutex_unlock(&bad_lock);
}

static void
channel_gone(void)
{
	pthread_mutex_lock(&t_lock);
	t_exiting = true;
	pthread_cond_broadcast(&t_wake);
	pthread_mutex_unlock(&t_lock);
}

/*
 * libfuse's read of the channel. Besides counting and logging, this is
 * where "--interrupts=enosys" lives: libfuse answers FUSE_INTERRUPT itself
 * and never with ENOSYS, so such messages are answered here and never
 * reach it. EOF becomes ENODEV, libfuse's clean "unmounted" exit. The
 * -1/errno convention is libfuse's.
 */
/* Handle what one read() gave. Returns what chan_read returns, or sets
 * *again when the message was answered here. */
static ssize_t
chan_take(int fd, void *buf, ssize_t n, bool *again)
{
	struct fuse_in_header in;
	struct fuse_out_header out;

	*again = false;
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return n;
	if (n <= 0) {
		channel_gone();
		errno = ENODEV;
		return -1;
	}
	if ((size_t)n < sizeof(in))
		return n;
	t_control_check();
	memcpy(&in, buf, sizeof(in));
	note_request(buf, (size_t)n, &in);
	if (in.opcode != FUSE_INTERRUPT || t_int_mode() != T_INT_ENOSYS)
		return n;
	out.len = sizeof(out);
	out.error = -ENOSYS;
	out.unique = in.unique;
	if (write(fd, &out, sizeof(out)) == -1 && errno == EPIPE) {
		channel_gone();
		errno = ENODEV;
		return -1;
	}
	*again = true;
	return 0;
}

static ssize_t
chan_read(int fd, void *buf, size_t len, void *userdata)
{
	bool again;
	ssize_t n;
	int old;

	(void)userdata;
	do {
		/* libfuse lets its workers be cancelled only while they wait
		 * here; once a message is in, it must be handled whole (locks
		 * are taken below), so no cancellation until we return. */
		n = read(fd, buf, len);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
		n = chan_take(fd, buf, n, &again);
		pthread_setcancelstate(old, NULL);
	} while (again);
	return n;
}

/* Take the pending bad mode of unique, if any. */
static bool
bad_take(uint64_t unique, enum t_bad_mode *mode)
{
	bool found = false;

	pthread_mutex_lock(&bad_lock);
	for (size_t i = 0; i < nbad_pending; i++) {
		if (bad_pending[i].unique == unique) {
			*mode = bad_pending[i].mode;
			bad_pending[i] = bad_pending[--nbad_pending];
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&bad_lock);
	return found;
}

/* Send the reply in iov malformed as mode says; claim it all went out. */
static ssize_t
send_bad(int fd, const struct iovec *iov, int count, enum t_bad_mode mode)
{
	struct fuse_out_header out;
	size_t total = 0, pos = 0, send_len;
	unsigned char *buf;
	uint64_t x;
	ssize_t r;

	for (int i = 0; i < count; i++)
		total += iov[i].iov_len;
	buf = malloc(total + 4096);
	if (buf == NULL)
		return -1;
	for (int i = 0; i < count; i++) {
		memcpy(buf + pos, iov[i].iov_base, iov[i].iov_len);
		pos += iov[i].iov_len;
	}
	memcpy(&out, buf, sizeof(out));
	send_len = total;
	switch (mode) {
	case T_BAD_SHORT:
		send_len = total > sizeof(out)
		               ? sizeof(out) + (total - sizeof(out)) / 2
		               : sizeof(out) / 2;
		break;
	case T_BAD_UNIQUE:
		out.unique ^= 1ULL << 62;
		memcpy(buf, &out, sizeof(out));
		break;
	case T_BAD_OVERSIZE:
		memset(buf + total, 0xab, 4096);
		send_len = total + 4096;
		out.len = (uint32_t)send_len;
		memcpy(buf, &out, sizeof(out));
		break;
	case T_BAD_GARBAGE:
		x = out.unique * 0x9e3779b97f4a7c15ULL + 1;
		send_len = 64;
		for (size_t i = 0; i < send_len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (unsigned char)x;
		}
		break;
	}
	r = write(fd, buf, send_len);
	free(buf);
	return r == -1 ? -1 : (ssize_t)total;
}

static ssize_t
chan_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	struct fuse_out_header out;
	enum t_bad_mode mode;
	ssize_t n;

	(void)userdata;
	if (count > 0 && iov[0].iov_len >= sizeof(out)) {
		memcpy(&out, iov[0].iov_base, sizeof(out));
		if (bad_take(out.unique, &mode))
			return send_bad(fd, iov, count, mode);
	}
	n = writev(fd, iov, count);
	/* The peer is gone: to libfuse, the request no longer exists. */
	if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
		errno = ENOENT;
	return n;
}

const struct fuse_custom_io t_chan_io = {
    .read = chan_read,
    .writev = chan_writev,
};

void
t_chan_set_log(FILE *f)
{
	log_file = f;
}

void
t_chan_report(FILE *f)
{
	pthread_mutex_lock(&stat_lock);
	for (uint32_t i = 0; i <= T_NOPS; i++) {
		const char *name = i < T_NOPS ? t_op_name(i) : NULL;

		if (op_counts[i] != 0)
			fprintf(f, "ops %s %llu\n", name ? name : "OTHER",
			    (unsigned long long)op_counts[i]);
	}
	fprintf(f, "interrupts %llu\n", (unsigned long long)ninterrupts);
	pthread_mutex_unlock(&stat_lock);
}

void
t_chan_fini(void)
{
	free(bad_pending);
	bad_pending = NULL;
	nbad_pending = 0;
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}
