/* SPDX-License-Identifier: MIT */
/* test_ring.c -- the shared-memory rings of local writers (src/linux/ring.h):
 * writers killed in the middle of a record, writers that scribble over their
 * ring, writers and readers of release 1.0 (no ring), forked writers. */
#include "records.h"
#include "test_util.h"

#include "test_platform.h"

#include "raw_connect.h"

#include "linux/local.h"
#include "linux/ring.h"
#include "testing.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* Writers r dropped for a corrupt ring, through the public counter. */
static int64_t corrupt_rings(mailslot_reader *r)
{
    int64_t n = -1;
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_LOCAL_CORRUPT_RING, &n));
    return n;
}

static void expect_connection_dropped(int fd)
{
    char c;
    assert_int_equal(recv(fd, &c, 1, 0), 0);
    close(fd);
}

/* ---- a writer killed while it writes ------------------------------------ */

/* A numbered record of 12 to 235 bytes (so that records run over the end of
 * the ring), its bytes a function of its number, and a checksum. */
typedef struct checked {
    uint32_t writer, seq, sum;
    unsigned char bytes[224];
} checked;

static uint32_t checksum(const checked *c, size_t n)
{
    uint32_t h = 2166136261u ^ c->writer ^ (c->seq << 8);
    for (size_t i = 0; i < n; i++)
        h = (h ^ c->bytes[i]) * 16777619u;
    return h;
}

static size_t make_checked(checked *c, uint32_t writer, uint32_t seq)
{
    size_t n = (seq * 37u) % sizeof c->bytes;
    c->writer = writer;
    c->seq = seq;
    for (size_t i = 0; i < n; i++)
        c->bytes[i] = (unsigned char)(seq + i * 7);
    c->sum = checksum(c, n);
    return offsetof(checked, bytes) + n;
}

/* Checks one received record of writer: whole, and the next in order. */
static void expect_checked(const checked *c, size_t len, uint32_t writer, uint32_t *next)
{
    assert_true(len >= offsetof(checked, bytes));
    size_t n = len - offsetof(checked, bytes);
    assert_int_equal(c->writer, writer);
    if (c->seq != *next)
        fail_msg("writer %u: got record %u, expected %u", writer, c->seq, *next);
    assert_int_equal(n, (c->seq * 37u) % sizeof c->bytes);
    assert_int_equal(c->sum, checksum(c, n));
    (*next)++;
}

static void test_writer_killed_while_writing_loses_no_published_record(void **state)
{
    (void)state;
    NAME(name, "killed");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    /* The child counts here the writes that returned MAILSLOT_OK. */
    _Atomic uint32_t *written =
        mmap(NULL, sizeof *written, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(written != MAP_FAILED);
    uint32_t wrap = (uint32_t)(ms_ring_size_for(MAILSLOT_MAX_LOCAL_MESSAGE) / 96);
    for (uint32_t round = 0; round < (uint32_t)scaled(20); round++) {
        atomic_store(written, 0);
        pid_t pid = test_fork();
        if (pid == 0) {
            mailslot_writer *w;
            if (mailslot_open(name, NULL, &w) != MAILSLOT_OK)
                _exit(1);
            for (uint32_t seq = 0;; seq++) {
                checked c;
                size_t len = make_checked(&c, round, seq);
                while (mailslot_write(w, &c, len) == MAILSLOT_E_FULL)
                    sched_yield();
                atomic_store(written, seq + 1);
            }
        }
        /* Kill it at some point of its stream: mostly in the middle of a
         * record, the copy being most of what a write does; and after
         * records ran over the end of the ring (136 bytes on average). */
        uint32_t next = 0;
        checked c;
        size_t len;
        while (next < wrap + round * 97) {
            OK(mailslot_read(r, &c, sizeof c, &len, 30000));
            expect_checked(&c, len, round, &next);
        }
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, NULL, 0), pid);
        /* What it published is all there, whole and in order: every write
         * that returned, and perhaps the one it was killed after. */
        int rc;
        while ((rc = mailslot_read(r, &c, sizeof c, &len, 0)) == MAILSLOT_OK)
            expect_checked(&c, len, round, &next);
        RC(MAILSLOT_E_TIMEOUT, rc);
        if (next < atomic_load(written))
            fail_msg("round %u: %u records arrived of %u written", round, next,
                     atomic_load(written));
    }
    munmap((void *)written, sizeof *written);
    assert_int_equal(corrupt_rings(r), 0);
    mailslot_reader_close(r);
}

