/* SPDX-License-Identifier: MIT */
/* error.h -- error codes with a thread-local sentence saying what happened. */
#ifndef MS_ERROR_H
#define MS_ERROR_H

#include "mailslot.h"

#if defined(__GNUC__) && !defined(__clang__)
/* gnu_printf: C99 conversions (%zu) whatever the target's C library, which
 * MinGW-w64 builds get at run time from __USE_MINGW_ANSI_STDIO. */
#define MS_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#elif defined(__GNUC__)
#define MS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MS_PRINTF(a, b)
#endif

/* Records a detail sentence for this thread and returns code, so that a
 * failure path reads: return ms_fail(MAILSLOT_E_NAME, "...", ...); */
int ms_fail(int code, const char *fmt, ...) MS_PRINTF(2, 3);

/* As ms_fail, with the text of the OS error number err appended. */
int ms_fail_os(int code, int err, const char *fmt, ...) MS_PRINTF(3, 4);

/* The detail sentence of this thread. */
const char *ms_detail(void);

/* The generic text of a code (mailslot_strerror). */
const char *ms_error_text(int code);

#endif
