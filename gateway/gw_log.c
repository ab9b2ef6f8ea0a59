/* SPDX-License-Identifier: MIT */
/*
 * Logging: one line per event on stderr (fd 2, which the sandbox keeps),
 * prefixed with "ninegate: " and a level for warnings and errors.
 * Callers start each line with its subject. Nothing else in the tree logs.
 * No timestamps: journald and terminals add their own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_int.h"

int gw_log_level_max = GW_LOG_INFO;
static void
vlog(enum gw_log_level lvl, const char *fmt, va_list ap)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "",
		"" };
	char line[1024];
	int n = snprintf(line, sizeof(line), "ninegate: %s", prefix[lvl]);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);

	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	/* One write per line, so lines from several processes don't mix. */
	ssize_t w = write(2, line, len);
	(void)w;
}

void
gw_log(enum gw_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if ((int)lvl > gw_log_level_max)
		return;
	va_start(ap, fmt);
	vlog(lvl, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(GW_LOG_ERROR, fmt, ap);
	va_end(ap);
	/* Start-up failed: nothing to tear down (a leak check at exit would
	 * only list what start-up had built). */
	_exit(1);
}

void
gw_escape(const char *s, size_t len, char *out, size_t out_len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (out_len == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (o + 5 >= out_len) {
			if (o + 4 < out_len) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (ch < 0x20 || ch == 0x7f || ch == '\\' || ch == '\'') {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
}
