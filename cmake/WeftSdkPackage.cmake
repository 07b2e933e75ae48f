# `cmake --install build --prefix P` installs the SDK: include/weft/*.h, lib/libweft_sdk.so and a
# CMake package (lib/cmake/weft) so an outside project does
#   find_package(weft REQUIRED)
#   target_link_libraries(app PRIVATE weft::sdk)
# Only the SDK is installed (component "sdk"). weft/http_beast.h needs Boost headers, found by
# the user's project.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS weft_sdk EXPORT weftTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/weft
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT sdk FILES_MATCHING PATTERN "*.h")
install(EXPORT weftTargets NAMESPACE weft::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft COMPONENT sdk)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/weftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/weftConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/weftConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/weftConfig.cmake ${PROJECT_BINARY_DIR}/weftConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft COMPONENT sdk)
