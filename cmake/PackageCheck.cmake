# Run by cpack (CPACK_PROJECT_CONFIG_FILE, cmake/Package.cmake): a Debian package is only
# built from a build configured for /usr, where its programs look for their data.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_PACKAGING_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "coach: a .deb must be built from a build configured with "
                      "-DCMAKE_INSTALL_PREFIX=/usr (this one has ${CPACK_PACKAGING_INSTALL_PREFIX}); "
                      "bash .ci/package does it")
endif()
