/* SPDX-License-Identifier: MIT */
/* test_netauth.c -- network keys through the API: the options and the
 * environment that configure them, key files and their access rights, and
 * signed (or encrypted) messages from writers to readers. The messages go
 * to this host's reader as the local copy of a message to "*", which takes
 * the same path through the reader as a packet from the network (the
 * forwarder's part is in test_network and tests/net). Where readers are
 * native mailslots (Windows: test_native_readers) this host's copy is the
 * message itself, written as a local message is: nothing for the reader to
 * check (the forwarder checks what comes from the network, test_network). */
#include "test_util.h"

#include "auth/auth.h"
#include "net/forward.h"
#include "test_platform.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

/* Two keys, as `mailslot keygen` writes them. */
#define KEY_A "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B "key 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100"

static char key_path[256];

static int64_t value_of(mailslot_reader *r, int key)
{
    int64_t v = -1;
    OK(mailslot_reader_get_int(r, key, &v));
    return v;
}

/* A key file with the given text and mode; its path in key_path. */
static const char *key_file(const char *text, int mode)
{
    static int counter;
    snprintf(key_path, sizeof key_path, "%s/mailslot-keys-%d-%d", test_temp_dir(), (int)getpid(),
             counter++);
    FILE *f = fopen(key_path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(key_path, (mode_t)mode), 0);
    return key_path;
}

static mailslot_options *keyed(const char *keys)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    if (keys)
        OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEYS, keys));
    return o;
}

static mailslot_reader *keyed_reader(const char *name, const char *keys)
{
    mailslot_options *o = keyed(keys);
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, 0));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

/* A writer of name's "*" copy, which keeps to this host (MAILSLOT_NETWORK=0
 * in every suite): the message reaches this host's reader as a packet. */
static mailslot_writer *star_writer(const char *name, const char *keys, int suite)
{
    mailslot_options *o = keyed(keys);
    if (suite)
        OK(mailslot_options_set_int(o, MAILSLOT_OPT_SUITE, suite));
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, o, &w));
    mailslot_options_free(o);
    return w;
}

static void send_text(mailslot_writer *w, const char *text)
{
    OK(mailslot_write(w, text, strlen(text)));
}

/* Waits until counter key of r reaches want; fails after 20 s (a deadline
 * for a broken build, not a measure of speed). The reader counts a drop
 * when its I/O thread has handled the packet, after the write returned. */
static void wait_count(mailslot_reader *r, int key, int64_t want)
{
    time_t t0 = time(NULL);
    while (value_of(r, key) < want) {
        if (time(NULL) - t0 > 20)
            fail_msg("counter %d stayed at %lld, expected %lld", key, (long long)value_of(r, key),
                     (long long)want);
        sched_yield();
    }
    assert_int_equal(value_of(r, key), want);
}

/* ---- settings ------------------------------------------------------------- */

static void test_key_settings_are_checked(void **state)
{
    (void)state;
    mailslot_options *o = keyed(NULL);
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_SUITE, 0));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_SUITE, 3));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_REPLAY_WINDOW, 0));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_REPLAY_WINDOW, 65));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_REPLAY_WINDOW, 1088));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_TIME_WINDOW, 999));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_TIME_WINDOW, 86400001));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_MIGRATION, 2));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, -1));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_KEYS, 1)); /* a string */
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_SUITE, "1"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, ""));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_REPLAY_WINDOW, 1024));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_TIME_WINDOW, 1000));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_SUITE, 2));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_MIGRATION, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, 0));
    NAME(name, "keyset");
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEYS), 0);
    assert_int_equal(value_of(r, MAILSLOT_OPT_SUITE), 2);
    assert_int_equal(value_of(r, MAILSLOT_OPT_REPLAY_WINDOW), 1024);
    assert_int_equal(value_of(r, MAILSLOT_OPT_TIME_WINDOW), 1000);
    assert_int_equal(value_of(r, MAILSLOT_OPT_AUTH_MIGRATION), 1);
    assert_int_equal(value_of(r, MAILSLOT_OPT_AUTH_LOG), 0);
    mailslot_reader_close(r);
    mailslot_options_free(o);
    /* The defaults. */
    OK(mailslot_create(name, NULL, &r));
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEYS), 0);
    assert_int_equal(value_of(r, MAILSLOT_OPT_SUITE), 1);
    assert_int_equal(value_of(r, MAILSLOT_OPT_REPLAY_WINDOW), 64);
    assert_int_equal(value_of(r, MAILSLOT_OPT_TIME_WINDOW), 120000);
    assert_int_equal(value_of(r, MAILSLOT_OPT_AUTH_MIGRATION), 0);
    assert_int_equal(value_of(r, MAILSLOT_OPT_AUTH_LOG), 1);
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_VERIFIED), 0);
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_UNVERIFIED), 0);
    mailslot_reader_close(r);
}