/* ---- a writer that scribbles over its ring ------------------------------ */

typedef enum scribble {
    TAIL_PAST_SIZE,
    TAIL_BEHIND_HEAD,
    LENGTH_OVER_LIMIT,
    LENGTH_PAST_TAIL,
    UNKNOWN_TYPE,
    RESERVED_SET,
    RANDOM_BYTES,
    SCRIBBLES
} scribble;

static void put_header(unsigned char *data, uint32_t len, unsigned char type)
{
    memcpy(data, &len, sizeof len);
    data[4] = type;
}

/* The ring a raw connection was given (raw_connect_ring's ring_fds[0] and
 * size), mapped once, header page first: MS_RING_HEADER_SIZE + size bytes. */
static unsigned char *map_raw_ring(int ring_fd, uint32_t size)
{
    unsigned char *map =
        mmap(NULL, MS_RING_HEADER_SIZE + size, PROT_READ | PROT_WRITE, MAP_SHARED, ring_fd, 0);
    assert_true(map != MAP_FAILED);
    return map;
}

/* Writes an image of kind s into a ring of size bytes. */
static void scribble_ring(unsigned char *map, uint64_t size, scribble s)
{
    ms_ring_header *h = (ms_ring_header *)map;
    unsigned char *data = map + MS_RING_HEADER_SIZE;
    uint64_t tail = 16;
    switch (s) {
    case TAIL_PAST_SIZE:
        tail = size + 8;
        break;
    case TAIL_BEHIND_HEAD:
        tail = (uint64_t)-8;
        break;
    case LENGTH_OVER_LIMIT:
        put_header(data, 65, MS_REC_DATA);
        tail = ms_ring_record_size(65);
        break;
    case LENGTH_PAST_TAIL:
        put_header(data, 32, MS_REC_DATA);
        break;
    case UNKNOWN_TYPE:
        put_header(data, 4, 99);
        break;
    case RESERVED_SET:
        put_header(data, 4, MS_REC_DATA);
        data[6] = 1;
        break;
    default:
        srand(7);
        for (uint64_t i = 0; i < MS_RING_HEADER_SIZE + size; i++)
            map[i] = (unsigned char)rand();
        tail = 8 * (1 + (uint64_t)rand() % (size / 8));
        break;
    }
    atomic_store(&h->tail, tail);
}

static void test_scribbled_ring_drops_that_writer_only(void **state)
{
    (void)state;
    NAME(name, "scribble");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 64);
    mailslot_writer *good;
    OK(mailslot_open(name, NULL, &good));
    for (int s = 0; s < SCRIBBLES; s++) {
        int fds[2];
        uint32_t size;
        int fd = raw_connect_ring(name, fds, &size);
        size_t len = MS_RING_HEADER_SIZE + size;
        unsigned char *map = map_raw_ring(fds[0], size);
        scribble_ring(map, size, (scribble)s);
        uint64_t one = 1;
        assert_int_equal(write(fds[1], &one, sizeof one), (ssize_t)sizeof one);
        /* The other writer is served, before or after the reader meets the
         * corrupt ring; info looks at every ring. */
        char text[16];
        snprintf(text, sizeof text, "fine %d", s);
        OK(mailslot_write(good, text, strlen(text)));
        expect_text(r, text);
        uint32_t count;
        OK(mailslot_info(r, NULL, NULL, &count, NULL));
        assert_int_equal(count, 0);
        assert_int_equal(corrupt_rings(r), s + 1);
        expect_connection_dropped(fd);
        munmap(map, len);
        close(fds[0]);
        close(fds[1]);
    }
    OK(mailslot_write(good, "still fine", 10));
    expect_text(r, "still fine");
    expect_empty(r);
    mailslot_writer_close(good);
    mailslot_reader_close(r);
}

/* ---- giving room back ----------------------------------------------------- */

/* The reader publishes head an eighth of the ring at a time, and when it has
 * taken all it saw: never per record (a full ring then woke the writer for
 * one record at a time, a futex call on each side per message). Whoever
 * takes the records, a read or the I/O thread, head only ever shows a
 * multiple of an eighth of the ring, or the whole tail. */
