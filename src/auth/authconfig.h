/* SPDX-License-Identifier: MIT */
/* authconfig.h -- the authentication settings of a reader or writer:
 * built-in defaults, the environment, then options, as netconfig.h does for
 * the network settings. Keys are read here; the key file through the
 * platform (its access rights are a property of the OS). */
#ifndef MS_AUTHCONFIG_H
#define MS_AUTHCONFIG_H

#include "auth/keyring.h"

#include <stdatomic.h>
#include <stdint.h>

#define MS_KEY_FILE_CHECK_MS 1000 /* a key file is looked at once a second at most */

/* What tells that a file changed (ms_plat_file_stamp): modification time,
 * size and identity, as the OS gives them. */
typedef struct ms_file_stamp {
    uint64_t a, b, c, d;
} ms_file_stamp;

typedef struct ms_auth_config {
    ms_keyring *keys; /* NULL: no keys, nothing is signed or checked */
    int suite;        /* MS_AUTH_SUITE_HMAC or _AEAD: what a writer sends */
    uint32_t replay_window;
    uint64_t time_window_ms;
    int migration;            /* 1: a reader with keys also takes unauthenticated packets */
    int log;                  /* 1: drops are logged (log.h), at a limited rate */
    const char *suite_origin; /* what set suite ("MAILSLOT_OPT_SUITE", "MAILSLOT_SUITE"), or
                                 NULL for the default */
    /* Keys from a file are read again when it changes (ms_auth_config_refresh). */
    char *key_file;      /* its path; NULL for keys from text */
    ms_file_stamp stamp; /* of the content the keys came from */
    uint64_t checked_ms; /* when the file was last looked at */
    atomic_uint nkeys;   /* keys->n, for readers of the count outside the owner's lock */
} ms_auth_config;

/* 1 when c (may be NULL) has keys: messages are signed and checked. Its
 * owner's view (under its lock); others read nkeys. */
static inline int ms_auth_config_keyed(const ms_auth_config *c)
{
    return c && c->keys && c->keys->n > 0;
}

/* Where an options bag's keys come from. */
enum { MS_KEYS_UNSET = 0, MS_KEYS_TEXT = 1, MS_KEYS_FILE = 2 };

/* Which fields an options bag sets; the others come from the environment. */
enum {
    MS_AUTH_SET_SUITE = 1,
    MS_AUTH_SET_REPLAY = 2,
    MS_AUTH_SET_TIME = 4,
    MS_AUTH_SET_MIGRATION = 8,
    MS_AUTH_SET_LOG = 16
};

/* What an options bag holds: the key source and the fields of set. */
typedef struct ms_auth_options {
    int keys_kind;    /* MS_KEYS_* */
    char *keys_value; /* key file text, or a path; owned by the bag */
    unsigned set;
    int suite;
    uint32_t replay_window;
    uint64_t time_window_ms;
    int migration;
    int log;
} ms_auth_options;

/* Field setters shared by options and environment: MAILSLOT_OK, or
 * MAILSLOT_E_INVALID with a detail naming what. */
int ms_auth_set_suite(int *suite, int64_t v, const char *what);
int ms_auth_set_replay_window(uint32_t *window, int64_t v, const char *what);
int ms_auth_set_time_window(uint64_t *ms, int64_t v, const char *what);
int ms_auth_set_flag(int *flag, int64_t v, const char *what);

/* Resolves the settings of a reader or writer from o (NULL: none set), the
 * environment (MAILSLOT_KEY_FILE, MAILSLOT_SUITE, MAILSLOT_REPLAY_WINDOW,
 * MAILSLOT_TIME_WINDOW, MAILSLOT_AUTH_MIGRATION, MAILSLOT_AUTH_LOG) and the
 * defaults, reading and parsing the keys. MAILSLOT_OK, MAILSLOT_E_INVALID
 * (a bad setting or key file, or keys without libsodium), MAILSLOT_E_ACCESS
 * or MAILSLOT_E_NOT_FOUND (the key file), MAILSLOT_E_NOMEM,
 * MAILSLOT_E_SYSTEM. Free with ms_auth_config_clear. */
int ms_auth_config_resolve(const ms_auth_options *o, ms_auth_config *out);

/* For a writer that sends over the network: MAILSLOT_OK, or
 * MAILSLOT_E_INVALID (with the detail) when a suite was asked for and c has
 * no keys, so that nothing meant to be signed or secret goes out in clear. */
int ms_auth_config_check_sender(const ms_auth_config *c);

/* A copy of src with keys of its own (for what outlives src).
 * MAILSLOT_OK or MAILSLOT_E_NOMEM. Free with ms_auth_config_clear. */
int ms_auth_config_copy(ms_auth_config *dst, const ms_auth_config *src);

/* Keys from a key file follow the file: at time now (ms, any clock that
 * only moves on), at most once every MS_KEY_FILE_CHECK_MS, looks whether
 * the file changed and if so reads it again. Returns 1 when the keys were
 * replaced (the keyring keeps its address), 0 when nothing changed or the
 * keys did not come from a file, -1 when the changed file is refused
 * (missing, open to others, bad line: the old keys stay, the detail says
 * why). The owner locks: no one may use c->keys meanwhile. */
int ms_auth_config_refresh(ms_auth_config *c, uint64_t now);

/* Wipes and frees the keys. */
void ms_auth_config_clear(ms_auth_config *c);

/* Frees what an options bag's auth part holds. */
void ms_auth_options_clear(ms_auth_options *o);

#endif
