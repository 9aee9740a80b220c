// Command-line parsing for the neurowatt subcommands. Each command declares
// its flags; anything else is an error, so typos never pass silently.
#ifndef NEUROWATT_CLI_ARGS_H_
#define NEUROWATT_CLI_ARGS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace neurowatt::cli {

struct FlagSpec {
  std::string name;        // long form without dashes: "format"
  char short_name = '\0';  // 'o' for -o, or none
  std::string value_name;  // "FILE"; empty for a boolean switch
  std::string help;
  bool repeated = false;  // may be given more than once
};

struct CommandSpec {
  std::string name;     // "count"
  std::string usage;    // "SOURCE [flags]"
  std::string summary;  // one line
  std::string details;  // paragraphs after the flags, may be empty
  std::vector<FlagSpec> flags;
  size_t min_positional = 0;
  size_t max_positional = 0;
};

class ParsedArgs {
 public:
  bool help = false;
  std::vector<std::string> positional;

  bool Has(const std::string& flag) const { return values_.count(flag) > 0; }
  // The flag's value (the last one when repeated), if given.
  std::optional<std::string> Get(const std::string& flag) const;
  // Every value of a repeated flag, in order.
  std::vector<std::string> GetAll(const std::string& flag) const;

  void Add(const std::string& flag, std::string value) {
    values_[flag].push_back(std::move(value));
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// Parses `args` (the words after the subcommand). "--flag VALUE",
// "--flag=VALUE", "-f VALUE" and "--" are understood; --help and -h set
// `help` and skip the positional count check. Errors (InvalidArgument) name
// the offending word.
absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec,
                                     const std::vector<std::string>& args);

// "usage: neurowatt NAME USAGE", the summary, the flags and the details.
std::string HelpText(const CommandSpec& spec);

// The exit code for a failed command: 2 when the user's input or arguments
// are wrong (InvalidArgument, NotFound, PermissionDenied, OutOfRange,
// FailedPrecondition), 1 for anything else (an internal failure).
int ExitCodeFor(const absl::Status& status);

// `status` worded for the command line: where its detail (util/error.h)
// names a dimension, a precision, a profile or a spike setting, the flag
// that sets it is named too.
absl::Status InFlagTerms(const absl::Status& status);

// Parses `args` for `spec`, prints help for --help, else calls `run`. Errors
// go to `err` as "neurowatt NAME: message" (InFlagTerms). Returns the exit
// code.
int RunCommand(
    const CommandSpec& spec, const std::vector<std::string>& args,
    std::ostream& out, std::ostream& err,
    const std::function<absl::Status(const ParsedArgs&, std::ostream&)>& run);

// The same for commands that also warn on `err` (run's third argument).
int RunCommand(const CommandSpec& spec, const std::vector<std::string>& args,
               std::ostream& out, std::ostream& err,
               const std::function<absl::Status(
                   const ParsedArgs&, std::ostream&, std::ostream&)>& run);

// Progress of a long run on stderr: "\rCOMMAND: done / total WHAT (n%)",
// on a terminal, or once the run has taken two seconds; at most twice a
// second. The line is ended when the object goes.
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, std::string command, std::string what);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  void operator()(int64_t done, int64_t total);

 private:
  std::ostream& err_;
  std::string command_, what_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

// `message` on one line: line breaks and other control characters that a
// user's names may carry are escaped, so that every error is one line.
std::string OneLine(absl::string_view message);

// Returns `value` when it is one of `allowed`, else an error naming `flag`.
absl::StatusOr<std::string> OneOf(const std::string& flag,
                                  const std::string& value,
                                  const std::vector<std::string>& allowed);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_ARGS_H_
