#include "ops/bindings/OutputArrays.hpp"

#include <limits>
#include <memory>
#include <new>

#include "ops/runtime/OutputPool.hpp"

namespace py = pybind11;

namespace snn_ipu {

namespace {

py::dtype dtypeOf(ElementType type) {
  switch (type) {
  case ElementType::Half:
    return py::dtype("e"); // NumPy's float16
  case ElementType::Float:
    return py::dtype::of<float>();
  case ElementType::Double:
    break;
  }
  return py::dtype::of<double>();
}

} // namespace

py::array newOutputArray(ElementType type, const std::vector<std::uint64_t> &shape) {
  const py::dtype dtype = dtypeOf(type);
  std::uint64_t bytes = elementBytes(type);
  std::vector<py::ssize_t> dims;
  dims.reserve(shape.size());
  for (const std::uint64_t size : shape) {
    if (size != 0 && bytes > std::uint64_t(std::numeric_limits<py::ssize_t>::max()) / size)
      throw std::bad_alloc();
    bytes *= size;
    dims.push_back(static_cast<py::ssize_t>(size));
  }
  if (bytes < kPooledOutputBytes)
    return py::array(dtype, std::move(dims));
  std::unique_ptr<PoolBuffer> buffer;
  {
    py::gil_scoped_release release; // a new buffer is an mmap
    buffer = std::make_unique<PoolBuffer>(static_cast<std::size_t>(bytes));
  }
  // The array gives the buffer back to the pool when it, and every view of
  // it, is gone.
  void *data = buffer->as<void>();
  py::capsule base(buffer.get(), [](void *p) { delete static_cast<PoolBuffer *>(p); });
  buffer.release(); // the capsule owns it now
  return py::array(dtype, std::move(dims), data, base);
}

} // namespace snn_ipu
