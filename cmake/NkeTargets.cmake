# Helpers shared by every folder.

# nke_warnings(<target>): the project's warning set; errors in our own code.
function(nke_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wformat=2
                         $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast>)
  if(NKE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# nke_module(<name> SOURCES ...): an NKE module, a shared object that defines
# kmod_info and leaves its ABI references undefined; the implementation that
# loads it resolves them (spec/module.md).
function(nke_module name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE nke::abi)
  set_target_properties(${name} PROPERTIES PREFIX "" SUFFIX ".nke.so")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
  nke_warnings(${name})
endfunction()
