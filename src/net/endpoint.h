// Parsing of listen addresses: "HOST:PORT", "[IPv6]:PORT", "PORT" (loopback).
#pragma once

#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "common/errors.h"

namespace warren::net {

// A numeric address and port (no name resolution: "localhost" is accepted as 127.0.0.1).
// The error's description says what is wrong.
Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text);

}  // namespace warren::net
