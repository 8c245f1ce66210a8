/* SPDX-License-Identifier: MIT */
/*
 * mailslot.h -- the public interface of libmailslot, and its reference manual.
 *
 * A mailslot is named, one-way, connectionless messaging. A READER creates a
 * slot by name and reads whole messages from its queue; any number of WRITERS
 * send small messages to that name without knowing where, or whether, a reader
 * runs.
 *
 * Conventions that hold for every function below:
 *
 *  - Every function that can fail returns int: MAILSLOT_OK (0) or a negative
 *    MAILSLOT_E_* code. Results go through pointer arguments, which are written
 *    only on success unless a function says otherwise.
 *  - After a failure, mailslot_last_error_detail() in the same thread says in
 *    one sentence what went wrong (which name, which OS error).
 *  - Strings are UTF-8 and NUL-terminated. Buffers are (pointer, size).
 *  - Handles are opaque pointers. A handle may be used from several threads at
 *    once. A handle must not be used after it was closed, and a process made by
 *    fork() must not use the handles of its parent (it may create new ones).
 *  - Numbers of error codes, option keys and constants are part of the ABI:
 *    they are never renumbered or reused (abi/constants.txt pins each one).
 *
 * Compatibility (abi/README.md): from 1.0.0 on, a program built against the
 * header of release 1.x runs unchanged with every later 1.y library
 * (libmailslot.so.1, mailslot.dll). A minor release only adds: functions
 * (each in the version node of its release, MAILSLOT_1.1, ...), option keys,
 * counters and error codes. Nothing is removed or renamed, no signature or
 * number changes. A program that uses a function or key added in 1.y needs
 * a library of at least 1.y: compare mailslot_version() with
 * MAILSLOT_VERSION_NUMBER. Every function uses the C calling convention
 * (MAILSLOT_CALL, cdecl), so P/Invoke and ctypes declare them alike.
 *
 * On Windows (mailslot.dll) local slots are native Win32 mailslots, so that
 * programs using CreateMailslot/CreateFile/ReadFile/WriteFile interoperate;
 * the functions below say where Windows gives a different answer ("On
 * Windows:"). Operating-system errors in the detail are Win32 error numbers
 * (GetLastError) with their system text there.
 *
 * Names (see mailslot_name_canonical): "\\HOST\mailslot\PATH", where HOST is
 * "." (this host), "*" (every host on the network), or a host or domain name;
 * "\" and "/" are both separators, and a bare PATH such as "logger" means
 * "\\.\mailslot\logger".
 */
#ifndef MAILSLOT_H
#define MAILSLOT_H

#include <stddef.h>
#include <stdint.h>

/* The version of this header. The library's own version is mailslot_version(). */
#define MAILSLOT_VERSION_MAJOR 1
#define MAILSLOT_VERSION_MINOR 1
#define MAILSLOT_VERSION_PATCH 0
#define MAILSLOT_VERSION_NUMBER                                                                    \
    (MAILSLOT_VERSION_MAJOR * 10000 + MAILSLOT_VERSION_MINOR * 100 + MAILSLOT_VERSION_PATCH)

/* MAILSLOT_API marks every exported function; MAILSLOT_CALL is its calling
 * convention (cdecl everywhere, so that P/Invoke and ctypes need no guessing). */
#if defined(_WIN32)
#define MAILSLOT_CALL __cdecl
#if defined(MAILSLOT_BUILDING)
#define MAILSLOT_API __declspec(dllexport)
#elif defined(MAILSLOT_STATIC)
#define MAILSLOT_API
#else
#define MAILSLOT_API __declspec(dllimport)
#endif
#else
#define MAILSLOT_CALL
#if defined(MAILSLOT_BUILDING) && defined(__GNUC__)
#define MAILSLOT_API __attribute__((visibility("default")))
#else
#define MAILSLOT_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mailslot_reader mailslot_reader;
typedef struct mailslot_writer mailslot_writer;
typedef struct mailslot_options mailslot_options;

/* ------------------------------------------------------------------------ */
/* Constants                                                                */
/* ------------------------------------------------------------------------ */

/* <windows.h> defines MAILSLOT_WAIT_FOREVER and MAILSLOT_NO_MESSAGE too, both
 * as ((DWORD)-1): the same values once converted. The definitions here take
 * their place, so that their types are the ones documented here. */
#ifdef MAILSLOT_WAIT_FOREVER
#undef MAILSLOT_WAIT_FOREVER
#endif
#ifdef MAILSLOT_NO_MESSAGE
#undef MAILSLOT_NO_MESSAGE
#endif

/* Timeouts, in milliseconds. */
#define MAILSLOT_WAIT_FOREVER (-1) /* block until a message, an interrupt or close */
#define MAILSLOT_USE_DEFAULT (-2)  /* mailslot_read: use the reader's read timeout */

/* next_size of mailslot_info when no message waits (the Win32 value). */
#define MAILSLOT_NO_MESSAGE 0xFFFFFFFFu

/* The largest message a local writer may send: 64 KiB. */
#define MAILSLOT_MAX_LOCAL_MESSAGE 65536u
/* The largest message sent to "*", a domain or another host (one unfragmented
 * UDP datagram on a 1,500-byte MTU). */
#define MAILSLOT_MAX_NETWORK_MESSAGE 1024u

/* ------------------------------------------------------------------------ */
/* Error codes                                                              */
/* ------------------------------------------------------------------------ */

/* Codes are negative; a later release may add codes below -14, so treat a
 * code you do not know as a failure (mailslot_strerror has a text for it). */

#define MAILSLOT_OK 0
/* bad argument: NULL handle or pointer, bad option key or value */
#define MAILSLOT_E_INVALID (-1)
#define MAILSLOT_E_NAME (-2)      /* not a valid mailslot name, or a reader for a remote name */
#define MAILSLOT_E_EXISTS (-3)    /* a reader already owns this name on this host */
#define MAILSLOT_E_NOT_FOUND (-4) /* no reader owns this local name */
#define MAILSLOT_E_TIMEOUT (-5)   /* nothing arrived within the timeout */
#define MAILSLOT_E_TOO_BIG (-6)   /* message larger than the limit for this destination */
#define MAILSLOT_E_BUFFER (-7)    /* caller's buffer too small; *len = size needed, message kept */
#define MAILSLOT_E_FULL (-8)      /* the reader's queue is at its limit; message not sent */
#define MAILSLOT_E_INTERRUPTED (-9) /* mailslot_interrupt woke the read */
#define MAILSLOT_E_CLOSED (-10)     /* the reader was closed while the call waited */
#define MAILSLOT_E_NOMEM (-11)      /* out of memory */
#define MAILSLOT_E_ACCESS (-12)     /* permission denied */
/* the network cannot serve this name: it is off (MAILSLOT_OPT_NETWORK), a host
 * does not resolve, an interface does not exist, or a send failed; the detail
 * (mailslot_last_error_detail) says which. 1.x keeps one code for all of them. */
