/* mailbox.h - a one-slot mailbox between two threads: one puts a pointer
 * in, the other takes it out, each waiting while the slot is full or
 * empty. Either side may close it, which wakes both: a put then refuses
 * and a take gets what is left, then NULL. Import hands its batches over
 * through two of them (import.c): full ones from the reader to the writer,
 * empty ones back. */
#ifndef VROEG_MAILBOX_H
#define VROEG_MAILBOX_H

#include <pthread.h>
#include <stdbool.h>

typedef struct mailbox {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	void *item;           /* NULL: the slot is empty */
	bool closed;
} mailbox;

/* False when the mutex or condition cannot be made (the system is out of
 * them); then M must not be used or destroyed. */
bool mailbox_init(mailbox *m);
void mailbox_destroy(mailbox *m);

/* Waits for the slot to be empty, then puts ITEM (not NULL) in it; false,
 * without putting it, when the mailbox is or gets closed. */
bool mailbox_put(mailbox *m, void *item);
/* Waits for an item and takes it; NULL once the mailbox is closed and
 * empty. */
void *mailbox_take(mailbox *m);
void mailbox_close(mailbox *m);

#endif
