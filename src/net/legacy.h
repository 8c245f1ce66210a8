/* SPDX-License-Identifier: MIT */
/* legacy.h -- the remote-mailslot format of Windows hosts: a NetBIOS
 * datagram (RFC 1002 section 4.4) on UDP port 138 carrying an SMB
 * TRANSACTION request whose setup words say "write mailslot" ([MS-MAIL]).
 * Encoding and decoding are pure functions, so that they can be tested
 * against hand-built datagrams and fuzzed alone; abi/PROTOCOL.md gives the
 * byte layout.
 *
 * A datagram, as Windows and Samba send it (NetBIOS part big-endian, SMB
 * part little-endian):
 *     0   message type: 0x10 direct unique, 0x11 direct group, 0x12 broadcast
 *     1   flags: 0x02 first fragment (0x01 more fragments), node type << 2
 *     2   u16 datagram id
 *     4   source IPv4 address, u16 source port
 *    10   u16 length of what follows offset 14
 *    12   u16 packet offset (0: not a later fragment)
 *    14   source name, destination name: each 0x20, 32 letters, 0 (no scope)
 *    82   SMB header: FF 'S' 'M' 'B', command 0x25, 27 bytes of 0
 *   114   word count 17, then the words: total parameter count 0, total
 *         data count N, max parameter 0, max data 0, max setup 0, flags 0,
 *         timeout 0, reserved, parameter count 0, parameter offset 0, data
 *         count N, data offset (from the SMB header), setup count 3, setup
 *         words 1 (write mailslot), priority, class 2
 *   149   u16 byte count, "\MAILSLOT\name" and its 0, then the N data bytes
 */
#ifndef MS_NET_LEGACY_H
#define MS_NET_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#define MS_LEGACY_PORT 138      /* the NetBIOS datagram service */
#define MS_LEGACY_NAME_PORT 137 /* the NetBIOS name service */
/* The most a Win32 remote mailslot write carries. */
#define MS_LEGACY_MAX_DATA 424
/* The most user data (the SMB part) a whole NetBIOS datagram carries: 512
 * bytes, so at most 443 bytes of mailslot name (with its 0) and data. */
#define MS_LEGACY_MAX_USER_DATA 512
/* The header: type .. packet offset; its u16 at offset 10 counts the
 * datagram's bytes after it. */
#define MS_LEGACY_HEADER 14
/* The largest datagram: header, two unscoped names, user data. */
#define MS_LEGACY_MAX_DATAGRAM (MS_LEGACY_HEADER + 2 * 34 + MS_LEGACY_MAX_USER_DATA)
#define MS_LEGACY_NAME_CHARS 15 /* a NetBIOS name, before its suffix byte */
/* What every mailslot name in a datagram starts with (any case). */
#define MS_LEGACY_MAILSLOT_PREFIX "\\MAILSLOT\\"

enum { MS_LEGACY_DIRECT_UNIQUE = 0x10, MS_LEGACY_DIRECT_GROUP = 0x11, MS_LEGACY_BROADCAST = 0x12 };

/* Flags: a whole datagram is the first fragment with no more to come; the
 * node type (bits 2-3) says how the sender resolves names (M: broadcast,
 * then a name server), which is what Windows and Samba send. */
#define MS_LEGACY_FLAG_MORE 0x01
#define MS_LEGACY_FLAG_FIRST 0x02
#define MS_LEGACY_NODE_M 0x08

/* The suffixes (16th byte) a mailslot write is addressed to. */
enum {
    MS_LEGACY_SUFFIX_WORKSTATION = 0x00, /* HOST<00>, DOMAIN<00> */
    MS_LEGACY_SUFFIX_MASTER_BROWSER = 0x1D,
    MS_LEGACY_SUFFIX_BROWSER_ELECTION = 0x1E
};

/* A NetBIOS name: 15 characters, upper case, padded with spaces (and a 0
 * after them), and the suffix byte. */
typedef struct ms_legacy_name {
    char chars[MS_LEGACY_NAME_CHARS + 1];
    uint8_t suffix;
} ms_legacy_name;

/* A mailslot write's fields. After ms_legacy_decode, mailslot and data
 * point into the decoded buffer. */
typedef struct ms_legacy_datagram {
    uint8_t type; /* MS_LEGACY_DIRECT_UNIQUE, _DIRECT_GROUP or _BROADCAST */
    uint8_t flags;
    uint16_t id;
    uint32_t source_ip; /* host order */
    uint16_t source_port;
    ms_legacy_name source;
    ms_legacy_name destination;
    uint16_t priority;
    const char *mailslot; /* "\MAILSLOT\...", without its 0 */
    size_t mailslot_len;
    const unsigned char *data;
    size_t data_len;
} ms_legacy_datagram;

