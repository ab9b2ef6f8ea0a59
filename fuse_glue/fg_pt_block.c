/* SPDX-License-Identifier: MIT */
/*
 * ninegate-passthrough: interruptible regions around blocking syscalls
 * (FUSE_INTERRUPT or the end of the session knocks the worker out of its
 * syscall with a signal). Who a worker acts as is fg_pt_creds.c.
 *
 * Nothing here touches the export.
 */
#include "fg_pt_int.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* The signal that knocks a worker out of a blocking syscall. */
#define FG_PT_KICK_SIGNAL SIGUSR2

/* ------------------------------------------------- interruptible regions */

static pthread_mutex_t block_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fg_pt_block *block_head;
static bool block_shut;

static void
kick_handler(int sig)
{
	(void)sig;
}

int
fg_pt_block_setup(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the syscall must fail EINTR */
	if (sigaction(FG_PT_KICK_SIGNAL, &sa, NULL) == -1)
		return -errno;
	sigemptyset(&set);
	sigaddset(&set, FG_PT_KICK_SIGNAL);
	return -pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * Runs in the thread that received FUSE_INTERRUPT, with libfuse's lock of
 * b->req held, so the worker cannot leave fg_pt_block_end (which
 * unregisters this callback under that lock) and its thread is alive while
 * we signal it. A kick that lands between the worker's check of the flag
 * and its syscall is lost, so kick again, backing off, until the worker has
 * left the region (bounded: a syscall in uninterruptible sleep ignores us).
 */
static void
block_interrupt_cb(fuse_req_t req, void *data)
{
	struct fg_pt_block *b = data;
	struct timespec d = {0, 500 * 1000};

	(void)req;
	atomic_store(&b->interrupted, true);
	if (pthread_equal(b->tid, pthread_self()))
		return; /* called from fg_pt_block_begin itself */
	for (int i = 0; i < 200 && atomic_load(&b->active); i++) {
		pthread_kill(b->tid, FG_PT_KICK_SIGNAL);
		nanosleep(&d, NULL);
		if (d.tv_nsec < 50 * 1000 * 1000)
			d.tv_nsec *= 2;
	}
}

void
fg_pt_block_begin(struct fg_pt_block *b, fuse_req_t req)
{
	b->req = req;
	b->tid = pthread_self();
	atomic_init(&b->interrupted, false);
	atomic_init(&b->active, true);
	pthread_mutex_lock(&block_lock);
	b->prev = NULL;
	b->next = block_head;
	if (block_head != NULL)
		block_head->prev = b;
	block_head = b;
	if (block_shut)
		atomic_store(&b->interrupted, true);
	pthread_mutex_unlock(&block_lock);
	fuse_req_interrupt_func(req, block_interrupt_cb, b);
}

bool
fg_pt_block_interrupted(struct fg_pt_block *b)
{
	return atomic_load(&b->interrupted);
}

void
fg_pt_block_end(struct fg_pt_block *b)
{
	atomic_store(&b->active, false);
	pthread_mutex_lock(&block_lock);
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		block_head = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	pthread_mutex_unlock(&block_lock);
	/* Waits for a running block_interrupt_cb to return. */
	fuse_req_interrupt_func(b->req, NULL, NULL);
}

void
fg_pt_block_shutdown(void)
{
	struct timespec d = {0, 1000 * 1000};

	/* Workers leave the list in fg_pt_block_end; kick (under the lock,
	 * so each listed thread is alive) until the list is empty. */
	for (int i = 0; i < 1000; i++) {
		bool empty;

		pthread_mutex_lock(&block_lock);
		block_shut = true;
		for (struct fg_pt_block *b = block_head; b; b = b->next) {
			atomic_store(&b->interrupted, true);
			if (!pthread_equal(b->tid, pthread_self()))
				pthread_kill(b->tid, FG_PT_KICK_SIGNAL);
		}
		empty = block_head == NULL;
		pthread_mutex_unlock(&block_lock);
		if (empty)
			return;
		nanosleep(&d, NULL);
	}
}
