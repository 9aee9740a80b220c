// neurowatt._neurowatt: the library behind the Python package's count,
// estimate and compare (python/neurowatt/__init__.py holds the documented
// functions; this module is what they call).
//
// Each function takes the command line's inputs as Python values, checks
// them as cli/flags.cc checks the flags (the spike settings with the same
// library function, SpikeActivityFrom), runs the library and returns
// (json_text, uncounted): the JSON text `neurowatt COMMAND --format json`
// prints - the same renderer, so the parsed dict is the CLI's - and the
// summary of ops not counted ("" when there are none), which the package
// turns into a Python warning as the CLI prints one on stderr.
//
// Errors: a status a user can cause (a bad source, profile, dimension or
// spike setting; the codes for which the CLI exits 2) becomes ValueError
// with the library's message, the text the CLI prints after "neurowatt
// COMMAND: " less its flag hints; a value of the wrong Python type becomes
// TypeError; any other status RuntimeError. Statuses are raised once the GIL
// is held again; no input ends the interpreter.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "model/activity_file.h"
#include "model/uncounted.h"
#include "neurowatt/neurowatt.h"

namespace py = pybind11;

namespace neurowatt::python {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Raises the Python exception for a failed `status`.
[[noreturn]] void Raise(const absl::Status& status) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      throw py::value_error(message);
    default:
      throw std::runtime_error(message);
  }
}

// --- Python values to C++ values (with the GIL held) ------------------------

std::string TypeName(py::handle value) {
  return py::str(value.get_type().attr("__name__"));
}

// `value` as a 64-bit integer: a Python int or anything with __index__
// (numpy's integers), but not a bool, as the CLI refuses "true" for a
// number. An int past 64 bits comes back as INT64_MAX (or INT64_MIN) so
// that the caller's range check names it instead of overflowing.
int64_t ToInt(py::handle value, const char* what) {
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    throw py::type_error(
        StrCat(what, ": expected an int, got ", TypeName(value)));
  }
  const auto index =
      py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (v == -1 && overflow == 0 && PyErr_Occurred()) {
    throw py::error_already_set();
  }
  if (overflow != 0) return overflow > 0 ? INT64_MAX : INT64_MIN;
  return static_cast<int64_t>(v);
}

// `value` as a double: an int, a float or anything with __float__, but not
// a bool or a str.
double ToDouble(py::handle value, const char* what) {
  const auto type_error = [&] {
    return py::type_error(
        StrCat(what, ": expected a number, got ", TypeName(value)));
  };
  if (PyBool_Check(value.ptr())) throw type_error();
  const double v = PyFloat_AsDouble(value.ptr());
  if (v == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    throw type_error();
  }
  return v;
}

std::string ToString(py::handle value, const char* what) {
  if (!py::isinstance<py::str>(value)) {
    throw py::type_error(
        StrCat(what, ": expected a str, got ", TypeName(value)));
  }
  return value.cast<std::string>();
}

// A dict's items, each key a str; None is an empty dict.
std::vector<std::pair<std::string, py::handle>> Items(py::handle value,
                                                      const char* what) {
  std::vector<std::pair<std::string, py::handle>> out;
  if (value.is_none()) return out;
  if (!py::isinstance<py::dict>(value)) {
    throw py::type_error(
        StrCat(what, ": expected a dict, got ",
               std::string(py::str(value.get_type().attr("__name__")))));
  }
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(value)) {
    out.emplace_back(ToString(k, what), v);
  }
  return out;
}

// --- the checks of cli/flags.cc, in the arguments' own terms ----------------

// dims={"seq": 128}: every value from 1 to 2^40 (ParseDims).
absl::StatusOr<DimBindings> Dims(py::handle value) {
  DimBindings out;
  for (const auto& [name, v] : Items(value, "dims")) {
    const int64_t n = ToInt(v, "dims values");
    if (name.empty() || n <= 0 || n > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("dims ", name, "=", std::string(py::str(v)),
                 ": expected a whole number from 1 to 2^40"));
    }
    out[name] = n;
  }
  return out;
}

