/* SPDX-License-Identifier: MIT */
/* ring.h -- the shared-memory ring of one local writer (local.h, RING).
 *
 * The reader creates, for each connection, a sealed memfd: one header page
 * (ms_ring_header), then a data area of `size` bytes, a power of two. Both
 * sides map the data area twice, back to back, so that a record that runs
 * past the end of the area is contiguous in memory and needs no wrap marker.
 *
 * One producer (the writer, under its lock) and one consumer (the reader,
 * under its lock). head and tail are monotonic byte counters: the writer
 * appends at tail and publishes it with a release store; the reader takes at
 * head and publishes it likewise. A record is an 8-byte header {u32 length,
 * u8 type (MS_REC_DATA or MS_REC_PACKET), 3 reserved bytes (0)} and the
 * bytes, padded to a multiple of 8, so that every header is aligned.
 *
 * The reader never trusts the ring: it keeps its own copy of head, reads
 * tail and each header once, and checks them (ms_ring_next) before it copies
 * anything; a writer that breaks a rule loses its connection. */
#ifndef MS_LINUX_RING_H
#define MS_LINUX_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define MS_RING_HEADER_SIZE 4096 /* the header page, before the data area */
#define MS_RING_REC_HEADER 8
/* Room for a burst of small messages: 14,000 of 64 bytes. A ring that
 * holds more lets the writer go on while the reader is off its CPU (on a
 * busy 2-CPU VM, 64 B bursts: 128 KiB 1.2-1.3 M msg/s, 256 KiB 1.4-1.7 M,
 * 512 KiB 1.8-2.3 M, 1 MiB 2.4-3.6 M). Only the pages a burst reaches are
 * resident. Where addresses are 32 bits, each ring maps twice its size in
 * each process, so it stays small. */
#define MS_RING_MIN_SIZE (sizeof(void *) >= 8 ? 1048576u : 65536u)

typedef struct ms_ring_header {
    _Alignas(64) _Atomic uint64_t head; /* reader: bytes taken */
    _Alignas(64) _Atomic uint64_t tail; /* writer: bytes published */
    /* The writer sets it before it sleeps on head for space (a futex on the
     * low half of head); the reader wakes it after it moves head. */
    _Alignas(64) _Atomic uint32_t waiting;
    /* Set by the reader when it drops the connection (end, error, corrupt
     * ring): a writer that sees it connects anew instead of appending to a
     * ring nobody reads. Written once, so it costs the writer no miss. */
    _Alignas(64) _Atomic uint32_t dropped;
} ms_ring_header;

/* One side's mapping of a ring. */
typedef struct ms_ring {
    ms_ring_header *hdr;
    unsigned char *data; /* 2 x size bytes: the area mapped twice */
    uint64_t size;
    uint64_t pos;   /* reader: its head; writer: its tail */
    uint64_t other; /* the other side's counter as seen last (saves reading its line):
                     * writer: head; reader: tail */
    uint64_t shown; /* reader: head as last published (reader.c, ring_consume) */
    void *map;      /* the whole reservation, for munmap */
    size_t map_len;
} ms_ring;

/* A record's bytes on the ring, padded: what it advances head and tail. */
static inline uint64_t ms_ring_record_size(uint64_t len)
{
    return MS_RING_REC_HEADER + ((len + 7) & ~(uint64_t)7);
}

/* The data area for records of up to largest bytes: a power of two that
 * holds at least one such record. */
uint64_t ms_ring_size_for(uint32_t largest);

/* What ms_ring_next found. */
enum { MS_RING_EMPTY = 0, MS_RING_RECORD = 1, MS_RING_CORRUPT = -1 };

typedef struct ms_ring_limits {
    uint32_t max_data;   /* longest DATA record: the reader's max_message_size */
    uint32_t max_packet; /* longest PACKET record */
} ms_ring_limits;

/* Checks the next record of a ring image: data is the area mapped twice
 * (2 x size bytes, size a power of two), head the reader's own counter and
 * tail the value it read once. Returns MS_RING_EMPTY, MS_RING_CORRUPT (tail
 * behind head or more than size ahead, a torn or unknown header, a length
 * over its limit or past tail), or MS_RING_RECORD with *type, *bytes (in
 * data) and *len set; the record ends at head + ms_ring_record_size(*len).
 * The header is read once, so a writer that changes it meanwhile cannot
 * make the reader copy more than was checked. */
int ms_ring_next(const unsigned char *data, uint64_t size, uint64_t head, uint64_t tail,
                 const ms_ring_limits *lim, int *type, const unsigned char **bytes, uint32_t *len);

/* The reader: a new sealed memfd for a ring of size bytes (*fd), mapped into
 * *out. 0, or -1 with errno set. */
int ms_ring_create(uint64_t size, int *fd, ms_ring *out);

/* The writer: maps the ring in fd (checked: sealed and as large as size
 * says). 0, or -1 with errno set. */
int ms_ring_map(int fd, uint64_t size, ms_ring *out);

void ms_ring_unmap(ms_ring *ring);

/* The futex word of head: its low 32 bits. */
static inline _Atomic uint32_t *ms_ring_head_word(ms_ring_header *h)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (_Atomic uint32_t *)&h->head + 1;
#else
    return (_Atomic uint32_t *)&h->head;
#endif
}

/* Sleeps while the futex word w holds v, at most ms milliseconds. */
void ms_ring_futex_wait(_Atomic uint32_t *w, uint32_t v, int ms);
void ms_ring_futex_wake(_Atomic uint32_t *w);

#endif
