/* SPDX-License-Identifier: MIT */
/* droplog.h -- rate limit for lines about dropped packets: the first drop of
 * each reason is told at once, then at most one line per reason per period,
 * with the number dropped since the last line. Pure: the caller passes the
 * time and prints. */
#ifndef MS_DROPLOG_H
#define MS_DROPLOG_H

#include <stddef.h>
#include <stdint.h>

#define MS_DROPLOG_REASONS 16
#define MS_DROPLOG_PERIOD 60000 /* ms between two lines of one reason */

typedef struct ms_droplog {
    uint64_t last[MS_DROPLOG_REASONS];   /* when the last line was told */
    uint64_t unsaid[MS_DROPLOG_REASONS]; /* drops since then */
    unsigned char told[MS_DROPLOG_REASONS];
} ms_droplog;

/* Records a drop for reason (0..MS_DROPLOG_REASONS-1) at time now. Returns
 * the number of drops a line should report now (this one included), or 0
 * when no line is due. */
uint64_t ms_droplog_note(ms_droplog *d, unsigned reason, uint64_t now);

#endif
