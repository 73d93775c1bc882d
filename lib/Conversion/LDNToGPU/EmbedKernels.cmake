# Writes ${OUTPUT}: one C++ initializer entry per kernel source in ${SOURCES}
# (a |-separated list), {"<file stem>", R"ldnkernel(<text>)ldnkernel"}, so
# the kernels ship inside the compiler and need no files at run time.
string(REPLACE "|" ";" sources "${SOURCES}")
set(entries "")
foreach(source ${sources})
  get_filename_component(stem ${source} NAME_WE)
  file(READ ${source} text)
  string(APPEND entries "{\"${stem}\", R\"ldnkernel(${text})ldnkernel\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "${entries}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different
                ${OUTPUT}.tmp ${OUTPUT})
