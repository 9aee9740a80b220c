#include "cli/args.h"

#include <unistd.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "util/error.h"

namespace neurowatt::cli {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

const FlagSpec* FindLong(const CommandSpec& spec, const std::string& name) {
  for (const auto& f : spec.flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FlagSpec* FindShort(const CommandSpec& spec, char c) {
  for (const auto& f : spec.flags) {
    if (f.short_name != '\0' && f.short_name == c) return &f;
  }
  return nullptr;
}

}  // namespace

std::string OneLine(absl::string_view message) {
  std::string out;
  for (char c : message) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> ParsedArgs::Get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec,
                                     const std::vector<std::string>& args) {
  ParsedArgs out;
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positional || a.size() < 2 || a[0] != '-') {
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      out.help = true;
      continue;
    }
    const FlagSpec* f = nullptr;
    std::optional<std::string> inline_value;
    if (absl::StartsWith(a, "--")) {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      f = FindLong(spec, name);
    } else if (a.size() == 2) {
      f = FindShort(spec, a[1]);
    }
    if (f == nullptr) {
      return InvalidArgumentError(StrCat("unknown flag '", a, "' for '",
                                         spec.name, "' (see neurowatt ",
                                         spec.name, " --help)"));
    }
    if (out.Has(f->name) && !f->repeated) {
      return InvalidArgumentError(
          StrCat("--", f->name, " is given more than once"));
    }
    if (f->value_name.empty()) {
      if (inline_value) {
        return InvalidArgumentError(StrCat("--", f->name, " takes no value"));
      }
      out.Add(f->name, "true");
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) {
        return InvalidArgumentError(
            StrCat("--", f->name, " needs a value (", f->value_name, ")"));
      }
      inline_value = args[++i];
    }
    out.Add(f->name, *inline_value);
  }
  if (!out.help) {
    if (out.positional.size() < spec.min_positional) {
      return InvalidArgumentError(StrCat("'", spec.name, "' needs ", spec.usage,
                                         " (see neurowatt ", spec.name,
                                         " --help)"));
    }
    if (out.positional.size() > spec.max_positional) {
      return InvalidArgumentError(StrCat("unexpected argument '",
                                         out.positional[spec.max_positional],
                                         "' for '", spec.name, "'"));
    }
  }
  return out;
}

std::string HelpText(const CommandSpec& spec) {
  std::string out = StrCat("usage: neurowatt ", spec.name, " ", spec.usage,
                           "\n\n", spec.summary, "\n\nflags:\n");
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& f : spec.flags) {
    std::string left =
        f.short_name ? StrCat("-", std::string(1, f.short_name), ", --", f.name)
                     : StrCat("    --", f.name);
    if (!f.value_name.empty()) absl::StrAppend(&left, " ", f.value_name);
    rows.emplace_back(left, f.help);
  }
  rows.emplace_back("-h, --help", "show this help and exit");
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  for (const auto& [left, help] : rows) {
    absl::StrAppend(&out, "  ", left, std::string(width + 2 - left.size(), ' '),
                    help, "\n");
  }
  if (!spec.details.empty()) absl::StrAppend(&out, "\n", spec.details);
  return out;
}

absl::Status InFlagTerms(const absl::Status& status) {
  const auto detail = DetailOf(status);
  if (!detail) return status;
  const std::string& name = detail->name;
  std::string hint;
  switch (detail->subject) {
    case ErrorSubject::kUnknownDimension:
      hint = StrCat("check --dim ", name);
      break;
    case ErrorSubject::kUnboundDimension:
      hint = StrCat("bind it with --dim ", name, "=N");
      break;
    case ErrorSubject::kNoBatchDimension:
      hint = "--batch needs a symbolic 'batch' dimension";
      break;
    case ErrorSubject::kPrecision:
      hint = "choose another --precision";
      break;
    case ErrorSubject::kUnknownProfile:
      hint = "--hw takes a name from neurowatt profiles or a profile file";
      break;
    case ErrorSubject::kTimesteps:
      hint = "set --timesteps T";
      break;
    case ErrorSubject::kSpikeRate:
      hint = "check --spike-rate";
      break;
    case ErrorSubject::kInputRate:
      hint = "check --input-rate";
      break;
    case ErrorSubject::kLayerRate:
      hint = StrCat("check --layer-rate ", name, "=R");
      break;
    case ErrorSubject::kCapacity:
      hint = "size the system with --chips N or --chips auto";
      break;
    case ErrorSubject::kChips:
      hint = "check --chips";
      break;
    case ErrorSubject::kPhase:
      hint = "check --phase and --context";
      break;
  }
  return absl::Status(status.code(), StrCat(status.message(), "; ", hint));
}

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 0;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      return 2;
    default:
      return 1;
  }
}

int RunCommand(
    const CommandSpec& spec, const std::vector<std::string>& args,
    std::ostream& out, std::ostream& err,
    const std::function<absl::Status(const ParsedArgs&, std::ostream&)>& run) {
  auto parsed = ParseArgs(spec, args);
  absl::Status status = parsed.status();
  if (parsed.ok() && parsed->help) {
    out << HelpText(spec);
    return 0;
  }
  if (parsed.ok()) status = run(*parsed, out);
  if (status.ok() && !out.flush()) {
    status = absl::InternalError(
        "cannot write the output (standard output "
        "failed)");
  }
  if (!status.ok()) {
    err << "neurowatt " << spec.name << ": "
        << OneLine(InFlagTerms(status).message()) << "\n";
  }
  return ExitCodeFor(status);
}

int RunCommand(const CommandSpec& spec, const std::vector<std::string>& args,
               std::ostream& out, std::ostream& err,
               const std::function<absl::Status(
                   const ParsedArgs&, std::ostream&, std::ostream&)>& run) {
  return RunCommand(spec, args, out, err,
                    [&run, &err](const ParsedArgs& a, std::ostream& o) {
                      return run(a, o, err);
                    });
}

absl::StatusOr<std::string> OneOf(const std::string& flag,
                                  const std::string& value,
                                  const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    return value;
  }
  return InvalidArgumentError(StrCat("--", flag, " ", value,
                                     ": expected one of ",
                                     absl::StrJoin(allowed, ", ")));
}

ProgressLine::ProgressLine(std::ostream& err, std::string command,
                           std::string what)
    : err_(err),
      command_(std::move(command)),
      what_(std::move(what)),
      tty_(::isatty(2)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressLine::~ProgressLine() {
  if (last_ != start_) err_ << "\n";
}

void ProgressLine::operator()(int64_t done, int64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(500) ||
      (!tty_ && now - start_ < std::chrono::seconds(2))) {
    return;
  }
  last_ = now;
  err_ << absl::StrFormat(
              "\r%s: %d / %d %s (%.0f%%)", command_, done, total, what_,
              100.0 * static_cast<double>(done) / static_cast<double>(total))
       << std::flush;
}

}  // namespace neurowatt::cli
