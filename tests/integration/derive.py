# SPDX-License-Identifier: GPL-2.0-or-later
"""derive: what every ISAKMP frame's ikediag fields must be, derived from the MANIFEST's
hand-written `frame N MSG ROLE [resend]` lines and the stock ISAKMP dissector's header
fields (initiator cookie, message ID, E flag) by protocol rules, independently of the
plugin.  The rules (test-pcaps/README.md, "What the integration test checks"):

SA       IKE SAs are numbered 1, 2, ... by first appearance of their initiator cookie.
exchange MM#n Main Mode, AM#n Aggressive Mode, QM#n Quick Mode, INFO Informational,
         TXN Transaction.
phase    1 for MM/AM; 2 for QM; for INFO/TXN 2 once the SA's phase 1 has its final
         message (MM#6/AM#3) in an earlier frame, else 1.
state    the Cisco IOS state after the message (show crypto isakmp sa): MM#1 MM_NO_STATE,
         MM#2 and MM#3 MM_SA_SETUP, MM#4 and MM#5 MM_KEY_EXCH, MM#6 QM_IDLE; AM#1
         AG_INIT_EXCH, AM#2 AG_AUTH, AM#3 QM_IDLE; QM#n QM_IDLE; INFO/TXN QM_IDLE once
         phase 1 is done, otherwise none.
links    requests and their answers: MM#1>MM#2, MM#3>MM#4, MM#5>MM#6, AM#1>AM#2,
         AM#2>AM#3, QM#1>QM#2, QM#2>QM#3, within one SA (and for QM one message ID).
         Every copy of the answer has request_in = the newest copy of the request sent
         before it; that copy of the request has response_in = the first answer after it,
         and so has the request's first copy (when resends went out before any answer).
         An Informational answers the SA's newest message when that came from the other
         peer and is not the final message of a finished exchange (QM#3, AM#3):
         request_in = that message's newest copy.  `link`
         lines in MANIFEST override a derived link (each with a note).
fragment a frame that repeats the previous frame's label, sender, SA and message ID without being a resend
         is another IKE fragment of the same message (ok-rsa-certs-fragmented): fragment.
orphan   an answer (MM#2, MM#4, MM#6, AM#2, AM#3, QM#2, QM#3) whose request is not in the
         capture has request_missing, only the first from each sender (reported once per
         source; the captures here have one pair of peers, so the sender is its role).
resend   a resend's retransmission = the first copy (same label, same SA, same sender),
         count = 1, 2, ... in order.

IKEv2 (labels SA_INIT#1/#2, AUTH#1/#2, CHILD#1/#2, INFO#1/#2, INTER#1/#2; RFC 7296):
exchange IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL, IKE_INTERMEDIATE; an
         exchange is its SA, kind, message ID and requester (the sender of #1, the other
         side of #2); a new SA_INIT#1 after an SA_INIT#2 is a new round (a retry after
         COOKIE or INVALID_KE_PAYLOAD).  Exchanges are named per SA by first appearance:
         SA_INIT, SA_INIT2 ..., AUTH, AUTH2 ..., CHILD1 ..., INFO1 ..., INTER1 ...
phase    1 for SA_INIT, AUTH, INTER; 2 for CHILD; INFO 2 once the SA is up, else 1.
state    strongSwan's IKE_SA states from the headers: CONNECTING until an AUTH#2, then
         ESTABLISHED (a CHILD SA rekey leaves the IKE SA ESTABLISHED).  An SA whose first frame is not SA_INIT#1,
         after an earlier SA between the same peers made a CHILD exchange, is a rekey:
         up from its start.
unexpected a #2 with new bytes (not a resend, not a fragment) where the round already has one.
links    #2 request_in = the newest copy of its #1 before it; that copy's response_in =
         the first #2 after it, and so has the request's first copy (its first fragment).  A #2 without its #1 is an orphan (request_missing, once
         per sender).
"""

V2_EXCHANGE = {"SA_INIT": "IKE_SA_INIT", "AUTH": "IKE_AUTH", "CHILD": "CREATE_CHILD_SA", "INFO": "INFORMATIONAL",
               "INTER": "IKE_INTERMEDIATE"}
V2_ONCE = ("SA_INIT", "AUTH")  # named without a number when first: SA_INIT, AUTH, then SA_INIT2 ...

