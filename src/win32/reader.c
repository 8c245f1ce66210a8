/* SPDX-License-Identifier: MIT */
/* reader.c -- a local reader on Windows: a native mailslot, drained by a
 * thread of its own into the reader's queue (queue.c).
 *
 * Why a thread and a queue of our own, rather than reading the mailslot in
 * mailslot_read: Win32 mailslots cannot be waited on, and what the API
 * promises on top of them needs our own state:
 *   - mailslot_fd is an event that is set exactly while our queue holds a
 *     message (the thread sets it as it queues one, reads reset it);
 *   - mailslot_read waits on a condition variable with its own timeout, and
 *     mailslot_interrupt / mailslot_reader_close wake it;
 *   - a small buffer gets MAILSLOT_E_BUFFER and the message stays queued
 *     (Wine's ReadFile truncates a message instead);
 *   - mailslot_info counts exactly (Wine's GetMailslotInfo reports at most
 *     one message);
 *   - QUEUE_LIMIT bounds the memory a reader holds: the thread discards what
 *     arrives while the queue is full (Windows itself queues without limit),
 *     and messages over MAX_MESSAGE_SIZE.
 * The thread keeps the kernel's queue short, so writers do not block under
 * Wine, whose mailslot is a socket pair whose writers block once its buffer
 * is full.
 *
 * The thread blocks in ReadFile. Wine 8 offers no way to end that wait
 * (mailslot handles are synchronous there whatever the flags, and CancelIoEx
 * and CancelSynchronousIo leave the read waiting), so a message does: the
 * reader writes to its own slot. A message of its own also answers "has
 * everything written before now been queued?" (settle below): mailslots are
 * one FIFO per slot, so once the thread has read a marker written now, it
 * has read every message written before. The markers carry a random token
 * of this reader, so that no writer's message is taken for one by chance.
 *
 * The network: the host forwarder writes each network message's payload to
 * the mailslot like any local writer (so that plain Win32 readers receive
 * it too), and de-duplicates itself. The mailslot cannot tell a network
 * message from a local one, so this reader's counters count every message:
 * those queued (NET_RECEIVED) and those discarded (NET_OVER_LIMIT). A reader
 * with the network off holds a named event, its marker, for as long as it
 * owns the slot: the forwarder passes nothing to a slot with a marker. A
 * reader with keys holds the keyed marker instead: the forwarder checks its
 * network messages with the forwarder's keys (netrecv.c) and writes the
 * verified payloads; a forwarder without keys passes it nothing. The
 * reader's MAILSLOT_STAT_AUTH_* counters stay 0: the forwarder counts. */
#include "win32/win32.h"

#include "alloc.h"
#include "error.h"
#include "net/netrecv.h"
#include "os.h"
#include "queue.h"
#include "readerbase.h"
#include "transport.h"

#include <bcrypt.h>
#include <sddl.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_LEN 16
/* One byte over the largest message tells an oversized one. */
#define READ_CAP (MAILSLOT_MAX_LOCAL_MESSAGE + 1)
/* How long close waits for the I/O thread when it could not send it a
 * message (only under Wine, while another program holds the slot open for
 * writing without sharing it); the thread then stops at the next message. */
#define STOP_WAIT_MS 1000
/* How often the I/O thread retries queueing a message it had no memory for,
 * when no read makes room first. */
#define PENDING_RETRY_MS 100

typedef struct marker {
    unsigned char token[TOKEN_LEN];
    uint64_t seq;
} marker;

