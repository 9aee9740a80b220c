#include "hw/profile.h"

#include <cmath>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hw/catalogue.h"
#include "hw/system_params.h"
#include "hw/von_neumann_params.h"
#include "util/error.h"
#include "util/proto_io.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

enum class Range { kPositive, kNonNegative };

class Validator {
 public:
  explicit Validator(const v1::HardwareProfile& p) : p_(p) {}

  absl::Status Run() {
    if (p_.name().empty()) {
      return InvalidArgumentError("profile has no name");
    }
    for (int i = 0; i < p_.sources_size(); ++i) {
      const v1::Source& s = p_.sources(i);
      const std::string where = StrCat("sources[", i, "]");
      if (s.id().empty()) return Error(where, "has no id");
      if (!ids_.insert(s.id()).second) {
        return Error(where, StrCat("id '", s.id(), "' is declared twice"));
      }
      switch (s.kind()) {
        case v1::Source::CATALOGUE:
          if (s.citation().empty()) {
            return Error(where, "is a catalogue source without a citation");
          }
          break;
        case v1::Source::CALIBRATED:
          if (s.host().empty() || s.date().empty()) {
            return Error(where, "is calibrated but lacks host or date");
          }
          break;
        case v1::Source::USER:
          break;
        case v1::Source::ASSUMED:
          if (s.note().empty()) {
            return Error(where, "is an assumption without a note saying why");
          }
          break;
        default:
          return Error(where,
                       "has no kind (catalogue, calibrated, user, "
                       "assumed)");
      }
    }
    if (p_.has_system()) {
      if (auto s = System(p_.system()); !s.ok()) return s;
    }
    switch (p_.kind_case()) {
      case v1::HardwareProfile::kVonNeumann:
        return VonNeumann(p_.von_neumann());
      case v1::HardwareProfile::kNeuromorphic:
        return Neuromorphic(p_.neuromorphic());
      default:
        return InvalidArgumentError(
            StrCat("profile '", p_.name(),
                   "': no kind (von_neumann or neuromorphic) is set"));
    }
  }

 private:
  absl::Status Error(const std::string& where, const std::string& what) const {
    return InvalidArgumentError(
        StrCat("profile '", p_.name(), "': ", where, " ", what));
  }

