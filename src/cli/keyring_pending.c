/* keyring_pending.c -- stands in for the keyring functions `mailslot keygen`
 * calls while src/keyring.c is still a placeholder that defines none of
 * them (src/cli/CMakeLists.txt links this file only then). Every call
 * fails: keygen reports that it cannot make keys yet. Delete this file, and
 * its lines in CMakeLists.txt, once src/keyring.c is written. */
#include "error.h"
#include "keyring.h"

#include <string.h>

int ms_keyring_parse(ms_keyring *kr, const char *text, size_t len, const char *what)
{
    (void)text;
    (void)len;
    memset(kr, 0, sizeof *kr);
    return ms_fail(MAILSLOT_E_INVALID, "%s: this build has no keyring yet (src/keyring.c)", what);
}

void ms_keyring_clear(ms_keyring *kr)
{
    memset(kr, 0, sizeof *kr);
}

int ms_time_parse(const char *text, size_t len, uint64_t *ms)
{
    (void)text;
    (void)len;
    (void)ms;
    return MAILSLOT_E_INVALID;
}

void ms_time_format(uint64_t ms, char *buf, size_t cap)
{
    (void)ms;
    if (cap)
        buf[0] = '\0';
}

size_t ms_keyring_format_line(const unsigned char key[MS_AUTH_KEY_BYTES], const char *attrs,
                              char *buf, size_t cap)
{
    (void)key;
    (void)attrs;
    (void)buf;
    (void)cap;
    return 0;
}