static void test_bad_key_text_fails_and_names_the_line(void **state)
{
    (void)state;
    NAME(name, "keybad");
    mailslot_options *o = keyed("# fine\n" KEY_A "\nkey 0011\n");
    mailslot_reader *r = NULL;
    RC(MAILSLOT_E_INVALID, mailslot_create(name, o, &r));
    assert_null(r);
    assert_non_null(strstr(mailslot_last_error_detail(), "MAILSLOT_OPT_KEYS"));
    assert_non_null(strstr(mailslot_last_error_detail(), "line 3"));
    mailslot_writer *w = NULL;
    RC(MAILSLOT_E_INVALID, mailslot_open("\\\\*\\mailslot\\x", o, &w));
    assert_null(w);
    mailslot_options_free(o);
    /* The name was given back. */
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
}

static void test_key_files_must_exist_and_be_private(void **state)
{
    (void)state;
    NAME(name, "keyfile");
    mailslot_options *o = keyed(NULL);
    mailslot_reader *r = NULL;
    char missing[300];
    snprintf(missing, sizeof missing, "%s/mailslot-no-such-keys-%d", test_temp_dir(),
             (int)getpid());
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, missing));
    RC(MAILSLOT_E_NOT_FOUND, mailslot_create(name, o, &r));
    if (!test_native_readers) { /* Windows has ACLs, not modes: not checked */
        OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, key_file(KEY_A "\n", 0644)));
        RC(MAILSLOT_E_ACCESS, mailslot_create(name, o, &r));
        assert_non_null(strstr(mailslot_last_error_detail(), "chmod 600"));
        unlink(key_path);
        OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, key_file(KEY_A "\n", 0620)));
        RC(MAILSLOT_E_ACCESS, mailslot_create(name, o, &r));
        unlink(key_path);
    }
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, key_file(KEY_A "\n" KEY_B "\n", 0600)));
    OK(mailslot_create(name, o, &r));
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEY_FILE), 2);
    mailslot_reader_close(r);
    unlink(key_path);
    mailslot_options_free(o);
}

static void test_environment_names_the_key_file_and_options_win(void **state)
{
    (void)state;
    NAME(name, "keyenv");
    mailslot_reader *r = NULL;
    test_setenv("MAILSLOT_KEY_FILE", key_file(KEY_A "\n", 0600));
    OK(mailslot_create(name, NULL, &r));
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEYS), 1);
    mailslot_reader_close(r);
    /* Keys in the options replace the file's. */
    mailslot_options *o = keyed(KEY_A "\n" KEY_B "\n");
    OK(mailslot_create(name, o, &r));
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEYS), 2);
    mailslot_reader_close(r);
    mailslot_options_free(o);
    test_setenv("MAILSLOT_SUITE", "3");
    RC(MAILSLOT_E_INVALID, mailslot_create(name, NULL, &r));
    assert_non_null(strstr(mailslot_last_error_detail(), "MAILSLOT_SUITE"));
    test_unsetenv("MAILSLOT_SUITE");
    test_setenv("MAILSLOT_REPLAY_WINDOW", "100");
    RC(MAILSLOT_E_INVALID, mailslot_create(name, NULL, &r));
    test_unsetenv("MAILSLOT_REPLAY_WINDOW");
    test_setenv("MAILSLOT_TIME_WINDOW", "soon");
    RC(MAILSLOT_E_INVALID, mailslot_create(name, NULL, &r));
    test_unsetenv("MAILSLOT_TIME_WINDOW");
    test_setenv("MAILSLOT_AUTH_MIGRATION", "1");
    OK(mailslot_create(name, NULL, &r));
    assert_int_equal(value_of(r, MAILSLOT_OPT_AUTH_MIGRATION), 1);
    mailslot_reader_close(r);
    test_unsetenv("MAILSLOT_AUTH_MIGRATION");
    unlink(key_path);
    /* A file that went away fails every create that reads it. */
    RC(MAILSLOT_E_NOT_FOUND, mailslot_create(name, NULL, &r));
    test_unsetenv("MAILSLOT_KEY_FILE");
}