static void test_reader_gives_room_back_an_eighth_at_a_time(void **state)
{
    (void)state;
    enum { PAYLOAD = 1016, RECORD = 1024 };
    NAME(name, "eighths");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, 4096);
    ms_shared *page;
    int fds[2];
    uint32_t size;
    int fd = raw_connect_page(name, NULL, &page, fds, &size);
    assert_int_equal(ms_ring_record_size(PAYLOAD), RECORD);
    size_t len = MS_RING_HEADER_SIZE + size;
    unsigned char *map = map_raw_ring(fds[0], size);
    ms_ring_header *h = (ms_ring_header *)map;
    uint64_t eighth = size / 8 / RECORD, n = 3 * eighth;
    atomic_fetch_add(&page->reserved, (uint32_t)n); /* their places, as a writer takes them */
    for (uint64_t i = 0; i < n; i++)
        put_header(map + MS_RING_HEADER_SIZE + i * RECORD, PAYLOAD, MS_REC_DATA);
    uint64_t tail = n * RECORD;
    atomic_store(&h->tail, tail);
    for (uint64_t i = 1; i <= n; i++) {
        static char buf[PAYLOAD];
        size_t got;
        OK(mailslot_read(r, buf, sizeof buf, &got, 10000));
        assert_int_equal(got, PAYLOAD);
        uint64_t head = atomic_load(&h->head);
        if (head != tail)
            assert_int_equal(head, i / eighth * eighth * RECORD);
    }
    assert_int_equal(atomic_load(&h->head), tail);
    expect_empty(r);
    munmap(map, len);
    munmap(page, MS_SHARED_SIZE);
    close(fds[0]);
    close(fds[1]);
    close(fd);
    mailslot_reader_close(r);
}

/* ---- release 1.0 on either side ----------------------------------------- */

/* A writer of release 1.0: takes a HELLO of the old length (the kernel cuts
 * the new one off), never reads the RING record, and sends DATA records
 * over the socket after taking a place in the shared page. */
static void test_writer_of_release_1_0_uses_the_socket(void **state)
{
    (void)state;
    NAME(name, "old-writer");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    ms_name n;
    OK(ms_name_parse(name, &n));
    struct sockaddr_un sa;
    socklen_t salen;
    ms_local_address(&n, &sa, &salen);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, salen), 0);
    ms_hello h;
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = &h, .iov_len = MS_HELLO_V1_SIZE};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    assert_int_equal(recvmsg(fd, &msg, MSG_CMSG_CLOEXEC), (ssize_t)MS_HELLO_V1_SIZE);
    OK(ms_local_check_hello(&n, &h, MS_HELLO_V1_SIZE));
    int memfd = ms_local_passed_fd(&msg);
    assert_true(memfd >= 0);
    ms_shared *page = mmap(NULL, MS_SHARED_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    assert_true(page != MAP_FAILED);
    close(memfd);

    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "ring 1", 6));
    assert_true(ms_shared_take(page, h.queue_limit));
    unsigned char rec[MS_DATA_HEADER + 6] = {MS_REC_DATA, 0, 0, 0, 's', 'o', 'c', 'k', 'e', 't'};
    assert_int_equal(send(fd, rec, sizeof rec, 0), (ssize_t)sizeof rec);
    OK(mailslot_write(w, "ring 2", 6));
    /* One writer's order is its own: the two writers' messages may mix. */
    int seen_ring = 0, seen_socket = 0;
    for (int i = 0; i < 3; i++) {
        char buf[16];
        size_t len;
        OK(mailslot_read(r, buf, sizeof buf, &len, 10000));
        if (len == 6 && memcmp(buf, "socket", 6) == 0) {
            seen_socket++;
        } else {
            assert_int_equal(len, 6);
            assert_int_equal(buf[5], '1' + seen_ring);
            seen_ring++;
        }
    }
    assert_int_equal(seen_socket, 1);
    expect_empty(r);
    assert_int_equal(atomic_load(&page->reserved), 0); /* every place given back */
    munmap(page, MS_SHARED_SIZE);
    close(fd);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* A reader of release 1.0 (a HELLO of the old length, no ring), or one that
 * offers a ring and then breaks the offer. */
typedef enum offer { NO_RING, RING_MISSING, RING_UNSEALED, RING_SMALL } offer;

