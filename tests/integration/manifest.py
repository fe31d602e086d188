# SPDX-License-Identifier: GPL-2.0-or-later
"""manifest: read test-pcaps/MANIFEST (format in test-pcaps/README.md)."""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class Frame:
    number: int
    msg: str
    role: str
    resend: bool


@dataclass
class Exchange:
    sa: int
    name: str  # MM, AM, QM1, QM2 ...
    outcome: str
    stall: str  # "-" when none
    cause: str  # "-" when none
    cause_with_keys: Optional[str]
    outcome_with_keys: Optional[str] = None  # when the keys change the outcome too
    stall_with_keys: Optional[str] = None

    def expected(self, with_keys):
        """(outcome, stall, cause) as the plugin should show them, with or without keys;
        None for an exchange that gets no verdict (outcome `none`)."""
        if with_keys and self.outcome_with_keys:
            want = (self.outcome_with_keys, self.stall_with_keys, self.cause_with_keys)
        else:
            cause = self.cause_with_keys if with_keys and self.cause_with_keys else self.cause
            want = (self.outcome, self.stall, cause)
        return None if want[0] == "none" else want


@dataclass
class Capture:
    name: str
    keys: Optional[str] = None
    initiator: str = ""
    scenario: str = ""
    unavailable: Optional[str] = None
    frames: Dict[int, Frame] = field(default_factory=dict)
    exchanges: List[Exchange] = field(default_factory=list)
    proxy_ids: Dict[int, str] = field(default_factory=dict)  # frame -> "IDci <-> IDcr" (keys)
    nat: Dict[int, str] = field(default_factory=dict)  # sa -> detected | none
    notifies: Dict[int, tuple] = field(default_factory=dict)  # frame -> (code, name, clear|keys)
    undecrypted: List[int] = field(default_factory=list)  # frames the keys do not decrypt
    evidence: Dict[tuple, List[int]] = field(default_factory=dict)  # (sa, exchange) -> frames
    offered: Dict[int, str] = field(default_factory=dict)  # sa -> phase-1 proposal offered
    chosen: Dict[int, str] = field(default_factory=dict)  # sa -> phase-1 proposal chosen
    offered_v2: Dict[tuple, str] = field(default_factory=dict)  # (sa, SA_INIT round) -> first proposal
    chosen_v2: Dict[tuple, str] = field(default_factory=dict)
    links: List[tuple] = field(default_factory=list)  # (frame, request_in|response_in, frame or None)
    rekeys: Dict[int, int] = field(default_factory=dict)  # IKEv2: sa -> the SA whose rekey made it
    # two capture points merged in one file (test-pcaps/README.md, "Two capture points")
    vantages: Dict[int, tuple] = field(default_factory=dict)  # interface id -> (name, initiator|responder)
    copies: Dict[int, int] = field(default_factory=dict)  # frame -> the same copy at the other point (both ways)
    lost: List[int] = field(default_factory=list)  # frames never seen at the other point
    offset: Optional[float] = None  # the responder's point's clock minus the initiator's
    translated: Dict[int, tuple] = field(default_factory=dict)  # frame -> (own src, src at the other point)
    where: Dict[tuple, str] = field(default_factory=dict)  # (sa, exchange) -> none | path-to-... | ...
    # the tunnel's life (README, "The tunnel's life")
    esp: Dict[int, tuple] = field(default_factory=dict)  # ESP frame -> (sa, child, I>R|R>I), ("-", "-", "-") unmatched
    tunnels: Dict[tuple, tuple] = field(default_factory=dict)  # (sa, child) -> (state, silent side or None)
    dpd: List[tuple] = field(default_factory=list)  # (R-U-THERE frame, its ACK's frame), linked with keys
    replaced: List[tuple] = field(default_factory=list)  # ((sa, old child), (sa, new child)): a rekey the ESP moved across


def parse(path):
    captures = []
    current = None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            word, _, rest = line.partition(" ")
            if word == "capture":
                current = Capture(rest)
                captures.append(current)
                continue
            if current is None:
                raise ValueError("%s:%d: '%s' before any capture line" % (path, lineno, word))
            tokens = rest.split()
            if word == "frame":
                current.frames[int(tokens[0])] = Frame(int(tokens[0]), tokens[1], tokens[2], "resend" in tokens[3:])
            elif word == "exchange":
                keys = tokens[5] if len(tokens) > 5 else None
                ex = Exchange(int(tokens[0]), tokens[1], tokens[2], tokens[3], tokens[4], keys)
                if keys and keys.count("/") == 2:  # OUTCOME/STALL/CAUSE with keys
                    ex.outcome_with_keys, ex.stall_with_keys, ex.cause_with_keys = keys.split("/")
                current.exchanges.append(ex)
            elif word == "proxy":
                current.proxy_ids[int(tokens[0])] = rest.split(" ", 1)[1]
            elif word == "nat":
                current.nat[int(tokens[0])] = tokens[1]
            elif word == "notify":
                current.notifies[int(tokens[0])] = (int(tokens[1]), tokens[2], tokens[3])
            elif word == "undecrypted":
                current.undecrypted += [int(t) for t in tokens if t.isdigit()]
            elif word == "evidence":
                current.evidence[(int(tokens[0]), tokens[1])] = [int(t) for t in tokens[2:]]
            elif word in ("offered", "chosen") and re.match(r"SA_INIT\d*$", tokens[1]):
                # IKEv2, per IKE_SA_INIT round; the proposal may hold spaces ("(+1 algorithm)")
                getattr(current, word + "_v2")[(int(tokens[0]), tokens[1])] = rest.split(" ", 2)[2]
            elif word in ("offered", "chosen"):
                getattr(current, word)[int(tokens[0])] = tokens[1]
            elif word == "rekey":  # rekey NEW of OLD
                current.rekeys[int(tokens[0])] = int(tokens[2])
            elif word == "link":
                current.links.append((int(tokens[0]), tokens[1], None if tokens[2] == "-" else int(tokens[2])))
            elif word == "vantage":
                current.vantages[int(tokens[0])] = (tokens[1], tokens[2])
            elif word == "copy":
                a, b = int(tokens[0]), int(tokens[1])
                current.copies[a], current.copies[b] = b, a
            elif word == "lost":
                current.lost += [int(t) for t in tokens if t.isdigit()]
            elif word == "offset":
                current.offset = float(tokens[0])
            elif word == "translated":
                current.translated[int(tokens[0])] = (tokens[1], tokens[2])
            elif word == "where":
                current.where[(int(tokens[0]), tokens[1])] = tokens[2]
            elif word == "esp":
                current.esp[int(tokens[0])] = tuple(tokens[1:4])
            elif word == "replaced":  # replaced SA CHILD SA CHILD
                current.replaced.append(((int(tokens[0]), tokens[1]), (int(tokens[2]), tokens[3])))
            elif word == "dpd":
                current.dpd.append((int(tokens[0]), int(tokens[1])))
            elif word == "tunnel":
                current.tunnels[(int(tokens[0]), tokens[1])] = (tokens[2], tokens[3] if len(tokens) > 3 else None)
            elif word == "keys":
                current.keys = None if rest in ("-", "none") else rest
            elif word == "initiator":
                current.initiator = rest
            elif word == "scenario":
                current.scenario = rest
            elif word == "unavailable":
                current.unavailable = rest
    return captures
