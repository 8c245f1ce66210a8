/* SPDX-License-Identifier: MIT */
/* records.h -- numbered records for the tests where many writers send to one
 * reader: each writer numbers its records, and the reader checks that none
 * is lost and each writer's arrive in order. */
#ifndef MS_TEST_RECORDS_H
#define MS_TEST_RECORDS_H

#include "test_util.h"

typedef struct record {
    uint32_t writer;
    uint32_t seq;
} record;

/* Writes count records; MAILSLOT_E_FULL means "not sent, try again". */
static inline int write_records(mailslot_writer *w, uint32_t id, long count, long *retries)
{
    for (long i = 0; i < count; i++) {
        record rec = {id, (uint32_t)i};
        int rc;
        while ((rc = mailslot_write(w, &rec, sizeof rec)) == MAILSLOT_E_FULL) {
            (*retries)++;
            sched_yield();
        }
        if (rc != MAILSLOT_OK)
            return rc;
    }
    return MAILSLOT_OK;
}

/* Reads writers * count records and checks per-writer order and no loss. */
static inline void read_records(mailslot_reader *r, uint32_t writers, long count)
{
    uint32_t *next = calloc(writers, sizeof *next);
    for (long total = 0; total < (long)writers * count; total++) {
        record rec;
        size_t len;
        OK(mailslot_read(r, &rec, sizeof rec, &len, 30000));
        assert_int_equal(len, sizeof rec);
        assert_true(rec.writer < writers);
        if (rec.seq != next[rec.writer])
            fail_msg("writer %u: got %u, expected %u", rec.writer, rec.seq, next[rec.writer]);
        next[rec.writer]++;
    }
    expect_empty(r);
    free(next);
}

#endif