  absl::Status Check(bool present, const v1::Quantity& q,
                     const std::string& where, Range range) const {
    if (!present) return Error(where, "is missing");
    if (!std::isfinite(q.value())) {
      return Error(where, StrCat("is ", q.value(), ", not a finite number"));
    }
    if (q.value() < 0 || (range == Range::kPositive && q.value() == 0)) {
      return Error(where, StrCat("is ", q.value(), "; it must be ",
                                 range == Range::kPositive ? "positive"
                                                           : "zero or more"));
    }
    if (q.source().empty()) return Error(where, "names no source");
    if (!ids_.count(q.source())) {
      return Error(where, StrCat("names source '", q.source(),
                                 "', which the profile does not declare"));
    }
    return absl::OkStatus();
  }

#define NW_OPTIONAL_AT(msg, field, where, range)                         \
  if (msg.has_##field()) {                                               \
    if (auto s = Check(true, msg.field(), StrCat(where, #field), range); \
        !s.ok())                                                         \
      return s;                                                          \
  }

#define NW_CHECK(msg, field, where, range)                                     \
  if (auto s =                                                                 \
          Check(msg.has_##field(), msg.field(), StrCat(where, #field), range); \
      !s.ok())                                                                 \
    return s;

  absl::Status VonNeumann(const v1::VonNeumannProfile& v) const {
    NW_CHECK(v, process_nm, "", Range::kPositive);
    NW_CHECK(v, clock_hz, "", Range::kPositive);
    NW_CHECK(v, cores, "", Range::kPositive);
    NW_CHECK(v, static_power_w, "", Range::kNonNegative);
    if (v.precisions().empty()) {
      return Error("precisions", "is empty: give at least fp32");
    }
    std::set<int> seen;
    for (int i = 0; i < v.precisions_size(); ++i) {
      const v1::PrecisionFigures& f = v.precisions(i);
      const std::string where = StrCat(
          "precisions[", i, "] ", v1::ElementType_Name(f.precision()), ".");
      if (f.precision() == v1::ELEMENT_TYPE_UNSPECIFIED ||
          !v1::ElementType_IsValid(f.precision())) {
        return Error(where, "has no valid precision");
      }
      if (!seen.insert(f.precision()).second) {
        return Error(where, "is given twice");
      }
      NW_CHECK(f, peak_ops_per_s, where, Range::kPositive);
      NW_CHECK(f, mul_energy_j, where, Range::kNonNegative);
      NW_CHECK(f, add_energy_j, where, Range::kNonNegative);
    }
    if (v.memory().empty()) return Error("memory", "is empty");
    if (v.memory_size() > kMaxMemoryLevels) {
      return Error("memory",
                   StrCat("has ", v.memory_size(), " levels; at most ",
                          kMaxMemoryLevels, " are supported"));
    }
    double previous = 0;
    for (int i = 0; i < v.memory_size(); ++i) {
      const v1::MemoryLevel& m = v.memory(i);
      const std::string where = StrCat("memory[", i, "] '", m.name(), "'.");
      if (m.name().empty())
        return Error(StrCat("memory[", i, "]"), "has no name");
      NW_CHECK(m, capacity_bytes, where, Range::kPositive);
      NW_CHECK(m, read_energy_j_per_bit, where, Range::kNonNegative);
      NW_CHECK(m, write_energy_j_per_bit, where, Range::kNonNegative);
      NW_CHECK(m, bandwidth_bytes_per_s, where, Range::kPositive);
      switch (m.technology()) {
        case v1::MemoryLevel::SRAM:
          NW_CHECK(m, leakage_w_per_bit, where, Range::kNonNegative);
          break;
        case v1::MemoryLevel::DRAM:
          NW_CHECK(m, refresh_w_per_bit, where, Range::kNonNegative);
          NW_CHECK(m, standby_w_per_bit, where, Range::kNonNegative);
          break;
        default:
          return Error(where, "technology is unspecified (SRAM or DRAM)");
      }
      if (m.capacity_bytes().value() <= previous) {
        return Error(where,
                     StrCat("capacity_bytes ", m.capacity_bytes().value(),
                            " is not larger than the level before it; "
                            "levels go nearest first"));
      }
      previous = m.capacity_bytes().value();
    }
    std::set<std::string> classes;
    for (int i = 0; i < v.efficiency_size(); ++i) {
      const v1::KernelEfficiency& e = v.efficiency(i);
      const std::string where =
          StrCat("efficiency[", i, "] '", e.kernel_class(), "'.");
      if (KernelClassIndex(e.kernel_class()) < 0) {
        return Error(where,
                     "is not a kernel class (gemm_large, gemm_small, "
                     "gemv, conv, depthwise, elementwise, pool)");
      }
      if (e.rows() < 0 || (e.rows() > 0 && e.kernel_class() != "gemm_small")) {
        return Error(where, StrCat("rows is ", e.rows(),
                                   ": only gemm_small is measured by rows "
                                   "(1 or more)"));
      }
      if (!classes.insert(StrCat(e.kernel_class(), "/", e.rows())).second) {
        return Error(where, "is given twice");
      }
      NW_CHECK(e, fraction, where, Range::kPositive);
      if (e.fraction().value() > 1) {
        return Error(where, "fraction is above 1 (faster than the roofline)");
      }
      if (e.has_call_s()) {
        if (e.rows() > 0) {
          return Error(StrCat(where, "call_s"),
                       "is given with rows: a class has one call cost, on "
                       "its entry without rows");
        }
        NW_CHECK(e, call_s, where, Range::kNonNegative);
      }
    }
    if (v.has_spike_events_per_s()) {
      NW_CHECK(v, spike_events_per_s, "", Range::kPositive);
    }
    if (v.has_kernel_call_s()) {
      NW_CHECK(v, kernel_call_s, "", Range::kNonNegative);
    }
    NW_OPTIONAL_AT(v, instruction_energy_j, "", Range::kNonNegative);
    if (v.has_vector_lanes()) {
      NW_CHECK(v, vector_lanes, "", Range::kPositive);
      if (v.vector_lanes().value() < 1) {
        return Error("vector_lanes", StrCat("is ", v.vector_lanes().value(),
                                            ": at least 1 element"));
      }
    }
    if (v.has_software()) {
      NW_CHECK(v.software(), dispatch_s, "software.", Range::kNonNegative);
      NW_OPTIONAL_AT(v.software(), cores_used, "software.", Range::kPositive);
      NW_OPTIONAL_AT(v.software(), call_s, "software.", Range::kNonNegative);
    }
    if (v.has_busy_power_w()) {
      NW_CHECK(v, busy_power_w, "", Range::kPositive);
      if (v.busy_power_w().value() < v.static_power_w().value()) {
        return Error("busy_power_w",
                     StrCat("is ", v.busy_power_w().value(),
                            " W, below static_power_w (the idle power, ",
                            v.static_power_w().value(), " W)"));
      }
      if (v.has_tdp_w() && v.busy_power_w().value() > v.tdp_w().value()) {
        return Error("busy_power_w",
                     StrCat("is ", v.busy_power_w().value(),
                            " W, above tdp_w (", v.tdp_w().value(), " W)"));
      }
    }
    if (v.has_tdp_w()) {
      NW_CHECK(v, tdp_w, "", Range::kPositive);
      if (v.tdp_w().value() < v.static_power_w().value()) {
        return Error("tdp_w", StrCat("is ", v.tdp_w().value(),
                                     " W, below static_power_w (",
                                     v.static_power_w().value(), " W)"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status Link(const v1::Interconnect& l, const std::string& where) const {
    NW_CHECK(l, bandwidth_bytes_per_s, where, Range::kPositive);
    NW_CHECK(l, latency_s, where, Range::kNonNegative);
    NW_CHECK(l, energy_j_per_bit, where, Range::kNonNegative);
    return absl::OkStatus();
  }

  // A count of chips: a whole number from 1 to kMaxSystemChips.
  absl::Status Chips(const v1::Quantity& q, const std::string& where) const {
    if (auto s = Check(true, q, where, Range::kPositive); !s.ok()) return s;
    if (q.value() < 1 || q.value() > kMaxSystemChips ||
        q.value() != std::floor(q.value())) {
      return Error(where, StrCat("is ", q.value(),
                                 "; it must be a whole number from 1 to ",
                                 kMaxSystemChips));
    }
    return absl::OkStatus();
  }

  absl::Status System(const v1::SystemProfile& sys) const {
    if (sys.has_chips()) {
      if (auto st = Chips(sys.chips(), "system.chips"); !st.ok()) return st;
    }
    if (sys.has_chips_per_node()) {
      if (auto st = Chips(sys.chips_per_node(), "system.chips_per_node");
          !st.ok()) {
        return st;
      }
      if (sys.chips_per_node().value() > 1 && !sys.has_intra_node()) {
        return Error("system.intra_node",
                     "is missing: chips_per_node is above 1, so chips of a "
                     "node need a link");
      }
    }
    if (sys.has_intra_node()) {
      if (auto st = Link(sys.intra_node(), "system.intra_node."); !st.ok()) {
        return st;
      }
    }
    if (sys.has_inter_node()) {
      if (auto st = Link(sys.inter_node(), "system.inter_node."); !st.ok()) {
        return st;
      }
    }
    NW_OPTIONAL_AT(sys, node_static_power_w, "system.", Range::kNonNegative);
    NW_OPTIONAL_AT(sys, spike_message_bits, "system.", Range::kPositive);
    if (p_.has_neuromorphic() &&
        (sys.has_intra_node() || sys.has_inter_node()) &&
        !sys.has_spike_message_bits()) {
      return Error("system.spike_message_bits",
                   "is missing: spikes between chips are priced per bit");
    }
    return absl::OkStatus();
  }
#define NW_OPTIONAL(msg, field, range) NW_OPTIONAL_AT(msg, field, "", range)

  absl::Status Neuromorphic(const v1::NeuromorphicProfile& n) const {
    NW_CHECK(n, synaptic_op_energy_j, "", Range::kPositive);
    NW_CHECK(n, cores_per_chip, "", Range::kPositive);
    NW_CHECK(n, neurons_per_core, "", Range::kPositive);
    NW_CHECK(n, synapses_per_core, "", Range::kPositive);
    NW_CHECK(n, timestep_s, "", Range::kPositive);
    if (n.has_max_chips()) {
      if (auto s = Chips(n.max_chips(), "max_chips"); !s.ok()) return s;
    } else if (!p_.system().has_chips()) {
      return Error("system.chips",
                   "is missing: a neuromorphic profile says how many chips "
                   "its largest system has");
    }
    // Placement works core by core: keep its sizes physical.
    const struct {
      const char* field;
      double value, lo, hi;
    } bounds[] = {
        {"cores_per_chip", n.cores_per_chip().value(), 1, 1e7},
        {"neurons_per_core", n.neurons_per_core().value(), 1, 1e12},
        {"synapses_per_core", n.synapses_per_core().value(), 1, 1e16}};
    for (const auto& b : bounds) {
      if (b.value < b.lo || b.value > b.hi) {
        return Error(b.field, StrCat("is ", b.value, "; it must be from ", b.lo,
                                     " to ", b.hi));
      }
    }
    if (n.synaptic_op_energy_is_all_in()) {
      NW_OPTIONAL(n, neuron_update_active_energy_j, Range::kNonNegative);
      NW_OPTIONAL(n, neuron_update_inactive_energy_j, Range::kNonNegative);
      NW_OPTIONAL(n, spike_within_core_energy_j, Range::kNonNegative);
      NW_OPTIONAL(n, spike_hop_energy_j, Range::kNonNegative);
      NW_OPTIONAL(n, static_power_w, Range::kNonNegative);
    } else {
      NW_CHECK(n, neuron_update_active_energy_j, "", Range::kNonNegative);
      NW_CHECK(n, neuron_update_inactive_energy_j, "", Range::kNonNegative);
      NW_CHECK(n, spike_within_core_energy_j, "", Range::kNonNegative);
      NW_CHECK(n, spike_hop_energy_j, "", Range::kNonNegative);
      NW_CHECK(n, static_power_w, "", Range::kNonNegative);
    }
    NW_OPTIONAL(n, process_nm, Range::kPositive);
    NW_OPTIONAL(n, synaptic_update_energy_j, Range::kNonNegative);
    NW_OPTIONAL(n, bits_per_synapse, Range::kPositive);
    NW_OPTIONAL(n, max_fan_in, Range::kPositive);
    NW_OPTIONAL(n, max_fan_out, Range::kPositive);
    NW_OPTIONAL(n, synaptic_op_time_s, Range::kNonNegative);
    NW_OPTIONAL(n, neuron_update_time_s, Range::kNonNegative);
    NW_OPTIONAL(n, host_power_w, Range::kNonNegative);
    return absl::OkStatus();
  }
#undef NW_OPTIONAL
#undef NW_OPTIONAL_AT
#undef NW_CHECK

  const v1::HardwareProfile& p_;
  std::set<std::string> ids_;
};

std::vector<v1::HardwareProfile> ParseCatalogue() {
  std::vector<v1::HardwareProfile> out;
  for (const auto& [file, text] : CatalogueTexts()) {
    auto p = ParseProfileText(text, StrCat("hw/profiles/", file));
    // Every entry is parsed by the tests (CatalogueTest), so a broken file
    // cannot ship; should one slip through it is left out, not half-used.
    if (!p.ok()) continue;
    out.push_back(*std::move(p));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.name() < b.name(); });
  return out;
}

}  // namespace

const std::vector<v1::HardwareProfile>& CatalogueProfiles() {
  static const auto* profiles =
      new std::vector<v1::HardwareProfile>(ParseCatalogue());
  return *profiles;
}

absl::StatusOr<v1::HardwareProfile> ParseProfileText(absl::string_view text,
                                                     absl::string_view source) {
  v1::HardwareProfile p;
  if (absl::StripAsciiWhitespace(text).empty()) {
    return InvalidArgumentError(StrCat(source, ": the file is empty"));
  }
  if (auto s = ParseTextMessage(text, source, &p); !s.ok()) return s;
  if (auto s = ValidateProfile(p); !s.ok()) {
    return InvalidArgumentError(StrCat(source, ": ", s.message()));
  }
  return p;
}

absl::Status ValidateProfile(const v1::HardwareProfile& profile) {
  return Validator(profile).Run();
}

absl::StatusOr<v1::HardwareProfile> LoadProfile(
    absl::string_view name_or_path) {
  for (const auto& p : CatalogueProfiles()) {
    if (p.name() == name_or_path) return p;
  }
  const std::string path(name_or_path);
  const Encoding encoding = EncodingOf(path);
  if (encoding == Encoding::kUnknown) {
    std::vector<std::string> names;
    for (const auto& p : CatalogueProfiles()) names.push_back(p.name());
    return WithDetail(
        InvalidArgumentError(
            StrCat("'", path, "': no such profile in the catalogue (",
                   absl::StrJoin(names, ", "),
                   ") and not a profile file (.textproto, .pbtxt, .pb)")),
        ErrorSubject::kUnknownProfile, path);
  }
  auto content = ReadFileToString(path);
  if (!content.ok()) return content.status();
  if (encoding == Encoding::kText) return ParseProfileText(*content, path);
  v1::HardwareProfile p;
  if (auto s = ParseBinaryMessage(*content, path, &p); !s.ok()) return s;
  if (auto s = ValidateProfile(p); !s.ok()) {
    return InvalidArgumentError(StrCat(path, ": ", s.message()));
  }
  return p;
}

std::string SourceKindName(v1::Source::Kind kind) {
  std::string name = v1::Source::Kind_Name(kind);
  for (char& c : name) c = static_cast<char>(std::tolower(c));
  return name;
}

std::string ProfileKindName(const v1::HardwareProfile& profile) {
  switch (profile.kind_case()) {
    case v1::HardwareProfile::kVonNeumann:
      return "von_neumann";
    case v1::HardwareProfile::kNeuromorphic:
      return "neuromorphic";
    default:
      return "unknown";
  }
}

}  // namespace neurowatt
