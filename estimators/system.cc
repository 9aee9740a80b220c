#include "estimators/system.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "util/error.h"

namespace neurowatt {
namespace {

absl::Status TooSmall(const std::string& profile, const std::string& what) {
  return WithDetail(absl::InvalidArgumentError(what), ErrorSubject::kCapacity,
                    profile);
}

static_assert(kMaxSystemChips == 10'000'000 &&
                  std::string_view(kChipChoices).ends_with(" 10000000"),
              "kChipChoices words kMaxSystemChips");

// Why the system has its chips: what holds the network, and the count asked
// for (0: auto) when there was one.
std::string Sized(int64_t requested, const std::string& holds) {
  return requested == 0 ? holds
                        : absl::StrCat(requested, " as asked (", holds, ")");
}

std::string Larger(const SystemShape& s) {
  return static_cast<double>(s.chips) > s.described_chips
             ? absl::StrFormat(
                   "; larger than the largest system of this kind described "
                   "(%.0f chip(s))",
                   s.described_chips)
             : std::string();
}

}  // namespace

absl::StatusOr<SystemShape> ShapeVonNeumannSystem(double resident_bytes,
                                                  double chip_bytes,
                                                  const SystemParams& system,
                                                  int64_t requested,
                                                  const std::string& profile) {
  SystemShape s;
  s.described_chips = system.described_chips;
  s.automatic = requested == 0;
  const double needed = std::max(1.0, std::ceil(resident_bytes / chip_bytes));
  if (!(needed <= static_cast<double>(kMaxSystemChips))) {
    return TooSmall(profile,
                    absl::StrFormat("the network's %.4g GB need %.4g chips of "
                                    "%s (%.4g GB each), more than %d",
                                    resident_bytes / 1e9, needed, profile,
                                    chip_bytes / 1e9, kMaxSystemChips));
  }
  s.needed = static_cast<int64_t>(needed);
  const std::string holds = absl::StrFormat(
      "the network's %.4g GB (weights, state and the largest layer's "
      "activations) need %d chip(s) of %.4g GB",
      resident_bytes / 1e9, s.needed, chip_bytes / 1e9);
  if (!s.automatic && requested < s.needed) {
    return TooSmall(
        profile, absl::StrCat(holds, ", but ", requested, " were asked for"));
  }
  const int64_t node = std::max<int64_t>(1, system.chips_per_node);
  // One copy of the network takes `group` chips: within a node, or whole
  // nodes. Chips asked for beyond one copy hold more copies (data
  // parallelism); the copy is the smallest whole share of them that holds
  // the network.
  auto whole = [node](int64_t g) { return g <= node || g % node == 0; };
  int64_t group = 0;
  std::string why = Sized(requested, holds);
  if (s.automatic) {
    group = s.needed <= node ? s.needed : (s.needed + node - 1) / node * node;
    if (group != s.needed) {
      absl::StrAppend(&why, "; rounded up to whole nodes of ", node);
    }
  } else {
    for (int64_t g = s.needed; g <= requested && group == 0; ++g) {
      if (requested % g == 0 && whole(g)) group = g;
    }
    if (group == 0) {
      return TooSmall(
          profile,
          absl::StrCat(requested, " chips of ", profile,
                       " do not split into copies of the network of at least ",
                       s.needed, " chip(s) each that are whole nodes of ", node,
                       " (", node, ", ", 2 * node, ", ...)"));
    }
  }
  s.tensor = std::min(group, node);
  s.pipeline = group / s.tensor;
  s.replicas = s.automatic ? 1 : requested / group;
  s.chips = group * s.replicas;
  s.nodes = (s.chips + node - 1) / node;
  if (s.pipeline > 1 && !system.inter_node.present) {
    return TooSmall(
        profile,
        absl::StrCat(holds, ", and the profile describes no link between ",
                     node == 1 ? "chips" : "nodes", " (system.inter_node)"));
  }
  if (group > 1) {
    absl::StrAppend(&why, "; ",
                    s.tensor > 1 ? absl::StrCat("tensor-parallel over ",
                                                s.tensor, " chips per stage")
                                 : std::string("one chip per stage"),
                    s.pipeline > 1
                        ? absl::StrCat(", ", s.pipeline, " pipeline stages")
                        : std::string());
  }
  if (s.replicas > 1) {
    absl::StrAppend(&why, "; ", s.replicas, " copies of ", group,
                    " chip(s) share the batch (data-parallel)");
  }
  s.why = why + Larger(s);
  return s;
}

absl::StatusOr<SystemShape> ShapeNeuromorphicSystem(
    double needed, double cores_needed, const SystemParams& system,
    int64_t requested, const std::string& profile) {
  SystemShape s;
  s.described_chips = system.described_chips;
  s.automatic = requested == 0;
  const std::string holds = absl::StrFormat(
      "the network's neurons and synapses take %.4g cores = "
      "%.4g chips",
      cores_needed, needed);
  if (!(needed <= static_cast<double>(kMaxSystemChips))) {
    return TooSmall(profile, absl::StrFormat("%s of %s, more than %d", holds,
                                             profile, kMaxSystemChips));
  }
  s.needed = static_cast<int64_t>(needed);
  if (!s.automatic && requested < s.needed) {
    return TooSmall(profile,
                    absl::StrFormat("%s of %s, but %d were asked for (%.1fx "
                                    "over)",
                                    holds, profile, requested,
                                    needed / static_cast<double>(requested)));
  }
  s.chips = s.automatic ? s.needed : requested;
  const int64_t node = std::max<int64_t>(1, system.chips_per_node);
  s.nodes = (s.chips + node - 1) / node;
  s.tensor = 1;
  s.pipeline = 1;
  // Chips for more whole copies of the placement run batch items at once.
  s.replicas = std::max<int64_t>(1, s.chips / std::max<int64_t>(1, s.needed));
  s.why = Sized(requested, holds) +
          (s.replicas > 1 ? absl::StrCat("; ", s.replicas, " copies of ",
                                         s.needed, " chip(s) share the batch")
                          : std::string()) +
          Larger(s);
  return s;
}

absl::StatusOr<int64_t> ParseChips(absl::string_view text) {
  if (text == "auto") return 0;
  int64_t n = 0;
  if (!absl::SimpleAtoi(text, &n) || n < 1 || n > kMaxSystemChips) {
    return WithDetail(absl::InvalidArgumentError(absl::StrCat(
                          "chips '", text, "': expected ", kChipChoices)),
                      ErrorSubject::kChips);
  }
  return n;
}

LinkCost AllReduce(double bytes, int64_t chips, const LinkParams& link) {
  if (chips <= 1 || bytes <= 0) return {};
  const double n = static_cast<double>(chips);
  const double per_chip = 2 * (n - 1) / n * bytes;
  return {per_chip * n, per_chip * n * 8 * link.j_per_bit,
          per_chip / link.bytes_per_s + 2 * (n - 1) * link.latency_s};
}

LinkCost AllGather(double bytes, int64_t chips, const LinkParams& link) {
  return AllReduce(bytes, chips, link) * 0.5;
}

LinkCost Transfer(double bytes, const LinkParams& link) {
  if (bytes <= 0) return {};
  return {bytes, bytes * 8 * link.j_per_bit,
          bytes / link.bytes_per_s + link.latency_s};
}

CollectivePlan PlanCollectives(const NetworkCount& count, int64_t tensor,
                               int64_t pipeline,
                               const std::vector<double>& class_weight_bytes,
                               const std::vector<bool>* only) {
  const size_t n = count.layers.size();
  const size_t classes = count.classes.size();
  CollectivePlan plan;
  plan.all_reduces.assign(classes, 0);
  plan.all_gathers.assign(classes, 0);
  plan.stage_sends.assign(classes, 0);
  auto priced = [&](size_t i) {
    return only == nullptr || (*only)[count.layer_class[i]];
  };
  if (tensor > 1) {
    std::vector<bool> split(n, false), consumed(n, false);
    for (size_t i = 0; i < n; ++i) {
      if (!priced(i)) continue;
      const Workload& w = count.layers[i];
      const size_t k = count.layer_class[i];
      bool split_input = false;
      for (int src : w.input_sources) {
        if (src < 0) continue;
        consumed[src] = true;
        split_input = split_input || split[src];
      }
      if (w.op == v1::Node::kEmbedding &&
          (w.weight_bytes > 0 || w.lookup_bytes > 0)) {
        plan.all_reduces[k] += 1;  // each chip holds some rows
      } else if (w.weight_bytes > 0 && w.macs > 0) {
        if (split_input) {
          plan.all_reduces[k] += static_cast<double>(w.sequential_steps);
        } else {
          split[i] = true;
        }
      } else {
        split[i] = split_input;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (split[i] && !consumed[i]) plan.all_gathers[count.layer_class[i]] += 1;
    }
  }
  if (pipeline > 1) {
    double total = 0, layers = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!priced(i)) continue;
      total += class_weight_bytes[count.layer_class[i]];
      layers += 1;
    }
    // Without weights, stages are equal runs of layers.
    const bool by_layers = total <= 0;
    if (by_layers) total = layers;
    double sum = 0;
    int64_t cut = 1;
    for (size_t i = 0; i < n && cut < pipeline; ++i) {
      if (!priced(i)) continue;
      sum += by_layers ? 1 : class_weight_bytes[count.layer_class[i]];
      while (cut < pipeline && sum >= total * static_cast<double>(cut) /
                                          static_cast<double>(pipeline)) {
        plan.stage_sends[count.layer_class[i]] += 1;
        ++cut;
      }
    }
  }
  return plan;
}

const std::vector<std::string>& SystemAssumptions() {
  static const auto* list = new std::vector<std::string>{
      "A system of many chips (--chips N|auto; auto: as few as hold the "
      "weights, state and largest activations in main memory) splits each "
      "layer over the chips of a node (tensor parallelism: a layer with "
      "weights whose input is whole is column-parallel, one whose input is "
      "split is row-parallel and all-reduces its output over a ring) and "
      "cuts the layers into pipeline stages of equal weight bytes, one node "
      "each, the stage's output sent to the next node.",
      "The stages of one batch run one after another (no micro-batching): "
      "latency is the sum of the layers' times, each split over the "
      "tensor-parallel chips, plus the collectives and stage transfers; "
      "every chip in use holds its share of the weights and pays static "
      "power for the whole run, and its share of its node's own power.",
      "Chips asked for beyond one copy of the network hold more copies, "
      "which share the batch evenly (data parallelism, no communication for "
      "inference); copies beyond the batch idle.",
  };
  return *list;
}

}  // namespace neurowatt
