/* SPDX-License-Identifier: MIT */
/* bridgefeed.h -- how a writer hands its packets to a bridge on its own host
 * (os.h, ms_plat_bridge_feed): the abstract AF_UNIX name on which the
 * bridge's forwarder listens and to which every writer connects. */
#ifndef MS_LINUX_BRIDGEFEED_H
#define MS_LINUX_BRIDGEFEED_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The bridge's name for the protocol's port: "mailslot-bridge/PORT" in the
 * abstract namespace, which belongs to one network namespace, like the
 * port. */
void ms_bridge_feed_address(uint16_t port, struct sockaddr_un *sa, socklen_t *len);

/* Tests only: the next packet looks for a bridge at once, as one does at most
 * once a second once the bridge it was sending to has gone. */
void ms_bridge_feed_look_now_for_testing(void);

/* Tests only: the feed as at the process's start (no bridge, no port yet),
 * for a test that runs after others in one process (under valgrind). Its
 * descriptor stays, for the next connection to take. */
void ms_bridge_feed_reset_for_testing(void);

#endif
