/* SPDX-License-Identifier: MIT */
/* log.h -- the library's messages to the program (mailslot_set_log_handler).
 *
 * Lines are noticed where the library holds a lock of its own (a reader's,
 * while it decides on a packet), and the program's handler may call back into
 * the library. So a line is only queued where it is noticed (ms_log, safe
 * under any lock), and handed to the handler by ms_log_flush, which the code
 * calls where it holds no lock: the handler never runs under an internal lock.
 * The queue is bounded; lines that do not fit are counted and told of. */
#ifndef MS_LOG_H
#define MS_LOG_H

#include "error.h"
#include "mailslot.h"

#define MS_LOG_LINE 512 /* bytes of one line, NUL included; longer ones are cut */
#define MS_LOG_QUEUE 32 /* lines waiting for ms_log_flush */

/* mailslot_set_log_handler's work (mailslot.c holds every public function,
 * so that the tool's internal objects define none: src/cli/CMakeLists.txt). */
void ms_log_set_handler(mailslot_log_fn fn, void *ctx);

/* Queues one line at level (MAILSLOT_LOG_*), without the "mailslot: " prefix
 * or a newline. Never blocks for long, never calls the handler. */
void ms_log(int level, const char *fmt, ...) MS_PRINTF(2, 3);

/* Hands the queued lines to the handler (the default one writes them to
 * stderr), in order. Call it holding no lock of the library's; cheap when
 * nothing waits. */
void ms_log_flush(void);

#endif
