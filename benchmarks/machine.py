"""What a benchmark ran on: one description, printed or stored with every benchmark's figures."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any, Mapping

PACKAGES = {"jax": "JAX", "numpy": "NumPy", "streamlit": "Streamlit", "plotly": "Plotly"}


def load_average() -> tuple[float, float, float]:
    """The machine's load average over 1, 5 and 15 minutes (the machine is shared: every figure names it)."""
    return os.getloadavg()


def load_text(values=None) -> str:
    """'load average 1.5/1.6/1.7 (1/5/15 min)', of ``values`` or of now."""
    return f"load average {'/'.join(f'{value:.1f}' for value in values or load_average())} (1/5/15 min)"


def _cpu_model(cpuinfo: str = "/proc/cpuinfo") -> str:
    try:
        with open(cpuinfo, encoding="utf-8") as lines:
            return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def _memory_gb(meminfo: str = "/proc/meminfo") -> float | None:
    try:
        with open(meminfo, encoding="utf-8") as lines:
            return round(int(next(line for line in lines if line.startswith("MemTotal")).split()[1]) / 2**20, 1)
    except (OSError, StopIteration):
        return None


def describe() -> dict[str, Any]:
    """The CPU, its cores, the memory, the OS, the load average now, and the versions that the figures depend on."""
    import jax

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(terse=True),
        "load_average": [round(value, 2) for value in load_average()],
        "python": platform.python_version(),
        **{package: metadata.version(package) for package in PACKAGES},
        "jax_backend": jax.default_backend(),
    }


def line(info: Mapping[str, Any]) -> str:
    """``describe()``'s facts as one sentence for a report."""
    versions = ", ".join(f"{name} {info[package]}" for package, name in PACKAGES.items())
    return (f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, {info['os']}; "
            f"{load_text(info['load_average'])}; Python {info['python']}, {versions}; JAX on {info['jax_backend']}.")
