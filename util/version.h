// The version of neurowatt, as the CMake project declares it (a test keeps
// the two equal).
#ifndef NEUROWATT_UTIL_VERSION_H_
#define NEUROWATT_UTIL_VERSION_H_

namespace neurowatt {

inline constexpr char kVersion[] = "0.1.0";

}  // namespace neurowatt

#endif  // NEUROWATT_UTIL_VERSION_H_
