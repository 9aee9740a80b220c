// The HTML of `neurowatt report`: four inline SVG charts and the tables.
#include "render/report_html.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "estimators/spike_activity.h"
#include "google/protobuf/descriptor.h"
#include "hw/profile.h"
#include "model/batch.h"
#include "model/brain_reference.h"
#include "model/layer_folding.h"
#include "model/uncounted.h"
#include "render/format.h"
#include "render/svg.h"
#include "util/version.h"

namespace neurowatt {
namespace {

using absl::StrCat;
using absl::StrFormat;

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                    "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};

std::string Joules(double v) { return Si(v, "J"); }
std::string JoulesTick(double v) { return Si(v, "J"); }
std::string PlainTick(double v) { return TickNumber(v); }

bool Spiking(const v1::HardwareCost& h) { return h.kind() == "neuromorphic"; }

struct Part {
  std::string name;
  double (v1::EnergyBreakdown::*get)() const;
};

std::vector<Part> PartsOf(const v1::HardwareCost& h) {
  if (Spiking(h)) {
    return {{"synaptic ops", &v1::EnergyBreakdown::synaptic_ops},
            {"neuron updates", &v1::EnergyBreakdown::neuron_updates},
            {"spike routing", &v1::EnergyBreakdown::spike_routing},
            {"interconnect", &v1::EnergyBreakdown::interconnect},
            {"host", &v1::EnergyBreakdown::host}};
  }
  return {{"compute", &v1::EnergyBreakdown::compute},
          {"data movement", &v1::EnergyBreakdown::data_movement},
          {"bit maintenance", &v1::EnergyBreakdown::bit_maintenance},
          {"static", &v1::EnergyBreakdown::static_power},
          {"control overhead", &v1::EnergyBreakdown::control_overhead},
          {"active", &v1::EnergyBreakdown::active},
          {"interconnect", &v1::EnergyBreakdown::interconnect}};
}

// The folded rows of `h` with the most energy (row energy x repeats).
std::vector<LayerRow> TopRows(const v1::HardwareCost& h,
                              const std::vector<LayerRow>& rows, size_t n) {
  std::vector<LayerRow> top = rows;
  auto energy = [&](const LayerRow& r) {
    return h.layers(static_cast<int>(r.index)).energy().total() *
           static_cast<double>(r.repeats);
  };
  std::stable_sort(top.begin(), top.end(),
                   [&](const LayerRow& a, const LayerRow& b) {
                     return energy(a) > energy(b);
                   });
  top.erase(std::remove_if(top.begin(), top.end(),
                           [&](const LayerRow& r) { return energy(r) <= 0; }),
            top.end());
  if (top.size() > n) top.resize(n);
  return top;
}

// (a) Per-layer energy stacked by part, one panel per hardware.
std::string EnergyChart(const Pricing& p, const std::vector<LayerRow>& rows) {
  const double per = static_cast<double>(p.batch);
  constexpr double kLeft = 230, kRight = 880, kBar = 16, kGap = 6;
  std::vector<std::vector<LayerRow>> tops;
  double height = 40;  // the first title, and room for the last legend
  for (const auto& h : p.report.hardware()) {
    tops.push_back(TopRows(h, rows, 12));
    height += 70 + static_cast<double>(tops.back().size()) * (kBar + kGap);
  }
  Svg svg(920, height + 10);
  double y = 30;
  for (int k = 0; k < p.report.hardware_size(); ++k) {
    const v1::HardwareCost& h = p.report.hardware(k);
    const auto& top = tops[static_cast<size_t>(k)];
    svg.Text(10, y,
             StrCat(h.name(), " (", h.kind(),
                    "): top layers, energy "
                    "per inference x layers sharing the row"),
             13, "start", 0, true);
    double max = 0;
    for (const LayerRow& r : top) {
      max = std::max(max, h.layers(static_cast<int>(r.index)).energy().total() *
                              static_cast<double>(r.repeats) / per);
    }
    const double top_y = y + 12;
    const double bottom =
        top_y + static_cast<double>(top.size()) * (kBar + kGap);
    Scale x(0, max > 0 ? max * 1.05 : 1, kLeft, kRight, false);
    Scale none(0, 1, bottom, top_y, false);
    for (double v : x.Ticks()) {
      svg.Line(x(v), top_y, x(v), bottom, "#e3e3e3");
      svg.Text(x(v), bottom + 14, Joules(v), 10, "middle");
    }
    const std::vector<Part> parts = PartsOf(h);
    double by = top_y;
    for (const LayerRow& r : top) {
      const v1::LayerCost& c = h.layers(static_cast<int>(r.index));
      const double times = static_cast<double>(r.repeats) / per;
      svg.Text(kLeft - 6, by + 12,
               r.repeats > 1 ? StrCat(r.name, " x", r.repeats) : r.name, 11,
               "end");
      double bx = kLeft;
      for (size_t i = 0; i < parts.size(); ++i) {
        const double v = (c.energy().*parts[i].get)() * times;
        const double w = x(v) - x(0);
        svg.Rect(bx, by, w, kBar, kPalette[i],
                 StrCat(r.name, " ", parts[i].name, ": ", Joules(v)));
        bx += w;
      }
      by += kBar + kGap;
    }
    svg.Line(kLeft, top_y, kLeft, bottom, "#333");
    std::vector<std::pair<std::string, std::string>> legend;
    for (size_t i = 0; i < parts.size(); ++i) {
      legend.emplace_back(parts[i].name, kPalette[i]);
    }
    svg.Legend(kLeft, bottom + 34, legend);
    y = bottom + 70;
  }
  return svg.Render("chart-energy", "Per-layer energy by part, per hardware");
}

// (b) Roofline of each von Neumann profile, every layer a point.
std::string RooflineChart(const Pricing& p, const std::vector<LayerRow>& rows) {
  std::vector<size_t> vn;
  for (size_t i = 0; i < p.priced.size(); ++i) {
    if (!p.priced[i]->neuromorphic) vn.push_back(i);
  }
  if (vn.empty()) {
    Svg svg(920, 60);
    svg.Text(20, 35, "No von Neumann profile given: no roofline.", 13);
    return svg.Render("chart-roofline", "Roofline");
  }
  constexpr double kW = 440, kH = 330;
  Svg svg(920, 40 + kH * static_cast<double>((vn.size() + 1) / 2));
  for (size_t n = 0; n < vn.size(); ++n) {
    const Hardware& pp = *p.priced[vn[n]];
    const v1::HardwareCost& h = p.report.hardware(static_cast<int>(vn[n]));
    const double ox = 10 + static_cast<double>(n % 2) * (kW + 20);
    const double oy = 20 + static_cast<double>(n / 2) * kH;
    const double left = ox + 75, right = ox + kW - 10, top = oy + 30,
                 bottom = oy + kH - 60;
    double peak = 0;
    for (const auto& pr : pp.von_neumann.precision) {
      peak = std::max(peak, pr.present ? pr.peak_ops_per_s : 0);
    }
    struct Point {
      double ai, perf;
      std::string label, bound;
    };
    std::vector<Point> points;
    double ai_lo = 1e300, ai_hi = 0, perf_lo = 1e300;
    for (const LayerRow& r : rows) {
      const v1::LayerCost& c = h.layers(static_cast<int>(r.index));
      double bytes = 0;
      for (const auto& l : c.levels()) bytes += l.bytes();
      if (c.ops() <= 0 || bytes <= 0 || c.time_s() <= 0) continue;
      points.push_back(
          {c.ops() / bytes, c.ops() / c.time_s(), r.name, c.bound()});
      ai_lo = std::min(ai_lo, points.back().ai);
      ai_hi = std::max(ai_hi, points.back().ai);
      perf_lo = std::min(perf_lo, points.back().perf);
    }
    if (points.empty()) ai_lo = 0.1, ai_hi = 100, perf_lo = peak / 1000;
    Scale x(std::pow(10, std::floor(std::log10(ai_lo))),
            std::pow(10, std::ceil(std::log10(ai_hi)) + 0.0001), left, right,
            true);
    Scale y(std::pow(10, std::floor(std::log10(perf_lo))), peak * 2, bottom,
            top, true);
    svg.Text(ox + 10, oy + 15, StrCat("roofline: ", h.name()), 13, "start", 0,
             true);
    svg.Axes(x, y, left, right, top, bottom,
             "arithmetic intensity (operations per byte moved)",
             "operations per second", PlainTick, PlainTick);
    // The roofs: peak arithmetic, and each level's bandwidth x intensity.
    svg.Line(left, y(peak), right, y(peak), "#222", 2);
    svg.Text(right - 4, y(peak) - 4, StrCat("peak ", TickNumber(peak), "op/s"),
             10, "end");
    for (size_t l = 0; l < pp.von_neumann.levels.size(); ++l) {
      const double bw = pp.von_neumann.levels[l].bandwidth_bytes_per_s;
      std::vector<std::pair<double, double>> line;
      for (double ai = x.lo(); ai <= x.hi() * 1.0001; ai *= 1.25) {
        if (bw * ai > peak) break;
        line.emplace_back(x(ai), y(bw * ai));
      }
      if (line.size() > 1) {
        svg.Polyline(line, kPalette[(l + 3) % 8], 1.5);
        svg.Text(line.front().first + 4, line.front().second - 4,
                 pp.von_neumann.levels[l].name, 10, "start");
      }
    }
    for (const Point& pt : points) {
      svg.Circle(x(pt.ai), y(pt.perf), 3.5,
                 pt.bound == "compute" ? "#59a14f" : "#e15759",
                 StrCat(pt.label, ": ", TickNumber(pt.ai), " op/B, ",
                        TickNumber(pt.perf), " op/s, bound by ", pt.bound));
    }
    svg.Legend(left, bottom + 52,
               {{"compute-bound layer", "#59a14f"},
                {"memory-bound layer", "#e15759"}});
  }
  return svg.Render("chart-roofline",
                    "Roofline of each von Neumann profile with every layer");
}

// (c) Energy per inference against the spike rate.
std::string SpikeRateChart(const Pricing& p,
                           const std::vector<SpikeCurve>& curves) {
  if (curves.empty()) {
    Svg svg(920, 60);
    svg.Text(20, 35,
             "No neuromorphic profile could be priced: no spike-rate "
             "chart (see the capacity table).",
             13);
    return svg.Render("chart-spike-rate", "Energy against spike rate");
  }
  const double left = 100, right = 880, top = 30, bottom = 380;
  double lo = 1e300, hi = 0, x_hi = 0;
  for (const auto& c : curves) {
    for (const auto& [k, e] : c.points) {
      if (e > 0) lo = std::min(lo, e), hi = std::max(hi, e);
      x_hi = std::max(x_hi, k);
    }
  }
  std::vector<std::pair<std::string, double>> flat;
  for (const auto& h : p.report.hardware()) {
    if (!Spiking(h)) {
      flat.emplace_back(h.name(), h.energy_per_inference_j());
      lo = std::min(lo, h.energy_per_inference_j());
      hi = std::max(hi, h.energy_per_inference_j());
    }
  }
  // The scenario's own activity: x = 1 for measured counts.
  const bool marked = p.activity.has_value();
  const double here = marked ? p.activity->knob : 0.0;
  if (marked) x_hi = std::max(x_hi, here);
  Scale x(0, x_hi > 0 ? x_hi : 1, left, right, false);
  Scale y(std::pow(10, std::floor(std::log10(lo))),
          std::pow(10, std::ceil(std::log10(hi))), bottom, top, true);
  Svg svg(920, 450);
  const std::string coding =
      p.activity ? p.activity->coding : std::string("rate");
  svg.Axes(x, y, left, right, top, bottom,
           coding == "ttfs"       ? "fraction of neurons that fire (TTFS)"
           : coding == "measured" ? "scale on the measured spike counts"
                                  : "spikes per neuron per timestep",
           "energy per inference", PlainTick, JoulesTick);
  std::vector<std::pair<std::string, std::string>> legend;
  size_t colour = 0;
  for (const auto& c : curves) {
    std::vector<std::pair<double, double>> line;
    for (const auto& [k, e] : c.points) line.emplace_back(x(k), y(e));
    svg.Polyline(line, kPalette[colour % 8], 2.5);
    legend.emplace_back(c.name, kPalette[colour % 8]);
    for (const auto& [k, vs] : c.crossings) {
      double e = 0;
      for (const auto& [n, fe] : flat) {
        if (n == vs) e = fe;
      }
      svg.Circle(x(k), y(e), 6, kPalette[colour % 8],
                 StrCat(c.name, " = ", vs, " at ", TickNumber(k)));
      svg.Text(x(k) + 8, y(e) - 8, StrFormat("break-even %.3g", k), 11);
    }
    ++colour;
  }
  if (marked) {
    const bool measured = coding == "measured";
    for (const auto& h : p.report.hardware()) {
      if (!Spiking(h) || !(h.energy_per_inference_j() > 0)) continue;
      const double e = h.energy_per_inference_j();
      svg.Circle(x(here), y(e), 7, "#000",
                 StrCat(h.name(),
                        measured ? " at the measured activity: "
                                 : " at this scenario's activity: ",
                        JoulesTick(e)));
      // Left of the point and above the curve: x = 1 is the right edge.
      svg.Text(x(here) - 9, y(e) - 9, measured ? "measured" : "scenario", 11,
               "end");
    }
  }
  for (const auto& [name, e] : flat) {
    svg.Line(left, y(e), right, y(e), "#555", 1.5, "6,4");
    svg.Text(right - 4, y(e) - 5, name, 11, "end");
    legend.emplace_back(StrCat(name, " (dashed)"), "#555");
  }
  svg.Legend(left, bottom + 56, legend);
  return svg.Render("chart-spike-rate",
                    "Energy per inference against spike rate");
}

// (d) Synapses per neuron per layer against the brain's ~7,000.
std::string NeuronChart(const Model& m, const std::vector<LayerRow>& rows) {
  std::vector<LayerRow> neural;
  for (const LayerRow& r : rows) {
    if (m.count.layers[r.index].neurons > 0) neural.push_back(r);
  }
  if (neural.size() > 30) neural.resize(30);
  const double left = 230, right = 860, bar = 14, gap = 5, top = 20;
  const double bottom = top + static_cast<double>(neural.size()) * (bar + gap);
  double hi = brain::kSynapsesPerNeuron;
  for (const LayerRow& r : neural) {
    hi = std::max(hi, m.count.layers[r.index].synapses_per_neuron());
  }
  Svg svg(920, bottom + 70);
  Scale x(1, std::pow(10, std::ceil(std::log10(hi * 1.01))), left, right, true);
  for (double v : x.Ticks()) {
    svg.Line(x(v), top, x(v), bottom, "#e3e3e3");
    svg.Text(x(v), bottom + 14, TickNumber(v), 10, "middle");
  }
  double by = top;
  for (const LayerRow& r : neural) {
    const Workload& w = m.count.layers[r.index];
    svg.Text(left - 6, by + 11,
             r.repeats > 1 ? StrCat(r.name, " x", r.repeats) : r.name, 11,
             "end");
    svg.Rect(left, by, x(std::max(1.0, w.synapses_per_neuron())) - left, bar,
             "#4e79a7",
             StrFormat("%s: %s neurons x %.0f synapses each", r.name,
                       WithSeparators(w.neurons), w.synapses_per_neuron()));
    by += bar + gap;
  }
  const double b = x(brain::kSynapsesPerNeuron);
  svg.Line(b, top - 5, b, bottom, "#e15759", 2, "5,3");
  svg.Text(b - 4, top + 2, "human brain ~7,000", 11, "end");
  svg.Line(left, top, left, bottom, "#333");
  svg.Text((left + right) / 2, bottom + 34, "synapses per neuron (log scale)",
           12, "middle");
  return svg.Render("chart-neurons",
                    "Synapses per neuron per layer and the human brain");
}

std::string Cell(const std::string& s, bool num = false) {
  return StrCat(num ? "<td class=\"n\">" : "<td>", XmlEscape(s), "</td>");
}

std::string SummaryTable(const Pricing& p) {
  std::string out =
      "<table><tr><th>hardware</th><th>kind</th><th>energy per "
      "inference</th><th>largest part</th><th>latency per batch</th><th>"
      "capacity</th></tr>\n";
  for (const auto& h : p.report.hardware()) {
    std::string largest;
    double best = -1;
    for (const Part& part : PartsOf(h)) {
      const double v = (h.energy().*part.get)();
      if (v > best) best = v, largest = part.name;
    }
    if (Spiking(h) && h.energy().static_power() > best) largest = "static";
    if (Spiking(h) && h.energy().non_native() > best) largest = "host";
    const std::string capacity =
        StrCat(Spiking(h) ? StrCat(h.spiking().cores(), " cores on ")
                          : StrCat("weights in ", h.weights_level(), " of "),
               h.system().chips(), " chip(s): ", h.system().why());
    absl::StrAppend(&out, "<tr>", Cell(h.name()), Cell(h.kind()),
                    Cell(Joules(h.energy_per_inference_j()), true),
                    Cell(largest), Cell(Si(h.latency_s(), "s"), true),
                    Cell(capacity), "</tr>\n");
  }
  for (const v1::Unpriced& u : p.report.unpriced()) {
    absl::StrAppend(
        &out, "<tr>", Cell(u.name()), Cell(u.kind()),
        Cell(u.does_not_fit() ? "does not fit" : "not priced", true), Cell("-"),
        Cell("-"), Cell(u.reason()), "</tr>\n");
  }
  return out + "</table>\n";
}

// A language model's figures per profile (tokens, traffic by kind, the
// phase's totals); empty for a model without a sequence dimension.
std::string TokenTable(const Model& m, const Pricing& p) {
  if (m.tokens <= 0) return "";
  std::string phase = PhaseName(m.phase);
  if (m.phase == v1::DECODE) {
    phase = StrCat("decode: one new token per sequence, ", m.context,
                   " in the KV cache");
  }
  std::string out = StrCat(
      "<h2>Tokens</h2>\n<p class=\"note\">Phase ", XmlEscape(phase), ", ",
      m.tokens, " token(s) per sequence, ", p.batch,
      " sequence(s) at once.</p>\n<table><tr><th>hardware</th><th>tokens "
      "per second</th><th>energy per token</th><th>weights moved</th><th>"
      "activations moved</th><th>KV cache moved</th></tr>\n");
  for (const auto& h : p.report.hardware()) {
    const bool traffic = h.has_traffic();
    absl::StrAppend(
        &out, "<tr>", Cell(h.name()),
        Cell(h.has_tokens_per_second()
                 ? absl::StrFormat("%.4g", h.tokens_per_second())
                 : "-",
             true),
        Cell(Joules(h.energy_per_token_j()), true),
        Cell(traffic ? BytesReal(h.traffic().weights()) : "-", true),
        Cell(traffic ? BytesReal(h.traffic().activations()) : "-", true),
        Cell(traffic ? BytesReal(h.traffic().kv_cache()) : "-", true),
        "</tr>\n");
  }
  return out + "</table>\n";
}

std::string TopLayersTable(const Model& m, const Pricing& p,
                           const std::vector<LayerRow>& rows) {
  std::string out;
  const double per = static_cast<double>(p.batch);
  for (const auto& h : p.report.hardware()) {
    absl::StrAppend(&out, "<h3>", XmlEscape(h.name()),
                    "</h3>\n<table><tr>"
                    "<th>layer</th><th>kind</th><th>layers</th><th>energy "
                    "per inference (all of them)</th><th>share</th></tr>\n");
    for (const LayerRow& r : TopRows(h, rows, 10)) {
      const double e = h.layers(static_cast<int>(r.index)).energy().total() *
                       static_cast<double>(r.repeats);
      absl::StrAppend(
          &out, "<tr>", Cell(r.name), Cell(m.count.layers[r.index].kind),
          Cell(StrCat(r.repeats), true), Cell(Joules(e / per), true),
          Cell(StrFormat("%.1f%%",
                         100 * e / std::max(h.energy().total(), 1e-300)),
               true),
          "</tr>\n");
    }
    out += "</table>\n";
  }
  return out;
}

std::string UncountedTable(const Model& m, const Pricing& p) {
  const std::string uncounted = UncountedSummary(m.count);
  std::string out =
      uncounted.empty()
          ? std::string(
                "<p>Every node of this model was counted: none is of "
                "an unknown op.</p>\n")
          : StrCat(
                "<p><strong>Not counted</strong> (ops neurowatt does not "
                "know; their work is missing from every figure): ",
                XmlEscape(uncounted), ".</p>\n");
  for (const std::string& a : m.count.assumptions) {
    absl::StrAppend(&out, "<p><strong>Assumed</strong>: ", XmlEscape(a),
                    ".</p>\n");
  }
  for (const auto& h : p.report.hardware()) {
    if (!Spiking(h) || h.spiking().non_native_size() == 0) continue;
    std::map<std::string, std::pair<int, double>> kinds;
    for (const auto& n : h.spiking().non_native()) {
      auto& k = kinds[n.kind()];
      ++k.first;
      k.second += n.macs() + n.other_ops();
    }
    absl::StrAppend(
        &out, "<p>Not spike-native on ", XmlEscape(h.name()), " (",
        h.spiking().non_native_host().empty()
            ? "not priced: no von Neumann host given"
            : StrCat("run on ", XmlEscape(h.spiking().non_native_host())),
        "):</p>\n<table><tr><th>kind</th><th>nodes</th><th>"
        "operations per batch</th></tr>\n");
    for (const auto& [kind, k] : kinds) {
      absl::StrAppend(&out, "<tr>", Cell(kind), Cell(StrCat(k.first), true),
                      Cell(ScaledReal(static_cast<double>(k.second)), true),
                      "</tr>\n");
    }
    out += "</table>\n";
  }
  return out;
}

// Every Quantity of a profile, found by reflection: path, value, source.
void Quantities(const google::protobuf::Message& m, const std::string& path,
                std::vector<std::vector<std::string>>& rows) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  if (d->full_name() == "neurowatt.v1.Quantity") {
    const auto& q = static_cast<const v1::Quantity&>(m);
    rows.push_back({path, StrFormat("%.6g", q.value()), q.source(), q.note()});
    return;
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(m, f); ++k) {
        const auto& sub = r->GetRepeatedMessage(m, f, k);
        std::string tag = StrCat(f->name(), "[", k, "]");
        if (const auto* name = sub.GetDescriptor()->FindFieldByName("name")) {
          absl::StrAppend(&tag, " ", sub.GetReflection()->GetString(sub, name));
        }
        if (const auto* prec =
                sub.GetDescriptor()->FindFieldByName("precision")) {
          absl::StrAppend(&tag, " ",
                          sub.GetReflection()->GetEnum(sub, prec)->name());
        }
        Quantities(sub, StrCat(path, tag, "."), rows);
      }
    } else if (r->HasField(m, f)) {
      Quantities(
          r->GetMessage(m, f),
          StrCat(path, f->name(),
                 f->message_type()->full_name() == "neurowatt.v1.Quantity"
                     ? ""
                     : "."),
          rows);
    }
  }
}

