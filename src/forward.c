/* forward.c -- the host forwarder's decision (PROTOCOL.md section 4). */
#include "forward.h"
#include "platform.h"

#include <string.h>

static int names_this_host(const ms_net_config *cfg, const ms_packet *p)
{
    char target[MS_HOST_MAX + 1];
    memcpy(target, p->target, p->target_len);
    target[p->target_len] = '\0';
    switch (p->target_kind) {
    case MS_WIRE_TO_ALL:
        return 1;
    case MS_WIRE_TO_DOMAIN:
        return ms_net_config_has_domain(cfg, target);
    default:
        return ms_plat_is_this_host(target);
    }
}

int ms_forward_check(const ms_net_config *cfg, int sealed_ok, const unsigned char *buf, size_t len,
                     ms_packet *p, ms_fwd_counters *c)
{
    c->datagrams++;
    /* Version 2 (encrypted) passes only where the reader opens packets. */
    ms_wire_result wr = sealed_ok ? ms_wire_decode_any(buf, len, p) : ms_wire_decode(buf, len, p);
    if (wr == MS_WIRE_BAD_VERSION) {
        c->unknown_version++;
        return 0;
    }
    if (wr != MS_WIRE_OK) {
        c->malformed++;
        return 0;
    }
    if (!names_this_host(cfg, p)) {
        c->not_for_us++;
        return 0;
    }
    return 1;
}

const char *ms_fwd_state_text(ms_fwd_state s)
{
    switch (s) {
    case MS_FWD_ACTIVE:
        return "forwarding";
    case MS_FWD_WAITING:
        return "waiting";
    case MS_FWD_BLOCKED:
        return "blocked";
    default:
        return "off";
    }
}
