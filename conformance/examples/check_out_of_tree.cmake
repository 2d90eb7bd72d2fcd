# cmake -DBUILD_DIR=... -DEXAMPLE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DC_COMPILER=... -P check_out_of_tree.cmake
#
# 1. cmake --install the OpenNKE build into WORK_DIR/prefix
# 2. configure and build the out-of-tree example against that prefix only
# 3. run the example's own CTest test (the installed suite judging it)
# 4. run the installed nke-conformance --impl on the example's implementation
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "out-of-tree check: ${what} failed (${rc})")
  endif()
  message(STATUS "out-of-tree check: ${what}: ok")
endfunction()

step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
# Nothing of the build tree may leak into the example: only the prefix.
step("configure" ${CMAKE_COMMAND} -S ${EXAMPLE_DIR} -B ${build} -G ${GENERATOR}
     -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Debug)
step("build" ${CMAKE_COMMAND} --build ${build})
step("ctest" ${CMAKE_CTEST_COMMAND} --test-dir ${build} --output-on-failure)
step("nke-conformance --impl libnke_example.so"
     ${prefix}/bin/nke-conformance --impl ${build}/libnke_example.so --report-dir ${WORK_DIR}/report
     --jobs 2 --quiet --color=never)
if(NOT EXISTS ${WORK_DIR}/report/report.html)
  message(FATAL_ERROR "out-of-tree check: no report.html")
endif()
file(READ ${WORK_DIR}/report/results.json results)
string(JSON impl GET "${results}" implementation name)
if(NOT impl STREQUAL "OpenNKE out-of-tree example")
  message(FATAL_ERROR "out-of-tree check: the report names '${impl}'")
endif()
# The module was built against the installed headers and loads in the
# installed reference through the installed tool.
if(EXISTS ${prefix}/bin/nke-kext)
  step("nke-kext load example_hello.nke.so" ${prefix}/bin/nke-kext load ${build}/example_hello.nke.so
       unload com.example.hello)
endif()
