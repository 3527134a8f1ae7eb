# fix-dbgsym.cmake - CPack post-build script: repair every dbgsym .ddeb
# CPack wrote next to the packages (see fix-dbgsym.sh).
foreach(pkg IN LISTS CPACK_PACKAGE_FILES)
  get_filename_component(dir "${pkg}" DIRECTORY)
  file(GLOB ddebs "${dir}/*-dbgsym_*.ddeb")
  foreach(ddeb IN LISTS ddebs)
    execute_process(COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/fix-dbgsym.sh" "${ddeb}"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "fix-dbgsym.sh ${ddeb} failed")
    endif()
  endforeach()
endforeach()
