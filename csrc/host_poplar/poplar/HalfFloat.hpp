// Host shim: the IPU's `half` type.
//
// On the IPU `half` is a builtin IEEE binary16 type. On the host, GCC and Clang
// provide the same format as _Float16 (on x86-64 the conversions use F16C where
// the target has it), and its bits match torch.float16 element for element.
#pragma once

using half = _Float16;

namespace poplar {
using ::half;
}
