// The one translation unit that builds src/precompiled.h's precompiled header (WARREN_PCH);
// every other target reuses it. It defines nothing.
