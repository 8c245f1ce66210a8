/* SPDX-License-Identifier: MIT */
/* forwarder.c -- the host forwarder on Windows.
 *
 * Election: the forwarder of a host owns the named mutex
 * Global\mailslot-forwarder-PORT. Global, not Local: the UDP port belongs to
 * the machine, not to a session, so a `mailslot forward` run as a service
 * (session 0) and the readers of a logged-on user (session 1) must elect
 * among themselves. Every process with a network reader runs one thread that
 * waits for the mutex (and for its stop event); when the owner's process
 * ends, Windows abandons the mutex and hands it to one waiter at once
 * (WAIT_ABANDONED), with no polling. The mutex's DACL lets every user wait
 * for and release it, so that forwarders of different users (a service and
 * a user) elect among themselves too.
 *
 * Forwarding: the owner binds the UDP port with SO_EXCLUSIVEADDRUSE (no
 * other program can bind it with SO_REUSEADDR meanwhile; a program that is
 * not a forwarder holding the port leaves us BLOCKED, retrying every second),
 * IPv4 and, where the host has it, IPv6; joins the "every host" group and its
 * domains' groups on each multicast interface; and passes each datagram that
 * forward.c accepts to the local reader of its path. Local readers are native
 * mailslots, so that plain Win32 programs receive network messages too: the
 * forwarder writes the PAYLOAD to \\.\mailslot\PATH (the name the reader
 * uses, slot.c), and therefore decides for the reader what a Linux reader
 * decides itself (netrecv.c, one state for the host): it de-duplicates by
 * (sender, sequence), and for a reader with keys (its keyed marker, slot.c)
 * authenticates with the forwarder's keys (replay and time windows) and
 * writes the verified, decrypted payload. The forwarder's keys are the
 * first a reader of this process gave it, or `mailslot forward`'s (the
 * environment's); a forwarder without keys passes a keyed reader nothing,
 * and a slot whose reader keeps off the network (its marker) gets nothing.
 *
 * The thread owns the mutex (mutexes belong to threads), the sockets and the
 * receive decisions (de-duplication and replay tables); fwd.mu guards the
 * first decision and whether the forwarder has keys (set once, kept until it
 * stops); fwd.life serialises ms_forwarder_want and ms_forwarder_unwant,
 * which start and stop the thread. The state, the counters and the listener
 * are the core's (net/fwdstate.h), told of outside these locks. */
#include "win32/win32.h"

#include "alloc.h"
#include "error.h"
#include "net/forward.h"
#include "net/fwdstate.h"
#include "net/udp.h"
#include "log.h"
#include "net/netrecv.h"
#include "transport.h"
#include "os.h"
#include "net/wire.h"

#include <sddl.h>
#include <stdio.h>
#include <string.h>

#define RETRY_MS 1000
/* A dead owner's mutex is abandoned when its threads end, its sockets are
 * closed a moment later with its handles: a takeover retries the port this
 * often, this long, before it calls the port held by someone else. */
#define TAKEOVER_RETRY_MS 10
#define TAKEOVER_GRACE_MS 2000
#define DEDUP_SENDERS 4096     /* network writers the host remembers (one table) */
#define DATAGRAMS_PER_WAKE 256 /* then look at the stop event again */
#define RCVBUF (1 << 20)

static struct {
    SRWLOCK life; /* held by want/unwant: one thread at a time */
    int wanted;
    HANDLE thread, stop;
    ms_net_config cfg;   /* the thread's, set before it starts */
    ms_auth_config auth; /* the forwarder's keys once `keyed`; cleared when it stops */

    SRWLOCK mu; /* the thread's results, for every other thread */
    CONDITION_VARIABLE decided_cv;
    int decided;            /* the thread has made its first decision */
    int start_rc;           /* and this was its result */
    char start_detail[512]; /* the detail of a failed one (details belong to threads) */
    int keyed;              /* fwd.auth holds keys (set once while the thread runs) */
} fwd = {.life = SRWLOCK_INIT, .mu = SRWLOCK_INIT, .decided_cv = CONDITION_VARIABLE_INIT};

/* What only the thread touches. */
typedef struct worker {
    HANDLE mutex;
    SOCKET s4, s6;
    WSAEVENT readable;
    ms_netrecv plain; /* for readers without keys: de-duplication */
    ms_netrecv keyed; /* for readers with keys: authentication with fwd.auth */
    unsigned char buf[MS_WIRE_MAX_PACKET + 1];
    unsigned char payload[MS_WIRE_MAX_PAYLOAD]; /* a decrypted one */
} worker;

