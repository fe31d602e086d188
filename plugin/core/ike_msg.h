/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ike_msg.h: the one small struct the glue hands to the IKE model per ISAKMP header.
 *
 * Everything here is what a capture shows of an IKEv1 message, already decoded by the
 * stock ISAKMP dissector: header fields (always clear), the payload kinds and notify
 * codes it could read (clear ones, or decrypted ones when keys are configured), and a
 * digest of the raw bytes.  No epan type appears here, so the model, its tests and the
 * fuzzer can build messages by hand.
 */
#ifndef IKEDIAG_IKE_MSG_H
#define IKEDIAG_IKE_MSG_H

#include <stdbool.h>
#include <stdint.h>

/* Exchange types, RFC 2408 section 3.1 and RFC 2409 section 5 (Quick Mode, New Group). */
enum ike_exchange_type {
    IKE_XCHG_BASE = 1,
    IKE_XCHG_MAIN = 2, /* Identity Protection */
    IKE_XCHG_AUTH_ONLY = 3,
    IKE_XCHG_AGGRESSIVE = 4,
    IKE_XCHG_INFORMATIONAL = 5,
    IKE_XCHG_TRANSACTION = 6, /* draft-ietf-ipsec-isakmp-mode-cfg: XAUTH, Mode-Cfg */
    IKE_XCHG_QUICK = 32,
    IKE_XCHG_NEW_GROUP = 33,
};

/* IKEv2 exchange types, RFC 7296 section 3.1, and IKE_INTERMEDIATE (RFC 9242). */
enum ike2_exchange_type {
    IKE2_XCHG_SA_INIT = 34,
    IKE2_XCHG_AUTH = 35,
    IKE2_XCHG_CREATE_CHILD_SA = 36,
    IKE2_XCHG_INFORMATIONAL = 37,
    IKE2_XCHG_INTERMEDIATE = 43,
};

/* IKEv2 header flags, RFC 7296 section 3.1: sent by the original initiator; a response. */
#define IKE2_FLAG_INITIATOR 0x08u
#define IKE2_FLAG_RESPONSE 0x20u

/* IKEv2 payload types, RFC 7296 section 3.2, and SKF (RFC 7383 section 2.5).  Kept in
 * their own bit set, payloads_v2, as bit (type - 32). */
enum ike2_payload_type {
    IKE2_PL_SA = 33,
    IKE2_PL_KE = 34,
    IKE2_PL_IDI = 35,
    IKE2_PL_IDR = 36,
    IKE2_PL_CERT = 37,
    IKE2_PL_CERTREQ = 38,
    IKE2_PL_AUTH = 39,
    IKE2_PL_NONCE = 40,
    IKE2_PL_NOTIFY = 41,
    IKE2_PL_DELETE = 42,
    IKE2_PL_VID = 43,
    IKE2_PL_TSI = 44,
    IKE2_PL_TSR = 45,
    IKE2_PL_SK = 46,
    IKE2_PL_CP = 47,
    IKE2_PL_EAP = 48,
    IKE2_PL_SKF = 53,
};
#define IKE2_PROTOCOL_IKE 1 /* an SA payload's proposal for an IKE SA, RFC 7296 3.3.1 */
#define IKE2_PL_BIT(t) (1u << ((t) - 32u))

/* IKEv2 notify types that the diagnosis reads, RFC 7296 section 3.10.1 (errors below
 * 16384), RFC 7383 (fragmentation). */
enum ike2_notify_type {
    IKE2_N_INVALID_MAJOR_VERSION = 5,
    IKE2_N_INVALID_SYNTAX = 7,
    IKE2_N_INVALID_SPI = 11,
    IKE2_N_NO_PROPOSAL_CHOSEN = 14,
    IKE2_N_INVALID_KE_PAYLOAD = 17,
    IKE2_N_AUTHENTICATION_FAILED = 24,
    IKE2_N_INTERNAL_ADDRESS_FAILURE = 36,
    IKE2_N_FAILED_CP_REQUIRED = 37,
    IKE2_N_TS_UNACCEPTABLE = 38,
    IKE2_N_TEMPORARY_FAILURE = 43,
    IKE2_N_CHILD_SA_NOT_FOUND = 44,
    IKE2_N_ERROR_MAX = 16383,
    IKE2_N_INITIAL_CONTACT = 16384,
    IKE2_N_NAT_DETECTION_SOURCE_IP = 16388,
    IKE2_N_NAT_DETECTION_DESTINATION_IP = 16389,
    IKE2_N_COOKIE = 16390,
    IKE2_N_REKEY_SA = 16393,
    IKE2_N_FRAGMENTATION_SUPPORTED = 16430,
};

