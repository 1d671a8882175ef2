"""Runs exporter/run_executorch.py with ExecuTorch's quantized kernel library loaded as well.

ExecuTorch's Python runtime registers only the portable kernels; the quantized_decomposed::*
kernels live in executorch/lib/libexecutorch_kernels_quantized.so, which registers them when
loaded into the same process. Usage: python executorch_quantized.py SCRIPT ARGS...
"""
import ctypes
import os
import runpy
import sys

import executorch
from executorch.extension.pybindings import portable_lib  # noqa: F401  (libexecutorch first)

ctypes.CDLL(os.path.join(list(executorch.__path__)[0], "lib", "libexecutorch_kernels_quantized.so"), mode=ctypes.RTLD_GLOBAL)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