struct ms_local_reader {
    ms_reader_base base;        /* base.mu guards what follows; base.net counts */
    CONDITION_VARIABLE changed; /* queued, marker seen, interrupted, closed, failed */
    LONG refs;                  /* the core's and the I/O thread's */
    ms_name name;
    ms_reader_config cfg;
    ms_queue queue;
    wchar_t slot_name[MS_WIN32_SLOT_CAP];
    HANDLE slot;   /* the mailslot; closed by the I/O thread once `closed` */
    HANDLE thread; /* the I/O thread */
    HANDLE notify; /* mailslot_fd: manual-reset event, made on demand */
    HANDLE marker; /* network off: local-only; with keys: keyed (ms_win32_marker_name) */
    int notify_set;
    unsigned char *buf; /* the I/O thread's read buffer */
    unsigned char token[TOKEN_LEN];
    uint64_t marker_sent;
    uint64_t marker_seen;
    int running;  /* the I/O thread has not finished */
    DWORD failed; /* the Win32 error that stopped the I/O thread, or 0 */
    /* A message read that the queue had no memory for: it stays in buf (the
     * thread reads nothing more meanwhile) and is queued when memory allows,
     * or read from buf. Its writer was told it was sent: it is not lost. */
    int has_pending;
    DWORD pending_len;
};

/* ---- helpers ------------------------------------------------------------ */

static void destroy(ms_local_reader *r)
{
    if (r->slot)
        CloseHandle(r->slot);
    if (r->thread)
        CloseHandle(r->thread);
    if (r->notify)
        CloseHandle(r->notify);
    if (r->marker)
        CloseHandle(r->marker);
    ms_free(r->buf);
    ms_queue_destroy(&r->queue);
    ms_reader_base_destroy(&r->base);
    ms_free(r);
}

/* Counts a message: queued (NET_RECEIVED), or discarded as over
 * MAX_MESSAGE_SIZE or arrived while the queue held QUEUE_LIMIT messages
 * (NET_OVER_LIMIT); under r->base.mu. */
static void count(ms_local_reader *r, int key)
{
    MS_NET(&r->base.net, key)++;
}

static void unref(ms_local_reader *r)
{
    if (InterlockedDecrement(&r->refs) == 0)
        destroy(r);
}

/* Writes one message to our own slot. Returns 1 when it was written. */
static int send_to_self(ms_local_reader *r, const void *data, DWORD len)
{
    HANDLE h = ms_win32_open_slot(r->slot_name);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    DWORD n = 0;
    BOOL ok = WriteFile(h, data, len, &n, NULL);
    CloseHandle(h);
    return ok && n == len;
}

/* Keeps the mailslot_fd event set exactly while a message waits, and set
 * once the reader is closed; under r->base.mu. */
static void sync_notify(ms_local_reader *r)
{
    if (!r->notify)
        return;
    int want = r->base.closed || r->queue.count > 0 || r->has_pending;
    if (want == r->notify_set)
        return;
    if (want)
        SetEvent(r->notify);
    else
        ResetEvent(r->notify);
    r->notify_set = want;
}

/* Returns once every message written before the call is in the queue (or
 * was discarded); under r->base.mu, which it releases while it waits. */
static void settle(ms_local_reader *r)
{
    /* A thread that holds a message reads nothing more until it is queued
     * or read: what is behind it waits in the mailslot, in order. */
    if (r->base.closed || r->failed || r->has_pending)
        return;
    marker m;
    memcpy(m.token, r->token, TOKEN_LEN);
    m.seq = ++r->marker_sent;
    ms_lock_release(&r->base.mu);
    int sent = send_to_self(r, &m, sizeof m);
    ms_lock_acquire(&r->base.mu);
    if (sent) {
        /* A later marker seen means ours was read too (one FIFO). */
        while (!r->base.closed && !r->failed && r->marker_seen < m.seq)
            SleepConditionVariableSRW(&r->changed, ms_win32_srw(&r->base.mu), INFINITE, 0);
        return;
    }
    /* We cannot write to our own slot (Wine, while another program holds it
     * open for writing without sharing): wait while Windows still reports a
     * message for the thread. This misses only a message the thread has
     * read but not yet queued. */
    DWORD next;
    while (!r->base.closed && !r->failed && GetMailslotInfo(r->slot, NULL, &next, NULL, NULL) &&
           next != MAILSLOT_NO_MESSAGE)
        SleepConditionVariableSRW(&r->changed, ms_win32_srw(&r->base.mu), INFINITE, 0);
}

