# Functions of the OpenNKE CMake package (included by OpenNKEConfig.cmake).

# opennke_add_module(<name> SOURCES <src>... [OUTPUT_DIRECTORY <dir>])
#
# An NKE module: a shared object <name>.nke.so that defines kmod_info
# (KMOD_DECL / KMOD_EXPLICIT_DECL) and leaves its ABI references undefined;
# whichever implementation loads it (kmod_load) resolves them.  A module never
# links an implementation.
function(opennke_add_module name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "opennke_add_module(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE OpenNKE::abi)
  set_target_properties(${name} PROPERTIES PREFIX "" SUFFIX ".nke.so"
                        C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
endfunction()

# opennke_add_forwarding_implementation(<name>
#     [NAME "<impl_name>"] [OVERRIDES <symbol>...] [SOURCES <src>...] [REFERENCE <path>])
#
# A shared library lib<name>.so that implements the ABI by forwarding every
# function to the reference (loaded privately with RTLD_LOCAL, from REFERENCE
# or the installed OpenNKE::nke; the environment variable NKE_CONTROL_REFERENCE
# overrides it at run time), except the OVERRIDES, which SOURCES define
# (#include "control.h"; REAL(fn) reaches the reference's fn).  Its
# nke_harness_v1() reports NAME.  This is how the suite's negative controls
# are built; use it for your own controls, or to wrap the reference.
function(opennke_add_forwarding_implementation name)
  cmake_parse_arguments(ARG "" "NAME;REFERENCE" "OVERRIDES;SOURCES" ${ARGN})
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  if(NOT ARG_NAME)
    set(ARG_NAME "${name}")
  endif()
  if(NOT ARG_REFERENCE)
    set(ARG_REFERENCE "$<TARGET_FILE:OpenNKE::nke>")
  endif()
  set(exclude nke_harness_v1 ${ARG_OVERRIDES})
  list(JOIN exclude "," exclude_arg)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}_forward.c)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${Python3_EXECUTABLE} ${OpenNKE_DATA_DIR}/tools/abi_symbols.py forward-c
            --include ${OpenNKE_INCLUDE_DIR} --exclude ${exclude_arg} -o ${out}
    DEPENDS ${OpenNKE_DATA_DIR}/tools/abi_symbols.py
    COMMENT "Generating the forwarding functions of ${name}")
  add_library(${name} SHARED ${out} ${OpenNKE_DATA_DIR}/forwarding/forward_base.c ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${OpenNKE_DATA_DIR}/forwarding)
  target_compile_definitions(${name} PRIVATE NKE_CONTROL_NAME="${name}" NKE_FORWARD_IMPL_NAME="${ARG_NAME}"
                             NKE_CONTROL_REFERENCE="${ARG_REFERENCE}")
  target_link_libraries(${name} PRIVATE OpenNKE::abi Threads::Threads ${CMAKE_DL_LIBS})
  set_target_properties(${name} PROPERTIES C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden)
endfunction()

# opennke_add_conformance_test(<test> IMPLEMENTATION <target-or-path>
#     [EXPECTATIONS <file>|none] [ARGS <runner option>...])
#
# A CTest test that judges the implementation with the installed suite
# (nke-conformance --impl ...); the reports go to <build dir>/<test>-report.
function(opennke_add_conformance_test test)
  cmake_parse_arguments(ARG "" "IMPLEMENTATION;EXPECTATIONS" "ARGS" ${ARGN})
  if(NOT ARG_IMPLEMENTATION)
    message(FATAL_ERROR "opennke_add_conformance_test(${test}): IMPLEMENTATION is required")
  endif()
  set(impl ${ARG_IMPLEMENTATION})
  if(TARGET ${ARG_IMPLEMENTATION})
    set(impl $<TARGET_FILE:${ARG_IMPLEMENTATION}>)
  endif()
  set(args --impl ${impl} --report-dir ${CMAKE_CURRENT_BINARY_DIR}/${test}-report)
  if(ARG_EXPECTATIONS)
    list(APPEND args --expectations ${ARG_EXPECTATIONS})
  endif()
  add_test(NAME ${test} COMMAND OpenNKE::nke-conformance ${args} ${ARG_ARGS})
  set_tests_properties(${test} PROPERTIES LABELS "conformance" TIMEOUT 1800)
endfunction()
