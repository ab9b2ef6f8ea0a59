/* SPDX-License-Identifier: MIT */
/*
 * p9_msgs: the one table of 9P layouts. Each message is a row of field
 * descriptors in wire order (after size[4] type[1] tag[2]), with the
 * dialects the message exists in and, per field, the dialects it is on the
 * wire in (the 9P2000.u extras). Widths are checked against the struct
 * members at compile time by the P9_FIELD macros.
 *
 * Sources: the Plan 9 manual section 5 (9P2000), the 9P2000.u and
 * 9P2000.L protocol descriptions. This file holds data only; the walkers are
 * in p9_codec.c and p9_fmt.c.
 */
#include "p9_int.h"

#include <stddef.h>

/* one row per field reads best as written */
/* clang-format off */

#define ALL P9_V_ALL
#define U_L P9_V_U_L
#define P9U P9_V_2000U
#define OLD P9_V_2000_U /* 9P2000 and 9P2000.u */
#define L P9_V_2000L

/* ---------------------------------------------------------- all dialects */

static const struct p9_field tversion_fields[] = {
    P9_FIELD(struct p9_tversion, msize, P9_K_U32, ALL),
    P9_FIELD(struct p9_tversion, version, P9_K_STR, ALL),
};
static const struct p9_field rversion_fields[] = {
    P9_FIELD(struct p9_rversion, msize, P9_K_U32, ALL),
    P9_FIELD(struct p9_rversion, version, P9_K_STR, ALL),
};
static const struct p9_field tauth_fields[] = {
    P9_FIELD(struct p9_tauth, afid, P9_K_U32, ALL),
    P9_FIELD(struct p9_tauth, uname, P9_K_STR, ALL),
    P9_FIELD(struct p9_tauth, aname, P9_K_STR, ALL),
    P9_FIELD(struct p9_tauth, n_uname, P9_K_U32, U_L),
};
static const struct p9_field rauth_fields[] = {
    P9_FIELD(struct p9_rauth, aqid, P9_K_QID, ALL),
};
static const struct p9_field tattach_fields[] = {
    P9_FIELD(struct p9_tattach, fid, P9_K_U32, ALL),
    P9_FIELD(struct p9_tattach, afid, P9_K_U32, ALL),
    P9_FIELD(struct p9_tattach, uname, P9_K_STR, ALL),
    P9_FIELD(struct p9_tattach, aname, P9_K_STR, ALL),
    P9_FIELD(struct p9_tattach, n_uname, P9_K_U32, U_L),
};
static const struct p9_field rattach_fields[] = {
    P9_FIELD(struct p9_rattach, qid, P9_K_QID, ALL),
};
static const struct p9_field tflush_fields[] = {
    P9_FIELD(struct p9_tflush, oldtag, P9_K_U16, ALL),
};
static const struct p9_field twalk_fields[] = {
    P9_FIELD(struct p9_twalk, fid, P9_K_U32, ALL),
    P9_FIELD(struct p9_twalk, newfid, P9_K_U32, ALL),
    P9_ARRAY(struct p9_twalk, wname, nwname, P9_K_STR, P9_MAXWELEM),
};
static const struct p9_field rwalk_fields[] = {
    P9_ARRAY(struct p9_rwalk, wqid, nwqid, P9_K_QID, P9_MAXWELEM),
};
static const struct p9_field tread_fields[] = {
    P9_FIELD(struct p9_tread, fid, P9_K_U32, ALL),
    P9_FIELD(struct p9_tread, offset, P9_K_U64, ALL),
    P9_FIELD(struct p9_tread, count, P9_K_U32, ALL),
};
static const struct p9_field rread_fields[] = {
    P9_DATA(struct p9_rread, count, data),
};
static const struct p9_field twrite_fields[] = {
    P9_FIELD(struct p9_twrite, fid, P9_K_U32, ALL),
    P9_FIELD(struct p9_twrite, offset, P9_K_U64, ALL),
    P9_DATA(struct p9_twrite, count, data),
};
static const struct p9_field rwrite_fields[] = {
    P9_FIELD(struct p9_rwrite, count, P9_K_U32, ALL),
};
static const struct p9_field tclunk_fields[] = {
    P9_FIELD(struct p9_tclunk, fid, P9_K_U32, ALL),
};
static const struct p9_field tremove_fields[] = {
    P9_FIELD(struct p9_tremove, fid, P9_K_U32, ALL),
};