typedef struct fake_reader {
    offer offer;
    int listen_fd;
    int ring_fd; /* the ring it made, for the test to look at; or -1 */
    char path[MS_PATH_MAX + 1];
    unsigned char got[64];
    ssize_t got_len; /* the record it received, or 0 (the writer closed) */
    pthread_t thread;
} fake_reader;

enum { SMALL_RING = 4096 };

static int fake_ring(fake_reader *f, int fd)
{
    f->ring_fd = memfd_create("fake-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    int bell = eventfd(0, EFD_CLOEXEC);
    uint32_t size = f->offer == RING_SMALL ? SMALL_RING : 65536;
    int ok = f->ring_fd >= 0 && bell >= 0 &&
             ftruncate(f->ring_fd, MS_RING_HEADER_SIZE + size) == 0 &&
             (f->offer == RING_UNSEALED ||
              fcntl(f->ring_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0) &&
             ms_local_send_ring(fd, size, f->ring_fd, bell) == 0;
    if (bell >= 0)
        close(bell);
    return ok ? 0 : -1;
}

static void *fake_run(void *arg)
{
    fake_reader *f = arg;
    int fd = accept(f->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    ms_hello h;
    memset(&h, 0, sizeof h);
    h.magic = MS_HELLO_MAGIC;
    h.version = MS_LOCAL_VERSION;
    h.type = MS_REC_HELLO;
    h.max_message_size = 65536;
    h.queue_limit = 10;
    strcpy(h.path, f->path);
    h.path_len = (uint32_t)strlen(h.path);
    h.features = f->offer == NO_RING ? 0 : MS_HELLO_RING;
    size_t hello_len = f->offer == NO_RING ? MS_HELLO_V1_SIZE : sizeof h;
    int memfd = memfd_create("fake", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (memfd >= 0 && ftruncate(memfd, MS_SHARED_SIZE) == 0 &&
        fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0 &&
        ms_local_send_record(fd, &h, hello_len, memfd) == 0 && f->offer != RING_MISSING &&
        (f->offer == NO_RING || fake_ring(f, fd) == 0))
        f->got_len = recv(fd, f->got, sizeof f->got, 0);
    if (memfd >= 0)
        close(memfd);
    close(fd);
    return NULL;
}

static void fake_start(fake_reader *f, const char *name, offer o)
{
    *f = (fake_reader){.offer = o, .ring_fd = -1, .got_len = -1};
    f->listen_fd = raw_listen(name, f->path);
    assert_int_equal(pthread_create(&f->thread, NULL, fake_run, f), 0);
}

static void fake_stop(fake_reader *f)
{
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    if (f->ring_fd >= 0)
        close(f->ring_fd);
}

/* Without a ring (a reader of release 1.0, or a ring it cannot map), a
 * writer sends over the socket. */
static void expect_socket_fallback(offer o)
{
    NAME(name, "fallback");
    fake_reader f;
    fake_start(&f, name, o);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "over the socket", 15));
    mailslot_writer_close(w); /* the fake gets the end if the record went elsewhere */
    fake_stop(&f);
    assert_int_equal(f.got_len, MS_DATA_HEADER + 15);
    assert_int_equal(f.got[0], MS_REC_DATA);
    assert_memory_equal(f.got + MS_DATA_HEADER, "over the socket", 15);
}

static void test_writer_falls_back_to_the_socket_without_a_ring(void **state)
{
    (void)state;
    expect_socket_fallback(NO_RING);
}

static void test_writer_falls_back_to_the_socket_with_an_unsealed_ring(void **state)
{
    (void)state;
    expect_socket_fallback(RING_UNSEALED);
}

static void test_reader_that_offers_no_ring_after_all(void **state)
{
    (void)state;
    NAME(name, "noring");
    fake_reader f;
    fake_start(&f, name, RING_MISSING);
    mailslot_writer *w = NULL;
    RC(MAILSLOT_E_SYSTEM, mailslot_open(name, NULL, &w));
    assert_null(w);
    assert_non_null(strstr(mailslot_last_error_detail(), "sent no ring"));
    fake_stop(&f);
}

/* A message the reader allows that its ring cannot hold (a reader that
 * sized it wrongly) is refused at the writer, and the ring still works. */
static void test_record_larger_than_the_ring_is_refused(void **state)
{
    (void)state;
    NAME(name, "smallring");
    fake_reader f;
    fake_start(&f, name, RING_SMALL);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    static char big[SMALL_RING];
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, sizeof big));
    assert_non_null(strstr(mailslot_last_error_detail(), "does not fit the ring"));
    OK(mailslot_write(w, "fits", 4));
    unsigned char *map =
        mmap(NULL, MS_RING_HEADER_SIZE + SMALL_RING, PROT_READ, MAP_SHARED, f.ring_fd, 0);
    assert_true(map != MAP_FAILED);
    ms_ring_header *h = (ms_ring_header *)map;
    assert_int_equal(atomic_load(&h->tail), ms_ring_record_size(4));
    assert_memory_equal(map + MS_RING_HEADER_SIZE + MS_RING_REC_HEADER, "fits", 4);
    munmap(map, MS_RING_HEADER_SIZE + SMALL_RING);
    mailslot_writer_close(w);
    fake_stop(&f);
    assert_int_equal(f.got_len, 0); /* nothing came over the socket */
}

