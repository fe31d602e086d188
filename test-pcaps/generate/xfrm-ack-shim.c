/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xfrm-ack-shim.c: LD_PRELOAD library for the IKE daemons of the capture generator.
 *
 * Why: this machine's kernel has XFRM but no ESP module, so installing an ESP SA
 * (XFRM_MSG_NEWSA / XFRM_MSG_UPDSA) fails with EPROTONOSUPPORT.  strongSwan's
 * kernel-libipsec avoids that but forces UDP encapsulation by faking NAT-D, so every
 * capture made with it reads "NAT detected".  libreswan has no userspace ESP at all:
 * without an installed SA its responder never sends QM#2 and its initiator never sends
 * QM#3.  To get honest NAT-D hashes (kernel-netlink, no fake) and libreswan Quick Modes,
 * the daemon runs with this shim, which rewrites the kernel's netlink *error answer*
 * EPROTONOSUPPORT to an ACK (error 0) for exactly those two XFRM requests.
 *
 * What it touches: only replies read from NETLINK_XFRM sockets, inside the daemon.
 * No IKE packet is touched; IKE runs on the real sockets untouched.  Consequence: no ESP
 * can flow (the SA does not exist in the kernel), so captures made with it have no ESP
 * traffic, and later XFRM queries or deletes of those SAs fail (the daemons only log it).
 *
 * Every rewrite is reported on stderr ("xfrm-ack-shim: ...") so the daemon's output
 * shows it.  Build: gcc -shared -fPIC -O2 -o xfrm-ack-shim.so xfrm-ack-shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

static int is_xfrm_socket(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int proto = -1;
    socklen_t plen = sizeof proto;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0 || ss.ss_family != AF_NETLINK)
        return 0;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &plen) != 0)
        return 0;
    return proto == NETLINK_XFRM;
}

static void rewrite(unsigned char *buf, size_t n)
{
    size_t off = 0;
    while (off + NLMSG_HDRLEN <= n) {
        struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
        if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > n)
            break;
        if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
            struct nlmsgerr *e = NLMSG_DATA(h);
            if (e->error == -EPROTONOSUPPORT
                && (e->msg.nlmsg_type == XFRM_MSG_NEWSA || e->msg.nlmsg_type == XFRM_MSG_UPDSA)) {
                fprintf(stderr, "xfrm-ack-shim: %s seq %u: kernel said EPROTONOSUPPORT, daemon told ACK\n",
                        e->msg.nlmsg_type == XFRM_MSG_NEWSA ? "XFRM_MSG_NEWSA" : "XFRM_MSG_UPDSA", e->msg.nlmsg_seq);
                e->error = 0;
            }
        }
        off += NLMSG_ALIGN(h->nlmsg_len);
    }
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen)
{
    static ssize_t (*real)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
    if (!real)
        real = dlsym(RTLD_NEXT, "recvfrom");
    ssize_t n = real(fd, buf, len, flags, addr, alen);
    if (n > 0 && is_xfrm_socket(fd))
        rewrite(buf, (size_t)n < len ? (size_t)n : len);
    return n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    static ssize_t (*real)(int, struct msghdr *, int);
    if (!real)
        real = dlsym(RTLD_NEXT, "recvmsg");
    ssize_t n = real(fd, msg, flags);
    /* netlink replies land in the first buffer (the daemons here use one) */
    if (n > 0 && msg->msg_iovlen >= 1 && is_xfrm_socket(fd)) {
        size_t first = msg->msg_iov[0].iov_len;
        rewrite(msg->msg_iov[0].iov_base, (size_t)n < first ? (size_t)n : first);
    }
    return n;
}