#define MAILSLOT_E_NETWORK (-13)
#define MAILSLOT_E_SYSTEM (-14) /* any other OS failure (see mailslot_last_error_detail) */

/* ------------------------------------------------------------------------ */
/* Option keys                                                              */
/* ------------------------------------------------------------------------ */

/* Keys 1..99 are options (settings of mailslot_options_set_int/_set_str, read
 * back with mailslot_reader_get_int); keys 101..199 are a reader's counters
 * (MAILSLOT_STAT_*, read only); since 1.1, keys 201..299 are a reader's state
 * (MAILSLOT_INFO_*, read only). Later releases add keys in these ranges. */

/* Reader: the largest message this reader accepts, in bytes, 1..65536; 0 (the
 * default) means MAILSLOT_MAX_LOCAL_MESSAGE. A local writer learns this limit
 * when it connects, so an oversized write fails at the writer with
 * MAILSLOT_E_TOO_BIG.
 * On Windows: a writer cannot learn the reader's limit; its write succeeds
 * and the reader discards the message. */
#define MAILSLOT_OPT_MAX_MESSAGE_SIZE 1
/* Reader: the read timeout used by mailslot_read(..., MAILSLOT_USE_DEFAULT), in
 * milliseconds, >= 0 or MAILSLOT_WAIT_FOREVER (the default). */
#define MAILSLOT_OPT_READ_TIMEOUT 2
/* Reader: how many messages may wait in the reader's queue, 1..16777216
 * (default 65536). A write that would exceed it fails with MAILSLOT_E_FULL and
 * sends nothing; reading makes room again.
 * On Windows: writers cannot be told (Windows queues without limit): writes
 * succeed, and the reader discards each message that arrives while its queue
 * holds QUEUE_LIMIT messages. */
#define MAILSLOT_OPT_QUEUE_LIMIT 3
/* Reader: 0 (default) accepts local writers of the reader's own user and root
 * only; 1 accepts every local user. Others get MAILSLOT_E_ACCESS.
 * On Windows: 0 gives the mailslot the default security of the reader's
 * process (its user and SYSTEM); 1 adds write access for Everyone. */
#define MAILSLOT_OPT_ALLOW_ANY_USER 4

/* Network options. Each has an environment variable that gives the process's
 * default; a value set in the options overrides it (a bad variable fails the
 * create or open that reads it, with MAILSLOT_E_INVALID naming it). Writers
 * use them when they are opened.
 *
 * The network (abi/PROTOCOL.md): one UDP port per host; "*" and domains are
 * IPv4 multicast groups, a host is sent to by unicast. In each host (each
 * network namespace on Linux) one process owns the port and forwards each
 * packet to the local reader it names: the first process that creates a
 * reader with the network on, or `mailslot forward`. When that process ends,
 * another such process takes over at once. A reader's options configure that
 * forwarder only when this reader starts it in its process; give every reader
 * of a host the same values, or use the environment.
 * On Windows: the host is the machine, all sessions together (the election
 * is the named mutex Global\mailslot-forwarder-PORT, which every user may
 * wait for). The forwarder writes each network message's payload to the
 * Win32 mailslot \\.\mailslot\PATH, like any local writer, so that programs
 * reading it with ReadFile receive network messages too, and it drops
 * duplicates itself (a mailslot cannot). The forwarder's user must be
 * allowed to write to the readers' mailslots (their user, SYSTEM, or
 * MAILSLOT_OPT_ALLOW_ANY_USER).
 *
 * Without keys (MAILSLOT_OPT_KEYS below), network messages are not
 * authenticated: any host that can send to the port can put messages in a
 * network reader's queue. Configure keys, treat the messages as untrusted
 * input, or set MAILSLOT_OPT_NETWORK to 0 for readers that must only hear
 * this host. */

/* Readers and writers: 1 (default; MAILSLOT_NETWORK) uses the network, 0 keeps
 * to this host. A writer with 0 delivers "*" and this host's domains to this
 * host only, and cannot be opened for other hosts or domains
 * (MAILSLOT_E_NETWORK). A reader with 0 receives nothing from the network and
 * its process does not forward for the host.
 * On Windows: a mailslot cannot tell a network write from a local one, so a
 * reader with 0 holds, while it owns its name, a named event
 * (Global\mailslot-local-only-<digest of the name>) that tells the host
 * forwarder, in any process or session, to pass it nothing (counted as "no
 * reader"). A program that reads a mailslot without this library has no
 * such event: it receives network messages for its name whenever a
 * forwarder runs on the host. */
#define MAILSLOT_OPT_NETWORK 5
/* Readers and writers: the UDP port, 1..65535 (MAILSLOT_PORT; default 17317).
 * Every host of one network must use the same port. */
#define MAILSLOT_OPT_PORT 6
/* Writers: the multicast TTL for "*" and domains, 1..255 (MAILSLOT_TTL;
 * default 1: the local network only). */
#define MAILSLOT_OPT_TTL 7
/* String. Readers and writers: the domains this host belongs to, separated by
 * commas (MAILSLOT_DOMAIN; default "workgroup"); at most 16. A host receives
 * "\\DOMAIN\mailslot\..." for these, and its writers deliver them to this
 * host's readers too. */
#define MAILSLOT_OPT_DOMAIN 8
/* String. Readers and writers: the network interface for multicast, by name
 * ("eth0") or IPv4 address (MAILSLOT_INTERFACE; default "": every interface
 * that is up and multicast-capable, loopback excepted). Names may have spaces
 * and UTF-8, not control characters or "/".
 * On Windows: the interface's name as Windows shows it ("Ethernet 2",
 * compared ignoring case), its adapter GUID ("{...}") or one of its IPv4
 * addresses; multicast goes out, and groups are joined, by the interface's
 * first IPv4 address. */
