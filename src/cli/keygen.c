/* SPDX-License-Identifier: MIT */
/* keygen.c -- `mailslot keygen FILE [--add] [--send-from T] [--send-until T]
 * [--accept-from T] [--accept-until T] [--domain NAME] [--slot PATH]`: make a
 * network key (32 random bytes) and write it as a key file line (the format
 * of abi/mailslot.h, "Network keys"), after a comment with its key id and
 * the time it was made.
 *
 * Without --add FILE is created, readable by its owner only, and must not
 * exist; with --add the key is appended to an existing key file, which its
 * group and others must not be able to read or write (as the library
 * demands). FILE "-" is standard output. The keyring code of the library
 * (src/auth/keyring.h) formats the line and checks the file as it will be read,
 * so keygen never writes a file the library would refuse: the 33rd key, a
 * bad domain, a send period outside the accept period. The file is written
 * with one write and synced; on any failure a file keygen created is
 * removed, and one it appended to is cut back to its size before.
 *
 * Why it uses internals: the key file's grammar, the key id and the checks
 * the library applies when it reads the file are the keyring's
 * (src/auth/keyring.h, auth.h), and the public API has no function that
 * makes or checks a key (only readers and writers read key files). Using the
 * keyring itself means keygen cannot write a line the library would read
 * otherwise. Those objects are linked into the tool beside the shared
 * library (src/cli/CMakeLists.txt); their failures are reported with
 * cli_fail_internal (internal.c). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include "auth/auth.h"
#include "auth/keyring.h"
#include "os.h"

#include <mailslot.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#define fsync _commit
#define ftruncate _chsize
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

static const char keygen_usage[] =
    "usage: mailslot keygen FILE [--add] [--send-from T] [--send-until T] [--accept-from T]\n"
    "                            [--accept-until T] [--domain NAME] [--slot PATH]";

static const char keygen_help[] =
    "usage: mailslot keygen FILE [--add] [--send-from T] [--send-until T] [--accept-from T]\n"
    "                            [--accept-until T] [--domain NAME] [--slot PATH]\n"
    "\n"
    "Make a network key and write it as a key file line (MAILSLOT_KEY_FILE,\n"
    "MAILSLOT_OPT_KEY_FILE), after a comment with its key id. FILE is created\n"
    "with mode 600 and must not exist; '-' writes to standard output. The key id\n"
    "is printed to standard error.\n"
    "\n"
    "  -a, --add             append to the existing key file FILE instead; it must\n"
    "                        not be readable or writable by group or others, and\n"
    "                        must stay a valid key file (at most 32 keys)\n"
    "      --send-from T     writers sign with the key from T on (default: as accept)\n"
    "      --send-until T    ... until T\n"
    "      --accept-from T   readers accept the key from T on (default: always)\n"
    "      --accept-until T  ... until T\n"
    "      --domain NAME     the key covers messages to this domain only\n"
    "      --slot PATH       the key covers messages to this slot only\n"
    "  -h, --help            show this help\n"
    "\n"
    "T is 2026-11-23T12:00:00Z, 2026-11-23 (midnight UTC) or @SECONDS since the\n"
    "epoch. Needs a build with libsodium.\n";

enum { SEND_FROM, SEND_UNTIL, ACCEPT_FROM, ACCEPT_UNTIL, TIMES };

static const char *const time_attr[TIMES] = {"send-from", "send-until", "accept-from",
                                             "accept-until"};

typedef struct keygen_opts {
    const char *file;
    int add;
    char times[TIMES][32]; /* canonical, "" when not given */
    const char *domain;
    const char *slot;
} keygen_opts;

/* What keygen writes, and where. */
typedef struct keygen_out {
    int fd;       /* -1: standard output */
    int created;  /* FILE was created here: remove it on failure */
    off_t before; /* --add: the file's size before */
    int wrote;    /* a write was tried: cut back to before on failure */
    char *old;    /* --add: the file's text */
    size_t old_len;
} keygen_out;

static void wipe(void *p, size_t n)
{
    volatile unsigned char *b = p;
    while (n--)
        *b++ = 0;
}

/* ---- options -------------------------------------------------------------- */

static int parse_time(const char *option, const char *text, char *out)
{
    uint64_t ms;
    if (ms_time_parse(text, strlen(text), &ms) != MAILSLOT_OK)
        return cli_usage_error(keygen_usage,
                               "%s needs a time such as 2026-11-23T12:00:00Z, 2026-11-23 or "
                               "@1795000000, not '%s'",
                               option, text);
    ms_time_format(ms, out, 32);
    return CLI_OK;
}

