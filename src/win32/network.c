/* network.c -- the network side of platform.h on Windows: not built yet.
 *
 * This increment of the Windows backend has local slots only. With the
 * network on (the default; MAILSLOT_NETWORK, MAILSLOT_OPT_NETWORK), opening
 * a writer whose name reaches the network ("*", a domain, another host)
 * fails with MAILSLOT_E_NETWORK saying so; with it off, "*", this host's
 * names and its domains reach this host's reader as on every platform.
 * Readers receive nothing from the network: no process forwards for the
 * host. */
#include "win32.h"

#include "../error.h"
#include "../platform.h"

#include <bcrypt.h>
#include <string.h>

static int not_built(void)
{
    return ms_fail(MAILSLOT_E_NETWORK,
                   "the Windows network transport is not built yet: set MAILSLOT_NETWORK=0 "
                   "(or the network option to 0) to write \"*\" and this host's names to "
                   "this host only");
}

int ms_udp_open_group(const ms_net_config *cfg, uint32_t group, ms_udp **out)
{
    (void)cfg;
    (void)group;
    (void)out;
    return not_built();
}

int ms_udp_open_host(const ms_net_config *cfg, const char *host, ms_udp **out)
{
    (void)cfg;
    (void)host;
    (void)out;
    return not_built();
}

int ms_udp_send(ms_udp *u, const void *packet, size_t len)
{
    (void)u;
    (void)packet;
    (void)len;
    return not_built(); /* never reached: no ms_udp is ever opened */
}

void ms_udp_close(ms_udp *u)
{
    (void)u;
}

int ms_plat_random(void *buf, size_t len)
{
    NTSTATUS st =
        BCryptGenRandom(NULL, buf, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (st != 0)
        return ms_fail(MAILSLOT_E_SYSTEM, "BCryptGenRandom failed (NTSTATUS 0x%08lx)",
                       (unsigned long)st);
    return MAILSLOT_OK;
}

/* No forwarder: a network reader is a local reader, and that is all. */
int ms_forwarder_want(const ms_net_config *cfg)
{
    (void)cfg;
    return MAILSLOT_OK;
}

void ms_forwarder_unwant(void)
{
}

void ms_forwarder_observe(ms_fwd_listener fn, void *ctx)
{
    if (fn)
        fn(MS_FWD_OFF, ctx);
}

void ms_forwarder_counters(ms_fwd_counters *out)
{
    memset(out, 0, sizeof *out);
}
