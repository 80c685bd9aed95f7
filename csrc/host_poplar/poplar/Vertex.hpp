// Host shim of the slice of the Poplar vertex API that snn_ipu's codelets use.
//
// Written from the Poplar documentation (Vertex, MultiVertex, Input / Output /
// InOut fields, Vector with a layout) so that csrc/codelets/*.cpp compile
// unchanged with the host compiler. It is deliberately strict where popc is:
//   * an Input field has no non-const access: writing an input fails to compile;
//   * an Output element is write-only: reading an output fails to compile;
//   * size() of a ONE_PTR vector fails to compile (Poplar does not store it).
// Host-only connection functions live in namespace poplar::host and are used by
// the host runner, never by codelets.
//
// Host layout: a 2-D field (Vector<Input<Vector<T>>>) is either a strided set
// of rows, so the runner connects the tile's neuron block at every time step of
// a [T, N] tensor without building a table of edge pointers, or a table of
// edges, each anywhere and of its own size, as Poplar connects one.
//
// With SNN_IPU_SHIM_CHECKED defined, every element access is bounds-checked
// against the size the runner connected (also for ONE_PTR fields), and a
// violation aborts with a message: the sanitizer build uses this. Fields then
// also carry the name their connector gave them, for that message. With
// SNN_IPU_SHIM_THROWS as well (only in a variant, see below), a violation
// throws poplar::executor::FieldIndexError (a std::out_of_range) instead,
// for the graph executor, which runs vertices one at a time and reports the
// vertex, its tile and the tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#ifdef SNN_IPU_SHIM_THROWS
#include "executor/FieldIndexError.hpp"
#endif

// The codelets compiled against this shim run on the host: they may walk
// their blocks in host-sized chunks (kMaxChunkNeurons in LifFields.hpp).
#define SNN_IPU_HOST_SHIM 1

// A host build that compiles the vertices more than once defines
// SNN_IPU_VARIANT per translation unit (see csrc/codelets/Variant.hpp): the
// shim, whose fields the vertices are made of, goes into the same inline
// namespace, so that each compilation has classes of its own.
#ifdef SNN_IPU_VARIANT
#define SNN_IPU_SHIM_BEGIN inline namespace SNN_IPU_VARIANT {
#define SNN_IPU_SHIM_END }
#else
#define SNN_IPU_SHIM_BEGIN
#define SNN_IPU_SHIM_END
#endif

// Throwing and aborting builds of the shim have different outOfBounds
// functions under one name: they must not share a namespace.
#if defined(SNN_IPU_SHIM_THROWS) && !defined(SNN_IPU_VARIANT)
#error "SNN_IPU_SHIM_THROWS needs SNN_IPU_VARIANT (a namespace of its own)"
#endif
#if defined(SNN_IPU_SHIM_THROWS) && !defined(SNN_IPU_SHIM_CHECKED)
#error "SNN_IPU_SHIM_THROWS needs SNN_IPU_SHIM_CHECKED (nothing to throw otherwise)"
#endif