/* ---------------------------------------------------- 9P2000, 9P2000.u */

static const struct p9_field rerror_fields[] = {
    P9_FIELD(struct p9_rerror, ename, P9_K_STR, OLD),
    P9_FIELD(struct p9_rerror, errnum, P9_K_U32, P9U),
};
static const struct p9_field topen_fields[] = {
    P9_FIELD(struct p9_topen, fid, P9_K_U32, OLD),
    P9_FIELD_HEX(struct p9_topen, mode, P9_K_U8, OLD),
};
static const struct p9_field ropen_fields[] = {
    P9_FIELD(struct p9_ropen, qid, P9_K_QID, OLD),
    P9_FIELD(struct p9_ropen, iounit, P9_K_U32, OLD),
};
static const struct p9_field tcreate_fields[] = {
    P9_FIELD(struct p9_tcreate, fid, P9_K_U32, OLD),
    P9_FIELD(struct p9_tcreate, name, P9_K_STR, OLD),
    P9_FIELD_HEX(struct p9_tcreate, perm, P9_K_U32, OLD),
    P9_FIELD_HEX(struct p9_tcreate, mode, P9_K_U8, OLD),
    P9_FIELD(struct p9_tcreate, extension, P9_K_STR, P9U),
};
static const struct p9_field rcreate_fields[] = {
    P9_FIELD(struct p9_rcreate, qid, P9_K_QID, OLD),
    P9_FIELD(struct p9_rcreate, iounit, P9_K_U32, OLD),
};
static const struct p9_field tstat_fields[] = {
    P9_FIELD(struct p9_tstat, fid, P9_K_U32, OLD),
};
static const struct p9_field rstat_fields[] = {
    P9_FIELD(struct p9_rstat, stat, P9_K_STAT, OLD),
};
static const struct p9_field twstat_fields[] = {
    P9_FIELD(struct p9_twstat, fid, P9_K_U32, OLD),
    P9_FIELD(struct p9_twstat, stat, P9_K_STAT, OLD),
};

/* One stat entry after its size[2]. */
const struct p9_field p9_stat_fields[] = {
    P9_FIELD(struct p9_stat, type, P9_K_U16, OLD),
    P9_FIELD(struct p9_stat, dev, P9_K_U32, OLD),
    P9_FIELD(struct p9_stat, qid, P9_K_QID, OLD),
    P9_FIELD_HEX(struct p9_stat, mode, P9_K_U32, OLD),
    P9_FIELD(struct p9_stat, atime, P9_K_U32, OLD),
    P9_FIELD(struct p9_stat, mtime, P9_K_U32, OLD),
    P9_FIELD(struct p9_stat, length, P9_K_U64, OLD),
    P9_FIELD(struct p9_stat, name, P9_K_STR, OLD),
    P9_FIELD(struct p9_stat, uid, P9_K_STR, OLD),
    P9_FIELD(struct p9_stat, gid, P9_K_STR, OLD),
    P9_FIELD(struct p9_stat, muid, P9_K_STR, OLD),
    P9_FIELD(struct p9_stat, extension, P9_K_STR, P9U),
    P9_FIELD(struct p9_stat, n_uid, P9_K_U32, P9U),
    P9_FIELD(struct p9_stat, n_gid, P9_K_U32, P9U),
    P9_FIELD(struct p9_stat, n_muid, P9_K_U32, P9U),
};
const size_t p9_stat_nfields = P9_NFIELDS(p9_stat_fields);

/* ------------------------------------------------------------- 9P2000.L */

