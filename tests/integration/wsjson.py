# SPDX-License-Identifier: GPL-2.0-or-later
"""wsjson: every ikediag field and expert info of every frame, and the ISAKMP header
fields of the stock dissector, from `tshark -T json -J "frame isakmp ikediag"`.  tshark's JSON repeats keys (two ikediag.evidence, two _ws.expert),
so objects are read as lists of pairs.

read(text) -> {frame number: Frame}; Frame.fields maps a field name to the list of its
values in tree order (also those nested under a subtree), Frame.experts is a list of
(id, group, severity, message) with group and severity as tshark's numbers.
"""
import json
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

# epan/proto.h: PI_SEVERITY_MASK values and PI_GROUP_MASK values
SEVERITY = {0x00200000: "Chat", 0x00400000: "Note", 0x00600000: "Warning", 0x00800000: "Error",
            0x00100000: "Comment"}
GROUP = {0x01000000: "Checksum", 0x02000000: "Sequence", 0x03000000: "Response code",
         0x04000000: "Request code", 0x05000000: "Undecoded", 0x06000000: "Reassemble",
         0x07000000: "Malformed", 0x08000000: "Debug", 0x09000000: "Protocol",
         0x0a000000: "Security", 0x0b000000: "Comment", 0x0c000000: "Decryption",
         0x0d000000: "Assumption", 0x0e000000: "Deprecated"}


@dataclass
class Frame:
    number: int
    fields: Dict[str, List[str]] = field(default_factory=dict)
    experts: List[Tuple[str, str, str, str]] = field(default_factory=list)
    isakmp: Dict[str, str] = field(default_factory=dict)  # the stock dissector's header fields
    interface: int = 0  # frame.interface_id: the capture point in a merged file

    def get(self, name):
        """The single value of a field, None if absent; a list if it occurs more than once."""
        values = self.fields.get(name, [])
        return None if not values else values[0] if len(values) == 1 else values

    def all(self, name):
        return self.fields.get(name, [])


def _walk(pairs, frame):
    for key, value in pairs:
        if key == "_ws.expert" and isinstance(value, list):
            d = dict(value)
            ids = [k for k, _ in value if not k.startswith("_ws.expert")]
            sev = int(d.get("_ws.expert.severity", "0"))
            grp = int(d.get("_ws.expert.group", "0"))
            frame.experts.append((ids[0] if ids else "?", GROUP.get(grp, str(grp)), SEVERITY.get(sev, str(sev)),
                                  d.get("_ws.expert.message", "")))
        elif isinstance(value, list):
            _walk(value, frame)
        elif key.startswith("ikediag."):
            frame.fields.setdefault(key, []).append(value)


def read(text):
    frames = {}
    for packet in json.loads(text, object_pairs_hook=list):
        layers = dict(dict(dict(packet)["_source"])["layers"])
        frame_layer = dict(layers["frame"])
        number = int(frame_layer["frame.number"])
        frame = Frame(number, interface=int(frame_layer.get("frame.interface_id", 0)))
        isakmp = layers.get("isakmp")
        if isinstance(isakmp, list):
            frame.isakmp = {k: v for k, v in isakmp if isinstance(v, str)}
        if isinstance(layers.get("ikediag"), list):  # a string when the item has no subtree
            _walk(layers["ikediag"], frame)
        frames[number] = frame
    return frames