std::string SourcesSection(const Pricing& p) {
  std::string out;
  for (const Hardware* pp : p.priced) {
    absl::StrAppend(&out, "<h3>", XmlEscape(pp->name()), "</h3>\n<ul>");
    for (const auto& s : pp->profile.sources()) {
      absl::StrAppend(&out, "<li><b>[", XmlEscape(s.id()), "]</b> ",
                      XmlEscape(SourceKindName(s.kind())), ": ",
                      XmlEscape(s.citation().empty() ? s.note() : s.citation()),
                      s.citation().empty() || s.note().empty()
                          ? ""
                          : StrCat(" <i>", XmlEscape(s.note()), "</i>"),
                      "</li>\n");
    }
    out +=
        "</ul>\n<table><tr><th>figure</th><th>value</th><th>source</th>"
        "<th>note</th></tr>\n";
    std::vector<std::vector<std::string>> rows;
    Quantities(pp->profile, "", rows);
    for (const auto& r : rows) {
      absl::StrAppend(&out, "<tr>", Cell(r[0]), Cell(r[1], true), Cell(r[2]),
                      Cell(r[3]), "</tr>\n");
    }
    out += "</table>\n";
  }
  std::vector<std::string> seen;
  out += "<h3>Model assumptions</h3>\n<ul>\n";
  for (const auto& h : p.report.hardware()) {
    for (const auto& a : h.assumptions()) {
      if (std::find(seen.begin(), seen.end(), a) != seen.end()) continue;
      seen.push_back(a);
      absl::StrAppend(&out, "<li>", XmlEscape(a), "</li>\n");
    }
  }
  return out + "</ul>\n";
}

