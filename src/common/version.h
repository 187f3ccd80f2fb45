// The version string `warren --version` prints, set by CMake from project(VERSION).
#pragma once

namespace warren {

inline constexpr const char* kVersion = WARREN_VERSION;

}  // namespace warren