#define MAILSLOT_OPT_INTERFACE 9

/* Network keys (abi/PROTOCOL.md section 8; needs a library built with
 * libsodium, else setting up a reader or writer with keys fails with
 * MAILSLOT_E_INVALID, "built without libsodium").
 *
 * With keys, a writer signs every network message (suite 1, HMAC-SHA512-256)
 * or signs and encrypts it (suite 2, XChaCha20-Poly1305), and a reader
 * accepts a network message only when it carries a tag made with one of its
 * keys, over every byte of the packet (so it cannot be moved to another
 * slot, host or domain), a timestamp within MAILSLOT_OPT_TIME_WINDOW of the
 * reader's clock, and a (sender, sequence) it has not accepted before
 * (MAILSLOT_OPT_REPLAY_WINDOW). Others are dropped and counted
 * (MAILSLOT_STAT_AUTH_*). A valid tag proves that the sender holds the key;
 * it does not say which host sent the message. Messages written with
 * "\." names never touch the network and are not signed.
 *
 * Keys come, first that is set, from MAILSLOT_OPT_KEYS, MAILSLOT_OPT_KEY_FILE
 * or the environment variable MAILSLOT_KEY_FILE; with none of these the
 * reader or writer has no keys. The text is a key file: one key per line,
 *     key <64 hex digits> [send-from=T] [send-until=T] [accept-from=T]
 *         [accept-until=T] [domain=NAME] [slot=PATH]
 * with '#' comments; T is "2026-11-23T12:00:00Z", "2026-11-23" or seconds
 * since the epoch as "@1795000000". A writer signs with the key of the
 * narrowest scope (slot, then domain, then none) whose send period holds the
 * time, the newest send-from among those; a reader accepts every key whose
 * accept period holds the time and whose scope covers the message
 * (domain=NAME: messages to that domain; slot=PATH: messages to that slot).
 * `mailslot keygen` writes key files. A writer with keys and none for a
 * message at this time fails the write with MAILSLOT_E_ACCESS.
 * On Windows: a reader is a native mailslot, which receives the message
 * only, so the host forwarder checks network messages for it, with the
 * forwarder's keys and settings (replay and time windows, migration): the
 * first keys a network reader of the forwarder's process was created with,
 * or those `mailslot forward` finds in the environment (MAILSLOT_KEY_FILE,
 * ...). It writes the verified, decrypted message to the mailslot. A reader
 * with keys holds, while it owns its name, a named event
 * (Global\mailslot-keyed-<digest of the name>): a forwarder without keys,
 * in any process or session, passes it nothing (counted as "no key"), so it
 * never gets an unverified network message; and a reader whose keys differ
 * from the forwarder's gets only what the forwarder's keys verify: give the
 * forwarder and every reader with keys on a host the same key file. This
 * host's copy of a writer's message to "*", a domain or this host goes into
 * the mailslot as a local message does (not checked; local writers are
 * trusted on every platform), so a reader, with keys or without, also gets
 * this host's copies of encrypted messages and of messages with other keys. */

/* String. Readers and writers: the text of a key file (see above). */
#define MAILSLOT_OPT_KEYS 10
/* String. Readers and writers: the path of a key file (MAILSLOT_KEY_FILE),
 * read when the reader or writer is created, and again when it changes
 * (looked at, at most once a second, as messages are read or written): a
 * key added is used, a key removed is refused, without a restart; a changed
 * file that is refused (see below) leaves the keys as they were. It must be a regular file that
 * its group and others cannot read or write (chmod 600), else
 * MAILSLOT_E_ACCESS; a missing file is MAILSLOT_E_NOT_FOUND; bad content is
 * MAILSLOT_E_INVALID naming the line. Read back with mailslot_reader_get_int,
 * MAILSLOT_OPT_KEYS and MAILSLOT_OPT_KEY_FILE give the number of keys.
 * On Windows: the file's access rights are not checked. */
#define MAILSLOT_OPT_KEY_FILE 11
/* Writers: 1 (default; MAILSLOT_SUITE) signs, 2 signs and encrypts. Readers
 * accept both. Suite 2 packets are protocol version 2, which readers without
 * keys (and releases before 1.1) drop as an unknown version. A suite is
 * asked for keys: a writer for a network name whose options or environment
 * set a suite but that has no keys (none configured, or a key file without
 * keys) is not opened (MAILSLOT_E_INVALID, the detail says so) rather than
 * send in clear what was meant to be signed or secret. Readers do not use
 * it (their create ignores it, as writers of "\\.\" names do). */
#define MAILSLOT_OPT_SUITE 12
/* Readers: the replay window, sequences remembered per sender, 64..1024 in
 * steps of 64 (MAILSLOT_REPLAY_WINDOW; default 64). A message further behind
 * its sender's newest than this is dropped (MAILSLOT_STAT_AUTH_REPLAY). The
 * window lives in the reader's memory: a restarted reader may accept, once,
 * a message it had accepted before, if it is replayed within the time
 * window. */
#define MAILSLOT_OPT_REPLAY_WINDOW 13
/* Readers: how far a message's timestamp may be from the reader's clock, in
 * milliseconds, either way, 1000..86400000 (MAILSLOT_TIME_WINDOW; default
 * 120000). Hosts' clocks must agree within it. */
#define MAILSLOT_OPT_TIME_WINDOW 14
/* Readers with keys: 1 also accepts messages without authentication
 * (counted in MAILSLOT_STAT_AUTH_UNVERIFIED), while writers move to keys one
 * host at a time; 0 (default; MAILSLOT_AUTH_MIGRATION) drops them
 * (MAILSLOT_STAT_AUTH_NONE). Messages with a bad tag are dropped either way. */
#define MAILSLOT_OPT_AUTH_MIGRATION 15
/* Readers with keys: 1 (default; MAILSLOT_AUTH_LOG) logs a WARNING message
 * (stderr, or the handler of mailslot_set_log_handler) when network messages
 * are dropped for authentication: the first of each reason at once, then at
 * most one per reason per minute with the number dropped. The reason is the
 * name of the counter that counted them, as `mailslot stats` prints it
 * (auth_none, auth_unknown_key, auth_bad_tag, auth_replay, auth_stale,
 * auth_future, auth_table_full), followed by the latest such message's
 * sender and sequence, and its key id when it carries one. Also when the
 * key file is read again (INFO) or a changed key file is refused (ERROR).
 * 0 only counts. */