// hw="loihi" or hw=["loihi", "horowitz-45nm"]: one name is a list of one,
// since a str is iterable and its letters are not profiles.
std::vector<std::string> Profiles(py::handle hw) {
  std::vector<std::string> out;
  if (py::isinstance<py::str>(hw)) {
    out.push_back(ToString(hw, "hw"));
  } else if (!hw.is_none()) {
    if (!py::isinstance<py::iterable>(hw)) {
      throw py::type_error("hw: expected a profile name or a list of them");
    }
    for (py::handle h : py::reinterpret_borrow<py::iterable>(hw)) {
      out.push_back(ToString(h, "hw"));
    }
  }
  return out;
}

// The pricing arguments, converted while the GIL is held; the spike
// settings are checked (SpikeActivityFrom) once the hardware says whether
// anything spikes.
struct PricingArgs {
  std::string source;
  std::vector<std::string> hw;
  DimBindings dims;
  v1::Scenario scenario;  // batch, precisions
  SpikeSettings spikes;
};

// The language-model keywords, which the package passes as one dict:
// phase, context, weight_precision, kv_precision, into `scenario` (LoadModel
// checks the context's range). Type errors throw; a bad name is the status.
absl::Status ReadLanguageArgs(py::handle llm, v1::Scenario& scenario) {
  for (const auto& [key, v] : Items(llm, "language-model arguments")) {
    if (v.is_none()) continue;
    if (key == "phase") {
      auto p = ParsePhase(ToString(v, "phase"));
      if (!p.ok()) return p.status();
      scenario.set_phase(*p);
    } else if (key == "context") {
      scenario.set_context(ToInt(v, "context"));
    } else if (key == "weight_precision" || key == "kv_precision") {
      const std::string text = ToString(v, key.c_str());
      auto parsed = PricingPrecision(text);
      if (!parsed.ok()) {
        return InvalidArgumentError(
            StrCat(key, " ", text, ": expected one of ", kPricingPrecisions));
      }
      if (key == "weight_precision") {
        scenario.set_weight_precision(*parsed);
      } else {
        scenario.set_kv_precision(*parsed);
      }
    } else {
      return InvalidArgumentError(StrCat("unknown argument '", key, "'"));
    }
  }
  return absl::OkStatus();
}

// Converts and checks what needs neither the model nor the hardware, in the
// order LoadPriceable checks the flags. Type errors throw; a value out of
// range is the status.
absl::StatusOr<PricingArgs> ReadPricingArgs(
    const std::string& source, const std::vector<std::string>& hw,
    py::handle batch, py::handle precision, py::handle chips, py::handle dims,
    py::handle timesteps, py::handle spike_rate, py::handle coding,
    py::handle input_rate, py::handle layer_rates, py::handle activity,
    py::handle llm) {
  PricingArgs a;
  a.source = source;
  a.hw = hw;
  if (a.hw.empty()) {
    return InvalidArgumentError(
        "hw is required: a catalogue name (see neurowatt profiles) or a "
        "profile file");
  }
  auto d = Dims(dims);
  if (!d.ok()) return d.status();
  a.dims = *std::move(d);
  if (!batch.is_none()) {
    const int64_t b = ToInt(batch, "batch");
    if (b <= 0 || b > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("batch ", std::string(py::str(batch)),
                 ": expected a whole number from 1 to 2^40"));
    }
    if (a.dims.count("batch")) {
      return InvalidArgumentError(
          "batch and dims={'batch': ...} are both given; use batch");
    }
    a.scenario.set_batch(b);
  }
  if (!precision.is_none()) {
    const std::string p = ToString(precision, "precision");
    auto parsed = PricingPrecision(p);
    if (!parsed.ok()) {
      return InvalidArgumentError(
          StrCat("precision ", p, ": expected one of ", kPricingPrecisions));
    }
    a.scenario.set_precision(*parsed);
  }
  if (!chips.is_none()) {
    const std::string text = py::isinstance<py::str>(chips)
                                 ? ToString(chips, "chips")
                                 : StrCat(ToInt(chips, "chips"));
    auto parsed = ParseChips(text);
    if (!parsed.ok()) return parsed.status();
    a.scenario.set_chips(*parsed);
  }
  SpikeSettings& sp = a.spikes;
  if (!activity.is_none()) sp.activity_file = ToString(activity, "activity");
  if (!timesteps.is_none()) sp.timesteps = ToInt(timesteps, "timesteps");
  if (!coding.is_none()) sp.coding = ToString(coding, "coding");
  if (!spike_rate.is_none()) sp.spike_rate = ToDouble(spike_rate, "spike_rate");
  if (!input_rate.is_none()) sp.input_rate = ToDouble(input_rate, "input_rate");
  for (const auto& [name, v] : Items(layer_rates, "layer_rates")) {
    sp.layer_rates[name] = ToDouble(v, "layer_rates values");
  }
  if (auto s = ReadLanguageArgs(llm, a.scenario); !s.ok()) return s;
  return a;
}

