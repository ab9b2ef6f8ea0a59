/* SPDX-License-Identifier: MIT */
/*
 * How the fuse_glue integration tests start each real backend by name:
 * testfs and ninegate-passthrough (paths from meson), sshfs against a
 * local sftp-server through an ssh_command wrapper (no network, no sshd),
 * and rclone mount2 of a local directory. Exits 77 when one is missing.
 */
#ifndef NG_TESTS_T_FG_BACKEND_H
#define NG_TESTS_T_FG_BACKEND_H

#include "t_fg.h"

enum t_kind { T_TESTFS, T_PASSTHROUGH, T_SSHFS, T_RCLONE };

struct t_backend {
	enum t_kind kind;
	char tmp[256]; /* scratch, removed at the end */
	char dir[300]; /* exported directory (not testfs) */
	const char *argv[24];
	char bufs[6][1100];
};

/* Parse "testfs EXE", "passthrough EXE", "sshfs", "rclone" from argv[1..]
 * and prepare the command line; extra testfs options may follow. */
void t_backend_setup(struct t_backend *tb, int argc, char **argv);
void t_backend_cleanup(struct t_backend *tb);

#endif
