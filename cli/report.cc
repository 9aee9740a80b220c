#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "estimators/spike_curves.h"
#include "render/format.h"
#include "render/report_html.h"
#include "util/atomic_file.h"

namespace neurowatt::cli {
namespace {

using absl::StrCat;

// What `report` prices when the user names nothing: the seed chapter's
// 45 nm processor and a current GPU, Loihi's published energies and the
// current Loihi 2, and the brain; each sized to hold the network.
constexpr const char* kDefaultProfiles[] = {"horowitz-45nm", "h100-sxm",
                                            "loihi", "loihi2", "brain"};
constexpr const char* kDefaultTimesteps = "16";
constexpr const char* kDefaultRate = "0.05";

std::string Summary(const v1::CostReport& r, const std::string& path,
                    size_t bytes) {
  std::string out = StrCat("model: ", r.model(), "\n");
  for (const auto& h : r.hardware()) {
    absl::StrAppend(
        &out,
        absl::StrFormat("  %-16s %-12s %12s per inference on %d chip(s)",
                        h.name(), h.kind(), Si(h.energy_per_inference_j(), "J"),
                        h.system().chips()),
        // A language model run as it serves or trains: its token rate.
        h.has_tokens_per_second() && r.scenario().phase() != v1::FORWARD &&
                r.scenario().phase() != v1::PHASE_UNSPECIFIED
            ? absl::StrFormat(", %.4g tokens/s", h.tokens_per_second())
            : std::string(),
        "\n");
  }
  for (const v1::Unpriced& u : r.unpriced()) {
    absl::StrAppend(
        &out,
        absl::StrFormat("  %-16s %s: %s", u.name(),
                        u.does_not_fit() ? "does not fit" : "not priced",
                        u.reason()),
        "\n");
  }
  for (const auto& b : r.break_even()) {
    absl::StrAppend(&out,
                    absl::StrFormat("  break-even %s vs %s: %.4g spikes per "
                                    "neuron per step%s",
                                    b.neuromorphic(), b.von_neumann(),
                                    b.spikes_per_neuron_per_step(),
                                    b.feasible() ? "" : " (not feasible)"),
                    "\n");
  }
  absl::StrAppend(&out, "report: ", path, " (",
                  BytesReal(static_cast<double>(bytes)), ")\n");
  return out;
}

absl::Status Run(const ParsedArgs& given, std::ostream& out,
                 std::ostream& err) {
  ParsedArgs args = given;
  std::vector<std::string> notes;
  if (!args.Has("hw")) {
    for (const char* hw : kDefaultProfiles) args.Add("hw", hw);
    notes.push_back(
        "Profiles: the default set (horowitz-45nm, h100-sxm, loihi, loihi2, "
        "brain), each system sized to hold the network (--chips auto); "
        "choose others with --hw.");
  }
  if (!args.Has("activity")) {
    if (!args.Has("timesteps")) args.Add("timesteps", kDefaultTimesteps);
    if (!args.Has("spike-rate")) {
      args.Add("spike-rate", kDefaultRate);
      notes.push_back(StrCat(
          "Spike activity: a default (rate coding, T = ", kDefaultTimesteps,
          ", ", kDefaultRate,
          " spikes per neuron per step), not a measured "
          "one; the spike-rate chart shows every rate. Set --timesteps and "
          "--spike-rate, or --activity FILE."));
    }
  }
  auto in = LoadPriceable(args);
  if (!in.ok()) return in.status();
  WarnUncounted(in->model.source, in->model.count, err);
  PricingOptions options;
  options.keep_going = true;
  options.break_even = true;
  auto p = Price(in->model, in->hardware, in->scenario, options);
  if (!p.ok()) return p.status();
  for (const v1::Unpriced& u : p->report.unpriced()) {
    notes.push_back(StrCat("Not priced: ", in->model.source, " on ", u.name(),
                           ": ", u.reason()));
  }
  const std::string path = args.Get("output").value_or("report.html");
  const std::string html =
      ReportHtml(in->model, *p, SpikeCurves(in->model.count, *p), notes);
  if (auto st = WriteFileAtomically(path, html); !st.ok()) return st;
  out << Summary(p->report, path, html.size());
  return absl::OkStatus();
}

}  // namespace

const CommandSpec& ReportSpec() {
  static const auto* spec = [] {
    std::vector<FlagSpec> flags;
    for (FlagSpec f : PricingFlags()) {
      if (f.name == "format" || f.name == "per-layer" || f.name == "prompt" ||
          f.name == "generate") {
        continue;
      }
      if (f.name == "output") f.help = "the HTML file (default report.html)";
      if (f.name == "hw") {
        f.help =
            "hardware profile (repeatable; default horowitz-45nm, "
            "h100-sxm, loihi, loihi2, brain)";
      }
      flags.push_back(f);
    }
    return new CommandSpec{
        "report",
        "SOURCE [--hw P ...] [spike flags] [-o report.html]",
        "One self-contained HTML report with charts and sources.\n"
        "Where the energy goes per layer and hardware, a roofline per von\n"
        "Neumann profile, energy against spike rate with the break-even\n"
        "points, the neuron view against the human brain, and every\n"
        "assumption and source. Prints a short summary and the file's path.",
        "The file needs nothing from the network: charts are inline SVG and\n"
        "the style is inline. Without spike flags a default activity (T = 16,\n"
        "0.05 spikes per neuron per step) is used and labelled as such.\n",
        flags,
        1,
        1};
  }();
  return *spec;
}

int RunReport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  return RunCommand(ReportSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
