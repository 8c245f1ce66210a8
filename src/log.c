/* SPDX-License-Identifier: MIT */
/* log.c -- see log.h and mailslot_set_log_handler in mailslot.h. */
#include "log.h"
#include "mailslot.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

typedef struct line {
    int level;
    char text[MS_LOG_LINE];
} line;

/* One lock for the handler pair and the queue, held only to copy: never
 * while a handler runs or a line is written, so a spin is short. */
static atomic_flag lock = ATOMIC_FLAG_INIT;
static mailslot_log_fn handler; /* NULL: the default, stderr */
static void *handler_ctx;
static line queue[MS_LOG_QUEUE];
static unsigned head, count;
static uint64_t lost;       /* lines that found the queue full */
static atomic_uint pending; /* count + (lost > 0): ms_log_flush's quick look */

static void take(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        ;
}

static void give(void)
{
    atomic_flag_clear_explicit(&lock, memory_order_release);
}

void ms_log_set_handler(mailslot_log_fn fn, void *ctx)
{
    take();
    handler = fn;
    handler_ctx = fn ? ctx : NULL;
    give();
}

void ms_log(int level, const char *fmt, ...)
{
    take();
    if (count == MS_LOG_QUEUE) {
        lost++;
    } else {
        line *l = &queue[(head + count++) % MS_LOG_QUEUE];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->text, sizeof l->text, fmt, ap);
        va_end(ap);
        l->level = level;
    }
    atomic_store(&pending, count + (lost > 0));
    give();
}

/* Takes the oldest queued line into *out: 1, or 0 when none waits. Lines
 * lost to a full queue are told of once the queue is empty. */
static int next_line(line *out)
{
    int got = 1;
    take();
    if (count > 0) {
        *out = queue[head];
        head = (head + 1) % MS_LOG_QUEUE;
        count--;
    } else if (lost > 0) {
        out->level = MAILSLOT_LOG_WARNING;
        snprintf(out->text, sizeof out->text,
                 "%llu log message%s lost: more than %d waited to be told",
                 (unsigned long long)lost, lost == 1 ? " was" : "s were", MS_LOG_QUEUE);
        lost = 0;
    } else {
        got = 0;
    }
    atomic_store(&pending, count + (lost > 0));
    give();
    return got;
}

static void tell(const line *l)
{
    take();
    mailslot_log_fn fn = handler;
    void *ctx = handler_ctx;
    give();
    if (fn)
        fn(ctx, l->level, l->text);
    else
        fprintf(stderr, "mailslot: %s\n", l->text);
}

void ms_log_flush(void)
{
    line l;
    while (atomic_load_explicit(&pending, memory_order_relaxed) > 0 && next_line(&l))
        tell(&l);
}
