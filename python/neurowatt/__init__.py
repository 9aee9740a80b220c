"""neurowatt: what a neural-network architecture costs on real hardware.

    import neurowatt
    neurowatt.count("preset:gpt2-small", dims={"seq": 128})["totals"]
    neurowatt.estimate("preset:mlp:sizes=784-512-10",
                       hw=["horowitz-45nm", "loihi"], timesteps=16,
                       spike_rate=0.05)
    neurowatt.compare("preset:mlp:sizes=784-512-10",
                      hw=["loihi", "horowitz-45nm"], timesteps=16,
                      spike_rate=0.05)["break_even"]

Each function returns the dict that `neurowatt count|estimate|compare
--format json` prints (the README's "JSON" paragraphs describe the keys;
energies in joules, times in seconds, sizes in bytes). A source is an ONNX
file, a native architecture file (.pb, .textproto, .pbtxt) or
"preset:NAME[:key=value,...]"; hardware is a catalogue name (neurowatt
profiles) or a profile file. Arguments the library rejects - a missing file,
an unknown profile, a dimension or spike setting out of range - raise
ValueError with the library's message; an argument of the wrong type raises
TypeError. Nodes neurowatt does not count (unknown ONNX ops) are listed in
the dict's "uncounted" (count) and announced with a UserWarning. The C++
work runs without the GIL.

The schema's generated protobuf modules are in neurowatt.v1 (e.g.
neurowatt.v1.architecture_pb2, to write an architecture directly).
"""
import json as _json
import os as _os
import warnings as _warnings

try:
    import neurowatt._neurowatt as _neurowatt
except ImportError as e:
    # A build without the extension (NEUROWATT_BUILD_PYTHON=OFF, sanitizer
    # builds) still has the schema's modules: neurowatt.v1 stays importable
    # and the functions below say why they cannot run.
    _neurowatt = None
    _missing = e

__all__ = ["count", "estimate", "compare"]
__version__ = getattr(_neurowatt, "__version__", None)


def _module():
    if _neurowatt is None:
        raise ImportError(
            "neurowatt was built without its C++ extension "
            f"(neurowatt._neurowatt: {_missing})") from _missing
    return _neurowatt


def _result(source, output):
    text, uncounted = output
    if uncounted:
        _warnings.warn(
            f"{source}: not counted (unknown ops, listed as uncounted): "
            f"{uncounted}", stacklevel=3)
    return _json.loads(text)


def _path(value):
    return None if value is None else _os.fspath(value)


def _profiles(hw):
    if isinstance(hw, (str, _os.PathLike)):
        return [_os.fspath(hw)]
    return [_os.fspath(h) for h in hw]


def count(source, dims=None, *, phase=None, context=None):
    """The neuron view of `source`: `neurowatt count SOURCE --format json`.

    dims binds symbolic dimensions, e.g. {"seq": 128, "batch": 4} (each from
    1 to 2**40); counts are per inference of that batch (1 by default).
    phase ("forward", "prefill", "decode", "train") and context (decode:
    tokens in the KV cache) count a language model as it runs.
    Returns {"model", "phase", "tokens_per_inference", "dimensions",
    "uncounted", "layers", "totals", "brain"}.
    """
    source = _os.fspath(source)
    return _result(source, _module().count(source, dims,
                                           _llm(phase, context)))


def _llm(phase=None, context=None, weight_precision=None, kv_precision=None):
    return {"phase": phase, "context": context,
            "weight_precision": weight_precision,
            "kv_precision": kv_precision}


def estimate(source, hw, *, batch=None, precision=None, chips=None,
             dims=None, timesteps=None, spike_rate=None, coding=None,
             input_rate=None, layer_rates=None, activity=None, phase=None,
             context=None, weight_precision=None, kv_precision=None):
    """Energy, time and memory traffic of `source` on each profile of `hw`.

    The dict of `neurowatt estimate SOURCE --hw ... --format json`:
    {"model", "scenario", "convention", "hardware": [...]}.

      hw           a profile name or file, or a list of them
      batch        inferences per batch (1 to 2**40; default the model's)
      precision    "fp32", "tf32", "fp16", "bf16", "fp8", "int8" or "int4"
                   for every layer
      chips        chips in each profile's system: "auto" (default: as few
                   as hold the network) or a number
      dims         symbolic dimensions, e.g. {"seq": 128}
    For language models:
      phase        "forward" (default), "prefill", "decode" or "train"
      context      decode: tokens already in the KV cache
      weight_precision, kv_precision
                   the weights' and the KV cache's own precision (int4
                   weights with fp16 arithmetic: weight-only quantisation)
    For neuromorphic profiles (loihi, loihi2, hala-point, truenorth, speck,
    ...) the spike activity, either
      timesteps    steps per inference, and
      spike_rate   spikes per neuron per step, 0 to 1 (ttfs: the fraction
                   of neurons that fire once), with optionally
      coding       "rate" (default) or "ttfs"
      input_rate   the input neurons' rate (default spike_rate)
      layer_rates  a layer's own rate, {"fc1": 0.1}
    or
      activity     a file of spikes measured per layer (.json or .csv; its
                   timesteps, or timesteps= for CSV).
    """
    return _result(source, _module().estimate(
        _os.fspath(source), _profiles(hw), batch=batch, precision=precision,
        chips=chips, dims=dims, timesteps=timesteps, spike_rate=spike_rate, coding=coding,
        input_rate=input_rate, layer_rates=layer_rates,
        activity=_path(activity),
        llm=_llm(phase, context, weight_precision, kv_precision)))


def compare(source, hw, convention="physical", *, batch=None, precision=None,
            chips=None, dims=None, timesteps=None, spike_rate=None, coding=None,
            input_rate=None, layer_rates=None, activity=None, phase=None,
            context=None, weight_precision=None, kv_precision=None):
    """Profiles side by side with the break-even spike rates.

    The dict of `neurowatt compare SOURCE --hw A --hw B ... --format json`:
    as estimate(), plus "break_even" (the first neuromorphic / von Neumann
    pair: "spikes_per_neuron_per_step", "feasible", "cheaper_below",
    "note", ...) and "break_even_all" (every pair). hw needs two or more
    profiles; convention is "physical" (every part priced) or "ac-mac" (the
    literature's compute-only shortcut, labelled as such). The other
    arguments are estimate()'s.
    """
    return _result(source, _module().compare(
        _os.fspath(source), _profiles(hw), convention=convention,
        batch=batch, precision=precision, chips=chips, dims=dims,
        timesteps=timesteps,
        spike_rate=spike_rate, coding=coding, input_rate=input_rate,
        layer_rates=layer_rates, activity=_path(activity),
        llm=_llm(phase, context, weight_precision, kv_precision)))