/* ---- state ----------------------------------------------------------------- */

/* A new state; the first call also answers ms_forwarder_want with rc. */
static void decide(ms_fwd_state s, int rc)
{
    /* The listener hears of it before ms_forwarder_want returns. */
    ms_fwd_set_state(s);
    ms_fwd_notify();
    AcquireSRWLockExclusive(&fwd.mu);
    if (!fwd.decided) {
        fwd.decided = 1;
        fwd.start_rc = rc;
        snprintf(fwd.start_detail, sizeof fwd.start_detail, "%s", rc ? ms_detail() : "");
        WakeAllConditionVariable(&fwd.decided_cv);
    }
    ReleaseSRWLockExclusive(&fwd.mu);
}

static int first_decision_made(void)
{
    AcquireSRWLockShared(&fwd.mu);
    int d = fwd.decided;
    ReleaseSRWLockShared(&fwd.mu);
    return d;
}

static int has_keys(void)
{
    AcquireSRWLockShared(&fwd.mu);
    int k = fwd.keyed;
    ReleaseSRWLockShared(&fwd.mu);
    return k;
}

/* 1 when the stop event is set after waiting up to ms. */
static int stopped_within(DWORD ms)
{
    return WaitForSingleObject(fwd.stop, ms) == WAIT_OBJECT_0;
}

/* ---- delivery to local readers ------------------------------------------------ */

/* Passes one datagram (buf, len: decoded as p by ms_forward_check) to the
 * local reader of its path: the payload, once netrecv.c accepts it for a
 * reader with or without keys. */
static void deliver(worker *w, const unsigned char *buf, size_t len, const ms_packet *p,
                    ms_fwd_counters *c)
{
    ms_name name = {.kind = MS_HOST_LOCAL};
    memcpy(name.path, p->path, p->path_len);
    name.path[p->path_len] = '\0';
    snprintf(name.canonical, sizeof name.canonical, "\\\\.\\mailslot\\%s", name.path);
    wchar_t slot[MS_WIN32_SLOT_CAP];
    if (ms_win32_slot_name(&name, slot) != MAILSLOT_OK) {
        c->failed++;
        return;
    }
    if (ms_win32_has_marker(slot, MS_WIN32_MARK_LOCAL_ONLY)) {
        c->no_reader++; /* its reader keeps off the network */
        return;
    }
    int keyed_reader = ms_win32_has_marker(slot, MS_WIN32_MARK_KEYED);
    if (keyed_reader && !has_keys()) {
        c->no_key++; /* we cannot tell its senders from forgers */
        return;
    }
    HANDLE h = ms_win32_open_slot(slot);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
            c->no_reader++;
        else
            c->failed++; /* the reader refuses us (another user), or Wine's sharing rule */
        return;
    }
    /* The packet's own path: the slot check is forward.c's and ours. */
    ms_net_counters nc = {0};
    ms_packet q;
    if (ms_netrecv_accept(keyed_reader ? &w->keyed : &w->plain, name.path, buf, len,
                          ms_plat_wall_ms(), &q, w->payload, &nc)) {
        DWORD n = 0;
        if (WriteFile(h, q.payload, (DWORD)q.payload_len, &n, NULL) && n == q.payload_len)
            c->forwarded++;
        else
            c->failed++;
    }
    ms_fwd_count_netrecv(c, &nc);
    CloseHandle(h);
}

/* Takes what waits on one socket. Returns 0 when the socket is drained. */
static int drain(worker *w, SOCKET s)
{
    const int cap = (int)sizeof w->buf;
    for (int i = 0; i < DATAGRAMS_PER_WAKE; i++) {
        int n = recv(s, (char *)w->buf, cap, 0);
        if (n < 0) {
            int err = WSAGetLastError();
            if (err == WSAEMSGSIZE)
                n = cap; /* longer than any packet: its head is enough to call it malformed */
            else if (err == WSAECONNRESET)
                continue; /* an ICMP error of an earlier send; nothing to read */
            else
                return 0; /* WSAEWOULDBLOCK, or the socket is gone */
        }
        ms_fwd_counters c = {0};
        ms_packet p;
        /* Version 2 (encrypted) too: netrecv.c opens it for a keyed reader,
         * and drops it as an unknown version for a reader without keys. */
        if (ms_forward_check(&fwd.cfg, 1, w->buf, (size_t)n, &p, &c))
            deliver(w, w->buf, (size_t)n, &p, &c);
        ms_fwd_count(&c);
        ms_log_flush(); /* what netrecv.c logged; this thread holds no lock */
    }
    return 1;
}