#define MAILSLOT_OPT_AUTH_LOG 16

/* Legacy mode: the remote-mailslot format of Windows hosts (abi/PROTOCOL.md
 * section 9: NetBIOS datagrams on UDP port 138; no authentication, at most
 * 424 bytes, the local subnet only).
 *
 * Readers and writers: 1 turns legacy mode on (MAILSLOT_LEGACY; default 0).
 * A writer then sends to other hosts in that format instead of this
 * library's protocol, so that each receiver gets a message once: "*" and
 * "\\DOMAIN" as group datagrams to each interface's broadcast address ("*"
 * to the first domain, the workgroup, as Windows sends it), "\\HOST" as a
 * unique datagram to the host's address (from the resolver, else from a
 * NetBIOS name query; a single label neither knows is a domain, as without
 * legacy mode). This host's readers get "*" and its domains directly,
 * as without legacy mode. A legacy write carries at most 424 bytes, less
 * with a slot path over 8 bytes (443 bytes for "\MAILSLOT\", the path, a 0
 * and the data; MAILSLOT_E_TOO_BIG); its slot name must be ASCII and its
 * domain or host a NetBIOS name of at most 15 characters and no dot
 * (MAILSLOT_E_NAME). It cannot be
 * authenticated, so a writer with keys cannot be opened in legacy mode
 * (MAILSLOT_E_INVALID).
 * The host forwarder, when a reader with legacy mode starts it (or `mailslot
 * forward --legacy`), also receives on UDP port 138, which needs root or
 * CAP_NET_BIND_SERVICE (it says so when it cannot, and when another program
 * such as Samba's nmbd holds the port, beside which it gets broadcasts
 * only), and delivers the mailslot writes addressed to this host's NetBIOS
 * name (<00>) or to one of its domains (<00>, <1D>, <1E>) to the local
 * readers, with their network messages, once each (a broadcast heard on two
 * interfaces is one), but not those sent from this host's own addresses
 * (its readers have them already); a reader with keys drops them
 * (MAILSLOT_STAT_AUTH_NONE), and counts those it queued in
 * MAILSLOT_STAT_LEGACY_RECEIVED.
 * On Windows: a legacy writer uses the system's own remote mailslots
 * (CreateFile on \\*\mailslot\...), which send as Windows does: "*" to the
 * computer's own workgroup, names resolved by Windows, from its NetBIOS
 * name (the limits and names above are checked all the same). Windows 11
 * turns them off by default: MAILSLOT_E_NETWORK then names the policy that
 * turns them on ("Enable remote mailslots"); Windows itself
 * receives on port 138, so the forwarder does not. */
#define MAILSLOT_OPT_LEGACY 17
/* String. Readers and writers: this host's NetBIOS name in legacy mode
 * (MAILSLOT_NETBIOS_NAME; default: the first label of the host name, cut to
 * 15 characters; on Windows the computer's NetBIOS name): 1 to 15 printable
 * ASCII characters, none of \ / : * ? " < > | and ".", compared without
 * regard to case. */
#define MAILSLOT_OPT_NETBIOS_NAME 18

/* ------------------------------------------------------------------------ */
/* Counters (mailslot_reader_get_int)                                       */
/* ------------------------------------------------------------------------ */

/* Network messages this reader queued, and those it dropped by reason.
 * NET_RECEIVED counts messages put in the queue, once each, after every
 * check: not the datagrams that arrived (a message that came by two
 * interfaces, or was dropped, is not in it). The sender of a network
 * message cannot be told of a drop, so drops are counted here instead. Local writers are told
 * (MAILSLOT_E_FULL, ...), not counted. On Windows: a mailslot cannot tell network messages from
 * local ones, and local writers cannot be told of a drop either, so these count every message,
 * whoever wrote it: RECEIVED those queued, OVER_LIMIT those discarded (over MAX_MESSAGE_SIZE, or
 * the queue at QUEUE_LIMIT); MALFORMED, UNKNOWN_VERSION, MISADDRESSED and DUPLICATE stay 0, because
 * the host forwarder drops those packets before they reach a mailslot, and counts them itself
 * (`mailslot forward` prints its counts when it stops). */
#define MAILSLOT_STAT_NET_RECEIVED 101
#define MAILSLOT_STAT_NET_MALFORMED 102       /* broke a rule of PROTOCOL.md */
#define MAILSLOT_STAT_NET_UNKNOWN_VERSION 103 /* a protocol version this build lacks */
#define MAILSLOT_STAT_NET_MISADDRESSED 104    /* for another slot, or network is off */
#define MAILSLOT_STAT_NET_DUPLICATE 105       /* a copy of a message already queued */
#define MAILSLOT_STAT_NET_OVER_LIMIT 106      /* over MAX_MESSAGE_SIZE, or queue full */

/* A reader with keys: network messages dropped by reason, and how the
 * accepted ones were authenticated. A copy of a message that arrives twice
 * (by two interfaces, or replayed within the replay window) counts as
 * MAILSLOT_STAT_NET_DUPLICATE: the two cannot be told apart. UNKNOWN_KEY
 * counts a key id the reader has no key for, or one whose period or scope
 * does not cover the message.
 * On Windows: these stay 0; the host forwarder checks network messages for
 * readers with keys and counts what it dropped and why (`mailslot forward`
 * prints its counts when it stops). */
#define MAILSLOT_STAT_AUTH_NONE 107        /* no authentication, and no migration */
#define MAILSLOT_STAT_AUTH_UNKNOWN_KEY 108 /* no key of the reader's covers it */
#define MAILSLOT_STAT_AUTH_BAD_TAG 109     /* forged or changed on the way */
#define MAILSLOT_STAT_AUTH_REPLAY 110      /* behind its sender's replay window */
#define MAILSLOT_STAT_AUTH_STALE 111       /* timestamp older than the time window */
#define MAILSLOT_STAT_AUTH_FUTURE 112      /* timestamp ahead of the time window */
#define MAILSLOT_STAT_AUTH_TABLE_FULL 113  /* a new sender while the sender table was full */
#define MAILSLOT_STAT_AUTH_VERIFIED 114    /* accepted with a valid tag */
#define MAILSLOT_STAT_AUTH_UNVERIFIED 115  /* accepted without one (AUTH_MIGRATION) */