static int parse_options(int argc, char **argv, keygen_opts *o)
{
    enum { OPT_TIME = 256, OPT_DOMAIN = OPT_TIME + TIMES, OPT_SLOT };
    static const struct option longopts[] = {
        {"add", no_argument, NULL, 'a'},
        {"send-from", required_argument, NULL, OPT_TIME},
        {"send-until", required_argument, NULL, OPT_TIME + 1},
        {"accept-from", required_argument, NULL, OPT_TIME + 2},
        {"accept-until", required_argument, NULL, OPT_TIME + 3},
        {"domain", required_argument, NULL, OPT_DOMAIN},
        {"slot", required_argument, NULL, OPT_SLOT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    opterr = 0;
    int opt, rc = CLI_OK;
    while ((opt = getopt_long(argc, argv, ":ah", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(keygen_help, stdout);
            return CLI_HELP_SHOWN;
        } else if (opt == 'a') {
            o->add = 1;
        } else if (opt >= OPT_TIME && opt < OPT_TIME + TIMES) {
            char option[32];
            snprintf(option, sizeof option, "--%s", time_attr[opt - OPT_TIME]);
            rc = parse_time(option, optarg, o->times[opt - OPT_TIME]);
        } else if (opt == OPT_DOMAIN) {
            o->domain = optarg;
        } else if (opt == OPT_SLOT) {
            o->slot = optarg;
        } else {
            return cli_bad_option(keygen_usage, opt, argv);
        }
        if (rc != CLI_OK)
            return rc;
    }
    if (optind >= argc)
        return cli_usage_error(keygen_usage, "missing FILE");
    if (optind + 1 < argc)
        return cli_usage_error(keygen_usage, "unexpected argument '%s'", argv[optind + 1]);
    o->file = argv[optind];
    if (o->add && strcmp(o->file, "-") == 0)
        return cli_usage_error(keygen_usage, "--add needs a FILE, not standard output");
    return CLI_OK;
}

/* The attributes of the key line, "" for none. */
static int attributes(const keygen_opts *o, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < TIMES; i++)
        if (o->times[i][0])
            n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s=%s", n ? " " : "",
                                  time_attr[i], o->times[i]);
    if (o->domain)
        n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%sdomain=%s", n ? " " : "",
                              o->domain);
    if (o->slot)
        n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%sslot=%s", n ? " " : "", o->slot);
    if (n >= cap)
        return cli_usage_error(keygen_usage, "the key's attributes are too long");
    return CLI_OK;
}

/* ---- the destination ------------------------------------------------------ */

static int file_error(const char *what, const char *file)
{
    fprintf(stderr, "mailslot: cannot %s %s: %s\n", what, file, strerror(errno));
    return CLI_FAILURE;
}

/* Creates FILE, or opens it to append after checking its mode and reading
 * it. */
static int open_destination(const keygen_opts *o, keygen_out *out)
{
    *out = (keygen_out){.fd = -1, .created = 0, .before = 0, .wrote = 0, .old = NULL, .old_len = 0};
    if (strcmp(o->file, "-") == 0)
        return CLI_OK;
    if (!o->add) {
        out->fd = open(o->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_BINARY, 0600);
        if (out->fd < 0 && errno == EEXIST) {
            fprintf(stderr,
                    "mailslot: %s exists; keygen does not overwrite a file (--add appends "
                    "a key to a key file)\n",
                    o->file);
            return CLI_FAILURE;
        }
        if (out->fd < 0)
            return file_error("create", o->file);
        out->created = 1;
        return CLI_OK;
    }
    out->fd = open(o->file, O_RDWR | O_APPEND | O_CLOEXEC | O_BINARY);
    if (out->fd < 0)
        return file_error("open", o->file);
    struct stat st;
    if (fstat(out->fd, &st) != 0)
        return file_error("examine", o->file);
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "mailslot: %s is not a regular file\n", o->file);
        return CLI_FAILURE;
    }
#ifndef _WIN32
    /* The library's rule for key files (ms_plat_read_private_file). */
    if (st.st_mode & 077) {
        fprintf(stderr,
                "mailslot: %s can be read or written by group or others (mode %03o); the "
                "library refuses such a key file (chmod 600 it)\n",
                o->file, (unsigned)(st.st_mode & 0777));
        return CLI_FAILURE;
    }
#endif
    if (st.st_size > MS_KEYFILE_MAX) {
        fprintf(stderr, "mailslot: %s is over %d bytes: not a key file\n", o->file, MS_KEYFILE_MAX);
        return CLI_FAILURE;
    }
    out->before = st.st_size;
    out->old = malloc((size_t)st.st_size + 1);
    if (!out->old) {
        fprintf(stderr, "mailslot: out of memory reading %s\n", o->file);
        return CLI_FAILURE;
    }
    while (out->old_len < (size_t)st.st_size) {
        ssize_t n = read(out->fd, out->old + out->old_len, (size_t)st.st_size - out->old_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return file_error("read", o->file);
        if (n == 0)
            break; /* it shrank: what there is */
        out->old_len += (size_t)n;
    }
    return CLI_OK;
}

/* Writes text in one write and syncs it. */
static int write_destination(const keygen_opts *o, keygen_out *out, const char *text, size_t len)
{
    if (out->fd < 0) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
            fprintf(stderr, "mailslot: cannot write the output: %s\n", strerror(errno));
            return CLI_FAILURE;
        }
        return CLI_OK;
    }
    out->wrote = 1;
    ssize_t n = write(out->fd, text, len);
    if (n >= 0 && (size_t)n != len)
        errno = ENOSPC; /* a short write to a regular file: the disk is full */
    if (n < 0 || (size_t)n != len)
        return file_error("write", o->file);
    if (fsync(out->fd) != 0)
        return file_error("sync", o->file);
    return CLI_OK;
}