/* ---- messages ------------------------------------------------------------- */

static void test_signed_and_encrypted_messages_arrive(void **state)
{
    (void)state;
    NAME(name, "keyed");
    mailslot_reader *r = keyed_reader(name, KEY_A);
    mailslot_writer *w1 = star_writer(name, KEY_A, 1);
    mailslot_writer *w2 = star_writer(name, KEY_A, 2);
    send_text(w1, "signed");
    send_text(w2, "encrypted");
    expect_text(r, "signed");
    expect_text(r, "encrypted");
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_VERIFIED), test_native_readers ? 0 : 2);
    assert_int_equal(value_of(r, MAILSLOT_STAT_NET_RECEIVED), 2);
    /* The largest network message fits with the trailer of either suite. */
    static char big[MAILSLOT_MAX_NETWORK_MESSAGE];
    memset(big, 'k', sizeof big);
    OK(mailslot_write(w1, big, sizeof big));
    OK(mailslot_write(w2, big, sizeof big));
    expect_message(r, big, sizeof big);
    expect_message(r, big, sizeof big);
    mailslot_writer_close(w1);
    mailslot_writer_close(w2);
    mailslot_reader_close(r);
}

static void test_a_keyed_reader_drops_what_is_not_signed_with_its_keys(void **state)
{
    (void)state;
    NAME(name, "keydrop");
    mailslot_reader *r = keyed_reader(name, KEY_A);
    mailslot_writer *plain = star_writer(name, NULL, 0);
    mailslot_writer *other = star_writer(name, KEY_B, 0);
    send_text(plain, "unsigned");
    send_text(other, "another key");
    if (test_native_readers) { /* local messages, as every local write */
        expect_text(r, "unsigned");
        expect_text(r, "another key");
        assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_NONE), 0);
        mailslot_writer_close(plain);
        mailslot_writer_close(other);
        mailslot_reader_close(r);
        return;
    }
    wait_count(r, MAILSLOT_STAT_AUTH_NONE, 1);
    wait_count(r, MAILSLOT_STAT_AUTH_UNKNOWN_KEY, 1);
    expect_empty(r);
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_NONE), 1);
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_UNKNOWN_KEY), 1);
    assert_int_equal(value_of(r, MAILSLOT_STAT_NET_RECEIVED), 0);
    mailslot_reader_close(r);
    /* With migration, unsigned messages pass and are counted as such;
     * another key's still do not. */
    mailslot_options *o = keyed(KEY_A);
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_MIGRATION, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, 0));
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    send_text(plain, "unsigned, migrating");
    send_text(other, "another key");
    expect_text(r, "unsigned, migrating");
    wait_count(r, MAILSLOT_STAT_AUTH_UNKNOWN_KEY, 1);
    expect_empty(r);
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_UNVERIFIED), 1);
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_UNKNOWN_KEY), 1);
    mailslot_writer_close(plain);
    mailslot_writer_close(other);
    mailslot_reader_close(r);
}

static void test_a_reader_without_keys_reads_signed_but_not_encrypted(void **state)
{
    (void)state;
    NAME(name, "keyless");
    mailslot_reader *r = keyed_reader(name, NULL);
    mailslot_writer *w1 = star_writer(name, KEY_A, 1);
    mailslot_writer *w2 = star_writer(name, KEY_A, 2);
    send_text(w1, "signed");
    send_text(w2, "encrypted");
    expect_text(r, "signed");
    if (test_native_readers) /* the writer's own copy needs no decryption */
        expect_text(r, "encrypted");
    else
        wait_count(r, MAILSLOT_STAT_NET_UNKNOWN_VERSION, 1);
    expect_empty(r);
    mailslot_writer_close(w1);
    mailslot_writer_close(w2);
    mailslot_reader_close(r);
}