namespace poplar {
SNN_IPU_SHIM_BEGIN

enum class VectorLayout {
  ONE_PTR,
  SCALED_PTR32,
  SCALED_PTR64,
  SCALED_PTR128,
  COMPACT_PTR,
  SPAN,
  SHORT_SPAN,
  COMPACT_DELTAN,
  DELTAN,
  DELTANELEMENTS,
};

namespace detail {

// A field's name and, for a row of a 2-D field, its row, in a checked build
// (set by the connector; a field the host runner connects has none). Fields
// derive from it privately; unchecked, it is empty and takes no room.
class FieldName {
public:
  static constexpr std::size_t kNoRow = SIZE_MAX;
#ifdef SNN_IPU_SHIM_CHECKED
  const char *fieldName() const { return name_; }
  std::size_t fieldRow() const { return row_; }
  void nameField(const char *name, std::size_t row = kNoRow) {
    name_ = name;
    row_ = row;
  }

private:
  const char *name_ = nullptr;
  std::size_t row_ = kNoRow;
#else
  const char *fieldName() const { return nullptr; }
  std::size_t fieldRow() const { return kNoRow; }
  void nameField(const char *, std::size_t = kNoRow) {}
#endif
};

[[noreturn]] inline void outOfBounds(const char *what, std::size_t index,
                                     std::size_t size, const FieldName &field) {
  char where[160] = "";
  if (field.fieldName() != nullptr && field.fieldRow() != FieldName::kNoRow)
    std::snprintf(where, sizeof where, " field '%s' row %zu", field.fieldName(),
                  field.fieldRow());
  else if (field.fieldName() != nullptr)
    std::snprintf(where, sizeof where, " field '%s'", field.fieldName());
  char message[320];
  std::snprintf(message, sizeof message, "%s%s: index %zu out of bounds (size %zu)",
                what, where, index, size);
#ifdef SNN_IPU_SHIM_THROWS
  throw ::poplar::executor::FieldIndexError(message, field.fieldName(),
                                            field.fieldRow());
#else
  std::fprintf(stderr, "snn_ipu host shim: %s\n", message);
  std::abort();
#endif
}

inline void checkIndex(const char *what, std::size_t index, std::size_t size,
                       const FieldName &field) {
#ifdef SNN_IPU_SHIM_CHECKED
  if (index >= size)
    outOfBounds(what, index, size, field);
#else
  (void)what;
  (void)index;
  (void)size;
  (void)field;
#endif
}

constexpr bool layoutHasSize(VectorLayout layout) {
  return layout == VectorLayout::SPAN || layout == VectorLayout::SHORT_SPAN;
}

// A write-only reference to one element of an Output field.
template <typename T> class WriteOnlyRef {
public:
  explicit WriteOnlyRef(T *element) : element_(element) {}
  WriteOnlyRef &operator=(const T &value) {
    *element_ = value;
    return *this;
  }
  // Reading an Output is undefined on the IPU; make it a compile error here.
  operator T() const = delete;

private:
  T *element_;
};

} // namespace detail

// Vector is only a tag describing a field's element type and layout here; the
// field wrappers below hold the host pointers.
template <typename T, VectorLayout Layout = VectorLayout::SPAN,
          unsigned MinAlign = alignof(T), bool Interleaved = false>
class Vector;

template <typename Field> class Input;
template <typename Field> class Output;
template <typename Field> class InOut;

namespace host {
template <typename Field> struct Connector;
struct FieldAccess;
// One edge of a 2-D field connected from a table: its elements and their count.
template <typename Pointer> struct RowEdge {
  Pointer data;
  std::size_t size;
};
}
namespace detail {
template <typename Row, VectorLayout Layout> class RowSet;
}

// ---------------------------------------------------------------- 1-D fields

template <typename T, VectorLayout L, unsigned A, bool I>
class Input<Vector<T, L, A, I>> : detail::FieldName {
public:
  const T &operator[](std::size_t i) const {
    detail::checkIndex("Input", i, size_, *this);
    return data_[i];
  }
  std::size_t size() const {
    static_assert(detail::layoutHasSize(L), "a ONE_PTR field has no size()");
    return size_;
  }

private:
  friend struct host::Connector<Input>;
  friend struct host::FieldAccess;
  template <typename, VectorLayout> friend class detail::RowSet;
  const T *data_ = nullptr;
  std::size_t size_ = 0;
};

template <typename T, VectorLayout L, unsigned A, bool I>
class Output<Vector<T, L, A, I>> : detail::FieldName {
public:
  detail::WriteOnlyRef<T> operator[](std::size_t i) const {
    detail::checkIndex("Output", i, size_, *this);
    return detail::WriteOnlyRef<T>(data_ + i);
  }
  std::size_t size() const {
    static_assert(detail::layoutHasSize(L), "a ONE_PTR field has no size()");
    return size_;
  }

private:
  friend struct host::Connector<Output>;
  friend struct host::FieldAccess;
  template <typename, VectorLayout> friend class detail::RowSet;
  T *data_ = nullptr;
  std::size_t size_ = 0;
  // Host only: the runner asked for non-temporal stores into this field
  // (an output far larger than the caches; see storeRun in
  // detail/HostRuns.hpp).
  bool streaming_ = false;
};

template <typename T, VectorLayout L, unsigned A, bool I>
class InOut<Vector<T, L, A, I>> : detail::FieldName {
public:
  T &operator[](std::size_t i) const {
    detail::checkIndex("InOut", i, size_, *this);
    return data_[i];
  }
  std::size_t size() const {
    static_assert(detail::layoutHasSize(L), "a ONE_PTR field has no size()");
    return size_;
  }

private:
  friend struct host::Connector<InOut>;
  friend struct host::FieldAccess;
  template <typename, VectorLayout> friend class detail::RowSet;
  T *data_ = nullptr;
  std::size_t size_ = 0;
};

// ------------------------------------- 2-D fields: strided rows or an edge table

namespace detail {
template <typename Row> struct RowTraits;
template <typename T, VectorLayout L, unsigned A, bool I>
struct RowTraits<Input<Vector<T, L, A, I>>> {
  using Pointer = const T *;
  static constexpr bool isOutput = false;
};
template <typename T, VectorLayout L, unsigned A, bool I>
struct RowTraits<Output<Vector<T, L, A, I>>> {
  using Pointer = T *;
  static constexpr bool isOutput = true;
};
template <typename T, VectorLayout L, unsigned A, bool I>
struct RowTraits<InOut<Vector<T, L, A, I>>> {
  using Pointer = T *;
  static constexpr bool isOutput = false;
};
} // namespace detail

namespace detail {
// Vector<Input<Vector<T>>> and friends: row r is edges[r] when connected from
// an edge table, else it starts at base + r * rowStride. A row stride of 0
// connects the same row to every edge (used for an absent upstream gradient,
// which the runner connects to one row of zeros). A vertex reads a row once
// per step and chunk, so the choice costs nothing in its inner loops.
template <typename Row, VectorLayout Layout> class RowSet : FieldName {
public:
  Row operator[](std::size_t r) const {
    checkIndex("Vector of fields (row)", r, rows_, *this);
    Row row;
    row.nameField(fieldName(), r);
    if (edges_ != nullptr) {
      row.data_ = edges_[r].data;
      row.size_ = edges_[r].size;
    } else {
      row.data_ = base_ + static_cast<std::ptrdiff_t>(r) * rowStride_;
      row.size_ = rowSize_;
    }
    if constexpr (RowTraits<Row>::isOutput)
      row.streaming_ = streaming_;
    return row;
  }
  std::size_t size() const {
    static_assert(layoutHasSize(Layout), "a ONE_PTR field has no size()");
    return rows_;
  }

private:
  template <typename> friend struct host::Connector;
  friend struct host::FieldAccess;
  const host::RowEdge<typename RowTraits<Row>::Pointer> *edges_ = nullptr;
  typename RowTraits<Row>::Pointer base_ = nullptr;
  std::ptrdiff_t rowStride_ = 0;
  std::size_t rowSize_ = 0;
  std::size_t rows_ = 0;
  bool streaming_ = false;
};
} // namespace detail

template <typename Row, VectorLayout L, unsigned A, bool I>
class Vector<Input<Row>, L, A, I> : public detail::RowSet<Input<Row>, L> {};
template <typename Row, VectorLayout L, unsigned A, bool I>
class Vector<Output<Row>, L, A, I> : public detail::RowSet<Output<Row>, L> {};
template <typename Row, VectorLayout L, unsigned A, bool I>
class Vector<InOut<Row>, L, A, I> : public detail::RowSet<InOut<Row>, L> {};

// -------------------------------------------------------------- vertices

class Vertex {};

// On the IPU a MultiVertex's compute(workerId) runs once on each of the tile's
// worker contexts. The host runner calls it once per worker id as well.
class MultiVertex {
public:
  static constexpr unsigned numWorkers() { return 6; }
};

// ------------------------------------------------- host-only connections

namespace host {

template <typename T, VectorLayout L, unsigned A, bool I>
struct Connector<Input<Vector<T, L, A, I>>> {
  static void connect(Input<Vector<T, L, A, I>> &field, const T *data,
                      std::size_t size) {
    field.data_ = data;
    field.size_ = size;
  }
};
template <typename T, VectorLayout L, unsigned A, bool I>
struct Connector<Output<Vector<T, L, A, I>>> {
  static void connect(Output<Vector<T, L, A, I>> &field, T *data,
                      std::size_t size) {
    field.data_ = data;
    field.size_ = size;
  }
};
template <typename T, VectorLayout L, unsigned A, bool I>
struct Connector<InOut<Vector<T, L, A, I>>> {
  static void connect(InOut<Vector<T, L, A, I>> &field, T *data,
                      std::size_t size) {
    field.data_ = data;
    field.size_ = size;
  }
};
template <typename Row, VectorLayout L, unsigned A, bool I>
struct Connector<Vector<Row, L, A, I>> {
  using Pointer = typename detail::RowTraits<Row>::Pointer;
  static void connect(Vector<Row, L, A, I> &field, Pointer base,
                      std::ptrdiff_t rowStride, std::size_t rowSize,
                      std::size_t rows, bool streaming = false) {
    field.edges_ = nullptr;
    field.base_ = base;
    field.rowStride_ = rowStride;
    field.rowSize_ = rowSize;
    field.rows_ = rows;
    field.streaming_ = streaming;
  }
  static void connect(Vector<Row, L, A, I> &field,
                      const RowEdge<Pointer> *edges, std::size_t rows,
                      bool streaming = false) {
    field.edges_ = edges;
    field.base_ = nullptr;
    field.rowStride_ = 0;
    field.rowSize_ = 0;
    field.rows_ = rows;
    field.streaming_ = streaming;
  }
};

// Host-only access to a row's storage, for the shim's runAsState and
// storeRun overloads (detail/HostRuns.hpp), and to a field's name.
struct FieldAccess {
  template <typename Field> static auto data(const Field &row) { return row.data_; }
  template <typename Field> static std::size_t size(const Field &row) {
    return row.size_;
  }
  template <typename Field>
  static const detail::FieldName &name(const Field &field) {
    return field;
  }
  // Names a 1-D or 2-D field for the checked build's messages; `name` must
  // outlive the field.
  template <typename Field> static void setName(Field &field, const char *name) {
    static_cast<detail::FieldName &>(field).nameField(name);
  }
  template <typename T, VectorLayout L, unsigned A, bool I>
  static bool streaming(const Output<Vector<T, L, A, I>> &row) {
    return row.streaming_;
  }
};

// connect(field, pointer, size) for 1-D fields;
// connect(field, base, rowStride, rowSize, rows[, streaming]) for 2-D fields
// of strided rows, connect(field, edges, rows[, streaming]) for 2-D fields
// from a table of `rows` edges, which must outlive the connection.
template <typename Field, typename... Args>
void connect(Field &field, Args... args) {
  Connector<Field>::connect(field, args...);
}

} // namespace host
SNN_IPU_SHIM_END
} // namespace poplar

#include "detail/HostRuns.hpp"
