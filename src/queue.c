/* queue.c -- a ring of message pointers that grows on demand up to its limit. */
#include "queue.h"
#include "mailslot.h"

#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 64u

void ms_queue_init(ms_queue *q, uint32_t limit)
{
    memset(q, 0, sizeof *q);
    q->limit = limit;
}

void ms_queue_destroy(ms_queue *q)
{
    for (uint32_t i = 0; i < q->count; i++)
        free(q->ring[(q->head + i) % q->cap].data);
    free(q->ring);
    memset(q, 0, sizeof *q);
}

static int grow(ms_queue *q)
{
    uint32_t cap = q->cap ? q->cap * 2 : INITIAL_SLOTS;
    if (cap > q->limit || cap < q->cap)
        cap = q->limit;
    ms_msg *ring = malloc((size_t)cap * sizeof *ring);
    if (!ring)
        return MAILSLOT_E_NOMEM;
    /* Unwrap the old ring so that the oldest message is at index 0. */
    for (uint32_t i = 0; i < q->count; i++)
        ring[i] = q->ring[(q->head + i) % q->cap];
    free(q->ring);
    q->ring = ring;
    q->cap = cap;
    q->head = 0;
    return MAILSLOT_OK;
}

int ms_queue_push(ms_queue *q, const void *data, size_t len)
{
    if (q->count >= q->limit)
        return MAILSLOT_E_FULL;
    if (q->count == q->cap && grow(q) != MAILSLOT_OK)
        return MAILSLOT_E_NOMEM;
    unsigned char *copy = NULL;
    if (len > 0) {
        copy = malloc(len);
        if (!copy)
            return MAILSLOT_E_NOMEM;
        memcpy(copy, data, len);
    }
    ms_msg *m = &q->ring[(q->head + q->count) % q->cap];
    m->len = (uint32_t)len;
    m->data = copy;
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
    free(m->data);
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return MAILSLOT_OK;
}
