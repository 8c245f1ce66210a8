/* SPDX-License-Identifier: MIT */
/* authconfig.c -- authentication settings: defaults, environment, options,
 * and the keys they name (see authconfig.h). */
#include "auth/authconfig.h"
#include "alloc.h"
#include "error.h"
#include "net/netconfig.h"
#include "os.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad_number(const char *what, int64_t v, const char *range)
{
    return ms_fail(MAILSLOT_E_INVALID, "%s: %lld is outside %s", what, (long long)v, range);
}

int ms_auth_set_suite(int *suite, int64_t v, const char *what)
{
    if (v != MS_AUTH_SUITE_HMAC && v != MS_AUTH_SUITE_AEAD)
        return ms_fail(MAILSLOT_E_INVALID,
                       "%s: %lld is not a suite (1: signed, 2: signed and encrypted)", what,
                       (long long)v);
    *suite = (int)v;
    return MAILSLOT_OK;
}

int ms_auth_set_replay_window(uint32_t *window, int64_t v, const char *what)
{
    if (v < 64 || v > MS_REPLAY_WINDOW_MAX || v % 64)
        return ms_fail(MAILSLOT_E_INVALID, "%s: %lld is not a multiple of 64 from 64 to %d", what,
                       (long long)v, MS_REPLAY_WINDOW_MAX);
    *window = (uint32_t)v;
    return MAILSLOT_OK;
}

int ms_auth_set_time_window(uint64_t *ms, int64_t v, const char *what)
{
    if (v < 1000 || v > 86400000)
        return bad_number(what, v, "1000..86400000 (ms)");
    *ms = (uint64_t)v;
    return MAILSLOT_OK;
}

int ms_auth_set_flag(int *flag, int64_t v, const char *what)
{
    if (v != 0 && v != 1)
        return bad_number(what, v, "0..1");
    *flag = (int)v;
    return MAILSLOT_OK;
}

/* The numbers of the environment, unless the options set them. */
static int from_env(ms_auth_config *c, unsigned keep)
{
    int64_t v;
    int found = 0;
#define MS_ENV(bit, var, setter, field)                                                            \
    if (!(keep & (bit))) {                                                                         \
        found = ms_env_number(var, &v);                                                            \
        if (found < 0 || (found && setter(field, v, var) != MAILSLOT_OK))                          \
            return MAILSLOT_E_INVALID;                                                             \
    }
    MS_ENV(MS_AUTH_SET_SUITE, "MAILSLOT_SUITE", ms_auth_set_suite, &c->suite)
    if (!(keep & MS_AUTH_SET_SUITE) && found)
        c->suite_origin = "MAILSLOT_SUITE";
    MS_ENV(MS_AUTH_SET_REPLAY, "MAILSLOT_REPLAY_WINDOW", ms_auth_set_replay_window,
           &c->replay_window)
    MS_ENV(MS_AUTH_SET_TIME, "MAILSLOT_TIME_WINDOW", ms_auth_set_time_window, &c->time_window_ms)
    MS_ENV(MS_AUTH_SET_MIGRATION, "MAILSLOT_AUTH_MIGRATION", ms_auth_set_flag, &c->migration)
    MS_ENV(MS_AUTH_SET_LOG, "MAILSLOT_AUTH_LOG", ms_auth_set_flag, &c->log)
#undef MS_ENV
    return MAILSLOT_OK;
}

/* Parses text into a new keyring in *out. */
static int parse_keys(const char *text, size_t len, const char *what, ms_keyring **out)
{
    ms_keyring *kr = ms_malloc(sizeof *kr);
    if (!kr)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory reading %s", what);
    int rc = ms_keyring_parse(kr, text, len, what);
    if (rc != MAILSLOT_OK) {
        ms_free(kr);
        return rc;
    }
    *out = kr;
    return MAILSLOT_OK;
}

/* The platform's sentence about a file begins with its path ("/k: No such
 * file or directory"); say that it is the key file, so that a missing key
 * file (MAILSLOT_E_NOT_FOUND) is not read as "no reader owns this name". */
static int key_file_failed(int rc)
{
    char said[512];
    snprintf(said, sizeof said, "%s", ms_detail());
    return ms_fail(rc, "key file %s", said);
}

/* Reads and parses a key file into a new keyring in *out, and what its
 * content was in *stamp (taken first: a change while it is read shows at
 * the next look). */
static int read_key_file(const char *path, const char *origin, ms_keyring **out,
                         ms_file_stamp *stamp)
{
    if (!ms_auth_available())
        /* Before opening the file: the reason is the build, not the file. */
        return ms_fail(MAILSLOT_E_INVALID,
                       "%s names a key file, but this library was built "
                       "without libsodium: it has no network keys",
                       origin);
    int rc = ms_plat_file_stamp(path, stamp);
    char *text = NULL;
    size_t len = 0;
    if (rc == MAILSLOT_OK)
        rc = ms_plat_read_private_file(path, MS_KEYFILE_MAX, &text, &len);
    if (rc != MAILSLOT_OK)
        return key_file_failed(rc);
    char what[64 + 4096];
    snprintf(what, sizeof what, "key file %s", path);
    rc = parse_keys(text, len, what, out);
    memset(text, 0, len); /* key material */
    ms_free(text);
    return rc;
}

