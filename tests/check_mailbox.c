/* check_mailbox.c - the one-slot mailbox import hands batches through
 * (mailbox.h): one item at a time, in order; close wakes a waiting taker
 * and a waiting putter; what is left is taken after close, then NULL. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>

#include "mailbox.h"

START_TEST(an_item_put_is_taken_once)
{
	mailbox m;
	ck_assert(mailbox_init(&m));
	int a;
	ck_assert(mailbox_put(&m, &a));
	ck_assert_ptr_eq(mailbox_take(&m), &a);
	mailbox_close(&m);
	ck_assert_ptr_null(mailbox_take(&m));
	mailbox_destroy(&m);
}
END_TEST

START_TEST(after_close_a_put_is_refused_and_what_is_left_is_taken)
{
	mailbox m;
	ck_assert(mailbox_init(&m));
	int a, b;
	ck_assert(mailbox_put(&m, &a));
	mailbox_close(&m);
	ck_assert(!mailbox_put(&m, &b));
	ck_assert_ptr_eq(mailbox_take(&m), &a);
	ck_assert_ptr_null(mailbox_take(&m));
	mailbox_destroy(&m);
}
END_TEST

enum { ITEMS = 10000 };

static void *put_all(void *arg)
{
	mailbox *m = arg;
	for (uintptr_t i = 1; i <= ITEMS; i++)
		if (!mailbox_put(m, (void *)i))
			return (void *)0;
	mailbox_close(m);
	return (void *)1;
}

/* The slot holds one item: the putter waits for each to be taken, and the
 * taker sees every item once, in the order put. */
START_TEST(items_cross_threads_in_order)
{
	mailbox m;
	ck_assert(mailbox_init(&m));
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, put_all, &m), 0);
	uintptr_t want = 1;
	for (void *p; (p = mailbox_take(&m)); want++)
		ck_assert_uint_eq((uintptr_t)p, want);
	ck_assert_uint_eq(want, ITEMS + 1);
	void *ok;
	ck_assert_int_eq(pthread_join(t, &ok), 0);
	ck_assert_ptr_eq(ok, (void *)1);
	mailbox_destroy(&m);
}
END_TEST

static void *take_one(void *arg)
{
	return mailbox_take(arg);
}

static void *put_two(void *arg)
{
	static int a, b;
	mailbox *m = arg;
	return mailbox_put(m, &a) && mailbox_put(m, &b) ? (void *)1 : (void *)0;
}

/* A taker waiting on an empty mailbox, and a putter waiting on a full one,
 * are both let go by close (import's writer closes both when it fails). */
START_TEST(close_lets_go_of_a_waiting_taker_and_putter)
{
	mailbox empty, full;
	ck_assert(mailbox_init(&empty));
	ck_assert(mailbox_init(&full));
	pthread_t taker, putter;
	ck_assert_int_eq(pthread_create(&taker, NULL, take_one, &empty), 0);
	ck_assert_int_eq(pthread_create(&putter, NULL, put_two, &full), 0);
	mailbox_close(&empty);
	mailbox_close(&full);
	void *got, *put;
	ck_assert_int_eq(pthread_join(taker, &got), 0);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(pthread_join(putter, &put), 0);
	ck_assert_ptr_eq(put, (void *)0);
	mailbox_destroy(&empty);
	mailbox_destroy(&full);
}
END_TEST

Suite *mailbox_suite(void)
{
	Suite *s = suite_create("mailbox");
	TCase *tc = tcase_create("mailbox");
	tcase_add_test(tc, an_item_put_is_taken_once);
	tcase_add_test(tc, after_close_a_put_is_refused_and_what_is_left_is_taken);
	tcase_add_test(tc, items_cross_threads_in_order);
	tcase_add_test(tc, close_lets_go_of_a_waiting_taker_and_putter);
	suite_add_tcase(s, tc);
	return s;
}