/* Header flags, RFC 2408 section 3.1. */
#define IKE_FLAG_ENCRYPTED 0x01u
#define IKE_FLAG_COMMIT 0x02u
#define IKE_FLAG_AUTH_ONLY 0x04u

/* Payload types, RFC 2408 section 3.1 and RFC 3947 (NAT-D 20, NAT-OA 21). */
enum ike_payload_type {
    IKE_PL_SA = 1,
    IKE_PL_PROPOSAL = 2,
    IKE_PL_TRANSFORM = 3,
    IKE_PL_KE = 4,
    IKE_PL_ID = 5,
    IKE_PL_CERT = 6,
    IKE_PL_CERTREQ = 7,
    IKE_PL_HASH = 8,
    IKE_PL_SIG = 9,
    IKE_PL_NONCE = 10,
    IKE_PL_NOTIFY = 11,
    IKE_PL_DELETE = 12,
    IKE_PL_VID = 13,
    IKE_PL_ATTR = 14,
    IKE_PL_NAT_D = 20,
    IKE_PL_NAT_OA = 21,
};

/* IKE fragmentation (payload 132, the Cisco/strongSwan scheme that predates RFC 7383
 * for IKEv1) is folded onto an unused bit so fragments can be recognised. */
#define IKE_PL_FRAGMENT 31

/* The payload set is a bitmask over the types above; other types >= 32 are folded away
 * (the draft NAT-D 130 counts as NAT-D). */
#define IKE_PL_BIT(t) (1u << (t))

/* Notify message types that the diagnosis reads, RFC 2408 section 3.14.1. */
enum ike_notify_type {
    IKE_N_INVALID_PAYLOAD_TYPE = 1,
    IKE_N_INVALID_COOKIE = 4,
    IKE_N_INVALID_EXCHANGE_TYPE = 7,
    IKE_N_INVALID_MESSAGE_ID = 9,
    IKE_N_INVALID_SPI = 11,
    IKE_N_NO_PROPOSAL_CHOSEN = 14,
    IKE_N_PAYLOAD_MALFORMED = 16,
    IKE_N_INVALID_KEY_INFORMATION = 17,
    IKE_N_INVALID_ID_INFORMATION = 18,
    IKE_N_INVALID_HASH_INFORMATION = 23,
    IKE_N_AUTHENTICATION_FAILED = 24,
    IKE_N_UNSUPPORTED_EXCHANGE_TYPE = 29,
    IKE_N_ERROR_MAX = 8191, /* 1..8191 are errors; above are status codes */
    IKE_N_RESPONDER_LIFETIME = 24576,
    IKE_N_INITIAL_CONTACT = 24578,
    IKE_N_R_U_THERE = 36136, /* RFC 3706 */
    IKE_N_R_U_THERE_ACK = 36137,
};

/* The Attributes payload of a Transaction exchange: its type (draft-dukes-ike-mode-cfg-02
 * section 3.2) and the XAUTH_STATUS attribute a gateway SETs at the end of XAUTH
 * (draft-beaulieu-ike-xauth-02 section 6.2: 1 OK, 0 FAIL).  Readable only with keys. */
enum ike_cfg_type {
    IKE_CFG_REQUEST = 1,
    IKE_CFG_REPLY = 2,
    IKE_CFG_SET = 3,
    IKE_CFG_ACK = 4,
};
#define IKE_ATTR_XAUTH_STATUS 16527

typedef enum ike_xauth_status {
    IKE_XAUTH_NOT_SEEN = 0,
    IKE_XAUTH_FAIL,
    IKE_XAUTH_OK,
} ike_xauth_status_t;

