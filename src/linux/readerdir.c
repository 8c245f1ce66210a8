/* SPDX-License-Identifier: MIT */
/* readerdir.c -- this host's directory of local readers (readerdir.h).
 *
 * POSIX files, directories and mmap. */
#define _GNU_SOURCE
#include "linux/readerdir.h"
#include "error.h"
#include "os.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_DIR "/dev/shm"
#define PREFIX "mailslot-readers-v1."
#define FILE_BYTES (MS_READERDIR_BUCKETS * sizeof(uint64_t))

/* How often a process looks for the files of users it does not watch yet:
 * a user's first reader since boot makes that user's file. */
#define RESCAN_MS 1000

enum { UNOPENED, USABLE, UNUSABLE };

/* Files are only added (until ms_readerdir_reopen_for_testing): a writer
 * reads files[0..nfiles) without the lock. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int state = UNOPENED;                    /* USABLE: writers may rely on the files */
static _Atomic uint64_t *files[MS_READERDIR_MAX_FILES]; /* every user's */
static uid_t uids[MS_READERDIR_MAX_FILES];
static _Atomic size_t nfiles;
static _Atomic uint64_t *_Atomic own; /* this user's, for announcing; NULL: none */
static _Atomic int64_t scanned_at;
static char test_dir[256]; /* "": DEFAULT_DIR */

static const char *dir_path(void)
{
    return test_dir[0] ? test_dir : DEFAULT_DIR;
}

/* Why the directory cannot be used: the same in every process (what the
 * files are), unlike a want of descriptors or memory. */
static int structural(int err)
{
    return err != EMFILE && err != ENFILE && err != ENOMEM && err != EINTR && err != EAGAIN;
}

static int trusted(int fd, uid_t uid)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == uid &&
           !(st.st_mode & (S_IWGRP | S_IWOTH)) && st.st_size == (off_t)FILE_BYTES;
}

/* Makes this user's file whole under a temporary name, then links it in, so
 * that no process ever sees it half made. 0 or an error number. */
static int create_own(const char *dir, const char *path)
{
    char tmp[sizeof test_dir + 96];
    snprintf(tmp, sizeof tmp, "%s/.%s%u.%ld", dir, PREFIX, (unsigned)geteuid(), (long)getpid());
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    int err = 0;
    if (fchmod(fd, 0644) != 0 || ftruncate(fd, (off_t)FILE_BYTES) != 0 || link(tmp, path) != 0)
        err = errno == EEXIST ? 0 : errno; /* made by another process meanwhile */
    close(fd);
    unlink(tmp);
    return err;
}

/* Maps the file name of dir, owned by uid (writable when it is ours). */
static int map_file(int dirfd, const char *name, uid_t uid)
{
    size_t n = atomic_load(&nfiles);
    for (size_t i = 0; i < n; i++)
        if (uids[i] == uid)
            return 0; /* watched already */
    if (n == MS_READERDIR_MAX_FILES)
        return ENOSPC;
    int mine = uid == geteuid();
    int fd = openat(dirfd, name, (mine ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int err = 0;
    void *p = MAP_FAILED;
    if (!trusted(fd, uid))
        err = EPERM;
    else
        p = mmap(NULL, FILE_BYTES, mine ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    if (!err && p == MAP_FAILED)
        err = errno;
    close(fd);
    if (!err) {
        files[n] = p;
        uids[n] = uid;
        atomic_store(&nfiles, n + 1); /* after the entry: a writer may read it now */
        if (mine)
            atomic_store(&own, p);
    }
    return err;
}

/* Under mu: maps every user's file in dir not mapped yet. 0 or an error
 * number (a file that is not as it should be: EPERM). */
static int map_all(const char *dir)
{
    atomic_store(&scanned_at, ms_plat_monotonic_ms());
    DIR *d = opendir(dir);
    if (!d)
        return errno;
    int err = 0;
    struct dirent *e;
    while (!err && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, PREFIX, sizeof PREFIX - 1) != 0)
            continue;
        char *end;
        const char *digits = e->d_name + sizeof PREFIX - 1;
        unsigned long uid = strtoul(digits, &end, 10);
        err = *digits < '0' || *digits > '9' || *end ? EPERM
                                                     : map_file(dirfd(d), e->d_name, (uid_t)uid);
    }
    closedir(d);
    return err;
}

static void unmap_all(void)
{
    for (size_t i = 0; i < atomic_load(&nfiles); i++)
        munmap((void *)files[i], FILE_BYTES);
    atomic_store(&nfiles, 0);
    atomic_store(&own, NULL);
}

/* Under mu: opens the directory: this user's file first (made if missing),
 * kept for announcing even when another user's file is not as it should
 * be, then everyone's. 0 or an error number. */
static int open_directory(void)
{
    const char *dir = dir_path();
    char name[64];
    snprintf(name, sizeof name, "%s%u", PREFIX, (unsigned)geteuid());
    char path[sizeof test_dir + sizeof name + 1];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int err = 0;
    if (access(path, F_OK) != 0)
        err = errno == ENOENT ? create_own(dir, path) : errno;
    int dfd = err ? -1 : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!err && dfd < 0)
        err = errno;
    if (!err)
        err = map_file(dfd, name, geteuid());
    if (dfd >= 0)
        close(dfd);
    if (!err)
        err = map_all(dir);
    return err;
}

