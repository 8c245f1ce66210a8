/* SPDX-License-Identifier: MIT */
/* error.c -- error texts and the per-thread detail sentence. */
#include "error.h"
#include "os.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DETAIL_CAP 512

static _Thread_local char detail[DETAIL_CAP];

static void set_detail(const char *fmt, va_list ap)
{
    vsnprintf(detail, sizeof detail, fmt, ap);
}

int ms_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_detail(fmt, ap);
    va_end(ap);
    return code;
}

int ms_fail_os(int code, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_detail(fmt, ap);
    va_end(ap);
    size_t used = strlen(detail);
    char os[200];
    ms_plat_strerror(err, os, sizeof os);
    snprintf(detail + used, sizeof detail - used, ": %s (OS error %d)", os, err);
    return code;
}

const char *ms_detail(void)
{
    return detail;
}

const char *ms_error_text(int code)
{
    switch (code) {
    case MAILSLOT_OK:
        return "success";
    case MAILSLOT_E_INVALID:
        return "invalid argument";
    case MAILSLOT_E_NAME:
        return "invalid mailslot name";
    case MAILSLOT_E_EXISTS:
        return "a reader already owns this mailslot name";
    case MAILSLOT_E_NOT_FOUND:
        return "no reader owns this mailslot name";
    case MAILSLOT_E_TIMEOUT:
        return "timed out";
    case MAILSLOT_E_TOO_BIG:
        return "message too big";
    case MAILSLOT_E_BUFFER:
        return "buffer too small for the message";
    case MAILSLOT_E_FULL:
        return "the reader's queue is full";
    case MAILSLOT_E_INTERRUPTED:
        return "interrupted";
    case MAILSLOT_E_CLOSED:
        return "the reader was closed";
    case MAILSLOT_E_NOMEM:
        return "out of memory";
    case MAILSLOT_E_ACCESS:
        return "permission denied";
    case MAILSLOT_E_NETWORK:
        return "network error";
    case MAILSLOT_E_SYSTEM:
        return "system error";
    default:
        return "unknown error code";
    }
}