/* ---- the doorbell -------------------------------------------------------- */

/* A look at the reader that is no sleep (mailslot_info, a read that finds a
 * message) must not quiet the doorbell meant for the I/O thread: the writer
 * that rang took the sleeping word, and mailslot_fd would then stay unready
 * for every later message. */
static void test_fd_ready_after_looks_between_rings(void **state)
{
    (void)state;
    NAME(name, "bell");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    intptr_t fd;
    OK(mailslot_fd(r, &fd));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    for (long i = 0; i < scaled(2000); i++) {
        OK(mailslot_write(w, "a", 1));
        uint32_t count;
        OK(mailslot_info(r, NULL, NULL, &count, NULL));
        assert_int_equal(count, 1);
        expect_text(r, "a");
        OK(mailslot_write(w, "b", 1));
        assert_true(test_fd_ready(fd, 30000));
        expect_text(r, "b");
    }
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* ---- a read that finds the rings empty ---------------------------------- */

/* Holds the thread that logs a corrupt ring (the I/O thread) in the log
 * handler until released: meanwhile it receives for no reader. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int held, released;
} hold = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static void MAILSLOT_CALL hold_on_corrupt(void *ctx, int level, const char *message)
{
    (void)ctx;
    (void)level;
    if (!strstr(message, "corrupt"))
        return;
    pthread_mutex_lock(&hold.mu);
    hold.held = 1;
    pthread_cond_broadcast(&hold.cv);
    while (!hold.released)
        pthread_cond_wait(&hold.cv, &hold.mu);
    pthread_mutex_unlock(&hold.mu);
}

/* A read that finds the rings empty skips the look at the sockets only
 * while every writer said it writes through its ring (MS_WRITER_RING): a
 * writer that did not (release 1.0, or one that could not map its ring)
 * sends over the socket, and a read with timeout 0 finds its message at
 * once even while the I/O thread, which watches the sockets, is busy. */
static void test_read_finds_socket_message_while_io_thread_is_busy(void **state)
{
    (void)state;
    NAME(busy_name, "busy");
    NAME(name, "sockmsg");
    mailslot_reader *busy, *r;
    OK(mailslot_create(busy_name, NULL, &busy));
    OK(mailslot_create(name, NULL, &r));
    intptr_t notify;
    OK(mailslot_fd(r, &notify)); /* the I/O thread watches r's sockets */
    ms_hello hello;
    ms_shared *page;
    int fd = raw_connect_page(name, &hello, &page, NULL, NULL); /* says no FEATURES */
    OK(mailslot_set_log_handler(hold_on_corrupt, NULL));
    int fds[2];
    uint32_t size;
    int bad = raw_connect_ring(busy_name, fds, &size);
    size_t map_len = MS_RING_HEADER_SIZE + size;
    unsigned char *map = map_raw_ring(fds[0], size);
    scribble_ring(map, size, UNKNOWN_TYPE);
    uint64_t one = 1;
    assert_int_equal(write(fds[1], &one, sizeof one), (ssize_t)sizeof one);
    pthread_mutex_lock(&hold.mu);
    while (!hold.held)
        pthread_cond_wait(&hold.cv, &hold.mu);
    pthread_mutex_unlock(&hold.mu);
    /* The I/O thread is held: only the read itself can find this. */
    assert_int_equal(ms_shared_take(page, hello.queue_limit), MS_TAKE_OK);
    unsigned char rec[MS_DATA_HEADER + 5] = {MS_REC_DATA, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'};
    assert_int_equal(send(fd, rec, sizeof rec, 0), (ssize_t)sizeof rec);
    char buf[16];
    size_t len;
    int rc = mailslot_read(r, buf, sizeof buf, &len, 0);
    pthread_mutex_lock(&hold.mu);
    hold.released = 1;
    pthread_cond_broadcast(&hold.cv);
    pthread_mutex_unlock(&hold.mu);
    OK(rc);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "hello", 5);
    OK(mailslot_set_log_handler(NULL, NULL));
    munmap(map, map_len);
    close(fds[0]);
    close(fds[1]);
    close(bad);
    munmap(page, MS_SHARED_SIZE);
    close(fd);
    mailslot_reader_close(r);
    mailslot_reader_close(busy);
}

/* ---- fork ---------------------------------------------------------------- */

/* A ring has one producer: a child that writes through a writer it
 * inherited gets a connection and a ring of its own, in the middle of its
 * parent's stream. */
static void test_forked_writer_gets_its_own_ring(void **state)
{
    (void)state;
    NAME(name, "forkring");
    long count = scaled(20000);
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    long retries = 0;
    OK(write_records(w, 0, count / 2, &retries));
    int gate[2];
    assert_int_equal(pipe(gate), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        char c;
        close(gate[1]);
        if (read(gate[0], &c, 1) != 0)
            _exit(1);
        _exit(write_records(w, 1, count, &retries) == MAILSLOT_OK ? 0 : 1);
    }
    close(gate[0]);
    close(gate[1]); /* both write at once from here */
    for (long i = count / 2; i < count; i++) {
        record rec = {0, (uint32_t)i};
        int rc;
        while ((rc = mailslot_write(w, &rec, sizeof rec)) == MAILSLOT_E_FULL)
            sched_yield();
        OK(rc);
    }
    read_records(r, 2, count);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(corrupt_rings(r), 0);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* A reader process killed without closing: the writer's next write finds
 * it gone and, with no new reader, fails with MAILSLOT_E_NOT_FOUND, instead
 * of filling a ring nobody reads. The writer asks before every write here;
 * by default it asks at most every 100 ms (writer.c, LIVENESS_MS). */
static void test_writer_sees_a_killed_reader(void **state)
{
    (void)state;
    NAME(name, "ring-killed-reader");
    test_process *p = test_reader_process(name);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "before", 6));
    test_process_kill(p);
    int was = ms_local_writer_set_liveness_ms(0);
    RC(MAILSLOT_E_NOT_FOUND, mailslot_write(w, "after", 5));
    /* A new reader of the name gets the next write. */
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    OK(mailslot_write(w, "again", 5));
    expect_text(r, "again");
    ms_local_writer_set_liveness_ms(was);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* ---- freed places (local.h) ---------------------------------------------- */

#define LIMIT 64 /* a queue limit whose batch of freed places is 4 */

/* A connection made by hand, past the HELLO and the RING record, with the
 * reader's shared page mapped into *page: to the reader, a writer of
 * release 1.0 until it sends a FEATURES record. */
static int connect_with_page(const char *name, ms_shared **page)
{
    ms_hello h;
    int fd = raw_connect_page(name, &h, page, NULL, NULL);
    ms_name n;
    OK(ms_name_parse(name, &n));
    OK(ms_local_check_hello(&n, &h, sizeof h));
    assert_true(h.features & MS_HELLO_FREED);
    return fd;
}

static void send_features(int fd, unsigned char reserved_byte, size_t len)
{
    unsigned char rec[16] = {MS_REC_FEATURES, reserved_byte, 0, 0};
    uint32_t features = MS_WRITER_FREED;
    memcpy(rec + MS_DATA_HEADER, &features, sizeof features);
    assert_int_equal(send(fd, rec, len, 0), (ssize_t)len);
}

/* Lets the reader take what its connections sent (FEATURES records): a
 * look at the reader drains them. */
static uint32_t settle(mailslot_reader *r)
{
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    return count;
}

static void read_one(mailslot_reader *r)
{
    char buf[16];
    size_t len;
    OK(mailslot_read(r, buf, sizeof buf, &len, 10000));
}

static void fill(mailslot_writer *w, int n)
{
    for (int i = 0; i < n; i++)
        OK(mailslot_write(w, "m", 1));
}

static uint32_t freed_count(ms_shared *page)
{
    return MS_FREED_COUNT(atomic_load(&page->freed));
}

/* A read frees its place for the next write at once, however the reader
 * batches them, and the queue never holds more than its limit. */
static void test_freed_places_keep_the_limit_exact(void **state)
{
    (void)state;
    NAME(name, "freed-exact");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    settle(r); /* its FEATURES record: from now on places are freed in batches */
    fill(w, LIMIT);
    RC(MAILSLOT_E_FULL, mailslot_write(w, "m", 1));
    for (int i = 0; i < 3 * LIMIT; i++) {
        read_one(r);
        OK(mailslot_write(w, "m", 1));
        RC(MAILSLOT_E_FULL, mailslot_write(w, "m", 1));
        assert_int_equal(settle(r), LIMIT);
    }
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* With a writer that reads the freed word only, the reader counts what it
 * frees there and takes it off reserved a batch at a time; a writer at the
 * limit subtracts the count. */
static void test_reader_counts_freed_places_for_writers_that_know_them(void **state)
{
    (void)state;
    NAME(name, "freed-count");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    ms_shared *page;
    int fd = connect_with_page(name, &page);
    send_features(fd, 0, MS_FEATURES_RECORD_SIZE);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    settle(r);
    fill(w, LIMIT);
    uint32_t gen = MS_FREED_GEN(atomic_load(&page->freed));
    read_one(r);
    assert_int_equal(atomic_load(&page->reserved), LIMIT);
    assert_int_equal(freed_count(page), 1);
    assert_int_equal(ms_shared_take(page, LIMIT), MS_TAKE_OK); /* the freed place */
    assert_int_equal(ms_shared_take(page, LIMIT), MS_TAKE_FULL);
    for (int i = 0; i < 3; i++)
        read_one(r);
    /* The batch (LIMIT / 16) is full: off reserved, in a new generation. */
    assert_int_equal(atomic_load(&page->reserved), LIMIT + 1 - 4);
    assert_int_equal(freed_count(page), 0);
    assert_int_equal(MS_FREED_GEN(atomic_load(&page->freed)), gen + 1);
    ms_shared_give(page, 1); /* the place taken by hand */
    munmap(page, MS_SHARED_SIZE);
    close(fd);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* A writer of release 1.0 reads reserved alone: when one connects, the
 * places freed so far go back to reserved before its HELLO, and while it
 * stays each freed place goes back at once. */
static void test_writer_of_release_1_0_finds_reserved_exact(void **state)
{
    (void)state;
    NAME(name, "freed-old");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    settle(r);
    fill(w, LIMIT);
    for (int i = 0; i < 3; i++)
        read_one(r); /* 3 freed places, below a batch */
    ms_shared *page;
    int fd = connect_with_page(name, &page);
    assert_int_equal(atomic_load(&page->reserved), LIMIT - 3);
    assert_int_equal(freed_count(page), 0);
    read_one(r);
    assert_int_equal(atomic_load(&page->reserved), LIMIT - 4);
    assert_int_equal(freed_count(page), 0);
    munmap(page, MS_SHARED_SIZE);
    close(fd);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* A FEATURES record not of the form local.h gives is ignored: the
 * connection stays, and counts as a writer of release 1.0. */
static void test_malformed_features_record_is_ignored(void **state)
{
    (void)state;
    NAME(name, "freed-bad");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    ms_shared *page;
    int fd = connect_with_page(name, &page);
    send_features(fd, 1, MS_FEATURES_RECORD_SIZE);     /* a reserved byte set */
    send_features(fd, 0, MS_FEATURES_RECORD_SIZE + 4); /* too long */
    send_features(fd, 0, MS_FEATURES_RECORD_SIZE - 1); /* too short */
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    settle(r);
    fill(w, 2);
    read_one(r);
    assert_int_equal(atomic_load(&page->reserved), 1); /* given back at once */
    assert_int_equal(freed_count(page), 0);
    expect_text(r, "m");
    /* Still connected: a DATA record it sends arrives. */
    assert_int_equal(ms_shared_take(page, LIMIT), MS_TAKE_OK);
    unsigned char rec[MS_DATA_HEADER + 3] = {MS_REC_DATA, 0, 0, 0, 'r', 'a', 'w'};
    assert_int_equal(send(fd, rec, sizeof rec, 0), (ssize_t)sizeof rec);
    expect_text(r, "raw");
    expect_empty(r);
    munmap(page, MS_SHARED_SIZE);
    close(fd);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* ms_shared_take on a page in memory: below the limit reserved alone
 * decides; at it the freed count is subtracted; while the reader moves
 * freed places it says busy; more freed than reserved (a writer that
 * skipped its reservation) counts as an empty queue. */
static void test_take_subtracts_freed_places(void **state)
{
    (void)state;
    ms_shared s;
    memset(&s, 0, sizeof s);
    atomic_store(&s.reserved, 4);
    atomic_store(&s.freed, (uint64_t)7 << 32 | 1);
    assert_int_equal(ms_shared_take(&s, 4), MS_TAKE_OK);
    assert_int_equal(atomic_load(&s.reserved), 5);
    assert_int_equal(ms_shared_take(&s, 4), MS_TAKE_FULL);
    assert_int_equal(atomic_load(&s.reserved), 5);
    atomic_store(&s.freed, (uint64_t)7 << 32 | MS_FREED_MOVING | 1);
    assert_int_equal(ms_shared_take(&s, 4), MS_TAKE_BUSY);
    assert_int_equal(atomic_load(&s.reserved), 5);
    assert_int_equal(ms_shared_take(&s, 8), MS_TAKE_OK); /* below the limit */
    atomic_store(&s.freed, (uint64_t)8 << 32 | 9);
    assert_int_equal(ms_shared_take(&s, 4), MS_TAKE_OK);
    assert_int_equal(atomic_load(&s.reserved), 7);
}

/* A reader stopped while it moves freed places (here: a page whose freed
 * word says MOVING for good) is one that takes no messages: a writer at
 * the limit waits for it as long as for a full socket, then gets
 * MAILSLOT_E_FULL. */
static void test_writer_at_the_limit_waits_out_a_move_then_is_full(void **state)
{
    (void)state;
    NAME(name, "freed-stuck");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    ms_shared *page;
    int fd = connect_with_page(name, &page);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    fill(w, LIMIT);
    atomic_store(&page->freed, MS_FREED_MOVING | 1);
    RC(MAILSLOT_E_FULL, mailslot_write(w, "m", 1));
    assert_non_null(strstr(mailslot_last_error_detail(), "not taking messages"));
    atomic_store(&page->freed, 0);
    RC(MAILSLOT_E_FULL, mailslot_write(w, "m", 1));
    assert_non_null(strstr(mailslot_last_error_detail(), "holds its limit"));
    munmap(page, MS_SHARED_SIZE);
    close(fd);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_sees_a_killed_reader),
        cmocka_unit_test(test_writer_killed_while_writing_loses_no_published_record),
        cmocka_unit_test(test_scribbled_ring_drops_that_writer_only),
        cmocka_unit_test(test_reader_gives_room_back_an_eighth_at_a_time),
        cmocka_unit_test(test_writer_of_release_1_0_uses_the_socket),
        cmocka_unit_test(test_writer_falls_back_to_the_socket_without_a_ring),
        cmocka_unit_test(test_writer_falls_back_to_the_socket_with_an_unsealed_ring),
        cmocka_unit_test(test_reader_that_offers_no_ring_after_all),
        cmocka_unit_test(test_record_larger_than_the_ring_is_refused),
        cmocka_unit_test(test_fd_ready_after_looks_between_rings),
        cmocka_unit_test(test_read_finds_socket_message_while_io_thread_is_busy),
        cmocka_unit_test(test_forked_writer_gets_its_own_ring),
        cmocka_unit_test(test_freed_places_keep_the_limit_exact),
        cmocka_unit_test(test_reader_counts_freed_places_for_writers_that_know_them),
        cmocka_unit_test(test_writer_of_release_1_0_finds_reserved_exact),
        cmocka_unit_test(test_malformed_features_record_is_ignored),
        cmocka_unit_test(test_take_subtracts_freed_places),
        cmocka_unit_test(test_writer_at_the_limit_waits_out_a_move_then_is_full),
    };
    return MS_RUN_TESTS("ring", tests, NULL, NULL);
}
