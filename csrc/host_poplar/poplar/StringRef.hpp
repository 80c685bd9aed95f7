// Host implementation of Poplar's StringRef: a view of characters that the
// graph API takes where a name is passed (a C string or a std::string).
#pragma once

#include <cstddef>
#include <cstring>
#include <ostream>
#include <string>

namespace poplar {

class StringRef {
public:
  StringRef() = default;
  StringRef(const char *s) : data_(s), size_(s == nullptr ? 0 : std::strlen(s)) {}
  StringRef(const std::string &s) : data_(s.data()), size_(s.size()) {}
  StringRef(const char *s, std::size_t size) : data_(s), size_(size) {}

  const char *data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const char *begin() const { return data_; }
  const char *end() const { return data_ + size_; }
  std::string cloneAsString() const { return std::string(data_, size_); }
  operator std::string() const { return cloneAsString(); }

private:
  const char *data_ = "";
  std::size_t size_ = 0;
};

inline bool operator==(StringRef a, StringRef b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}
inline bool operator!=(StringRef a, StringRef b) { return !(a == b); }
inline std::string operator+(const std::string &a, StringRef b) {
  return a + b.cloneAsString();
}
inline std::string operator+(StringRef a, const std::string &b) {
  return a.cloneAsString() + b;
}
inline std::ostream &operator<<(std::ostream &os, StringRef s) {
  return os.write(s.data(), static_cast<std::streamsize>(s.size()));
}

} // namespace poplar
