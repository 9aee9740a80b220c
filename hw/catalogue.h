// The text of the built-in profiles, generated at build time from
// hw/profiles/*.textproto so that the binary needs no data files.
#ifndef NEUROWATT_HW_CATALOGUE_H_
#define NEUROWATT_HW_CATALOGUE_H_

#include <utility>
#include <vector>

namespace neurowatt {

// (file name, text) of each hw/profiles/*.textproto.
const std::vector<std::pair<const char*, const char*>>& CatalogueTexts();

}  // namespace neurowatt

#endif  // NEUROWATT_HW_CATALOGUE_H_
