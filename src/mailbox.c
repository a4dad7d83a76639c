/* mailbox.c - the one-slot mailbox (mailbox.h). */
#include "mailbox.h"

bool mailbox_init(mailbox *m)
{
	m->item = NULL;
	m->closed = false;
	if (pthread_mutex_init(&m->lock, NULL) != 0)
		return false;
	if (pthread_cond_init(&m->changed, NULL) != 0) {
		pthread_mutex_destroy(&m->lock);
		return false;
	}
	return true;
}

void mailbox_destroy(mailbox *m)
{
	pthread_cond_destroy(&m->changed);
	pthread_mutex_destroy(&m->lock);
}

bool mailbox_put(mailbox *m, void *item)
{
	pthread_mutex_lock(&m->lock);
	while (m->item && !m->closed)
		pthread_cond_wait(&m->changed, &m->lock);
	const bool put = !m->closed;
	if (put) {
		m->item = item;
		pthread_cond_broadcast(&m->changed);
	}
	pthread_mutex_unlock(&m->lock);
	return put;
}

void *mailbox_take(mailbox *m)
{
	pthread_mutex_lock(&m->lock);
	while (!m->item && !m->closed)
		pthread_cond_wait(&m->changed, &m->lock);
	void *item = m->item;
	m->item = NULL;
	pthread_cond_broadcast(&m->changed);
	pthread_mutex_unlock(&m->lock);
	return item;
}

void mailbox_close(mailbox *m)
{
	pthread_mutex_lock(&m->lock);
	m->closed = true;
	pthread_cond_broadcast(&m->changed);
	pthread_mutex_unlock(&m->lock);
}