/* Local writers this reader dropped because their shared-memory ring broke
 * its rules (since 1.1; Linux): a writer that scribbles on its ring, or a
 * program that does so in its name. The reader reads on from its other
 * writers; the dropped one connects anew at its next write. Messages are
 * not counted: a corrupt ring does not say how many it held. Windows: 0
 * (no rings). */
#define MAILSLOT_STAT_LOCAL_CORRUPT_RING 116
/* Legacy mode (MAILSLOT_OPT_LEGACY; since 1.1): the remote-mailslot writes of
 * Windows hosts that the host forwarder received on UDP port 138 and this
 * reader queued, also counted in NET_RECEIVED. Those it dropped are counted
 * by reason with the others: a reader with keys drops every one
 * (AUTH_NONE: the format has no authentication, AUTH_MIGRATION or not), a
 * reader that keeps off the network (MAILSLOT_OPT_NETWORK 0) too
 * (NET_MISADDRESSED), and one over its MAX_MESSAGE_SIZE or QUEUE_LIMIT
 * (NET_OVER_LIMIT). The forwarder de-duplicates these (a broadcast that
 * arrives by two interfaces) and counts what it dropped before a reader saw
 * it (`mailslot forward` prints its counts when it stops). On Windows: 0
 * (Windows receives them itself). */
#define MAILSLOT_STAT_LEGACY_RECEIVED 117

/* A reader's state (keys 201..299, read only; since 1.1): what
 * mailslot_reader_get_int and mailslot_query read besides options and
 * counters. A 1.0 library answers these keys with MAILSLOT_E_INVALID. */
#define MAILSLOT_INFO_MESSAGE_COUNT 201 /* messages waiting in the queue now */

/* ------------------------------------------------------------------------ */
/* Version and errors                                                       */
/* ------------------------------------------------------------------------ */

/* The version of the loaded library as MAJOR*10000 + MINOR*100 + PATCH. Compare
 * with MAILSLOT_VERSION_NUMBER to detect a header/library mismatch. Never fails. */
MAILSLOT_API int MAILSLOT_CALL mailslot_version(void);

/* The version of the loaded library as static text, e.g. "1.0.0". Never fails. */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_version_string(void);

/* A static, human-readable text for an error code ("timed out", ...). Unknown
 * codes get a generic text. Never returns NULL. Thread-safe. */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_strerror(int code);

/* What the last failing call of this library in the calling thread saw, as one
 * sentence (for example: "no reader owns \\.\mailslot\logger"). An empty string
 * if no call failed in this thread yet. Successful calls leave it unchanged.
 * The text belongs to the library and stays valid until the next call of this
 * library in the same thread. Never returns NULL. */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_last_error_detail(void);

/* ------------------------------------------------------------------------ */
/* Options: an extensible bag, so that new settings never change a signature */
/* ------------------------------------------------------------------------ */

/* Creates an options bag with every setting at its default.
 * Returns MAILSLOT_OK, MAILSLOT_E_INVALID (out is NULL) or MAILSLOT_E_NOMEM.
 * The caller owns *out and frees it with mailslot_options_free. A bag may be
 * used for any number of create/open calls; those calls copy what they need. */
MAILSLOT_API int MAILSLOT_CALL mailslot_options_new(mailslot_options **out);

/* Sets an integer option (MAILSLOT_OPT_*).
 * Returns MAILSLOT_OK, or MAILSLOT_E_INVALID if o is NULL, the key is unknown
 * or not an integer option, or the value is outside the key's range (the bag
 * is then unchanged). Options that do not apply to a call are ignored by it
 * (reader settings by mailslot_open). Not safe against concurrent use of the
 * same bag from several threads. */
MAILSLOT_API int MAILSLOT_CALL mailslot_options_set_int(mailslot_options *o, int key,
                                                        int64_t value);

/* Sets a string option (MAILSLOT_OPT_DOMAIN, MAILSLOT_OPT_INTERFACE,
 * MAILSLOT_OPT_KEYS, MAILSLOT_OPT_KEY_FILE; the string is copied, and key
 * text is wiped when the bag is freed or the option set again). Returns
 * MAILSLOT_OK, or MAILSLOT_E_INVALID for a NULL o or value, a key that is not
 * a string option, or a value the key does not accept (the detail says why).
 * An interface is looked up when a reader or writer uses it: a name no
 * interface has fails there, with MAILSLOT_E_NETWORK. */
MAILSLOT_API int MAILSLOT_CALL mailslot_options_set_str(mailslot_options *o, int key,
                                                        const char *value);

/* Frees an options bag. NULL is a no-op. */
MAILSLOT_API void MAILSLOT_CALL mailslot_options_free(mailslot_options *o);

/* ------------------------------------------------------------------------ */
/* Reader ("server")                                                        */
/* ------------------------------------------------------------------------ */

/* Creates a reader for a local name ("\\.\mailslot\PATH" or a bare PATH) and
 * starts receiving messages for it. o may be NULL for defaults.
 * Returns:
 *   MAILSLOT_OK            *out is a new reader; close it with mailslot_reader_close
 *   MAILSLOT_E_INVALID     name or out is NULL
 *   MAILSLOT_E_NAME        name is not a valid mailslot name, or is not local
 *   MAILSLOT_E_EXISTS      a reader (in any process) already owns the name
 *   MAILSLOT_E_INVALID     also: a bad network or key setting in the
 *                          environment, a key file or key text that does not
 *                          parse (the detail names the line), or keys in a
 *                          library built without libsodium
 *   MAILSLOT_E_NOT_FOUND   the key file does not exist
 *   MAILSLOT_E_ACCESS      the key file may be read or written by group or
 *                          others (or cannot be opened)
 *   MAILSLOT_E_NETWORK     the configured network interface does not exist
 *   MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM (e.g. the UDP port cannot be bound)
 * The name is free again as soon as the reader is closed or its process ends.
 * With the network on (MAILSLOT_OPT_NETWORK), the reader also receives
 * messages sent to this host over the network (see "Network options"); a
 * program that is not a mailslot forwarder holding the port does not fail
 * the create: this process retries every second until the port is free.
 * On Windows: the reader is the Win32 mailslot \\.\mailslot\PATH, PATH being
 * the canonical path in UTF-16 (a path longer than 246 UTF-16 units, too
 * long for Windows, becomes mailslot#<32 hex digits> of a digest of it);
 * Windows compares names ignoring case in every alphabet, not only ASCII; a
 * thread of the library's reads the mailslot into the reader's queue. The
 * forwarder binds the port with SO_EXCLUSIVEADDRUSE; a program holding it
 * (the bind fails with WSAEADDRINUSE or WSAEACCES) gets the same one-second
 * retry. */