/* ---- owning the port ---------------------------------------------------------- */

/* Binds the UDP port for one family, exclusively. INVALID_SOCKET with *err. */
static SOCKET bind_port(int family, int *err)
{
    SOCKET s = ms_win32_udp_socket(family);
    if (s == INVALID_SOCKET) {
        *err = WSAGetLastError();
        return s;
    }
    DWORD one = 1, off = 0;
    int rcvbuf = RCVBUF;
    setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char *)&rcvbuf, sizeof rcvbuf);
    int rc;
    if (family == AF_INET6) {
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&one, sizeof one);
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(fwd.cfg.port)};
        a.sin6_addr = in6addr_any;
        rc = bind(s, (const struct sockaddr *)&a, sizeof a);
    } else {
        /* Windows applies IP_MULTICAST_LOOP when receiving: this host's own
         * multicast is not received (its copies reach its readers directly).
         * Linux, and so Wine, apply it when sending: no effect here. */
        setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, (const char *)&off, sizeof off);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(fwd.cfg.port)};
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        rc = bind(s, (const struct sockaddr *)&a, sizeof a);
    }
    if (rc != 0) {
        *err = WSAGetLastError();
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

static void close_sockets(worker *w)
{
    if (w->s4 != INVALID_SOCKET)
        closesocket(w->s4);
    if (w->s6 != INVALID_SOCKET)
        closesocket(w->s6);
    w->s4 = w->s6 = INVALID_SOCKET;
}

/* With the mutex held: binds the port (retrying every second while another
 * program holds it) and forwards until stopped. Returns 0 when stopped, -1
 * when it failed before ever forwarding (the first decision: the error is
 * ms_forwarder_want's). takeover: the owner's process has just ended. */
static int serve(worker *w, int takeover)
{
    int64_t grace_until = takeover ? ms_plat_monotonic_ms() + TAKEOVER_GRACE_MS : 0;
    for (;;) {
        int err = 0;
        w->s4 = bind_port(AF_INET, &err);
        if (w->s4 != INVALID_SOCKET)
            break;
        if ((err == WSAEADDRINUSE || err == WSAEACCES) && ms_plat_monotonic_ms() < grace_until) {
            if (stopped_within(TAKEOVER_RETRY_MS))
                return 0;
            continue; /* the dead owner's socket is still being closed */
        }
        if (err != WSAEADDRINUSE && err != WSAEACCES && !first_decision_made()) {
            int rc =
                ms_fail_os(MAILSLOT_E_SYSTEM, err, "the host forwarder cannot bind UDP port %u",
                           (unsigned)fwd.cfg.port);
            decide(MS_FWD_OFF, rc);
            return -1;
        }
        /* A program that is not a forwarder holds the port (WSAEACCES: with
         * SO_EXCLUSIVEADDRUSE, or SO_REUSEADDR under Wine). */
        decide(MS_FWD_BLOCKED, MAILSLOT_OK);
        if (stopped_within(RETRY_MS))
            return 0;
    }
    ms_udp_join_groups(&fwd.cfg, (ms_sock)w->s4);
    int err6;
    w->s6 = bind_port(AF_INET6, &err6); /* INVALID_SOCKET: this host has no IPv6 */
    if (WSAEventSelect(w->s4, w->readable, FD_READ) != 0 ||
        (w->s6 != INVALID_SOCKET && WSAEventSelect(w->s6, w->readable, FD_READ) != 0)) {
        int rc =
            ms_fail_os(MAILSLOT_E_SYSTEM, WSAGetLastError(), "the host forwarder cannot start");
        close_sockets(w);
        int first = !first_decision_made();
        decide(MS_FWD_OFF, rc);
        if (first)
            return -1;
        stopped_within(RETRY_MS); /* then give the mutex to another candidate, or retry */
        return 0;
    }
    /* Legacy mode: Windows itself receives the datagrams of Windows hosts
     * on UDP port 138 and writes them to its native mailslots, which are
     * this library's readers; the forwarder only says so, once. */
    if (fwd.cfg.legacy)
        ms_fwd_set_legacy(MS_FWD_LEGACY_SYSTEM);
    decide(MS_FWD_ACTIVE, MAILSLOT_OK);
    HANDLE wait[2] = {fwd.stop, w->readable};
    for (;;) {
        DWORD r = WaitForMultipleObjects(2, wait, FALSE, INFINITE);
        if (r != WAIT_OBJECT_0 + 1)
            break; /* stopped (or the wait failed: give the port up) */
        WSAResetEvent(w->readable);
        /* Drain both, then wait again: what arrives meanwhile sets the
         * event again (each recv re-enables FD_READ). */
        int more = 1;
        while (more && !stopped_within(0)) {
            more = drain(w, w->s4);
            if (w->s6 != INVALID_SOCKET)
                more |= drain(w, w->s6);
        }
    }
    close_sockets(w);
    return 0;
}

/* ---- election --------------------------------------------------------------------- */

/* The election's mutex, created or opened; NULL with the detail set. */
static HANDLE open_election(void)
{
    wchar_t name[64];
    swprintf(name, sizeof name / sizeof name[0], L"Global\\mailslot-forwarder-%u",
             (unsigned)fwd.cfg.port);
    /* Everyone may wait for it and release it (SYNCHRONIZE | MUTEX_MODIFY_STATE). */
    static const wchar_t sddl[] = L"D:(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;OW)(A;;0x00100001;;;WD)";
    SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .bInheritHandle = FALSE};
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        sa.lpSecurityDescriptor = NULL; /* the default DACL: this user's processes elect */
    HANDLE m = CreateMutexExW(&sa, name, 0, SYNCHRONIZE | MUTEX_MODIFY_STATE);
    DWORD err = GetLastError();
    if (sa.lpSecurityDescriptor)
        LocalFree(sa.lpSecurityDescriptor);
    if (!m)
        ms_fail_os(MAILSLOT_E_SYSTEM, (int)err, "the host forwarder cannot open the mutex %ls",
                   name);
    return m;
}

