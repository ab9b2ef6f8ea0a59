/* SPDX-License-Identifier: MIT */
/*
 * Identity mapping: --uid-map/--gid-map ranges and --root-squash, as pure
 * functions and through the stack (the FUSE header carries the mapped id,
 * attributes come back mapped the other way), and --no-special-files.
 */
#include "test_gw.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

START_TEST(test_idmap_parse)
{
	struct gw_idmaps m = { 0 };

	ck_assert_int_eq(gw_idmap_parse(&m, "0:100000:65536"), 0);
	ck_assert_int_eq(gw_idmap_parse(&m, "1000:1000"), -EINVAL);
	ck_assert_int_eq(gw_idmap_parse(&m, "1:2:0"), -EINVAL);
	ck_assert_int_eq(gw_idmap_parse(&m, "1:2:3x"), -EINVAL);
	ck_assert_int_eq(gw_idmap_parse(&m, "4294967295:0:2"), -EINVAL);
	ck_assert_uint_eq(m.n, 1);
	for (int i = 1; i < GW_IDMAP_MAX; i++)
		ck_assert_int_eq(gw_idmap_parse(&m, "1:1:1"), 0);
	ck_assert_int_eq(gw_idmap_parse(&m, "1:1:1"), -ENOSPC);
}
END_TEST

START_TEST(test_idmap_both_ways)
{
	struct gw_opts o = { 0 };

	ck_assert_uint_eq(gw_id_to_backend(&o, 1234, false), 1234);
	ck_assert_int_eq(gw_idmap_parse(&o.uid_map, "0:100000:1000"), 0);
	ck_assert_uint_eq(gw_id_to_backend(&o, 0, false), 100000);
	ck_assert_uint_eq(gw_id_to_backend(&o, 999, false), 100999);
	ck_assert_uint_eq(gw_id_to_backend(&o, 1000, false), 65534);
	ck_assert_uint_eq(gw_id_to_client(&o, 100005, false), 5);
	ck_assert_uint_eq(gw_id_to_client(&o, 7, false), 65534);
	/* gids are not mapped unless a gid map is given */
	ck_assert_uint_eq(gw_id_to_backend(&o, 5, true), 5);
	o.root_squash = true;
	ck_assert_uint_eq(gw_id_to_backend(&o, 0, true), 65534);
}
END_TEST

static void
setup_mapped(void)
{
	/* t_setup attaches with n_uname 1000; map client 1000.. to 5000.. */
	t_setup();
	ck_assert_int_eq(gw_idmap_parse(&t_gw.opts.uid_map, "1000:5000:10"),
	    0);
}

START_TEST(test_mapped_through_stack)
{
	struct p9_msg m = { 0 };
	struct t_freq q;
	struct fuse_attr_out a = { 0 };

	m.tattach.fid = 7;
	m.tattach.afid = P9_NOFID;
	m.tattach.uname.s = "";
	m.tattach.n_uname = 1003;
	t_send(P9_TATTACH, 1, &m);
	t_fuse_expect(&q, FUSE_GETATTR);
	ck_assert_uint_eq(q.uid, 5003);
	t_fuse_reply_attr(q.unique, 1, 040755);
	t_expect(P9_RATTACH, 1, NULL);
	memset(&m, 0, sizeof(m));
	m.tgetattr.fid = 7;
	t_send(P9_TGETATTR, 2, &m);
	t_fuse_expect(&q, FUSE_GETATTR);
	ck_assert_uint_eq(q.uid, 5003);
	a.attr.ino = 1;
	a.attr.mode = 040755;
	a.attr.uid = 5009;
	a.attr.gid = 44;
	t_fuse_reply(q.unique, 0, &a, sizeof(a));
	t_expect(P9_RGETATTR, 2, &m);
	ck_assert_uint_eq(m.rgetattr.uid, 1009);
	ck_assert_uint_eq(m.rgetattr.gid, 44);
}
END_TEST

START_TEST(test_no_special_files)
{
	struct p9_msg m = { 0 };

	t_gw.opts.no_special_files = true;
	m.tmknod.dfid = 0;
	m.tmknod.name.s = "fifo";
	m.tmknod.name.len = 4;
	m.tmknod.mode = S_IFIFO | 0644;
	t_send(P9_TMKNOD, 3, &m);
	t_expect(P9_RLERROR, 3, &m);
	ck_assert_uint_eq(m.rlerror.ecode, EPERM);
}
END_TEST

Suite *
t_gw_ids_suite(void)
{
	Suite *s = suite_create("gateway ids");
	TCase *pure = tcase_create("pure");
	TCase *stack = tcase_create("stack");

	tcase_add_test(pure, test_idmap_parse);
	tcase_add_test(pure, test_idmap_both_ways);
	suite_add_tcase(s, pure);
	tcase_add_checked_fixture(stack, setup_mapped, t_teardown);
	tcase_add_test(stack, test_mapped_through_stack);
	tcase_add_test(stack, test_no_special_files);
	suite_add_tcase(s, stack);
	return s;
}