static void test_a_writer_without_a_key_for_the_slot_fails(void **state)
{
    (void)state;
    NAME(name, "keyslot");
    NAME(other, "keyslot-other");
    char keys[300];
    snprintf(keys, sizeof keys, KEY_A " slot=%s\n", name);
    mailslot_reader *r = keyed_reader(name, keys);
    mailslot_writer *w = star_writer(name, keys, 0);
    send_text(w, "covered");
    expect_text(r, "covered");
    mailslot_writer_close(w);
    w = star_writer(other, keys, 0);
    RC(MAILSLOT_E_ACCESS, mailslot_write(w, "x", 1));
    assert_non_null(strstr(mailslot_last_error_detail(), "no key"));
    mailslot_writer_close(w);
    /* A key whose send period has ended signs nothing. */
    w = star_writer(name, KEY_B " send-until=@1000000000 accept-until=@1000000001\n", 0);
    RC(MAILSLOT_E_ACCESS, mailslot_write(w, "x", 1));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_local_names_are_not_signed(void **state)
{
    (void)state;
    NAME(name, "keylocal");
    mailslot_reader *r = keyed_reader(name, KEY_A);
    mailslot_options *o = keyed(KEY_B);
    mailslot_writer *w;
    OK(mailslot_open(name, o, &w));
    send_text(w, "local");
    expect_text(r, "local");
    assert_int_equal(value_of(r, MAILSLOT_STAT_AUTH_VERIFIED), 0);
    mailslot_writer_close(w);
    mailslot_options_free(o);
    mailslot_reader_close(r);
}

/* A suite asked for without a key: the writer is not opened, rather than
 * send in clear. Readers and "\\.\" writers do not use the suite. */
static void test_a_suite_without_keys_is_refused(void **state)
{
    (void)state;
    NAME(name, "suitenokey");
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w = NULL;
    for (int suite = 1; suite <= 2; suite++) {
        mailslot_options *o = keyed(NULL);
        OK(mailslot_options_set_int(o, MAILSLOT_OPT_SUITE, suite));
        RC(MAILSLOT_E_INVALID, mailslot_open(full, o, &w));
        assert_non_null(strstr(mailslot_last_error_detail(), "MAILSLOT_OPT_SUITE"));
        assert_non_null(strstr(mailslot_last_error_detail(), "no keys"));
        mailslot_options_free(o);
    }
    test_setenv("MAILSLOT_SUITE", "2");
    RC(MAILSLOT_E_INVALID, mailslot_open(full, NULL, &w));
    assert_non_null(strstr(mailslot_last_error_detail(), "MAILSLOT_SUITE asks for suite 2"));
    assert_null(w);
    /* A reader, and a writer of a local name, do not send with a suite. */
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    OK(mailslot_open(name, NULL, &w));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
    test_unsetenv("MAILSLOT_SUITE");
    /* Without a suite asked for, a writer without keys sends as before. */
    OK(mailslot_open(full, NULL, &w));
    mailslot_writer_close(w);
}

/* Rewrites a key file in place (the same path, another content). */
static void rewrite(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Writes text from w until r has received it, at most 20 s (a deadline for
 * a broken build: a key file is looked at once a second). */
static void write_until_received(mailslot_writer *w, mailslot_reader *r, const char *text)
{
    time_t t0 = time(NULL);
    char buf[64];
    size_t len = 0;
    for (;;) {
        OK(mailslot_write(w, text, strlen(text)));
        int rc = mailslot_read(r, buf, sizeof buf - 1, &len, 50);
        if (rc == MAILSLOT_OK) {
            buf[len] = '\0';
            assert_string_equal(buf, text);
            return;
        }
        assert_int_equal(rc, MAILSLOT_E_TIMEOUT);
        if (time(NULL) - t0 > 20)
            fail_msg("\"%s\" never arrived", text);
    }
}

/* Keys from a file follow it without a restart: a key added is accepted
 * (readers) and used (writers), a key removed is refused, a bad rewrite
 * leaves the keys as they were. */
static void test_key_files_are_followed(void **state)
{
    (void)state;
    if (test_native_readers)
        skip(); /* Windows: the host forwarder checks keys (test_network) */
    NAME(name, "keyfollow");
    char reader_keys[300], writer_keys[300];
    snprintf(reader_keys, sizeof reader_keys, "%s", key_file(KEY_A "\n", 0600));
    snprintf(writer_keys, sizeof writer_keys, "%s", key_file(KEY_A "\n", 0600));
    mailslot_options *o = keyed(NULL);
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, reader_keys));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, 0));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    mailslot_writer *b = star_writer(name, KEY_B "\n", 0);
    o = keyed(NULL);
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, writer_keys));
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, o, &w));
    mailslot_options_free(o);
    send_text(w, "with A");
    expect_text(r, "with A");
    /* The reader's file gains key B: B's messages get through. */
    rewrite(reader_keys, KEY_A "\n" KEY_B "\n");
    write_until_received(b, r, "with B");
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEY_FILE), 2);
    /* A bad rewrite is not used: the keys stay. */
    rewrite(reader_keys, "key 00\n");
    send_text(b, "still B");
    expect_text(r, "still B");
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEY_FILE), 2);
    /* The reader's file drops key A: A's messages are refused (those sent
     * before it looked again arrive, and are read off). */
    rewrite(reader_keys, KEY_B "\n");
    mailslot_writer *a = star_writer(name, KEY_A "\n", 0);
    int64_t unknown = value_of(r, MAILSLOT_STAT_AUTH_UNKNOWN_KEY);
    time_t t0 = time(NULL);
    while (value_of(r, MAILSLOT_STAT_AUTH_UNKNOWN_KEY) == unknown) {
        if (time(NULL) - t0 > 20)
            fail_msg("key A is still accepted");
        send_text(a, "with A");
        char buf[64];
        size_t len;
        mailslot_read(r, buf, sizeof buf, &len, 50);
    }
    assert_int_equal(value_of(r, MAILSLOT_OPT_KEY_FILE), 1);
    /* Everything before the refused one was handled (one connection, in
     * order): read off what was accepted. */
    char left[64];
    size_t left_len;
    while (mailslot_read(r, left, sizeof left, &left_len, 0) == MAILSLOT_OK)
        assert_memory_equal(left, "with A", 6);
    /* The writer's file moves to key B: its messages get through again. */
    rewrite(writer_keys, KEY_B "\n");
    write_until_received(w, r, "moved to B");
    mailslot_writer_close(a);
    mailslot_writer_close(w);
    mailslot_writer_close(b);
    mailslot_reader_close(r);
    unlink(reader_keys);
    unlink(writer_keys);
}

