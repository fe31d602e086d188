/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules.c: the diagnosis as data.  One row per stall point x evidence -> cause.
 *
 * Rows are tried in order and the first match wins, so specific rows (a notify code,
 * the last message seen) come before general ones (IKE_EV_ANY).  Each negotiating kind ends with a catch-all
 * for every stall point it can have.  Cause ids are a public interface: never rename
 * one without a note in the README.  Sources: RFC 2408/2409, the seed article, and
 * shared/reference/ike-failures-on-the-wire.md (vendor behaviour).
 */
#include "diagnose.h"
#include "model_internal.h"

#define MM IKE_KIND_MAIN
#define AM IKE_KIND_AGGRESSIVE
#define QM IKE_KIND_QUICK
#define TXN IKE_KIND_TRANSACTION
#define SA_INIT IKE_KIND_SA_INIT
#define AUTH IKE_KIND_AUTH
#define CHILD IKE_KIND_CHILD
#define INFO2 IKE_KIND_INFO2
#define INTER IKE_KIND_INTER

#define CHECK_P1_POLICY                                                                     \
    "Compare the phase-1 policies on both peers: Cisco 'crypto isakmp policy' (encryption, " \
    "hash, group, authentication, lifetime) and 'crypto isakmp key ... address PEER'; "      \
    "strongSwan 'proposals' and the connection's local/remote addresses; "                  \
    "the IKE version on both sides (strongSwan 'version = 1', Cisco 'crypto isakmp' "       \
    "rather than 'crypto ikev2')."
#define CHECK_PEER_REACHABLE                                                                   \
    "Check that the peer is up and reachable on UDP 500 (ACLs, firewalls); that the crypto " \
    "map is applied to its interface ('crypto map NAME' / 'crypto ikev1 enable'); that "     \
    "it has a connection for this address (strongSwan 'remote_addrs')."
#define NO_RESPONSE_CANDIDATES                                                                  \
    "peer down, UDP 500 filtered on the path, or a responder that stays silent for an unknown " \
    "peer (libreswan, Cisco without a crypto map on the interface)"
#define CHECK_ABANDONED                                                                         \
    "Nothing, if the later SA carries the traffic; if attempts fail like this often, look at "  \
    "what the peer was doing then (restart, configuration reload) and at loss on the path."
#define CHECK_V2_IKE_PROPOSAL                                                                   \
    "Compare the IKE proposals: strongSwan 'proposals', libreswan 'ike=', Cisco 'crypto ikev2 " \
    "proposal' (encryption, integrity, PRF, group); and the IKE version on both sides."
#define CHECK_V2_AUTH                                                                           \
    "Compare the pre-shared keys: strongSwan 'secrets', libreswan ipsec.secrets, Cisco 'crypto " \
    "ikev2 keyring'; the identities each side sends and expects: strongSwan local.id/remote.id, " \
    "libreswan leftid/rightid, Cisco 'identity local' and 'match identity remote'; the "           \
    "authentication methods and certificates."
#define CHECK_V2_CHILD                                                                          \
    "Compare the ESP proposals: strongSwan 'esp_proposals' (a DH group there means PFS), "      \
    "libreswan 'esp=' and 'pfs=', Cisco 'crypto ipsec transform-set' and 'set pfs'."
#define CHECK_PSK                                                                              \
    "Re-enter the pre-shared key on both sides: Cisco 'crypto isakmp key KEY address PEER' " \
    "(ASA: tunnel-group ipsec-attributes ikev1 pre-shared-key); strongSwan 'secrets' ike "   \
    "entry whose id matches the peer."
#define CHECK_TRANSFORM                                                                       \
    "Compare the phase-2 proposals: Cisco 'crypto ipsec transform-set' (ESP encryption and " \
    "integrity, mode tunnel/transport) and 'set pfs' in the crypto map; strongSwan "         \
    "'esp_proposals' (a DH group there means PFS) and 'mode'."
#define CHECK_PROXY_ID                                                                         \
    "Make the crypto ACLs mirror images: Cisco 'crypto map ... match address ACL' and 'set " \
    "peer'; strongSwan 'local_ts'/'remote_ts' must equal the peer's remote/local; if they "  \
    "match, compare the mode (transform-set 'mode', strongSwan 'mode')."