static const struct p9_field rlerror_fields[] = {
    P9_FIELD(struct p9_rlerror, ecode, P9_K_U32, L),
};
static const struct p9_field tstatfs_fields[] = {
    P9_FIELD(struct p9_tstatfs, fid, P9_K_U32, L),
};
static const struct p9_field rstatfs_fields[] = {
    P9_FIELD_HEX(struct p9_rstatfs, type, P9_K_U32, L),
    P9_FIELD(struct p9_rstatfs, bsize, P9_K_U32, L),
    P9_FIELD(struct p9_rstatfs, blocks, P9_K_U64, L),
    P9_FIELD(struct p9_rstatfs, bfree, P9_K_U64, L),
    P9_FIELD(struct p9_rstatfs, bavail, P9_K_U64, L),
    P9_FIELD(struct p9_rstatfs, files, P9_K_U64, L),
    P9_FIELD(struct p9_rstatfs, ffree, P9_K_U64, L),
    P9_FIELD_HEX(struct p9_rstatfs, fsid, P9_K_U64, L),
    P9_FIELD(struct p9_rstatfs, namelen, P9_K_U32, L),
};
static const struct p9_field tlopen_fields[] = {
    P9_FIELD(struct p9_tlopen, fid, P9_K_U32, L),
    P9_FIELD_OCT(struct p9_tlopen, flags, P9_K_U32, L),
};
static const struct p9_field rlopen_fields[] = {
    P9_FIELD(struct p9_rlopen, qid, P9_K_QID, L),
    P9_FIELD(struct p9_rlopen, iounit, P9_K_U32, L),
};
static const struct p9_field tlcreate_fields[] = {
    P9_FIELD(struct p9_tlcreate, fid, P9_K_U32, L),
    P9_FIELD(struct p9_tlcreate, name, P9_K_STR, L),
    P9_FIELD_OCT(struct p9_tlcreate, flags, P9_K_U32, L),
    P9_FIELD_OCT(struct p9_tlcreate, mode, P9_K_U32, L),
    P9_FIELD(struct p9_tlcreate, gid, P9_K_U32, L),
};
static const struct p9_field rlcreate_fields[] = {
    P9_FIELD(struct p9_rlcreate, qid, P9_K_QID, L),
    P9_FIELD(struct p9_rlcreate, iounit, P9_K_U32, L),
};
static const struct p9_field tsymlink_fields[] = {
    P9_FIELD(struct p9_tsymlink, fid, P9_K_U32, L),
    P9_FIELD(struct p9_tsymlink, name, P9_K_STR, L),
    P9_FIELD(struct p9_tsymlink, symtgt, P9_K_STR, L),
    P9_FIELD(struct p9_tsymlink, gid, P9_K_U32, L),
};
static const struct p9_field rsymlink_fields[] = {
    P9_FIELD(struct p9_rsymlink, qid, P9_K_QID, L),
};
static const struct p9_field tmknod_fields[] = {
    P9_FIELD(struct p9_tmknod, dfid, P9_K_U32, L),
    P9_FIELD(struct p9_tmknod, name, P9_K_STR, L),
    P9_FIELD_OCT(struct p9_tmknod, mode, P9_K_U32, L),
    P9_FIELD(struct p9_tmknod, major, P9_K_U32, L),
    P9_FIELD(struct p9_tmknod, minor, P9_K_U32, L),
    P9_FIELD(struct p9_tmknod, gid, P9_K_U32, L),
};
static const struct p9_field rmknod_fields[] = {
    P9_FIELD(struct p9_rmknod, qid, P9_K_QID, L),
};
static const struct p9_field trename_fields[] = {
    P9_FIELD(struct p9_trename, fid, P9_K_U32, L),
    P9_FIELD(struct p9_trename, dfid, P9_K_U32, L),
    P9_FIELD(struct p9_trename, name, P9_K_STR, L),
};
static const struct p9_field treadlink_fields[] = {
    P9_FIELD(struct p9_treadlink, fid, P9_K_U32, L),
};
static const struct p9_field rreadlink_fields[] = {
    P9_FIELD(struct p9_rreadlink, target, P9_K_STR, L),
};
static const struct p9_field tgetattr_fields[] = {
    P9_FIELD(struct p9_tgetattr, fid, P9_K_U32, L),
    P9_FIELD_HEX(struct p9_tgetattr, request_mask, P9_K_U64, L),
};
static const struct p9_field rgetattr_fields[] = {
    P9_FIELD_HEX(struct p9_rgetattr, valid, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, qid, P9_K_QID, L),
    P9_FIELD_OCT(struct p9_rgetattr, mode, P9_K_U32, L),
    P9_FIELD(struct p9_rgetattr, uid, P9_K_U32, L),
    P9_FIELD(struct p9_rgetattr, gid, P9_K_U32, L),
    P9_FIELD(struct p9_rgetattr, nlink, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, rdev, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, size, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, blksize, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, blocks, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, atime_sec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, atime_nsec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, mtime_sec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, mtime_nsec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, ctime_sec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, ctime_nsec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, btime_sec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, btime_nsec, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, gen, P9_K_U64, L),
    P9_FIELD(struct p9_rgetattr, data_version, P9_K_U64, L),
};
static const struct p9_field tsetattr_fields[] = {
    P9_FIELD(struct p9_tsetattr, fid, P9_K_U32, L),
    P9_FIELD_HEX(struct p9_tsetattr, valid, P9_K_U32, L),
    P9_FIELD_OCT(struct p9_tsetattr, mode, P9_K_U32, L),
    P9_FIELD(struct p9_tsetattr, uid, P9_K_U32, L),
    P9_FIELD(struct p9_tsetattr, gid, P9_K_U32, L),
    P9_FIELD(struct p9_tsetattr, size, P9_K_U64, L),
    P9_FIELD(struct p9_tsetattr, atime_sec, P9_K_U64, L),
    P9_FIELD(struct p9_tsetattr, atime_nsec, P9_K_U64, L),
    P9_FIELD(struct p9_tsetattr, mtime_sec, P9_K_U64, L),
    P9_FIELD(struct p9_tsetattr, mtime_nsec, P9_K_U64, L),
};
static const struct p9_field txattrwalk_fields[] = {
    P9_FIELD(struct p9_txattrwalk, fid, P9_K_U32, L),
    P9_FIELD(struct p9_txattrwalk, newfid, P9_K_U32, L),
    P9_FIELD(struct p9_txattrwalk, name, P9_K_STR, L),
};
static const struct p9_field rxattrwalk_fields[] = {
    P9_FIELD(struct p9_rxattrwalk, size, P9_K_U64, L),
};
static const struct p9_field txattrcreate_fields[] = {
    P9_FIELD(struct p9_txattrcreate, fid, P9_K_U32, L),
    P9_FIELD(struct p9_txattrcreate, name, P9_K_STR, L),
    P9_FIELD(struct p9_txattrcreate, attr_size, P9_K_U64, L),
    P9_FIELD(struct p9_txattrcreate, flags, P9_K_U32, L),
};
static const struct p9_field treaddir_fields[] = {
    P9_FIELD(struct p9_treaddir, fid, P9_K_U32, L),
    P9_FIELD(struct p9_treaddir, offset, P9_K_U64, L),
    P9_FIELD(struct p9_treaddir, count, P9_K_U32, L),
};
static const struct p9_field rreaddir_fields[] = {
    P9_DATA(struct p9_rreaddir, count, data),
};
static const struct p9_field tfsync_fields[] = {
    P9_FIELD(struct p9_tfsync, fid, P9_K_U32, L),
    P9_FIELD(struct p9_tfsync, datasync, P9_K_U32, L),
};
static const struct p9_field tlock_fields[] = {
    P9_FIELD(struct p9_tlock, fid, P9_K_U32, L),
    P9_FIELD(struct p9_tlock, type, P9_K_U8, L),
    P9_FIELD(struct p9_tlock, flags, P9_K_U32, L),
    P9_FIELD(struct p9_tlock, start, P9_K_U64, L),
    P9_FIELD(struct p9_tlock, length, P9_K_U64, L),
    P9_FIELD(struct p9_tlock, proc_id, P9_K_U32, L),
    P9_FIELD(struct p9_tlock, client_id, P9_K_STR, L),
};
static const struct p9_field rlock_fields[] = {
    P9_FIELD(struct p9_rlock, status, P9_K_U8, L),
};
static const struct p9_field tgetlock_fields[] = {
    P9_FIELD(struct p9_tgetlock, fid, P9_K_U32, L),
    P9_FIELD(struct p9_tgetlock, type, P9_K_U8, L),
    P9_FIELD(struct p9_tgetlock, start, P9_K_U64, L),
    P9_FIELD(struct p9_tgetlock, length, P9_K_U64, L),
    P9_FIELD(struct p9_tgetlock, proc_id, P9_K_U32, L),
    P9_FIELD(struct p9_tgetlock, client_id, P9_K_STR, L),
};
static const struct p9_field rgetlock_fields[] = {
    P9_FIELD(struct p9_rgetlock, type, P9_K_U8, L),
    P9_FIELD(struct p9_rgetlock, start, P9_K_U64, L),
    P9_FIELD(struct p9_rgetlock, length, P9_K_U64, L),
    P9_FIELD(struct p9_rgetlock, proc_id, P9_K_U32, L),
    P9_FIELD(struct p9_rgetlock, client_id, P9_K_STR, L),
};
static const struct p9_field tlink_fields[] = {
    P9_FIELD(struct p9_tlink, dfid, P9_K_U32, L),
    P9_FIELD(struct p9_tlink, fid, P9_K_U32, L),
    P9_FIELD(struct p9_tlink, name, P9_K_STR, L),
};
static const struct p9_field tmkdir_fields[] = {
    P9_FIELD(struct p9_tmkdir, dfid, P9_K_U32, L),
    P9_FIELD(struct p9_tmkdir, name, P9_K_STR, L),
    P9_FIELD_OCT(struct p9_tmkdir, mode, P9_K_U32, L),
    P9_FIELD(struct p9_tmkdir, gid, P9_K_U32, L),
};
static const struct p9_field rmkdir_fields[] = {
    P9_FIELD(struct p9_rmkdir, qid, P9_K_QID, L),
};
static const struct p9_field trenameat_fields[] = {
    P9_FIELD(struct p9_trenameat, olddirfid, P9_K_U32, L),
    P9_FIELD(struct p9_trenameat, oldname, P9_K_STR, L),
    P9_FIELD(struct p9_trenameat, newdirfid, P9_K_U32, L),
    P9_FIELD(struct p9_trenameat, newname, P9_K_STR, L),
};
static const struct p9_field tunlinkat_fields[] = {
    P9_FIELD(struct p9_tunlinkat, dirfd, P9_K_U32, L),
    P9_FIELD(struct p9_tunlinkat, name, P9_K_STR, L),
    P9_FIELD_HEX(struct p9_tunlinkat, flags, P9_K_U32, L),
};

