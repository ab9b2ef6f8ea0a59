/* SPDX-License-Identifier: MIT */
/*
 * Trap mode (--seccomp=trap): a SIGSYS handler that names the blocked
 * call, "ninegate: blocked syscall NAME (nr N)", with one write(2) to the
 * log fd, then ends the process with exit status SB_TRAP_EXIT.
 *
 * The names are looked up in libseccomp before the filter goes on and
 * kept in a static table: the handler itself calls nothing but write and
 * exit_group (both on every allow-list), formats numbers by hand and
 * never allocates. It does not try to continue the process: a trapped
 * call is a bug to fix in the list or in the caller.
 */
#include "sb_int.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SB_NNAMES 512
#define SB_NAME_LEN 24

static char sb_names[SB_NNAMES][SB_NAME_LEN];
static uint32_t sb_native_arch;
static int sb_trap_fd = -1;

static size_t
put_str(char *buf, size_t pos, size_t cap, const char *s)
{
	while (*s != '\0' && pos < cap)
		buf[pos++] = *s++;
	return pos;
}

static size_t
put_num(char *buf, size_t pos, size_t cap, unsigned long v, unsigned base)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0 && n < sizeof(tmp));
	while (n > 0 && pos < cap)
		buf[pos++] = tmp[--n];
	return pos;
}

static void
sigsys_cb(int sig, siginfo_t *si, void *uctx)
{
	char line[160];
	size_t pos = 0;
	unsigned nr = (unsigned)si->si_syscall;
	bool native = si->si_arch == sb_native_arch;

	(void)sig;
	(void)uctx;
	pos = put_str(line, pos, sizeof(line), "ninegate: blocked syscall ");
	if (native && nr < SB_NNAMES && sb_names[nr][0] != '\0')
		pos = put_str(line, pos, sizeof(line), sb_names[nr]);
	else
		pos = put_str(line, pos, sizeof(line), "?");
	pos = put_str(line, pos, sizeof(line), " (nr ");
	pos = put_num(line, pos, sizeof(line), nr, 10);
	if (!native) {
		pos = put_str(line, pos, sizeof(line), ", foreign arch 0x");
		pos = put_num(line, pos, sizeof(line), si->si_arch, 16);
	}
	pos = put_str(line, pos, sizeof(line), ")\n");
	if (sb_trap_fd >= 0)
		(void)!write(sb_trap_fd, line, pos);
	syscall(SYS_exit_group, SB_TRAP_EXIT);
}

int
sb_trap_install(int log_fd)
{
	struct sigaction sa;
	sigset_t set;

	sb_native_arch = seccomp_arch_native();
	for (int nr = 0; nr < SB_NNAMES; nr++) {
		char *name =
		    seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name == NULL)
			continue;
		strncpy(sb_names[nr], name, SB_NAME_LEN - 1);
		free(name);
	}
	sb_trap_fd = log_fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_cb;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -errno;
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0)
		return -errno;
	return 0;
}