#define CHECK_XAUTH                                                                             \
    "Check the XAUTH user name and password on the client and on the gateway: Cisco 'crypto " \
    "map NAME client authentication list' and its AAA users; ASA tunnel-group and its AAA "   \
    "server; strongSwan 'xauth' secrets or the gateway's user backend."

#define REPLY_LOST(kind, stall, after, what)                                                         \
    { kind, stall, IKE_EV_PEER_RESEND, 0, "reply-lost", what " lost on the way back",                    \
      "the initiator resent its previous message as if the reply never reached it: the reply is "        \
      "dropped on the return path (firewall, asymmetric routing, a NAT that forgets the mapping) or "     \
      "the initiator discarded it",                                                                      \
      "Capture on the initiator's side too; check filters for UDP 500/4500 from the responder and "      \
      "routing back to the initiator.",                                                                  \
      "%CRYPTO-6-IKMP_MODE_FAILURE / retransmitting (the responder sees duplicates)", after }

const ike_rule_t ike_rules[] = {
    /* ---- Main Mode: MM#1 not answered by MM#2 ---- */
    { MM, 2, IKE_EV_CLEAR_NOTIFY, 0, "isakmp-policy", "ISAKMP policy mismatch",
      "encryption, hash, DH group or authentication method mismatch (a longer lifetime only on "
      "Cisco IOS); or no policy, PSK or peer entry for this initiator (strongSwan also answers "
      "an unknown peer with NO-PROPOSAL-CHOSEN); or an IKE version mismatch: a responder set up "
      "for IKEv2 only (strongSwan answers an IKEv1 MM#1 with NO-PROPOSAL-CHOSEN, others with "
      "INVALID-MAJOR-VERSION)",
      CHECK_P1_POLICY,
      "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed (phase 1 SA policy not acceptable)", 0 },
    { MM, 2, IKE_EV_LATER_SA_UP, 0, "no-response", "no response to MM#1, a later SA worked",
      "the same peers completed phase 1 later, so the peer and the path work: this attempt came "
      "while the peer was not ready (its IKE daemon or crypto map starting, a peer rebooting) or "
      "its MM#1 was lost; nothing to fix unless it recurs",
      CHECK_ABANDONED, "nothing: the responder never saw MM#1 or ignored it", 0 },
    { MM, 2, IKE_EV_RESENT, 0, "no-response", "no response to MM#1", NO_RESPONSE_CANDIDATES,
      CHECK_PEER_REACHABLE,
      "nothing: the responder never saw MM#1 or ignored it (initiator: retransmitting phase 1 MM_NO_STATE)", 0 },
    { MM, 2, IKE_EV_ANY, 0, "no-response", "no response to MM#1", NO_RESPONSE_CANDIDATES,
      CHECK_PEER_REACHABLE, "nothing: the responder never saw MM#1 or ignored it", 0 },

    /* ---- Aggressive Mode: AM#1 not answered by AM#2 ---- */
    { AM, 2, IKE_EV_CLEAR_NOTIFY, IKE_N_AUTHENTICATION_FAILED, "aggressive-refused",
      "aggressive mode refused",
      "the responder does not allow aggressive mode with a pre-shared key (strongSwan's "
      "default), or has no group/identity for this peer",
      "Use main mode on both sides, or allow aggressive mode on the responder (Cisco: "
      "'crypto isakmp aggressive-mode disable' must be absent; strongSwan: "
      "charon.i_dont_care_about_security_and_use_aggressive_mode_psk).",
      "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed", 0 },
    { AM, 2, IKE_EV_CLEAR_NOTIFY, IKE_N_UNSUPPORTED_EXCHANGE_TYPE, "aggressive-refused",
      "aggressive mode refused", "the responder does not do aggressive mode at all",
      "Use main mode on both sides ('aggressive = no' in strongSwan).",
      "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed", 0 },
    { AM, 2, IKE_EV_CLEAR_NOTIFY, 0, "isakmp-policy", "ISAKMP policy mismatch",
      "encryption, hash, DH group, authentication method or lifetime mismatch; or no "
      "policy, PSK or peer entry for this initiator; or an IKE version mismatch (a responder set "
      "up for IKEv2 only)",
      CHECK_P1_POLICY,
      "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed", 0 },
    { AM, 2, IKE_EV_LATER_SA_UP, 0, "no-response", "no response to AM#1, a later SA worked",
      "the same peers completed phase 1 later, so the peer and the path work: this attempt came "
      "while the peer was not ready or its AM#1 was lost; nothing to fix unless it recurs",
      CHECK_ABANDONED, "nothing: the responder never saw AM#1 or ignored it", 0 },
    { AM, 2, IKE_EV_ANY, 0, "no-response", "no response to AM#1",
      "peer down, UDP 500 filtered on the path, or a responder that stays silent for an "
      "unknown peer or refuses aggressive mode silently",
      CHECK_PEER_REACHABLE, "nothing: the responder never saw AM#1 or ignored it", 0 },

    /* ---- Main Mode: MM#3 not answered by MM#4 ---- */
    { MM, 4, IKE_EV_ANY, 0, "key-exchange", "key exchange refused at MM#3",
      "no pre-shared key for this peer on the responder (strongSwan answers "
      "INVALID-KEY-INFORMATION; an ASA stays silent); or an authentication-method mismatch "
      "(strongSwan finds no PSK only at MM#3); or a Diffie-Hellman failure",
      "Configure a pre-shared key for this peer's address or identity on the responder "
      "(Cisco 'crypto isakmp key ... address PEER', ASA tunnel-group; strongSwan 'secrets'); "
      "compare the authentication methods (Cisco 'authentication pre-share|rsa-sig', "
      "strongSwan local/remote 'auth').",
      "%CRYPTO-4-IKMP_NO_PRESHARED_KEY: Preshared key for remote peer is missing", 0 },

    /* ---- Main Mode: MM#2/MM#4 reached the initiator and it never went on ---- */
    REPLY_LOST(MM, 3, 2, "MM#2"),
    REPLY_LOST(MM, 5, 4, "MM#4"),
    { MM, 5, IKE_EV_NAT_SILENCE, 0, "nat-t-blocked", "UDP 4500 blocked after the NAT-T float",
      "NAT-D in MM#3/MM#4 shows a NAT, so MM#5 must go to UDP 4500, and nothing was ever seen "
      "there: a firewall or the NAT device drops UDP 4500; or the capture filter takes UDP 500 only",
      "Allow UDP 4500 both ways between the peers (and ESP-in-UDP); capture 'udp port 500 or udp "
      "port 4500' to be sure.",
      "nothing: the responder never saw MM#5 (initiator: retransmitting phase 1 MM_KEY_EXCH)", 4 },
    { MM, 5, IKE_EV_ANY, 0, "mm5-missing", "MM#5 never sent",
      "the initiator stopped after MM#4: it has no pre-shared key or certificate for this peer, "
      "could not compute the keys, or the capture misses UDP 4500 (a capture filter on port 500 "
      "only hides everything after the NAT-T float)",
      "Capture UDP 4500 too ('udp port 500 or udp port 4500'); check the initiator has a key for "
      "the peer (Cisco 'crypto isakmp key ... address PEER'; strongSwan 'secrets').",
      "%CRYPTO-4-IKMP_NO_PRESHARED_KEY (on the initiator)", 4 },

    /* ---- Main Mode: MM#5 not answered by MM#6 ---- */
    { MM, 5, IKE_EV_FLOAT_SILENCE, 0, "nat-t-blocked", "UDP 4500 blocked after the NAT-T float",
      "MM#1-MM#4 worked on UDP 500, then nothing came back once the initiator moved to UDP "
      "4500: a firewall or NAT device drops UDP 4500; a silent PSK mismatch (Cisco IOS) "
      "looks the same",
      "Allow UDP 4500 both ways between the peers (and ESP-in-UDP), or check the NAT device; "
      "then re-check the pre-shared key.",
      "nothing: the responder never saw MM#5 (initiator: retransmitting phase 1 MM_KEY_EXCH)", 0 },
    { MM, 5, IKE_EV_READ_NOTIFY, IKE_N_INVALID_ID_INFORMATION, "id-mismatch",
      "phase-1 identity refused",
      "the responder found no peer for the initiator's identity (ID type or value, "
      "tunnel-group, strongSwan 'remote.id')",
      "Match the identities: Cisco 'crypto isakmp identity address|hostname', ASA "
      "tunnel-group name; strongSwan local.id/remote.id on both sides.",
      "%CRYPTO-4-IKMP_BAD_MESSAGE / peer identity not acceptable", 0 },
    { MM, 5, IKE_EV_READ_NOTIFY, IKE_N_AUTHENTICATION_FAILED, "id-mismatch",
      "phase-1 identity or authentication refused",
      "no peer configuration for the initiator's identity, or its authentication refused",
      "Match the identities: Cisco 'crypto isakmp identity address|hostname', ASA "
      "tunnel-group name; strongSwan local.id/remote.id and auth on both sides.",
      "%CRYPTO-4-IKMP_BAD_MESSAGE / peer identity not acceptable", 0 },
    { MM, 5, IKE_EV_ANY, 0, "psk-mismatch", "pre-shared key mismatch",
      "the responder could not decrypt MM#5 because the keys differ (an encrypted "
      "Informational is strongSwan, a clear PAYLOAD-MALFORMED an ASA, MM#4 resends "
      "libreswan, silence Cisco IOS or libreswan); a phase-1 identity mismatch looks the "
      "same without keys",
      CHECK_PSK,
      "%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from PEER failed its sanity check or is malformed", 0 },

    /* ---- Main Mode: MM#6 sent, and the initiator resent MM#5 as if it never came ---- */
    REPLY_LOST(MM, 6, 6, "MM#6"),

    /* ---- Main Mode: MM#6 arrived and was refused ---- */
    { MM, 6, IKE_EV_ANY, 0, "peer-auth-rejected", "initiator refused MM#6",
      "the responder's identity or authentication was not acceptable to the initiator "
      "(strongSwan Deletes on an unexpected remote ID), or the initiator could not verify "
      "its signature or certificate",
      "Check the identity the responder sends against the initiator's expectation (strongSwan "
      "remote.id, Cisco 'crypto isakmp identity'), and certificates when signatures are used.",
      "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed (on the initiator)", 0 },

    /* ---- Aggressive Mode: AM#2 arrived and was refused ---- */
    REPLY_LOST(AM, 3, 2, "AM#2"),
    { AM, 3, IKE_EV_PEER_RESEND, 0, "am3-lost", "AM#3 lost or refused",
      "AM#3 was sent, and the responder resent AM#2 as if AM#3 never reached it: AM#3 is dropped "
      "on the way (firewall, a NAT that forgets the mapping), or the responder refused its hash "
      "(pre-shared key or identity) without saying so",
      "Capture on the responder's side too; check filters for UDP 500/4500 from the initiator; "
      "then compare the pre-shared keys and identities.",
      "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed (the responder waits for AM#3)", 3 },
    { AM, 3, IKE_EV_ANY, 0, "psk-mismatch", "pre-shared key mismatch",
      "the initiator could not verify the responder's hash in AM#2 because the keys differ "
      "(strongSwan answers AUTHENTICATION-FAILED encrypted, libreswan INVALID-HASH-INFORMATION "
      "in clear); an identity mismatch looks alike",
      CHECK_PSK, "%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from PEER failed its sanity check", 0 },

    /* ---- Quick Mode: QM#1 not answered by QM#2 ---- */
    { QM, 2, IKE_EV_READ_NOTIFY, IKE_N_NO_PROPOSAL_CHOSEN, "transform-set", "transform set mismatch",
      "ESP encryption or integrity, PFS group (or PFS on one side only), or mode; Cisco IOS "
      "also answers a proxy-ID mismatch or a peer missing from the crypto map with "
      "NO-PROPOSAL-CHOSEN",
      CHECK_TRANSFORM,
      "IPSEC(ipsec_process_proposal): transform proposal not supported for identity (phase 2 SA policy not acceptable)", 0 },
    { QM, 2, IKE_EV_READ_NOTIFY, IKE_N_INVALID_ID_INFORMATION, "proxy-id", "proxy ID mismatch",
      "crypto ACL / traffic selectors differ, or the peer is not in the crypto map; "
      "strongSwan also answers a tunnel/transport mode mismatch this way",
      CHECK_PROXY_ID,
      "IPSEC(validate_transform_proposal): proxy identities not supported (map_db_find_best did not find matching map)", 0 },
    { QM, 2, IKE_EV_READ_NOTIFY, 0, "qm-rejected", "Quick Mode refused",
      "the notify names the reason; transform set, PFS, mode or proxy ID",
      CHECK_TRANSFORM, "phase 2 SA policy not acceptable", 0 },
    { QM, 2, IKE_EV_ENC_INFO, 0, "qm-rejected", "Quick Mode refused",
      "transform set (ESP encryption/integrity), PFS group or PFS on one side only, "
      "tunnel/transport mode, proxy ID (crypto ACL), or peer not in the crypto map; the "
      "decryption key would tell which",
      CHECK_TRANSFORM " " CHECK_PROXY_ID,
      "IPSEC(ipsec_process_proposal): transform proposal not supported, or proxy identities not supported", 0 },
    { QM, 2, IKE_EV_ANY, 0, "qm-no-response", "no response to QM#1",
      "the responder dropped QM#1: libreswan waiting for XAUTH, a responder that lost the "
      "IKE SA (rebooted peer), or one that could not install the SA",
      "Check the responder's logs for this message ID; clear the IKE SA on both peers "
      "('clear crypto isakmp', 'swanctl --terminate --ike NAME') and retry.",
      "QM rejected / no reply (IKE_QM_I_QM1 node stays)", 0 },

    /* ---- Quick Mode: QM#2 arrived, QM#3 never did ---- */
    REPLY_LOST(QM, 3, 2, "QM#2"),
    { QM, 3, IKE_EV_PEER_RESEND, 0, "qm3-lost", "QM#3 lost or refused",
      "QM#3 was sent, and the responder resent QM#2 as if QM#3 never reached it; QM#3 dropped on "
      "the way (firewall, UDP 4500 or fragments filtered towards the responder, a NAT that "
      "forgets the mapping); or the responder could not accept it (its hash, or installing the "
      "IPsec SA); the initiator believes the tunnel is up and sends ESP the responder drops",
      "Capture on the responder's side too; check filters for UDP 500/4500 from the initiator; "
      "read the responder's log for this message ID ('show crypto ipsec sa' there shows no SA "
      "for the initiator's SPIs).",
      "retransmitting QM#2 (responder: IKE_QM_R_QM2 node stays; initiator shows the SA up)", 3 },
    { QM, 3, IKE_EV_ANY, 0, "qm3-missing", "QM#3 never sent",
      "the initiator refused the responder's choice in QM#2 (lifetime, proposal it did not "
      "offer, identities) or could not install the IPsec SA (kernel, libipsec)",
      "Check the initiator's logs: it got QM#2 and stopped; compare the transform sets and "
      "lifetimes, and check that it can install IPsec SAs.",
      "IPSEC: failed to create IPsec SA (on the initiator)", 0 },

    /* ---- XAUTH after phase 1 (Transaction exchanges): Quick Mode never started ---- */
    { TXN, 1, IKE_EV_XAUTH_STATUS, 0, "xauth-failed", "XAUTH user authentication failed",
      "a wrong XAUTH user name or password, or a user the gateway does not allow",
      CHECK_XAUTH, "ASA: 713166/713167 ... failed user authentication", 0 },
    { TXN, 1, IKE_EV_ANY, 0, "xauth-failed", "XAUTH did not lead to Quick Mode",
      "a wrong XAUTH user name or password; a Mode-Config failure (no address for the client); "
      "or, on a site-to-site tunnel, a gateway that asks for XAUTH where none is expected (a "
      "Cisco crypto map that also serves remote-access clients, PSK without 'no-xauth'); the "
      "keys would show the gateway's XAUTH status",
      CHECK_XAUTH " For site-to-site peers: 'crypto isakmp key KEY address PEER no-xauth'.",
      "ASA: 713166/713167 ... failed user authentication", 0 },

    /* ==== IKEv2 (RFC 7296): the stall point is always the response, step 2 ==== */

    /* ---- IKE_SA_INIT request not answered, or refused in clear ---- */
    { SA_INIT, 2, IKE_EV_CLEAR_NOTIFY, IKE2_N_NO_PROPOSAL_CHOSEN, "ike-proposal", "IKE proposal mismatch",
      "encryption, integrity, PRF or DH group differ between the peers' IKE proposals; strongSwan "
      "and libreswan answer NO_PROPOSAL_CHOSEN in clear",
      CHECK_V2_IKE_PROPOSAL, "IKEv2 negotiation fails in IKE_SA_INIT: no proposal chosen ('show crypto ikev2 sa' stays empty)",
      0 },
    { SA_INIT, 2, IKE_EV_CLEAR_NOTIFY, IKE2_N_INVALID_KE_PAYLOAD, "dh-group", "DH group refused",
      "the responder wants another Diffie-Hellman group (the notify names it), and the initiator did not "
      "retry with it: the group is not in its proposals, or it cannot compute it",
      "Put the group the responder asks for first in the initiator's proposals (strongSwan 'proposals', "
      "libreswan 'ike=', Cisco 'crypto ikev2 proposal ... group').",
      "IKE_SA_INIT answered INVALID_KE_PAYLOAD, no retry", 0 },
    { SA_INIT, 2, IKE_EV_CLEAR_NOTIFY, IKE2_N_COOKIE, "cookie-ignored", "COOKIE never returned",
      "the responder is under load (or set to demand cookies) and asked the initiator to send its "
      "IKE_SA_INIT again with the COOKIE; the initiator never did, or its retry was lost",
      "Check the initiator supports COOKIE (RFC 7296 section 2.6) and that nothing drops its retry; "
      "on the responder check the half-open SA limits (strongSwan 'cookie_threshold', libreswan "
      "'ddos-mode', Cisco 'crypto ikev2 cookie-challenge').",
      "IKE_SA_INIT answered with a COOKIE, never returned", 0 },
    { SA_INIT, 2, IKE_EV_CLEAR_NOTIFY, 0, "ike-proposal", "IKE_SA_INIT refused",
      "the notify names the reason; most often the IKE proposals or the IKE version",
      CHECK_V2_IKE_PROPOSAL, "IKE_SA_INIT refused", 0 },
    REPLY_LOST(SA_INIT, 2, 2, "SA_INIT#2"),
    { SA_INIT, 2, IKE_EV_LATER_SA_UP, 0, "no-response", "no response to IKE_SA_INIT, a later SA worked",
      "the same peers completed a later SA, so the peer and the path work: this attempt came while "
      "the peer was not ready, or its request was lost",
      CHECK_ABANDONED, "nothing: the responder never saw this IKE_SA_INIT", 0 },
    { SA_INIT, 2, IKE_EV_ANY, 0, "no-response", "no response to IKE_SA_INIT",
      "peer down, UDP 500 filtered on the path, or a responder with no connection for this peer "
      "that stays silent",
      "Check that the peer is up and reachable on UDP 500 and 4500; that it has a connection for "
      "this address (strongSwan 'remote_addrs', libreswan 'right=', Cisco 'crypto ikev2 profile' "
      "'match identity remote' and the crypto map on the interface).",
      "nothing: the responder never saw IKE_SA_INIT (initiator: retransmitting IKE_SA_INIT)", 0 },

    /* ---- IKE_SA_INIT answered, IKE_AUTH never seen (stall point AUTH#1) ---- */
    { SA_INIT, 3, IKE_EV_NAT_SILENCE, 0, "nat-t-blocked", "UDP 4500 blocked after IKE_SA_INIT found a NAT",
      "IKE_SA_INIT worked on UDP 500 and its NAT detection hashes show a NAT, so IKE_AUTH goes to UDP "
      "4500, and nothing was ever seen there: a firewall or the NAT device drops UDP 4500; or the "
      "capture filter takes UDP 500 only",
      "Allow UDP 4500 both ways between the peers (and ESP-in-UDP); capture 'udp port 500 or udp port 4500'.",
      "nothing: the responder never saw IKE_AUTH (initiator: retransmitting IKE_AUTH)", 0 },
    { SA_INIT, 3, IKE_EV_ANY, 0, "auth-missing", "IKE_AUTH never seen",
      "the initiator stopped after IKE_SA_INIT (no credentials for this peer), or IKE_AUTH went to UDP "
      "4500 and the capture or the path misses it (strongSwan moves to UDP 4500 even without a NAT)",
      "Capture UDP 4500 too ('udp port 500 or udp port 4500'); allow UDP 4500 between the peers; check "
      "the initiator has credentials for this peer.",
      "nothing: IKE_AUTH never reached the responder", 0 },

    /* ---- IKE_AUTH: the responder refused, or the answer never came ---- */
    { AUTH, 2, IKE_EV_READ_NOTIFY, IKE2_N_AUTHENTICATION_FAILED, "auth-failed", "authentication failed",
      "the responder refused the initiator's AUTH (pre-shared key, certificate or identity), or the "
      "initiator refused the responder's and said so in an INFORMATIONAL",
      CHECK_V2_AUTH, "IKEv2 IKE_AUTH fails: AUTHENTICATION_FAILED (the SA never reaches READY)", 0 },
    { AUTH, 2, IKE_EV_READ_NOTIFY, IKE2_N_TS_UNACCEPTABLE, "ts-unacceptable", "traffic selectors refused",
      "the IKE SA is up, but the responder refused the CHILD SA's traffic selectors (local/remote "
      "subnets, protocol or port differ: not mirror images)",
      "Make the traffic selectors mirror images: strongSwan 'local_ts'/'remote_ts', libreswan "
      "'leftsubnet'/'rightsubnet', Cisco crypto ACL or 'crypto ikev2 profile' virtual-template routes.",
      "IPSEC: proxy identities not supported (TS_UNACCEPTABLE)", 0 },
    { AUTH, 2, IKE_EV_READ_NOTIFY, IKE2_N_NO_PROPOSAL_CHOSEN, "child-proposal", "ESP proposal mismatch",
      "the IKE SA is up, but the responder accepted none of the CHILD SA's ESP proposals "
      "(encryption, integrity, or a DH group on one side only)",
      CHECK_V2_CHILD, "IPSEC: transform proposal not supported (NO_PROPOSAL_CHOSEN for the child)", 0 },
    { AUTH, 2, IKE_EV_SMALL_RESPONSE, 0, "auth-failed", "authentication failed, probably",
      "an IKE_AUTH answer that small holds one notify and nothing else: almost always "
      "AUTHENTICATION_FAILED (pre-shared key, certificate or identity refused); the keys would tell",
      CHECK_V2_AUTH, "IKEv2 IKE_AUTH fails (the SA never reaches READY)", 0 },
    REPLY_LOST(AUTH, 2, 2, "AUTH#2"),
    { AUTH, 2, IKE_EV_NAT_SILENCE, 0, "nat-t-blocked", "UDP 4500 blocked after IKE_SA_INIT found a NAT",
      "IKE_SA_INIT worked on UDP 500 and found a NAT, so IKE_AUTH moved to UDP 4500, and nothing came "
      "back there: a firewall or the NAT device drops UDP 4500",
      "Allow UDP 4500 both ways between the peers (and ESP-in-UDP); capture 'udp port 500 or udp port 4500'.",
      "nothing: the responder never saw IKE_AUTH", 0 },
    { AUTH, 2, IKE_EV_IP_FRAGMENTS, 0, "fragments-dropped", "IP fragments of IKE_AUTH dropped",
      "IKE_AUTH (certificates) went out in IP fragments and was never answered: a device on the "
      "path drops fragments; works with PSK, fails with certificates (Windows error 809)",
      "Enable IKEv2 fragmentation (RFC 7383) on both peers (strongSwan 'fragmentation = yes', libreswan "
      "'fragmentation=yes', Cisco 'crypto ikev2 fragmentation'), or let fragments through.",
      "nothing: the responder never reassembled IKE_AUTH", 0 },
    { AUTH, 2, IKE_EV_ANY, 0, "auth-no-response", "no response to IKE_AUTH",
      "UDP 4500 blocked (strongSwan moves IKE_AUTH to UDP 4500 even without a NAT), the responder "
      "dropped the request (it could not decrypt it, or has no matching connection and stays silent), "
      "or the answer was lost",
      "Allow UDP 4500 both ways; check the responder's log for this IKE SA; capture on both sides.",
      "nothing: IKE_AUTH unanswered (initiator: retransmitting IKE_AUTH)", 0 },

    /* ---- CREATE_CHILD_SA ---- */
    { CHILD, 2, IKE_EV_READ_NOTIFY, IKE2_N_TS_UNACCEPTABLE, "ts-unacceptable", "traffic selectors refused",
      "the peer refused the new CHILD SA's traffic selectors",
      "Make the traffic selectors mirror images on both peers.", "IPSEC: proxy identities not supported", 0 },
    { CHILD, 2, IKE_EV_READ_NOTIFY, IKE2_N_NO_PROPOSAL_CHOSEN, "rekey-refused", "CHILD SA refused",
      "the peer accepted none of the proposals of the new or rekeyed CHILD SA (a PFS group on one side "
      "only is the usual reason at rekey time)",
      CHECK_V2_CHILD, "IPSEC: transform proposal not supported", 0 },
    { CHILD, 2, IKE_EV_SMALL_RESPONSE, 0, "rekey-refused", "CHILD SA refused, probably",
      "a CREATE_CHILD_SA answer that small holds one notify and no SA, nonce or traffic selectors: "
      "NO_PROPOSAL_CHOSEN (a PFS group on one side only is the usual reason at rekey time) or "
      "TS_UNACCEPTABLE; the keys would tell which",
      CHECK_V2_CHILD " Then compare the traffic selectors.", "IPSEC: CHILD SA proposal or selectors refused", 0 },
    REPLY_LOST(CHILD, 2, 2, "CHILD#2"),
    { CHILD, 2, IKE_EV_ANY, 0, "unclassified", "CREATE_CHILD_SA stopped",
      "no rule covers this stall point and evidence",
      "Read both peers' logs around the last message.", "", 0 },

    /* ---- INFORMATIONAL: liveness checks and deletes that go unanswered ---- */
    { INFO2, 2, IKE_EV_ANY, 0, "dead-peer", "peer not answering INFORMATIONAL",
      "the peer stopped answering (it rebooted, lost the IKE SA, or the path is down): an "
      "INFORMATIONAL request (a liveness check or a Delete) resent and never answered",
      "Check the peer and the path; strongSwan 'dpd_delay'/'dpd_action', libreswan 'dpddelay', "
      "Cisco 'crypto ikev2 dpd' decide how soon each side gives up.",
      "the peer stops answering liveness checks (DPD); the SA is torn down", 0 },
    { INTER, 2, IKE_EV_ANY, 0, "unclassified", "IKE_INTERMEDIATE stopped",
      "no rule covers this stall point and evidence",
      "Read both peers' logs around the last message.", "", 0 },

    /* ---- anything else: say where it stopped and that no rule knows more ---- */
    { MM, 0, IKE_EV_ANY, 0, "unclassified", "Main Mode stopped",
      "no rule covers this stall point and evidence",
      "Read both peers' logs around the last message.", "", 0 },
    { AM, 0, IKE_EV_ANY, 0, "unclassified", "Aggressive Mode stopped",
      "no rule covers this stall point and evidence",
      "Read both peers' logs around the last message.", "", 0 },
    { QM, 0, IKE_EV_ANY, 0, "unclassified", "Quick Mode stopped",
      "no rule covers this stall point and evidence",
      "Read both peers' logs around the last message.", "", 0 },
};

const size_t ike_rule_count = sizeof ike_rules / sizeof ike_rules[0];