/* One 9P2000.L readdir entry. */
const struct p9_field p9_dirent_fields[] = {
    P9_FIELD(struct p9_dirent, qid, P9_K_QID, ALL),
    P9_FIELD(struct p9_dirent, offset, P9_K_U64, ALL),
    P9_FIELD(struct p9_dirent, type, P9_K_U8, ALL),
    P9_FIELD(struct p9_dirent, name, P9_K_STR, ALL),
};
const size_t p9_dirent_nfields = P9_NFIELDS(p9_dirent_fields);

/* 9P2000.L reuses these base messages; the rest of 9P2000 it replaces. */
#define BASE ALL

const struct p9_msgdef p9_msgdefs[256] = {
    [P9_RLERROR] = P9_MSG("Rlerror", L, rlerror_fields),
    [P9_TSTATFS] = P9_MSG("Tstatfs", L, tstatfs_fields),
    [P9_RSTATFS] = P9_MSG("Rstatfs", L, rstatfs_fields),
    [P9_TLOPEN] = P9_MSG("Tlopen", L, tlopen_fields),
    [P9_RLOPEN] = P9_MSG("Rlopen", L, rlopen_fields),
    [P9_TLCREATE] = P9_MSG("Tlcreate", L, tlcreate_fields),
    [P9_RLCREATE] = P9_MSG("Rlcreate", L, rlcreate_fields),
    [P9_TSYMLINK] = P9_MSG("Tsymlink", L, tsymlink_fields),
    [P9_RSYMLINK] = P9_MSG("Rsymlink", L, rsymlink_fields),
    [P9_TMKNOD] = P9_MSG("Tmknod", L, tmknod_fields),
    [P9_RMKNOD] = P9_MSG("Rmknod", L, rmknod_fields),
    [P9_TRENAME] = P9_MSG("Trename", L, trename_fields),
    [P9_RRENAME] = P9_MSG_EMPTY("Rrename", L),
    [P9_TREADLINK] = P9_MSG("Treadlink", L, treadlink_fields),
    [P9_RREADLINK] = P9_MSG("Rreadlink", L, rreadlink_fields),
    [P9_TGETATTR] = P9_MSG("Tgetattr", L, tgetattr_fields),
    [P9_RGETATTR] = P9_MSG("Rgetattr", L, rgetattr_fields),
    [P9_TSETATTR] = P9_MSG("Tsetattr", L, tsetattr_fields),
    [P9_RSETATTR] = P9_MSG_EMPTY("Rsetattr", L),
    [P9_TXATTRWALK] = P9_MSG("Txattrwalk", L, txattrwalk_fields),
    [P9_RXATTRWALK] = P9_MSG("Rxattrwalk", L, rxattrwalk_fields),
    [P9_TXATTRCREATE] = P9_MSG("Txattrcreate", L, txattrcreate_fields),
    [P9_RXATTRCREATE] = P9_MSG_EMPTY("Rxattrcreate", L),
    [P9_TREADDIR] = P9_MSG("Treaddir", L, treaddir_fields),
    [P9_RREADDIR] = P9_MSG("Rreaddir", L, rreaddir_fields),
    [P9_TFSYNC] = P9_MSG("Tfsync", L, tfsync_fields),
    [P9_RFSYNC] = P9_MSG_EMPTY("Rfsync", L),
    [P9_TLOCK] = P9_MSG("Tlock", L, tlock_fields),
    [P9_RLOCK] = P9_MSG("Rlock", L, rlock_fields),
    [P9_TGETLOCK] = P9_MSG("Tgetlock", L, tgetlock_fields),
    [P9_RGETLOCK] = P9_MSG("Rgetlock", L, rgetlock_fields),
    [P9_TLINK] = P9_MSG("Tlink", L, tlink_fields),
    [P9_RLINK] = P9_MSG_EMPTY("Rlink", L),
    [P9_TMKDIR] = P9_MSG("Tmkdir", L, tmkdir_fields),
    [P9_RMKDIR] = P9_MSG("Rmkdir", L, rmkdir_fields),
    [P9_TRENAMEAT] = P9_MSG("Trenameat", L, trenameat_fields),
    [P9_RRENAMEAT] = P9_MSG_EMPTY("Rrenameat", L),
    [P9_TUNLINKAT] = P9_MSG("Tunlinkat", L, tunlinkat_fields),
    [P9_RUNLINKAT] = P9_MSG_EMPTY("Runlinkat", L),
    [P9_TVERSION] = P9_MSG("Tversion", BASE, tversion_fields),
    [P9_RVERSION] = P9_MSG("Rversion", BASE, rversion_fields),
    [P9_TAUTH] = P9_MSG("Tauth", BASE, tauth_fields),
    [P9_RAUTH] = P9_MSG("Rauth", BASE, rauth_fields),
    [P9_TATTACH] = P9_MSG("Tattach", BASE, tattach_fields),
    [P9_RATTACH] = P9_MSG("Rattach", BASE, rattach_fields),
    [P9_RERROR] = P9_MSG("Rerror", OLD, rerror_fields),
    [P9_TFLUSH] = P9_MSG("Tflush", BASE, tflush_fields),
    [P9_RFLUSH] = P9_MSG_EMPTY("Rflush", BASE),
    [P9_TWALK] = P9_MSG("Twalk", BASE, twalk_fields),
    [P9_RWALK] = P9_MSG("Rwalk", BASE, rwalk_fields),
    [P9_TOPEN] = P9_MSG("Topen", OLD, topen_fields),
    [P9_ROPEN] = P9_MSG("Ropen", OLD, ropen_fields),
    [P9_TCREATE] = P9_MSG("Tcreate", OLD, tcreate_fields),
    [P9_RCREATE] = P9_MSG("Rcreate", OLD, rcreate_fields),
    [P9_TREAD] = P9_MSG("Tread", BASE, tread_fields),
    [P9_RREAD] = P9_MSG("Rread", BASE, rread_fields),
    [P9_TWRITE] = P9_MSG("Twrite", BASE, twrite_fields),
    [P9_RWRITE] = P9_MSG("Rwrite", BASE, rwrite_fields),
    [P9_TCLUNK] = P9_MSG("Tclunk", BASE, tclunk_fields),
    [P9_RCLUNK] = P9_MSG_EMPTY("Rclunk", BASE),
    [P9_TREMOVE] = P9_MSG("Tremove", BASE, tremove_fields),
    [P9_RREMOVE] = P9_MSG_EMPTY("Rremove", BASE),
    [P9_TSTAT] = P9_MSG("Tstat", OLD, tstat_fields),
    [P9_RSTAT] = P9_MSG("Rstat", OLD, rstat_fields),
    [P9_TWSTAT] = P9_MSG("Twstat", OLD, twstat_fields),
    [P9_RWSTAT] = P9_MSG_EMPTY("Rwstat", OLD),
};
/* clang-format on */
