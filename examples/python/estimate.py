#!/usr/bin/env python3
"""Counts a perceptron, prices it on a conventional and a spiking chip, and
finds the spike rate at which the two cost the same.

With the build's package (build/python) or an installed one on the path:

    PYTHONPATH=build/python /usr/bin/python3 examples/python/estimate.py

Each call returns the dict `neurowatt count|estimate|compare --format json`
prints; energies are in joules.
"""
import neurowatt

SOURCE = "preset:mlp:sizes=784-512-512-10"
HARDWARE = ["horowitz-45nm", "loihi"]  # von Neumann, then neuromorphic
SPIKES = {"timesteps": 16, "spike_rate": 0.05}  # 16 steps, 5% fire per step


def main():
    totals = neurowatt.count(SOURCE)["totals"]
    print(f"{SOURCE}: {totals['neurons']:,} neurons, "
          f"{totals['synapses']:,} synapses, {totals['macs']:,} MACs")

    report = neurowatt.estimate(SOURCE, hw=HARDWARE, **SPIKES)
    for hw in report["hardware"]:
        print(f"  {hw['name']:<14} {hw['kind']:<13} "
              f"{hw['energy_per_inference_joules'] * 1e6:9.3f} uJ per inference")

    b = neurowatt.compare(SOURCE, hw=HARDWARE, **SPIKES)["break_even"]
    print(f"break-even {b['neuromorphic']} vs {b['von_neumann']}: "
          f"{b['spikes_per_neuron_per_step']:.4g} spikes per neuron per step "
          f"({'feasible' if b['feasible'] else 'not feasible'}; {b['note']})")

    try:
        neurowatt.estimate(SOURCE, hw=["loihi"], spike_rate=0.05)
    except ValueError as e:  # what the CLI prints, as an exception
        print(f"without timesteps: {e}")


if __name__ == "__main__":
    main()