constexpr const char* kStyle = R"css(
body { font-family: sans-serif; max-width: 960px; margin: 2em auto; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; } .note { color: #555; font-size: 0.9em; }
svg { display: block; margin: 0.5em 0; }
)css";

}  // namespace

std::string ReportHtml(const Model& m, const Pricing& p,
                       const std::vector<SpikeCurve>& curves,
                       const std::vector<std::string>& notes) {
  int64_t layout_only = 0;
  const std::vector<LayerRow> rows =
      FoldLayers(m.count, /*per_layer=*/false, &layout_only);
  const v1::Scenario& sc = p.report.scenario();
  std::string out = StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>neurowatt: ",
      XmlEscape(p.report.model()), "</title><style>", kStyle,
      "</style></head><body>\n<h1>What ", XmlEscape(p.report.model()),
      " costs</h1>\n<p class=\"note\">", XmlEscape(m.arch.description()),
      "<br>batch ", sc.batch(), ", precision ",
      sc.precision() == v1::ELEMENT_TYPE_UNSPECIFIED
          ? std::string("as the model declares")
          : ElementTypeName(sc.precision()),
      ", dimensions ",
      XmlEscape(
          absl::StrJoin(m.DimsAt(p.batch), ", ", absl::PairFormatter("="))),
      sc.has_spikes() ? StrCat("<br>spikes: ",
                               XmlEscape(DescribeSpikeActivity(sc.spikes())))
                      : std::string(),
      "</p>\n");
  for (const auto& n : notes) {
    absl::StrAppend(&out, "<p class=\"note\">", XmlEscape(n), "</p>\n");
  }
  // The batch's totals: Price has checked that they fit.
  const Workload c = ScaleWorkload(m.count.total, p.batch).value_or(Workload{});
  absl::StrAppend(
      &out, "<p>", WithSeparators(c.neurons), " neurons, ",
      WithSeparators(c.synapses), " synapses (",
      Decimal(c.synapses_per_neuron(), 1), " per neuron), ",
      WithSeparators(c.params), " parameters, ", WithSeparators(c.macs),
      " MACs per batch.</p>\n", "<h2>Summary</h2>\n", SummaryTable(p),
      TokenTable(m, p), "<h2>Where the energy goes</h2>\n",
      EnergyChart(p, rows), "<h2>Roofline</h2>\n", RooflineChart(p, rows),
      "<h2>Energy against spike rate</h2>\n<p class=\"note\">Each spiking "
      "profile's energy per inference as its neurons fire more; the dashed "
      "lines are the von Neumann profiles; circles mark the break-even "
      "points.</p>\n",
      SpikeRateChart(p, curves),
      "<h2>The neuron view</h2>\n<p class=\"note\">Synapses per neuron of "
      "each layer; the human brain has about 7,000 (",
      brain::kSynapsesPerNeuronSource, ").</p>\n", NeuronChart(m, rows),
      "<h2>Top layers by energy</h2>\n", TopLayersTable(m, p, rows),
      "<h2>Uncounted and non-native operations</h2>\n", UncountedTable(m, p),
      "<h2>Assumptions and sources</h2>\n", SourcesSection(p),
      "<p class=\"note\">Written by neurowatt ", kVersion,
      ".</p>\n</body></html>\n");
  return out;
}

}  // namespace neurowatt
