# Writes generated/build_info.hpp (host/build_info.hpp.in) with the git description of the source
# tree as it is built. Run at configure time and again at every build (the lobule_build_info
# target), so that a rebuild after a commit records that commit, not the one the build folder
# was configured at; configure_file rewrites the header only when its text changes, so an
# unchanged tree recompiles nothing. Inputs: SOURCE_DIR, OUTPUT and the build facts the
# template names (PROJECT_VERSION, CMAKE_BUILD_TYPE, the compilers, LOBULE_CUDA_ARCHS: the architectures
# joined by commas, LOBULE_PYTHON_EXECUTABLE).
execute_process(COMMAND git describe --always --dirty
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE LOBULE_GIT OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
if(NOT LOBULE_GIT)
  set(LOBULE_GIT unknown)
endif()
string(REPLACE "," ";" CMAKE_CUDA_ARCHITECTURES "${LOBULE_CUDA_ARCHS}")
configure_file(${SOURCE_DIR}/host/build_info.hpp.in ${OUTPUT} @ONLY)
