# ctest sdk_library_contents: libweft_sdk.so contains no server, storage, query, ingest or gRPC
# server code and exports only weft::v1 symbols. Run: cmake -DLIB=path -P this file.
execute_process(COMMAND nm -C --defined-only ${LIB} OUTPUT_VARIABLE all RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
foreach(forbidden "weft::storage::" "weft::query::" "weft::ingest::" "weft::api::"
                  "weft::server::" "weft::http::HttpServer" "weft::http::RouteTable"
                  "grpc::Server")
  string(FIND "${all}" "${forbidden}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${LIB} contains ${forbidden}")
  endif()
endforeach()
execute_process(COMMAND nm -C -D --defined-only ${LIB} OUTPUT_VARIABLE exported)
string(REPLACE "\n" ";" lines "${exported}")
foreach(line IN LISTS lines)
  if(line STREQUAL "" OR line MATCHES " weft::v1::" OR line MATCHES "for weft::v1::"
     OR line MATCHES " WEFT_SDK_1$")
    continue()
  endif()
  message(FATAL_ERROR "${LIB} exports a symbol outside the public API: ${line}")
endforeach()
foreach(required "weft::v1::Tracer::StartSpan" "weft::v1::sdk::InitFromEnvironment"
                 "typeinfo for weft::v1::Sampler")
  string(FIND "${exported}" "${required}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${LIB} does not export ${required}")
  endif()
endforeach()
message(STATUS "${LIB}: no server code; exports the public API only")
