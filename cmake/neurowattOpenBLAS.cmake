# OpenBLAS::OpenBLAS from the variables Debian's OpenBLASConfig.cmake sets
# (it defines no target). The build links the target rather than
# ${OpenBLAS_LIBRARIES}, so that the exported neurowatt::bench names it
# instead of this machine's path to libopenblas; neurowattConfig.cmake
# includes this file after find_dependency(OpenBLAS) to define it again.
if(NOT TARGET OpenBLAS::OpenBLAS)
  add_library(OpenBLAS::OpenBLAS INTERFACE IMPORTED)
  set_target_properties(OpenBLAS::OpenBLAS PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${OpenBLAS_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${OpenBLAS_LIBRARIES}")
endif()