EXCHANGE = {"MM": "Main Mode", "AM": "Aggressive Mode", "QM": "Quick Mode", "INFO": "Informational",
            "TXN": "Transaction"}
STATE = {"MM#1": "MM_NO_STATE", "MM#2": "MM_SA_SETUP", "MM#3": "MM_SA_SETUP", "MM#4": "MM_KEY_EXCH",
         "MM#5": "MM_KEY_EXCH", "MM#6": "QM_IDLE", "AM#1": "AG_INIT_EXCH", "AM#2": "AG_AUTH", "AM#3": "QM_IDLE",
         "QM#1": "QM_IDLE", "QM#2": "QM_IDLE", "QM#3": "QM_IDLE"}
ANSWER = {"MM#1": "MM#2", "MM#3": "MM#4", "MM#5": "MM#6", "AM#1": "AM#2", "AM#2": "AM#3", "QM#1": "QM#2",
          "QM#2": "QM#3"}
REQUEST = {a: q for q, a in ANSWER.items()}
FINAL = {"MM#6", "AM#3", "QM#3"}


def kind(msg):
    return msg.split("#")[0]


def is_v2(msg):
    return "#" in msg and kind(msg) in V2_EXCHANGE


class V2State:
    """What the IKEv2 rules carry from frame to frame."""

    def __init__(self):
        self.rounds = {}      # (sa, kind, msgid, requester) -> round number
        self.answered = set()  # (sa, xkey) whose current round has a #2
        self.names = {}       # (sa, xkey) -> exchange name
        self.counts = {}      # (sa, kind) -> exchanges so far
        self.up = set()       # SAs with an AUTH#2, or made by a rekey
        self.child = set()    # SAs that made a CHILD exchange
        self.first = {}       # sa -> its first label

    def xkey(self, sa, f, msgid):
        k = kind(f.msg)
        request = f.msg.endswith("#1")
        requester = f.role if request else ("responder" if f.role == "initiator" else "initiator")
        base = (sa, k, msgid, requester)
        rnd = self.rounds.setdefault(base, 1)
        if request and not f.resend and k == "SA_INIT" and (base, rnd) in self.answered:
            rnd = self.rounds[base] = rnd + 1
        key = (base, rnd)
        if key not in self.names:
            n = self.counts[(sa, k)] = self.counts.get((sa, k), 0) + 1
            self.names[key] = k if (k in V2_ONCE and n == 1) else "%s%d" % (k, n)
        return key


def derive_v2(st, cap, num, f, sa, msgid, out, newest, answered_copies, first_copy, copies):
    """The expected fields of one IKEv2 frame."""
    k = kind(f.msg)
    if sa not in st.first:
        st.first[sa] = f.msg
        if f.msg != "SA_INIT#1" and st.child:
            st.up.add(sa)  # a rekeyed IKE SA: new SPIs under an SA that made a CHILD exchange
    key = st.xkey(sa, f, msgid)
    e = {"sa": sa, "exchange": V2_EXCHANGE[k], "msg": f.msg, "role": f.role, "request_in": None,
         "response_in": None, "retransmission": None, "count": None, "request_missing": False,
         "fragment": False, "xkey": key, "xname": st.names[key], "version": 2}
    if k in ("SA_INIT", "AUTH", "INTER"):
        e["phase"] = 1
    elif k == "CHILD":
        e["phase"] = 2
    else:
        e["phase"] = 2 if sa in st.up else 1
    if k in ("SA_INIT", "INTER") or f.msg == "AUTH#1":
        e["state"] = "CONNECTING"
    elif f.msg == "AUTH#2":
        e["state"] = "ESTABLISHED"
    else:
        e["state"] = "ESTABLISHED" if sa in st.up else "CONNECTING"
    prev = max([n for n in out if out[n]["sa"] == sa], default=0)
    e["fragment"] = bool(prev and not f.resend and out[prev]["msg"] == f.msg and out[prev]["role"] == f.role
                         and out[prev]["xkey"] == key)
    copy_key = (sa, f.msg, key, f.role)
    if f.resend and copy_key in first_copy:
        copies[copy_key] = copies.get(copy_key, 0) + 1
        e["retransmission"], e["count"] = first_copy[copy_key], copies[copy_key]
    else:
        first_copy.setdefault(copy_key, num)
    # a second response with other bytes to one request (a resend answered anew)
    e["unexpected"] = bool(f.msg.endswith("#2") and not f.resend and not e["fragment"] and key in st.answered)
    if f.msg.endswith("#2"):
        st.answered.add(key)
        request = newest.get((sa, key, k + "#1"))
        if request:
            e["request_in"] = request
            done = answered_copies.setdefault((sa, key), set())
            if request not in done:
                done.add(request)
                out[request]["response_in"] = num
            # the request's first copy (its first fragment) links to the first answer too
            first = first_copy.get((sa, k + "#1", key, out[request]["role"]))
            if first and out[first]["response_in"] is None:
                out[first]["response_in"] = num
        elif not f.resend and not e["fragment"] and ("orphan", f.role) not in first_copy:
            first_copy[("orphan", f.role)] = num
            e["request_missing"] = True
        if k == "AUTH":
            st.up.add(sa)
    newest[(sa, key, f.msg)] = num
    if k == "CHILD":
        st.child.add(sa)
    return e


