/* SPDX-License-Identifier: MIT */
/* test_platform.h -- what the suites need that POSIX and Windows spell
 * differently: test_platform_posix.c or test_platform_win32.c, chosen by
 * CMake. Failures fail the calling test (cmocka). */
#ifndef MS_TEST_PLATFORM_H
#define MS_TEST_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* This machine's host name (as `hostname` prints it). */
void test_host_name(char *buf, size_t cap);

/* Sets or removes an environment variable where the library's getenv()
 * looks. */
void test_setenv(const char *name, const char *value);
void test_unsetenv(const char *name);

/* mailslot_fd's readiness: 1 when fd (a descriptor on POSIX, an event
 * HANDLE on Windows) is readable or signalled within timeout_ms. */
int test_fd_ready(intptr_t fd, int timeout_ms);

/* Another descriptor or handle for the same file or event (dup,
 * DuplicateHandle), and closing one. */
intptr_t test_fd_copy(intptr_t fd);
void test_fd_close(intptr_t fd);

/* A directory for the tests' files: $TMPDIR or /tmp; on Windows %TEMP%. */
const char *test_temp_dir(void);

/* ---- the network on this host only ----------------------------------------- */

/* The loopback interface as MAILSLOT_OPT_INTERFACE names it: "lo" on Linux,
 * "127.0.0.1" on Windows (the loopback adapter, by its address: its name
 * differs between Windows and Wine). Network tests use it so that nothing
 * joins a group or sends on a real network. */
const char *test_loopback_interface(void);

/* A UDP port nobody uses now (the system's pick), so parallel runs differ. */
int test_free_port(void);

/* Sends one datagram to 127.0.0.1 (ipv6 = 0) or ::1 (ipv6 = 1), port. */
void test_udp_send(int ipv6, int port, const void *bytes, size_t len);

/* 1 when this host can bind ::1 (a host may have no IPv6). */
int test_have_ipv6(void);

/* A UDP socket bound to port on every IPv4 address, as a program that is not
 * a mailslot forwarder would bind it; -1 when the port is taken. */
intptr_t test_udp_bind(int port);
void test_udp_close(intptr_t s);

/* Another process that creates the reader `name` with the default options;
 * returns once the reader exists (a failure to create it fails the test).
 * It lives until test_process_kill (or the test's end), which kills it
 * without letting it close anything and waits for it to end. */
typedef struct test_process test_process;
test_process *test_reader_process(const char *name);

/* The same with the network on, port `port` and the loopback interface, so
 * that it owns the host's forwarder when no other process does. */
test_process *test_forwarder_process(const char *name, int port);
void test_process_kill(test_process *p);

#ifndef _WIN32
#include <sys/types.h>

/* fork(), once every other thread of this process sleeps in epoll_wait (the
 * library's I/O thread between events). AddressSanitizer's allocator (GCC
 * 12's runtime) is not locked across fork: a child forked while another
 * thread allocates -- the I/O thread starting, or accepting a writer --
 * inherits that lock held and hangs at its first malloc. glibc's malloc has
 * no such window, so this guards the tests, not the library. The caller
 * keeps other processes from waking the thread meanwhile. A thread that
 * never gets there hangs the test until CTest's timeout fails it. Under
 * ThreadSanitizer its runtime's own thread, asleep in nanosleep, counts as
 * idle too. */
pid_t test_fork(void);
#endif

/* 1 where readers are native mailslots (Windows): the host forwarder writes
 * each payload to the mailslot, drops duplicates itself and skips readers
 * that keep off the network; a reader cannot tell network messages from
 * local ones, so it counts them all (MAILSLOT_STAT_NET_RECEIVED,
 * _OVER_LIMIT) and drops none as duplicate or misaddressed. 0 where the
 * forwarder passes packets and readers check them (Linux). */
extern const int test_native_readers;

#endif
