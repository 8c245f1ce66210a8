/* SPDX-License-Identifier: MIT */
/* test_readerdir.c -- the directory of local readers (src/linux/readerdir.h):
 * a writer of "*" that found no reader connects again only when a reader of
 * its name may have appeared; a reader that appears gets the next write; a
 * scribbled file costs connects, never a message; a directory that cannot be
 * trusted means a connect on every write, as without it.
 *
 * Each test uses a directory of its own (ms_readerdir_reopen_for_testing),
 * never /dev/shm. */
#include "test_util.h"

#include "test_platform.h"

#include "name.h"
#include "linux/readerdir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define FILE_BYTES (MS_READERDIR_BUCKETS * sizeof(uint64_t))

typedef struct fixture {
    char dir[256];
} fixture;

/* A new empty directory, which the library uses from now on. */
static void use_new_dir(fixture *f)
{
    snprintf(f->dir, sizeof f->dir, "%s/readerdir-XXXXXX", test_temp_dir());
    assert_non_null(mkdtemp(f->dir));
    ms_readerdir_reopen_for_testing(f->dir);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    use_new_dir(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(f->dir);
    ms_readerdir_reopen_for_testing(NULL);
    free(f);
    return 0;
}

static void own_path(const fixture *f, uid_t uid, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/mailslot-readers-v1.%u", f->dir, (unsigned)uid);
}

/* A writer of "\\*\mailslot\<name>" (the network is off in the suites: only
 * this host's copy is sent). */
static mailslot_writer *star_writer(const char *name)
{
    char star[200];
    snprintf(star, sizeof star, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(star, NULL, &w));
    return w;
}

static int directory_watched(const char *name)
{
    ms_name n;
    OK(ms_name_parse(name, &n));
    ms_readerdir_mark m;
    return ms_readerdir_mark_now(&n, &m);
}

/* This user's file, mapped, and the index of name's bucket in it. */
static uint64_t *map_own(const fixture *f, const char *name, size_t *bucket)
{
    char path[400];
    own_path(f, geteuid(), path, sizeof path);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    void *p = mmap(NULL, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_true(p != MAP_FAILED);
    close(fd);
    ms_name n;
    OK(ms_name_parse(name, &n));
    *bucket = (size_t)(ms_local_path_hash(n.path) % MS_READERDIR_BUCKETS);
    return p;
}

static void write_text(mailslot_writer *w, const char *text)
{
    OK(mailslot_write(w, text, strlen(text)));
}

/* A reader created after a writer of "*" found none gets that writer's next
 * write: one write, no retry. */
static void test_a_new_reader_gets_the_next_write(void **state)
{
    (void)state;
    NAME(name, "rdir");
    mailslot_writer *w = star_writer(name);
    assert_true(directory_watched(name));
    write_text(w, "nobody reads this"); /* refused: the writer remembers */
    write_text(w, "nor this");          /* no connect */
    mailslot_reader *r = create_with(name, 0, 0);
    write_text(w, "after create");
    expect_text(r, "after create");
    expect_empty(r);
    mailslot_reader_close(r);
    mailslot_writer_close(w);
}

static void pipe_put(int fd)
{
    assert_int_equal(write(fd, "x", 1), 1);
}

static void pipe_get(int fd)
{
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
}

/* The same with the writer in another process: the reader's process tells
 * it (a pipe) only once mailslot_create has returned. */
static void test_a_new_reader_gets_the_next_write_of_another_process(void **state)
{
    (void)state;
    NAME(name, "rdir");
    int to_parent[2], to_child[2];
    assert_int_equal(pipe(to_parent), 0);
    assert_int_equal(pipe(to_child), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        mailslot_writer *w;
        char star[200];
        snprintf(star, sizeof star, "\\\\*\\mailslot\\%s", name);
        int ok = mailslot_open(star, NULL, &w) == MAILSLOT_OK &&
                 mailslot_write(w, "none", 4) == MAILSLOT_OK &&
                 mailslot_write(w, "none", 4) == MAILSLOT_OK;
        pipe_put(to_parent[1]);
        pipe_get(to_child[0]);
        ok = ok && mailslot_write(w, "after create", 12) == MAILSLOT_OK;
        _exit(ok ? 0 : 1);
    }
    pipe_get(to_parent[0]);
    mailslot_reader *r = create_with(name, 0, 0);
    pipe_put(to_child[1]);
    expect_text(r, "after create");
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    expect_empty(r);
    mailslot_reader_close(r);
    for (int i = 0; i < 2; i++) {
        close(to_parent[i]);
        close(to_child[i]);
    }
}

/* The writer really relies on the directory: the file's owner, and only it,
 * can hide a new reader by putting the old generation back (readerdir.h).
 * The next change of the generation shows the reader again. */
static void test_an_old_generation_put_back_hides_a_reader(void **state)
{
    fixture *f = *state;
    NAME(name, "rdir");
    mailslot_writer *w = star_writer(name);
    write_text(w, "nobody");
    size_t b;
    uint64_t *gens = map_own(f, name, &b);
    uint64_t before = __atomic_load_n(&gens[b], __ATOMIC_SEQ_CST);
    mailslot_reader *r = create_with(name, 0, 0);
    assert_true(__atomic_load_n(&gens[b], __ATOMIC_SEQ_CST) != before);
    __atomic_store_n(&gens[b], before, __ATOMIC_SEQ_CST);
    write_text(w, "hidden"); /* not sent: the writer does not connect */
    __atomic_fetch_add(&gens[b], 1, __ATOMIC_SEQ_CST);
    write_text(w, "seen");
    expect_text(r, "seen"); /* "hidden", had it been sent, would come first */
    expect_empty(r);
    munmap(gens, FILE_BYTES);
    mailslot_reader_close(r);
    mailslot_writer_close(w);
}

/* A user's file made after the writer's process looked (that user's first
 * reader): the writer's process finds it at its next look (once a second,
 * here at once) and connects again. The reader here is this user's, hidden
 * by an old generation put back, so only the new file tells. As root the
 * new file is another user's; otherwise it is ours under another user's
 * name, which ends the reliance on the directory: a connect either way. */
static void test_a_new_users_file_makes_writers_connect(void **state)
{
    fixture *f = *state;
    NAME(name, "rdir");
    mailslot_writer *w = star_writer(name);
    write_text(w, "nobody");
    size_t b;
    uint64_t *gens = map_own(f, name, &b);
    uint64_t before = __atomic_load_n(&gens[b], __ATOMIC_SEQ_CST);
    mailslot_reader *r = create_with(name, 0, 0);
    __atomic_store_n(&gens[b], before, __ATOMIC_SEQ_CST);
    write_text(w, "hidden");
    char path[400];
    own_path(f, 65534, path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)FILE_BYTES), 0);
    if (geteuid() == 0)
        assert_int_equal(fchown(fd, 65534, 65534), 0);
    close(fd);
    ms_readerdir_rescan_soon_for_testing();
    write_text(w, "seen");
    expect_text(r, "seen");
    expect_empty(r);
    munmap(gens, FILE_BYTES);
    mailslot_reader_close(r);
    mailslot_writer_close(w);
}

