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
tools = ["ldn-opt", "ldn-lsp-server", "ldn-compile", "ldn-run"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