// The keywords' names in SpikeActivityFrom's messages.
SpikeSettingNames KeywordNames() {
  SpikeSettingNames n;
  n.activity_file = "activity";
  n.coding = "coding";
  n.timesteps = "timesteps";
  n.spike_rate = "spike_rate";
  n.input_rate = "input_rate";
  n.layer_rates = "layer_rates";
  return n;
}

// What a command returns to the package: JSON text and the uncounted
// summary.
struct Output {
  std::string json;
  std::string uncounted;
};

// Loads, prices and renders as `neurowatt estimate` (or compare, with
// `options`) does; runs without the GIL.
absl::StatusOr<Output> PriceToJson(const PricingArgs& a,
                                   const PricingOptions& options) {
  // Profiles first, so a typo in hw does not wait for a large model.
  auto hardware = LoadHardware(a.hw);
  if (!hardware.ok()) return hardware.status();
  bool spiking = false;
  for (const Hardware& h : *hardware) spiking |= h.neuromorphic;
  auto spikes = SpikeActivityFrom(a.spikes, spiking, KeywordNames());
  if (!spikes.ok()) return spikes.status();
  v1::Scenario scenario = a.scenario;
  if (spiking) *scenario.mutable_spikes() = *std::move(spikes);
  // As the CLI: stored weights tell a spiking chip which synapses are
  // absent, and only spiking profiles pay for reading them.
  auto model = LoadModel(a.source, a.dims, /*read_weights=*/spiking,
                         PhaseOf(a.scenario));
  if (!model.ok()) return model.status();
  auto priced = Price(*model, *hardware, scenario, options);
  if (!priced.ok()) return priced.status();
  return Output{ReportJsonText(*model, priced->report),
                UncountedSummary(model->count)};
}

py::tuple ToPython(Output out) {
  return py::make_tuple(py::str(out.json), py::str(out.uncounted));
}

// count(source, dims): `neurowatt count SOURCE --format json`.
py::tuple CountFn(const std::string& source, py::handle dims, py::handle llm) {
  auto bindings = Dims(dims);
  if (!bindings.ok()) Raise(bindings.status());
  v1::Scenario scenario;
  if (auto s = ReadLanguageArgs(llm, scenario); !s.ok()) Raise(s);
  const PhaseOptions phase = PhaseOf(scenario);
  absl::StatusOr<Output> out;
  {
    py::gil_scoped_release release;
    out = [&]() -> absl::StatusOr<Output> {
      auto model = LoadModel(source, *bindings, false, phase);
      if (!model.ok()) return model.status();
      auto count = Count(*model);
      if (!count.ok()) return count.status();
      return Output{CountJsonText(*model, *count),
                    UncountedSummary(model->count)};
    }();
  }
  if (!out.ok()) Raise(out.status());
  return ToPython(*std::move(out));
}