/* Random bumps and random bytes over the whole file: writes without a
 * reader still succeed, and the reader that appears gets the next write. */
static void test_a_scribbled_file_costs_connects_never_a_message(void **state)
{
    fixture *f = *state;
    NAME(name, "rdir");
    mailslot_writer *w = star_writer(name);
    write_text(w, "nobody"); /* the directory is opened, this user's file made */
    size_t b;
    uint64_t *gens = map_own(f, name, &b);
    unsigned seed = (unsigned)getpid();
    for (int i = 0; i < 200; i++) {
        if (i % 2)
            __atomic_fetch_add(&gens[rand_r(&seed) % MS_READERDIR_BUCKETS], 1, __ATOMIC_SEQ_CST);
        else
            for (size_t k = 0; k < FILE_BYTES; k++)
                ((unsigned char *)gens)[k] = (unsigned char)rand_r(&seed);
        write_text(w, "nobody");
    }
    mailslot_reader *r = create_with(name, 0, 0);
    for (size_t k = 0; k < FILE_BYTES; k++)
        ((unsigned char *)gens)[k] = (unsigned char)rand_r(&seed);
    write_text(w, "after create");
    expect_text(r, "after create");
    expect_empty(r);
    munmap(gens, FILE_BYTES);
    mailslot_reader_close(r);
    mailslot_writer_close(w);
}

