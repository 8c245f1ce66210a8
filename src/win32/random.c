/* SPDX-License-Identifier: MIT */
/* random.c -- random bytes from the system's generator. */
#include "win32/win32.h"

#include "error.h"
#include "os.h"

#include <bcrypt.h>

int ms_plat_random(void *buf, size_t len)
{
    NTSTATUS st = BCryptGenRandom(NULL, buf, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (st != 0)
        return ms_fail(MAILSLOT_E_SYSTEM, "BCryptGenRandom failed (NTSTATUS 0x%08lx)",
                       (unsigned long)st);
    return MAILSLOT_OK;
}