/* A writer's threads: each writes until told to stop, and keeps the first
 * failure (a full reader queue is no failure: the messages race ahead of
 * the reader). */
typedef struct sharer {
    mailslot_writer *w;
    atomic_int *stop;
    int rc;
} sharer;

static void *keep_writing(void *arg)
{
    sharer *s = arg;
    while (!atomic_load(s->stop) && s->rc == MAILSLOT_OK) {
        s->rc = mailslot_write(s->w, "shared", 6);
        if (s->rc == MAILSLOT_E_FULL) {
            s->rc = MAILSLOT_OK;
            sched_yield();
        }
    }
    return NULL;
}

/* Threads that share a writer while its key file changes: the writer moves
 * to the new key, and each write signs with the keys as they are then.
 * Whether to sign is decided under the lock that moves the keys; read
 * beside it, it was a data race (the ThreadSanitizer build reports it). */
static void test_a_writer_shared_by_threads_follows_its_key_file(void **state)
{
    (void)state;
    if (test_native_readers)
        skip(); /* Windows: the host forwarder checks keys (test_network) */
    NAME(name, "keyshare");
    char writer_keys[300];
    snprintf(writer_keys, sizeof writer_keys, "%s", key_file(KEY_A "\n", 0600));
    mailslot_reader *r = keyed_reader(name, KEY_B);
    mailslot_options *o = keyed(NULL);
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, writer_keys));
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, o, &w));
    mailslot_options_free(o);
    enum { THREADS = 2 };
    atomic_int stop;
    atomic_init(&stop, 0);
    sharer s[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        s[i] = (sharer){.w = w, .stop = &stop, .rc = MAILSLOT_OK};
        assert_int_equal(pthread_create(&t[i], NULL, keep_writing, &s[i]), 0);
    }
    /* Signed with A, the reader (key B) drops them; with B they arrive. */
    rewrite(writer_keys, KEY_B "\n");
    time_t t0 = time(NULL);
    char buf[64];
    size_t len = 0;
    int rc;
    while ((rc = mailslot_read(r, buf, sizeof buf, &len, 50)) == MAILSLOT_E_TIMEOUT &&
           time(NULL) - t0 <= 20)
        ;
    atomic_store(&stop, 1);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(s[i].rc, MAILSLOT_OK);
    }
    OK(rc);
    assert_memory_equal(buf, "shared", 6);
    assert_true(value_of(r, MAILSLOT_STAT_AUTH_VERIFIED) > 0);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
    unlink(writer_keys);
}

