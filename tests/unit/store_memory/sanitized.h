// WARREN_SANITIZED is 1 in builds under ASan, TSan or MSan (gcc or clang): tests that measure
// memory skip there, and long randomised tests do less work (sanitizers slow them ~10x).
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WARREN_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define WARREN_SANITIZED 1
#endif
#endif
#ifndef WARREN_SANITIZED
#define WARREN_SANITIZED 0
#endif
