// The weft version, set by CMake from project(VERSION).
#pragma once

namespace weft {
const char* Version();
}  // namespace weft
