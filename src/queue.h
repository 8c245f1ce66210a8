/* SPDX-License-Identifier: MIT */
/* queue.h -- a bounded FIFO of whole messages. Not thread-safe: the owner
 * locks. Waiting is the transport's business, because a reader that waits on
 * an empty queue waits on the transport itself (no thread hand-off). */
#ifndef MS_QUEUE_H
#define MS_QUEUE_H

#include <stddef.h>
#include <stdint.h>

/* Message bytes live in blocks that are filled in order and reused once all
 * their messages were read, so queueing a message costs no allocation. */
typedef struct ms_block ms_block;

typedef struct ms_msg {
    uint32_t len;
    unsigned char *data; /* inside block; NULL when len is 0 */
    ms_block *block;
} ms_msg;

typedef struct ms_queue {
    ms_msg *ring;
    uint32_t cap;    /* slots allocated; grows up to limit */
    uint32_t head;   /* index of the oldest message */
    uint32_t count;  /* messages queued */
    uint32_t limit;  /* most messages ever queued */
    ms_block *tail;  /* the block being filled */
    ms_block *spare; /* an empty block kept for reuse */
} ms_queue;

void ms_queue_init(ms_queue *q, uint32_t limit);
void ms_queue_destroy(ms_queue *q);

/* Copies a message in. MAILSLOT_OK, MAILSLOT_E_FULL or MAILSLOT_E_NOMEM. */
int ms_queue_push(ms_queue *q, const void *data, size_t len);

/* Size of the oldest message; the queue must not be empty. */
uint32_t ms_queue_peek_size(const ms_queue *q);

/* Copies the oldest message out and removes it. MAILSLOT_OK; MAILSLOT_E_BUFFER
 * (cap too small: *len = size, message kept); MAILSLOT_E_TIMEOUT (empty). */
int ms_queue_pop(ms_queue *q, void *buf, size_t cap, size_t *len);

#endif