/* With the directory unusable, a writer connects on every write: the reader
 * that appears gets the next write although no generation tells. */
static void expect_connect_every_write(const char *why)
{
    NAME(name, "rdir");
    mailslot_writer *w = star_writer(name);
    if (directory_watched(name))
        fail_msg("the directory is used although %s", why);
    write_text(w, "nobody");
    write_text(w, "nobody");
    mailslot_reader *r = create_with(name, 0, 0);
    write_text(w, "after create");
    expect_text(r, "after create");
    mailslot_reader_close(r);
    mailslot_writer_close(w);
}

/* A file at this user's path: bytes long, mode. */
static void put_own_file(const fixture *f, uid_t uid, size_t bytes, mode_t mode)
{
    char path[400];
    own_path(f, uid, path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
    close(fd);
}

static void test_no_directory_means_a_connect_every_write(void **state)
{
    fixture *f = *state;
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing", f->dir);
    ms_readerdir_reopen_for_testing(missing);
    expect_connect_every_write("it does not exist");
}

static void test_a_file_of_another_size_is_not_used(void **state)
{
    fixture *f = *state;
    put_own_file(f, geteuid(), FILE_BYTES / 2, 0644);
    expect_connect_every_write("this user's file is half as long");
}

static void test_a_file_others_may_write_is_not_used(void **state)
{
    fixture *f = *state;
    put_own_file(f, geteuid(), FILE_BYTES, 0666);
    expect_connect_every_write("this user's file is writable by every user");
}

static void test_a_link_is_not_followed(void **state)
{
    fixture *f = *state;
    char target[400], path[400];
    snprintf(target, sizeof target, "%s/elsewhere", f->dir);
    int fd = open(target, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)FILE_BYTES), 0);
    close(fd);
    own_path(f, geteuid(), path, sizeof path);
    assert_int_equal(symlink(target, path), 0);
    expect_connect_every_write("this user's file is a symbolic link");
}

/* A file named for a user who does not own it: that user's readers could not
 * announce themselves in it, so no writer may rely on the directory. */
static void test_a_file_owned_by_another_user_is_not_used(void **state)
{
    fixture *f = *state;
    put_own_file(f, geteuid() + 1, FILE_BYTES, 0644); /* named for another user, owned by us */
    expect_connect_every_write("a file is not owned by the user it is named for");
    if (geteuid() == 0) { /* only root can give this user's file to another */
        teardown(state);
        setup(state);
        f = *state;
        put_own_file(f, 0, FILE_BYTES, 0644);
        char path[400];
        own_path(f, 0, path, sizeof path);
        assert_int_equal(chown(path, 65534, 65534), 0);
        expect_connect_every_write("this user's file belongs to another user");
    }
}

static void test_a_name_that_is_no_user_is_not_used(void **state)
{
    fixture *f = *state;
    char path[400];
    snprintf(path, sizeof path, "%s/mailslot-readers-v1.nobody", f->dir);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    close(fd);
    expect_connect_every_write("a file's name holds no user id");
}

/* The file a process makes for its user: mode 0644 whatever the umask, so
 * that every user's writers can read it. */
static void test_the_file_is_made_readable_by_every_user(void **state)
{
    fixture *f = *state;
    mode_t old = umask(077);
    NAME(name, "rdir");
    mailslot_reader *r = create_with(name, 0, 0);
    umask(old);
    char path[400];
    own_path(f, geteuid(), path, sizeof path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(st.st_size, (off_t)FILE_BYTES);
    assert_true(directory_watched(name));
    mailslot_reader_close(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_new_reader_gets_the_next_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_new_reader_gets_the_next_write_of_another_process,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_old_generation_put_back_hides_a_reader, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_new_users_file_makes_writers_connect, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_scribbled_file_costs_connects_never_a_message, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_directory_means_a_connect_every_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_file_of_another_size_is_not_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_file_others_may_write_is_not_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_link_is_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_file_owned_by_another_user_is_not_used, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_name_that_is_no_user_is_not_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_file_is_made_readable_by_every_user, setup,
                                        teardown),
    };
    return MS_RUN_TESTS("readerdir", tests, NULL, NULL);
}
