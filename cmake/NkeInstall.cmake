# Installation (cmake --install): everything a third party needs to judge an
# implementation or to build NKEs against OpenNKE, and a CMake package.
#
#   include/nke/*.h, include/nke/compat/...   the ABI and the legacy names
#   lib/libnke.so.1                           the reference implementation
#   lib/opennke/libnke_null.so                the null implementation
#   bin/nke-conformance                       the runner
#   libexec/opennke/nke-conformance-tests     the suite (+ nke-property-tests)
#   libexec/opennke/modules/*.nke.so          the suite's test NKE modules
#   share/opennke/rules.json                  the rule catalogue (+ buildtime_tests.json)
#   share/opennke/expectations/*.txt          expectation files
#   share/opennke/tools/abi_symbols.py        null/forwarding source generator
#   share/opennke/forwarding/                 forward_base.c + control.h
#   share/doc/opennke/nke-conformance.md      the runner's manual
#   lib/cmake/OpenNKE/                        find_package(OpenNKE CONFIG)
#
# The runner finds the suite, modules, rules and expectations relative to
# its own location (conformance/runner/src/layout.cpp), so an installed tree
# can be moved as a whole.
include(CMakePackageConfigHelpers)

set(NKE_INSTALL_LIBEXEC ${CMAKE_INSTALL_LIBEXECDIR}/opennke)
set(NKE_INSTALL_DATA ${CMAKE_INSTALL_DATADIR}/opennke)
set(NKE_INSTALL_CMAKE ${CMAKE_INSTALL_LIBDIR}/cmake/OpenNKE)

# --- run-time search paths: every installed program finds lib/libnke.so.1
# through RUNPATH ($ORIGIN-relative), which LD_LIBRARY_PATH overrides.
file(RELATIVE_PATH nke_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
file(RELATIVE_PATH nke_libexec_to_lib ${CMAKE_INSTALL_FULL_LIBEXECDIR}/opennke ${CMAKE_INSTALL_FULL_LIBDIR})

function(nke_collect_targets out dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    nke_collect_targets(more ${sub})
    list(APPEND targets ${more})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()
nke_collect_targets(nke_all_targets ${PROJECT_SOURCE_DIR})
foreach(t IN LISTS nke_all_targets)
  get_target_property(type ${t} TYPE)
  if(type STREQUAL "EXECUTABLE")
    set_target_properties(${t} PROPERTIES INSTALL_RPATH "$ORIGIN/${nke_bin_to_lib}")
    target_link_options(${t} PRIVATE -Wl,--enable-new-dtags)
  endif()
endforeach()

# --- the ABI headers and the reference
install(DIRECTORY ${PROJECT_SOURCE_DIR}/spec/include/nke DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/spec/compat/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nke/compat)
install(TARGETS nke_abi nke_compat EXPORT OpenNKETargets)
set_target_properties(nke PROPERTIES EXPORT_NAME nke)
install(TARGETS nke EXPORT OpenNKETargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET nke_null)
  install(TARGETS nke_null LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/opennke)
endif()

# --- the runner and the suite
install(TARGETS nke-conformance EXPORT OpenNKETargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(nke-conformance PROPERTIES INSTALL_RPATH "")  # it links no implementation
set(nke_suite_targets nke-conformance-tests)
if(TARGET nke-property-tests)
  list(APPEND nke_suite_targets nke-property-tests)
endif()
foreach(t IN LISTS nke_suite_targets)
  set_target_properties(${t} PROPERTIES INSTALL_RPATH "$ORIGIN/${nke_libexec_to_lib}")
endforeach()
install(TARGETS ${nke_suite_targets} RUNTIME DESTINATION ${NKE_INSTALL_LIBEXEC})
# The suite's test NKE modules: every target of conformance/modules.
get_property(nke_test_modules DIRECTORY ${PROJECT_SOURCE_DIR}/conformance/modules PROPERTY BUILDSYSTEM_TARGETS)
if(nke_test_modules)
  install(TARGETS ${nke_test_modules} LIBRARY DESTINATION ${NKE_INSTALL_LIBEXEC}/modules)
endif()
install(FILES ${NKE_RULES_JSON} ${PROJECT_SOURCE_DIR}/spec/tests/buildtime_tests.json
        DESTINATION ${NKE_INSTALL_DATA})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/conformance/expectations/ DESTINATION ${NKE_INSTALL_DATA}/expectations
        FILES_MATCHING PATTERN "*.txt")
install(FILES ${PROJECT_SOURCE_DIR}/conformance/runner/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME nke-conformance.md)

# --- what out-of-tree implementations and controls are built from
install(PROGRAMS ${PROJECT_SOURCE_DIR}/spec/tools/abi_symbols.py DESTINATION ${NKE_INSTALL_DATA}/tools)
install(FILES ${PROJECT_SOURCE_DIR}/conformance/controls/common/forward_base.c
              ${PROJECT_SOURCE_DIR}/conformance/controls/common/control.h
        DESTINATION ${NKE_INSTALL_DATA}/forwarding)

# The ABI version the headers declare, for the package's OpenNKE_ABI_VERSION.
file(STRINGS ${PROJECT_SOURCE_DIR}/spec/include/nke/types.h nke_abi_lines REGEX "#define NKE_ABI_VERSION_(MAJOR|MINOR) ")
string(REGEX REPLACE ".*MAJOR ([0-9]+).*" "\\1" nke_abi_major "${nke_abi_lines}")
string(REGEX REPLACE ".*MINOR ([0-9]+).*" "\\1" nke_abi_minor "${nke_abi_lines}")
set(NKE_PACKAGE_ABI_VERSION "${nke_abi_major}.${nke_abi_minor}")

# --- the CMake package: OpenNKE::abi, OpenNKE::compat, OpenNKE::nke,
# OpenNKE::nke-conformance, and opennke_add_module() & co.
install(EXPORT OpenNKETargets NAMESPACE OpenNKE:: DESTINATION ${NKE_INSTALL_CMAKE})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/package/OpenNKEConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/OpenNKEConfig.cmake
  INSTALL_DESTINATION ${NKE_INSTALL_CMAKE}
  PATH_VARS CMAKE_INSTALL_BINDIR NKE_INSTALL_LIBEXEC NKE_INSTALL_DATA CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/OpenNKEConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/OpenNKEConfig.cmake
              ${PROJECT_BINARY_DIR}/package/OpenNKEConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/package/OpenNKEFunctions.cmake
        DESTINATION ${NKE_INSTALL_CMAKE})