static DWORD WINAPI run(void *arg)
{
    worker *w = arg;
    for (;;) {
        if (!w->mutex && !(w->mutex = open_election())) {
            /* Someone made the name unusable for us: retry, as Linux does
             * when its election socket cannot be made. */
            decide(MS_FWD_OFF, MAILSLOT_OK);
            if (stopped_within(RETRY_MS))
                break;
            continue;
        }
        HANDLE wait[2] = {fwd.stop, w->mutex};
        DWORD r = WaitForMultipleObjects(2, wait, FALSE, first_decision_made() ? INFINITE : 0);
        if (r == WAIT_TIMEOUT) {
            decide(MS_FWD_WAITING, MAILSLOT_OK);
            continue;
        }
        if (r != WAIT_OBJECT_0 + 1 && r != WAIT_ABANDONED_0 + 1)
            break; /* stopped, or the wait failed */
        /* Ours (WAIT_ABANDONED: its owner's process ended: take over). */
        int served = serve(w, r == WAIT_ABANDONED_0 + 1);
        ReleaseMutex(w->mutex);
        if (served < 0 || stopped_within(0))
            break;
    }
    if (w->mutex)
        CloseHandle(w->mutex);
    WSACloseEvent(w->readable);
    ms_netrecv_destroy(&w->plain);
    ms_netrecv_destroy(&w->keyed);
    ms_free(w);
    return 0;
}

/* ---- lifetime ---------------------------------------------------------------------- */

/* Starts the thread and waits for its first decision; under fwd.life. */
static int start(void)
{
    int rc = ms_win32_net_startup();
    if (rc != MAILSLOT_OK)
        return rc;
    worker *w = ms_calloc(1, sizeof *w);
    if (!w)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for the host forwarder");
    w->s4 = w->s6 = INVALID_SOCKET;
    /* Drops are logged (with keys, at a limited rate) as the host forwarder. */
    ms_netrecv_init(&w->plain, NULL, "the host forwarder");
    w->plain.dedup_senders = w->keyed.dedup_senders = DEDUP_SENDERS;
    ms_netrecv_init(&w->keyed, &fwd.auth, "the host forwarder");
    w->readable = WSACreateEvent();
    fwd.stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    AcquireSRWLockExclusive(&fwd.mu);
    fwd.decided = 0;
    fwd.start_rc = MAILSLOT_OK;
    ReleaseSRWLockExclusive(&fwd.mu);
    fwd.thread = w->readable != WSA_INVALID_EVENT && fwd.stop
                     ? CreateThread(NULL, 0, run, w, 0, NULL)
                     : NULL;
    if (!fwd.thread) {
        rc = ms_fail_os(MAILSLOT_E_SYSTEM, (int)GetLastError(),
                        "cannot start the host forwarder's thread");
        if (w->readable != WSA_INVALID_EVENT)
            WSACloseEvent(w->readable);
        if (fwd.stop)
            CloseHandle(fwd.stop);
        fwd.stop = NULL;
        ms_free(w); /* its netrecv states hold nothing yet */
        return rc;
    }
    AcquireSRWLockExclusive(&fwd.mu);
    while (!fwd.decided)
        SleepConditionVariableSRW(&fwd.decided_cv, &fwd.mu, INFINITE, 0);
    rc = fwd.start_rc;
    if (rc != MAILSLOT_OK)
        ms_fail(rc, "%s", fwd.start_detail); /* in this thread */
    ReleaseSRWLockExclusive(&fwd.mu);
    return rc;
}