// estimate(...) and compare(...): `neurowatt estimate|compare --format json`.
py::tuple PriceFn(const std::string& source, const std::vector<std::string>& hw,
                  py::handle batch, py::handle precision, py::handle chips,
                  py::handle dims, py::handle timesteps, py::handle spike_rate,
                  py::handle coding, py::handle input_rate,
                  py::handle layer_rates, py::handle activity, py::handle llm,
                  const PricingOptions& options) {
  auto args = ReadPricingArgs(source, hw, batch, precision, chips, dims,
                              timesteps, spike_rate, coding, input_rate,
                              layer_rates, activity, llm);
  if (!args.ok()) Raise(args.status());
  absl::StatusOr<Output> out;
  {
    py::gil_scoped_release release;
    out = PriceToJson(*args, options);
  }
  if (!out.ok()) Raise(out.status());
  return ToPython(*std::move(out));
}

py::tuple EstimateFn(const std::string& source, py::handle hw, py::handle batch,
                     py::handle precision, py::handle chips, py::handle dims,
                     py::handle timesteps, py::handle spike_rate,
                     py::handle coding, py::handle input_rate,
                     py::handle layer_rates, py::handle activity,
                     py::handle llm) {
  return PriceFn(source, Profiles(hw), batch, precision, chips, dims, timesteps,
                 spike_rate, coding, input_rate, layer_rates, activity, llm,
                 PricingOptions{});
}

py::tuple CompareFn(const std::string& source, py::handle hw,
                    const std::string& convention, py::handle batch,
                    py::handle precision, py::handle chips, py::handle dims,
                    py::handle timesteps, py::handle spike_rate,
                    py::handle coding, py::handle input_rate,
                    py::handle layer_rates, py::handle activity,
                    py::handle llm) {
  // compare's own checks come first, as in cli/compare.cc.
  if (convention != "physical" && convention != "ac-mac") {
    throw py::value_error(StrCat("convention ", convention,
                                 ": expected one of physical, ac-mac"));
  }
  const std::vector<std::string> profiles = Profiles(hw);
  if (profiles.size() < 2) {
    throw py::value_error(
        "compare needs two or more hardware profiles, e.g. "
        "hw=['loihi', 'horowitz-45nm']");
  }
  PricingOptions options;
  options.break_even = true;
  options.ac_mac = convention == "ac-mac";
  return PriceFn(source, profiles, batch, precision, chips, dims, timesteps,
                 spike_rate, coding, input_rate, layer_rates, activity, llm,
                 options);
}

}  // namespace
}  // namespace neurowatt::python

PYBIND11_MODULE(_neurowatt, m) {
  namespace nwpy = neurowatt::python;
  m.doc() =
      "neurowatt's C++ library; use the functions of the neurowatt package.";
  m.attr("__version__") = neurowatt::kVersion;
  m.def("count", &nwpy::CountFn, py::arg("source"),
        py::arg("dims") = py::none(), py::arg("llm") = py::none(),
        "(json_text, uncounted) of `neurowatt count SOURCE --format json`.");
  m.def("estimate", &nwpy::EstimateFn, py::arg("source"), py::arg("hw"),
        py::kw_only(), py::arg("batch") = py::none(),
        py::arg("precision") = py::none(), py::arg("chips") = py::none(),
        py::arg("dims") = py::none(), py::arg("timesteps") = py::none(),
        py::arg("spike_rate") = py::none(), py::arg("coding") = py::none(),
        py::arg("input_rate") = py::none(), py::arg("layer_rates") = py::none(),
        py::arg("activity") = py::none(), py::arg("llm") = py::none(),
        "(json_text, uncounted) of `neurowatt estimate ... --format json`.");
  m.def("compare", &nwpy::CompareFn, py::arg("source"), py::arg("hw"),
        py::kw_only(), py::arg("convention") = "physical",
        py::arg("batch") = py::none(), py::arg("precision") = py::none(),
        py::arg("chips") = py::none(), py::arg("dims") = py::none(),
        py::arg("timesteps") = py::none(), py::arg("spike_rate") = py::none(),
        py::arg("coding") = py::none(), py::arg("input_rate") = py::none(),
        py::arg("layer_rates") = py::none(), py::arg("activity") = py::none(),
        py::arg("llm") = py::none(),
        "(json_text, uncounted) of `neurowatt compare ... --format json`.");
}