/* Closes; after a failure, removes what keygen created or cut back what it
 * appended. */
static int close_destination(const keygen_opts *o, keygen_out *out, int rc)
{
    if (out->fd >= 0) {
        if (rc != CLI_OK && o->add && out->wrote && ftruncate(out->fd, out->before) != 0)
            fprintf(stderr, "mailslot: cannot cut %s back to its %lld bytes: %s\n", o->file,
                    (long long)out->before, strerror(errno));
        if (close(out->fd) != 0 && rc == CLI_OK)
            rc = file_error("close", o->file);
        if (rc != CLI_OK && out->created)
            unlink(o->file);
    }
    if (out->old) {
        wipe(out->old, out->old_len);
        free(out->old);
    }
    return rc;
}

/* ---- the key -------------------------------------------------------------- */

/* Parses text as the library will; on failure reports with the library's
 * detail: a usage error (the options made a bad key line) or a failure. */
static int check_key_file(const char *text, size_t len, const char *what, int usage)
{
    ms_keyring *kr = calloc(1, sizeof *kr);
    if (!kr) {
        fprintf(stderr, "mailslot: out of memory\n");
        return CLI_FAILURE;
    }
    int lib = ms_keyring_parse(kr, text, len, what);
    ms_keyring_clear(kr);
    free(kr);
    if (lib == MAILSLOT_OK)
        return CLI_OK;
    if (usage)
        return cli_usage_error(keygen_usage, "%s", cli_internal_detail());
    return cli_fail_internal(lib);
}

/* Makes the key and the text to write: "# key id ..." and the key line,
 * after a newline when the file does not end with one. */
static int make_key(const keygen_opts *o, const keygen_out *out, char *text, size_t cap,
                    size_t *len, uint32_t *id)
{
    char attrs[2 * MS_PATH_MAX + 4 * 48 + MS_HOST_MAX];
    int rc = attributes(o, attrs, sizeof attrs);
    if (rc != CLI_OK)
        return rc;
    unsigned char key[MS_AUTH_KEY_BYTES];
    int lib = ms_plat_random(key, sizeof key);
    ms_auth_key k;
    if (lib == MAILSLOT_OK)
        lib = ms_auth_key_init(&k, key);
    if (lib != MAILSLOT_OK) {
        wipe(key, sizeof key);
        return cli_fail_internal(lib);
    }
    *id = k.id;
    ms_auth_key_clear(&k);

    char made[32];
    ms_time_format((uint64_t)time(NULL) * 1000, made, sizeof made);
    const char *sep = out->old_len && out->old[out->old_len - 1] != '\n' ? "\n" : "";
    size_t n = (size_t)snprintf(text, cap, "%s# key id 0x%08x made %s\n", sep, (unsigned)*id, made);
    size_t line = n < cap ? ms_keyring_format_line(key, attrs, text + n, cap - n) : 0;
    wipe(key, sizeof key);
    if (line == 0) {
        fprintf(stderr, "mailslot: cannot format the key line\n");
        return CLI_FAILURE;
    }
    /* The line alone: the options' fault if the library refuses it. */
    rc = check_key_file(text + n, line, "the new key", 1);
    *len = n + line;
    return rc;
}

int cli_keygen(int argc, char **argv)
{
    keygen_opts o;
    int rc = parse_options(argc, argv, &o);
    if (rc != CLI_OK)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (!ms_auth_available()) {
        fprintf(stderr, "mailslot: built without libsodium: this mailslot cannot make or use "
                        "network keys\n");
        return CLI_FAILURE;
    }
    keygen_out out;
    rc = open_destination(&o, &out);
    char *all = NULL;
    size_t cap = out.old_len + 1024 + 2 * MS_PATH_MAX + MS_HOST_MAX, len = 0;
    uint32_t id = 0;
    if (rc == CLI_OK && !(all = malloc(cap))) {
        fprintf(stderr, "mailslot: out of memory\n");
        rc = CLI_FAILURE;
    }
    if (rc == CLI_OK) {
        /* The old text, then the new: the whole file as the library will
         * read it. Only the new part is written. */
        if (out.old_len)
            memcpy(all, out.old, out.old_len);
        rc = make_key(&o, &out, all + out.old_len, cap - out.old_len, &len, &id);
    }
    if (rc == CLI_OK && o.add) {
        char what[64 + 4096];
        snprintf(what, sizeof what, "key file %s", o.file);
        rc = check_key_file(all, out.old_len + len, what, 0);
    }
    if (rc == CLI_OK)
        rc = write_destination(&o, &out, all + out.old_len, len);
    rc = close_destination(&o, &out, rc);
    if (all) {
        wipe(all, out.old_len + len);
        free(all);
    }
    if (rc == CLI_OK)
        fprintf(stderr, "mailslot: key id 0x%08x\n", (unsigned)id);
    return rc;
}
