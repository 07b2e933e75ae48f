# One helper per kind of target, so every CMakeLists.txt reads as a list of sources and dependencies.
#
#   weft_library(weft_model ROOM model SOURCES a.cc DEPS weft_common EXTERNAL absl::status)
#   weft_test(model_test SOURCES a_test.cc DEPS weft_model)
#   weft_benchmark(model_bench SOURCES ids_bench.cc DEPS weft_model)
#   weft_fuzz(otlp_proto_fuzz SOURCES f.cc DEPS weft_otlp CORPUS dir)
#   weft_executable(weft SOURCES main.cc DEPS weft_cli)
#
# weft_library enforces DESIGN.md's "who may use whom": a library of room R may depend only on the
# weft libraries of the rooms listed in WEFT_MAY_USE_<R> (closed transitively here, so the table
# reads as "everything below"). A dependency that points up the list fails at configure time.

set(WEFT_MAY_USE_common "")
set(WEFT_MAY_USE_model common)
set(WEFT_MAY_USE_tracecontext common)
# http_client: the Boost.Beast HTTP/1.1 clients (one-shot and keep-alive) and gzip, on their own
# so that the SDK can use them without the server. http: the server, shared by ingest and api.
set(WEFT_MAY_USE_http_client common)
set(WEFT_MAY_USE_http http_client common)
set(WEFT_MAY_USE_otlp model common)
set(WEFT_MAY_USE_zipkin model common)
# sdk: the client half of http only (DESIGN.md: linking weft::sdk pulls in no server code).
set(WEFT_MAY_USE_sdk tracecontext otlp http_client model common)
set(WEFT_MAY_USE_storage model common)
set(WEFT_MAY_USE_storage_embedded storage model common)
set(WEFT_MAY_USE_storage_memory storage model common)
set(WEFT_MAY_USE_storage_clickhouse storage model common)
set(WEFT_MAY_USE_query storage model common)
set(WEFT_MAY_USE_analysis query storage model common)
set(WEFT_MAY_USE_ingest otlp zipkin storage analysis query http http_client model common)
set(WEFT_MAY_USE_api query analysis otlp zipkin storage http http_client model common)
set(WEFT_MAY_USE_server http http_client api ingest analysis query storage storage_embedded
    storage_memory storage_clickhouse otlp zipkin tracecontext model common)
set(WEFT_MAY_USE_cli http http_client server api ingest query storage storage_embedded
    storage_memory otlp zipkin tracecontext model common sdk)
set(WEFT_MAY_USE_demo sdk)

set(WEFT_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wno-unused-parameter)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(APPEND WEFT_WARNINGS -Wthread-safety)
endif()

function(_weft_check_layering name room)
  if(NOT DEFINED WEFT_MAY_USE_${room})
    message(FATAL_ERROR "${name}: unknown room '${room}' (see cmake/WeftTargets.cmake)")
  endif()
  foreach(dep IN LISTS ARGN)
    if(NOT TARGET ${dep})
      message(FATAL_ERROR "${name}: dependency ${dep} is not defined yet (add rooms bottom-up)")
    endif()
    get_target_property(dep_room ${dep} WEFT_ROOM)
    if(NOT dep_room)
      message(FATAL_ERROR "${name}: ${dep} is not a weft library; list it under EXTERNAL")
    endif()
    if(NOT dep_room IN_LIST WEFT_MAY_USE_${room} AND NOT dep_room STREQUAL room)
      message(FATAL_ERROR "${name} (room ${room}) may not use ${dep} (room ${dep_room}): "
                          "dependencies point down DESIGN.md's table only")
    endif()
  endforeach()
endfunction()

function(_weft_common_settings target)
  target_compile_options(${target} PRIVATE ${WEFT_WARNINGS})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
endfunction()

function(weft_library name)
  cmake_parse_arguments(ARG "" "ROOM" "SOURCES;DEPS;EXTERNAL;PUBLIC_INCLUDES" ${ARGN})
  _weft_check_layering(${name} ${ARG_ROOM} ${ARG_DEPS})
  add_library(${name} STATIC ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES WEFT_ROOM ${ARG_ROOM} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
                                            ${ARG_PUBLIC_INCLUDES})
  target_compile_options(${name} PRIVATE ${WEFT_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} ${ARG_EXTERNAL})
endfunction()

# A test binary registered with ctest under its own name. LABELS lets slow suites be selected.
function(weft_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  _weft_common_settings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "unit;${ARG_LABELS}")
endfunction()

# A Google Benchmark binary in build/bench/; `make bench` runs every one.
function(weft_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  _weft_common_settings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
  set_property(GLOBAL APPEND PROPERTY WEFT_BENCHMARKS ${name})
endfunction()

# A libFuzzer target (only in the clang `fuzz` preset, WEFT_FUZZ=ON); CORPUS is its seed folder.
# Elsewhere the same source is built as a test that replays the seed corpus once, so the targets
# keep compiling and the seeds keep passing in `make test`.
function(weft_fuzz name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  _weft_common_settings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  if(NOT TARGET fuzzers)
    add_custom_target(fuzzers)  # `make fuzz` builds just these
  endif()
  add_dependencies(fuzzers ${name})
  if(WEFT_FUZZ)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set_property(GLOBAL APPEND PROPERTY WEFT_FUZZERS "${name}=${ARG_CORPUS}")
  else()
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    add_test(NAME ${name}_seeds COMMAND ${name} ${ARG_CORPUS})
    set_tests_properties(${name}_seeds PROPERTIES TIMEOUT 120 LABELS "unit;fuzz-seeds")
  endif()
endfunction()

function(weft_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  _weft_common_settings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()
