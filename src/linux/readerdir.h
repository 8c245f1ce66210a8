/* SPDX-License-Identifier: MIT */
/* readerdir.h -- this host's directory of local readers, so that a writer
 * whose name also reaches this host ("*", a domain of this host, this host)
 * need not try to connect on every write when no reader is here.
 *
 * Each user has one file, DIR/mailslot-readers-v1.<uid> (DIR is /dev/shm),
 * owned by that user, mode 0644 (every user's writers read it, only its
 * owner writes it): MS_READERDIR_BUCKETS 64-bit generation counters, one per
 * hash bucket of the reader's path. A reader adds one to its bucket in its
 * user's file after its socket listens, and again when it closes. A writer
 * that found no reader remembers the generations of its bucket in every
 * user's file and tries to connect again only when one of them changed.
 *
 * Why no message is lost: the writer loads the generations *before* the
 * connect that is refused, and the reader adds one *after* listen (both
 * sequentially consistent). A generation a writer remembers therefore counts
 * no reader that listened after that connect; a reader whose
 * mailslot_create returned has added one, so the next write that starts
 * afterwards loads a different generation and connects. Only the file's
 * owner (or root) can write it, and any change but putting back an old value
 * only causes a connect: a hostile or scribbled file costs extra connects,
 * never a lost message. A file that is not what it should be (another
 * owner, a mode others may write, another size, not a regular file, a
 * link), too many users, or no directory: every writer of the process
 * connects on every write, as without the directory (its readers still
 * announce themselves in their user's file when that one is sound).
 *
 * Limits: a process looks for users' files it does not watch yet at most
 * once a second, when a writer would skip a connect; a new file makes its
 * writers connect again. So for up to a second after a user's file is made
 * (by that user's first reader or writer since the host booted) the writers
 * of other users that its first reader would accept (root's, or anyone's if
 * it accepts every user) may skip it. Processes that share a network
 * namespace must share DIR (a container with the host's network and a
 * /dev/shm of its own does not).
 *
 * Tests point the directory elsewhere with ms_readerdir_reopen_for_testing. */
#ifndef MS_LINUX_READERDIR_H
#define MS_LINUX_READERDIR_H

#include "name.h"

#include <stddef.h>
#include <stdint.h>

#define MS_READERDIR_BUCKETS 512
#define MS_READERDIR_MAX_FILES 16 /* users with a file; beyond, writers connect every time */

/* The generations of one name's bucket, in every user's file. */
typedef struct ms_readerdir_mark {
    size_t files; /* how many users' files were watched */
    uint64_t gen[MS_READERDIR_MAX_FILES];
} ms_readerdir_mark;

/* A reader of name listens now, or has closed. MAILSLOT_OK (also when the
 * directory is unusable: then writers do not rely on it), MAILSLOT_E_SYSTEM
 * when the file could not be opened for want of resources (descriptors,
 * memory): a writer elsewhere may rely on it. */
int ms_readerdir_announce(const ms_name *name);

/* 1 and *mark the generations of name's bucket now; 0 when this process
 * cannot watch the directory (connect every time). */
int ms_readerdir_mark_now(const ms_name *name, ms_readerdir_mark *mark);

/* 1 when the directory is watched and no generation of name's bucket has
 * changed since *mark: no reader of name listened since. */
int ms_readerdir_unchanged(const ms_name *name, const ms_readerdir_mark *mark);

/* 64-bit FNV-1a of path (address.c: the digest of long addresses). */
uint64_t ms_local_path_hash(const char *path);

/* Tests only: forgets the directory; the next use opens dir instead of
 * /dev/shm (NULL: /dev/shm again). */
void ms_readerdir_reopen_for_testing(const char *dir);

/* Tests only: the next writer that would skip a connect looks for new
 * users' files first, as it does once a second. */
void ms_readerdir_rescan_soon_for_testing(void);

#endif
