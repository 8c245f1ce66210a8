/* SPDX-License-Identifier: MIT */
/* droplog.c -- see droplog.h. */
#include "net/droplog.h"

uint64_t ms_droplog_note(ms_droplog *d, unsigned reason, uint64_t now)
{
    if (reason >= MS_DROPLOG_REASONS)
        reason = MS_DROPLOG_REASONS - 1;
    d->unsaid[reason]++;
    /* The first drop is told at once; later ones when a period has passed
     * since the last line (a clock that went back counts as passed). */
    if (d->told[reason] && now >= d->last[reason] && now - d->last[reason] < MS_DROPLOG_PERIOD)
        return 0;
    uint64_t n = d->unsaid[reason];
    d->told[reason] = 1;
    d->last[reason] = now;
    d->unsaid[reason] = 0;
    return n;
}