MAILSLOT_API int MAILSLOT_CALL mailslot_create(const char *name, const mailslot_options *o,
                                               mailslot_reader **out);

/* Reads the next message into buf (cap bytes) and stores its size in *len.
 * timeout_ms: 0 returns at once, N > 0 waits up to N ms, MAILSLOT_WAIT_FOREVER
 * waits until a message arrives, MAILSLOT_USE_DEFAULT uses the reader's read
 * timeout. buf may be NULL when cap is 0.
 * Returns:
 *   MAILSLOT_OK            one whole message was copied; *len is its size (may be 0)
 *   MAILSLOT_E_BUFFER      cap is smaller than the next message: *len is the size
 *                          needed, and the message stays first in the queue
 *   MAILSLOT_E_TIMEOUT     no message arrived within the timeout
 *   MAILSLOT_E_INTERRUPTED mailslot_interrupt was called while this call waited
 *   MAILSLOT_E_CLOSED      mailslot_reader_close was called while this call waited
 *   MAILSLOT_E_INVALID     r or len is NULL, buf is NULL with cap > 0, or
 *                          timeout_ms is below MAILSLOT_USE_DEFAULT
 *   MAILSLOT_E_SYSTEM
 * Messages from one writer arrive in the order they were written. Several
 * threads may read at once; each message goes to exactly one of them.
 * Signals do not end a wait (use mailslot_interrupt); the library's own
 * thread blocks every signal, so they reach the application's threads. */
MAILSLOT_API int MAILSLOT_CALL mailslot_read(mailslot_reader *r, void *buf, size_t cap, size_t *len,
                                             int32_t timeout_ms);

/* Reports the reader's state; any output pointer may be NULL.
 *   max_message_size  the reader's limit in bytes
 *   next_size         size of the next message, or MAILSLOT_NO_MESSAGE
 *   message_count     messages waiting now
 *   read_timeout_ms   the reader's read timeout
 * Returns MAILSLOT_OK, MAILSLOT_E_INVALID (r is NULL) or MAILSLOT_E_SYSTEM.
 * Counts are a snapshot: writers may add messages at any moment. */
MAILSLOT_API int MAILSLOT_CALL mailslot_info(mailslot_reader *r, uint32_t *max_message_size,
                                             uint32_t *next_size, uint32_t *message_count,
                                             int32_t *read_timeout_ms);

/* Sets the read timeout used by MAILSLOT_USE_DEFAULT (>= 0 or
 * MAILSLOT_WAIT_FOREVER). Reads already waiting keep their timeout.
 * Returns MAILSLOT_OK or MAILSLOT_E_INVALID (r is NULL, bad value). */
MAILSLOT_API int MAILSLOT_CALL mailslot_set_read_timeout(mailslot_reader *r, int32_t timeout_ms);

/* Gives a descriptor to wait on with poll/select/epoll (POSIX) or
 * WaitForSingleObject (Windows: an event HANDLE). It is readable (signalled)
 * while at least one message waits, and not readable once the queue is
 * empty; reading it yourself is not needed and not allowed. The descriptor
 * belongs to the reader: do not close it; it is valid until the reader is
 * closed, and becomes readable when the reader is closed so that a waiting
 * poll wakes. Repeated calls give the same value.
 * On Windows: *fd is a manual-reset event HANDLE (cast to intptr_t) for
 * WaitForSingleObject/WaitForMultipleObjects; do not close, set or reset it.
 * Returns MAILSLOT_OK, MAILSLOT_E_INVALID (r or fd is NULL) or MAILSLOT_E_SYSTEM. */
MAILSLOT_API int MAILSLOT_CALL mailslot_fd(mailslot_reader *r, intptr_t *fd);

/* Wakes every mailslot_read that is waiting on r at the moment of the call;
 * each returns MAILSLOT_E_INTERRUPTED. Reads that start later are not
 * affected. Safe to call from any thread (not from a signal handler).
 * Returns MAILSLOT_OK or MAILSLOT_E_INVALID (r is NULL). */
MAILSLOT_API int MAILSLOT_CALL mailslot_interrupt(mailslot_reader *r);

/* Reads one of the reader's integer values into *value: an option (a key of
 * 1..99: MAILSLOT_OPT_MAX_MESSAGE_SIZE, _READ_TIMEOUT, _QUEUE_LIMIT,
 * _ALLOW_ANY_USER, _NETWORK, _PORT, _SUITE, _REPLAY_WINDOW, _TIME_WINDOW,
 * _AUTH_MIGRATION, _AUTH_LOG: the value in effect, wherever it came from;
 * _KEYS and _KEY_FILE: the number of keys) or a counter (a key of 101..199:
 * MAILSLOT_STAT_*; on Windows they count every message, see "Counters"), or
 * since 1.1 a state (MAILSLOT_INFO_MESSAGE_COUNT). Counters are a snapshot.
 * Returns MAILSLOT_OK or MAILSLOT_E_INVALID (r or value NULL, or a key that
 * is not an integer value of a reader; *value untouched). */
MAILSLOT_API int MAILSLOT_CALL mailslot_reader_get_int(mailslot_reader *r, int key, int64_t *value);

/* Copies the reader's canonical name (see mailslot_name_canonical) into buf
 * as a NUL-terminated string and stores its length without the NUL in *len.
 * Returns MAILSLOT_OK, MAILSLOT_E_BUFFER (cap <= length: *len is the length,
 * buf untouched) or MAILSLOT_E_INVALID (r or len NULL, buf NULL with cap > 0). */
MAILSLOT_API int MAILSLOT_CALL mailslot_reader_name(mailslot_reader *r, char *buf, size_t cap,
                                                    size_t *len);

/* Closes a reader: its name is free again when this returns, messages still
 * queued are discarded, and reads waiting in other threads return
 * MAILSLOT_E_CLOSED (their memory stays valid until they return). NULL is a
 * no-op. The handle must not be used by calls that start after this one. */
