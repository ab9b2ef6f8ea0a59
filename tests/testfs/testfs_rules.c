/* SPDX-License-Identifier: MIT */
/*
 * testfs: the rules (--block, --error, --bad, --interrupts), the control
 * file that adds to them at run time, and the gate every operation passes:
 * injected errors and waits that end by time, by FUSE_INTERRUPT (honour
 * mode) or when the channel closes. The syntax is documented in testfs.c.
 */
#include "testfs_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* Does a rule for rule_op apply to opcode? RENAME covers RENAME2 and
 * SETLK covers SETLKW, as the operations handle both. */
static bool
op_matches(uint32_t rule_op, uint32_t opcode)
{
	return rule_op == opcode ||
	       (rule_op == FUSE_RENAME && opcode == FUSE_RENAME2) ||
	       (rule_op == FUSE_SETLK && opcode == FUSE_SETLKW);
}

/* -------------------------------------------------------------- rules */

enum t_rule_kind { T_RULE_BLOCK, T_RULE_ERROR, T_RULE_BAD };

struct t_rule {
	enum t_rule_kind kind;
	char *name; /* NULL: any (bad without NAME) */
	uint32_t op;
	long ms; /* block: -1 until interrupted */
	int err; /* error: positive errno */
	enum t_bad_mode bad;
	bool from_control;
};

static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;
static struct t_rule *rules;
static size_t nrules;
static enum t_int_mode cli_int_mode = T_INT_HONOUR;
static int ctl_int_mode = -1;

static const struct {
	const char *name;
	int err;
} errno_names[] = {
    {"EPERM", EPERM},
    {"ENOENT", ENOENT},
    {"EINTR", EINTR},
    {"EIO", EIO},
    {"ENXIO", ENXIO},
    {"EBADF", EBADF},
    {"EAGAIN", EAGAIN},
    {"ENOMEM", ENOMEM},
    {"EACCES", EACCES},
    {"EBUSY", EBUSY},
    {"EEXIST", EEXIST},
    {"EXDEV", EXDEV},
    {"ENOTDIR", ENOTDIR},
    {"EISDIR", EISDIR},
    {"EINVAL", EINVAL},
    {"ENFILE", ENFILE},
    {"EMFILE", EMFILE},
    {"EFBIG", EFBIG},
    {"ENOSPC", ENOSPC},
    {"EROFS", EROFS},
    {"EMLINK", EMLINK},
    {"ERANGE", ERANGE},
    {"ENAMETOOLONG", ENAMETOOLONG},
    {"ENOSYS", ENOSYS},
    {"ENOTEMPTY", ENOTEMPTY},
    {"ELOOP", ELOOP},
    {"ENODATA", ENODATA},
    {"EPROTO", EPROTO},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOTSUP", ENOTSUP},
    {"ETIMEDOUT", ETIMEDOUT},
    {"ESTALE", ESTALE},
    {"EDQUOT", EDQUOT},
    {"ENOTCONN", ENOTCONN},
};

static int
errno_parse(const char *s, int *err)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]);
	     i++) {
		if (strcasecmp(s, errno_names[i].name) == 0) {
			*err = errno_names[i].err;
			return 0;
		}
	}
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > 4095)
		return -EINVAL;
	*err = (int)v;
	return 0;
}

static int
int_mode_parse(const char *s, enum t_int_mode *m)
{
	if (strcmp(s, "honour") == 0 || strcmp(s, "honor") == 0)
		*m = T_INT_HONOUR;
	else if (strcmp(s, "ignore") == 0)
		*m = T_INT_IGNORE;
	else if (strcmp(s, "enosys") == 0)
		*m = T_INT_ENOSYS;
	else
		return -EINVAL;
	return 0;
}