#define IKE_MSG_MAX_NOTIFY 4
#define IKE_MSG_MAX_TRANSFORMS 8
#define IKE_MSG_MAX_NAT_D 3
#define IKE_MSG_MAX_DELETED 4
#define IKE_NAT_D_MAX_LEN 64 /* SHA2-512 */

/* One phase-1 transform (RFC 2409 appendix A attribute values) or, with keys, one
 * phase-2 transform (RFC 2407 section 4.5); in IKEv2 one proposal (RFC 7296 3.3: the
 * first algorithm of each transform type, IANA "IKEv2 Transform Type N" values).  Zero
 * means "not given". */
typedef struct ike_transform {
    uint16_t encryption; /* phase 1: attr 1; phase 2: the transform id (of its protocol); v2: ENCR */
    uint16_t key_length; /* attr 14 (phase 1, v2) / 6 (phase 2), bits */
    uint16_t auth_method; /* phase 1 attr 3; 0 in phase 2 and v2 */
    uint8_t hash; /* phase 1 attr 2; phase 2: auth algorithm attr 5; v2: INTEG */
    uint8_t group; /* phase 1 attr 4; phase 2 attr 3 (PFS); v2: D-H (KE) */
    uint16_t encap_mode; /* phase 2 attr 4 (RFC 3947 values 3, 4 and drafts 61443, 61444) */
    uint8_t protocol; /* phase 2: its proposal's, RFC 2407 4.4.1: 2 AH, 3 ESP, 4 IPComp; v2: 1 IKE too */
    uint8_t prf; /* v2: PRF */
    uint8_t esn; /* v2: ESN transform id + 1 (1 no, 2 extended sequence numbers), 0 if none */
    uint8_t alternatives; /* v2: more algorithms of a type than the first (not kept) */
} ike_transform_t;

/* A Quick Mode identity, RFC 2407 section 4.6.2: a proxy ID (Cisco), a traffic selector
 * (strongSwan), the crypto ACL entry the SA is for. */
enum ike_id_type {
    IKE_ID_IPV4_ADDR = 1,
    IKE_ID_IPV4_ADDR_SUBNET = 4,
    IKE_ID_IPV6_ADDR = 5,
    IKE_ID_IPV6_ADDR_SUBNET = 6,
    IKE_ID_IPV4_ADDR_RANGE = 7,
    IKE_ID_IPV6_ADDR_RANGE = 8,
};

#define IKE_PROXY_ID_MAX_DATA 32 /* two IPv6 addresses */

typedef struct ike_proxy_id {
    uint8_t type; /* enum ike_id_type, or another ID type (not formatted) */
    uint8_t protocol; /* IP protocol, 0 = any */
    uint16_t port; /* 0 = any */
    uint8_t len; /* of data */
    uint8_t data[IKE_PROXY_ID_MAX_DATA];
} ike_proxy_id_t;

typedef struct ike_endpoint {
    uint8_t family; /* 4, 6, or 0 when the glue knows no address */
    uint8_t addr[16];
    uint16_t port;
} ike_endpoint_t;