MAILSLOT_API void MAILSLOT_CALL mailslot_reader_close(mailslot_reader *r);

/* Since 1.1. Asks the reader of the local name, in whatever process owns it
 * (this one included), for count of its integer values in one round trip:
 * values[i] is the value of keys[i], all taken at one moment. The keys are
 * those of mailslot_reader_get_int that a reader reports to others:
 * MAILSLOT_OPT_MAX_MESSAGE_SIZE, _QUEUE_LIMIT, _ALLOW_ANY_USER, _NETWORK,
 * _KEYS and _KEY_FILE (both: the number of keys), every counter
 * (MAILSLOT_STAT_*) and MAILSLOT_INFO_MESSAGE_COUNT; a key may be repeated.
 * count 0 (keys and values may then be NULL) only asks whether the reader
 * answers. The reader must accept this user, as for mailslot_open
 * (MAILSLOT_OPT_ALLOW_ANY_USER); asking takes no place in its queue and is
 * not seen by mailslot_read. Nothing else of the reader is disclosed: not its
 * messages, keys or key file. timeout_ms bounds the whole call: 0 or more
 * milliseconds, or MAILSLOT_WAIT_FOREVER.
 * Returns:
 *   MAILSLOT_OK            values[0..count-1] are written (nothing else is)
 *   MAILSLOT_E_INVALID     name is NULL; keys or values is NULL with count >
 *                          0; a key this function does not answer (the
 *                          detail names it; checked before anything is
 *                          asked); timeout_ms below MAILSLOT_WAIT_FOREVER
 *   MAILSLOT_E_NAME        name is not a valid mailslot name, or not local
 *   MAILSLOT_E_NOT_FOUND   no reader owns the name (or it closed meanwhile)
 *   MAILSLOT_E_ACCESS      the reader does not accept this user
 *   MAILSLOT_E_TIMEOUT     the reader did not answer within timeout_ms (its
 *                          process is stopped or hung)
 *   MAILSLOT_E_SYSTEM      the reader closed the connection without an
 *                          answer, answered in a layout this library cannot
 *                          read, or another OS failure
 * values is written only on MAILSLOT_OK. A reader of a later release may know
 * more counters than this library: only the keys of this header are asked
 * for; a reader of an earlier 1.x release answers a counter it lacks with 0.
 * On Windows: a reader is a native mailslot, which only its own process can
 * read and which has no way to be asked; every call whose arguments and name
 * are valid fails with MAILSLOT_E_SYSTEM (the detail says so). In the reader's
 * own process use mailslot_reader_get_int. */
MAILSLOT_API int MAILSLOT_CALL mailslot_query(const char *name, const int *keys, int64_t *values,
                                              size_t count, int32_t timeout_ms);

/* ------------------------------------------------------------------------ */
/* Writer ("client")                                                        */
/* ------------------------------------------------------------------------ */

/* Opens a writer for a name. o may be NULL for defaults.
 *   "\\.\mailslot\PATH" (or a bare PATH): a reader must exist on this host.
 *   "\\*\mailslot\PATH": every host of the network, this one included.
 *   "\\NAME\mailslot\PATH", where NAME is
 *     - this host's name, "localhost" or one of its addresses: this host;
 *     - one of this host's domains (MAILSLOT_OPT_DOMAIN): every member host,
 *       this one included;
 *     - an IP literal or a name with a dot: that host, resolved now;
 *     - any other single label: that host if it resolves, else the domain.
 *   All but "\\.\" succeed whether or not a reader exists anywhere
 *   (mailslots are datagrams); this host's reader, if any, gets exactly one
 *   copy of each message meant for this host.
 * Opening a local reader's name waits for the reader to answer: microseconds
 * normally, at most 5 seconds for a hung reader process (MAILSLOT_E_SYSTEM).
 * A write that reconnects to a restarted reader waits the same way.
 * Resolving a host name may wait for DNS.
 * On Windows: opening a local name checks that its mailslot exists, with no
 * wait; each write opens the mailslot anew (so a restarted reader gets the
 * next message). The network is the same as elsewhere (Winsock 2; this host's
 * names are its DNS and NetBIOS names and its addresses). Under Wine,
 * MAILSLOT_E_SYSTEM when another program holds the mailslot open for writing
 * without FILE_SHARE_WRITE.
 * Returns:
 *   MAILSLOT_OK            *out is a new writer; close it with mailslot_writer_close
 *   MAILSLOT_E_INVALID     name or out is NULL, or a bad network setting in the
 *                          environment; for names other than "\\.\": a bad key
 *                          setting, key text or key file, keys without
 *                          libsodium (keys are read for those names only), or
 *                          a suite (MAILSLOT_OPT_SUITE, MAILSLOT_SUITE) set
 *                          without any key
 *   MAILSLOT_E_NAME        name is not a valid mailslot name
 *   MAILSLOT_E_NOT_FOUND   a local name that no reader owns, or a key file
 *                          that does not exist
 *   MAILSLOT_E_ACCESS      the local reader does not accept this user, or the
 *                          key file is open to group or others
 *   MAILSLOT_E_NETWORK     the name needs the network and it is off
 *                          (MAILSLOT_OPT_NETWORK), a host name with a dot does
 *                          not resolve, or the configured interface does not
 *                          exist; the detail says which
 *   MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM */
MAILSLOT_API int MAILSLOT_CALL mailslot_open(const char *name, const mailslot_options *o,
                                             mailslot_writer **out);

