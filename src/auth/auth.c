/* SPDX-License-Identifier: MIT */
/* auth.c -- the parts of authenticated packets that need no cryptography:
 * reading the authentication trailer (abi/PROTOCOL.md section 8.1) and the
 * order of the receiver's checks (section 8.4). The cryptography is in
 * auth_sodium.c, or auth_stub.c without libsodium. */
#include "auth/auth.h"
#include "bytes.h"

#include <string.h>

ms_auth_result ms_auth_parse(const unsigned char *buf, size_t len, ms_packet *out,
                             ms_auth_info *info)
{
    memset(info, 0, sizeof *info);
    info->wire = ms_wire_decode_any(buf, len, out);
    if (info->wire != MS_WIRE_OK)
        return MS_AUTH_MALFORMED;
    if (!(out->flags & MS_WIRE_FLAG_TRAILER))
        return MS_AUTH_NO_AUTH; /* version 2 requires the trailer (wire.c) */
    const unsigned char *t = out->trailer;
    uint8_t want = out->version == MS_WIRE_VERSION_SEALED ? MS_AUTH_SUITE_AEAD : MS_AUTH_SUITE_HMAC;
    size_t want_len = want == MS_AUTH_SUITE_AEAD ? MS_AUTH_TRAILER_AEAD : MS_AUTH_TRAILER_HMAC;
    if (t[0] != want)
        return MS_AUTH_UNKNOWN_SUITE;
    if (out->trailer_len != want_len) {
        info->wire = MS_WIRE_BAD_TRAILER;
        return MS_AUTH_MALFORMED;
    }
    info->suite = t[0];
    info->key_id = (uint32_t)t[1] << 24 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 8 | t[4];
    info->timestamp = ms_get64(t + 5);
    return MS_AUTH_OK;
}

static ms_auth_result from_replay(ms_replay_result r)
{
    switch (r) {
    case MS_REPLAY_OK:
        return MS_AUTH_OK;
    case MS_REPLAY_STALE:
        return MS_AUTH_STALE;
    case MS_REPLAY_FUTURE:
        return MS_AUTH_FUTURE;
    case MS_REPLAY_FULL:
        return MS_AUTH_FULL;
    case MS_REPLAY_DUPLICATE:
    case MS_REPLAY_TOO_OLD:
        break;
    }
    return MS_AUTH_REPLAY;
}

ms_auth_result ms_auth_open(const ms_auth_key *keys, size_t n, ms_replay *replay, uint64_t now,
                            const unsigned char *buf, size_t len, ms_packet *out,
                            ms_auth_info *info, unsigned char *plain)
{
    if (!ms_auth_available()) {
        memset(out, 0, sizeof *out);
        memset(info, 0, sizeof *info);
        return MS_AUTH_UNAVAILABLE;
    }
    ms_auth_result res = ms_auth_parse(buf, len, out, info);
    if (res != MS_AUTH_OK)
        return res;
    const ms_auth_key *k = NULL;
    for (size_t i = 0; i < n && !k; i++)
        if (keys[i].id == info->key_id)
            k = &keys[i];
    if (!k)
        return MS_AUTH_UNKNOWN_KEY;
    return ms_auth_open_parsed(k, replay, now, buf, len, out, info, plain);
}

ms_auth_result ms_auth_open_parsed(const ms_auth_key *k, ms_replay *replay, uint64_t now,
                                   const unsigned char *buf, size_t len, ms_packet *out,
                                   ms_auth_info *info, unsigned char *plain)
{
    ms_auth_result res;
    if (replay) {
        /* Before the tag, and changing nothing: a forgery costs no state. */
        info->replay = ms_replay_check(replay, out->sender, out->seq, info->timestamp, now);
        if (info->replay != MS_REPLAY_OK)
            return from_replay(info->replay);
    }
    res = ms_auth_verify(k, buf, len, out, info, plain);
    if (res != MS_AUTH_OK)
        return res;
    if (replay) {
        info->replay = ms_replay_commit(replay, out->sender, out->seq, info->timestamp, now);
        if (info->replay != MS_REPLAY_OK)
            return from_replay(info->replay);
    }
    return MS_AUTH_OK;
}

const char *ms_auth_result_text(ms_auth_result r)
{
    switch (r) {
    case MS_AUTH_OK:
        return "authentic";
    case MS_AUTH_MALFORMED:
        return "malformed";
    case MS_AUTH_NO_AUTH:
        return "not authenticated";
    case MS_AUTH_UNKNOWN_SUITE:
        return "unknown suite";
    case MS_AUTH_UNKNOWN_KEY:
        return "unknown key id";
    case MS_AUTH_STALE:
        return "timestamp too old";
    case MS_AUTH_FUTURE:
        return "timestamp in the future";
    case MS_AUTH_REPLAY:
        return "replayed";
    case MS_AUTH_BAD_TAG:
        return "bad tag";
    case MS_AUTH_FULL:
        return "sender table full";
    case MS_AUTH_UNAVAILABLE:
        return "built without libsodium";
    }
    return "unknown result";
}
