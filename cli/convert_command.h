// `neurowatt convert SOURCE -o OUT`: an ONNX model, a native file or a preset
// written as a native Architecture, binary (.pb) or text (.textproto,
// .pbtxt) by OUT's extension. Counts of the written file equal the source's.
#ifndef NEUROWATT_CLI_CONVERT_COMMAND_H_
#define NEUROWATT_CLI_CONVERT_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"

namespace neurowatt::cli {

const CommandSpec& ConvertSpec();

// Runs the command on `args` (the words after "convert"). Returns the exit
// code.
int RunConvert(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_CONVERT_COMMAND_H_
