/* SPDX-License-Identifier: MIT */
/*
 * p9_dirent: directory entries inside Rread/Rreaddir data — the 9P2000.L
 * dirent (qid offset type name) and the 9P2000/.u stat entry — for the
 * server (put) and the client (get).
 *
 * The layouts are rows of p9_msgs.c walked by the engine; this file only
 * frames one entry. It does not pack a whole reply or track offsets.
 */
#include "p9_int.h"

#include <errno.h>
#include <string.h>

ssize_t
p9_dirent_put(void *buf, size_t buf_len, const struct p9_qid *qid,
    uint64_t offset, uint8_t type, const char *name, size_t name_len)
{
	struct p9_dirent d;
	struct p9_wr w;
	uint64_t size = 0;

	if (name_len > UINT16_MAX)
		return -EINVAL;
	d.qid = *qid;
	d.offset = offset;
	d.type = type;
	d.name.len = (uint16_t)name_len;
	d.name.s = name;
	if (p9_rec_size(p9_dirent_fields, p9_dirent_nfields, P9_V_2000L, &d,
	        false, &size) != 0)
		return -EINVAL;
	if (size > buf_len)
		return -EMSGSIZE;
	p9_wr_init(&w, buf, (size_t)size);
	if (p9_rec_put(&w, p9_dirent_fields, p9_dirent_nfields, P9_V_2000L, &d,
	        false) != 0)
		return -EMSGSIZE;
	return (ssize_t)p9_wr_pos(&w);
}

int
p9_dirent_get(const void *buf, size_t len, struct p9_qid *qid, uint64_t *offset,
    uint8_t *type, struct p9_str *name, size_t *used)
{
	const struct p9_field *bad;
	struct p9_dirent d;
	struct p9_rd c;

	p9_rd_init(&c, buf, len);
	if (p9_rec_get(&c, p9_dirent_fields, p9_dirent_nfields, P9_V_2000L, &d,
	        &bad) != 0)
		return -EBADMSG;
	*qid = d.qid;
	*offset = d.offset;
	*type = d.type;
	*name = d.name;
	*used = p9_rd_pos(&c);
	return 0;
}

ssize_t
p9_stat_put(
    void *buf, size_t buf_len, const struct p9_stat *st, unsigned dialect)
{
	struct p9_wr w;
	uint64_t size = 0;

	if (dialect != P9_V_2000 && dialect != P9_V_2000U)
		return -EOPNOTSUPP;
	if (p9_stat_entry_size(st, dialect, &size) != 0)
		return -EINVAL;
	if (size > buf_len)
		return -EMSGSIZE;
	p9_wr_init(&w, buf, (size_t)size);
	if (p9_stat_entry_put(&w, st, dialect) != 0)
		return -EMSGSIZE;
	return (ssize_t)p9_wr_pos(&w);
}

int
p9_stat_get(const void *buf, size_t len, unsigned dialect, struct p9_stat *st,
    size_t *used)
{
	struct p9_rd c;

	if (dialect != P9_V_2000 && dialect != P9_V_2000U)
		return -EOPNOTSUPP;
	memset(st, 0, sizeof(*st));
	p9_rd_init(&c, buf, len);
	if (p9_stat_entry_get(&c, dialect, st) != 0)
		return -EBADMSG;
	*used = p9_rd_pos(&c);
	return 0;
}