static int load_file(ms_auth_config *c, const char *path, const char *origin)
{
    size_t n = strlen(path);
    c->key_file = ms_malloc(n + 1);
    if (!c->key_file)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory reading %s", path);
    memcpy(c->key_file, path, n + 1);
    int rc = read_key_file(path, origin, &c->keys, &c->stamp);
    if (rc != MAILSLOT_OK) {
        ms_free(c->key_file);
        c->key_file = NULL;
    }
    return rc;
}

int ms_auth_config_refresh(ms_auth_config *c, uint64_t now)
{
    if (!c->key_file || (now >= c->checked_ms && now - c->checked_ms < MS_KEY_FILE_CHECK_MS))
        return 0;
    c->checked_ms = now;
    ms_file_stamp stamp;
    if (ms_plat_file_stamp(c->key_file, &stamp) != MAILSLOT_OK)
        return -1;
    if (memcmp(&stamp, &c->stamp, sizeof stamp) == 0)
        return 0;
    ms_keyring *fresh = NULL;
    int rc = read_key_file(c->key_file, "the key file", &fresh, &c->stamp);
    if (rc != MAILSLOT_OK)
        return -1;     /* the old keys stay; this content is not read again */
    *c->keys = *fresh; /* the keyring keeps its address: users hold it */
    ms_keyring_clear(fresh);
    ms_free(fresh);
    atomic_store(&c->nkeys, (unsigned)c->keys->n);
    return 1;
}

int ms_auth_config_resolve(const ms_auth_options *o, ms_auth_config *out)
{
    static const ms_auth_options none = {0};
    ms_auth_config c = {
        .keys = NULL,
        .suite = MS_AUTH_SUITE_HMAC,
        .replay_window = MS_REPLAY_WINDOW_DEFAULT,
        .time_window_ms = MS_REPLAY_TIME_DEFAULT,
        .migration = 0,
        .log = 1,
    };
    if (!o)
        o = &none;
    if (o->set & MS_AUTH_SET_SUITE) {
        c.suite = o->suite;
        c.suite_origin = "MAILSLOT_OPT_SUITE";
    }
    if (o->set & MS_AUTH_SET_REPLAY)
        c.replay_window = o->replay_window;
    if (o->set & MS_AUTH_SET_TIME)
        c.time_window_ms = o->time_window_ms;
    if (o->set & MS_AUTH_SET_MIGRATION)
        c.migration = o->migration;
    if (o->set & MS_AUTH_SET_LOG)
        c.log = o->log;
    int rc = from_env(&c, o->set);
    if (rc != MAILSLOT_OK)
        return rc;
    const char *env_file = getenv("MAILSLOT_KEY_FILE");
    if (o->keys_kind == MS_KEYS_TEXT)
        rc = parse_keys(o->keys_value, strlen(o->keys_value), "MAILSLOT_OPT_KEYS", &c.keys);
    else if (o->keys_kind == MS_KEYS_FILE)
        rc = load_file(&c, o->keys_value, "MAILSLOT_OPT_KEY_FILE");
    else if (env_file && env_file[0])
        rc = load_file(&c, env_file, "MAILSLOT_KEY_FILE");
    if (rc != MAILSLOT_OK)
        return rc;
    c.checked_ms = ms_plat_wall_ms(); /* the clock the users' refreshes pass */
    atomic_init(&c.nkeys, c.keys ? (unsigned)c.keys->n : 0u);
    *out = c;
    return MAILSLOT_OK;
}

int ms_auth_config_check_sender(const ms_auth_config *c)
{
    if (!c->suite_origin || ms_auth_config_keyed(c))
        return MAILSLOT_OK;
    return ms_fail(MAILSLOT_E_INVALID,
                   "%s asks for suite %d (%s), but this writer has %s: it would send in clear "
                   "and unsigned; configure keys (MAILSLOT_OPT_KEYS, MAILSLOT_OPT_KEY_FILE or "
                   "MAILSLOT_KEY_FILE) or leave the suite unset",
                   c->suite_origin, c->suite,
                   c->suite == MS_AUTH_SUITE_AEAD ? "signed and encrypted" : "signed",
                   c->keys ? "a key text or file without any key" : "no keys");
}

int ms_auth_config_copy(ms_auth_config *dst, const ms_auth_config *src)
{
    ms_auth_config c = *src;
    c.keys = NULL;
    c.key_file = NULL;
    if (src->keys && !(c.keys = ms_malloc(sizeof *c.keys)))
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory copying keys");
    if (src->keys)
        *c.keys = *src->keys;
    if (src->key_file && !(c.key_file = ms_malloc(strlen(src->key_file) + 1))) {
        ms_auth_config_clear(&c);
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory copying keys");
    }
    if (src->key_file)
        strcpy(c.key_file, src->key_file);
    atomic_init(&c.nkeys, atomic_load(&src->nkeys));
    *dst = c;
    return MAILSLOT_OK;
}

void ms_auth_config_clear(ms_auth_config *c)
{
    ms_free(c->key_file);
    c->key_file = NULL;
    if (c->keys) {
        ms_keyring_clear(c->keys);
        ms_free(c->keys);
        c->keys = NULL;
    }
}

void ms_auth_options_clear(ms_auth_options *o)
{
    if (o->keys_value) {
        /* Key file text is key material. */
        memset(o->keys_value, 0, strlen(o->keys_value));
        ms_free(o->keys_value);
    }
    o->keys_value = NULL;
    o->keys_kind = MS_KEYS_UNSET;
}