/* Why a datagram was not taken as a mailslot write. */
typedef enum ms_legacy_result {
    MS_LEGACY_OK = 0,
    MS_LEGACY_SHORT,           /* ends before a field it announces */
    MS_LEGACY_NOT_DATAGRAM,    /* a message type other than the three */
    MS_LEGACY_FRAGMENT,        /* not a whole datagram (flags or offset) */
    MS_LEGACY_BAD_NAME,        /* a NetBIOS name that is not 32 letters */
    MS_LEGACY_SCOPED,          /* a name with a NetBIOS scope: not ours */
    MS_LEGACY_NOT_TRANSACTION, /* not SMB, or a command other than 0x25 */
    MS_LEGACY_BAD_WORDS,       /* a word count other than 17, or setup count not 3 */
    MS_LEGACY_NOT_MAILSLOT,    /* opcode not 1, or a name not under \MAILSLOT\ */
    MS_LEGACY_BAD_DATA         /* counts or the data offset disagree with the bytes */
} ms_legacy_result;

/* A short text naming r, for counters' logs and tests. */
const char *ms_legacy_result_text(ms_legacy_result r);

/* Makes the NetBIOS name of text[0..len) with suffix: upper case, padded
 * with spaces. Returns 0, or -1 when text is empty, longer than 15
 * characters, or holds a byte that is not printable ASCII or is one of
 * the characters NetBIOS names cannot hold (. and \ among them). */
int ms_legacy_name_make(const char *text, size_t len, uint8_t suffix, ms_legacy_name *out);

/* This host's NetBIOS name with suffix: configured when it is not "" (an
 * upper-case name, MAILSLOT_NETBIOS_NAME), else the first label of
 * host_name, cut to 15 characters, as Windows derives a computer's NetBIOS
 * name from its DNS host name. Returns 0, or -1 when the name derived is not
 * a NetBIOS name (an empty host name, or a character ms_legacy_name_make
 * refuses). */
int ms_legacy_host_name(const char *configured, const char *host_name, uint8_t suffix,
                        ms_legacy_name *out);

/* 1 when a and b are the same name and suffix (names compare without
 * regard to case: both are upper case). */
int ms_legacy_name_equal(const ms_legacy_name *a, const ms_legacy_name *b);

/* Encodes d (with data_len <= MS_LEGACY_MAX_DATA and a mailslot name that
 * starts "\MAILSLOT\") into out; returns its length, or 0 when it does not
 * fit in cap or d breaks those limits or MS_LEGACY_MAX_USER_DATA. */
size_t ms_legacy_encode(const ms_legacy_datagram *d, unsigned char *out, size_t cap);

/* The most data a write to the slot path of path_len bytes carries (its
 * mailslot name is "\MAILSLOT\" and the path): MS_LEGACY_MAX_DATA, or less
 * when the name leaves less of MS_LEGACY_MAX_USER_DATA; 0 when the name
 * alone fills it. */
size_t ms_legacy_max_data(size_t path_len);

/* Decodes the len bytes of buf as a whole mailslot write. */
ms_legacy_result ms_legacy_decode(const unsigned char *buf, size_t len, ms_legacy_datagram *d);

/* ---- NetBIOS name queries (RFC 1002 section 4.2.12) ----------------------
 * How a writer finds the address of \\HOST when the resolver does not
 * know HOST: a broadcast query for HOST<00> on UDP port 137, which the
 * host that owns the name answers. */

#define MS_LEGACY_QUERY_LEN 50 /* header 12, name 34, type and class 4 */

/* Writes the broadcast query for name with transaction id into out
 * (MS_LEGACY_QUERY_LEN bytes). */
void ms_legacy_query_encode(uint16_t id, const ms_legacy_name *name, unsigned char *out);

/* Reads a name service packet: 1 when it is the positive answer to query
 * id for name, with the first address it gives in *ipv4 (host order); 0
 * for anything else (another id or name, a negative answer, a request, a
 * malformed packet). */
int ms_legacy_query_answer(const unsigned char *buf, size_t len, uint16_t id,
                           const ms_legacy_name *name, uint32_t *ipv4);

/* The path of this library's name for a legacy mailslot name: "\MAILSLOT\A\B"
 * gives "a\b" (lower case: mailslot names compare without regard to case),
 * written to path with a 0. Returns its length, or 0 when nothing follows
 * the prefix, a byte is not printable ASCII, or it does not fit in cap. */
size_t ms_legacy_path(const char *mailslot, size_t len, char *path, size_t cap);

#endif
