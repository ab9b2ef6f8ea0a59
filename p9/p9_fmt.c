/* SPDX-License-Identifier: MIT */
/*
 * p9_fmt: the one-line trace of a message, walked from the same field rows
 * as the codec: "Twalk tag 7 fid 1 newfid 2 nwname 2 'a' 'b'".
 *
 * Peer bytes are escaped and long strings cut, so a line is safe to log.
 * Bulk data is shown by its count, never its bytes. Nothing here decides
 * what a value means.
 */
#include "p9_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* at most this many bytes of one string are shown */
#define FMT_STR_MAX 64

struct out {
	char *buf;
	size_t cap; /* > 0 */
	size_t len; /* < cap; buf[len] == '\0' */
};

static void out_printf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_printf(struct out *o, const char *fmt, ...)
{
	size_t room = o->cap - o->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len += (size_t)n < room ? (size_t)n : room - 1;
}

static void
out_str(struct out *o, const struct p9_str *s)
{
	size_t shown = s->len < FMT_STR_MAX ? s->len : FMT_STR_MAX;

	out_printf(o, " '");
	for (size_t i = 0; i < shown; i++) {
		unsigned char ch = (unsigned char)s->s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\')
			out_printf(o, "%c", ch);
		else
			out_printf(o, "\\x%02x", ch);
	}
	out_printf(o, "'%s", shown < s->len ? "..." : "");
}

static void
out_uint(struct out *o, uint64_t v, uint8_t show)
{
	switch (show) {
	case P9_SHOW_OCT:
		out_printf(o, " 0%llo", (unsigned long long)v);
		break;
	case P9_SHOW_HEX:
		out_printf(o, " 0x%llx", (unsigned long long)v);
		break;
	default:
		out_printf(o, " %llu", (unsigned long long)v);
		break;
	}
}

static void fmt_rec(struct out *o, const struct p9_field *fields, size_t n,
    unsigned dialect, const uint8_t *base);

static void
fmt_one(struct out *o, uint8_t kind, uint8_t show, unsigned dialect,
    const uint8_t *src)
{
	switch (kind) {
	case P9_K_U8:
		out_uint(o, *src, show);
		break;
	case P9_K_U16: {
		uint16_t v;

		memcpy(&v, src, sizeof(v));
		out_uint(o, v, show);
		break;
	}
	case P9_K_U32: {
		uint32_t v;

		memcpy(&v, src, sizeof(v));
		out_uint(o, v, show);
		break;
	}
	case P9_K_U64: {
		uint64_t v;

		memcpy(&v, src, sizeof(v));
		out_uint(o, v, show);
		break;
	}
	case P9_K_STR: {
		struct p9_str s;

		memcpy(&s, src, sizeof(s));
		out_str(o, &s);
		break;
	}
	case P9_K_QID: {
		struct p9_qid q;

		memcpy(&q, src, sizeof(q));
		out_printf(o, " (0x%x %u 0x%llx)", q.type, q.version,
		    (unsigned long long)q.path);
		break;
	}
	case P9_K_STAT:
		out_printf(o, " {");
		fmt_rec(o, p9_stat_fields, p9_stat_nfields, dialect, src);
		out_printf(o, " }");
		break;
	default:
		break;
	}
}

static void
fmt_rec(struct out *o, const struct p9_field *fields, size_t n,
    unsigned dialect, const uint8_t *base)
{
	for (size_t i = 0; i < n; i++) {
		const struct p9_field *f = &fields[i];

		if ((f->dialects & dialect) == 0)
			continue;
		out_printf(o, " %s", f->name);
		switch (f->kind) {
		case P9_K_ARRAY: {
			size_t esz = P9_KIND_SIZE(f->elem);
			uint16_t cnt;

			memcpy(&cnt, base + f->count_off, sizeof(cnt));
			out_printf(o, " %u", cnt);
			for (size_t j = 0; j < cnt && j < f->max; j++)
				fmt_one(o, f->elem, P9_SHOW_DEC, dialect,
				    base + f->off + j * esz);
			break;
		}
		case P9_K_DATA: {
			uint32_t cnt;

			memcpy(&cnt, base + f->count_off, sizeof(cnt));
			out_printf(o, " %u", cnt);
			break;
		}
		default:
			fmt_one(o, f->kind, f->show, dialect, base + f->off);
			break;
		}
	}
}

int
p9_fmt(const struct p9_msg *m, unsigned dialect, char *out, size_t out_len)
{
	const struct p9_msgdef *def = p9_msgdef_get(m->type, dialect);
	struct out o = {.buf = out, .cap = out_len, .len = 0};

	if (out_len == 0)
		return 0;
	out[0] = '\0';
	if (def == NULL) {
		out_printf(&o, "type %u tag %u (not in this dialect)", m->type,
		    m->tag);
		return (int)o.len;
	}
	out_printf(&o, "%s tag %u", def->name, m->tag);
	fmt_rec(&o, def->fields, def->nfields, dialect,
	    (const uint8_t *)&m->tversion);
	return (int)o.len;
}
