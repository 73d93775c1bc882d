// RUN: ldn-opt %s --ldn-emu-attach-target | FileCheck %s
// RUN: ldn-opt %s --ldn-emu-attach-target='O=1 mcpu=x86-64' | FileCheck %s --check-prefix=OPTIONS

// Every gpu.module gets the emulator as its only target.
// CHECK: gpu.module @a [#ldn_emu.target]
// CHECK: gpu.module @b [#ldn_emu.target]
// OPTIONS: gpu.module @a [#ldn_emu.target<O = 1, mcpu = "x86-64">]
module attributes {gpu.container_module} {
  gpu.module @a {
  }
  gpu.module @b [#nvvm.target] {
  }
}