static int
bad_parse(const char *s, enum t_bad_mode *m)
{
	static const char *const names[] = {
	    "short", "unique", "oversize", "garbage"};

	for (int i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*m = (enum t_bad_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Split s at ':' into at most max fields (s is modified). */
static size_t
split(char *s, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = s;
		s = strchr(s, ':');
		if (s == NULL)
			break;
		*s++ = '\0';
	}
	return s == NULL ? n : max + 1;
}

/* Parse one rule of the given kind from spec into *r. */
static int
rule_parse(enum t_rule_kind kind, const char *spec, struct t_rule *r)
{
	char *copy = strdup(spec), *f[3], *end;
	const char *name = NULL;
	size_t n;
	int err = -EINVAL;

	if (copy == NULL)
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->ms = -1;
	n = split(copy, f, 3);
	switch (kind) {
	case T_RULE_BLOCK:
		if (n < 2 || n > 3 || t_op_parse(f[1], &r->op) != 0)
			break;
		if (n == 3) {
			r->ms = strtol(f[2], &end, 10);
			if (*f[2] == '\0' || *end != '\0' || r->ms < 0)
				break;
		}
		name = f[0];
		err = 0;
		break;
	case T_RULE_ERROR:
		if (n != 3 || t_op_parse(f[1], &r->op) != 0 ||
		    errno_parse(f[2], &r->err) != 0)
			break;
		name = f[0];
		err = 0;
		break;
	case T_RULE_BAD:
		if (n < 2 || n > 3 || bad_parse(f[0], &r->bad) != 0 ||
		    t_op_parse(f[1], &r->op) != 0)
			break;
		name = n == 3 ? f[2] : NULL;
		err = 0;
		break;
	}
	if (err == 0 && name != NULL && strcmp(name, "*") != 0) {
		r->name = strdup(name);
		if (r->name == NULL)
			err = -ENOMEM;
	}
	free(copy);
	return err;
}

/* rules_lock held */
static int
rule_add(const struct t_rule *r)
{
	struct t_rule *v = realloc(rules, (nrules + 1) * sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	rules = v;
	rules[nrules++] = *r;
	return 0;
}

static bool
rule_matches(const struct t_rule *r, enum t_rule_kind kind, uint32_t opcode,
    const char *name)
{
	return r->kind == kind && op_matches(r->op, opcode) &&
	       (r->name == NULL ||
	           (name != NULL && strcmp(r->name, name) == 0));
}

enum t_int_mode
t_int_mode(void)
{
	enum t_int_mode m;

	pthread_mutex_lock(&rules_lock);
	m = ctl_int_mode >= 0 ? (enum t_int_mode)ctl_int_mode : cli_int_mode;
	pthread_mutex_unlock(&rules_lock);
	return m;
}

/* ------------------------------------------------------- control file */

static const char *control_path;
static struct stat control_st;
static bool control_seen;

/* rules_lock held */
static void
control_load(FILE *f)
{
	char line[1024];
	size_t j = 0;

	for (size_t i = 0; i < nrules; i++) {
		if (rules[i].from_control)
			free(rules[i].name);
		else
			rules[j++] = rules[i];
	}
	nrules = j;
	ctl_int_mode = -1;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *p = strchr(line, '#'), *word, *arg;
		enum t_rule_kind kind;
		enum t_int_mode m;
		struct t_rule r;

		if (p != NULL)
			*p = '\0';
		word = strtok(line, " \t\r\n");
		arg = word ? strtok(NULL, " \t\r\n") : NULL;
		if (word == NULL)
			continue;
		if (arg != NULL && strcmp(word, "interrupts") == 0) {
			if (int_mode_parse(arg, &m) == 0)
				ctl_int_mode = (int)m;
			else
				fprintf(stderr,
				    T_PROG ": control: bad mode "
				           "'%s'\n",
				    arg);
			continue;
		}
		if (strcmp(word, "block") == 0)
			kind = T_RULE_BLOCK;
		else if (strcmp(word, "error") == 0)
			kind = T_RULE_ERROR;
		else if (strcmp(word, "bad") == 0)
			kind = T_RULE_BAD;
		else
			arg = NULL;
		if (arg == NULL || rule_parse(kind, arg, &r) != 0) {
			fprintf(
			    stderr, T_PROG ": control: bad line '%s'\n", word);
			continue;
		}
		r.from_control = true;
		if (rule_add(&r) != 0)
			free(r.name);
	}
}

/* Re-read the control file if it changed since the last look. */
void
t_control_check(void)
{
	struct stat st;
	bool have;
	FILE *f;

	if (control_path == NULL)
		return;
	have = stat(control_path, &st) == 0;
	pthread_mutex_lock(&rules_lock);
	if (have == control_seen &&
	    (!have || (st.st_ino == control_st.st_ino &&
	                  st.st_size == control_st.st_size &&
	                  st.st_mtim.tv_sec == control_st.st_mtim.tv_sec &&
	                  st.st_mtim.tv_nsec == control_st.st_mtim.tv_nsec))) {
		pthread_mutex_unlock(&rules_lock);
		return;
	}
	control_seen = have;
	control_st = st;
	f = have ? fopen(control_path, "re") : NULL;
	control_load(f);
	if (f != NULL)
		fclose(f);
	pthread_mutex_unlock(&rules_lock);
}

/* ---------------------------------------------------- gate and waiting */

struct t_waiter {
	bool interrupted;
};

static void
wait_interrupt_cb(fuse_req_t req, void *data)
{
	struct t_waiter *w = data;

	(void)req;
	pthread_mutex_lock(&t_lock);
	w->interrupted = true;
	pthread_cond_broadcast(&t_wake);
	pthread_mutex_unlock(&t_lock);
}

int
t_wait(fuse_req_t req, long ms, bool (*cond_fn)(void *), void *arg)
{
	struct t_waiter w = {false};
	bool honour = t_int_mode() == T_INT_HONOUR;
	struct timespec deadline;
	int res = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (ms >= 0) {
		deadline.tv_sec += ms / 1000;
		deadline.tv_nsec += (ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	/* libfuse calls wait_interrupt_cb holding the request's lock, and
	 * registering takes that lock: never do it holding t_lock. */
	if (honour) {
		pthread_mutex_unlock(&t_lock);
		fuse_req_interrupt_func(req, wait_interrupt_cb, &w);
		pthread_mutex_lock(&t_lock);
	}
	for (;;) {
		if (cond_fn != NULL && cond_fn(arg))
			break;
		if (w.interrupted || t_exiting) {
			res = -EINTR;
			break;
		}
		if (ms < 0)
			pthread_cond_wait(&t_wake, &t_lock);
		else if (pthread_cond_timedwait(&t_wake, &t_lock, &deadline) ==
		         ETIMEDOUT)
			break;
	}
	if (honour) {
		pthread_mutex_unlock(&t_lock);
		fuse_req_interrupt_func(req, NULL, NULL);
		pthread_mutex_lock(&t_lock);
	}
	return res;
}

int
t_gate(fuse_req_t req, uint32_t opcode, const char *name)
{
	bool block = false, error = false;
	long ms = -1;
	int err = 0;

	pthread_mutex_lock(&rules_lock);
	for (size_t i = 0; i < nrules; i++) {
		if (rule_matches(&rules[i], T_RULE_BLOCK, opcode, name)) {
			block = true;
			ms = rules[i].ms;
		}
		if (rule_matches(&rules[i], T_RULE_ERROR, opcode, name)) {
			error = true;
			err = rules[i].err;
		}
	}
	pthread_mutex_unlock(&rules_lock);
	if (block && t_wait(req, ms, NULL, NULL) != 0) {
		t_eintr++;
		return -EINTR;
	}
	return error ? -err : 0;
}

bool
t_rules_bad(uint32_t opcode, const char *name, enum t_bad_mode *mode)
{
	bool found = false;

	pthread_mutex_lock(&rules_lock);
	for (size_t i = 0; i < nrules && !found; i++) {
		if (rule_matches(&rules[i], T_RULE_BAD, opcode, name)) {
			*mode = rules[i].bad;
			found = true;
		}
	}
	pthread_mutex_unlock(&rules_lock);
	return found;
}

int
t_rules_add_spec(char kind, const char *spec)
{
	struct t_rule r;
	int err;

	err = rule_parse(kind == 'b'   ? T_RULE_BLOCK
	                 : kind == 'e' ? T_RULE_ERROR
	                               : T_RULE_BAD,
	    spec, &r);
	if (err != 0)
		return err;
	pthread_mutex_lock(&rules_lock);
	err = rule_add(&r);
	pthread_mutex_unlock(&rules_lock);
	if (err != 0)
		free(r.name);
	return err;
}

int
t_rules_set_int_mode(const char *s)
{
	return int_mode_parse(s, &cli_int_mode);
}

void
t_rules_set_control(const char *path)
{
	control_path = path;
}

void
t_rules_fini(void)
{
	for (size_t i = 0; i < nrules; i++)
		free(rules[i].name);
	free(rules);
	rules = NULL;
	nrules = 0;
}
