"""neurowatt: what a neural-network architecture costs on real hardware.

The schema's generated protobuf modules are in neurowatt.v1.
"""