/* Under mu: what an error of open_directory or map_all leaves: writers no
 * longer rely on the files, or (for want of resources) may try again. */
static int state_after(int err)
{
    return !err ? USABLE : structural(err) ? UNUSABLE : UNOPENED;
}

/* USABLE or UNUSABLE; or 0 with the error number in *err when a want of
 * resources kept it from opening this time. */
static void lock_mu(void)
{
    pthread_mutex_lock(&mu);
}

static void unlock_mu(void)
{
    pthread_mutex_unlock(&mu);
}

/* A child forked while another thread opened the directory would find mu
 * held for ever: fork waits for it. */
static void install_atfork(void)
{
    pthread_atfork(lock_mu, unlock_mu, unlock_mu);
}

static int directory(int *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    int s = atomic_load(&state);
    if (s != UNOPENED)
        return s;
    pthread_once(&once, install_atfork);
    pthread_mutex_lock(&mu);
    s = atomic_load(&state);
    if (s == UNOPENED) {
        *err = open_directory();
        s = state_after(*err);
        if (s == UNOPENED)
            unmap_all();
        atomic_store(&state, s);
    }
    pthread_mutex_unlock(&mu);
    return s;
}

static size_t bucket(const ms_name *name)
{
    return (size_t)(ms_local_path_hash(name->path) % MS_READERDIR_BUCKETS);
}

int ms_readerdir_announce(const ms_name *name)
{
    int err = 0;
    int s = directory(&err);
    if (s == UNOPENED)
        return ms_fail_os(MAILSLOT_E_SYSTEM, err, "cannot open the directory of readers for %s",
                          name->canonical);
    /* After listen (the caller's order): see readerdir.h. Also when this
     * process no longer relies on the files: others may still. */
    _Atomic uint64_t *mine = atomic_load(&own);
    if (mine)
        atomic_fetch_add(&mine[bucket(name)], 1);
    return MAILSLOT_OK;
}

int ms_readerdir_mark_now(const ms_name *name, ms_readerdir_mark *mark)
{
    int err = 0;
    if (directory(&err) != USABLE)
        return 0;
    size_t b = bucket(name);
    mark->files = atomic_load(&nfiles);
    for (size_t i = 0; i < mark->files; i++)
        mark->gen[i] = atomic_load(&files[i][b]);
    return 1;
}

/* Maps the files of users seen for the first time, once RESCAN_MS have
 * passed since the last look; a file that is not as it should be ends
 * the process's reliance on the directory. */
static void rescan(void)
{
    if (ms_plat_monotonic_ms() - atomic_load(&scanned_at) <= RESCAN_MS ||
        pthread_mutex_trylock(&mu) != 0)
        return;
    if (atomic_load(&state) == USABLE) {
        int s = state_after(map_all(dir_path()));
        if (s != UNOPENED) /* want of resources: the next look tries again */
            atomic_store(&state, s);
    }
    pthread_mutex_unlock(&mu);
}

int ms_readerdir_unchanged(const ms_name *name, const ms_readerdir_mark *mark)
{
    rescan();
    if (atomic_load(&state) != USABLE || atomic_load(&nfiles) != mark->files)
        return 0; /* a user's file is new: a reader of theirs may be here */
    size_t b = bucket(name);
    for (size_t i = 0; i < mark->files; i++)
        if (atomic_load(&files[i][b]) != mark->gen[i])
            return 0;
    return 1;
}

void ms_readerdir_rescan_soon_for_testing(void)
{
    atomic_store(&scanned_at, ms_plat_monotonic_ms() - RESCAN_MS - 1);
}

void ms_readerdir_reopen_for_testing(const char *dir)
{
    pthread_mutex_lock(&mu);
    unmap_all();
    snprintf(test_dir, sizeof test_dir, "%s", dir ? dir : "");
    atomic_store(&state, UNOPENED);
    pthread_mutex_unlock(&mu);
}
