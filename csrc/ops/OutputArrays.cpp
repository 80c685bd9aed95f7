#include "OutputArrays.hpp"

#include <limits>
#include <new>

#include "OutputPool.hpp"

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

// A pool buffer of `bytes` and its capacity; the GIL is released meanwhile,
// since a new buffer is an mmap.
void *allocatePooled(std::uint64_t bytes, std::size_t *capacity) {
  py::gil_scoped_release release;
  return poolAllocate(static_cast<std::size_t>(bytes), capacity);
}

// An array over a pool buffer that gives the buffer back when it dies.
py::array arrayOverPooled(const py::dtype &dtype, std::vector<py::ssize_t> shape,
                          void *buffer, std::size_t capacity) {
  struct Owner {
    void *buffer;
    std::size_t capacity;
  };
  auto *owner = new Owner{buffer, capacity};
  py::capsule base(owner, [](void *p) {
    auto *o = static_cast<Owner *>(p);
    poolRelease(o->buffer, o->capacity);
    delete o;
  });
  return py::array(dtype, std::move(shape), buffer, base);
}

} // namespace

py::array newOutputArray(ElementType type, const std::vector<std::uint64_t> &shape) {
  const py::dtype dtype = dtypeOf(type);
  std::uint64_t bytes = static_cast<std::uint64_t>(dtype.itemsize());
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
  std::size_t capacity = 0;
  void *buffer = allocatePooled(bytes, &capacity);
  return arrayOverPooled(dtype, std::move(dims), buffer, capacity);
}

py::array pooledBytes(std::uint64_t bytes) {
  std::size_t capacity = 0;
  void *buffer = allocatePooled(bytes, &capacity);
  return arrayOverPooled(py::dtype::of<std::uint8_t>(),
                         {static_cast<py::ssize_t>(capacity)}, buffer, capacity);
}

} // namespace snn_ipu
