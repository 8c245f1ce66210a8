/* SPDX-License-Identifier: MIT */
/* file.c -- files holding secrets (key files).
 *
 * Portable POSIX (stat, open, fstat, read), apart from the nanoseconds of
 * st_mtim, which POSIX.1-2008 has and macOS spells st_mtimespec. */
#define _GNU_SOURCE
#include "alloc.h"
#include "auth/authconfig.h"
#include "error.h"
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int ms_plat_file_stamp(const char *path, ms_file_stamp *out)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ms_fail_os(errno == ENOENT ? MAILSLOT_E_NOT_FOUND : MAILSLOT_E_SYSTEM, errno, "%s",
                          path);
    /* A file replaced by rename has another inode; one rewritten in place
     * another time or size. */
    *out = (ms_file_stamp){.a = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
                                (uint64_t)st.st_mtim.tv_nsec,
                           .b = (uint64_t)st.st_size,
                           .c = (uint64_t)st.st_ino,
                           .d = (uint64_t)st.st_dev};
    return MAILSLOT_OK;
}

/* Reads all of fd (size bytes expected, at most max) into a new buffer. */
static int read_all(int fd, const char *path, size_t max, char **text, size_t *len)
{
    char *buf = ms_malloc(max + 1);
    if (!buf)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory reading %s", path);
    size_t n = 0;
    for (;;) {
        ssize_t got = read(fd, buf + n, max + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            ms_free(buf);
            return ms_fail_os(MAILSLOT_E_SYSTEM, err, "%s", path);
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max) {
            memset(buf, 0, n);
            ms_free(buf);
            return ms_fail(MAILSLOT_E_INVALID, "%s has more than %zu bytes", path, max);
        }
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return MAILSLOT_OK;
}

int ms_plat_read_private_file(const char *path, size_t max, char **text, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        return ms_fail_os(err == ENOENT   ? MAILSLOT_E_NOT_FOUND
                          : err == EACCES ? MAILSLOT_E_ACCESS
                                          : MAILSLOT_E_SYSTEM,
                          err, "%s", path);
    }
    /* The checks are on the open file, not the path: nothing can swap the
     * file between the check and the read. */
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0)
        rc = ms_fail_os(MAILSLOT_E_SYSTEM, errno, "%s", path);
    else if (!S_ISREG(st.st_mode))
        rc = ms_fail(MAILSLOT_E_INVALID, "%s is not a regular file", path);
    else if (st.st_mode & 077)
        rc = ms_fail(MAILSLOT_E_ACCESS,
                     "%s holds keys but its mode is %04o: other users may read or change "
                     "it (chmod 600 %s)",
                     path, (unsigned)(st.st_mode & 07777), path);
    else
        rc = read_all(fd, path, max, text, len);
    close(fd);
    return rc;
}