/* ---- without libsodium ---------------------------------------------------- */

static void test_keys_need_libsodium(void **state)
{
    (void)state;
    NAME(name, "keynone");
    mailslot_options *o = keyed(KEY_A);
    mailslot_reader *r = NULL;
    RC(MAILSLOT_E_INVALID, mailslot_create(name, o, &r));
    assert_non_null(strstr(mailslot_last_error_detail(), "libsodium"));
    mailslot_writer *w = NULL;
    RC(MAILSLOT_E_INVALID, mailslot_open("\\\\*\\mailslot\\x", o, &w));
    mailslot_options_free(o);
    o = keyed(NULL);
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, key_file(KEY_A "\n", 0600)));
    RC(MAILSLOT_E_INVALID, mailslot_create(name, o, &r));
    assert_non_null(strstr(mailslot_last_error_detail(), "libsodium"));
    unlink(key_path);
    mailslot_options_free(o);
    /* Without keys everything works as before. */
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
}

/* A test that failed half-way must not leave its environment to the next. */
static int clean_environment(void **state)
{
    (void)state;
    const char *vars[] = {"MAILSLOT_KEY_FILE", "MAILSLOT_SUITE", "MAILSLOT_REPLAY_WINDOW",
                          "MAILSLOT_TIME_WINDOW", "MAILSLOT_AUTH_MIGRATION"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        test_unsetenv(vars[i]);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest without[] = {
        cmocka_unit_test_teardown(test_key_settings_are_checked, clean_environment),
        cmocka_unit_test_teardown(test_keys_need_libsodium, clean_environment),
        cmocka_unit_test_teardown(test_a_suite_without_keys_is_refused, clean_environment),
    };
    if (!ms_auth_available())
        return MS_RUN_TESTS("netauth", without, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_key_settings_are_checked, clean_environment),
        cmocka_unit_test_teardown(test_bad_key_text_fails_and_names_the_line, clean_environment),
        cmocka_unit_test_teardown(test_key_files_must_exist_and_be_private, clean_environment),
        cmocka_unit_test_teardown(test_environment_names_the_key_file_and_options_win,
                                  clean_environment),
        cmocka_unit_test_teardown(test_signed_and_encrypted_messages_arrive, clean_environment),
        cmocka_unit_test_teardown(test_a_keyed_reader_drops_what_is_not_signed_with_its_keys,
                                  clean_environment),
        cmocka_unit_test_teardown(test_a_reader_without_keys_reads_signed_but_not_encrypted,
                                  clean_environment),
        cmocka_unit_test_teardown(test_a_writer_without_a_key_for_the_slot_fails,
                                  clean_environment),
        cmocka_unit_test_teardown(test_local_names_are_not_signed, clean_environment),
        cmocka_unit_test_teardown(test_key_files_are_followed, clean_environment),
        cmocka_unit_test_teardown(test_a_writer_shared_by_threads_follows_its_key_file,
                                  clean_environment),
        cmocka_unit_test_teardown(test_a_suite_without_keys_is_refused, clean_environment),
    };
    return MS_RUN_TESTS("netauth", tests, NULL, NULL);
}