/* sync_notify, after settling when the queue looks empty (unless the caller
 * has just settled); under r->base.mu. */
static void refresh_notify(ms_local_reader *r, int settled)
{
    if (r->notify && !r->base.closed && r->queue.count == 0 && !settled)
        settle(r);
    sync_notify(r);
}

/* ---- the I/O thread ----------------------------------------------------- */

/* One message read from the slot; under r->base.mu. */
static void on_message(ms_local_reader *r, const unsigned char *data, DWORD len)
{
    if (len == sizeof(marker) && memcmp(data, r->token, TOKEN_LEN) == 0) {
        uint64_t seq;
        memcpy(&seq, data + TOKEN_LEN, sizeof seq);
        if (seq > r->marker_seen && seq <= r->marker_sent)
            r->marker_seen = seq;
        return;
    }
    if (len > r->cfg.max_message_size) {
        count(r, MAILSLOT_STAT_NET_OVER_LIMIT);
        return;
    }
    int rc = ms_queue_push(&r->queue, data, len);
    if (rc == MAILSLOT_OK) {
        count(r, MAILSLOT_STAT_NET_RECEIVED);
    } else if (rc == MAILSLOT_E_NOMEM) {
        r->has_pending = 1; /* data is r->buf: kept there */
        r->pending_len = len;
    } else {
        count(r, MAILSLOT_STAT_NET_OVER_LIMIT); /* at QUEUE_LIMIT */
    }
}

/* Queues the message the queue had no memory for, when it can: waits for a
 * read (or PENDING_RETRY_MS, memory may come back from elsewhere); under
 * r->base.mu, returns once nothing is pending or the reader is closed. */
static void wait_pending(ms_local_reader *r)
{
    while (r->has_pending && !r->base.closed) {
        int rc = ms_queue_push(&r->queue, r->buf, r->pending_len);
        if (rc != MAILSLOT_E_NOMEM) {
            r->has_pending = 0;
            if (rc == MAILSLOT_OK)
                count(r, MAILSLOT_STAT_NET_RECEIVED);
            else
                count(r, MAILSLOT_STAT_NET_OVER_LIMIT);
            break;
        }
        SleepConditionVariableSRW(&r->changed, ms_win32_srw(&r->base.mu), PENDING_RETRY_MS, 0);
    }
}

/* Windows refuses a message larger than the buffer and keeps it: read it
 * into one that fits, and drop it. Returns 0 or a Win32 error. */
static DWORD discard_oversized(ms_local_reader *r)
{
    DWORD next = 0, n = 0;
    if (!GetMailslotInfo(r->slot, NULL, &next, NULL, NULL))
        return GetLastError();
    if (next == MAILSLOT_NO_MESSAGE)
        return 0;
    void *big = ms_malloc(next);
    if (!big)
        return ERROR_NOT_ENOUGH_MEMORY;
    DWORD err = ReadFile(r->slot, big, next, &n, NULL) ? 0 : GetLastError();
    ms_free(big);
    return err;
}

static DWORD WINAPI io_main(void *arg)
{
    ms_local_reader *r = arg;
    for (;;) {
        ms_lock_acquire(&r->base.mu);
        wait_pending(r);
        int closed = r->base.closed;
        ms_lock_release(&r->base.mu);
        if (closed)
            break;
        DWORD n = 0, err = 0;
        if (!ReadFile(r->slot, r->buf, READ_CAP, &n, NULL))
            err = GetLastError();
        int oversized = err == ERROR_INSUFFICIENT_BUFFER;
        if (oversized)
            err = discard_oversized(r);
        ms_lock_acquire(&r->base.mu);
        if (r->base.closed) {
            ms_lock_release(&r->base.mu);
            break;
        }
        if (oversized && err == 0)
            count(r, MAILSLOT_STAT_NET_OVER_LIMIT);
        else if (err == 0)
            on_message(r, r->buf, n);
        else if (err == ERROR_BROKEN_PIPE)
            on_message(r, r->buf, 0); /* Wine reads a zero-length message so */
        else if (err != ERROR_SEM_TIMEOUT)
            r->failed = err;
        sync_notify(r);
        WakeAllConditionVariable(&r->changed);
        int stop = r->failed != 0;
        ms_lock_release(&r->base.mu);
        if (stop)
            break;
    }
    ms_lock_acquire(&r->base.mu);
    r->running = 0;
    if (r->base.closed && r->slot) {
        CloseHandle(r->slot); /* the name is free from here on */
        r->slot = NULL;
    }
    ms_lock_release(&r->base.mu);
    unref(r);
    return 0;
}