/* Sends one message of len bytes (0 is allowed). Never blocks on a full
 * reader: a write to a queue at its limit fails at once. A write that has a
 * place in the queue may wait for the reader's process to take earlier
 * messages off the connection, at most 2 seconds (a stopped or hung reader
 * process); after such a wait ran out, writes fail at once until one gets
 * through.
 * Returns:
 *   MAILSLOT_OK            the message was queued for the local reader, or
 *                          (for every other name) sent
 *   MAILSLOT_E_TOO_BIG     len exceeds the reader's MAX_MESSAGE_SIZE, 64 KiB, or
 *                          for every name but "\\.\" MAILSLOT_MAX_NETWORK_MESSAGE
 *   MAILSLOT_E_FULL        the reader's queue is at its QUEUE_LIMIT, or its
 *                          process is not taking messages; nothing was sent
 *   MAILSLOT_E_NOT_FOUND   the local reader is gone and no new one owns the name
 *                          (a writer reconnects by itself to a reader that was
 *                          restarted under the same name)
 *   MAILSLOT_E_ACCESS      a restarted reader does not accept this user; or
 *                          the writer has keys but none that may sign this
 *                          message now (scope, send period): nothing was sent
 *   MAILSLOT_E_NETWORK     the network send failed on every interface or
 *                          address
 *   MAILSLOT_E_INVALID     w is NULL, or data is NULL with len > 0
 *   MAILSLOT_E_SYSTEM
 * For names other than "\\.\", readers cannot answer: a reader (on any
 * host, this one included) that is full or has a smaller MAX_MESSAGE_SIZE
 * drops the message and counts it (MAILSLOT_STAT_NET_OVER_LIMIT). When this
 * host's reader cannot be reached at all (MAILSLOT_E_FULL: its process is
 * not taking messages; MAILSLOT_E_ACCESS; MAILSLOT_E_SYSTEM), that is
 * returned although the copies for other hosts were sent.
 * Messages written by one writer arrive in order locally; over the network
 * they are UDP datagrams: each arrives at most once, and rarely out of order
 * or not at all. Concurrent writes on one writer are serialised.
 * On Windows: never MAILSLOT_E_FULL, and MAILSLOT_E_TOO_BIG only for the 64
 * KiB and network limits: Windows queues without limit, and the reader
 * discards what is over its MAX_MESSAGE_SIZE or QUEUE_LIMIT. A write does not
 * wait for the reader (under Wine, it waits while the reader's process is
 * stopped and the mailslot's buffer is full). This host's copy of a message
 * to "*" or a domain arrives as a plain mailslot message. */
MAILSLOT_API int MAILSLOT_CALL mailslot_write(mailslot_writer *w, const void *data, size_t len);

/* Closes a writer. Messages already written stay queued for the reader. NULL
 * is a no-op. */
MAILSLOT_API void MAILSLOT_CALL mailslot_writer_close(mailslot_writer *w);

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

/* Validates a name and writes its canonical form "\\HOST\mailslot\path" to buf
 * (NUL-terminated; *len = its length without the NUL). Two names denote the
 * same slot exactly when their canonical forms are equal. The canonical form
 * uses "\" separators, the fixed word "mailslot", and folds ASCII letters of
 * HOST and PATH to lower case (other characters are kept as they are).
 * A name is rejected with MAILSLOT_E_NAME when it is empty, is not UTF-8, has
 * an empty segment, a "." or ".." segment, a control character, a PATH longer
 * than 255 bytes, a HOST that is not ".", "*" or a host/domain name or IP
 * literal, or a prefix other than "mailslot" (such as "\\.\pipe\x").
 * Returns MAILSLOT_OK, MAILSLOT_E_NAME, MAILSLOT_E_BUFFER (cap <= length: *len
 * is the length, buf untouched) or MAILSLOT_E_INVALID (name or len NULL, buf
 * NULL with cap > 0). Pure: touches no OS state. */
MAILSLOT_API int MAILSLOT_CALL mailslot_name_canonical(const char *name, char *buf, size_t cap,
                                                       size_t *len);

/* ------------------------------------------------------------------------ */
/* Logging (since 1.1)                                                      */
/* ------------------------------------------------------------------------ */

/* The library tells the program of what it cannot return from a call: network
 * messages a reader with keys dropped (MAILSLOT_OPT_AUTH_LOG), a key file read
 * again or refused (MAILSLOT_OPT_KEY_FILE). By default each message goes to
 * stderr as one line, "mailslot: " MESSAGE "\n" (as in 1.0); a program that
 * sets a handler with mailslot_set_log_handler gets them instead.
 *
 * The levels of a message (numbers are ABI; a later release may add levels
 * between or after them, so treat an unknown level by its neighbours): */
#define MAILSLOT_LOG_ERROR 1   /* something configured is not in effect */
#define MAILSLOT_LOG_WARNING 2 /* messages were lost (e.g. dropped by a reader) */
#define MAILSLOT_LOG_INFO 3    /* a change the program may want to know of */
#define MAILSLOT_LOG_DEBUG 4   /* detail for finding a problem */

/* A log handler: ctx is the pointer given with it, level a MAILSLOT_LOG_*
 * value, message one line of UTF-8 text without a trailing newline (such as
 * "\\.\mailslot\logger: dropped 1 network message (auth_none); the latest
 * from sender 0123456789abcdef, sequence 7"). message is valid only during
 * the call: copy it to keep it. */
typedef void(MAILSLOT_CALL *mailslot_log_fn)(void *ctx, int level, const char *message);

/* Since 1.1. Sets the process's log handler: every later message of the
 * library goes to fn(ctx, level, message) instead of stderr. fn NULL restores
 * the default (stderr, as above; ctx is then ignored). Returns MAILSLOT_OK;
 * any thread may call it at any time.
 *
 * Which thread calls the handler: the one that noticed the message, which is
 * a thread of the library's (the I/O thread that receives for readers; on
 * Windows the host forwarder's threads) or a thread of the program inside a
 * call of this library (mailslot_read, mailslot_info, mailslot_fd, ... on a
 * reader). So fn must be safe to call from any thread, and from several at
 * once. It is never called while the library holds a lock of its own: it may
 * call any function of the library, mailslot_set_log_handler included, but
 * while it runs the thread it runs in does no other work of the library
 * (a slow handler delays the readers of that thread: hand the message to a
 * queue of your own if it has far to go). It must not unwind (longjmp,
 * C++ or managed exceptions) through the library.
 *
 * Messages are queued where they are noticed and handed over when the
 * library leaves its locks, in order; at most a few dozen wait, and when
 * more are noticed at once, the surplus is dropped and a WARNING message
 * says how many.
 *
 * Replacing a handler is safe while other threads log: each call gets a
 * matching (fn, ctx) pair, never one half of each. A call of the previous
 * handler that had begun in another thread may still run (or begin, having
 * taken the pair just before) after this returns, so keep the previous
 * handler's ctx valid for as long as that may be (a handler set for the life
 * of the process, as the language bindings do, has no such concern). */
MAILSLOT_API int MAILSLOT_CALL mailslot_set_log_handler(mailslot_log_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* MAILSLOT_H */
