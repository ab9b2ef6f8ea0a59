/* SPDX-License-Identifier: MIT */
/*
 * Command lines of the real backends for the fuse_glue integration tests
 * (see t_fg_backend.h). sshfs gets `-o ssh_command=WRAPPER`, a script that
 * ignores its arguments and execs the local sftp-server, so sshfs talks
 * SFTP to it over the pipe it set up: no network, no sshd, no keys.
 */
#include "t_fg_backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sftp_servers[] = {
    "/usr/lib/openssh/sftp-server",
    "/usr/libexec/openssh/sftp-server",
    "/usr/lib/ssh/sftp-server",
    "/usr/libexec/sftp-server",
};

static const char *
find_sftp_server(void)
{
	for (size_t i = 0; i < sizeof(sftp_servers) / sizeof(sftp_servers[0]);
	     i++)
		if (access(sftp_servers[i], X_OK) == 0)
			return sftp_servers[i];
	return NULL;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		t_fail("writing %s: %s", path, strerror(errno));
	if (chmod(path, mode) != 0)
		t_fail("chmod %s: %s", path, strerror(errno));
}

void
t_backend_setup(struct t_backend *tb, int argc, char **argv)
{
	int n = 0;

	memset(tb, 0, sizeof(*tb));
	if (argc < 2)
		t_fail("usage: %s testfs|passthrough EXE | sshfs | rclone",
		    argv[0]);
	/* Prerequisites first: a skip leaves nothing behind. */
	if (strcmp(argv[1], "sshfs") == 0) {
		t_need_prog("sshfs");
		if (find_sftp_server() == NULL)
			t_skip("no sftp-server found (openssh-sftp-server)");
	} else if (strcmp(argv[1], "rclone") == 0) {
		t_need_prog("rclone");
	}
	t_mkdtemp(tb->tmp, sizeof(tb->tmp), "fg");
	snprintf(tb->dir, sizeof(tb->dir), "%s/export", tb->tmp);
	if (mkdir(tb->dir, 0755) != 0)
		t_fail("mkdir %s: %s", tb->dir, strerror(errno));
	if (strcmp(argv[1], "testfs") == 0 && argc >= 3) {
		tb->kind = T_TESTFS;
		tb->argv[n++] = argv[2];
		snprintf(tb->bufs[0], sizeof(tb->bufs[0]), "--report=%s/report",
		    tb->tmp);
		tb->argv[n++] = tb->bufs[0];
		for (int i = 3; i < argc && n < 20; i++)
			tb->argv[n++] = argv[i];
	} else if (strcmp(argv[1], "passthrough") == 0 && argc >= 3) {
		tb->kind = T_PASSTHROUGH;
		tb->argv[n++] = argv[2];
		tb->argv[n++] = tb->dir;
	} else if (strcmp(argv[1], "sshfs") == 0) {
		const char *srv = find_sftp_server();

		tb->kind = T_SSHFS;
		t_need_prog("sshfs");
		if (srv == NULL)
			t_skip("no sftp-server found (openssh-sftp-server)");
		snprintf(tb->bufs[0], sizeof(tb->bufs[0]), "%s/ssh-wrapper",
		    tb->tmp);
		snprintf(tb->bufs[1], sizeof(tb->bufs[1]),
		    "#!/bin/sh\n# ignores the ssh arguments sshfs passes\n"
		    "exec %s\n",
		    srv);
		write_file(tb->bufs[0], tb->bufs[1], 0755);
		snprintf(tb->bufs[2], sizeof(tb->bufs[2]), "ssh_command=%.900s",
		    tb->bufs[0]);
		snprintf(tb->bufs[3], sizeof(tb->bufs[3]), "localhost:%.900s",
		    tb->dir);
		tb->argv[n++] = "sshfs";
		tb->argv[n++] = "-f";
		tb->argv[n++] = "-o";
		tb->argv[n++] = tb->bufs[2];
		tb->argv[n++] = tb->bufs[3];
	} else if (strcmp(argv[1], "rclone") == 0) {
		tb->kind = T_RCLONE;
		t_need_prog("rclone");
		snprintf(tb->bufs[0], sizeof(tb->bufs[0]), "%s/rclone.conf",
		    tb->tmp);
		write_file(tb->bufs[0], "", 0600);
		snprintf(tb->bufs[1], sizeof(tb->bufs[1]), "%s/cache", tb->tmp);
		tb->argv[n++] = "rclone";
		tb->argv[n++] = "mount2";
		tb->argv[n++] = "--config";
		tb->argv[n++] = tb->bufs[0];
		tb->argv[n++] = "--cache-dir";
		tb->argv[n++] = tb->bufs[1];
		tb->argv[n++] = "--vfs-cache-mode";
		tb->argv[n++] = "writes";
		tb->argv[n++] = tb->dir;
	} else {
		t_fail("unknown backend '%s'", argv[1]);
	}
	tb->argv[n++] = "{}";
	tb->argv[n] = NULL;
}

void
t_backend_cleanup(struct t_backend *tb)
{
	t_rmtree(tb->tmp);
}