typedef struct ike_msg {
    uint32_t frame;
    double time; /* seconds; only differences are used */
    ike_endpoint_t src, dst;
    uint64_t icookie, rcookie; /* as big-endian integers of the 8 header bytes */
    uint32_t message_id;
    uint8_t major_version;
    uint8_t exchange_type;
    uint8_t flags;
    uint8_t next_payload; /* the header's: clear even when the body is encrypted */
    uint32_t payloads; /* IKE_PL_BIT set of every payload the dissector could read */
    uint32_t payloads_v2; /* IKEv2: IKE2_PL_BIT set, clear and (keys) encrypted ones */
    uint16_t ke_group; /* IKEv2: the KE payload's DH group, or INVALID_KE_PAYLOAD's wish */
    uint16_t fragment_number, fragment_total; /* IKEv2 SKF (RFC 7383 section 2.5), clear */
    bool ip_fragmented; /* the UDP datagram came in several IP fragments */
    bool decrypted; /* the dissector read payloads inside the encrypted body */
    bool malformed; /* the dissector flagged the message as malformed */
    bool nat_t; /* carried on UDP behind a non-ESP marker (RFC 3948) */
    bool in_icmp_error; /* quoted inside an ICMP error (port unreachable...), not sent */
    uint8_t n_notify;
    uint16_t notify[IKE_MSG_MAX_NOTIFY];
    uint8_t n_transforms; /* how many are in transforms[] */
    uint8_t n_transforms_total; /* how many the message offered, may exceed the array */
    ike_transform_t transforms[IKE_MSG_MAX_TRANSFORMS];
    uint8_t n_nat_d; /* NAT-D payloads (RFC 3947 section 3.2): the first hashes the */
    uint8_t nat_d_len[IKE_MSG_MAX_NAT_D]; /* destination, the others the sender */
    uint8_t nat_d[IKE_MSG_MAX_NAT_D][IKE_NAT_D_MAX_LEN];
    uint8_t cfg_type; /* enum ike_cfg_type of a readable Attributes payload, else 0 */
    uint8_t xauth_status; /* ike_xauth_status_t: a readable XAUTH_STATUS attribute */
    uint8_t n_proxy_ids; /* Quick Mode ID payloads: the initiator's (IDci), then the */
    ike_proxy_id_t proxy_ids[2]; /* responder's (IDcr), RFC 2409 section 5.5 */
    uint32_t child_spi; /* the first ESP or AH proposal's 4-byte SPI: Quick Mode (RFC 2408 3.5),
                         * IKEv2 SA payload (RFC 7296 3.3.1); read with keys; 0 if none */
    uint8_t sa_protocol; /* IKEv2: the first proposal's protocol (RFC 7296 3.3.1: 1 IKE, 2 AH, 3 ESP) */
    bool has_dpd_sequence; /* an R-U-THERE or R-U-THERE-ACK with its sequence number (RFC 3706 */
    uint32_t dpd_sequence; /* section 5.1: the notification data), read with keys */
    uint8_t n_deleted; /* ESP/AH SPIs a readable Delete payload ends (RFC 2408 3.15, RFC 7296 */
    uint32_t deleted_spi[IKE_MSG_MAX_DELETED]; /* 3.11: the sender's inbound SPIs) */
    uint32_t invalid_spi; /* the SPI an INVALID-SPI notify names (IKEv1 11, IKEv2 INVALID_SPI 11), 0 if none */
    uint64_t digest; /* ike_digest() of the raw ISAKMP bytes */
    uint32_t length; /* the ISAKMP header's length field */
} ike_msg_t;

/* The ESP header of a frame (RFC 4303 section 2): what the glue hands to the tunnels. */
typedef struct ike_esp_msg {
    uint32_t frame;
    double time;
    ike_endpoint_t src, dst; /* ports only for ESP in UDP (RFC 3948) */
    uint32_t spi, sequence;
    uint32_t length; /* of the ESP packet, header to trailer, as the IP header says */
} ike_esp_msg_t;

/* A 64-bit digest of raw message bytes: equal digests mean a byte-identical resend. */
uint64_t ike_digest(const uint8_t *bytes, unsigned length);

/* RFC 3947 section 3.2: do the message's NAT-D payloads match its own addresses and
 * ports, hashed with the negotiated hash (RFC 2409 values: 1 MD5, 2 SHA1, 4-6 SHA2)?
 * 1 when a NAT sits between the sender and the capture point (or beyond, for the
 * destination), 0 when all match, -1 when it cannot tell (no NAT-D, unknown hash). */
int ike_nat_detected(const ike_msg_t *msg, unsigned hash_algorithm);

static inline bool ike_msg_has(const ike_msg_t *msg, unsigned payload_type)
{
    return payload_type < 32 && (msg->payloads & IKE_PL_BIT(payload_type)) != 0;
}

static inline bool ike2_msg_has(const ike_msg_t *msg, unsigned payload_type)
{
    return payload_type >= 32 && payload_type < 64 && (msg->payloads_v2 & IKE2_PL_BIT(payload_type)) != 0;
}

#endif
