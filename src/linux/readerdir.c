/* SPDX-License-Identifier: MIT */
/* readerdir.c -- this host's directory of local readers (readerdir.h).
 *
 * POSIX files, directories and mmap. */
#define _GNU_SOURCE
#include "linux/readerdir.h"
#include "error.h"

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

enum { UNOPENED, USABLE, UNUSABLE };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int state = UNOPENED;
static _Atomic uint64_t *files[MS_READERDIR_MAX_FILES]; /* every user's */
static size_t nfiles;
static _Atomic uint64_t *own; /* this user's, among files[] */
static char test_dir[256];    /* "": DEFAULT_DIR */

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
    if (nfiles == MS_READERDIR_MAX_FILES)
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
        files[nfiles++] = p;
        if (mine)
            own = p;
    }
    return err;
}

/* Maps every user's file in dir. 0 or an error number. */
static int map_all(const char *dir)
{
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
    for (size_t i = 0; i < nfiles; i++)
        munmap((void *)files[i], FILE_BYTES);
    nfiles = 0;
    own = NULL;
}

/* Under mu: opens the directory. 0 or an error number. */
static int open_directory(void)
{
    const char *dir = test_dir[0] ? test_dir : DEFAULT_DIR;
    char path[sizeof test_dir + 64];
    snprintf(path, sizeof path, "%s/%s%u", dir, PREFIX, (unsigned)geteuid());
    int err = 0;
    if (access(path, F_OK) != 0)
        err = errno == ENOENT ? create_own(dir, path) : errno;
    if (!err)
        err = map_all(dir);
    if (!err && !own)
        err = ENOENT; /* this user's file went away */
    if (err)
        unmap_all();
    return err;
}

/* USABLE or UNUSABLE; or 0 with the error number in *err when a want of
 * resources kept it from opening this time. */
static int directory(int *err)
{
    int s = atomic_load(&state);
    if (s != UNOPENED)
        return s;
    pthread_mutex_lock(&mu);
    s = atomic_load(&state);
    if (s == UNOPENED) {
        *err = open_directory();
        s = !*err ? USABLE : structural(*err) ? UNUSABLE : UNOPENED;
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
    /* After listen (the caller's order): see readerdir.h. */
    if (s == USABLE)
        atomic_fetch_add(&own[bucket(name)], 1);
    return MAILSLOT_OK;
}

int ms_readerdir_mark_now(const ms_name *name, ms_readerdir_mark *mark)
{
    int err = 0;
    if (directory(&err) != USABLE)
        return 0;
    size_t b = bucket(name);
    for (size_t i = 0; i < nfiles; i++)
        mark->gen[i] = atomic_load(&files[i][b]);
    return 1;
}

int ms_readerdir_unchanged(const ms_name *name, const ms_readerdir_mark *mark)
{
    if (atomic_load(&state) != USABLE)
        return 0;
    size_t b = bucket(name);
    for (size_t i = 0; i < nfiles; i++)
        if (atomic_load(&files[i][b]) != mark->gen[i])
            return 0;
    return 1;
}

void ms_readerdir_reopen_for_testing(const char *dir)
{
    pthread_mutex_lock(&mu);
    unmap_all();
    snprintf(test_dir, sizeof test_dir, "%s", dir ? dir : "");
    atomic_store(&state, UNOPENED);
    pthread_mutex_unlock(&mu);
}
