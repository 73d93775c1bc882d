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
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "Inputs", "compare_backends.py"]

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

# The GPU emulator's settings reach the tests (lit passes few variables on):
# `LDN_EMU_CHECK=1 lit -D ldn_target=emu ...` bounds-checks every kernel.
for var in ["LDN_EMU_CHECK", "LDN_EMU_THREADS", "LDN_EMU_STACK_KB"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
