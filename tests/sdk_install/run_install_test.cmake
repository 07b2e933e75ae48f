# ctest sdk_install: installs weft's SDK from BUILD_DIR into a temporary prefix, configures and
# builds tests/sdk_install (an outside project using find_package(weft)) with Ninja, runs it and
# checks its output. Run: cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -P this file.
# CXX_COMPILER and SANITIZE (optional) build the outside project like weft was built: a library
# built with sanitizers needs a program built with them.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix --component sdk)
foreach(f include/weft/trace.h include/weft/sdk.h lib/cmake/weft/weftConfig.cmake)
  if(NOT EXISTS ${WORK_DIR}/prefix/${f})
    message(FATAL_ERROR "install did not produce ${f}")
  endif()
endforeach()
file(GLOB libs ${WORK_DIR}/prefix/lib*/libweft_sdk.so)
if(NOT libs)
  message(FATAL_ERROR "install did not produce libweft_sdk.so")
endif()
set(outside_flags)
if(CXX_COMPILER)
  list(APPEND outside_flags -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(SANITIZE)
  list(APPEND outside_flags -DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}
       -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE})
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/sdk_install -B ${WORK_DIR}/build -G Ninja
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release ${outside_flags})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/sdk_install_example)
foreach(expected "span checkout" "span charge card" "status=error:card declined"
                 "service=install-example" "in-memory spans: 2" "traceparent: 00-")
  string(FIND "${last_output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "output lacks '${expected}':\n${last_output}")
  endif()
endforeach()
message(STATUS "outside project built against the installed SDK and ran:\n${last_output}")