/* ---- the platform interface --------------------------------------------- */

/* The marker that tells the forwarder what this reader takes: with the
 * network off, nothing (local-only); with keys, only what a forwarder with
 * keys verified (keyed). Made after the slot, so that it never marks a slot
 * of another reader. */
static int mark(ms_local_reader *r)
{
    int keyed = ms_auth_config_keyed(r->cfg.auth);
    if (r->cfg.network && !keyed)
        return MAILSLOT_OK;
    wchar_t event_name[MS_WIN32_MARKER_CAP];
    ms_win32_marker_name(
        r->slot_name, r->cfg.network ? MS_WIN32_MARK_KEYED : MS_WIN32_MARK_LOCAL_ONLY, event_name);
    SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .bInheritHandle = FALSE};
    r->marker = CreateEventW(&sa, TRUE, FALSE, event_name);
    if (r->marker)
        return MAILSLOT_OK;
    return ms_fail_os(MAILSLOT_E_SYSTEM, (int)GetLastError(), "cannot mark %s as %s",
                      r->name.canonical, r->cfg.network ? "having keys" : "kept off the network");
}

static int open_slot(ms_local_reader *r)
{
    SECURITY_ATTRIBUTES sa = {
        .nLength = sizeof sa, .lpSecurityDescriptor = NULL, .bInheritHandle = FALSE};
    if (r->cfg.allow_any_user) {
        /* SYSTEM, administrators and the owner: everything; everyone: write. */
        static const wchar_t sddl[] = L"D:(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;OW)(A;;FW;;;WD)";
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1,
                                                                  &sa.lpSecurityDescriptor, NULL))
            return ms_fail_os(MAILSLOT_E_SYSTEM, (int)GetLastError(),
                              "cannot make the security descriptor of %s", r->name.canonical);
    }
    /* No size limit for Windows to enforce: the I/O thread drops what is
     * over the reader's, the same under Windows and Wine. */
    r->slot = CreateMailslotW(r->slot_name, 0, MAILSLOT_WAIT_FOREVER, &sa);
    DWORD err = r->slot == INVALID_HANDLE_VALUE ? GetLastError() : 0;
    if (sa.lpSecurityDescriptor)
        LocalFree(sa.lpSecurityDescriptor);
    if (err == 0)
        return mark(r);
    r->slot = NULL;
    if (err == ERROR_ALREADY_EXISTS || err == ERROR_FILE_EXISTS)
        return ms_fail_os(MAILSLOT_E_EXISTS, (int)err, "a reader already owns %s on this host",
                          r->name.canonical);
    if (err == ERROR_INVALID_NAME || err == ERROR_FILENAME_EXCED_RANGE)
        return ms_fail_os(MAILSLOT_E_NAME, (int)err, "Windows does not accept %s as a name",
                          r->name.canonical);
    return ms_fail_os(MAILSLOT_E_SYSTEM, (int)err, "cannot create %s", r->name.canonical);
}