/* Stops the thread (it gives up the port and the mutex); under fwd.life. */
static void stop(void)
{
    SetEvent(fwd.stop);
    WaitForSingleObject(fwd.thread, INFINITE);
    CloseHandle(fwd.thread);
    CloseHandle(fwd.stop);
    fwd.thread = fwd.stop = NULL;
    ms_fwd_set_state(MS_FWD_OFF); /* told by the caller, once fwd.life is released */
    ms_fwd_set_legacy(MS_FWD_LEGACY_OFF);
    AcquireSRWLockExclusive(&fwd.mu);
    fwd.keyed = 0;
    ReleaseSRWLockExclusive(&fwd.mu);
    ms_auth_config_clear(&fwd.auth); /* the thread that used them has ended */
}

/* Keeps a copy of auth's keys when the forwarder has none yet; under
 * fwd.life. The keys never change while the thread runs: it reads fwd.auth
 * without the lock once it has seen fwd.keyed set. */
static int adopt_keys(const ms_auth_config *auth)
{
    if (!ms_auth_config_keyed(auth) || has_keys())
        return MAILSLOT_OK;
    ms_auth_config copy;
    int rc = ms_auth_config_copy(&copy, auth);
    if (rc != MAILSLOT_OK)
        return rc;
    AcquireSRWLockExclusive(&fwd.mu);
    fwd.auth = copy;
    fwd.keyed = 1;
    ReleaseSRWLockExclusive(&fwd.mu);
    return MAILSLOT_OK;
}

int ms_forwarder_want(const ms_net_config *cfg, const ms_auth_config *auth)
{
    AcquireSRWLockExclusive(&fwd.life);
    int rc = MAILSLOT_OK;
    if (fwd.wanted == 0) {
        uint32_t addr[MS_NETIF_MAX];
        size_t nif;
        rc = ms_netif_list(cfg->interface, addr, &nif); /* a bad interface fails here */
        if (rc == MAILSLOT_OK)
            rc = adopt_keys(auth); /* before the thread: its first packet may need them */
        if (rc == MAILSLOT_OK) {
            fwd.cfg = *cfg;
            rc = start();
            if (rc != MAILSLOT_OK && fwd.thread) {
                char detail[512];
                snprintf(detail, sizeof detail, "%s", ms_detail());
                stop();
                rc = ms_fail(rc, "%s", detail);
            }
        }
        if (rc != MAILSLOT_OK && !fwd.thread) {
            AcquireSRWLockExclusive(&fwd.mu);
            fwd.keyed = 0;
            ReleaseSRWLockExclusive(&fwd.mu);
            ms_auth_config_clear(&fwd.auth);
        }
    } else {
        rc = adopt_keys(auth); /* the first keyed reader of a forwarder without keys */
    }
    if (rc == MAILSLOT_OK)
        fwd.wanted++;
    ReleaseSRWLockExclusive(&fwd.life);
    ms_fwd_notify();
    return rc;
}

void ms_forwarder_unwant(void)
{
    AcquireSRWLockExclusive(&fwd.life);
    if (fwd.wanted > 0 && --fwd.wanted == 0)
        stop();
    ReleaseSRWLockExclusive(&fwd.life);
    ms_fwd_notify();
}

/* No bridge on Windows (`mailslot bridge` is built on Linux only): the tap
 * is never called and nothing is injected. */
void ms_forwarder_set_tap(ms_forwarder_tap fn, void *ctx)
{
    (void)fn;
    (void)ctx;
}

void ms_forwarder_inject(ms_inject *batch, size_t n, int resend)
{
    (void)resend;
    for (size_t i = 0; i < n; i++)
        batch[i].rc = ms_fail(MAILSLOT_E_SYSTEM, "this build has no mailslot bridge on Windows");
}
