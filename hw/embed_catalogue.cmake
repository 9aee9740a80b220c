# Writes OUTPUT, a C++ file defining neurowatt::CatalogueTexts() with the
# text of every PROFILE_DIR/*.textproto, in name order.
file(GLOB PROFILES ${PROFILE_DIR}/*.textproto)
list(SORT PROFILES)
set(body "")
foreach(path ${PROFILES})
  file(READ ${path} text)
  get_filename_component(name ${path} NAME)
  string(APPEND body "      {\"${name}\", R\"nwprofile(${text})nwprofile\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from hw/profiles by hw/embed_catalogue.cmake. Do not edit.
#include \"hw/catalogue.h\"

namespace neurowatt {

const std::vector<std::pair<const char*, const char*>>& CatalogueTexts() {
  static const auto* texts = new std::vector<std::pair<const char*, const char*>>{
${body}  };
  return *texts;
}

}  // namespace neurowatt
")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
