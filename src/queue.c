/* SPDX-License-Identifier: MIT */
/* queue.c -- a ring of message slots that grows on demand up to its limit,
 * with message bytes packed into reusable blocks. */
#include "queue.h"
#include "alloc.h"
#include "mailslot.h"

#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 64u
#define BLOCK_BYTES 65536u

struct ms_block {
    size_t cap;
    size_t used;
    uint32_t live; /* messages in this block not yet popped */
    unsigned char data[];
};

void ms_queue_init(ms_queue *q, uint32_t limit)
{
    memset(q, 0, sizeof *q);
    q->limit = limit;
}

/* A block whose messages were all read: keep one standard block, free the rest. */
static void retire(ms_queue *q, ms_block *b)
{
    if (!q->spare && b->cap == BLOCK_BYTES) {
        b->used = 0;
        q->spare = b;
    } else {
        ms_free(b);
    }
}

/* Drops one message's claim on its block. */
static void release(ms_queue *q, ms_msg *m)
{
    ms_block *b = m->block;
    if (!b || --b->live > 0)
        return;
    if (b == q->tail)
        b->used = 0; /* empty: fill it again from the start */
    else
        retire(q, b);
}

void ms_queue_destroy(ms_queue *q)
{
    for (uint32_t i = 0; i < q->count; i++)
        release(q, &q->ring[(q->head + i) % q->cap]);
    ms_free(q->tail);
    ms_free(q->spare);
    ms_free(q->ring);
    memset(q, 0, sizeof *q);
}

static int grow(ms_queue *q)
{
    uint32_t cap = q->cap ? q->cap * 2 : INITIAL_SLOTS;
    if (cap > q->limit || cap < q->cap)
        cap = q->limit;
    ms_msg *ring = ms_malloc((size_t)cap * sizeof *ring);
    if (!ring)
        return MAILSLOT_E_NOMEM;
    /* Unwrap the old ring so that the oldest message is at index 0. */
    for (uint32_t i = 0; i < q->count; i++)
        ring[i] = q->ring[(q->head + i) % q->cap];
    ms_free(q->ring);
    q->ring = ring;
    q->cap = cap;
    q->head = 0;
    return MAILSLOT_OK;
}

/* Makes the tail a block with room for len bytes. */
static int room_for(ms_queue *q, size_t len)
{
    if (q->tail && q->tail->cap - q->tail->used >= len)
        return MAILSLOT_OK;
    ms_block *b;
    if (len <= BLOCK_BYTES && q->spare) {
        b = q->spare;
        q->spare = NULL;
    } else {
        size_t cap = len > BLOCK_BYTES ? len : BLOCK_BYTES;
        b = ms_malloc(sizeof *b + cap);
        if (!b)
            return MAILSLOT_E_NOMEM;
        b->cap = cap;
        b->used = 0;
        b->live = 0;
    }
    if (q->tail && q->tail->live == 0)
        retire(q, q->tail);
    q->tail = b;
    return MAILSLOT_OK;
}

int ms_queue_push(ms_queue *q, const void *data, size_t len)
{
    if (q->count >= q->limit)
        return MAILSLOT_E_FULL;
    if (q->count == q->cap && grow(q) != MAILSLOT_OK)
        return MAILSLOT_E_NOMEM;
    ms_msg *m = &q->ring[(q->head + q->count) % q->cap];
    m->len = (uint32_t)len;
    m->data = NULL;
    m->block = NULL;
    if (len > 0) {
        if (room_for(q, len) != MAILSLOT_OK)
            return MAILSLOT_E_NOMEM;
        m->block = q->tail;
        m->data = q->tail->data + q->tail->used;
        memcpy(m->data, data, len);
        q->tail->used += len;
        q->tail->live++;
    }
    q->count++;
    return MAILSLOT_OK;
}

uint32_t ms_queue_peek_size(const ms_queue *q)
{
    return q->ring[q->head].len;
}

int ms_queue_pop(ms_queue *q, void *buf, size_t cap, size_t *len)
{
    if (q->count == 0)
        return MAILSLOT_E_TIMEOUT;
    ms_msg *m = &q->ring[q->head];
    *len = m->len;
    if (cap < m->len)
        return MAILSLOT_E_BUFFER;
    if (m->len > 0)
        memcpy(buf, m->data, m->len);
    release(q, m);
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return MAILSLOT_OK;
}