static void make_token(ms_local_reader *r)
{
    if (BCryptGenRandom(NULL, r->token, TOKEN_LEN, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0)
        return;
    /* No random numbers: unique is enough, as the token only tells our
     * markers from other writers' messages. */
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    uint64_t parts[2] = {(uint64_t)t.QuadPart ^ ((uint64_t)GetCurrentProcessId() << 32),
                         (uint64_t)(uintptr_t)r};
    memcpy(r->token, parts, TOKEN_LEN);
}

int ms_local_reader_create(const ms_name *name, const ms_reader_config *cfg, ms_local_reader **out)
{
    ms_local_reader *r = ms_calloc(1, sizeof *r);
    if (!r)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory creating %s", name->canonical);
    ms_reader_base_init(&r->base);
    InitializeConditionVariable(&r->changed);
    r->refs = 1;
    r->name = *name;
    r->cfg = *cfg;
    ms_queue_init(&r->queue, cfg->queue_limit);
    make_token(r);
    int rc = ms_win32_slot_name(name, r->slot_name);
    if (rc == MAILSLOT_OK && !(r->buf = ms_malloc(READ_CAP)))
        rc = ms_fail(MAILSLOT_E_NOMEM, "out of memory creating %s", name->canonical);
    if (rc == MAILSLOT_OK)
        rc = open_slot(r);
    if (rc == MAILSLOT_OK) {
        r->running = 1;
        r->refs = 2;
        r->thread = CreateThread(NULL, 0, io_main, r, 0, NULL);
        if (!r->thread)
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, (int)GetLastError(), "cannot start the thread of %s",
                            name->canonical);
    }
    if (rc != MAILSLOT_OK) {
        destroy(r);
        return rc;
    }
    *out = r;
    return MAILSLOT_OK;
}

/* Takes the oldest message; under r->base.mu, queue not empty. */
static int take(ms_local_reader *r, void *buf, size_t cap, size_t *len)
{
    int rc = ms_queue_pop(&r->queue, buf, cap, len);
    if (rc == MAILSLOT_E_BUFFER)
        ms_read_too_small(r->name.canonical, *len, cap);
    return rc;
}

/* Takes the message the I/O thread holds (the queue is empty, so it is the
 * oldest); under r->base.mu. */
static int take_pending(ms_local_reader *r, void *buf, size_t cap, size_t *len)
{
    *len = r->pending_len;
    if (cap < r->pending_len)
        return ms_read_too_small(r->name.canonical, *len, cap);
    if (r->pending_len)
        memcpy(buf, r->buf, r->pending_len);
    r->has_pending = 0;
    count(r, MAILSLOT_STAT_NET_RECEIVED);
    WakeAllConditionVariable(&r->changed); /* the thread may read again */
    return MAILSLOT_OK;
}

int ms_local_reader_read(ms_local_reader *r, void *buf, size_t cap, size_t *len, int32_t timeout_ms)
{
    int64_t deadline = ms_read_deadline(timeout_ms);
    int settled = 0, rc;
    ms_lock_acquire(&r->base.mu);
    uint64_t gen = r->base.interrupt_gen;
    while ((rc = ms_reader_base_ended(&r->base, r->name.canonical, gen)) == MAILSLOT_OK) {
        if (r->queue.count > 0) {
            rc = take(r, buf, cap, len);
            break;
        }
        if (r->has_pending) {
            rc = take_pending(r, buf, cap, len);
            break;
        }
        if (r->failed) {
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, (int)r->failed, "cannot read from %s",
                            r->name.canonical);
            break;
        }
        DWORD wait = INFINITE;
        if (timeout_ms != MAILSLOT_WAIT_FOREVER) {
            int64_t left = ms_read_left(deadline, timeout_ms);
            if (left <= 0) {
                /* Before giving up, make sure nothing written before now
                 * is still on its way to the queue. */
                if (!settled) {
                    settle(r);
                    settled = 1;
                    continue;
                }
                rc = ms_read_timed_out(r->name.canonical, timeout_ms);
                break;
            }
            wait = left >= INFINITE ? INFINITE - 1 : (DWORD)left;
        }
        r->base.waiters++;
        SleepConditionVariableSRW(&r->changed, ms_win32_srw(&r->base.mu), wait, 0);
        r->base.waiters--;
    }
    refresh_notify(r, settled && r->queue.count == 0);
    ms_lock_release(&r->base.mu);
    return rc;
}

