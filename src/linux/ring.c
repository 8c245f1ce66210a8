/* SPDX-License-Identifier: MIT */
/* ring.c -- the shared-memory ring of a local writer (ring.h): its checks,
 * its mapping, its futex.
 *
 * Linux only: memfd_create with seals, MAP_FIXED over a PROT_NONE
 * reservation for the double mapping, futex on a MAP_SHARED word. */
#define _GNU_SOURCE
#include "linux/ring.h"
#include "linux/local.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

uint64_t ms_ring_size_for(uint32_t largest)
{
    uint64_t need = ms_ring_record_size(largest);
    uint64_t size = MS_RING_MIN_SIZE;
    while (size < need)
        size *= 2;
    return size;
}

int ms_ring_next(const unsigned char *data, uint64_t size, uint64_t head, uint64_t tail,
                 const ms_ring_limits *lim, int *type, const unsigned char **bytes, uint32_t *len)
{
    uint64_t avail = tail - head; /* a tail behind head wraps to a huge value */
    if (avail == 0)
        return MS_RING_EMPTY;
    if (avail > size || avail < MS_RING_REC_HEADER)
        return MS_RING_CORRUPT;
    const unsigned char *rec = data + (head & (size - 1));
    unsigned char h[MS_RING_REC_HEADER];
    memcpy(h, rec, sizeof h); /* once: the writer may change it meanwhile */
    uint32_t n;
    memcpy(&n, h, sizeof n);
    uint32_t limit = h[4] == MS_REC_DATA ? lim->max_data : lim->max_packet;
    if ((h[4] != MS_REC_DATA && h[4] != MS_REC_PACKET) || h[5] || h[6] || h[7] || n > limit ||
        ms_ring_record_size(n) > avail)
        return MS_RING_CORRUPT;
    *type = h[4];
    *bytes = rec + MS_RING_REC_HEADER;
    *len = n;
    return MS_RING_RECORD;
}

/* Maps fd's header page and its data area twice, back to back. */
static int map_ring(int fd, uint64_t size, ms_ring *out)
{
    size_t len = MS_RING_HEADER_SIZE + 2 * (size_t)size;
    unsigned char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    int prot = PROT_READ | PROT_WRITE;
    unsigned char *data = p + MS_RING_HEADER_SIZE;
    if (mmap(p, MS_RING_HEADER_SIZE, prot, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
        mmap(data, size, prot, MAP_SHARED | MAP_FIXED, fd, MS_RING_HEADER_SIZE) == MAP_FAILED ||
        mmap(data + size, size, prot, MAP_SHARED | MAP_FIXED, fd, MS_RING_HEADER_SIZE) ==
            MAP_FAILED) {
        int err = errno;
        munmap(p, len);
        errno = err;
        return -1;
    }
    *out =
        (ms_ring){.hdr = (ms_ring_header *)p, .data = data, .size = size, .map = p, .map_len = len};
    return 0;
}

int ms_ring_create(uint64_t size, int *fd, ms_ring *out)
{
    *fd = memfd_create("mailslot-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (*fd < 0)
        return -1;
    if (ftruncate(*fd, (off_t)(MS_RING_HEADER_SIZE + size)) != 0 ||
        fcntl(*fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0 ||
        map_ring(*fd, size, out) != 0) {
        int err = errno;
        close(*fd);
        *fd = -1;
        errno = err;
        return -1;
    }
    return 0; /* a new memfd reads as zeros: head = tail = 0 */
}

int ms_ring_map(int fd, uint64_t size, ms_ring *out)
{
    /* A ring that could shrink could make our stores fault: insist on the
     * seals and on the size. */
    struct stat st;
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals < 0 || (seals & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW) ||
        fstat(fd, &st) != 0 || size < MS_RING_REC_HEADER || (size & (size - 1)) != 0 ||
        size % (uint64_t)sysconf(_SC_PAGESIZE) != 0 || size > ((uint64_t)1 << 30) ||
        (uint64_t)st.st_size != MS_RING_HEADER_SIZE + size) {
        errno = EPROTO;
        return -1;
    }
    return map_ring(fd, size, out);
}

void ms_ring_unmap(ms_ring *ring)
{
    if (ring->map)
        munmap(ring->map, ring->map_len);
    memset(ring, 0, sizeof *ring);
}

void ms_ring_futex_wait(_Atomic uint32_t *w, uint32_t v, int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    /* Not FUTEX_PRIVATE: the word is shared with another process. */
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT, v, &ts, NULL, 0);
}

void ms_ring_futex_wake(_Atomic uint32_t *w)
{
    syscall(SYS_futex, (uint32_t *)w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}
