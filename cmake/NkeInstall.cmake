# Installation: the ABI headers, the reference library, the suite, the
# runner and a CMake package (find_package(OpenNKE)).  Filled in by the
# targets that exist; see conformance/runner for the suite's part.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/spec/include/nke DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/spec/compat/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nke/compat)
install(TARGETS nke_abi nke_compat EXPORT OpenNKETargets)
install(TARGETS nke EXPORT OpenNKETargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
