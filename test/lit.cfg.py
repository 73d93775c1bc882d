# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "LDN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ldn_obj_root, "test")
# unit/ holds gtest sources run by ctest, not lit tests.
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "Inputs"]

config.substitutions.append(("%ldn_src_root", config.ldn_src_root))
config.substitutions.append(("%ldn_obj_root", config.ldn_obj_root))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.ldn_tools_dir, config.llvm_tools_dir]
tools = ["ldn-opt", "ldn-lsp-server", "ldn-compile", "ldn-run", "ldn-translate"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The CUDA toolkit's assembler: PTX is always checked as text; tests that
# assemble cubins or package fatbins need `REQUIRES: ptxas`.
cuda_path = os.environ.get("CUDA_PATH", "/usr/local/cuda")
config.substitutions.append(("%cuda_path", cuda_path))
# Compiling for CUDA at all (even to PTX) links libdevice from the toolkit.
if os.path.isfile(os.path.join(cuda_path, "nvvm", "libdevice", "libdevice.10.bc")):
    config.available_features.add("libdevice")
for tool in ["ptxas", "fatbinary"]:
    if os.access(os.path.join(cuda_path, "bin", tool), os.X_OK):
        config.available_features.add(tool)
        config.substitutions.append(("%" + tool, os.path.join(cuda_path, "bin", tool)))

# The example models' reference checks (test/Examples/models) need a python
# with numpy; lit itself may run under another interpreter than the user's.
def find_numpy_python():
    import shutil, subprocess, sys
    candidates = [os.environ.get("LDN_PYTHON"), shutil.which("python3"), sys.executable]
    for python in filter(None, candidates):
        try:
            subprocess.run([python, "-c", "import numpy"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return python
        except (OSError, subprocess.CalledProcessError):
            continue
    return None

numpy_python = find_numpy_python()
if numpy_python:
    config.available_features.add("numpy")
    config.substitutions.append(("%numpy_python", numpy_python))
else:
    lit_config.note("no python3 with numpy found: the example models' checks against "
                    "their numpy references (test/Examples/models) are skipped; "
                    "`python3 -m pip install numpy` (or scripts/setup.sh) enables them")

# The GPU emulator's settings reach the tests (lit passes few variables on):
# `LDN_EMU_CHECK=1 lit -D ldn_target=emu ...` bounds-checks every kernel.
for var in ["LDN_EMU_CHECK", "LDN_EMU_THREADS", "LDN_EMU_STACK_KB"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
