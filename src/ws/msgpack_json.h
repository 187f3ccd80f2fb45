// MessagePack <-> JSON for the WebSocket API's binary frames (Zaqar: binary = MessagePack,
// replies in the request's encoding). Requests are turned into JSON text once, so one decoder
// (the JSON one) serves both encodings; replies and pushes are encoded as JSON, then converted.
// The codec is msgpack-cxx's (its streaming parser with a visitor, and its packer).
#pragma once

#include <string>
#include <string_view>

namespace warren::ws {

// Deepest nesting accepted from a client (JSON and MessagePack alike).
inline constexpr int kMaxNesting = 64;

// Decodes `payload`, which must hold exactly one MessagePack object, into compact JSON text
// (appended to `json`). Strings (and bin values) must be UTF-8, map keys strings, floats
// finite; ext values are refused. On failure returns false and sets `error` to a
// Python-style "<Type>: <message>" as Zaqar reports it ("ExtraData: ...").
bool msgpack_to_json(std::string_view payload, std::string& json, std::string& error);

// Encodes valid JSON text (as Warren writes it) as one MessagePack object, appended to `out`:
// strings as str, integers in their smallest form, other numbers as float64. False if `json`
// does not parse.
bool json_to_msgpack(std::string_view json, std::string& out);

}  // namespace warren::ws
