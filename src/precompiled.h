// The headers most translation units parse, precompiled once per build when WARREN_PCH is on
// (off by default: parsing these headers is about a third of a typical file's compile time,
// but a whole build from scratch has not yet been shown faster with it). Only standard and
// third-party headers belong here, never Warren's own: a change to one of ours must not
// rebuild everything, and no file may come to depend on an include it does not write.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <simdjson.h>
