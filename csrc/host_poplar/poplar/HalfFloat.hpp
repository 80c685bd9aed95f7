// Host shim: the IPU's `half` type.
//
// On the IPU `half` is a builtin IEEE binary16 type. On the host, GCC and Clang
// provide the same format as _Float16 (on x86-64 the conversions use F16C where
// the target has it), and its bits match torch.float16 element for element.
// GCC before 13 has no _Float16 in C++ on Arm; its __fp16 is the same storage
// format there, with arithmetic in float (the codelets only convert halves).
#pragma once

#if (defined(__aarch64__) || defined(__arm__)) && !defined(__clang__) && __GNUC__ < 13
using half = __fp16;
#else
using half = _Float16;
#endif

namespace poplar {
using ::half;
}