int ms_local_reader_info(ms_local_reader *r, uint32_t *next_size, uint32_t *count)
{
    ms_lock_acquire(&r->base.mu);
    settle(r); /* count what writers have sent, not only what was read so far */
    *count = r->queue.count + (r->has_pending ? 1 : 0);
    *next_size = r->queue.count   ? ms_queue_peek_size(&r->queue)
                 : r->has_pending ? r->pending_len
                                  : MAILSLOT_NO_MESSAGE;
    ms_lock_release(&r->base.mu);
    return MAILSLOT_OK;
}

int ms_local_reader_fd(ms_local_reader *r, intptr_t *fd)
{
    int rc = MAILSLOT_OK;
    ms_lock_acquire(&r->base.mu);
    if (!r->notify) {
        r->notify = CreateEventW(NULL, TRUE, FALSE, NULL);
        if (!r->notify)
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, (int)GetLastError(), "cannot create the event of %s",
                            r->name.canonical);
        else
            refresh_notify(r, 0);
    }
    if (rc == MAILSLOT_OK)
        *fd = (intptr_t)r->notify;
    ms_lock_release(&r->base.mu);
    return rc;
}

void ms_local_reader_interrupt(ms_local_reader *r)
{
    ms_lock_acquire(&r->base.mu);
    r->base.interrupt_gen++;
    WakeAllConditionVariable(&r->changed);
    ms_lock_release(&r->base.mu);
}

/* Every message counts (see the top of this file): the mailslot cannot tell
 * the network's from local writers'. The forwarder drops the malformed,
 * misaddressed and duplicate ones, and counts them itself. */
void ms_local_reader_net_counters(ms_local_reader *r, ms_net_counters *out)
{
    ms_reader_base_net_counters(&r->base, out);
}

int ms_local_reader_query(const ms_name *name, int32_t timeout_ms, ms_reader_snapshot *out)
{
    (void)timeout_ms;
    (void)out;
    return ms_fail(MAILSLOT_E_SYSTEM,
                   "a Windows mailslot cannot be asked for its counters; %s is read by its "
                   "own process only",
                   name->canonical);
}

int ms_local_reader_waiting(ms_local_reader *r)
{
    return ms_reader_base_waiting(&r->base);
}

void ms_local_reader_shutdown(ms_local_reader *r)
{
    if (!ms_reader_base_close(&r->base))
        return;
    sync_notify(r); /* whoever waits on mailslot_fd wakes; its next read says closed */
    WakeAllConditionVariable(&r->changed);
    ms_lock_release(&r->base.mu);

    /* Wake the I/O thread out of ReadFile with a message of our own. Where
     * we cannot write to the slot, cancelling is all that is left (it works
     * on Windows; Wine ignores it, and the thread then stops at the next
     * message). */
    int sent = send_to_self(r, r->token, TOKEN_LEN);
    if (!sent) {
        ms_lock_acquire(&r->base.mu); /* the thread closes the slot under it */
        if (r->slot)
            CancelIoEx(r->slot, NULL);
        ms_lock_release(&r->base.mu);
        CancelSynchronousIo(r->thread);
    }
    WaitForSingleObject(r->thread, sent ? INFINITE : STOP_WAIT_MS);
    ms_lock_acquire(&r->base.mu);
    if (!r->running && r->slot) { /* the thread had stopped on an error */
        CloseHandle(r->slot);
        r->slot = NULL;
    }
    /* The name is free (or freed once the thread stops): so is the slot for
     * the network. */
    if (r->marker) {
        CloseHandle(r->marker);
        r->marker = NULL;
    }
    ms_lock_release(&r->base.mu);
}

void ms_local_reader_release(ms_local_reader *r)
{
    unref(r);
}
