/* keyring.c -- placeholder while it is written (see keyring.h). */
#include "keyring.h"
/* TEMPORARY (not to be committed) */
#include "error.h"
int ms_keyring_parse(ms_keyring *kr, const char *text, size_t len, const char *what)
{
    (void)text;
    (void)len;
    kr->n = 0;
    return ms_fail(MAILSLOT_E_INVALID, "%s: keyring not yet", what);
}
void ms_keyring_clear(ms_keyring *kr)
{
    kr->n = 0;
}
const ms_keyring_entry *ms_keyring_for_sending(const ms_keyring *kr, const ms_packet *p,
                                               uint64_t now)
{
    (void)p;
    (void)now;
    return kr->n ? &kr->keys[0] : NULL;
}
const ms_auth_key *ms_keyring_for_receiving(const ms_keyring *kr, uint32_t id, const ms_packet *p,
                                            uint64_t now)
{
    (void)p;
    (void)now;
    for (size_t i = 0; i < kr->n; i++)
        if (kr->keys[i].key.id == id)
            return &kr->keys[i].key;
    return NULL;
}
int ms_time_parse(const char *text, size_t len, uint64_t *ms){(void)text;(void)len;(void)ms;return MAILSLOT_E_INVALID;}
void ms_time_format(uint64_t ms, char *buf, size_t cap){(void)ms;if(cap)buf[0]=0;}
size_t ms_keyring_format_line(const unsigned char key[MS_AUTH_KEY_BYTES], const char *attrs, char *buf, size_t cap){(void)key;(void)attrs;(void)buf;(void)cap;return 0;}
int ms_keyring_covers(const ms_keyring_entry *e, const ms_packet *p){(void)e;(void)p;return 1;}