def derive(cap, headers):
    """cap: manifest.Capture; headers: frame -> (icookie, message_id) from stock tshark.
    Returns frame -> dict of expected fields: sa, exchange, msg, phase, role, state (None if
    absent), request_in, response_in, retransmission, count (None if absent)."""
    sas, out = [], {}
    first_copy = {}  # (sa, msg, exchange key, role) -> first frame
    copies = {}      # same key -> count of resends so far
    newest = {}      # (sa, exchange key, msg) -> newest copy so far
    answered = {}    # (sa, exchange key, msg) -> set of request copies already answered
    phase1_done = set()
    last_msg = {}    # sa -> (frame, msg, role, exchange key) of the newest MM/AM/QM message
    v2 = V2State()
    for num in sorted(cap.frames):
        f = cap.frames[num]
        icookie, msgid = headers[num]
        if icookie not in sas:
            sas.append(icookie)
        sa = sas.index(icookie) + 1
        if is_v2(f.msg):
            out[num] = derive_v2(v2, cap, num, f, sa, msgid, out, newest, answered, first_copy, copies)
            continue
        k = kind(f.msg)
        xkey = msgid if k == "QM" else k
        e = {"sa": sa, "exchange": EXCHANGE[k], "msg": f.msg, "role": f.role, "request_in": None,
             "response_in": None, "retransmission": None, "count": None, "request_missing": False,
             "fragment": False, "version": 1}
        if k in ("MM", "AM"):
            e["phase"] = 1
        elif k == "QM":
            e["phase"] = 2
        else:
            e["phase"] = 2 if sa in phase1_done else 1
        e["state"] = STATE.get(f.msg) or ("QM_IDLE" if sa in phase1_done else None)
        prev = max([n for n in out if out[n]["sa"] == sa], default=0)
        e["xkey"] = xkey
        e["fragment"] = bool(prev and not f.resend and out[prev]["msg"] == f.msg and out[prev]["role"] == f.role
                             and out[prev]["xkey"] == xkey)
        key = (sa, f.msg, xkey if k in ("MM", "AM", "QM") else msgid, f.role)
        if f.resend and key in first_copy:
            copies[key] = copies.get(key, 0) + 1
            e["retransmission"], e["count"] = first_copy[key], copies[key]
        else:
            first_copy.setdefault(key, num)
        if k in ("MM", "AM", "QM"):
            q = REQUEST.get(f.msg)
            if q and (sa, xkey, q) in newest:
                req = newest[(sa, xkey, q)]
                e["request_in"] = req
                done = answered.setdefault((sa, xkey, q), set())
                if req not in done:
                    done.add(req)
                    out[req]["response_in"] = num
                first = first_copy.get((sa, q, xkey, out[req]["role"]))
                if first is not None and out[first]["response_in"] is None:
                    out[first]["response_in"] = num
            elif q and not f.resend and ("orphan", f.role) not in first_copy:
                first_copy[("orphan", f.role)] = num
                e["request_missing"] = True
            newest[(sa, xkey, f.msg)] = num
            last_msg[sa] = (num, f.msg, f.role, xkey)
            if f.msg in ("MM#6", "AM#3"):
                phase1_done.add(sa)
        elif k == "INFO" and sa in last_msg:
            lnum, lmsg, lrole, lkey = last_msg[sa]
            if lrole != f.role and lmsg not in ("QM#3", "AM#3"):
                e["request_in"] = newest[(sa, lkey, lmsg)]
        out[num] = e
    for num, field, value in cap.links:
        out[num][field] = value
    return out
